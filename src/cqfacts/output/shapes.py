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


def facts(items: Iterable[Fact]) -> list[JSON]:
    return [item.to_dict() for item in items]


def search_results(matches: Sequence[Match]) -> list[JSON]:
    """Fact objects, best first, each with its ``score``, how it ``match``-ed and the
    ``years`` its indicator has (with several years loaded; else [])."""
    return [
        {**match.fact.to_dict(), "score": match.score,
         "match": {"field": match.field, "how": match.how}, "years": list(match.years)}
        for match in matches
    ]  # fmt: skip


def detail(item: Fact, base: FactBase) -> JSON:
    """The ``show`` object: the fact, where it stands, its citations and the previous
    value derived from its change (``null`` where none can be)."""
    from cqfacts.derive import cite

    previous = cite.previous_value(item)
    return {
        **item.to_dict(),
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


def pillar(base: FactBase, number: int) -> JSON:
    """The ``pillar N`` object: the summary and every fact of the pillar."""
    return {**pillar_summary(base, number), "facts": facts(base.facts_in(number))}


def pillars(base: FactBase) -> list[JSON]:
    return [pillar_summary(base, number) for number in base.pillars]


def ranked(rows: Sequence[Ranked], by: str) -> list[JSON]:
    """Fact objects in rank order, each with ``rank``: by, value, unit, converted."""
    return [{**row.fact.to_dict(), "rank": {"by": by, **row.to_dict()}} for row in rows]


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


def trend(points: Sequence[TrendPoint]) -> list[JSON]:
    """The ``trend`` array, one point per source per year, oldest year first: the
    fact, its value in the series' unit, the previous year's value derived from its
    change beside the one stated for that year (``null`` where none is loaded), their
    difference in percent and whether it is over 1%, and the flags a reader must
    see (``sources-disagree``, ``estimate-contradicted``)."""
    return [
        {
            "year": point.fact.year,
            "report": point.fact.report,
            "fact": point.fact.to_dict(),
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
        for point in points
    ]


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


def cited(result: object, items: Iterable[Fact], base: FactBase) -> JSON:
    """An answer for an AI assistant (the MCP server): the CLI's object as it is, and
    the citation of each fact in it, so that a figure is quoted, not paraphrased."""
    from cqfacts.derive import cite

    return {
        "result": result,
        "citations": [
            {
                "id": item.id,
                "citation": cite.citation(item, base, "zh"),
                "citation_en": cite.citation(item, base, "en"),
            }
            for item in items
        ],
    }
