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
from dataclasses import dataclass

from cqfacts.errors import UnknownFactError
from cqfacts.fast_typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cqfacts.facts.model import Fact, FactBase
    from cqfacts.search.index import SearchIndex

#: Points by which the best match must beat the second for `show QUERY` to pick it.
#: 高新技术企业 (97.8 against 96.0 for the new certifications) is not clear;
#: "high tech enterprises total" (89.0 against 83.5) is.
CLEAR_MARGIN = 5.0
_CANDIDATES = 3
_ID_SHAPE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Resolved:
    fact: Fact
    #: True where the text was not an id and a search chose the fact.
    by_query: bool = False
    #: How the search matched it (see ``search.Match.how``); None for an id.
    how: str | None = None


def _names_its_topic(text: str, fact: Fact, base: FactBase) -> bool:
    """Whether the text is the name (Chinese, English or an alias) of the best match's
    topic: 高新技术企业 asks for the topic's headline figure, which search ranks first
    (a total before its parts), not for a choice among its facts."""
    from cqfacts.facts.normalize import fold

    topic = base.topics.get(fact.topic)
    names = [fact.topic, fact.topic_en, *(topic.aliases if topic is not None else ())]
    return fold(text) in {fold(name) for name in names}


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
        # query to guess from.
        raise UnknownFactError(text, nearest, query=text.replace("-", " "))
    from cqfacts.search.engine import search

    matches = search(base, index, text, limit=_CANDIDATES + 1, highlight=False, year=year)
    if matches:
        best, rest = matches[0], matches[1:]
        if (
            best.how == "exact"
            or not rest
            or best.score - rest[0].score >= CLEAR_MARGIN
            or _names_its_topic(text, best.fact, base)
        ):
            return Resolved(best.fact, by_query=True, how=best.how)
        nearest = [match.fact.id for match in matches[:_CANDIDATES]]
    else:  # nothing matches the words: ids that look alike would be noise
        nearest = []
    raise UnknownFactError(text, nearest, query=text)
