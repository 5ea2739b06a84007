"""Shared by several test files (not a test module): text builders, fuzz
strategies and the queries users paste by accident."""

import io
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from cqfacts.output.render import make_console, renderable
from tests.conftest import SMALL_FACTS


def line_of(text: str, needle: str, occurrence: int = 0) -> int:
    offsets = [found.start() for found in re.finditer(re.escape(needle), text)]
    return text.count("\n", 0, offsets[occurrence]) + 1


_FACT_BLOCK = re.compile(r"\[\[topics\.\"[^\"]+\"\.facts\]\]\n(?:[a-z_]+ = .*\n)+")


FACT_BLOCKS = [found for found in _FACT_BLOCK.finditer(SMALL_FACTS)]


# Literals of the wrong type for each key.
WRONG_VALUES = {
    "id": ["7", "true", '"Not Kebab"', '""'],
    "pillar": ['"4"', "4.5", "true", "99"],
    "section": ["41", '"4.8"', "[]"],
    "kind": ['"law"', "1"],
    "label": ["12", '"  "', "[]"],
    "label_en": ["12", "false"],
    "value": ['"lots"', "true", "[1]", "nan", "inf", "{}"],
    "unit": ["1", '""'],
    "value_text": ["7565", "[]"],
    "qualifier": ["1"],
    "change": ["5", '{ value = "x", unit = "%", text = "t" }', "{ value = 1 }"],
    "aliases": ['"x"', "[1]", '[""]'],
}


REQUIRED = ("pillar", "section", "kind", "label", "label_en")


def _fact_id(block: str) -> str:
    return re.search(r'^id = "(.*)"$', block, re.M)[1]


@st.composite
def broken_files(draw: st.DrawFn) -> tuple[str, str | None, str, int]:
    """SMALL_FACTS with one fact broken: a key dropped, a key of the wrong type or
    the fact duplicated. Returns the text, the fact id, the field and the line."""
    block = draw(st.sampled_from(FACT_BLOCKS))
    text, fact_id = block[0], _fact_id(block[0])
    lines = text.splitlines(keepends=True)
    keys = [line.split(" = ")[0] for line in lines[1:]]
    how = draw(st.sampled_from(["drop", "retype", "duplicate"]))
    if how == "duplicate":
        broken = text + "\n" + text
        result = SMALL_FACTS[: block.start()] + broken + SMALL_FACTS[block.end() :]
        return result, fact_id, "id", line_of(result, f'id = "{fact_id}"', 1)
    if how == "drop":
        droppable = [
            k for k in keys if k in REQUIRED or (k in ("unit", "value_text") and "value" in keys)
        ]
        key = draw(st.sampled_from(droppable))
        kept = "".join(line for line in lines if not line.startswith(f"{key} = "))
        result = SMALL_FACTS[: block.start()] + kept + SMALL_FACTS[block.end() :]
        return result, fact_id, key, line_of(result, f'id = "{fact_id}"')
    key = draw(st.sampled_from([k for k in keys if k in WRONG_VALUES]))
    literal = draw(st.sampled_from(WRONG_VALUES[key]))
    changed = "".join(
        f"{key} = {literal}\n" if line.startswith(f"{key} = ") else line for line in lines
    )
    result = SMALL_FACTS[: block.start()] + changed + SMALL_FACTS[block.end() :]
    if key == "id":
        return result, None, "id", line_of(result, f"id = {literal}")
    return result, fact_id, key, line_of(result, f"{key} = {literal}")


# Queries users paste or type by accident: emoji, control and zero-width characters,
# direction marks, combining accents, shell and regex metacharacters, a leading dash,
# pasted pages, undecodable bytes.
HOSTILE_QUERIES = [
    "😀",
    "👩\u200d🔬 科技",
    "\x00\x07\x1b[31m",
    "\u200b高新技术企业\u200d",
    "\u202e高新技术企业\u202c",
    "\u2066gxjsqy\u2069",
    "e\u0301\u0301\u0301",
    "$(rm -rf /); `id` | & ; * ? [a-z] {1,2} \\ ^$",
    "-x",
    "--json",
    "\udcff\udcfe",
    "高" * 20_000,
    "technology " * 1_818,
    "kj " * 6_666,
    "7565 " * 4_000,
    " ".join(str(number) for number in range(4_000)),
    "".join(chr(0x4E00 + (number * 7919) % 20_000) for number in range(20_000)),
]


