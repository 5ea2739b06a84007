"""Reading and validating a fact file (TOML) into a :class:`FactBase`."""

from __future__ import annotations

import re
from typing import Any

from cqfacts.errors import FactFileError, Problem
from cqfacts.model import KINDS, Change, Fact, FactBase, Meta, Pillar, Topic

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")

_META_KEYS = {"title": str, "title_en": str, "year": int, "region": str, "source": str}
_FACT_REQUIRED = ("id", "pillar", "section", "kind", "label", "label_en")
_FACT_TEXT_KEYS = ("label", "label_en", "unit", "value_text", "qualifier", "note")
_FACT_KEYS = frozenset(
    (*_FACT_REQUIRED, "value", "unit", "value_text", "qualifier", "change", "note", "aliases")
)
_TOPIC_KEYS = frozenset(("en", "aliases", "facts"))
_PILLAR_KEYS = frozenset(("title", "title_en", "sections", "sections_en"))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_text_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) and item for item in value)


class _Checker:
    """Collects every problem of one file instead of stopping at the first."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.problems: list[Problem] = []
        # Equal texts become one object: marshal then caches each once, not per fact.
        self.shared: dict[object, object] = {}

    def share(self, value):  # type: ignore[no-untyped-def]
        return value if value is None else self.shared.setdefault(value, value)

    def fail(self, message: str, anchor: str | None = None) -> None:
        """Record a problem; ``anchor`` is text near it, looked up for a line number
        only now, so a valid file is never scanned for positions."""
        line = self.line_of(anchor) if anchor else None
        self.problems.append(Problem(self.path, message, line))

    def line_of(self, needle: str) -> int | None:
        """The line a TOML key or value first appears on (tomllib keeps no positions)."""
        offset = self.text.find(needle)
        return self.text.count("\n", 0, offset) + 1 if offset >= 0 else None

    def meta(self, data: dict[str, Any]) -> Meta | None:
        meta = data.get("meta")
        if not isinstance(meta, dict):
            self.fail("missing [meta] table")
            return None
        ok = True
        for key, kind in _META_KEYS.items():
            if not isinstance(meta.get(key), kind) or isinstance(meta.get(key), bool):
                self.fail(f"[meta] needs {key} ({kind.__name__})", "[meta]")
                ok = False
        return Meta(**{key: meta[key] for key in _META_KEYS}) if ok else None

    def pillars(self, data: dict[str, Any]) -> dict[int, Pillar]:
        raw = data.get("pillars")
        if not isinstance(raw, dict) or not raw:
            self.fail("missing [pillars.N] tables")
            return {}
        pillars: dict[int, Pillar] = {}
        for key, table in raw.items():
            anchor = f"[pillars.{key}]"
            if not key.isdigit() or not isinstance(table, dict):
                self.fail(f"pillar key {key!r} is not a number", anchor)
                continue
            for unknown in sorted(set(table) - _PILLAR_KEYS):
                self.fail(f"pillar {key}: unknown key {unknown!r}", anchor)
            title, title_en = table.get("title"), table.get("title_en")
            sections, sections_en = table.get("sections"), table.get("sections_en", {})
            if not isinstance(title, str) or not isinstance(title_en, str):
                self.fail(f"pillar {key} needs title and title_en (text)", anchor)
                continue
            if not isinstance(sections, dict) or not all(
                isinstance(v, str) for v in sections.values()
            ):
                self.fail(f'pillar {key} needs sections = {{ "{key}.1" = "…" }}', anchor)
                continue
            if not isinstance(sections_en, dict):
                self.fail(f"pillar {key}: sections_en must be a table", anchor)
                sections_en = {}
            for section in sections:
                if not section.startswith(f"{key}.") or not section[len(key) + 1 :].isdigit():
                    self.fail(f"pillar {key}: section {section!r} is not of the form P.K", anchor)
            pillars[int(key)] = Pillar(int(key), title, title_en, sections, sections_en)
        return dict(sorted(pillars.items()))

    def change(self, raw: object, where: str, anchor: str | None) -> Change | None:
        if not isinstance(raw, dict):
            self.fail(f"{where}: change must be a table {{ value, unit, text }}", anchor)
            return None
        value, unit, text = raw.get("value"), raw.get("unit"), raw.get("text")
        problems = []
        if not _is_number(value):
            problems.append("value must be a number")
        if not isinstance(unit, str) or not unit:
            problems.append("unit must be text")
        if not isinstance(text, str) or not text:
            problems.append("text must be text")
        if set(raw) - {"value", "unit", "text"}:
            problems.append(f"unknown keys {sorted(set(raw) - {'value', 'unit', 'text'})}")
        for problem in problems:
            self.fail(f"{where}: change {problem}", anchor)
        if problems:
            return None
        return Change(value, self.share(unit), self.share(text))  # type: ignore[arg-type]

    def fact(
        self, raw: object, topic: str, topic_en: str, pillars: dict[int, Pillar], seen: set[str]
    ) -> Fact | None:
        if not isinstance(raw, dict):
            self.fail(f"topic {topic!r}: a fact must be a table")
            return None
        fact_id = raw.get("id")
        where = f"fact {fact_id!r}" if isinstance(fact_id, str) else f"a fact of topic {topic!r}"
        anchor = f'"{fact_id}"' if isinstance(fact_id, str) else None
        before = len(self.problems)
        for key in _FACT_REQUIRED:
            if key not in raw:
                self.fail(f"{where}: missing required key {key!r}", anchor)
        for key in sorted(set(raw) - _FACT_KEYS):
            self.fail(f"{where}: unknown key {key!r}", anchor)
        if isinstance(fact_id, str):
            if not _ID.match(fact_id):
                self.fail(f"{where}: id must be lowercase ASCII kebab-case", anchor)
            if fact_id in seen:
                self.fail(f"{where}: duplicate id", anchor)
            seen.add(fact_id)
        elif "id" in raw:
            self.fail(f"{where}: id must be text", anchor)
        for key in _FACT_TEXT_KEYS:
            if key in raw and (not isinstance(raw[key], str) or not raw[key].strip()):
                self.fail(f"{where}: {key} must be non-empty text", anchor)
        pillar, section = raw.get("pillar"), raw.get("section")
        pillar_known = (
            isinstance(pillar, int) and not isinstance(pillar, bool) and pillar in pillars
        )
        if "pillar" in raw and not pillar_known:
            self.fail(
                f"{where}: pillar {pillar!r} does not exist (known: {sorted(pillars)})", anchor
            )
        elif (
            isinstance(pillar, int)
            and pillar_known
            and "section" in raw
            and section not in pillars[pillar].sections
        ):
            known = ", ".join(pillars[pillar].sections)
            self.fail(f"{where}: section {section!r} is not in pillar {pillar} ({known})", anchor)
        if "kind" in raw and raw["kind"] not in KINDS:
            self.fail(f"{where}: kind {raw['kind']!r} is not one of {', '.join(KINDS)}", anchor)
        if "value" in raw:
            if not _is_number(raw["value"]):
                self.fail(f"{where}: value must be a number, not {raw['value']!r}", anchor)
            for needed in ("unit", "value_text"):
                if needed not in raw:
                    self.fail(f"{where}: a value needs {needed}", anchor)
        if "aliases" in raw and not _is_text_list(raw["aliases"]):
            self.fail(f"{where}: aliases must be a list of non-empty texts", anchor)
        change = self.change(raw["change"], where, anchor) if "change" in raw else None
        if len(self.problems) > before:
            return None
        share = self.share
        return Fact(
            id=raw["id"],
            topic=share(topic),
            topic_en=share(topic_en),
            pillar=raw["pillar"],
            section=share(raw["section"]),
            kind=share(raw["kind"]),
            label=share(raw["label"]),
            label_en=share(raw["label_en"]),
            value=raw.get("value"),
            unit=share(raw.get("unit")),
            value_text=share(raw.get("value_text")),
            qualifier=share(raw.get("qualifier")),
            change=change,
            note=share(raw.get("note")),
            aliases=share(tuple(share(alias) for alias in raw.get("aliases", ()))),
        )

    def topics(
        self, data: dict[str, Any], pillars: dict[int, Pillar]
    ) -> tuple[dict[str, Topic], list[Fact]]:
        raw = data.get("topics")
        if not isinstance(raw, dict) or not raw:
            self.fail("missing [topics.NAME] tables")
            return {}, []
        topics: dict[str, Topic] = {}
        facts: list[Fact] = []
        seen: set[str] = set()
        for name, table in raw.items():
            anchor = f'[topics."{name}"]'
            if not isinstance(table, dict):
                self.fail(f"topic {name!r} must be a table", anchor)
                continue
            for unknown in sorted(set(table) - _TOPIC_KEYS):
                self.fail(f"topic {name!r}: unknown key {unknown!r}", anchor)
            en, aliases, entries = table.get("en"), table.get("aliases", []), table.get("facts")
            if not isinstance(en, str) or not en.strip():
                self.fail(f"topic {name!r} needs en (its English name)", anchor)
                en = ""
            if not _is_text_list(aliases):
                self.fail(f"topic {name!r}: aliases must be a list of non-empty texts", anchor)
                aliases = []
            if not isinstance(entries, list) or not entries:
                self.fail(f"topic {name!r} has no [[topics.{name!r}.facts]]", anchor)
                continue
            topic_facts = [self.fact(entry, name, en, pillars, seen) for entry in entries]
            kept = [fact for fact in topic_facts if fact is not None]
            facts.extend(kept)
            share = self.share
            topics[name] = Topic(
                name, share(en), share(tuple(map(share, aliases))), tuple(f.id for f in kept)
            )
        return topics, facts


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
        line = int(position.group(1)) if position else None
        message = _TOML_POSITION.sub("", str(error)).strip()
        raise FactFileError([Problem(path, f"TOML syntax error: {message}", line)]) from None
    meta = checker.meta(data)
    pillars = checker.pillars(data)
    topics, facts = checker.topics(data, pillars)
    for unknown in sorted(set(data) - {"meta", "pillars", "topics"}):
        checker.fail(f"unknown top-level table {unknown!r}", unknown)
    if checker.problems or meta is None:
        raise FactFileError(checker.problems)
    return FactBase(meta=meta, pillars=pillars, topics=topics, facts=tuple(facts), path=path)
