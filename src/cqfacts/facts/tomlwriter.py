"""The one TOML writer: a fact base as a fact file, which loads back to the same
facts. ``export --format toml`` writes a loaded report with it, ``draft`` a drafted
one (with a header comment and a banner per pillar for the curator).

Keys follow :data:`cqfacts.facts.records.FILE_KEYS`; a fact's key holding its default
(null, false, an empty list, or the year and basis its ``[meta]`` gives) is left out,
as TOML has no null. A fact whose source is not the report itself names a
``[sources.KEY]`` table written before the pillars."""

from __future__ import annotations

from collections.abc import Iterable
from json.encoder import encode_basestring

from cqfacts.errors import InvalidArgumentError
from cqfacts.facts.model import FILE_KEYS, Fact, FactBase, Pillar
from cqfacts.facts.records import Meta, Source, specs


def _string(text: str) -> str:
    """A TOML basic string. JSON's escapes are TOML's, \\uXXXX included; TOML also
    forbids a raw DEL, which JSON leaves as it is. json's own string encoder (what
    json.dumps calls, less a call's set-up, a third of writing a long draft)."""
    return str(encode_basestring(text)).replace("\x7f", "\\u007f")


def _value(value: object) -> str:
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items())
        return "{ " + items + " }" if items else "{}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _key(key: str) -> str:
    """A bare key where TOML takes one (ASCII letters, digits, _ and -), else quoted."""
    return (
        key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else _string(key)
    )


_RULE = "# " + "-" * 75


def _banner(title: str) -> list[str]:
    """A comment heading a part of the file, as the shipped facts.toml has them."""
    return ["", _RULE, f"# {title}", _RULE]


def _pillar_lines(pillar: Pillar) -> list[str]:
    return [
        "",
        f"[pillars.{pillar.number}]",
        f"title = {_value(pillar.title)}",
        f"title_en = {_value(pillar.title_en)}",
        f"sections = {_value(pillar.sections)}",
        f"sections_en = {_value(pillar.sections_en)}",
    ]


def to_toml(base: FactBase, *, header: str | None = None) -> str:
    """A fact file of the same format, which loads back to the same facts. One
    report's: a base of several is refused (``base.only(year)`` is one of them).

    With a ``header`` (a comment, "# " added), the file starts with it and each part
    (the pillars, then each pillar's topics) gets a banner: a drafted file, laid out
    for the curator who finishes it."""
    if len(base.reports) > 1:
        years = ", ".join(map(str, base.years))
        raise InvalidArgumentError(
            f"a TOML fact file holds one report, and {len(base.reports)} are loaded"
            f" ({years}): export one year"
        )
    lines = [f"# {header}", ""] if header is not None else []
    meta = base.meta
    described = {fact.year for fact in base.facts}
    # A collection of many years gives each fact's year; [meta] gives the one year.
    meta_year = meta.year if described <= {meta.year, None} else None
    lines.append("[meta]")
    for key in specs(Meta):
        value = meta_year if key == "year" else getattr(meta, key)
        if value is not None and value is not False:
            lines.append(f"{key} = {_value(value)}")
    own = meta.own_source()
    keys = _source_keys(fact.source for fact in base.facts if fact.source not in (None, own))
    for source, key in keys.items():
        lines += ["", f"[sources.{_key(key)}]"]
        fields = source.to_dict().items()
        lines += [f"{name} = {_value(v)}" for name, v in fields if v is not None and v is not False]
    if header is not None:
        lines += _banner("Pillars and sections")
    for pillar in base.pillars.values():
        lines += _pillar_lines(pillar)
    pillar_shown = None
    facts_of: dict[str, list[Fact]] = {}
    for fact in base.facts:  # a collection holds an id once per year and source
        facts_of.setdefault(fact.id, []).append(fact)
    for topic in base.topics.values():
        if header is not None and topic.fact_ids:
            number = base.by_id[topic.fact_ids[0]].pillar
            if number is not None and number != pillar_shown:
                pillar_shown = number
                lines += _banner(f"Pillar {number} - {base.pillars[number].title}")
        name = _value(topic.name)
        lines += ["", f"[topics.{name}]", f"en = {_value(topic.en)}"]
        lines.append(f"aliases = {_value(topic.aliases)}")
        for fact_id in dict.fromkeys(topic.fact_ids):
            for fact in facts_of[fact_id]:
                lines += ["", f"[[topics.{name}.facts]]"]
                record = fact.to_dict()
                defaults = {"year": meta_year, "basis": meta.basis}
                for key, value in ((key, record[key]) for key in FILE_KEYS):
                    if value is None or value is False or value == []:  # the defaults
                        continue
                    if key in defaults and value == defaults[key]:
                        continue
                    lines.append(f"{key} = {_value(value)}")
                if fact.source is not None and fact.source != own:
                    lines.append(f"source = {_value(keys[fact.source])}")
    return "\n".join(lines) + "\n"


def _source_keys(sources: Iterable[Source | None]) -> dict[Source, str]:
    """A key for each distinct source, in order of first use: s1, s2 …"""
    unique = dict.fromkeys(source for source in sources if source is not None)
    return {source: f"s{number}" for number, source in enumerate(unique, 1)}
