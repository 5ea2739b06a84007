"""From what a user typed to one fact: an id in any case, or a label or query whose
best match is clear.

"Clear" (:data:`CLEAR_MARGIN`): the best match is the query exactly (a label, an
alias), or it scores at least that many points (of about 100) above the second best.
Text shaped like an id (kebab-case) is taken as one: a near miss names the nearest ids.
Otherwise nothing is chosen for the user: :class:`UnknownFactError` lists the
candidates, best first, to pick from.
"""

from __future__ import annotations

import re

from cqfacts.errors import UnknownFactError, quoted
from cqfacts.fast_typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from cqfacts.facts.model import Fact, FactBase, Topic
    from cqfacts.search.index import SearchIndex

#: Points by which the best match must beat the second for `show QUERY` to pick it.
#: 高新技术企业 (97.8 against 96.0 for the new certifications) is not clear;
#: "high tech enterprises total" (89.0 against 83.5) is.
CLEAR_MARGIN = 5.0
_CANDIDATES = 3
_TOPIC_FIELDS = ("topic", "topic_en", "topic_alias")
_ID_SHAPE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+", re.IGNORECASE)


class Resolved(NamedTuple):
    fact: Fact
    #: True where the text was not an id and a search chose the fact.
    by_query: bool = False
    #: How the search matched it (see ``search.Match.how``); None for an id.
    how: str | None = None

    def note(self, text: str, lang: str = "zh") -> str | None:
        """What every front end says of the choice made for ``text`` (the command
        line on stderr, MCP as the answer's note); None where the text was the id."""
        fact = self.fact
        if self.how == "topic":
            names = (fact.topic_en, fact.topic) if lang == "en" else (fact.topic, fact.topic_en)
            return (
                f"{quoted(text)} names the indicator {names[0]} ({names[1]}); showing its"
                f" headline figure, {fact.id}"
            )
        if self.by_query:
            return f"{quoted(text)} is not an id; showing its clear best match, {fact.id}"
        return None


def _names_its_topic(text: str, fact: Fact, base: FactBase) -> bool:
    """Whether the text is the name (Chinese, English or an alias) of the best match's
    topic: 高新技术企业 asks for the topic's headline figure, which search ranks first
    (a total before its parts), not for a choice among its facts."""
    from cqfacts.facts.normalize import fold

    topic = base.topics.get(fact.topic)
    names = [fact.topic, fact.topic_en, *(topic.aliases if topic is not None else ())]
    return fold(text) in {fold(name) for name in names}


def _named_topic(text: str, base: FactBase) -> Topic | None:
    """The one topic whose English name the text is, in other words: every word of
    each starts a word of the other (tech contract: Technology contracts). None where
    no topic, or more than one, is named so. (Not its aliases: many name one fact.)"""
    words = _words(text)
    if not words:
        return None
    named = [topic for topic in base.topics.values() if _same_words(words, _words(topic.en))]
    return named[0] if len(named) == 1 else None


def _words(text: str) -> list[str]:
    """The words of an English name that say something, folded; none for Chinese."""
    if not text.isascii():
        return []
    return [word for word in re.split(r"[^a-z0-9&]+", text.casefold()) if word
            and word not in _STOPWORDS]  # fmt: skip


_STOPWORDS = frozenset({"a", "an", "and", "the", "of", "for", "in", "on", "to", "by"})


def _starts(word: str, other: str) -> bool:
    """One word the start of the other, three letters at least: tech, technology."""
    return (len(word) >= 3 and other.startswith(word)) or word == other


def _same_words(typed: list[str], name: list[str]) -> bool:
    return (
        bool(name)
        and all(any(_starts(w, n) or _starts(n, w) for n in name) for w in typed)
        and (all(any(_starts(w, n) or _starts(n, w) for w in typed) for n in name))
    )


def _headline(topic: Topic, base: FactBase, year: int | None) -> Fact | None:
    """The topic's headline fact (its first: a total, not a part), of ``year`` where
    given, else the latest."""
    for fact_id in topic.fact_ids:
        try:
            return base.get(fact_id, year)
        except UnknownFactError:
            continue
    return None


def _sharing_most(parts: list[str], ids: list[str]) -> list[str]:
    """The ids sharing most of an id's words (tech-contract: tech-contract-turnover,
    not high-tech-zones-count), none sharing none."""
    shared = {
        near: sum(any(_starts(part, word) or _starts(word, part) for word in near.split("-"))
                  for part in set(parts))
        for near in ids
    }  # fmt: skip
    most = max(shared.values(), default=0)
    return [near for near in ids if most and shared[near] == most]


def _shares_words(text: str, fact: Fact) -> bool:
    """Whether a candidate shares every word of an English query in its names (never
    a crude stem's: control is not contract); a Chinese query's candidates are its
    matches."""
    words = _words(text)
    if not words:
        return True
    names = [
        word
        for name in (fact.label_en, fact.topic_en, fact.id.replace("-", " "), *fact.aliases)
        for word in _words(name)
    ]
    return all(any(_starts(w, n) or _starts(n, w) for n in names) for w in words)


def resolve(base: FactBase, index: SearchIndex, text: str, year: int | None = None) -> Resolved:
    """The fact ``text`` names. Raises :class:`UnknownFactError` with the nearest ids
    (or the candidates of an unclear query) and ``query`` set to a search to run."""
    try:
        return Resolved(base.get(text, year))
    except UnknownFactError as unknown:
        if unknown.years:  # the id exists, in other years: that is the answer
            raise
        nearest = unknown.suggestions
    if _ID_SHAPE.fullmatch(text.strip()):
        # Meant as an id (kebab-case): a near miss is a typo to point out, not a
        # query to guess from; of the ids near it, those sharing most of its words.
        nearest = _sharing_most(text.strip().casefold().split("-"), nearest)
        raise UnknownFactError(text, nearest, query=text.replace("-", " "))
    from cqfacts.search.engine import search

    matches = search(base, index, text, limit=_CANDIDATES + 1, highlight=False, year=year)
    best = matches[0] if matches else None
    if best is not None and best.how == "exact" and best.field not in _TOPIC_FIELDS:
        return Resolved(best.fact, by_query=True, how="exact")  # a label or a fact's alias
    # An indicator's name, as written (高新技术企业) or in other words (tech contract),
    # asks for its headline figure: the topic's first, a total rather than a part.
    topic = _named_topic(text, base)
    if topic is None and best is not None and _names_its_topic(text, best.fact, base):
        topic = base.topics.get(best.fact.topic)
    headline = _headline(topic, base, year) if topic is not None else None
    if headline is not None:
        return Resolved(headline, by_query=True, how="topic")
    if best is not None:
        rest = matches[1:]
        if best.how == "exact" or not rest or best.score - rest[0].score >= CLEAR_MARGIN:
            return Resolved(best.fact, by_query=True, how=best.how)
        nearest = [m.fact.id for m in matches[:_CANDIDATES] if _shares_words(text, m.fact)]
    else:  # nothing matches the words: ids that look alike would be noise
        nearest = []
    raise UnknownFactError(text, nearest, query=text, as_words=True)
