"""The questions every front end asks (the command line, the web API, the MCP
server), with their arguments checked alike: one function per question, one default
per option, one rule from a query to a fact (:func:`resolved`).

Arguments arrive as text (a URL's query string) or as JSON values (a tool call). The
functions here check them, raise :class:`InvalidArgumentError` with a message fit to
show a user, and answer with the shapes of :mod:`cqfacts.output.shapes`, the CLI's own
objects. No web or MCP framework is imported here.
"""

from __future__ import annotations

from cqfacts.errors import InvalidArgumentError, UnknownFactError, quoted
from cqfacts.facts.model import KINDS, STATES, FactBase, parse_pillar_number
from cqfacts.fast_typing import TYPE_CHECKING, NamedTuple
from cqfacts.output import shapes

if TYPE_CHECKING:
    from cqfacts.derive.ranking import Ranked
    from cqfacts.derive.trend import TrendPoint
    from cqfacts.facts.model import Fact
    from cqfacts.search.engine import Match
    from cqfacts.search.lookup import Resolved
    from cqfacts.store.loader import Loaded

#: A query longer than this is pasted prose, not a question: refused, not searched.
MAX_QUERY_LENGTH = 500
# Ids and units are short names; these bounds only keep a pasted page out.
MAX_ID_LENGTH = 200
MAX_UNIT_LENGTH = 20
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
LANGS = ("zh", "en")
RANK_BY = ("change", "value")


class UnknownPillarError(InvalidArgumentError):
    """A pillar number the fact base does not have (a 404 where it is in the path)."""


