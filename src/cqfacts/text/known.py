"""What the loaded reports already know about a drafted figure: the indicator whose
label or alias its subject names (:class:`Known`), whose id, topic and English label
the draft proposes; else a readable id from the subject's words
(:mod:`cqfacts.text.glossary`) and a visible TODO for the English.

Names are compared in their detection form (traditional characters folded to
simplified, full-width to ASCII, no spaces or punctuation), with a label's generic
tail (总数, 数量, 总量 …) and a change's verb (增长, 提高 …) left off, so that
高新技术企业总数, 高新技术企业 and 高新技術企業增長 name one indicator. An indicator
only matches a figure of its kind whose unit compares with its own (亿元 with 万元,
% with %); a change alone (增长3.5倍) prefers an indicator that is a change alone in
the same unit, then the indicator itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from cqfacts.facts.model import Fact
from cqfacts.facts.units import RATE_UNITS
from cqfacts.search.quantities import unit_of
from cqfacts.text.report import Report, detection_text

# A name's generic tail and a change's verb: left off both sides before comparing.
_TAIL = re.compile(
    r"(?:\([^()]*\)|(?:数量|总数|总量|总额|数|规模|水平|情况)|"
    r"(?:同比|年均)?(?:增长|增加|提高|提升|上升|下降|减少|降低|增速|增幅))+$"
)
_HEAD = re.compile(r"^(?:全市|我市|全省|我省|全区|全社会|重庆市?|其中)")
_NOISE = re.compile(r"[\s\W_]+")
# A rank's verbs: 居全国, 排名全国 and 全国排名 word one rank (not the 居 of 居民).
_RANKING = re.compile(
    r"排名|(?:位居|稳居|保持|居|位列|名列)(?=全国|全省|全市|[东中西]部|世界|全球|第|前)"
)
#: Names shorter than this match only whole (高企 is no part of 提高企业).
_PART_MIN = 4
# Scores: the whole name, then the longest name inside the subject, then the subject
# inside a name (a shorter subject: 技术合同 in 技术合同成交额).
_EXACT, _NAME_INSIDE, _SUBJECT_INSIDE = 3.0, 2.0, 1.0
_SAME_CHANGE = 0.5  # a change alone matching an indicator that is one, in its unit
# A name worded in another order: at least this many pairs, this share held.
_ALIKE_PAIRS, _ALIKE_SHARE = 4, 0.75


def _pairs(text: str) -> set[str]:
    return {text[at : at + 2] for at in range(len(text) - 1)}


def core(name: str) -> str:
    """A name as names are compared: detection form, no punctuation, no generic tail,
    change verb, leading 全市/我市 or rank's verb (排名, 居全国)."""
    folded = _RANKING.sub("", _NOISE.sub("", detection_text(name)))
    folded = _TAIL.sub("", folded) or folded
    return _HEAD.sub("", folded) or folded


# A figure over several years (十三五期间…技术合同交易额近1000亿元) is no year's: it matches
# only an indicator over a period, one whose names, id or English say so.
_PERIOD_WORDS = ("期间", "五年", "十三五")
_PERIOD_INDICATOR = re.compile(
    r"累计|期间|五年|十[三四]五|fyp|five-year|cumulative|over the period", re.IGNORECASE
)


def over_years(period: object, kind: str, unit: str | None) -> bool:
    """Whether a figure in a passage about several years (``period``: its word, 十三五
    期间 …) is a total over them: an amount or a count. A rate or a rank at the period's
    end is a level (研发投入强度2.1%, 排名全国第七位), whatever the passage."""
    return bool(period) and kind != "rank" and unit is not None and unit not in RATE_UNITS


def period_word(report: Report, offset: int) -> str | None:
    """The word saying that a figure is over several years (期间, 五年, 十三五), where its
    paragraph holds one before it."""
    paragraph = report.last_break(offset, "\n\r") + 1
    for word in _PERIOD_WORDS:
        if report.last_before(word, offset) >= paragraph:
            return word
    return None


class Indicator(NamedTuple):
    """An indicator of the loaded reports, as the draft proposes it."""

    id: str
    topic: str
    topic_en: str
    label: str
    label_en: str
    kind: str
    unit: str | None
    change_unit: str | None
    year: int | None
    names: tuple[str, ...]  # cores of its label and aliases, every year's
    period: bool = False  # a total or change over several years (十三五期间)


class Match(NamedTuple):
    indicator: Indicator
    name: str  # the label or alias it matched, as the base writes it
    how: str  # "label" or "alias"


def _family(unit: str | None) -> str | None:
    found = unit_of(unit)
    return found[0] if found else None


