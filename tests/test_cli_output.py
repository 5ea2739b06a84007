"""Where the output goes: colour, width, encodings, closed and full streams."""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqfacts.cli.app import ExitCode, app
from cqfacts.cli.environment import Environment
from cqfacts.derive.english import number as english_number
from cqfacts.facts.model import FACT_KEYS
from tests.conftest import cqfacts_process
from tests.helpers import CLOSING_AT_CELL_START, main_in_process

FACT_KEY_SET = set(FACT_KEYS)
README = Path(__file__).parents[1] / "README.md"
_cqfacts = cqfacts_process


def test_color_always_and_never(run):
    assert "\x1b[" in run("--color", "always", "search", "经纪人", facts=None).stdout
    assert "\x1b[" not in run("search", "经纪人").stdout


def test_a_narrow_or_nonsense_terminal_width_still_draws_the_table(run):
    """COLUMNS=0 used to print nothing at all; too narrow means the narrowest table."""
    narrowest = run("search", "经纪人", env={"COLUMNS": "40"}).stdout
    default = run("search", "经纪人", env={"COLUMNS": None}).stdout
    assert "1133人" in narrowest
    for columns, expected in (("0", narrowest), ("3", narrowest), ("abc", default)):
        result = run("search", "经纪人", env={"COLUMNS": columns})
        assert (result.exit_code, result.stdout) == (ExitCode.FOUND, expected), columns


def _invoke(environment: Environment, *args: str):
    """The CLI in-process, writing to the streams of ``environment``."""
    return CliRunner().invoke(app, ["--color", "never", *args], obj=environment)


def _ascii_stdout() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="backslashreplace")


def _written(stream: io.TextIOWrapper) -> bytes:
    stream.flush()
    return stream.buffer.getvalue()  # type: ignore[attr-defined]


def test_an_ascii_only_stdout_gets_escaped_json_or_a_clear_error(run):
    utf8 = run("search", "高新技术企业", "--json", facts=None)
    stdout = _ascii_stdout()
    escaped = _invoke(Environment(stdout=stdout), "search", "高新技术企业", "--json")
    assert escaped.exit_code == 0 and _written(stdout).isascii()
    assert json.loads(_written(stdout)) == json.loads(utf8.stdout)
    stdout = _ascii_stdout()
    table = _invoke(Environment(stdout=stdout), "search", "高新技术企业")
    assert (table.exit_code, _written(stdout)) == (ExitCode.USAGE_ERROR, b"")
    assert table.stderr == (
        "cqfacts: standard output's encoding (ascii) cannot show Chinese text. Set "
        "PYTHONIOENCODING=utf-8 (or a UTF-8 locale), or use --json, which escapes it.\n"
    )


def test_an_ascii_only_stdout_in_a_real_process():
    """The same through the interpreter's own streams, and click's messages: they
    write UTF-8 to a stream that claims to be ASCII."""
    env = {"PYTHONIOENCODING": "ascii"}
    escaped = _cqfacts("search", "高新技术企业", "--json", env_extra=env)
    assert escaped.returncode == 0 and escaped.stdout.isascii() and escaped.stdout
    nothing = _cqfacts("search", "香蕉", env_extra=env)
    assert nothing.returncode == ExitCode.NOTHING_FOUND
    assert nothing.stderr.decode().startswith("cqfacts: nothing found for '香蕉'.")


def test_at_a_terminal_json_is_indented_and_tables_are_coloured():
    stdout = io.StringIO()
    terminal = Environment(stdout=stdout, stdout_isatty=True, no_color=False)
    result = CliRunner().invoke(app, ["search", "gxjsqy", "--json"], obj=terminal)
    assert result.exit_code == 0
    assert stdout.getvalue().startswith('[\n  {\n    "id": "high-tech-enterprises-total"')
    stdout = io.StringIO()
    terminal = Environment(stdout=stdout, stdout_isatty=True, no_color=False)
    CliRunner().invoke(app, ["search", "gxjsqy"], obj=terminal, env={"TERM": "xterm"})
    assert "\x1b[" in stdout.getvalue()
    stdout = io.StringIO()
    pipe = Environment(stdout=stdout, stdout_isatty=False)
    CliRunner().invoke(app, ["search", "gxjsqy", "--json"], obj=pipe)
    assert stdout.getvalue().startswith('[{"id": "high-tech-enterprises-total"')


def test_no_color_turns_colour_off_at_a_terminal():
    stdout = io.StringIO()
    terminal = Environment(stdout=stdout, stdout_isatty=True, no_color=True)
    CliRunner().invoke(app, ["search", "gxjsqy"], obj=terminal, env={"NO_COLOR": "1"})
    assert "7565家" in stdout.getvalue() and "\x1b[" not in stdout.getvalue()