def _text(value: object, what: str, longest: int) -> str:
    """A text argument: a string, no NUL, no lone surrogate, at most ``longest`` long."""
    if not isinstance(value, str):
        raise InvalidArgumentError(f"the {what} must be text")
    if len(value) > longest:
        raise InvalidArgumentError(
            f"the {what} has {len(value)} characters; at most {longest} are read"
        )
    if "\x00" in value:
        raise InvalidArgumentError(f"the {what} holds a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: "\ud800" in a JSON string
        raise InvalidArgumentError(f"the {what} is not valid Unicode text") from None
    return value


def _given(value: object) -> bool:
    """Whether an optional argument was given: an empty ?pillar= means "any"."""
    return value is not None and value != ""


def query(value: object) -> str:
    text = _text("" if value is None else value, "query", MAX_QUERY_LENGTH)
    if not text.strip():
        raise InvalidArgumentError("the query is empty")
    return text


def _non_blank(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgumentError("the query is empty")
    return value


def limit(value: object, default: int = DEFAULT_LIMIT, *, most: int | None = MAX_LIMIT) -> int:
    """A row count from 1 to ``most`` (:data:`MAX_LIMIT`; None: no bound, the command
    line's own): an integer, or its decimal digits."""
    if not _given(value):
        return default
    upper = most if most is not None else 10**9
    bad = InvalidArgumentError(
        f"the limit must be a whole number from 1 to {upper}, not {quoted(str(value))}"
        if most is not None
        else f"the limit must be a whole number from 1, not {quoted(str(value))}"
    )
    if isinstance(value, str):
        digits = value.strip()
        # ASCII digits only: int() would also take "1_0", "+5" and full-width digits.
        if not (digits.isascii() and digits.isdigit() and len(digits) <= 4):
            raise bad
        value = int(digits)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= upper:
        raise bad
    return value


def pillar(value: object, base: FactBase) -> int | None:
    """A pillar of the base, as a number or as text (4, "4", "四"); None where not given."""
    if not _given(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number: int | None = value
    elif isinstance(value, str):
        number = parse_pillar_number(_text(value, "pillar", MAX_ID_LENGTH))
    else:
        number = None
    if number is None or number not in base.pillars:
        if not base.pillars:  # press items, statistics: sources without parts
            raise UnknownPillarError(
                f"no pillar {quoted(str(value))}: the loaded sources have no parts"
            )
        valid = ", ".join(str(n) for n in base.pillars)
        raise UnknownPillarError(
            f"no pillar {quoted(str(value))}; pillars are {valid} (0 is the overview)"
        )
    return number


def required_pillar(value: object, base: FactBase) -> int:
    """A pillar of the base, which must be given (`pillar N`, /api/pillars/N)."""
    number = pillar(value, base)
    if number is None:
        raise UnknownPillarError("no pillar given")
    return number


def flag(value: object, name: str) -> bool:
    """A yes/no option: JSON's true or false, or the text true, false, 1 or 0."""
    if not _given(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _FLAG_TEXTS:
        return _FLAG_TEXTS[value.strip().lower()]
    raise InvalidArgumentError(f"{name} must be true or false, not {quoted(str(value))}")


_FLAG_TEXTS = {"true": True, "1": True, "false": False, "0": False}


def year(value: object, base: FactBase) -> int | None:
    """A year some loaded report is of, as a number or digits; None where not given."""
    if not _given(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit():
        # int() refuses over 4,300 digits (a ValueError); no loaded year has over 9.
        number = int(value) if len(value) <= 9 else -1
    else:
        raise InvalidArgumentError(f"the year must be a number, not {quoted(str(value))}")
    if number not in base.years:
        years = ", ".join(map(str, base.years))
        # str() of an int refuses over 4,300 digits too.
        # A year is a number however it came (a URL's text, JSON's number, --year).
        text = str(number) if 0 <= number < 10**9 else quoted(str(value)[:20])
        raise InvalidArgumentError(f"no loaded fact describes {text}; years: {years}")
    return number


def kind(value: object) -> str | None:
    if not _given(value):
        return None
    if value not in KINDS:
        raise InvalidArgumentError(f"no kind {quoted(str(value))}; kinds are {', '.join(KINDS)}")
    return str(value)


def lang(value: object) -> str:
    if not _given(value):
        return LANGS[0]
    if value not in LANGS:
        raise InvalidArgumentError(f"no language {quoted(str(value))}; languages are zh, en")
    return str(value)


def shown_lang(value: object) -> str | None:
    """The language a web answer's ``shown`` texts are in; None where none is asked
    for (the answer is then the command line's JSON, byte for byte)."""
    return lang(value) if _given(value) else None


def status(value: object) -> str | None:
    """A policy's state (``list --status``); None where not given."""
    if not _given(value):
        return None
    if not isinstance(value, str) or value not in STATES:
        raise InvalidArgumentError(
            f"no status {quoted(str(value))}; states are {', '.join(STATES)}"
        )
    return str(value)


def topic(value: object) -> str | None:
    """A topic's Chinese or English name (``list --topic``); None where not given."""
    return _text(value, "topic", MAX_ID_LENGTH) if _given(value) else None


#: The most facts a page may skip: more than any fact base holds.
MAX_OFFSET = 10**6


def offset(value: object) -> int:
    """How many rows a page skips: 0 (the default) or more, as digits or an integer."""
    if not _given(value):
        return 0
    bad = InvalidArgumentError(
        f"the offset must be a whole number from 0 to {MAX_OFFSET}, not {quoted(str(value))}"
    )
    if isinstance(value, str):
        digits = value.strip()
        if not (digits.isascii() and digits.isdigit() and len(digits) <= 7):
            raise bad
        value = int(digits)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_OFFSET:
        raise bad
    return value


def rank_by(value: object) -> str:
    if not _given(value):
        return RANK_BY[0]
    if value not in RANK_BY:
        raise InvalidArgumentError(f"cannot rank by {quoted(str(value))}; by change or value")
    return str(value)


def unit(value: object) -> str:
    from cqfacts.derive.ranking import DEFAULT_VALUE_UNIT

    return _text(value, "unit", MAX_UNIT_LENGTH) if _given(value) else DEFAULT_VALUE_UNIT


def fact_id(value: object) -> str:
    text = _text("" if value is None else value, "id", MAX_ID_LENGTH)
    if not text.strip():
        raise InvalidArgumentError("the id is empty")
    return text


# --- answers: each the CLI's --json object ------------------------------------------


def find(
    loaded: Loaded,
    q: object,
    *,
    pillar_: object = None,
    kind_: object = None,
    limit_: object = None,
    lang_: object = None,
    year_: object = None,
    all_years_: object = None,
    highlight: bool = False,
    bounded: bool = True,
    every: bool = False,
) -> list[Match]:
    """The matches of a query, best first ([] for none); ``highlight`` marks the
    matched text (for a table); ``every`` returns every match, whatever the limit (a
    page's count). ``bounded=False`` (the command line's own text, not
    a remote caller's) searches any non-blank text and returns any number of rows:
    the length, NUL and row bounds guard a server, and a local user may paste a page
    or list every match."""
    from cqfacts.search.engine import search as run_search

    text = query(q) if bounded else _non_blank(q)
    number = pillar(pillar_, loaded.base)
    chosen_kind = kind(kind_)
    rows = limit(limit_, most=MAX_LIMIT if bounded else None)
    lang(lang_)  # checked alike; the JSON holds both languages
    matches = run_search(
        loaded.base, loaded.index, text, pillar=number, kind=chosen_kind,
        limit=None if every else rows,
        highlight=highlight, year=year(year_, loaded.base),
        all_years=flag(all_years_, "all_years"),
    )  # fmt: skip
    return matches


def search(
    loaded: Loaded,
    q: object,
    *,
    pillar_: object = None,
    kind_: object = None,
    limit_: object = None,
    lang_: object = None,
    year_: object = None,
    all_years_: object = None,
) -> list[shapes.JSON]:
    """``search --json``: the facts a query means, best first ([] for none); with
    ``lang``, each with ``shown`` (the web page's texts in that language)."""
    found = find(loaded, q, pillar_=pillar_, kind_=kind_, limit_=limit_, lang_=lang_,
                 year_=year_, all_years_=all_years_)  # fmt: skip
    return shapes.search_results(found, loaded.base, shown_lang(lang_))


def search_page(
    loaded: Loaded,
    q: object,
    *,
    pillar_: object = None,
    kind_: object = None,
    limit_: object = None,
    offset_: object = None,
    lang_: object = None,
    year_: object = None,
    all_years_: object = None,
) -> tuple[list[shapes.JSON], int, int | None]:
    """A page of :func:`search`'s answer (the web API's): its rows, the number of
    matches in all and the offset of the next page (None on the last)."""
    found = find(loaded, q, pillar_=pillar_, kind_=kind_, limit_=limit_, lang_=lang_,
                 year_=year_, all_years_=all_years_, every=True)  # fmt: skip
    rows, start = limit(limit_), offset(offset_)
    end = start + rows
    results = shapes.search_results(found[start:end], loaded.base, shown_lang(lang_))
    return results, len(found), end if end < len(found) else None


def resolved(loaded: Loaded, value: object, year_: object = None) -> Resolved:
    """The one rule from what a user typed to one fact, for ``show`` and ``trend`` in
    every front end: an id in any case, or a label or query whose best match is clear
    (:func:`cqfacts.search.lookup.resolve`); else :class:`UnknownFactError` with the
    candidates."""
    from cqfacts.search.lookup import resolve

    return resolve(loaded.base, loaded.index, fact_id(value), year(year_, loaded.base))


def show(loaded: Loaded, value: object, year_: object = None, lang_: object = None) -> shapes.JSON:
    """``show ID|QUERY --json``; :class:`UnknownFactError` where nothing is clear."""
    chosen = shown_lang(lang_)
    return shapes.detail(resolved(loaded, value, year_).fact, loaded.base, chosen)


def listed(
    loaded: Loaded, pillar_: object = None, kind_: object = None, topic_: object = None,
    status_: object = None, year_: object = None,
) -> list[Fact]:  # fmt: skip
    """``list``'s facts, in file order: every fact, or those of a pillar, a kind, a
    topic (its Chinese or English name), a policy's state and a year."""
    base = loaded.base
    return base.select(
        pillar=pillar(pillar_, base), kind=kind(kind_), topic=topic(topic_),
        status=status(status_), year=year(year_, base),
    )  # fmt: skip


class Page(NamedTuple):
    """One page of a list: its rows, how many the list holds in all, and the offset
    of the next page (None on the last)."""

    facts: list[Fact]
    total: int
    next_offset: int | None


def page_of(facts: list[Fact], limit_: object = None, offset_: object = None) -> Page:
    """The page ``limit`` rows long (default and most :data:`MAX_LIMIT`) after
    ``offset`` rows."""
    rows = limit(limit_, default=MAX_LIMIT)
    start = offset(offset_)
    end = start + rows
    return Page(facts[start:end], len(facts), end if end < len(facts) else None)


def pillar_base(
    loaded: Loaded, value: object, year_: object = None, report_: object = None
) -> tuple[FactBase, int]:
    """``pillar N``'s base and pillar number: one work report's (a part is a report's,
    never several years' mixed), that of ``report`` (its title or fact file) or of
    ``year``, else the newest; :class:`UnknownPillarError` outside its pillars."""
    chosen_year = year(year_, loaded.base)
    reports = loaded.base.work_reports
    if _given(report_):
        name = _text(report_, "report", MAX_ID_LENGTH)
        named = [part for part in reports if part.is_named(name)]
        if not named:
            titles = "; ".join(f"{part.meta.title} ({part.meta.year})" for part in reports)
            raise UnknownPillarError(
                f"no loaded work report is named {quoted(name)}; work reports: {titles or 'none'}"
            )
        reports = named
    if chosen_year is not None:
        of_year = [part for part in reports if part.meta.year == chosen_year]
        if not of_year:
            with_parts = ", ".join(sorted({str(part.meta.year) for part in reports})) or "none"
            raise UnknownPillarError(
                f"no work report of {chosen_year} with parts is loaded (such reports: "
                f"{with_parts}); the figures of {chosen_year}: cqfacts list --year {chosen_year}"
            )
        reports = of_year
    base = max(reports, key=lambda part: part.meta.year) if reports else loaded.base
    return base, required_pillar(value, base)


def pillar_detail(
    loaded: Loaded, value: object, year_: object = None, report_: object = None,
    lang_: object = None,
) -> shapes.JSON:  # fmt: skip
    """``pillar N --json``."""
    chosen = shown_lang(lang_)
    return shapes.pillar(*pillar_base(loaded, value, year_, report_), chosen)


class Ranking(NamedTuple):
    by: str
    #: The year ranked (None: every year, all_years).
    year: int | None
    rows: list[Ranked]
    #: The rows the ranking holds in all, past the limit.
    total: int = 0
    #: The offset of the next page (None on the last).
    next_offset: int | None = None


def rank_year(base: FactBase) -> int:
    """The year ``rank`` ranks by default: the newest work report's (a report with
    parts), else the newest year any fact describes."""
    with_parts = [part.meta.year for part in base.work_reports]
    return max(with_parts) if with_parts else base.years[-1]


def ranked_rows(
    loaded: Loaded, by: object = None, unit_: object = None, pillar_: object = None,
    limit_: object = None, year_: object = None, all_years_: object = None,
    *, bounded: bool = True, offset_: object = None,
) -> Ranking:  # fmt: skip
    """The rows ``rank`` shows, for every front end alike: by change, or by value where
    a unit is given (``by`` change with a unit is refused); within one year (``year``,
    else :func:`rank_year`), each indicator once (its firmest figure of that year),
    unless ``all_years``."""
    from cqfacts.derive.ranking import DEFAULT_VALUE_UNIT, rank_by_change, rank_by_value

    base = loaded.base
    given_unit = None if not _given(unit_) else unit(unit_)
    chosen = rank_by(by) if _given(by) else ("value" if given_unit else "change")
    if chosen == "change" and given_unit is not None:
        raise InvalidArgumentError("a unit ranks by value; leave out by=change")
    every = flag(all_years_, "all_years")
    chosen_year = year(year_, base)
    if chosen_year is None and not every:
        chosen_year = rank_year(base)
    facts = base.select(pillar=pillar(pillar_, base), year=chosen_year)
    if not every:  # one figure per indicator: several sources of a year are one row
        firmest = {(fact.id, fact.year): base.get(fact.id, fact.year) for fact in facts}
        facts = [fact for fact in facts if firmest[fact.id, fact.year] is fact]
    rows = limit(limit_, most=MAX_LIMIT if bounded else None)
    start = offset(offset_)
    if chosen == "change":
        ranked = rank_by_change(facts)
    else:
        ranked = rank_by_value(facts, given_unit or DEFAULT_VALUE_UNIT, known=base.facts)
    end = start + rows
    following = end if end < len(ranked) else None
    return Ranking(chosen, chosen_year, ranked[start:end], len(ranked), following)


def rank(
    loaded: Loaded, by: object = None, unit_: object = None, pillar_: object = None,
    limit_: object = None, year_: object = None, all_years_: object = None,
    lang_: object = None,
) -> list[shapes.JSON]:  # fmt: skip
    """``rank --json``: figures by growth or by size."""
    return rank_page(loaded, by, unit_, pillar_, limit_, year_, all_years_, lang_)[0]


def rank_page(
    loaded: Loaded, by: object = None, unit_: object = None, pillar_: object = None,
    limit_: object = None, year_: object = None, all_years_: object = None,
    lang_: object = None, offset_: object = None,
) -> tuple[list[shapes.JSON], int, int | None]:  # fmt: skip
    """A page of :func:`rank`'s answer (the web API's): its rows, the number of rows
    in all and the offset of the next page (None on the last)."""
    chosen = shown_lang(lang_)
    ranking = ranked_rows(loaded, by, unit_, pillar_, limit_, year_, all_years_,
                          offset_=offset_)  # fmt: skip
    rows = shapes.ranked(ranking.rows, ranking.by, loaded.base, chosen)
    return rows, ranking.total, ranking.next_offset


def trend_points(loaded: Loaded, q: object) -> list[TrendPoint]:
    """One indicator in every loaded source, year by year: the fact :func:`resolved`
    names (as ``show`` does); [] where nothing matches at all, and
    :class:`UnknownFactError` with the candidates where the best match is unclear."""
    from cqfacts.derive.trend import trend

    text = query(q)
    try:
        fact = resolved(loaded, text).fact
    except UnknownFactError as unknown:
        if unknown.suggestions:
            raise
        return []
    return trend(loaded.base, fact.id)


def sources(loaded: Loaded, year_: object = None) -> list[shapes.JSON]:
    """``sources --json``: every source cited (those giving figures for a year)."""
    return shapes.sources(loaded.base, year(year_, loaded.base))


def trend(loaded: Loaded, q: object, lang_: object = None) -> list[shapes.JSON]:
    """``trend --json``: the indicator year by year ([] where nothing matches)."""
    chosen = shown_lang(lang_)
    return shapes.trend(trend_points(loaded, q), loaded.base, chosen)
