"""A fact and the records nested in it, each field declared once, with its
:class:`Spec`: the fact file's checker, the JSON object, the TOML and CSV exports and
the cache's rows all derive from these declarations (see :data:`FIELDS`).

NamedTuples with ``Annotated`` fields rather than dataclasses: this module is
imported on every run of a tool judged by its start-up time, and ``dataclasses``
(with the ``inspect``, ``ast``, ``dis`` and ``tokenize`` it brings) takes about 14 ms
to import, half a lookup's own work. The annotations are evaluated here (no ``from
__future__ import annotations``), so that each field's Spec is at hand in ``__annotations__``.
"""

from cqfacts.fast_typing import Annotated, Any, NamedTuple


class Spec(NamedTuple):
    """How one field of a fact is read, checked and written."""

    #: What the fact file holds: text, texts (a list), titles (a table of texts),
    #: tables (a non-empty array of tables), number, int, kind, id, section, year,
    #: date, url, basis, or "table" (a nested record: Change …).
    type: str
    #: A key every table of its kind must have.
    required: bool = False
    #: Where the value comes from: the fact's own table ("fact"), its topic's ("topic"),
    #: the file's [meta] ("meta": the report's title) or the source the fact names
    #: ("source": a [sources.KEY] table, else the report's own [meta]).
    origin: str = "fact"
    #: One line for the JSON schema (docs/json.md).
    doc: str = ""


def _spec(type: str, doc: str, *, required: bool = False, origin: str = "fact") -> Spec:
    return Spec(type, required, origin, doc)


# A change's words for a fall, not a rise (draft's verbs for one among them): the
# value is its size. 降 and 减 alone cover 下降, 降低, 减少 and the one-character verbs.
DECREASE_WORDS = ("降", "减", "下滑", "下跌", "回落", "缩小", "负增长")
# A minus sign before the number is a fall too: 增长-3.2% (negative growth, as reports
# write it).
MINUS_SIGNS = "-−－"


class Change(NamedTuple):
    """A change the report states for a figure (a growth rate, an increase).

    One rule for its direction: ``value`` is the size as written, never negative, and
    the text's verb says which way it went (``{ value = 50, text = "下降50%" }``). The
    sign never comes from both: the fact file's check refuses a negative value.
    """

    value: Annotated[
        int | float, _spec("number", "its size as written (never negative)", required=True)
    ]
    unit: Annotated[str, _spec("text", "% or the figure's own unit", required=True)]
    text: Annotated[
        str, _spec("text", "as the report words it; its verb gives the direction", required=True)
    ]

    @property
    def is_decrease(self) -> bool:
        """Whether the text words a fall: a decrease verb, or a minus before a digit."""
        text = self.text
        return any(word in text for word in DECREASE_WORDS) or any(
            text[at] in MINUS_SIGNS and text[at + 1].isdigit() for at in range(len(text) - 1)
        )

    @property
    def size(self) -> int | float:
        """The change's size: a negative value (which a fact file may not hold, but
        code may build) counts as its size, so the sign is the verb's alone."""
        return abs(self.value)

    @property
    def signed_value(self) -> int | float:
        """The change with its direction: 下降50% is -50. Ranking and derived values
        both read this, so a fall is one thing everywhere."""
        return -self.size if self.is_decrease else self.size

    def fault(self) -> str | None:
        """Why a fact file may not hold this change (after "change "), or None."""
        if self.value >= 0:
            return None
        size = abs(self.value)
        return (
            f"value {self.value!r} is negative, and a change's value is its size, never"
            f" negative: the text's verb gives the direction (a fall: value = {size!r},"
            f' text = "下降{size!r}{self.unit}")'
        )

    def to_dict(self) -> dict[str, Any]:
        return dict(self._asdict())


