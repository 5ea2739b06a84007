"""Reading and validating a fact file (TOML) into a :class:`FactBase`."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from functools import cached_property

from cqfacts.errors import FactFileError, InvalidFactFileError, Problem, quoted
from cqfacts.facts.model import (
    FIELDS,
    FILE_KEYS,
    NESTED,
    REQUIRED_KEYS,
    Change,
    Fact,
    FactBase,
    Meta,
    Pillar,
    Source,
    Spec,
    Status,
    Topic,
    specs,
)
from cqfacts.facts.records import PILLAR_KEYS, TOPIC_KEYS
from cqfacts.facts.values import (
    _MAX_NUMBER_DIGITS,
    ID_SHAPE,
    MAX_FACTS,
    MAX_PILLARS,
    MAX_SECTIONS,
    _count_fault,
    _fault,
    _is_text,
    _is_text_list,
    _length_fault,
    _text_fault,
)
from cqfacts.fast_typing import Any, NamedTuple

# A fact's id line and a topic's fact-table header, as written in the documented format.
_ID_LINE = re.compile(r"""(?m)^[ \t]*id[ \t]*=[ \t]*(?:"([^"\n]*)"|'([^'\n]*)')""")
_FACTS_HEADER = re.compile(
    r"""(?m)^[ \t]*\[\[[ \t]*topics[ \t]*\.[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|([A-Za-z0-9_-]+))"""
    r"""[ \t]*\.[ \t]*facts[ \t]*\]\]"""
)
_TOML_POSITION = re.compile(r"\((?:at line (\d+), column \d+|at end of document)\)")

_META_SPECS = specs(Meta)
_SOURCE_SPECS = specs(Source)
# A fact names its source by key (source = "KEY"); the fact's field is the record.
_FACT_KEYS = frozenset(FILE_KEYS) | {"source"}


class _FactPlace(NamedTuple):
    """Where one fact sits in the text, looked up only when a problem needs a line:
    by its id (the second fact with a duplicate id is its 2nd match) or, where the
    id is unusable, as the Nth fact table of its topic."""

    fact_id: str | None
    occurrence: int
    topic: str
    entry: int


