"""The OpenAPI description of ``cqfacts serve``'s API, written by hand: GET endpoints
whose bodies are the CLI's documented JSON (docs/json.md), with Datasette's conventions:
lists by page that say their count and next page, unknown fields refused, ETags."""

from __future__ import annotations

from typing import Any

from cqfacts.ask.arguments import MAX_LIMIT, MAX_OFFSET, MAX_QUERY_LENGTH
from cqfacts.facts.model import FACT_KEYS, KINDS, STATES

_JSON = "application/json"
#: The keys of a fact's ``shown`` texts (``lang``), as output.shapes.shown builds them.
SHOWN_KEYS = ("label", "topic", "figure", "name", "change", "status", "where", "previous")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_HEADER = {"schema": {"type": "string"}}
#: What every answer the fact base decides carries: its tag, to ask again with.
_CACHED = {
    "ETag": {**_HEADER, "description": "A digest of the loaded fact base and the version; "
             "send it as If-None-Match to get a 304 while it holds."},
    "Cache-Control": {**_HEADER, "description": "no-cache: keep it, and revalidate."},
}  # fmt: skip
#: What every list answer says besides its rows.
_LISTED = {
    **_CACHED,
    "X-Total-Count": {"schema": {"type": "integer"}, "description": "The rows in all."},
    "Link": {**_HEADER, "description": 'The next page, where more remain: '
             '</api/search?q=…&offset=10>; rel="next".'},
}  # fmt: skip


