"""The `cqfacts` console script and `python -m cqfacts`."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from types import FrameType

from cqfacts.fast_typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import NoReturn

#: The documented exit code of an interrupted run.
INTERRUPTED = 130


def _interrupted(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C: leave at once and quietly, wherever the run is (loading typer, writing
    a cache entry, tearing down modules): the exit code tells, no traceback does."""
    os._exit(INTERRUPTED)


def main() -> None:
    # First, before anything slow is imported: from here on, and through the
    # interpreter's teardown, Ctrl-C is a quiet 130. What comes before (the
    # interpreter's start and pip's console-script wrapper) is Python's own, and a
    # Ctrl-C there can still print a traceback. Only for the process's entry point:
    # code that calls the CLI in-process keeps its own handling.
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupted)
    # A lookup is a short-lived process: the cyclic collector would only sweep the
    # tens of thousands of objects typer and rich make while they load, for about a
    # tenth of a run that loads them. Reference counting still frees everything as usual.
    gc.disable()
    try:
        from cqfacts.cli.environment import Environment, prepare_streams
        from cqfacts.cli.fastpath import answer

        prepare_streams()
        # search and pillar, piped: answered without loading typer and rich where the
        # answer is sure to be the same; anything else goes to the full command line.
        code = answer(sys.argv[1:], Environment.from_process())
        if code is not None:
            raise SystemExit(code)
        from cqfacts.cli.app import main as run

        run()
    except KeyboardInterrupt:
        # Where the handler above could not be installed (SIGINT set otherwise by
        # the caller): the same quiet exit.
        raise SystemExit(INTERRUPTED) from None


def console() -> NoReturn:
    """The console script and `python -m cqfacts`: :func:`main`, then the process ends
    without tearing down its modules (about a tenth of a run that loads typer and rich,
    spent freeing what the kernel frees at once). Output is flushed first; the exit
    code is the one :func:`main` gave. Never call this in-process: it ends the process."""
    try:
        main()
        code: object = 0
    except SystemExit as stop:
        code = stop.code
    os._exit(_status(code))


def _status(code: object) -> int:
    """The exit status sys.exit(code) would give, with its output flushed."""
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # what sys.exit does with a message
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # closed or none
            stream.flush()
    return code or 0


if __name__ == "__main__":
    console()
