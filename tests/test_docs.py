"""The README and --help stay true to the code."""

import os
import re
import shlex
from pathlib import Path

import pytest

from cqfacts.facts.model import FACT_KEYS
from cqfacts.output.layout import width
from tests.conftest import cqfacts_process

FACT_KEY_SET = set(FACT_KEYS)
README = Path(__file__).parents[1] / "README.md"
_cqfacts = cqfacts_process


def test_every_command_help_shows_an_example(run):
    """Each command's --help has an Example(s) paragraph whose lines run that command
    (the Usage line names it too, so it alone would prove nothing)."""
    commands = re.findall(r"^  (\w+) {2,}", run("--help", facts=None).stdout, re.M)
    assert {"search", "pillar", "show", "trend", "draft", "audit", "serve", "mcp"} <= set(commands)
    for command in commands:
        text = run(command, "--help", facts=None).stdout
        examples = re.search(r"^  Examples?:\n((?:    .*\n)+)", text, re.M)
        assert examples is not None, f"{command} --help has no Example paragraph"
        lines = examples[1].split("\n")
        assert any(re.match(rf"    cqfacts (--\S+ \S+ )*{command}\b", line) for line in lines), (
            command
        )


HELP_BLOCK = re.compile(r"<!-- help:(?P<args>[^>]*?) -->\n```text\n(?P<body>.*?)```", re.S)
OUTPUT_BLOCK = re.compile(r"<!-- output: (?P<args>[^>]*?) -->\n```console\n(?P<body>.*?)```", re.S)
# What an 80-column terminal shows: a real process (CliRunner forces click's help to 80
# columns of text, where a terminal of 80 gives 78), the shipped facts, no colour.
TERMINAL = {"COLUMNS": "80", "NO_COLOR": "1", "CQFACTS_FACTS": ""}


def _shown(args: str) -> str:
    """`cqfacts ARGS` (``| head -N`` keeping N lines) as an 80-column terminal shows it."""
    command, _, head = args.partition(" | head -")
    result = _cqfacts(*shlex.split(command), env_extra=TERMINAL)
    lines = result.stdout.decode("utf-8").splitlines(keepends=True)
    return "".join(lines[: int(head)] if head else lines)


@pytest.mark.slow
def test_readme_help_and_example_blocks_match_the_code():
    """README's --help blocks and example outputs are what an 80-column terminal shows
    (CQFACTS_UPDATE_README=1 rewrites them)."""
    text = README.read_text(encoding="utf-8")
    blocks = list(HELP_BLOCK.finditer(text)) + list(OUTPUT_BLOCK.finditer(text))
    assert len(blocks) > 20, "README has no help or example blocks"

    def help_block(match: re.Match[str]) -> str:
        output = _shown(f"{match['args']} --help".strip())
        return f"<!-- help:{match['args']} -->\n```text\n{output}```"

    def output_block(match: re.Match[str]) -> str:
        output = _shown(match["args"])
        return (
            f"<!-- output: {match['args']} -->\n```console\n$ cqfacts {match['args']}\n{output}```"
        )

    if os.environ.get("CQFACTS_UPDATE_README"):
        text = OUTPUT_BLOCK.sub(output_block, HELP_BLOCK.sub(help_block, text))
        README.write_text(text, encoding="utf-8")
    for match in HELP_BLOCK.finditer(text):
        assert help_block(match) == match.group(0)
    for match in OUTPUT_BLOCK.finditer(text):
        assert output_block(match) == match.group(0)
        if not match["args"].startswith("show"):  # a citation is one line, for copying
            assert max(width(line) for line in match["body"].splitlines()) <= 80


def test_the_readme_json_schema_lists_every_declared_field():
    """The fact object's table in the README is the declaration's (model.FIELDS)."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## JSON schema") : text.index("A policy's **state**")]
    documented = {
        key for cell in re.findall(r"^\| (`[^|]+`) \|", table, re.M)
        for key in re.findall(r"`(\w+)`", cell)
    }  # fmt: skip
    assert documented == FACT_KEY_SET