#: How firm a figure is: statistics, a figure published before them (or an "over" or
#: "nearly" figure), or an estimate (预计). Declared once: checks, help and docs read it.
BASES = {
    "final": "statistics: a communiqué, a statistics bureau's or IP office's annual figures",
    "preliminary": "published before the statistics (work reports, press), or 超过/近 figures",
    "estimated": "预计 or 有望: a forecast of the year's figure",
}


class Source(NamedTuple):
    """Where a figure was published: a report's own [meta], or a ``[sources.KEY]``
    table that facts of a collection name with ``source = "KEY"``."""

    title: Annotated[str, _spec("text", "its title as published", required=True)]
    publisher: Annotated[str | None, _spec("text", "who published it")] = None
    published: Annotated[str | None, _spec("date", "when: YYYY, YYYY-MM or YYYY-MM-DD")] = None
    url: Annotated[str | None, _spec("url", "the http(s) address it was read at")] = None
    read: Annotated[str | None, _spec("date", "when we read it (YYYY-MM-DD)")] = None
    copy: Annotated[
        bool, _spec("bool", "true where the address is a site reposting the publisher's text")
    ] = False
    note: Annotated[str | None, _spec("text", "a short note on the source (our words)")] = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self._asdict())


class Status(NamedTuple):
    """What the report says was done with a policy document."""

    state: Annotated[str, _spec("state", "one of STATES", required=True)]
    text: Annotated[str, _spec("text", "the report's verb, verbatim", required=True)]

    def to_dict(self) -> dict[str, Any]:
        return dict(self._asdict())


class Meta(NamedTuple):
    """A fact file's ``[meta]``: the report it is (or the collection of sources)."""

    title: Annotated[str, _spec("text", "the report's title as published", required=True)]
    title_en: Annotated[str, _spec("text", "the title in English (our words)", required=True)]
    year: Annotated[
        int,
        _spec("year", "the year it reports on; a collection whose facts each give one omits it"),
    ]
    region: Annotated[str, _spec("text", "重庆市", required=True)]
    source: Annotated[str, _spec("text", "what the report is, in our words", required=True)]
    publisher: Annotated[str | None, _spec("text", "who published it")] = None
    published: Annotated[str | None, _spec("date", "when: YYYY, YYYY-MM or YYYY-MM-DD")] = None
    url: Annotated[str | None, _spec("url", "the http(s) address it was read at")] = None
    read: Annotated[str | None, _spec("date", "when we read it (YYYY-MM-DD)")] = None
    copy: Annotated[
        bool, _spec("bool", "true where the address is a site reposting the publisher's text")
    ] = False
    basis: Annotated[str | None, _spec("basis", "its facts' basis where a fact gives none")] = None

    def own_source(self) -> Source:
        """The report as the source of its own facts."""
        return Source(self.title, self.publisher, self.published, self.url, self.read, self.copy)


#: The keys of a ``[pillars.N]`` table (a part of a work report; N is its number).
PILLAR_KEYS: dict[str, Spec] = {
    "title": _spec("text", "the part's title as the report gives it", required=True),
    "title_en": _spec("text", "the title in English (our words)", required=True),
    "sections": _spec("titles", '{ "N.1" = "…" }: its sub-items\' titles', required=True),
    "sections_en": _spec("titles", "the same in English (some or all)"),
}
#: The keys of a ``[topics.NAME]`` table (NAME: the topic's Chinese name).
TOPIC_KEYS: dict[str, Spec] = {
    "en": _spec("text", "its English name", required=True),
    "aliases": _spec("texts", "other names it is searched by"),
    "facts": _spec("tables", "[[topics.NAME.facts]]: its facts", required=True),
}

#: Records nested in a fact, by field name: their fields are the table's keys.
NESTED: dict[str, type[Change] | type[Status] | type[Source]] = {
    "change": Change, "status": Status, "source": Source,
}  # fmt: skip


