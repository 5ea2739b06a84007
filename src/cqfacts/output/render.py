"""rich draws the views of :mod:`cqfacts.output.views` for the terminal, and keeps its console.

Imported only when a table is drawn: rich costs ~25 ms to import.
"""

from __future__ import annotations

import errno
import os
from typing import IO, Any

from rich.console import (
    Console,
    ConsoleOptions,
    Group,
    RenderableType,
    RenderResult,
)
from rich.text import Span, Text

from cqfacts.output.layout import MIN_WIDTH, Grid, Styled
from cqfacts.output.terminal import sizes_rich_can_read
from cqfacts.output.views import Page


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """rich would exit with status 1; the caller decides what a closed pipe means."""
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def make_console(
    color: str = "auto", file: IO[str] | None = None, *, terminal: bool | None = None
) -> Console:
    """auto: colour on a terminal unless NO_COLOR is set; always; never. ``terminal``
    says whether ``file`` is one (None: ask the file).

    Markup and emoji codes are off: the report's text is data, never markup (and
    rich's emoji table, imported for them, takes ~15 ms). The width is at least MIN_WIDTH.
    The only place a console is made: rich reads COLUMNS and LINES here, from an
    environment without a size it would crash on (``COLUMNS=²``).
    """
    environ = sizes_rich_can_read()
    if color == "always":
        # Our styles are the 16 standard colours; "always" means even on TERM=dumb.
        console = _Console(
            file=file, highlight=False, markup=False, emoji=False,
            force_terminal=True, no_color=False, color_system="standard", _environ=environ,
        )  # fmt: skip
    elif color == "never":
        console = _Console(
            file=file, highlight=False, markup=False, emoji=False, color_system=None,
            _environ=environ,
        )  # fmt: skip
    else:
        console = _Console(
            file=file, highlight=False, markup=False, emoji=False, force_terminal=terminal,
            _environ=environ,
        )  # fmt: skip
    if console.width < MIN_WIDTH:
        console.width = MIN_WIDTH
    return console


def text(styled: Styled) -> Text:
    """rich's Text of a styled text: the same characters, base style and spans."""
    return Text(styled.plain, styled.style, spans=[Span(*span) for span in styled.spans])


def renderable(view: Grid | Styled | Page) -> RenderableType:
    """What rich draws for a view of :mod:`cqfacts.output.views`."""
    if isinstance(view, tuple):
        return Group(*(renderable(block) for block in view))
    return Fitted(view) if isinstance(view, Grid) else text(view)


class Fitted:
    """A :class:`~cqfacts.output.layout.Grid` drawn by rich at the width it is given:
    the lines the layout draws (the plain writer prints the same), in rich's styles."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        grid = self.grid
        widths = grid.widths(options.max_width)
        if widths is None:
            yield from (text(block) for block in grid.stacked(options.max_width))
            return
        yield Text("\n").join(text(line) for line in grid.lines(options.max_width, widths))


def audit_lines(report: dict[str, Any]) -> str:
    """An audit as plain lines, one per finding, grep-able: SOURCE:LINE:COLUMN: …"""
    source = report["source"]
    lines = [
        f"{source}:{item['line']}:{item['column']}: uncovered figure {item['text']!r} "
        f"(section {item['section']})"
        for item in report["uncovered"]
    ]
    lines += [
        f"fact {item['id']!r}: unsupported: {item['reason']} ({item['value_text']!r})"
        for item in report["unsupported"]
    ]
    lines += [
        f"{source}:{item['line']}:{item['column']}: fact {item['id']!r} says section "
        f"{item['section']}, its figure {item['value_text']!r} stands in {item['found_section']}"
        for item in report["misplaced"]
    ]
    found = len(lines)
    lines.append(f"{source}: {'clean' if not found else f'{found} finding' + 's' * (found > 1)}")
    return "\n".join(lines)
