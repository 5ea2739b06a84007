"""What the CLI writes to and what it knows about it: streams, terminal, encoding.

One object carries them (httpie's ``Environment``), so that the CLI never reads
``sys.stdout`` itself and tests run it in-process with any stream they like: a
terminal that is not one, an ASCII-only pipe, a closed file.
"""

from __future__ import annotations

import codecs
import os
import sys

from cqfacts.fast_typing import TYPE_CHECKING

# Re-exported: the CLI reads sizes as the writers do (see cqfacts.output.terminal).
from cqfacts.output.terminal import SIZE_VARIABLES, size_from, sizes_rich_can_read

if TYPE_CHECKING:
    from typing import IO

__all__ = ["SIZE_VARIABLES", "Environment", "size_from", "sizes_rich_can_read"]


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (ValueError, AttributeError):  # closed, or not a real stream
        return False


class Environment:
    """A plain class, not a dataclass: it is made on every run, and declaring a
    dataclass costs ~0.7 ms of a lookup's start-up."""

    def __init__(
        self,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        stdin: IO[str] | None = None,
        *,
        stdout_isatty: bool | None = None,
        no_color: bool | None = None,
    ) -> None:
        self.stdout: IO[str] = stdout if stdout is not None else sys.stdout
        self.stderr: IO[str] = stderr if stderr is not None else sys.stderr
        self.stdin: IO[str] = stdin if stdin is not None else sys.stdin
        #: Whether stdout is a terminal: tables in colour, JSON indented.
        self.stdout_isatty = _isatty(self.stdout) if stdout_isatty is None else stdout_isatty
        #: NO_COLOR is set (https://no-color.org): no colour, whatever the terminal.
        self.no_color = bool(os.environ.get("NO_COLOR")) if no_color is None else no_color

    @classmethod
    def from_process(cls) -> Environment:
        """The process's own streams, as they are now (a test's capture included)."""
        return cls()

    @property
    def stdout_encoding(self) -> str:
        """The codec name of stdout ("utf-8", "ascii", "gbk" …)."""
        try:
            return codecs.lookup(getattr(self.stdout, "encoding", None) or "utf-8").name
        except LookupError:
            return "ascii"

    def terminal_lines(self) -> int:
        """The terminal's height: stdout's own, else $LINES, else 24."""
        try:
            return os.get_terminal_size(self.stdout.fileno()).lines
        except (OSError, ValueError, AttributeError):  # not a terminal, or no descriptor
            lines = size_from(os.environ, "LINES")
            return lines if lines else 24

    def can_show_chinese(self) -> bool:
        try:
            "重庆".encode(self.stdout_encoding)
        except UnicodeEncodeError:
            return False
        return True


def discard_stdout() -> None:
    """What stdout still holds goes to the null device, so that flushing it at exit
    raises nothing (after a closed pipe or a full disk)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (a test's capture): nothing is left to flush


def prepare_streams() -> None:
    """The process's streams made safe to write: a stream the process started
    without writes to the null device (the exit code still tells), and text that a
    stream's encoding cannot carry is written escaped, never raised."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:  # started with the descriptor closed (>&-)
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
        reconfigure = getattr(getattr(sys, name), "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