class Fact(NamedTuple):
    id: Annotated[
        str, _spec("id", "unique within a report, lowercase ASCII kebab-case", required=True)
    ]
    topic: Annotated[str, _spec("text", "the topic it is filed under (Chinese)", origin="topic")]
    topic_en: Annotated[str, _spec("text", "the topic's English name", origin="topic")]
    pillar: Annotated[
        int | None,
        _spec("pillar", "the report's part (0: its overview); null in a report without parts"),
    ]
    section: Annotated[
        str | None, _spec("section", '"4.1" is 四（一）; "0.0" the overview; null without parts')
    ]
    kind: Annotated[str, _spec("kind", "one of KINDS", required=True)]
    label: Annotated[str, _spec("text", "what it is, in Chinese (our words)", required=True)]
    label_en: Annotated[str, _spec("text", "the same in English", required=True)]
    value: Annotated[int | float | None, _spec("number", "the number as written; null if none")] = (
        None
    )
    unit: Annotated[str | None, _spec("text", "家, 亿元, %, 个百分点 …")] = None
    value_text: Annotated[
        str | None, _spec("text", "the figure or name exactly as the report writes it")
    ] = None
    qualifier: Annotated[str | None, _spec("text", "预计, 累计, 近, 超过, 余, 以上 …")] = None
    change: Annotated[Change | None, _spec("table", "{value, unit, text}: the stated change")] = (
        None
    )
    note: Annotated[str | None, _spec("text", "a short note (our words)")] = None
    aliases: Annotated[tuple[str, ...], _spec("texts", "other names it is searched by")] = ()
    status: Annotated[
        Status | None, _spec("table", "{state, text}: a policy's state (null otherwise)")
    ] = None
    draft: Annotated[bool, _spec("bool", "true until a curator has checked a drafted fact")] = False
    line: Annotated[
        int | None, _spec("position", "the line of value_text in the source, if known")
    ] = None
    column: Annotated[int | None, _spec("position", "its column (1-based), if known")] = None
    # Last, so that the JSON object only gains keys at its end.
    year: Annotated[
        int | None, _spec("year", "the year the figure describes ([meta] year unless given)")
    ] = None
    report: Annotated[
        str | None, _spec("text", "the report's title ([meta] title)", origin="meta")
    ] = None
    basis: Annotated[
        str | None, _spec("basis", "final, preliminary or estimated ([meta] basis unless given)")
    ] = None
    source: Annotated[
        Source | None,
        _spec("table", "{title, publisher, published, url, read, copy, note}: where it was "
              "published", origin="source"),
    ] = None  # fmt: skip
    former_ids: Annotated[
        tuple[str, ...],
        _spec("ids", "ids it had before a rename: show and trend still take them"),
    ] = ()

    @property
    def figure(self) -> str:
        """The figure as a reader quotes it: qualifier and text, as written."""
        text = self.value_text or ""
        if self.qualifier and self.qualifier not in text:
            text = f"{self.qualifier}{text}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The fact object of the JSON contract: every field, in declared order."""
        return {name: _json_value(getattr(self, name)) for name in FACT_KEYS}


def _json_value(value: object) -> object:
    if isinstance(value, Change | Status | Source):  # tuples too: records first
        return value.to_dict()
    if isinstance(value, tuple):
        return list(value)
    return value


def specs(record: type[Any]) -> dict[str, Spec]:
    """The declared fields of a fact or of a record nested in one."""
    return {name: hint.__metadata__[0] for name, hint in record.__annotations__.items()}


#: Every field of a fact with its declaration, in order.
FIELDS: dict[str, Spec] = specs(Fact)
#: The keys of a fact object in JSON output: a documented contract (add keys, never rename).
FACT_KEYS = tuple(FIELDS)
#: The keys a fact table in a fact file may hold, and those it must.
FILE_KEYS = tuple(name for name, spec in FIELDS.items() if spec.origin == "fact")
REQUIRED_KEYS = tuple(name for name in FILE_KEYS if FIELDS[name].required)
