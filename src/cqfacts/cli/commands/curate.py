"""The curator's commands: validate, export, draft and audit (fact files in and out,
and the fact base checked against the text it comes from)."""

from enum import StrEnum
from typing import Annotated

import typer

from cqfacts.cli import arguments as answers
from cqfacts.cli.app import ExitCode, command, fact_path, load, print_json, say
from cqfacts.cli.options import YearOption, json_flag
from cqfacts.errors import shown
from cqfacts.output import shapes


class ExportFormat(StrEnum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    toml = "toml"


@command()
def export(
    ctx: typer.Context,
    *,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format", "-f", help="json, jsonl, csv (UTF-8 with BOM, for Excel) or toml."
        ),
    ] = ExportFormat.json,
    year: YearOption = None,
) -> None:
    """The whole fact base on stdout, for other tools (TOML: one report at a time).

    \b
    Examples:
      cqfacts export --format csv > facts.csv
      cqfacts export --format toml > copy.toml && cqfacts validate copy.toml
    """
    from cqfacts.output.export import export as export_text

    loaded = load(ctx)
    chosen = answers.loaded_year(year, loaded)
    text = export_text(loaded.base if chosen is None else loaded.base.only(chosen), fmt.value)
    # Bytes, not text: CSV's \r\n must reach the file as written, on every platform.
    stdout = ctx.obj.env.stdout
    stdout.flush()
    stdout.buffer.write(text.encode("utf-8"))


@command()
def validate(
    ctx: typer.Context,
    *,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PATH]...", help="Fact files or directories to check (default: those in use)."
        ),
    ] = None,
    json: Annotated[
        bool, json_flag("Write each file's result as JSON to stdout (an array for several).")
    ] = False,
) -> None:
    """Check fact files and list every problem in them.

    Checks TOML syntax (file and line named), required keys, unique ids, that
    pillars and sections exist, that values are numbers and changes well-formed.
    With --json, one file gives one object, several an array of them.

    \b
    Examples:
      cqfacts validate my-facts.toml
      cqfacts validate --json | jq '.problems'
    """
    from cqfacts.store.loader import fact_paths
    from cqfacts.store.loader import validate as check

    named = [fact_path(text) for text in paths] if paths else list(ctx.obj.facts)
    results = [check(target) for target in fact_paths(named)]
    if json:
        objects = [shapes.validation(str(r.path), r.fact_count, r.problems, r.draft_count)
                   for r in results]  # fmt: skip
        print_json(ctx, objects[0] if len(objects) == 1 else objects)
    for target, count, problems, drafts in [] if json else results:
        if not problems:
            waiting = f" ({drafts} still drafts for a curator to check)" if drafts else ""
            typer.echo(f"{shown(str(target))}: valid, {count} facts{waiting}")
        else:
            say("\n".join(str(problem) for problem in problems))
            say(f"{shown(str(target))}: {len(problems)} problem{'s' * (len(problems) > 1)}")
    if any(result.problems for result in results):
        raise typer.Exit(ExitCode.USAGE_ERROR)


SourceArgument = Annotated[
    str, typer.Argument(metavar="SOURCE", help="The report's plain text (UTF-8), or - for stdin.")
]


@command()
def draft(
    ctx: typer.Context,
    *,
    source: SourceArgument,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            metavar="YEAR",
            help="The year the report is of, the fact file's [meta] year (default: the one "
            "the text names).",
        ),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option("--title", metavar="TITLE", help="The report's title, its [meta] title."),
    ] = None,
    json: Annotated[
        bool,
        json_flag("Write the drafted facts as a JSON array to stdout, not a TOML fact file."),
    ] = False,
) -> None:
    """Draft a fact file from a report's text, for a curator to finish.

    Every figure with its unit, qualifier and change, every 《》 document, in its
    pillar and section, each fact marked draft = true with its line and column.
    Writes TOML to stdout (--json: the drafted fact objects). The year is --year's,
    else the one the text's title names or a paragraph opens with (2023年,全市…);
    where neither gives one, draft asks for --year (exit 2).

    \b
    Examples:
      cqfacts draft report-2024.txt --year 2024 > facts-2024.toml
      cqfacts --facts facts-2024.toml audit report-2024.txt
    """
    from cqfacts.text.draft import draft_report
    from cqfacts.text.report import read_source

    text = read_source(source)
    # The loaded reports' indicators: a figure whose subject names one takes its id,
    # topic and English label.
    known = load(ctx).base.facts
    drafted = draft_report(text, year=year, title=answers.as_typed(title), source=None, known=known)
    if json:  # the drafted facts themselves ([] where there is nothing to draft)
        print_json(ctx, drafted.to_json())
    else:
        typer.echo(drafted.to_toml(), nl=False)


@command()
def audit(
    ctx: typer.Context,
    *,
    source: SourceArgument,
    year: Annotated[
        int | None,
        typer.Option("--year", "-y", metavar="YEAR", help="Audit the loaded report of this year."),
    ] = None,
    report: Annotated[
        str | None,
        typer.Option(
            "--report", metavar="TITLE", help="Audit the loaded report of this title or fact file."
        ),
    ] = None,
    json: Annotated[
        bool, json_flag("Write the findings as one JSON object to stdout, not as lines.")
    ] = False,
) -> None:
    """Check the fact base against the text it comes from.

    Lists figures of the source no fact holds, facts whose value_text is not in the
    source (or whose value disagrees with it), and facts filed in another section
    than the one their figure stands in. Exit 0 when all agree, 1 when anything is
    listed. With several reports loaded, only the one the text is of is checked:
    --year or --report, else the one whose title or year the text names.

    \b
    Examples:
      cqfacts audit report-2023.txt
      cqfacts --facts facts-2024.toml audit report-2024.txt --json | jq '.uncovered'
    """
    from cqfacts.text.audit import audit as run_audit
    from cqfacts.text.audit import report_for
    from cqfacts.text.report import read_source

    loaded = load(ctx)
    text = read_source(source)
    chosen = report_for(loaded.base, text, year=year, report=answers.as_typed(report))
    paths = [str(path) for path in chosen.paths]
    result = run_audit(text, chosen.facts, source=source, paths=paths)
    if json:
        print_json(ctx, result.to_dict())
    else:
        from cqfacts.output.render import audit_lines

        typer.echo(audit_lines(result.to_dict()))
    if not result.clean:
        raise typer.Exit(ExitCode.NOTHING_FOUND)
