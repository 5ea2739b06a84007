"""The whole fact base as JSON, JSON Lines, CSV or TOML text (TOML by the one
writer, :func:`cqfacts.facts.tomlwriter.to_toml`, which draft uses too)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence

from cqfacts.errors import InvalidArgumentError, quoted
from cqfacts.facts.model import FACT_KEYS, NESTED, Fact, FactBase, specs
from cqfacts.facts.tomlwriter import to_toml

FORMATS = ("json", "jsonl", "csv", "toml")
# CSV has no nesting: a nested record is spread over columns of its own (change_value,
# change_unit …), and a list of texts is joined with "|".
CSV_COLUMNS = tuple(
    column
    for key in FACT_KEYS
    for column in ([f"{key}_{part}" for part in specs(NESTED[key])] if key in NESTED else [key])
)


def to_json(value: object) -> str:
    """JSON as every command writes it: UTF-8 text kept readable, two-space indent."""
    return json.dumps(value, ensure_ascii=False, indent=2)


def export(base: FactBase, fmt: str) -> str:
    if fmt == "json":
        return to_json([fact.to_dict() for fact in base.facts]) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(f.to_dict(), ensure_ascii=False) + "\n" for f in base.facts)
    if fmt == "csv":
        return _csv(base.facts)
    if fmt == "toml":
        return to_toml(base)
    raise InvalidArgumentError(f"unknown format {quoted(fmt)}; choose one of {', '.join(FORMATS)}")


# A spreadsheet runs a cell starting with one of these as a formula (=HYPERLINK(…)).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: object) -> object:
    """One cell of any CSV or TSV written here: a boolean as the JSON spells it (true,
    false; Python's str would write False), and text that a spreadsheet would run
    behind a quote that makes it text (OWASP's advice for CSV injection); numbers are
    left to be numbers."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _csv_text(table: Iterable[Sequence[object]], line_end: str) -> str:
    """The one CSV writer: every cell through :func:`_csv_cell`."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerows(
        [_csv_cell(cell) for cell in row] for row in table
    )
    return buffer.getvalue()


def _csv(facts: Sequence[Fact]) -> str:
    """CSV with a byte-order mark and CRLF, so Excel opens the Chinese text as UTF-8;
    the columns of :data:`CSV_COLUMNS`, cells as :func:`records_text` writes them."""
    rows = (_flattened(fact.to_dict()) for fact in facts)
    table = (CSV_COLUMNS, *([row[column] for column in CSV_COLUMNS] for row in rows))
    return "\ufeff" + _csv_text(table, "\r\n")


#: The formats of a command's answer (search, list, rank, topics): ``table`` is the
#: CLI's; the others are text built here from the command's JSON objects.
RECORD_FORMATS = ("table", "json", "jsonl", "csv", "tsv")


def records_text(records: Sequence[dict[str, object]], fmt: str) -> str:
    """JSON objects (``cqfacts.output.shapes``) as JSON Lines, CSV or TSV: a header row, then
    one record per line, its first key (the id) first, for cut, grep and fzf. A nested
    object is spread over columns (change_value …), a list joined with "|"; CSV and TSV
    cells are protected against formula injection as export's CSV is. No byte-order
    mark: this is for pipes (``export --format csv`` is for Excel)."""
    if fmt == "jsonl":
        return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    if fmt not in ("csv", "tsv"):
        raise InvalidArgumentError(f"unknown format {quoted(fmt)}; choose csv, tsv or jsonl")
    flat = [_flattened(record) for record in records]
    columns = list(dict.fromkeys(column for row in flat for column in row))
    table: list[list[object]] = [
        list(columns),
        *([row.get(column, "") for column in columns] for row in flat),
    ]
    if fmt == "tsv":  # one line per record: a tab or line break in a cell is a space
        return "".join(
            "\t".join(_tsv_cell(_csv_cell(cell)) for cell in row) + "\n" for row in table
        )
    return _csv_text(table, "\n")


def _flattened(record: dict[str, object], prefix: str = "") -> dict[str, object]:
    cells: dict[str, object] = {}
    for key, value in record.items():
        if value is None and key in NESTED:  # the same columns as where it has one
            cells.update({f"{prefix}{key}_{part}": "" for part in specs(NESTED[key])})
        elif isinstance(value, dict):
            cells.update(_flattened(value, f"{prefix}{key}_"))
        elif isinstance(value, bool):
            cells[prefix + key] = "true" if value else "false"  # as in the JSON
        elif isinstance(value, list):
            cells[prefix + key] = "|".join(map(str, value))
        else:
            cells[prefix + key] = "" if value is None else value
    return cells


def _tsv_cell(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return " ".join(text.replace("\t", " ").splitlines()) if isinstance(value, str) else text