@pytest.mark.parametrize(
    ("args", "code"),
    [(["search", "高新技术企业"], 0), (["show", "nope"], 1), (["pillar", "9"], 2), (["--help"], 0)],
)
def test_a_closed_stdout_keeps_the_exit_code(args, code):
    """Started with stdout closed (>&-): output goes nowhere, the exit code still tells,
    and stderr says what it says with a stdout (the same run in-process, into a pipe)."""
    closed = subprocess.run(
        [sys.executable, "-c", "import os, sys; os.close(1); os.execv(sys.argv[1], sys.argv[1:])",
         sys.executable, "-m", "cqfacts", *args],
        stderr=subprocess.PIPE,
    )  # fmt: skip
    written, _, stderr = main_in_process(*args)
    assert (closed.returncode, closed.stderr) == (written, stderr) == (code, stderr)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["list"], ["search", "gxjsqy", "--json"], ["--help"]])
def test_a_full_disk_is_a_message_and_exit_2(args):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "cqfacts", *args], stdout=full, stderr=subprocess.PIPE
        )
    assert (result.returncode, result.stderr) == (
        ExitCode.USAGE_ERROR,
        b"cqfacts: cannot write the output: No space left on device\n",
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["search", "高企", "--pillar", "9"], ExitCode.USAGE_ERROR),
        (["search", "香蕉"], ExitCode.NOTHING_FOUND),
        (["show", "no-such-fact"], ExitCode.NOTHING_FOUND),
        (["--facts", "/nonexistent.toml", "list"], ExitCode.USAGE_ERROR),
        (["search", "高企", "--json"], ExitCode.FOUND),
    ],
)
def test_a_stderr_that_cannot_be_written_keeps_the_exit_code(args, code):
    """Row 14: with stderr full or a broken pipe the exit codes changed."""
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "cqfacts", *args], stderr=full,
                                stdout=subprocess.DEVNULL)  # fmt: skip
    assert result.returncode == code
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = subprocess.run([sys.executable, "-m", "cqfacts", *args], stderr=writer,
                                stdout=subprocess.DEVNULL)  # fmt: skip
    finally:
        os.close(writer)
    assert result.returncode == code


def test_a_file_name_with_escape_sequences_is_shown_escaped(run, tmp_path):
    """Row 17: `validate` printed a name with an escape sequence raw to the terminal."""
    path = tmp_path / "x\x1b]0;PWNED\x07.toml"
    path.write_text("[meta]\n", encoding="utf-8")
    for args in (["validate", str(path)], ["--facts", str(path), "list"]):
        result = run(*args, facts=None)
        assert result.exit_code == ExitCode.USAGE_ERROR
        assert "\x1b" not in result.stderr and "\x07" not in result.stderr
        assert "x\\x1b]0;PWNED\\x07.toml" in result.stderr


def test_the_validate_pointer_can_be_run_as_printed(tmp_path):
    """Row 19: a suggested `cqfacts validate '…\udcff…'` could not be run as printed."""
    path = os.path.join(os.fsencode(tmp_path), b"bad \xff.toml")
    with open(path, "w", encoding="utf-8") as broken:
        broken.write("[meta]\n")
    result = _cqfacts("--facts", path, "list")
    pointer = re.search(rb"`(cqfacts validate .*)` lists every problem", result.stderr)
    assert pointer is not None, result.stderr
    rerun = subprocess.run(
        ["bash", "-c", pointer[1].decode().replace("cqfacts", f"{sys.executable} -m cqfacts", 1)],
        capture_output=True,
    )
    assert rerun.returncode == ExitCode.USAGE_ERROR
    assert b"[meta] needs title_en" in rerun.stderr


def test_a_file_name_with_undecodable_bytes_gives_valid_json(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "cqfacts", "validate", b"\xff.toml", "--json"],
        capture_output=True,
        cwd=tmp_path,
    )
    assert result.returncode == ExitCode.USAGE_ERROR
    assert json.loads(result.stdout)["path"] == "\udcff.toml"


# --- tables that fit, as the command line writes them ----------------------------------
# At 50 columns, where rows break: how each width lays out every table is test_widths's,
# in rich's drawing and plain's; here, that the commands read $COLUMNS and write what
# they drew, whole, into a pipe.

_TABLES = [
    ["search", "企业"], ["search", "technology"], ["list", "--pillar", "5"], ["rank"],
    ["rank", "--unit", "亿元", "--limit", "30"], ["pillar", "4"], ["pillars"], ["topics"],
    ["show", "tech-contract-turnover"], ["show", "university-tech-transfer-measures"],
]  # fmt: skip


def _width(text: str) -> int:
    from cqfacts.output.layout import width

    return width(text)


