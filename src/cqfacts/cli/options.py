"""The options and arguments several commands share, as typer declares them: their
choices (enums built from the one declaration of each), the typer options made from
:mod:`cqfacts.cli.declarations`, and shell completion of pillars, ids and topics."""

import os
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cqfacts.cli import arguments as answers
from cqfacts.cli import declarations as declared
from cqfacts.errors import CqfactsError
from cqfacts.facts.model import KINDS, STATES

if TYPE_CHECKING:
    from cqfacts.facts.model import FactBase

# Choices as typer shows and checks them, from the one declaration of each.
Lang = StrEnum("Lang", {name: name for name in answers.LANGS})  # type: ignore[misc]
Color = StrEnum("Color", {name: name for name in answers.COLORS})  # type: ignore[misc]
Kind = StrEnum("Kind", {kind: kind for kind in KINDS})  # type: ignore[misc]
State = StrEnum("State", {state: state for state in STATES})  # type: ignore[misc]
Format = StrEnum("Format", {name: name for name in answers.FORMATS})  # type: ignore[misc]


def option(each: declared.Declared, **more: Any) -> Any:
    """The typer option of a declared one (``more``: what only typer knows of it)."""
    if each.option.least is not None:
        more["min"] = each.option.least
    if each.option.typed:
        more["callback"] = answers.as_typed
    if each.envvar is not None:
        more.update(envvar=each.envvar, show_envvar=False)
    if each.metavar is not None:
        more["metavar"] = each.metavar
    more.setdefault("help", each.help or None)
    return typer.Option(*each.flags, **more)


def complete_pillar(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """The loaded reports' parts (from the data: a report may have eight, a press item
    none), each with its title."""
    base = _completion_base(ctx)
    pillars = base.pillars.values() if base else ()
    return [(str(p.number), p.title) for p in pillars if str(p.number).startswith(incomplete)]


def _completion_base(ctx: typer.Context) -> "FactBase | None":
    from cqfacts.cli.app import facts_named
    from cqfacts.store.loader import load_many

    try:
        return load_many(facts_named(ctx.meta)).base
    except CqfactsError:
        return None


def complete_fact_id(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Ids, each with its label, which zsh and fish show beside it (typer keeps only
    the items that start with what was typed, so a label cannot be completed to an
    id)."""
    base = _completion_base(ctx)
    facts = base.by_id.values() if base else ()  # an id once, however many years give it
    return [(fact.id, fact.label) for fact in facts if fact.id.startswith(incomplete.lower())]


def complete_topic(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Topic names, Chinese or English (never file names)."""
    base = _completion_base(ctx)
    typed = (answers.as_typed(incomplete) or "").casefold()
    topics = base.topics.values() if base else ()
    return [
        (for_the_shell(name), other) for topic in topics
        for name, other in ((topic.name, topic.en), (topic.en, topic.name))
        if name.casefold().startswith(typed)
    ]  # fmt: skip


# What bash would read as more than one word, or as an operator.
_SHELL_SPECIAL = frozenset(" \t'\"\\$`&;|()<>!*?[]{}#~")


def for_the_shell(value: str) -> str:
    """A completion as bash must insert it: bash puts the word in as it is given
    (High-tech enterprises would be two arguments), where zsh and fish quote it
    themselves. Escaped with backslashes, not quoted, it still starts with what was
    typed, which typer requires of a completion."""
    if not os.environ.get("_CQFACTS_COMPLETE", "").endswith("_bash"):
        return value
    return "".join(f"\\{char}" if char in _SHELL_SPECIAL else char for char in value)


JsonFlag = Annotated[bool, option(declared.JSON)]


def json_flag(what: str) -> Any:
    """--json for a command that prints no table: ``what`` says what it writes."""
    return option(declared.JSON, help=what)


LangOption = Annotated[Lang | None, option(declared.LANG)]
FormatOption = Annotated[Format | None, option(declared.FORMAT)]
PillarOption = Annotated[str | None, option(declared.PILLAR, autocompletion=complete_pillar)]
KindOption = Annotated[Kind | None, option(declared.KIND)]
YearOption = Annotated[int | None, option(declared.YEAR)]
AllYearsFlag = Annotated[bool, option(declared.ALL_YEARS)]
ReportOption = Annotated[str | None, option(declared.REPORT)]
LimitOption = Annotated[int, option(declared.LIMIT)]
