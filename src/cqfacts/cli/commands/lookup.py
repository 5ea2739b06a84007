"""The lookup commands: search, show, list, pillar, pillars, topics, rank and trend.
Each reads its options, asks the library and hands the answer to
:func:`cqfacts.cli.app.output`; errors go up to the app's one error boundary."""

from enum import StrEnum
from typing import Annotated

import typer

from cqfacts.cli import arguments as answers
from cqfacts.cli.app import (
    ExitCode,
    command,
    load,
    output,
    output_format,
    print_json,
    print_view,
    say,
    table_lang,
)
from cqfacts.cli.options import (
    AllYearsFlag,
    FormatOption,
    JsonFlag,
    KindOption,
    LangOption,
    LimitOption,
    PillarOption,
    ReportOption,
    State,
    YearOption,
    complete_fact_id,
    complete_pillar,
    complete_topic,
)
from cqfacts.errors import UnknownFactError, quoted
from cqfacts.facts.model import FactBase
from cqfacts.output import shapes


class RankBy(StrEnum):
    change = "change"
    value = "value"


@command()
def search(
    ctx: typer.Context,
    *,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY...",
            help="Chinese, pinyin, initials, English, traditional or a number; several "
            "words are one query, no quotes needed (-- before a query that starts with -).",
        ),
    ],
    pillar: PillarOption = None,
    kind: KindOption = None,
    year: YearOption = None,
    all_years: AllYearsFlag = False,
    limit: LimitOption = answers.DEFAULT_LIMIT,
    json: JsonFlag = False,
    fmt: FormatOption = None,
    lang: LangOption = None,
) -> None:
    """Find the facts a query means, best first, each with the id `show` takes.

    \b
    Examples:
      cqfacts search 高新技术企业
      cqfacts search gxjsqy --json | jq '.[0].value'
      cqfacts search how many technology brokers
      cqfacts search 企业 --format tsv | fzf --preview 'cqfacts show {1}'
    """
    from cqfacts.search.highlight import suggest

    query = answers.words(words)
    out = output_format(fmt, json)
    loaded = load(ctx)
    matches = answers.search(
        loaded, query, pillar=pillar, kind=kind.value if kind else None, year=year, limit=limit,
        highlight=out == "table", all_years=all_years,
    )  # fmt: skip
    if not matches:
        hint = suggest(loaded.index, query)
        say(f"cqfacts: nothing found for {quoted(query)}.")
        if hint:
            say(f"Did you mean: {'、'.join(hint)}?")
        if out != "table":
            output(ctx, fmt=out, data=list, table=lambda views: ())  # [] or a header only
        raise typer.Exit(ExitCode.NOTHING_FOUND)
    output(
        ctx, fmt=out, data=lambda: shapes.search_results(matches),
        table=lambda views: views.search_table(
            matches, table_lang(lang, query, matches[0].how), years=len(loaded.base.years) > 1
        ),
    )  # fmt: skip


