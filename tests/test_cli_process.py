"""What only a real process shows: the entry point, imports, pipes, locales, signals
and several processes on one cache."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cqfacts.cli.app import ExitCode
from cqfacts.facts.model import FACT_KEYS
from cqfacts.store.loader import load, shipped_fact_path
from tests.conftest import cqfacts_process
from tests.helpers import main_in_process

FACT_KEY_SET = set(FACT_KEYS)
README = Path(__file__).parents[1] / "README.md"
_cqfacts = cqfacts_process


@pytest.fixture(scope="module", autouse=True)
def warm_cache(shared_cache):
    """The shipped base's entry in the session's cache, made in-process (the bytes a
    process would write: the same code and Python): the processes below answer warm,
    none paying a cold build's half second of pypinyin and OpenCC. Those about a cold
    cache give theirs a directory of its own."""
    load(shipped_fact_path(), cache_dir=shared_cache)
    return shared_cache


def test_the_json_query_path_imports_neither_rich_nor_pypinyin(warm_cache):
    # One process runs every query in turn (what a query loads stays loaded: a module
    # one of them loads shows after it, named with its query), a process start each.
    probe = (
        "import json, sys\n"
        "from cqfacts.cli.app import main\n"
        "heavy = ('rich', 'pypinyin', 'opencc', 'tomllib', 'tomli', 'rapidfuzz')\n"
        "for args in json.loads(sys.argv[1]):\n"
        "    sys.argv = ['cqfacts', 'search', *args]\n"
        "    try:\n        main()\n"
        "    except SystemExit as stop:\n        assert stop.code == 0, args\n"
        "    loaded = sorted(m for m in heavy if m in sys.modules)\n"
        "    sys.stderr.write(f'{args} loaded:' + ','.join(loaded) + '\\n')\n"
    )
    # The cache made warm in-process (warm_cache): a warm run is what is measured.
    env = {**os.environ, "CQFACTS_CACHE_DIR": str(warm_cache)}
    # --format tsv and jsonl are the JSON path too: text built from the same objects.
    queries = [["高新技术企业", "--json"], ["gxjsqy", "--json"], ["gxjsqy", "-f", "tsv"],
               ["technology", "brokers", "--format", "jsonl"]]  # fmt: skip
    warm = subprocess.run(
        [sys.executable, "-c", probe, json.dumps(queries)], env=env, capture_output=True
    )
    report = warm.stderr.decode()
    assert warm.returncode == 0, report
    assert report.splitlines() == [f"{args} loaded:" for args in queries], report


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--format", "jsonl"],
        ["list"],
        ["pillar", "4"],
        ["search", "gxjsqy", "--json"],
        ["validate"],
        ["--help"],
    ],
)
def test_a_closed_pipe_ends_quietly_with_exit_0(args):
    """The reader is gone before the first write (as with | head, but certain)."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "cqfacts", *args], stdout=writer, stderr=subprocess.PIPE
        )
    finally:
        os.close(writer)
    assert (result.returncode, result.stderr) == (0, b"")


def test_works_under_the_c_locale():
    result = _cqfacts("search", "经纪人", env_extra={"LANG": "C", "LC_ALL": "C"})
    assert result.returncode == 0
    assert "新培育技术经纪人".encode() in result.stdout


def test_shell_completion_offers_fact_ids_and_pillars():
    def complete(words: str) -> list[str]:
        env = {"_CQFACTS_COMPLETE": "complete_bash", "COMP_WORDS": words}
        env["COMP_CWORD"] = str(len(words.split()) - (0 if words.endswith(" ") else 1))
        result = _cqfacts(env_extra=env)
        return result.stdout.decode().split()

    assert complete("cqfacts show high-tech-enterprises-t") == ["high-tech-enterprises-total"]
    assert complete("cqfacts pillar ") == ["0", "1", "2", "3", "4", "5", "6"]


@pytest.mark.slow
def test_processes_starting_together_on_a_cold_cache_agree(tmp_path, small_fact_file):
    """Four processes start at once on one cold cache, each building the index and
    writing the one entry: a search on the JSON path and a table drawn by rich, two of
    each, interleaved, on the small report (the shipped one's cold start costs ~0.5 s
    of CPU each, and races no differently; two cores run two at a time)."""
    cache_dir = tmp_path / "cache"
    cache = {"CQFACTS_CACHE_DIR": str(cache_dir), "CQFACTS_FACTS": str(small_fact_file)}
    env = {**os.environ, **cache}
    commands = [["search", "gxjsqy", "--json"], ["pillar", "4"]] * 2
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "cqfacts", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for args in commands
    ]
    results = [process.communicate() for process in processes]
    assert [process.returncode for process in processes] == [0] * 4
    assert all(stderr == b"" for _, stderr in results)
    assert len(list(cache_dir.iterdir())) == 1  # one entry, no temporary files left
    for first in range(2):  # each command's two agree, and a warm run with them
        outputs = {stdout for stdout, _ in results[first::2]}
        assert len(outputs) == 1
        warm = main_in_process(*commands[first], env=cache)  # in-process: the same bytes
        assert warm == (0, results[first][0], b"")