class Known:
    """The indicators of a fact base, by the cores of their labels and aliases."""

    def __init__(self, facts: Iterable[Fact]) -> None:
        newest: dict[str, Fact] = {}
        written: dict[str, dict[str, tuple[str, str]]] = {}  # id -> core -> (name, how)
        for fact in facts:
            if fact.kind not in ("figure", "rank", "policy") or fact.draft:
                continue
            held = newest.get(fact.id)
            if held is None or (fact.year or 0) > (held.year or 0):
                newest[fact.id] = fact
            names = written.setdefault(fact.id, {})
            for name, how in [(fact.label, "label"), *((a, "alias") for a in fact.aliases)]:
                if not name.isascii():
                    names.setdefault(core(name), (name, how))
        self._names = written
        self._answers: dict[tuple[str, str, str | None, str | None, bool], Match | None] = {}
        self.indicators = {
            fact_id: Indicator(
                fact.id,
                fact.topic,
                fact.topic_en,
                fact.label,
                fact.label_en,
                fact.kind,
                fact.unit if fact.value is not None else None,
                fact.change.unit if fact.change else None,
                fact.year,
                tuple(written[fact_id]),
                bool(_PERIOD_INDICATOR.search(" ".join((fact_id, fact.label_en, *names)))),
            )
            for fact_id, fact in newest.items()
            for names in [[name for name, _ in written[fact_id].values()]]
        }
        self._by_core: dict[str, list[str]] = {}
        for fact_id, names in written.items():
            for name in names:
                self._by_core.setdefault(name, []).append(fact_id)
        # Each name's pairs of characters, for names worded in another order
        # (综合科技创新水平全国排名 for 综合科技创新水平指数排名全国).
        self._by_pair: dict[str, list[str]] = {}
        for name in self._by_core:
            for pair in _pairs(name):
                self._by_pair.setdefault(pair, []).append(name)

    def __len__(self) -> int:
        return len(self.indicators)

    def match(
        self,
        label: str,
        kind: str,
        unit: str | None,
        change_unit: str | None,
        *,
        period: bool = False,
    ) -> Match | None:
        """The indicator a drafted figure's label names, if one does (see the module
        docstring): ``unit`` is the figure's (None for a change alone); ``period``, a
        figure in a passage about several years, which only an indicator over a period
        takes where the figure is a total (:func:`over_years`). Each question is
        answered once: a long report repeats its subjects."""
        asked = (label, kind, unit, change_unit, over_years(period, kind, unit))
        if asked not in self._answers:
            self._answers[asked] = self._match(*asked)
        return self._answers[asked]

    def _match(
        self, label: str, kind: str, unit: str | None, change_unit: str | None, period: bool
    ) -> Match | None:
        subject = core(label)
        if len(subject) < 2:
            return None
        if kind == "policy":  # a document's title names it whole, or not at all
            exact = [(_EXACT, subject)] if subject in self._by_core else []
            found = self._best(exact, kind, None, None, False)
            return None if found is None else self._answer(*found)
        scored: list[tuple[float, str]] = []
        for name, _ in self._candidates(subject):
            if name == subject:
                scored.append((_EXACT, name))
            elif name in subject:
                scored.append((_NAME_INSIDE + len(name) / 100, name))
            else:
                scored.append((_SUBJECT_INSIDE - (len(name) - len(subject)) / 100, name))
        best = self._best(scored, kind, unit, change_unit, period)
        if best is None:  # no name fits: one worded in another order may
            alike = [(share / 2, name) for share, name in self._alike(subject)]
            best = self._best(alike, kind, unit, change_unit, period)
        return None if best is None else self._answer(*best)

    def _answer(self, fact_id: str, name: str) -> Match:
        shown, how = self._names[fact_id][name]
        return Match(self.indicators[fact_id], shown, how)

    def _best(
        self,
        scored: list[tuple[float, str]],
        kind: str,
        unit: str | None,
        change_unit: str | None,
        period: bool,
    ) -> tuple[str, str] | None:
        """The best-scored indicator a figure fits (its kind, its unit, a period's
        figure an indicator over one), newest first among equals: its id and the name
        it matched by."""
        best: tuple[float, int, str, str] | None = None
        for score, name in scored:
            for fact_id in self._by_core[name]:
                indicator = self.indicators[fact_id]
                fits = self._fits(indicator, kind, unit, change_unit)
                if fits is None or (period and not indicator.period):
                    continue
                key = (score + fits, indicator.year or 0, fact_id, name)
                if best is None or key[:2] > best[:2]:
                    best = key
        return None if best is None else (best[2], best[3])

    def _candidates(self, subject: str) -> Iterable[tuple[str, list[str]]]:
        exact = self._by_core.get(subject)
        if exact:
            yield subject, exact
        # Names inside the subject (its substrings), and the subject inside names.
        for size in range(len(subject) - 1, _PART_MIN - 1, -1):
            for start in range(len(subject) - size + 1):
                part = subject[start : start + size]
                if part in self._by_core:
                    yield part, self._by_core[part]
        if len(subject) >= _PART_MIN:
            for name, fact_ids in self._by_core.items():
                if len(name) > len(subject) and subject in name:
                    yield name, fact_ids

    def _alike(self, subject: str) -> Iterable[tuple[float, str]]:
        """Names most of whose pairs of characters the subject holds, with that share."""
        held: dict[str, int] = {}
        for pair in _pairs(subject):
            for name in self._by_pair.get(pair, ()):
                held[name] = held.get(name, 0) + 1
        for name, count in held.items():
            pairs = len(_pairs(name))
            if pairs >= _ALIKE_PAIRS and count / pairs >= _ALIKE_SHARE:
                yield count / pairs, name

    @staticmethod
    def _fits(
        indicator: Indicator, kind: str, unit: str | None, change_unit: str | None
    ) -> float | None:
        """None where the figure cannot be the indicator's, else a bonus for a change
        alone that matches one."""
        if kind != indicator.kind:
            return None
        if unit is not None:
            if indicator.unit is None or _family(unit) != _family(indicator.unit):
                return None
            return 0.0
        # A change alone: the indicator's own change alone in its unit first.
        if indicator.unit is None and indicator.change_unit == change_unit:
            return _SAME_CHANGE
        if indicator.change_unit == change_unit:
            return _SAME_CHANGE / 2
        return 0.0