class LineLocator:
    """Finds the line of a key or a fact in a fact file's text (TOML parsers keep no
    positions). Positions are indexed once, on the first problem that needs a line:
    a file with thousands of problems would otherwise be scanned thousands of times."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def _newlines(self) -> list[int]:
        return [found.start() for found in re.finditer("\n", self.text)]

    @cached_property
    def _id_offsets(self) -> dict[str, list[int]]:
        """Where each ``id = "…"`` line starts, by id, in file order."""
        offsets: dict[str, list[int]] = {}
        for found in _ID_LINE.finditer(self.text):
            offsets.setdefault(found[1] or found[2], []).append(found.start())
        return offsets

    @cached_property
    def _table_offsets(self) -> dict[str, list[int]]:
        """Where each ``[[topics.NAME.facts]]`` header starts, by topic, in file order."""
        offsets: dict[str, list[int]] = {}
        for found in _FACTS_HEADER.finditer(self.text):
            offsets.setdefault(found[1] or found[2] or found[3], []).append(found.start())
        return offsets

    def line_number(self, offset: int) -> int:
        return bisect_left(self._newlines, offset) + 1

    def line_of(self, needle: str) -> int | None:
        """The line a TOML key or value first appears on (tomllib keeps no positions)."""
        offset = self.text.find(needle)
        return self.line_number(offset) if offset >= 0 else None

    def fact_line(self, place: _FactPlace, field: str) -> int | None:
        """The line of a fact's key at fault, else of the fact's id or table."""
        if place.fact_id is not None:
            found, number = self._id_offsets.get(place.fact_id, []), place.occurrence
        else:
            found, number = self._table_offsets.get(place.topic, []), place.entry
        if len(found) <= number:
            return None  # an inline table, or keys quoted in ways not looked for
        start = found[number]
        # The key's own line, if it is inside the same table.
        table_start = start if place.fact_id is None else self.text.rfind("\n[", 0, start) + 1
        table_end = self.text.find("\n[", start + 1)
        table_end = len(self.text) if table_end < 0 else table_end
        key = re.escape(field.partition(".")[0])
        own = re.compile(rf"(?m)^[ \t]*(?:{key}|\"{key}\")[ \t]*=")
        match = own.search(self.text, table_start, table_end)
        return self.line_number(match.start() if match else start)


class _Checker:
    """Collects every problem of one file instead of stopping at the first."""

    def __init__(self, text: str, path: str) -> None:
        self.lines = LineLocator(text)
        self.path = path
        self.problems: list[Problem] = []
        self.id_counts: dict[str, int] = {}
        # Too many facts, pillars or sections: one problem, and nothing more is checked.
        self.oversized = False
        # The report every fact belongs to ([meta] year and title), its facts' default
        # basis and the report as their source, set by meta().
        self.year: int | None = None
        self.meta_faulty = False
        self.report: str | None = None
        self.basis: str | None = None
        self.own_source: Source | None = None
        # The file's [sources.KEY] tables, set by sources().
        self.named_sources: dict[str, Source] = {}

    def fail(self, message: str, anchor: str | None = None, *, field: str | None = None) -> None:
        """Record a problem; ``anchor`` is text near it, looked up for a line number
        only now, so a valid file is never scanned for positions."""
        line = self.lines.line_of(anchor) if anchor else None
        self.problems.append(Problem(self.path, message, line, None, field))

    def fail_fact(self, place: _FactPlace, message: str, field: str) -> None:
        """Record a problem of one fact, on the line of the key at fault."""
        if place.fact_id is None:
            message = f"a fact of topic {quoted(place.topic)}: {message}"
        line = self.lines.fact_line(place, field)
        self.problems.append(Problem(self.path, message, line, place.fact_id, field))

    def table(
        self, declared: dict[str, Spec], raw: dict[str, Any], name: str, anchor: str, field: str
    ) -> bool:
        """Check a table against its declared keys (see ``records``): each required key
        there, each key of its declared type, no unknown key. True where it holds."""
        ok = True
        for key, spec in declared.items():
            if key not in raw:
                if spec.required:
                    self.fail(f"{name} needs {key} ({spec.type})", anchor, field=f"{field}.{key}")
                    ok = False
            elif fault := _fault(spec.type, raw[key], key):
                self.fail(f"{name} {key} {fault}", anchor, field=f"{field}.{key}")
                ok = False
        for unknown in sorted(set(raw) - set(declared)):
            self.fail(f"{name}: unknown key {unknown!r}", anchor, field=f"{field}.{unknown}")
            ok = False
        return ok

    def meta(self, data: dict[str, Any]) -> dict[str, Any] | None:
        """The [meta] table's values, checked; its year may be left to the facts."""
        meta = data.get("meta")
        if not isinstance(meta, dict):
            self.fail("missing [meta] table", field="meta")
            return None
        if not self.table(_META_SPECS, meta, "[meta]", "[meta]", "meta"):
            self.meta_faulty = True  # its faults are said once, not again per fact
            return None
        self.year, self.report = meta.get("year"), meta["title"]
        self.basis = meta.get("basis")
        self.own_source = Meta(**{**meta, "year": 0}).own_source()
        return meta

    def sources(self, data: dict[str, Any]) -> dict[str, Source]:
        """The [sources.KEY] tables a collection's facts name."""
        raw = data.get("sources", {})
        if not isinstance(raw, dict):
            self.fail("sources must be [sources.KEY] tables", "sources", field="sources")
            return {}
        found: dict[str, Source] = {}
        for key, table in raw.items():
            anchor, field = f"[sources.{key}]", f"sources.{key}"
            if not isinstance(table, dict):
                self.fail(f"source {quoted(key)} must be a table", anchor, field=field)
            elif self.table(_SOURCE_SPECS, table, f"source {quoted(key)}", f'"{key}"', field):
                found[key] = Source(**table)
        return found

    def pillars(self, data: dict[str, Any]) -> dict[int, Pillar]:
        raw = data.get("pillars")
        if raw is None:  # a report without parts: a press item, a statistics release
            return {}
        if not isinstance(raw, dict) or not raw:
            self.fail("pillars must be [pillars.N] tables (or none at all)", field="pillars")
            return {}
        sections_count = sum(
            len(table["sections"])
            for table in raw.values()
            if isinstance(table, dict) and isinstance(table.get("sections"), dict)
        )
        fault = _count_fault(len(raw), "pillars", MAX_PILLARS) or _count_fault(
            sections_count, "sections", MAX_SECTIONS
        )
        if fault:
            self.fail(fault, field="pillars")
            self.oversized = True
            return {}
        pillars: dict[int, Pillar] = {}
        for key, table in raw.items():
            anchor, field = f"[pillars.{key}]", f"pillars.{key}"
            digits = key.isascii() and key.isdigit() and len(key) <= _MAX_NUMBER_DIGITS
            if not digits or not isinstance(table, dict):
                self.fail(f"pillar key {key!r} is not a number", anchor, field=field)
                continue
            if key != str(int(key)):
                # [pillars.04] is int 4 as [pillars.4] is: two tables would fold into one.
                self.fail(
                    f"pillar key {key!r} has a leading zero (write {int(key)})", anchor,
                    field=field,
                )  # fmt: skip
                continue
            # The keys as records.PILLAR_KEYS declares them, then what no type says:
            # the sections' numbering.
            self.table(PILLAR_KEYS, table, f"pillar {key}", anchor, field)
            title, title_en = table.get("title"), table.get("title_en")
            sections, sections_en = table.get("sections"), table.get("sections_en", {})
            # A part whose title is only too long still stands for its facts' checks:
            # its own fault is said once, not again for every fact placed in it.
            if not (isinstance(title, str) and isinstance(title_en, str)):
                continue
            if not isinstance(sections, dict):
                continue
            sections_en = sections_en if isinstance(sections_en, dict) else {}
            for section in sections:
                number = section[len(key) + 1 :]
                digits = number.isascii() and number.isdigit() and len(number) <= _MAX_NUMBER_DIGITS
                # 4.02 and 4.2 would both read as 四（二）.
                if not section.startswith(f"{key}.") or not digits or number != str(int(number)):
                    self.fail(
                        f"pillar {key}: section {section!r} is not of the form {key}.K"
                        " (K without leading zeros)", anchor, field=f"{field}.sections",
                    )  # fmt: skip
            for section in sections_en:
                if section not in sections:
                    self.fail(
                        f"pillar {key}: sections_en has {section!r}, which is not in sections",
                        anchor, field=f"{field}.sections_en",
                    )  # fmt: skip
            pillars[int(key)] = Pillar(int(key), title, title_en, sections, sections_en)
        return dict(sorted(pillars.items()))

    def record(self, name: str, raw: object, place: _FactPlace) -> Change | Status | Source | None:
        """A record nested in a fact (its change, its status), every fault reported."""
        record = NESTED[name]
        declared = specs(record)
        if not isinstance(raw, dict):
            keys = ", ".join(declared)
            self.fail_fact(place, f"{name} must be a table {{ {keys} }}", name)
            return None
        before = len(self.problems)
        for key, spec in declared.items():
            # A missing key reads as None: "change unit must be text, not None".
            fault = _fault(spec.type, raw.get(key), key) if key in raw or spec.required else None
            if fault:
                self.fail_fact(place, f"{name} {key} {fault}", f"{name}.{key}")
        for unknown in sorted(set(raw) - set(declared)):
            self.fail_fact(place, f"{name}: unknown key {unknown!r}", f"{name}.{unknown}")
        if len(self.problems) > before:
            return None
        made: Change | Status | Source = record(**raw)
        if isinstance(made, Change) and (fault := made.fault()):
            self.fail_fact(place, f"{name} {fault}", f"{name}.value")
            return None
        return made

    def fact(
        self,
        raw: object,
        topic: str,
        topic_en: str,
        entry: int,
        pillars: dict[int, Pillar],
        seen: set[tuple[str, object, object]],
    ) -> Fact | None:
        if not isinstance(raw, dict):
            self.fail(
                f"topic {quoted(topic)}: a fact must be a table",
                f'[topics."{topic}"',
                field=f"topics.{topic}.facts",
            )
            return None
        fact_id = raw.get("id")
        usable = fact_id if isinstance(fact_id, str) and fact_id else None
        occurrence = self.id_counts.get(usable, 0) if usable else 0
        place = _FactPlace(usable, occurrence, topic, entry)
        if usable:
            self.id_counts[usable] = occurrence + 1

        def fail(message: str, field: str) -> None:
            self.fail_fact(place, message, field)

        before = len(self.problems)
        for key in REQUIRED_KEYS:
            if key not in raw:
                fail(f"missing required key {key!r}", key)
        for key in sorted(set(raw) - _FACT_KEYS):
            fail(f"unknown key {key!r}", key)
        if isinstance(fact_id, str) and fact_id:
            if fault := _length_fault(fact_id):
                fail(f"id {fault}", "id")
            elif not ID_SHAPE.fullmatch(fact_id):
                fail("id must be lowercase ASCII kebab-case", "id")
            # An id once per year and source: a collection gives one indicator for
            # many years, and for one year from several sources.
            identity = (fact_id, raw.get("year", self.year), raw.get("source"))
            if identity in seen:
                first = self.lines.fact_line(place._replace(occurrence=0), "id")
                again = (
                    ""
                    if "year" not in raw and "source" not in raw
                    else (" for the same year and source")
                )
                fail(f"duplicate id{again} (the first fact with it is on line {first})", "id")
            seen.add(identity)
        elif "id" in raw:
            fail(f"id must be non-empty text, not {fact_id!r}", "id")
        for key in FILE_KEYS:
            fault = _fault(FIELDS[key].type, raw[key], key) if key in raw else None
            if fault:
                fail(f"{key} {fault}", key)
        self._place_faults(raw, pillars, fail)
        if "source" in raw and raw["source"] not in self.named_sources:
            named = raw["source"]
            known = ", ".join(map(quoted, self.named_sources)) or "none"
            fail(f"source {named!r} is not a [sources.KEY] table (known: {known})", "source")
        if "year" not in raw and self.year is None and not self.meta_faulty:
            fail("year is needed: [meta] gives none", "year")
        if "value" in raw:
            for needed in ("unit", "value_text"):
                if needed not in raw:
                    fail(f"a value needs {needed}", needed)
        # A figure may be a change alone, where the report gives no level (增长34.4%).
        if "change" in raw and "value" not in raw and raw.get("kind") != "figure":
            fail("a change needs a value to change", "change")
        records = {
            name: self.record(name, raw[name], place)
            for name in NESTED
            if name in raw and FIELDS[name].origin == "fact"
        }
        if len(self.problems) > before:
            return None
        values = {key: raw[key] for key in FILE_KEYS if key in raw and key not in NESTED}
        for listed in ("aliases", "former_ids"):
            if listed in values:
                values[listed] = tuple(values[listed])
        values.setdefault("pillar", None)
        values.setdefault("section", None)
        values.setdefault("year", self.year)
        values.setdefault("basis", self.basis)
        source = self.named_sources[raw["source"]] if "source" in raw else self.own_source
        return Fact(
            **values, **records, topic=topic, topic_en=topic_en,  # type: ignore[arg-type]
            report=self.report, source=source,
        )  # fmt: skip

    @staticmethod
    def _place_faults(
        raw: dict[str, Any], pillars: dict[int, Pillar], fail: Callable[[str, str], None]
    ) -> None:
        """A fact's pillar must exist, and its section be one of that pillar's."""
        pillar, section = raw.get("pillar"), raw.get("section")
        if not pillars:
            for key in ("pillar", "section"):
                if key in raw:
                    fail(f"{key}: the report has no parts ([pillars.N] tables)", key)
            return
        for key in ("pillar", "section"):
            if key not in raw:
                fail(f"missing required key {key!r} (the report has parts)", key)
        pillar_known = (
            isinstance(pillar, int) and not isinstance(pillar, bool) and pillar in pillars
        )
        if "section" in raw and not isinstance(section, str):
            fail(f'section must be text such as "4.1", not {section!r}', "section")
        if "pillar" in raw and not pillar_known:
            fail(f"pillar {pillar!r} does not exist (known: {sorted(pillars)})", "pillar")
        elif pillar_known and isinstance(section, str) and section not in pillars[pillar].sections:  # type: ignore[index]
            known = ", ".join(pillars[pillar].sections)  # type: ignore[index]
            fail(f"section {section!r} is not in pillar {pillar} ({known})", "section")

    def topics(
        self, data: dict[str, Any], pillars: dict[int, Pillar]
    ) -> tuple[dict[str, Topic], list[Fact]]:
        raw = data.get("topics")
        if not isinstance(raw, dict) or not raw:
            self.fail("missing [topics.NAME] tables", field="topics")
            return {}, []
        count = sum(
            len(table["facts"])
            for table in raw.values()
            if isinstance(table, dict) and isinstance(table.get("facts"), list)
        )
        if fault := _count_fault(count, "facts", MAX_FACTS):
            # Checked before any fact, which would only cost time.
            self.fail(fault, field="topics")
            self.oversized = True
            return {}, []
        topics: dict[str, Topic] = {}
        facts: list[Fact] = []
        seen: set[tuple[str, object, object]] = set()
        for name, table in raw.items():
            anchor, field = f'[topics."{name}"', f"topics.{name}"
            if not isinstance(table, dict):
                self.fail(f"topic {quoted(name)} must be a table", anchor, field=field)
                continue
            if not _is_text(name):
                self.fail(f"topic name {_text_fault(name)}", anchor, field=field)
            elif fault := _length_fault(name):
                self.fail(f"topic name {fault}", anchor, field=field)
            # The keys as records.TOPIC_KEYS declares them; its facts are read even
            # where its name or aliases are at fault, so that theirs are said too.
            self.table(TOPIC_KEYS, table, f"topic {quoted(name)}", anchor, field)
            en, aliases, entries = table.get("en"), table.get("aliases", []), table.get("facts")
            en = en if _is_text(en) else ""
            aliases = aliases if _is_text_list(aliases) else []
            if not isinstance(entries, list) or not entries:
                continue
            topic_facts = [
                self.fact(raw_fact, name, en, number, pillars, seen)
                for number, raw_fact in enumerate(entries)
            ]
            kept = [fact for fact in topic_facts if fact is not None]
            facts.extend(kept)
            topics[name] = Topic(name, en, tuple(aliases), tuple(f.id for f in kept))
        self.former_ids(facts)
        return topics, facts

    def former_ids(self, facts: list[Fact]) -> None:
        """A former id names one fact, and no fact has it as its id: `show OLD-ID`
        must have one answer."""
        current = {fact.id for fact in facts}
        owners: dict[str, str] = {}
        for fact in facts:
            place = _FactPlace(fact.id, 0, fact.topic, 0)
            for former in fact.former_ids:
                if former in current:
                    message = f"former id {former!r} is the id of a fact"
                    self.fail_fact(place, message, "former_ids")
                elif owners.setdefault(former, fact.id) != fact.id:
                    message = f"former id {former!r} is also {owners[former]!r}'s"
                    self.fail_fact(place, message, "former_ids")


