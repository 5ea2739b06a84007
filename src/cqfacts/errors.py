"""The library's own exception types; the CLI turns them into messages and exit codes."""

from __future__ import annotations

from cqfacts.fast_typing import NamedTuple

#: User input quoted in a message is cut here: a pasted page need not come back whole.
QUOTED_LENGTH = 60


def quoted(text: str) -> str:
    """User input as a message quotes it: escaped (repr: control characters, direction
    marks and undecodable bytes shown as escapes) and cut if long."""
    return repr(text[:QUOTED_LENGTH]) + ("…" if len(text) > QUOTED_LENGTH else "")


def shown(text: str) -> str:
    """A path or name as a message shows it: as it is where every character prints,
    else with control characters, direction marks and undecodable bytes as escapes,
    so that a file named with an escape sequence cannot retitle or recolour the
    terminal."""
    if text.isprintable() and not _has_surrogates(text):
        return text
    return "".join(char if char.isprintable() and not _is_surrogate(char) else _escape(char)
                   for char in text)  # fmt: skip


def shell_quoted(text: str) -> str:
    """A path quoted so that a shell (bash, zsh) given it back gets the same bytes:
    shlex's quoting where every character prints, else ANSI-C quoting ($'…')."""
    import shlex

    if text.isprintable() and not _has_surrogates(text):
        return shlex.quote(text)
    inner = "".join(
        _escape(char) if not char.isprintable() or _is_surrogate(char)
        else "\\\\" if char == "\\" else "\\'" if char == "'" else char
        for char in text
    )  # fmt: skip
    return f"$'{inner}'"


def _is_surrogate(char: str) -> bool:
    return "\ud800" <= char <= "\udfff"


def _has_surrogates(text: str) -> bool:
    return not text.isascii() and any(map(_is_surrogate, text))


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, as surrogateescape keeps it
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


class CqfactsError(Exception):
    """Base of every error the library raises on purpose."""


class Problem(NamedTuple):
    """One fault found in a fact file, with the line it is on where that is known."""

    path: str
    message: str
    line: int | None = None
    #: The id of the fact at fault, where the fault is in a fact that has one.
    fact: str | None = None
    #: The key at fault: "value", "change.unit", "meta.year", "pillars.4.sections" …
    field: str | None = None

    def __str__(self) -> str:
        where = f"{shown(self.path)}:{self.line}" if self.line else shown(self.path)
        subject = f"fact {quoted(self.fact)}: " if self.fact else ""  # an id may be long
        return f"{where}: {subject}{self.message}"


class FactFileError(CqfactsError):
    """A fact file is missing, unreadable or not TOML; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


class InvalidFactFileError(FactFileError):
    """A fact file is TOML but breaks the fact-file rules (``cqfacts validate`` lists
    every problem)."""


class InvalidArgumentError(CqfactsError):
    """A value the user gave (pillar, kind, unit, format …) is not one the tool knows."""


class DraftError(CqfactsError):
    """A text cannot be drafted into a fact file that validates: it holds nothing to
    draft, or more pillars, sections or figures than a fact file holds."""


class UnknownFactError(CqfactsError):
    """No fact has the requested id; `suggestions` holds the nearest ids. Asked for
    one ``year``, the id may be in other reports: ``years`` lists theirs. ``as_words``:
    the text was read as words, not as an id, and named no one fact clearly
    (`suggestions` are then its candidates)."""

    def __init__(
        self,
        fact_id: str,
        suggestions: list[str],
        *,
        year: int | None = None,
        years: list[int] | None = None,
        query: str | None = None,
        as_words: bool = False,
    ) -> None:
        self.fact_id = fact_id
        #: A search worth suggesting (``cqfacts search QUERY``), where one is.
        self.query = query
        self.suggestions = suggestions
        self.year = year
        self.years = years or []
        if self.years:
            held = ", ".join(map(str, self.years))
            message = f"no fact of {year} has the id {quoted(fact_id)}; its years: {held}."
        else:
            search = f" Search: cqfacts search {shell_quoted(query)}" if query is not None else ""
            if as_words:  # not an id: words whose best match was not clear
                found = f": candidates {', '.join(suggestions)}." if suggestions else "."
                message = f"{quoted(fact_id)} names no one fact{found}{search}"
            else:
                hint = f" Nearest ids: {', '.join(suggestions)}." if suggestions else ""
                message = f"no fact has the id {quoted(fact_id)}.{hint}{search}"
        super().__init__(message)


class MissingExtraError(CqfactsError):
    """A command needs an optional part of the package that is not installed: the web
    server (extra ``web``) or the MCP server (extra ``mcp``). ``install`` is the exact
    command that brings it."""

    def __init__(self, extra: str, command: str) -> None:
        self.extra = extra
        self.command = command
        self.install = f"pip install 'cqfacts[{extra}]'"
        super().__init__(f"`cqfacts {command}` needs the {extra} extra: {self.install}")
