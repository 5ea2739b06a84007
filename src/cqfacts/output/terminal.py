"""The terminal's size as its environment tells it ($COLUMNS, $LINES), read one way
for both writers (the rich renderer and the plain one) and the command line's
Environment, so that all three agree on what a size is.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

#: The terminal sizes a program is told in its environment; rich reads these too.
SIZE_VARIABLES = ("COLUMNS", "LINES", "JUPYTER_COLUMNS", "JUPYTER_LINES")


def size_from(environ: Mapping[str, str], name: str) -> int | None:
    """$COLUMNS or $LINES (``name``) as rich reads it, digits made a number; None where
    it is not one. rich asks ``str.isdigit()``, which also takes ², ② and ¹⁰⁰ that
    int() refuses (and int() refuses 4,301 digits): those are not sizes either."""
    text = environ.get(name)
    if text is None or not text.isdigit():
        return None
    try:
        return int(text)
    except ValueError:
        return None


def sizes_rich_can_read(environ: Mapping[str, str] = os.environ) -> Mapping[str, str]:
    """The environment for rich's Console: as it is, less a size rich would take for
    digits and then fail to read (a crash in its constructor): without it, rich uses
    its default, as for a size that is not digits at all."""
    unreadable = [
        name
        for name in SIZE_VARIABLES
        if name in environ and environ[name].isdigit() and size_from(environ, name) is None
    ]
    if not unreadable:
        return environ
    return {name: value for name, value in environ.items() if name not in unreadable}