@command()
def pillar(
    ctx: typer.Context,
    *,
    number: Annotated[
        str,
        typer.Argument(
            metavar="N",
            help="A part of a work report: 0 (its overview), 1, 2 … or 一, 二 ….",
            autocompletion=complete_pillar,
            callback=answers.as_typed,
        ),
    ],
    year: YearOption = None,
    report: ReportOption = None,
    json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """Everything under one part (pillar) of a work report, section by section: the
    newest report's unless --year or --report.

    \b
    Examples:
      cqfacts pillar 4
      cqfacts pillar 四 --json | jq '.facts | length'
    """
    base, chosen = answers.pillar(load(ctx), number, year, report)
    output(
        ctx, fmt=json, data=lambda: shapes.pillar(base, chosen.number),
        table=lambda views: views.pillar_view(base, chosen, table_lang(lang)),
    )  # fmt: skip


@command()
def pillars(ctx: typer.Context, *, json: JsonFlag = False, lang: LangOption = None) -> None:
    """The loaded work reports' parts (the overview first), with fact counts.

    \b
    Example:
      cqfacts pillars --json | jq '.[] | {pillar, fact_count}'
    """
    loaded = load(ctx)
    output(
        ctx, fmt=json, data=lambda: shapes.pillars(loaded.base),
        table=lambda views: views.pillars_table(loaded.base, table_lang(lang)),
    )  # fmt: skip


@command()
def show(
    ctx: typer.Context,
    *,
    fact_id: Annotated[
        list[str],
        typer.Argument(
            metavar="ID|QUERY...",
            autocompletion=complete_fact_id,
            help="A fact id (any case), or a label or query whose best match is clear.",
        ),
    ],
    year: YearOption = None,
    json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """One fact in full, with a citation line ready to paste.

    A label or query shows its best match where that is clear (it is the query
    exactly, or beats the second best by 5 points of ~100), an indicator's name (in
    other words too: tech contract) its headline figure, saying on stderr which id
    it chose; otherwise the candidates that share the query's words are listed.
    With several reports loaded: the latest year's unless --year, and which other
    years hold the same id.

    \b
    Examples:
      cqfacts show high-tech-enterprises-total
      cqfacts show 技术合同成交额 --lang en
    """
    from cqfacts.ask.arguments import resolved as resolve

    loaded = load(ctx)
    text = answers.words(fact_id)
    try:
        resolved = resolve(loaded, text, year)
    except UnknownFactError:
        if json:
            print_json(ctx, None)  # --json always writes JSON, as search writes []
        raise
    fact = resolved.fact
    chosen = table_lang(lang, text, resolved.how) if not json else "zh"
    note = resolved.note(text, chosen)
    if note is not None:
        say(f"cqfacts: {note}")
    output(
        ctx, fmt=json, data=lambda: shapes.detail(fact, loaded.base),
        table=lambda views: views.fact_view(fact, loaded.base, chosen),
    )  # fmt: skip
    if not json:
        from cqfacts.output.views import citation_line

        # Printed without wrapping: the terminal wraps it, and a copied line holds none.
        print_view(ctx, citation_line(fact, loaded.base, chosen), soft_wrap=True)


@command("list")
def list_(
    ctx: typer.Context,
    *,
    pillar: PillarOption = None,
    kind: KindOption = None,
    topic: Annotated[
        str | None,
        typer.Option(
            "--topic",
            "-t",
            metavar="TOPIC",
            help="Only this topic (its Chinese or English name; `cqfacts topics` lists them).",
            autocompletion=complete_topic,
            callback=answers.as_typed,
        ),
    ] = None,
    status: Annotated[
        State | None,
        typer.Option("--status", "-s", help="Only policies in this state (see JSON schema)."),
    ] = None,
    year: YearOption = None,
    json: JsonFlag = False,
    fmt: FormatOption = None,
    lang: LangOption = None,
) -> None:
    """Every fact, or those of one pillar, kind, topic or policy state.

    \b
    Examples:
      cqfacts list --pillar 4 --kind figure
      cqfacts list --kind policy --status drafting
      cqfacts list --format tsv | cut -f1,11
    """
    loaded = load(ctx)
    facts = loaded.base.select(
        pillar=answers.pillar_number(pillar, loaded),
        kind=kind.value if kind else None,
        topic=topic,
        status=status.value if status else None,
        year=answers.loaded_year(year, loaded),
    )
    several = len(loaded.base.years) > 1 and year is None
    out = output_format(fmt, json)
    if out != "table" or facts:
        output(
            ctx, fmt=out, data=lambda: shapes.facts(facts),
            table=lambda views: views.facts_table(facts, table_lang(lang), years=several),
        )  # fmt: skip
    if not facts:
        unknown = _no_topic(loaded.base, topic, table_lang(lang))
        say(unknown or "cqfacts: no fact matches these filters.")
        raise typer.Exit(ExitCode.NOTHING_FOUND)


def _no_topic(base: FactBase, topic: str | None, lang: str) -> str | None:
    """Where no topic has the name given, that said, with the topics near it."""
    if topic is None:
        return None
    wanted = topic.casefold()
    topics = base.topics.values()
    if any(wanted in (each.name.casefold(), each.en.casefold()) for each in topics):
        return None
    from cqfacts.search.highlight import near_topics

    near = near_topics(topics, topic)
    names = ", ".join(
        f"{each.en} ({each.name})" if lang == "en" else f"{each.name} ({each.en})" for each in near
    )
    return (
        f"cqfacts: no topic is named {quoted(topic)}"
        + (f". Near ones: {names}" if near else "")
        + ". `cqfacts topics` lists every topic."
    )


@command()
def rank(
    ctx: typer.Context,
    *,
    by: Annotated[
        RankBy | None,
        typer.Option(
            "--by",
            show_default=False,
            help="change: fastest growth (the default); value: largest in one unit "
            "(the default with --unit).",
        ),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            "-u",
            metavar="UNIT",
            callback=answers.as_typed,
            help="Rank by value in this unit (money is compared in it). Default: 亿元.",
        ),
    ] = None,
    pillar: PillarOption = None,
    year: YearOption = None,
    all_years: AllYearsFlag = False,
    limit: LimitOption = answers.DEFAULT_LIMIT,
    json: JsonFlag = False,
    fmt: FormatOption = None,
    lang: LangOption = None,
) -> None:
    """Rank one year's figures by growth rate or by size, with a bar for each: the
    newest work report's year unless --year or --all-years.

    \b
    Examples:
      cqfacts rank --by change
      cqfacts rank --unit 亿元 --limit 5
      cqfacts rank --unit 亿元 --year 2020
    """
    from cqfacts.ask.arguments import ranked_rows

    out, loaded = output_format(fmt, json), load(ctx)
    ranking = ranked_rows(
        loaded, by.value if by else None, unit, answers.pillar_number(pillar, loaded), limit,
        year, all_years, bounded=False,
    )  # fmt: skip
    rows, chosen = ranking.rows, ranking.by
    if out != "table" or rows:
        output(
            ctx, fmt=out, data=lambda: shapes.ranked(rows, chosen),
            table=lambda views: views.rank_table(
                rows, chosen, table_lang(lang), years=all_years, year=ranking.year
            ),
        )  # fmt: skip
    if not rows:
        say("cqfacts: no figure to rank with these filters.")
        raise typer.Exit(ExitCode.NOTHING_FOUND)


@command()
def sources(
    ctx: typer.Context, *, year: YearOption = None, json: JsonFlag = False,
    fmt: FormatOption = None, lang: LangOption = None,
) -> None:  # fmt: skip
    """Every source the loaded facts cite, newest first: its date, publisher, the
    years it gives figures for, how many facts cite it, its title and address.

    \b
    Examples:
      cqfacts sources
      cqfacts sources --year 2020
      cqfacts sources --json | jq -r '.[] | select(.copy) | .url'
    """
    loaded = load(ctx)
    entries = shapes.sources(loaded.base, answers.loaded_year(year, loaded))
    output(
        ctx, fmt=output_format(fmt, json), data=lambda: entries,
        table=lambda views: views.sources_view(entries, table_lang(lang)),
    )  # fmt: skip
    if not entries:
        say("cqfacts: no source gives figures for that year.")
        raise typer.Exit(ExitCode.NOTHING_FOUND)


@command()
def topics(
    ctx: typer.Context, *, json: JsonFlag = False, fmt: FormatOption = None,
    lang: LangOption = None,
) -> None:  # fmt: skip
    """Every topic with its English name, fact count and aliases.

    \b
    Examples:
      cqfacts topics --json | jq -r '.[].topic'
      cqfacts topics --format tsv | cut -f1,2
    """
    base = load(ctx).base
    output(
        ctx, fmt=output_format(fmt, json), data=lambda: shapes.topics(base),
        table=lambda views: views.topics_table(base, table_lang(lang)),
    )  # fmt: skip


@command()
def trend(
    ctx: typer.Context,
    *,
    query: Annotated[
        str,
        typer.Argument(
            metavar="ID|QUERY",
            help="A fact id, or a query for one.",
            autocompletion=complete_fact_id,
            callback=answers.as_typed,
        ),
    ],
    json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """One indicator year by year, a row per source, each with its basis and source.

    Scales converted (万, 亿); ⚠ where sources disagree for a year beyond rounding, or
    a later figure or growth rate contradicts an estimate. The same id in two
    reports is the same indicator; a query names it as show's does.

    \b
    Examples:
      cqfacts trend 研发投入强度
      cqfacts trend tech-contract-turnover --json | jq '.[] | [.year, .fact.value_text]'
      cqfacts --facts + --facts facts-2024.toml trend tech-contract-turnover
    """
    from cqfacts.ask.arguments import trend_points

    loaded = load(ctx)
    try:
        points = trend_points(loaded, query)
    except UnknownFactError:
        if json:
            print_json(ctx, [])  # --json always writes JSON
        raise
    if not points:
        say(f"cqfacts: nothing found for {quoted(query)}.")
        if json:
            print_json(ctx, [])
        raise typer.Exit(ExitCode.NOTHING_FOUND)
    output(
        ctx, fmt=json, data=lambda: shapes.trend(points),
        table=lambda views: views.trend_table(points, table_lang(lang)),
    )  # fmt: skip