# Each command's JSON, asked once for its two tables: it does not depend on the language.
_JSON: dict[tuple[str, ...], object] = {}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("args", _TABLES)
def test_tables_fit_without_breaking_an_id_or_a_figure(run, args, lang):
    columns = "50"
    result = run(*args, "--lang", lang, facts=None, env={"COLUMNS": columns})
    assert result.exit_code == ExitCode.FOUND
    lines = result.stdout.splitlines()
    citation = args[0] == "show"  # its last line is the citation, wrapped by the terminal
    assert max(_width(line) for line in lines[: -1 if citation else None]) <= int(columns)
    assert "…" not in result.stdout
    assert all(line == line.rstrip() for line in lines), "trailing spaces in a pipe"
    assert not any(CLOSING_AT_CELL_START.search(line) for line in lines)
    if tuple(args) not in _JSON:
        _JSON[tuple(args)] = json.loads(run(*args, "--json", facts=None).stdout)
    records = _JSON[tuple(args)]
    if args[0] in ("topics", "pillars"):
        return
    records = {"show": lambda: [records], "pillar": lambda: records["facts"]}.get(
        args[0], lambda: records
    )()
    whole = {word for line in lines for word in line.split()}
    for record in records[:10]:
        if args[0] != "rank":  # rank shows labels only
            assert record["id"] in whole, record["id"]  # never broken across lines
        if lang == "zh" and record.get("value_text") and record["kind"] == "figure":
            # Too narrow for short labels and figures both, rank drops its Figure
            # column (a short label is never broken): its Value column shows the amount.
            shown = record["value_text"]
            if args[0] == "rank" and "Figure" not in "".join(lines[:3]):
                shown = f"{english_number(record['rank']['value'])} {record['rank']['unit']}"
            assert any(shown in line for line in lines), shown


def test_at_50_columns_columns_are_dropped_or_rows_stacked(run):
    wide = run("search", "高新技术企业", facts=None, env={"COLUMNS": "80"}).stdout
    narrow = run("search", "高新技术企业", facts=None, env={"COLUMNS": "50"}).stdout
    assert "Topic" in wide and "Topic" not in narrow
    stacked = run("list", "--pillar", "6", facts=None, env={"COLUMNS": "40"}).stdout
    assert "high-tech" not in stacked and max(_width(line) for line in stacked.splitlines()) <= 40


def test_rank_has_no_scientific_notation_and_proportional_bars(run):
    result = run("rank", "--unit", "元", "--limit", "40", facts=None)  # --unit: by value
    assert result.exit_code == 0 and not re.search(r"\de[+-]\d", result.stdout)
    assert "86,510,000,000 元" in result.stdout
    bars = {}
    for line in run("rank", "--unit", "亿元", "--limit", "40", facts=None).stdout.splitlines():
        for figure in ("865.1亿元", "39.8亿元", "0.35亿元"):
            if figure in line:
                bars[figure] = line.count("█") + bool(re.search("[▏▎▍▌▋▊▉]", line))
    assert bars["865.1亿元"] == 20 and 0 < bars["39.8亿元"] <= 1
    assert bars.get("0.35亿元", 0) == 0
    clash = run("rank", "--by", "change", "--unit", "亿元")
    assert clash.exit_code == ExitCode.USAGE_ERROR and "a unit ranks by value" in clash.stderr


# --- the pager -------------------------------------------------------------------------


def _terminal_run(tmp_path, *args, env=None):
    """The CLI at a simulated terminal whose stdout is a real file (a pager needs a
    descriptor to write to)."""
    path = tmp_path / "out.txt"
    with open(path, "w", encoding="utf-8") as stdout:
        terminal = Environment(stdout=stdout, stdout_isatty=True, no_color=True)
        result = CliRunner().invoke(app, ["--color", "never", *args], obj=terminal, env=env)
    return result, path.read_text(encoding="utf-8")


def test_long_output_at_a_terminal_goes_through_the_pager(tmp_path):
    pager = {"CQFACTS_PAGER": "sed s/^/paged:/", "LINES": "10", "PAGER": "cat"}
    result, out = _terminal_run(tmp_path, "list", env=pager)
    assert result.exit_code == 0 and out.startswith("paged:Figure")
    _, out = _terminal_run(tmp_path, "list", "--no-pager", env=pager)
    assert not out.startswith("paged:")
    _, out = _terminal_run(tmp_path, "show", "rd-intensity", env={**pager, "LINES": "40"})
    assert "paged:" not in out
    _, out = _terminal_run(tmp_path, "list", env={**pager, "CQFACTS_PAGER": "", "PAGER": "x"})
    assert not out.startswith("paged:")  # an empty CQFACTS_PAGER turns it off
    _, out = _terminal_run(tmp_path, "list", env={"PAGER": "sed s/^/paged:/", "LINES": "10"})
    assert out.startswith("paged:")


def test_never_a_pager_in_a_pipe(run):
    result = run("list", env={"CQFACTS_PAGER": "sed s/^/paged:/", "LINES": "5"})
    assert result.exit_code == 0 and "paged:" not in result.stdout


@pytest.mark.parametrize("columns", ["50", "80", "160"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_trend_table_fits_too(run, tmp_path, small_fact_file, lang, columns):
    later = tmp_path / "later.toml"
    text = small_fact_file.read_text(encoding="utf-8").replace("year = 2023", "year = 2024")
    later.write_text(text.replace('value_text = "7565家"', 'value_text = "9000家"')
                     .replace("value = 7565", "value = 9000"), encoding="utf-8")  # fmt: skip
    result = run("--facts", str(later), "trend", "high-tech-enterprises-total", "--lang", lang,
                 env={"COLUMNS": columns})  # fmt: skip
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(_width(line) for line in lines) <= int(columns)
    assert any(("9,000" if lang == "en" else "9000家") in line.split() for line in lines)
    assert "high-tech-enterprises-total" in result.stdout