def _environment(**changes: str | None) -> dict[str, str]:
    env = {**os.environ}
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def test_ctrl_c_in_a_real_process_exits_130_quietly(tmp_path):
    """The process is stopped while it waits to read its fact file (a FIFO)."""
    import errno
    import time

    fifo = tmp_path / "facts.toml"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        [sys.executable, "-m", "cqfacts", "--facts", str(fifo), "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # A shell's background jobs inherit SIGINT ignored, and Python then keeps
        # ignoring it: the child gets the default a terminal would give it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 30
    while True:  # opening the FIFO to write succeeds once the process reads it
        try:
            writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as error:
            if error.errno != errno.ENXIO or process.poll() is not None:
                raise
            assert time.monotonic() < deadline, "the process never opened its fact file"
            time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    try:
        # A process that took the signal in its read is gone within milliseconds.
        stdout, stderr = process.communicate(timeout=1)
    except subprocess.TimeoutExpired:
        # The signal landed just before the read began (about one run in four):
        # CPython handles it between bytecodes, so only once the read returns, which
        # end of file makes it do. The verdict is the same either way.
        os.close(writer)
        writer = None
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if writer is not None:
            os.close(writer)
    assert (process.returncode, stdout, stderr) == (ExitCode.INTERRUPTED, b"", b"")


_INTERRUPT_WHILE_IMPORTING = (
    "class Finder:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name == {module!r}:\n"
    "            os.kill(os.getpid(), signal.SIGINT)\n"
    "sys.meta_path.insert(0, Finder())\n"
)


@pytest.mark.parametrize(
    ("moment", "command"),
    [
        # while the library loads, on the fast path
        (
            _INTERRUPT_WHILE_IMPORTING.format(module="cqfacts.search.engine"),
            ["search", "高企", "--json"],
        ),
        # while typer loads, for a command the fast path hands on
        (_INTERRUPT_WHILE_IMPORTING.format(module="typer"), ["list", "--json"]),
        # while the interpreter tears down, after the answer was written
        ("atexit.register(lambda: os.kill(os.getpid(), signal.SIGINT))\n",
         ["search", "高企", "--json"]),
    ],
    ids=["loading the library", "loading typer", "teardown"],
)  # fmt: skip
def test_ctrl_c_at_any_moment_of_the_entry_point_is_a_quiet_130(moment, command):
    """Row 18: a Ctrl-C early or late printed a traceback (or exited 1)."""
    script = (
        "import atexit, os, signal, sys\n" + moment + f"sys.argv = ['cqfacts', *{command!r}]\n"
        "from cqfacts.__main__ import main\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert (result.returncode, result.stderr) == (ExitCode.INTERRUPTED, b"")


def test_a_query_typed_under_a_locale_that_is_not_utf8_is_read_as_typed():
    """PYTHONUTF8=0 LC_ALL=C: the UTF-8 bytes of 高新技术企业 reach Python as escapes."""
    env = {"PYTHONUTF8": "0", "LC_ALL": "C", "LANG": "C"}
    result = _cqfacts("search", "高新技术企业", "--json", env_extra=env)
    assert result.returncode == 0
    assert json.loads(result.stdout)[0]["id"] == "high-tech-enterprises-total"
    assert _cqfacts("pillar", "四", "--json", env_extra=env).returncode == 0


def test_a_cache_entry_that_never_ends_is_rebuilt_not_waited_for(tmp_path, small_fact_file):
    # The small report: its cold build, the process's, is cheaper and no different.
    cache = tmp_path / "cache"
    env = {"CQFACTS_CACHE_DIR": str(cache), "CQFACTS_FACTS": str(small_fact_file)}
    load(small_fact_file, cache_dir=cache)  # the entry, made in-process
    first = main_in_process("search", "gxjsqy", "--json", env=env)  # the answer, warm
    [entry] = list(cache.iterdir())
    entry.unlink()
    os.mkfifo(entry)
    again = _cqfacts("search", "gxjsqy", "--json", env_extra=env, timeout=60)
    assert (again.returncode, again.stdout) == (0, first[1])
    assert b"high-tech-enterprises-total" in again.stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["search", "gxjsqy", "--json"], ExitCode.FOUND),
        (["search", "香蕉"], ExitCode.NOTHING_FOUND),
        (["pillar", "9"], ExitCode.USAGE_ERROR),
        (["--help"], ExitCode.FOUND),
    ],
)
def test_the_console_script_leaves_with_the_same_output_and_exit_code(args, code):
    """console() ends the process without tearing it down: the same bytes and codes
    as main() (run in-process, into pipes: what a torn-down process would have written)."""
    script = (
        "import sys\nfrom cqfacts.__main__ import console\n"
        "sys.argv = ['cqfacts', *sys.argv[1:]]\nconsole()\n"
    )
    process = subprocess.run([sys.executable, "-c", script, *args], capture_output=True)
    assert (process.returncode, process.stdout, process.stderr) == main_in_process(*args)
    assert process.returncode == code
    assert process.stdout or process.stderr