def _ok(schema: dict[str, Any], text: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": text, "content": {_JSON: {"schema": schema}}}
    if headers:
        answer["headers"] = headers
    return answer


def _list(schema: dict[str, Any], text: str) -> dict[str, Any]:
    return _ok({"type": "array", "items": schema}, text, _LISTED)


def _error(text: str) -> dict[str, Any]:
    return _ok(_ref("Error"), text)


def _param(name: str, where: str, text: str, schema: dict[str, Any], required: bool = False) -> Any:
    return {"name": name, "in": where, "required": required, "description": text,
            "schema": schema}  # fmt: skip


_PILLAR = {"type": "string", "examples": ["4", "四"]}
_ALL_YEARS = _param(
    "all_years",
    "query",
    "true: every year's fact of an indicator, not only its latest.",
    {"type": "boolean", "default": False},
)
_LIMIT = _param("limit", "query", "At most N rows.",
                {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 10})  # fmt: skip
_OFFSET = _param("offset", "query", "Skip N rows (the next page's, as Link says).",
                 {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET,
                  "default": 0})  # fmt: skip
_LANG = _param("lang", "query", "zh or en: each fact object gets `shown`, its texts in that "
               "language (figure, change, place …); without it the body is the CLI's.",
               {"enum": ["zh", "en"]})  # fmt: skip
_YEAR = _param("year", "query", "Only facts describing this year.", {"type": "integer"})
_BAD = _error(
    "A missing, blank or invalid argument, or a query field this address does not read; "
    "the message says which."
)
_NOT_MODIFIED = {"description": "The client's copy (If-None-Match) is current."}


def description(version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document served at ``/openapi.json``."""
    fact_properties: dict[str, Any] = {key: {} for key in FACT_KEYS}
    fact_properties["pillar"] = {"type": "integer"}
    fact_properties["kind"] = {"enum": list(KINDS)}
    # Only where lang is asked for: the fact's texts in that language.
    fact_properties["shown"] = _ref("Shown")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "cqfacts",
            "version": version,
            "description": "Read-only answers from Chongqing's science-and-technology "
            "reports: the 2023 work summary and the headline indicators year by year, each "
            "cited. Each body is the JSON the CLI prints with --json.",
        },
        "paths": {
            "/api/search": {"get": {
                "summary": "The facts a query means, best first (cqfacts search --json).",
                "parameters": [
                    _param("q", "query", "Chinese, pinyin, initials, English, traditional or "
                           "a number.", {"type": "string", "minLength": 1,
                                         "maxLength": MAX_QUERY_LENGTH}, required=True),
                    _param("pillar", "query", "Only part N of a work report (0 its overview, "
                           "or 一, 二 …).", _PILLAR),
                    _param("kind", "query", "Only facts of this kind.", {"enum": list(KINDS)}),
                    _LIMIT, _OFFSET, _LANG, _YEAR, _ALL_YEARS,
                ],
                "responses": {"200": _list(_ref("SearchResult"),
                                           "Best first; [] when nothing matches."),
                              "304": _NOT_MODIFIED, "400": _BAD},
            }},
            "/api/facts": {"get": {
                "summary": "Every fact, or those the filters keep, by page, in file order "
                "(cqfacts list --json).",
                "parameters": [
                    _param("pillar", "query", "Only part N of a work report.", _PILLAR),
                    _param("kind", "query", "Only facts of this kind.", {"enum": list(KINDS)}),
                    _param("topic", "query", "Only this topic (its Chinese or English name).",
                           {"type": "string"}),
                    _param("status", "query", "Only policies in this state.",
                           {"enum": list(STATES)}),
                    _YEAR,
                    _param("limit", "query", "At most N facts.",
                           {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                            "default": MAX_LIMIT}),
                    _OFFSET, _LANG,
                ],
                "responses": {"200": _ok(_ref("FactPage"), "One page.", _LISTED),
                              "304": _NOT_MODIFIED, "400": _BAD},
            }},
            "/api/facts/{id}": {"get": {
                "summary": "One fact with its citations (cqfacts show ID --json): the "
                "headline fact of an id (a checked fact before a draft, then the latest "
                "year), or that of year.",
                "parameters": [_param("id", "path", "A fact id, or a label or query whose "
                                      "best match is clear.", {"type": "string"}, True),
                               _param("year", "query", "The fact of this year.",
                                      {"type": "integer"}), _LANG],
                "responses": {"200": _ok(_ref("Detail"), "The fact.", _CACHED),
                              "304": _NOT_MODIFIED, "400": _BAD,
                              "404": _error("No fact has this id, or the query's best match "
                                            "is unclear; the message names the candidates.")},
            }},
            "/api/pillars": {"get": {
                "summary": "The work reports' parts, the overview first (cqfacts pillars "
                "--json).",
                "responses": {"200": _list(_ref("PillarSummary"), "Every pillar."),
                              "304": _NOT_MODIFIED, "400": _BAD},
            }},
            "/api/pillars/{n}": {"get": {
                "summary": "One pillar with its facts (cqfacts pillar N --json).",
                "parameters": [_param("n", "path", "0 (the overview), 1, 2 … or 一, 二 ….",
                                      _PILLAR, True),
                               _param("year", "query", "That year's work report.",
                                      {"type": "integer"}),
                               _param("report", "query", "The work report of this title or "
                                      "fact file name.", {"type": "string"}), _LANG],
                "responses": {"200": _ok(_ref("Pillar"), "The pillar.", _CACHED),
                              "304": _NOT_MODIFIED, "400": _BAD,
                              "404": _error("No such pillar.")},
            }},
            "/api/rank": {"get": {
                "summary": "One year's figures by growth or by size (cqfacts rank --json): "
                "the newest work report's year unless year or all_years is given.",
                "parameters": [
                    _param("by", "query", "change (the default) or value (the default with "
                           "a unit).", {"enum": ["change", "value"]}),
                    _param("unit", "query", "Rank by value in this unit (亿元 with by=value).",
                           {"type": "string"}),
                    _param("pillar", "query", "Only pillar N.", _PILLAR),
                    _LIMIT, _OFFSET,
                    _param("year", "query", "Rank this year's figures.", {"type": "integer"}),
                    _ALL_YEARS, _LANG,
                ],
                "responses": {"200": _list(_ref("Ranked"), "Largest first."),
                              "304": _NOT_MODIFIED, "400": _BAD},
            }},
            "/api/trend": {"get": {
                "summary": "One indicator in every loaded source, one point per source per "
                "year, oldest year first, with flags where sources disagree or a later "
                "figure contradicts an estimate (cqfacts trend --json). The query names "
                "the indicator as show's does.",
                "parameters": [_param("q", "query", "A fact id, or a query for one.",
                                      {"type": "string", "minLength": 1,
                                       "maxLength": MAX_QUERY_LENGTH}, required=True), _LANG],
                "responses": {"200": _list({"type": "object",
                                            "required": ["year", "report", "fact",
                                                         "derived_previous"]},
                                           "Oldest year first; [] when nothing matches."),
                              "304": _NOT_MODIFIED, "400": _BAD,
                              "404": _error("The query's best match is unclear; the "
                                            "message names the candidates.")},
            }},
            "/api/sources": {"get": {
                "summary": "Every source the loaded facts cite, newest first (cqfacts "
                "sources --json).",
                "parameters": [_param("year", "query", "Only sources giving figures for "
                                      "this year.", {"type": "integer"})],
                "responses": {"200": _list({"type": "object",
                                            "required": ["title", "publisher", "published",
                                                         "url", "years", "facts"]},
                                           "Newest first."),
                              "304": _NOT_MODIFIED, "400": _BAD},
            }},
            "/api/topics": {"get": {
                "summary": "Every topic (cqfacts topics --json).",
                "responses": {"200": _list(_ref("Topic"), "Every topic."),
                              "304": _NOT_MODIFIED, "400": _BAD},
            }},
        },
        "components": {"schemas": {
            "Fact": {"type": "object", "required": list(FACT_KEYS),
                     "properties": fact_properties},
            "FactPage": {"type": "object", "required": ["count", "next", "facts"],
                         "properties": {
                             "count": {"type": "integer"},
                             "next": {"type": ["string", "null"]},
                             "facts": {"type": "array", "items": _ref("Fact")}}},
            "Shown": {"type": "object", "required": list(SHOWN_KEYS), "properties": {
                key: {"type": ["string", "null"]} for key in SHOWN_KEYS}},
            "SearchResult": {"allOf": [_ref("Fact"), {"type": "object", "properties": {
                "score": {"type": "number"},
                "match": {"type": "object", "properties": {"field": {"type": "string"},
                                                           "how": {"type": "string"}}}}}]},
            "Detail": {"allOf": [_ref("Fact"), {"type": "object", "properties": {
                "where": {"type": "string"}, "citation": {"type": "string"},
                "citation_en": {"type": "string"}, "previous": {"type": ["object", "null"]}}}]},
            "PillarSummary": {"type": "object", "properties": {
                "pillar": {"type": "integer"}, "title": {"type": "string"},
                "title_en": {"type": "string"}, "sections": {"type": "array"},
                "fact_count": {"type": "integer"}}},
            "Pillar": {"allOf": [_ref("PillarSummary"), {"type": "object", "properties": {
                "facts": {"type": "array", "items": _ref("Fact")}}}]},
            "Ranked": {"allOf": [_ref("Fact"), {"type": "object", "properties": {
                "rank": {"type": "object", "properties": {
                    "by": {"type": "string"}, "value": {"type": "number"},
                    "unit": {"type": "string"}, "converted": {"type": "boolean"}}}}}]},
            "Topic": {"type": "object", "properties": {
                "topic": {"type": "string"}, "en": {"type": "string"},
                "aliases": {"type": "array"}, "fact_count": {"type": "integer"},
                "fact_ids": {"type": "array", "items": {"type": "string"}}}},
            "Error": {"type": "object", "required": ["error", "status"], "properties": {
                "error": {"type": "string"}, "status": {"type": "integer"}}},
        }},
    }  # fmt: skip
