"""What a value of each declared type may be (:class:`cqfacts.facts.records.Spec`'s
``type``): text that shows something and is not too long, numbers a float holds, years,
dates, addresses, lists and tables of text; and the size limits of a fact file. The
fact-file checker (:mod:`cqfacts.facts.factfile`) says where; this module says why.
"""

from __future__ import annotations

import math
import re

from cqfacts.errors import QUOTED_LENGTH
from cqfacts.facts.model import BASES, KINDS, STATES
from cqfacts.facts.normalize import fold
from cqfacts.fast_typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TypeGuard

#: The years a figure may describe: a check against typing slips (year = 1, 20233).
FIRST_YEAR, LAST_YEAR = 1949, 2100
_DATE = re.compile(r"(19|20)\d\d(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
#: A fact's id: lowercase ASCII kebab-case.
ID_SHAPE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


# Pillar and section numbers have at most this many digits (int() refuses 4,300).
_MAX_NUMBER_DIGITS = 4

# A fact file's size within its 256 MiB: each fact, name and note is indexed (pinyin,
# traditional forms, folded keys), and a file within these limits indexes in seconds
# where a 5M-character label or 300,000 facts took minutes and gigabytes.
#: Labels, aliases, ids, units, figures, changes, names and titles, in characters.
MAX_NAME_LENGTH = 500
#: Notes and the report's source, in characters.
MAX_NOTE_LENGTH = 2_000
#: Aliases of one fact or topic.
MAX_ALIASES = 50
MAX_FACTS = 100_000
MAX_PILLARS = 100
#: Sections of all pillars together.
MAX_SECTIONS = 1_000
# Keys whose text may be longer than a name.
_LONG_TEXT_KEYS = frozenset(("note", "source"))


def _is_number(value: object) -> bool:
    """An int or float that a float can hold, finitely: JSON has no NaN or infinity,
    rankings and derived values compute in floats, and a report has neither."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an integer of 309 digits or more
        return False


def _number_fault(value: object) -> str:
    """Why a value is not :func:`_is_number`, to follow a key's name."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "must be a finite number a float can hold (no nan, inf or 309-digit integers)"
    shown = repr(value)
    return f"must be a number, not {shown[:QUOTED_LENGTH]}{'…' * (len(shown) > QUOTED_LENGTH)}"


# Control characters, line and paragraph separators and direction overrides: written
# to a terminal they move the cursor, retitle the window, break a line where none is
# or reorder what is shown.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Letters and symbols that draw nothing: the Hangul fillers and the blank Braille pattern.
_BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Characters of these categories show nothing on their own: marks with no base (a
# variation selector), format characters, separators, controls, lone surrogates.
_UNSEEN_CATEGORIES = frozenset(("Mn", "Me", "Cf", "Cc", "Cs", "Zs", "Zl", "Zp"))


def _is_text(value: object) -> TypeGuard[str]:
    """Text with something to show: not blank, not only invisible characters or blank
    glyphs, and no control characters."""
    if not isinstance(value, str):
        return False
    # Quick for nearly all text: printable means no control character, and a letter
    # or digit survives folding (NFKC and casefold never map one to nothing).
    if value.isprintable() and any(char.isalnum() and char not in _BLANK_GLYPHS for char in value):
        return True
    return not _CONTROL.search(value) and _shows_something(fold(value))


def _shows_something(folded: str) -> bool:
    import unicodedata  # fold has imported it for any text that gets here but ASCII

    return any(
        char not in _BLANK_GLYPHS and unicodedata.category(char) not in _UNSEEN_CATEGORIES
        for char in folded
    )


def _text_fault(value: object) -> str:
    """Why a value is not :func:`_is_text`, to follow a key's name."""
    if not isinstance(value, str):
        return f"must be text, not {value!r}"
    control = _CONTROL.search(value)
    if control:
        return f"holds a control character ({control[0]!r})"
    return "must be non-empty text"


def _is_text_list(value: object) -> bool:
    return isinstance(value, list) and all(_is_text(item) for item in value)


def _length_fault(text: str, limit: int = MAX_NAME_LENGTH) -> str | None:
    """Why a text is too long, to follow its key's name; None if it is not."""
    if len(text) <= limit:
        return None
    return f"is {len(text):,} characters long (at most {limit:,})"


def _aliases_fault(aliases: list[str]) -> str | None:
    """Why a list of aliases is too long, or one of them is; None if neither."""
    if len(aliases) > MAX_ALIASES:
        return f"are {len(aliases):,} (at most {MAX_ALIASES})"
    for alias in aliases:
        fault = _length_fault(alias)
        if fault:
            return f"hold one that {fault}"
    return None


def _count_fault(count: int, what: str, limit: int) -> str | None:
    return f"{count:,} {what}: a fact file holds at most {limit:,}" if count > limit else None


def _fault(type_: str, value: object, key: str = "") -> str | None:
    """Why a value is not of a declared field type (model.Spec.type); None where it
    is. Ids, pillars and sections have checks of their own, against the file."""
    if type_ == "text":
        if not _is_text(value):
            return _text_fault(value)
        return _length_fault(value, MAX_NOTE_LENGTH if key in _LONG_TEXT_KEYS else MAX_NAME_LENGTH)
    if type_ == "number":
        return None if _is_number(value) else _number_fault(value)
    if type_ == "texts":
        if not _is_text_list(value):
            return "must be a list of non-empty texts"
        return _aliases_fault(value)  # type: ignore[arg-type]
    if type_ == "ids":
        if not isinstance(value, list) or not all(
            isinstance(item, str) and ID_SHAPE.fullmatch(item) for item in value
        ):
            return "must be a list of ids (lowercase ASCII kebab-case)"
        return _aliases_fault(value)
    if type_ == "titles":
        if not isinstance(value, dict):
            return 'must be a table of texts: { "4.1" = "…" }'
        for name, text in value.items():
            if fault := (_text_fault(text) if not _is_text(text) else _length_fault(text)):
                return f"{name!r} {fault}"
        return None
    if type_ == "tables":
        valid = isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
        return None if valid else "must be one or more tables"
    if type_ == "kind":
        return None if value in KINDS else f"{value!r} is not one of {', '.join(KINDS)}"
    if type_ == "bool":
        return None if isinstance(value, bool) else f"must be true or false, not {value!r}"
    if type_ == "position":
        valid = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 10**9
        return None if valid else f"must be a whole number from 1, not {value!r}"
    if type_ == "state":
        return None if value in STATES else f"{value!r} is not one of {', '.join(STATES)}"
    if type_ == "basis":
        return None if value in BASES else f"{value!r} is not one of {', '.join(BASES)}"
    if type_ == "year":
        valid = isinstance(value, int) and not isinstance(value, bool)
        if valid and FIRST_YEAR <= value <= LAST_YEAR:  # type: ignore[operator]
            return None
        return f"must be a year from {FIRST_YEAR} to {LAST_YEAR}, not {value!r}"
    if type_ == "date":
        valid = isinstance(value, str) and _DATE.fullmatch(value) is not None
        return None if valid else f"must be a date (YYYY, YYYY-MM or YYYY-MM-DD), not {value!r}"
    if type_ == "url":
        if not isinstance(value, str) or not _URL.fullmatch(value):
            return f"must be an http(s) address, not {value!r}"[: QUOTED_LENGTH + 40]
        return _length_fault(value, MAX_NOTE_LENGTH)
    return None
