"""Every documented JSON shape, built here once.

The CLI's ``--json``, the web API and the MCP server all print these objects, so they
can never disagree. Each function returns plain dicts and lists of JSON types; the
docs/json.md documents them, and tests check their exact key sets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cqfacts.facts.model import Fact, FactBase
from cqfacts.fast_typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # types only: the modules load where their functions are called
    from cqfacts.derive.ranking import Ranked
    from cqfacts.derive.trend import TrendPoint
    from cqfacts.errors import Problem
    from cqfacts.search.engine import Match
    from cqfacts.store.cache import Entry

JSON = dict[str, Any]


def fact(item: Fact) -> JSON:
    """The fact object: every declared field of a fact (see ``model.Fact``)."""
    return item.to_dict()


def facts(
    items: Iterable[Fact], base: FactBase | None = None, lang: str | None = None
) -> list[JSON]:
    return [_fact(item, base, lang) for item in items]


#: The kinds whose value is a figure to show large; the others' value_text is a name
#: (an event, a policy's title), shown as the report words it, never as a figure.
FIGURE_KINDS = ("figure", "rank")


def shown(item: Fact, base: FactBase, lang: str) -> JSON:
    """The fact as a reader sees it in one language, every text in that language (the
    English derived for display, as the CLI's tables show it): ``label``, ``topic``,
    ``figure`` (``null`` for a name: an event, a policy), ``name`` (the report's own
    words where no figure is shown), ``change``, ``status``, ``where`` and ``previous``
    (``null`` where the fact has none). What the web page draws with ``lang``."""
    from cqfacts.derive import cite, english

    en = lang == "en"
    figure: str | None = None
    if item.kind in FIGURE_KINDS and (item.value is not None or not en):
        figure = english.figure(item) if en else item.figure
    derived = cite.previous_value(item)
    previous = None
    if derived is not None:
        amount = english.number(derived.value, grouped=False) + derived.unit
        previous = english.previous(derived) if en else f"≈{amount}（{derived.method}）"
    status = None
    if item.status is not None:
        status = item.status.state if en else item.status.text
    return {
        "label": item.label_en if en else item.label,
        "topic": item.topic_en if en else item.topic,
        "figure": figure or None,
        "name": None if figure else (item.figure or None),
        "change": cite.change_text(item, lang) or None,
        "status": status,
        "where": cite.where(item, lang, base) or None,
        "previous": previous,
    }


def _fact(item: Fact, base: FactBase | None, lang: str | None) -> JSON:
    """The fact object, with ``shown`` where a language is asked for (the web API's
    ``lang``); the command line's JSON never has it."""
    if lang is None or base is None:
        return item.to_dict()
    return {**item.to_dict(), "shown": shown(item, base, lang)}


def fact_page(items: Sequence[JSON], count: int, next_url: str | None) -> JSON:
    """A page of a list (the web API's ``/api/facts``): ``count`` the facts the filters
    keep in all, ``next`` the address of the next page (``null`` on the last), and
    this page's ``facts``."""
    return {"count": count, "next": next_url, "facts": list(items)}


def search_results(
    matches: Sequence[Match], base: FactBase | None = None, lang: str | None = None
) -> list[JSON]:
    """Fact objects, best first, each with its ``score``, how it ``match``-ed and the
    ``years`` its indicator has (with several years loaded; else [])."""
    return [
        {**_fact(match.fact, base, lang), "score": match.score,
         "match": {"field": match.field, "how": match.how}, "years": list(match.years)}
        for match in matches
    ]  # fmt: skip


def detail(item: Fact, base: FactBase, lang: str | None = None) -> JSON:
    """The ``show`` object: the fact, where it stands, its citations and the previous
    value derived from its change (``null`` where none can be)."""
    from cqfacts.derive import cite

    previous = cite.previous_value(item)
    return {
        **_fact(item, base, lang),
        "where": cite.where(item, "zh", base),
        "citation": cite.citation(item, base, "zh"),
        "citation_en": cite.citation(item, base, "en"),
        "previous": previous.to_dict() if previous else None,
        # Every year whose report holds this id (with several reports loaded).
        "years": base.years_of(item.id),
        # Every source's figure for every year, oldest first ([] for one alone).
        "series": series(base, item.id),
    }


def series(base: FactBase, fact_id: str) -> list[JSON]:
    """An indicator's points, one per source per year, oldest first: what ``show``
    lists under a fact that several years or sources give ([] where one does)."""
    points = base.points(fact_id)
    if len(points) < 2:
        return []
    return [
        {"year": point.year, "value": point.value, "unit": point.unit,
         "value_text": point.value_text, "qualifier": point.qualifier, "basis": point.basis,
         "draft": point.draft, "source": point.source.to_dict() if point.source else None}
        for point in points
    ]  # fmt: skip


def sources(base: FactBase, year: int | None = None) -> list[JSON]:
    """``cqfacts sources``: every source the loaded facts cite (those giving figures
    for ``year``, where given), newest publication first: its title, publisher, date
    and address, the years it gives figures for, and how many facts (and drafts) cite
    it."""
    found: dict[tuple[str, str | None], dict[str, Any]] = {}
    for fact in base.facts:
        if year is not None and fact.year != year:
            continue
        source = fact.source
        title = source.title if source else (fact.report or "")
        entry = found.setdefault(
            (title, source.url if source else None),
            {**(source.to_dict() if source else {"title": title}), "report": fact.report,
             "years": set(), "facts": 0, "drafts": 0},
        )  # fmt: skip
        entry["facts"] += 1
        entry["drafts"] += fact.draft
        if fact.year is not None:
            entry["years"].add(fact.year)
    listed = [{**entry, "years": sorted(entry["years"])} for entry in found.values()]
    return sorted(listed, key=lambda entry: str(entry.get("published") or ""), reverse=True)


def pillar_summary(base: FactBase, number: int) -> JSON:
    """One pillar: its titles, its sections with their fact counts, its fact count."""
    chosen = base.pillars[number]
    in_pillar = base.facts_in(number)
    return {
        "pillar": number,
        "title": chosen.title,
        "title_en": chosen.title_en,
        "sections": [
            {
                "section": section,
                "title": title,
                "title_en": chosen.sections_en.get(section),
                "fact_count": sum(item.section == section for item in in_pillar),
            }
            for section, title in chosen.sections.items()
        ],
        "fact_count": len(in_pillar),
    }


def pillar(base: FactBase, number: int, lang: str | None = None) -> JSON:
    """The ``pillar N`` object: the summary and every fact of the pillar."""
    return {**pillar_summary(base, number), "facts": facts(base.facts_in(number), base, lang)}


def pillars(base: FactBase) -> list[JSON]:
    return [pillar_summary(base, number) for number in base.pillars]


def ranked(
    rows: Sequence[Ranked], by: str, base: FactBase | None = None, lang: str | None = None
) -> list[JSON]:
    """Fact objects in rank order, each with ``rank``: by, value, unit, converted; with
    a language, ``shown`` holds the ranked amount too (``shown.rank``)."""
    listed = []
    for row in rows:
        item = {**_fact(row.fact, base, lang), "rank": {"by": by, **row.to_dict()}}
        if "shown" in item:
            item["shown"]["rank"] = _amount(row.value, row.unit, lang)
        listed.append(item)
    return listed


def _amount(value: float, unit: str, lang: str | None) -> str:
    from cqfacts.derive import english

    if lang == "en":
        return english.amount(value, unit)
    return f"{english.number(value, grouped=False)}{unit}"


def unit_name(unit: str | None, lang: str) -> str | None:
    """A unit as a chart's axis names it: 亿元, or in English CNY 100 million; ``null``
    for a count whose thing the label names (家, 人: no English word)."""
    from cqfacts.derive import english
    from cqfacts.facts.units import ENGLISH_NOUNS, MONEY

    if unit is None or lang != "en":
        return unit
    if unit in MONEY:
        return english.amount(1, unit)
    if unit in ENGLISH_NOUNS:
        return ENGLISH_NOUNS[unit].strip(" -") or None
    return unit


def topics(base: FactBase) -> list[JSON]:
    return [
        {
            "topic": topic.name,
            "en": topic.en,
            "aliases": list(topic.aliases),
            "fact_count": len(topic.fact_ids),
            "fact_ids": list(topic.fact_ids),
        }
        for topic in base.topics.values()
    ]


def validation(
    path: str, fact_count: int, problems: Sequence[Problem], draft_count: int = 0
) -> JSON:
    return {
        "path": path,
        "valid": not problems,
        "facts": fact_count,
        "drafts": draft_count,
        "problems": [
            {"line": p.line, "fact": p.fact, "field": p.field, "message": p.message}
            for p in problems
        ],
    }


def trend(
    points: Sequence[TrendPoint], base: FactBase | None = None, lang: str | None = None
) -> list[JSON]:
    """The ``trend`` array, one point per source per year, oldest year first: the
    fact, its value in the series' unit, the previous year's value derived from its
    change beside the one stated for that year (``null`` where none is loaded), their
    difference in percent and whether it is over 1%, and the flags a reader must
    see (``sources-disagree``, ``estimate-contradicted``). With a language, ``shown``
    holds the value and the unit as a chart names them."""
    listed = []
    for point in points:
        item: JSON = {
            "year": point.fact.year,
            "report": point.fact.report,
            "fact": _fact(point.fact, base, lang),
            "derived_previous": point.derived_previous.to_dict()
            if point.derived_previous
            else None,
            "stated_previous": _stated(point.stated_previous),
            "difference": None if point.difference is None else round(point.difference, 4),
            "disagrees": point.disagrees,
            "value": point.value,
            "unit": point.unit,
            "flags": [
                {
                    "kind": flag.kind,
                    "text": flag.text,
                    "text_en": flag.text_en,
                    "other": _stated(flag.other),
                }
                for flag in point.flags
            ],
        }
        if lang is not None and base is not None:
            value = point.value
            item["shown"] = {
                "value": None if value is None or point.unit is None
                else _amount(value, point.unit, lang),
                "unit": unit_name(point.unit, lang),
            }  # fmt: skip
        listed.append(item)
    return listed


def _stated(item: Fact | None) -> JSON | None:
    if item is None:
        return None
    source = item.source
    return {"value": item.value, "unit": item.unit, "value_text": item.value_text,
            "year": item.year, "basis": item.basis,
            "source": source.title if source else item.report}  # fmt: skip


def cache_listing(
    directory: str | None, entries: Sequence[Entry], *, usable: bool, warning: str | None,
    removed: int = 0,
) -> JSON:  # fmt: skip
    """``cache --json``: where the cache is, whether it is used, what it holds."""
    return {
        "directory": directory,
        "usable": usable,
        "warning": warning,
        "entries": [
            {"name": entry.name, "bytes": entry.size, "modified": entry.modified}
            for entry in entries
        ],
        "bytes": sum(entry.size for entry in entries),
        "removed": removed,
    }


def error(message: str, status: int) -> JSON:
    """What the web API answers with for a request it cannot serve."""
    return {"error": message, "status": status}


def cited(result: object, items: Iterable[Fact], base: FactBase, note: str | None = None) -> JSON:
    """An answer for an AI assistant (the MCP server): the CLI's object as it is, the
    citation of each fact in it, so that a figure is quoted, not paraphrased (and
    whether it is an unchecked ``draft``), and a ``note`` on how the answer was chosen
    (what the CLI says on stderr; ``null`` where nothing needs saying)."""
    from cqfacts.derive import cite

    return {
        "result": result,
        "note": note,
        "citations": [
            {
                "id": item.id,
                # Unchecked: the assistant must say so (the citations say it too).
                "draft": item.draft,
                "citation": cite.citation(item, base, "zh"),
                "citation_en": cite.citation(item, base, "en"),
            }
            for item in items
        ],
    }