def parse_fact_file(text: str, path: str) -> FactBase:
    """Parse and validate a fact file's text; raise :class:`FactFileError` listing every fault."""
    # Only needed when the cache cannot answer. tomli is tomllib compiled with
    # mypyc: 2.5 times faster on a large fact file.
    try:
        import tomli as toml
    except ImportError:  # pragma: no cover - tomli is a dependency
        import tomllib as toml  # type: ignore[no-redef]

    checker = _Checker(text, path)
    try:
        data = toml.loads(text)
    except toml.TOMLDecodeError as error:
        position = _TOML_POSITION.search(str(error))
        # Errors at the very end ("at end of document") name no line: the last one.
        line = int(position[1]) if position and position[1] else text.count("\n") + 1
        message = _TOML_POSITION.sub("", str(error)).strip()
        raise FactFileError([Problem(path, f"TOML syntax error: {message}", line)]) from None
    except RecursionError:  # arrays nested thousands deep
        message = "TOML nested too deeply to read"
        raise FactFileError([Problem(path, message, None)]) from None
    except ValueError:  # int() refuses more than 4,300 digits
        found = re.search(r"\d{4000,}", text)
        where = text.count("\n", 0, found.start()) + 1 if found else None
        message = "TOML syntax error: a number too long to read"
        raise FactFileError([Problem(path, message, where)]) from None
    meta = checker.meta(data)
    checker.named_sources = checker.sources(data)
    pillars = checker.pillars(data)
    if checker.oversized:
        raise InvalidFactFileError(checker.problems)
    topics, facts = checker.topics(data, pillars)
    for unknown in sorted(set(data) - {"meta", "sources", "pillars", "topics"}):
        checker.fail(f"unknown top-level table {unknown!r}", unknown, field=unknown)
    if checker.problems or meta is None:
        raise InvalidFactFileError(checker.problems)
    # A collection's [meta] gives no year: it stands for the newest its facts describe.
    year = meta.get("year") or max(fact.year or 0 for fact in facts)
    return FactBase(
        meta=Meta(**{**meta, "year": year}), pillars=pillars, topics=topics,
        facts=tuple(facts), path=path,
    )  # fmt: skip
