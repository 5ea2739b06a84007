"""The README and --help stay true to the code."""

import os
import re
from pathlib import Path

from cqfacts.model import FACT_KEYS
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


def test_readme_help_blocks_match_the_code(run):
    """README's --help blocks are the real output (CQFACTS_UPDATE_README=1 rewrites them)."""
    text = README.read_text(encoding="utf-8")
    blocks = list(HELP_BLOCK.finditer(text))
    assert blocks, "README has no help blocks"

    def current(match: re.Match[str]) -> str:
        output = run(*match["args"].split(), "--help", facts=None).stdout
        return f"<!-- help:{match['args']} -->\n```text\n{output}```"

    if os.environ.get("CQFACTS_UPDATE_README"):
        README.write_text(HELP_BLOCK.sub(current, text), encoding="utf-8")
    for match in blocks:
        assert current(match) == match.group(0)


def test_the_readme_json_schema_lists_every_declared_field():
    """The fact object's table in the README is the declaration's (model.FIELDS)."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## JSON schema") : text.index("A policy's **state**")]
    documented = {
        key for cell in re.findall(r"^\| (`[^|]+`) \|", table, re.M)
        for key in re.findall(r"`(\w+)`", cell)
    }  # fmt: skip
    assert documented == FACT_KEY_SET
