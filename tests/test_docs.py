"""The README, docs/*.md and --help stay true to the code and to each other."""

import os
import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from cqfacts.facts.model import FACT_KEYS
from cqfacts.output.layout import width
from tests.conftest import cqfacts_process
from tests.helpers import main_in_process

FACT_KEY_SET = set(FACT_KEYS)
ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
# Every page the doc tests check: the README and what moved out of it into docs/.
PAGES = [README, *sorted(DOCS.glob("*.md"))]
PACKAGE = ROOT / "src" / "cqfacts"
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
# What an 80-column terminal shows: the shipped facts, no colour.
TERMINAL = {"COLUMNS": "80", "NO_COLOR": "1", "CQFACTS_FACTS": ""}


def _in_process(argv: list[str]) -> bytes:
    """The console script's stdout for ``argv``, run in this process the way
    cqfacts.__main__.main runs it (the fast path, else the full command line), into a
    UTF-8 pipe. Not through CliRunner, which forces click's help to 80 columns of text
    where a terminal of 80 gives 78. The test below holds it to a real process."""
    return main_in_process(*argv, env=dict(TERMINAL))[1]


def _in_a_process(argv: list[str]) -> bytes:
    return _cqfacts(*argv, env_extra=TERMINAL).stdout


def _shown(args: str, run: Callable[[list[str]], bytes] = _in_process) -> str:
    """`cqfacts ARGS` (``| head -N`` keeping N lines) as an 80-column terminal shows it."""
    command, _, head = args.partition(" | head -")
    lines = run(shlex.split(command)).decode("utf-8").splitlines(keepends=True)
    return "".join(lines[: int(head)] if head else lines)


@pytest.mark.parametrize(
    "args",
    ["--help", "search --help", "search 高新技术企业 --limit 3", "pillar 4 | head -12",
     "show tech-contract-turnover"],
)  # fmt: skip
def test_a_real_process_shows_what_the_pages_are_checked_against(args):
    """The pages' blocks are checked in-process (a process for each of the thirty would
    cost the suite seconds): the same bytes as `python -m cqfacts` in a pipe of 80 columns, for
    --help (click's width) and for output (the fast path's and rich's)."""
    assert _shown(args) == _shown(args, _in_a_process)


def _help_block(match: re.Match[str]) -> str:
    output = _shown(f"{match['args']} --help".strip())
    return f"<!-- help:{match['args']} -->\n```text\n{output}```"


def _output_block(match: re.Match[str]) -> str:
    output = _shown(match["args"])
    return f"<!-- output: {match['args']} -->\n```console\n$ cqfacts {match['args']}\n{output}```"


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_help_and_example_blocks_match_the_code(page):
    """The --help blocks and example outputs of the README and docs/*.md are what an
    80-column terminal shows (CQFACTS_UPDATE_README=1 rewrites them, in every page)."""
    text = page.read_text(encoding="utf-8")
    if os.environ.get("CQFACTS_UPDATE_README"):
        text = OUTPUT_BLOCK.sub(_output_block, HELP_BLOCK.sub(_help_block, text))
        page.write_text(text, encoding="utf-8")
    for match in HELP_BLOCK.finditer(text):
        assert _help_block(match) == match.group(0), f"{page.name}: help:{match['args']}"
    for match in OUTPUT_BLOCK.finditer(text):
        assert _output_block(match) == match.group(0), f"{page.name}: output: {match['args']}"
        if not match["args"].startswith("show"):  # a citation is one line, for copying
            assert max(width(line) for line in match["body"].splitlines()) <= 80


def test_the_pages_hold_help_and_example_blocks():
    """The blocks the test above checks are there: examples in the README, and a --help
    block for the program and for every command in the command reference."""
    assert len(OUTPUT_BLOCK.findall(README.read_text(encoding="utf-8"))) >= 10
    reference = (DOCS / "reference.md").read_text(encoding="utf-8")
    documented = {match["args"].strip() for match in HELP_BLOCK.finditer(reference)}
    main_help = _shown("--help")
    commands = set(re.findall(r"^  (\w+) {2,}", main_help[main_help.index("Commands:") :], re.M))
    assert "search" in commands
    assert documented == commands | {""}


