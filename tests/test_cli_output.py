"""Where the output goes: colour, width, encodings, closed and full streams."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cqfacts.cli import ExitCode
from cqfacts.model import FACT_KEYS
from tests.conftest import cqfacts_process

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


def test_an_ascii_only_stdout_gets_escaped_json_or_a_clear_error():
    env = {"PYTHONIOENCODING": "ascii"}
    utf8 = _cqfacts("search", "高新技术企业", "--json")
    escaped = _cqfacts("search", "高新技术企业", "--json", env_extra=env)
    assert escaped.returncode == 0 and escaped.stdout.isascii()
    assert json.loads(escaped.stdout) == json.loads(utf8.stdout)
    table = _cqfacts("search", "高新技术企业", env_extra=env)
    assert (table.returncode, table.stdout) == (ExitCode.USAGE_ERROR, b"")
    assert table.stderr == (
        b"cqfacts: standard output's encoding (ascii) cannot show Chinese text. Set "
        b"PYTHONIOENCODING=utf-8 (or a UTF-8 locale), or use --json, which escapes it.\n"
    )
    # Messages are click's: it writes UTF-8 to a stream that claims to be ASCII.
    nothing = _cqfacts("search", "香蕉", env_extra=env)
    assert nothing.returncode == ExitCode.NOTHING_FOUND
    assert nothing.stderr.decode().startswith("cqfacts: nothing found for '香蕉'.")


@pytest.mark.parametrize(
    ("args", "code"),
    [(["search", "高新技术企业"], 0), (["show", "nope"], 1), (["pillar", "9"], 2), (["--help"], 0)],
)
def test_a_closed_stdout_keeps_the_exit_code(args, code):
    """Started with stdout closed (>&-): output goes nowhere, the exit code still tells."""
    result = subprocess.run(
        [sys.executable, "-m", "cqfacts", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    closed = subprocess.run(
        [sys.executable, "-c", "import os, sys; os.close(1); os.execv(sys.argv[1], sys.argv[1:])",
         sys.executable, "-m", "cqfacts", *args],
        stderr=subprocess.PIPE,
    )  # fmt: skip
    assert (closed.returncode, closed.stderr) == (code, result.stderr)


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


def test_a_file_name_with_escape_sequences_is_shown_escaped(tmp_path):
    """Row 17: `validate` printed a name with an escape sequence raw to the terminal."""
    path = tmp_path / "x\x1b]0;PWNED\x07.toml"
    path.write_text("[meta]\n", encoding="utf-8")
    for args in (["validate", str(path)], ["--facts", str(path), "list"]):
        result = _cqfacts(*args)
        assert result.returncode == ExitCode.USAGE_ERROR
        assert b"\x1b" not in result.stderr and b"\x07" not in result.stderr
        assert b"x\\x1b]0;PWNED\\x07.toml" in result.stderr


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