def start_server(*args: str, facts: Path | None = None) -> tuple[subprocess.Popen, str]:
    """`cqfacts serve --port 0` in its own process; its first line names its URL."""
    options = ["--facts", str(facts)] if facts else []
    process = subprocess.Popen(
        [sys.executable, "-m", "cqfacts", *options, "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        # A shell's background jobs inherit SIGINT ignored, and Python keeps ignoring
        # it: the server then stopped on Ctrl-C with exit 0 (uvicorn takes the signal
        # and hands it back to the ignoring handler). It gets what a terminal gives.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    line = process.stdout.readline() if process.stdout else ""
    if "http://" not in line:
        process.kill()
        raise AssertionError(f"no URL printed: {line!r} {process.communicate()[1]!r}")
    url = line.split(" at ")[1].split()[0]
    return process, url


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> int:
    process.send_signal(sig)
    try:
        return process.wait(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()


def serving(loaded: Any, **options: float) -> Any:
    """The uvicorn server `cqfacts serve` runs (web.app.make_server), in a thread of
    this process: a context giving the server and its port, for tests of what it
    answers rather than of the process (a `cqfacts serve` process costs some 0.2 s of
    CPU more, and builds its own index). Imported here, not at the top: only the web
    tests need the server's modules."""
    import threading
    import time
    from contextlib import contextmanager

    from cqfacts.web.app import bind, create_app, make_server

    @contextmanager
    def running() -> Any:
        sock = bind("127.0.0.1", 0)
        server = make_server(create_app(loaded), **options)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 10
            while not server.started and time.monotonic() < deadline:
                time.sleep(0.01)
            assert server.started
            yield server, sock.getsockname()[1]
        finally:
            server.should_exit = True
            thread.join(10)
            sock.close()

    return running()


# A table cell whose text starts with closing punctuation: a line broken before it.
CLOSING_AT_CELL_START = re.compile(r"(^|  )[，。、；：？！）》」』”’,.;:!?)]")


def draw(view: Any, color: str = "never", width: int = 80) -> str:
    """A view of cqfacts.output.views as rich draws it."""
    buffer = io.StringIO()
    console = make_console(color, file=buffer)
    console.width = width
    console.print(renderable(view))
    return buffer.getvalue()


def source_beside_the_repository() -> str | None:
    """The 2023 report where CI and a checkout keep it: ../shared/seeds beside the repo."""
    path = Path(__file__).resolve().parents[1].parent / "shared/seeds/000_6d581c0dd9f637d5.txt"
    return str(path) if path.is_file() else None


def main_in_process(
    *argv: str, env: dict[str, str | None] | None = None
) -> tuple[int, bytes, bytes]:
    """`python -m cqfacts ARGV` run in this process as cqfacts.__main__.main runs it (the
    fast path, else the full command line) into UTF-8 pipes: its exit code, stdout and
    stderr. For what does not need a process of its own (the words completed, the pages'
    blocks), and as the reference a real process is held to where a test is about what
    the process adds (a closed stream, os._exit): a process start (0.05-0.2 s of CPU)
    saved each. main's Ctrl-C handler and collector switch, the process's own, are left
    out. ``env``: variables set for the run (None: unset)."""
    import pytest

    from cqfacts.__main__ import _status
    from cqfacts.cli import fastpath
    from cqfacts.cli.app import main
    from cqfacts.cli.environment import Environment, prepare_streams

    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in (env or {}).items():
            if value is None:
                patch.delenv(name, raising=False)
            else:
                patch.setenv(name, value)
        patch.setattr(sys, "argv", ["cqfacts", *argv])
        patch.setattr(sys, "stdout", stdout)
        patch.setattr(sys, "stderr", stderr)
        try:
            prepare_streams()
            code = fastpath.answer(list(argv), Environment.from_process())
            if code is None:
                main()
        except SystemExit as stop:
            code = stop.code
        status = _status(code)  # flushes both, as the process's exit does
    return status, stdout.buffer.getvalue(), stderr.buffer.getvalue()  # type: ignore[attr-defined]


def hold_to_floors(
    name: str, by_kind: dict[str, list[int]], floors: dict[str, tuple[int, int, int]], misses: Any
) -> None:
    """A query set's tally per kind ([count, top-1, recall@3]) printed, then held to its
    floors: the same kinds, the same number of queries each, and no fewer found."""
    print(f"\nsearch quality on {name}:")
    for kind, (count, first, three) in sorted(by_kind.items()):
        print(f"  {kind:<13} n={count:<3} top-1 {first}/{count}  recall@3 {three}/{count}")
    assert set(by_kind) == set(floors), "a kind was added or removed: set its floors"
    for kind, (count, first, three) in by_kind.items():
        wanted_count, wanted_first, wanted_three = floors[kind]
        assert count == wanted_count, f"{kind}: queries were added or removed: set its floors"
        assert three >= wanted_three, (kind, "recall@3", misses)
        assert first >= wanted_first, (kind, "top-1", misses)