def test_the_readme_stays_a_newcomers_page():
    """Under 400 lines, with the two set-up commands; the rest lives in docs/*.md."""
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) < 400
    setup = text[text.index("## Set-up") : text.index("## Usage")]
    commands = re.findall(r"^```sh\n(.*)\n```$", setup, re.M)
    assert commands == [
        "pip install . && cqfacts search 高新技术企业",
        "pip install -e '.[test]' && python -m pytest",
    ]


def test_the_json_schema_lists_every_declared_field():
    """The fact object's table in docs/json.md is the declaration's (model.FIELDS)."""
    text = (DOCS / "json.md").read_text(encoding="utf-8")
    table = text[text.index("# JSON schema") : text.index("A policy's **state**")]
    documented = {
        key for cell in re.findall(r"^\| (`[^|]+`) \|", table, re.M)
        for key in re.findall(r"`(\w+)`", cell)
    }  # fmt: skip
    assert documented == FACT_KEY_SET


FENCE = re.compile(r"^```.*?^```", re.S | re.M)
LINK = re.compile(r"!?\[[^\]]*\]\((?P<target>[^)\s]+)(?: \"[^\"]*\")?\)")


def _prose(text: str) -> str:
    """The text without its code: fenced blocks and `inline code` hold no links."""
    return re.sub(r"`[^`\n]*`", "", FENCE.sub("", text))


def _anchors(page: Path) -> set[str]:
    """The anchors GitHub gives a page's headings: lower case, punctuation dropped,
    spaces to hyphens, a repeated one numbered -1, -2 …"""
    anchors: set[str] = set()
    for heading in re.findall(
        r"^#{1,6} (.+)$", FENCE.sub("", page.read_text(encoding="utf-8")), re.M
    ):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchor, n = slug, 0
        while anchor in anchors:
            n += 1
            anchor = f"{slug}-{n}"
        anchors.add(anchor)
    return anchors


def test_every_relative_link_points_to_a_file_and_anchor_that_exist():
    """A link in the README or docs/*.md to another file, or a heading, finds it."""
    broken = []
    checked = 0
    for page in PAGES:
        for match in LINK.finditer(_prose(page.read_text(encoding="utf-8"))):
            target = match["target"]
            if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto: …
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            checked += 1
            if not linked.exists():
                broken.append(f"{page.name}: {target} (no such file)")
            elif anchor and (linked.suffix != ".md" or anchor not in _anchors(linked)):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert checked > 20
    assert broken == []


def test_the_link_check_sees_a_broken_link_and_anchor(tmp_path):
    """The slugs are GitHub's, and a missing file or heading is caught."""
    page = tmp_path / "page.md"
    page.write_text("# A title\n## When things go wrong\n## Web page, API: `x`\n## A title\n")
    assert _anchors(page) == {"a-title", "when-things-go-wrong", "web-page-api-x", "a-title-1"}
    text = "[a](missing.md) `[b](also.md)` ![c](page.md#nowhere)\n```\n[d](code.md)\n```\n"
    assert [m["target"] for m in LINK.finditer(_prose(text))] == ["missing.md", "page.md#nowhere"]


def _tabled(text: str) -> set[str]:
    """The `path.py` and `folder/` names in the first column of a page's tables."""
    cells = "\n".join(re.findall(r"^\|([^|\n]*)\|", text, re.M))
    return set(re.findall(r"`([\w/]+(?:\.py|/))`", cells))


def test_the_architecture_map_names_every_module_and_nothing_else():
    """The first column of docs/architecture.md's tables names every module and
    subpackage under src/cqfacts, and only those that exist, so the map a newcomer reads
    first matches the tree."""
    listed = _tabled((DOCS / "architecture.md").read_text(encoding="utf-8"))
    modules = {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path.name != "__init__.py"
    }
    packages = {
        path.parent.relative_to(PACKAGE).as_posix() + "/"
        for path in PACKAGE.rglob("__init__.py")
        if path.parent != PACKAGE
    }
    assert modules <= listed, f"not in docs/architecture.md: {sorted(modules - listed)}"
    assert packages <= listed, f"not in docs/architecture.md: {sorted(packages - listed)}"
    missing = {name for name in listed if not (PACKAGE / name).exists()}
    assert missing == set(), f"in docs/architecture.md but not in src/cqfacts: {sorted(missing)}"
