"""Load the tables in ``data/``, validated against ``data/datapackage.json``.

The schema is a Frictionless Table Schema per resource. Validation is done here, by a few
lines of plain Python, so that a bad cell fails with a message naming the file, the row
(1-based, header excluded; the CSV line number is given too), the column, the value and what
the schema allows.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import math
import numbers
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.errors import DataError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PACKAGE_FILE = "datapackage.json"
# Every file this process has read through this module, in the order first read (a dict keeps the order).
_FILES_READ: dict[str, None] = {}


def files_read() -> list[str]:
    """The files this process has read through this module: descriptors and tables (foreign-key tables
    included), as absolute paths, first read first.

    ``make book`` asks a chapter's kernel for it after executing the chapter (``machinery.build``), so
    that a change to one of these files re-executes exactly the chapters that read it.
    """
    return list(_FILES_READ)


def package(data_dir: Path | str = DATA_DIR) -> dict[str, Any]:
    """The data package descriptor (``datapackage.json``) as a dict (parsed once per file version)."""
    path = Path(data_dir) / PACKAGE_FILE
    return _parse_package(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _parse_package(path: str, mtime_ns: int) -> dict[str, Any]:
    _FILES_READ.setdefault(str(Path(path).resolve()), None)
    return json.loads(Path(path).read_text(encoding="utf-8"))


def resource(name: str, data_dir: Path | str = DATA_DIR) -> dict[str, Any]:
    """The descriptor of one resource (table) of the package (a copy: callers may not alter the cache)."""
    for res in package(data_dir)["resources"]:
        if res["name"] == name:
            return json.loads(json.dumps(res))
    names = [r["name"] for r in package(data_dir)["resources"]]
    raise DataError(f"no table named {name!r} in {PACKAGE_FILE}; tables: {', '.join(names)}")


def constraints_text(field: dict[str, Any]) -> str:
    """What a field's constraints allow, e.g. ``> 0, required`` (error messages and the data dictionary)."""
    c = field.get("constraints", {})
    parts = ["one of " + ", ".join(map(str, c["enum"]))] if "enum" in c else []
    for key, sym in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<")):
        if key in c:
            parts.append(f"{sym} {c[key]:g}")
    if "pattern" in c:
        parts.append(f"matching {c['pattern']}")
    parts.append("required" if c.get("required") else "may be empty")
    return ", ".join(parts)


def _allowed(field: dict[str, Any]) -> str:
    """Human description of what a field accepts: its type (unless an enum says it all) and constraints."""
    return constraints_text(field) if "enum" in field.get("constraints", {}) else f"{field['type']}, {constraints_text(field)}"


def _parse(raw: str, field: dict[str, Any]) -> Any:
    """Parse one cell to its schema type; raise ValueError with the reason."""
    kind = field["type"]
    if kind == "string":
        return raw
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", raw):
            raise ValueError("is not an integer")
        return int(raw)
    if kind == "number":
        try:
            value = float(raw)
        except ValueError:
            raise ValueError("is not a number") from None
        if not math.isfinite(value):
            raise ValueError("is not a finite number")
        return value
    if kind == "date":
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise ValueError("is not a date (YYYY-MM-DD)") from None
    if kind == "boolean":
        if raw not in ("true", "false"):
            raise ValueError("is not true/false")
        return raw == "true"
    raise ValueError(f"has an unsupported type {kind}")


def _check(value: Any, field: dict[str, Any]) -> str | None:
    """Return why ``value`` breaks the field's constraints, or None."""
    c = field.get("constraints", {})
    if "enum" in c and value not in c["enum"]:
        return "is not an allowed value"
    if "pattern" in c and not re.fullmatch(c["pattern"], value):
        return "does not match the pattern"
    if "minimum" in c and value < c["minimum"]:
        return "is below the minimum"
    if "exclusiveMinimum" in c and value <= c["exclusiveMinimum"]:
        return "is not above the minimum"
    if "maximum" in c and value > c["maximum"]:
        return "is above the maximum"
    if "exclusiveMaximum" in c and value >= c["exclusiveMaximum"]:
        return "is not below the maximum"
    return None


def validate_rows(name: str, rows: list[list[str]], schema: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """Validate raw CSV rows (header first) against a Table Schema; return typed records."""
    fields = schema["fields"]
    expected = [f["name"] for f in fields]
    if not rows or rows[0] != expected:
        got = rows[0] if rows else []
        raise DataError(f"{path}: header is {got}, the schema expects columns {expected}")
    records: list[dict[str, Any]] = []
    for i, row in enumerate(rows[1:], start=1):
        where = f"{path}, row {i} (line {i + 1})"
        if len(row) != len(fields):
            raise DataError(f"{where}: {len(row)} cells, the schema expects {len(fields)}")
        record: dict[str, Any] = {}
        for raw, field in zip(row, fields):
            col = field["name"]
            if raw.strip() == "":
                if field.get("constraints", {}).get("required"):
                    raise DataError(f"{where}, column {col!r}: empty; allowed: {_allowed(field)}")
                record[col] = None
                continue
            try:
                value = _parse(raw, field)
            except ValueError as exc:
                raise DataError(f"{where}, column {col!r}: value {raw!r} {exc}; allowed: {_allowed(field)}") from None
            problem = _check(value, field)
            if problem:
                raise DataError(f"{where}, column {col!r}: value {raw!r} {problem}; allowed: {_allowed(field)}")
            record[col] = value
        records.append(record)
    key = schema.get("primaryKey", [])
    key = [key] if isinstance(key, str) else key
    seen: dict[tuple, int] = {}
    for i, rec in enumerate(records, start=1):
        k = tuple(rec[c] for c in key)
        if k in seen:
            raise DataError(f"{path}, row {i} (line {i + 1}), column {key[0]!r}: value {k[0]!r} repeats row {seen[k]}; "
                            f"allowed: unique values of the primary key {key}")
        seen[k] = i
    return records


@cache
def _load_cached(name: str, data_dir: str) -> pd.DataFrame:
    res = resource(name, data_dir)
    path = Path(data_dir) / res["path"]
    rel = f"data/{res['path']}" if Path(data_dir) == DATA_DIR else str(path)
    if not path.exists():
        raise DataError(f"{rel}: file missing (listed in {PACKAGE_FILE} as table {name!r})")
    _FILES_READ.setdefault(str(path.resolve()), None)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    records = validate_rows(name, rows, res["schema"], rel)
    frame = pd.DataFrame.from_records(records, columns=[f["name"] for f in res["schema"]["fields"]])
    for fk in res["schema"].get("foreignKeys", []):
        col, ref = fk["fields"], fk["reference"]
        allowed = set(_load_cached(ref["resource"], data_dir)[ref["fields"]])
        for i, value in enumerate(frame[col], start=1):
            if not pd.isna(value) and value not in allowed:
                raise DataError(f"{rel}, row {i} (line {i + 1}), column {col!r}: value {value!r} is not a "
                                f"{ref['fields']} of table {ref['resource']!r}; allowed: {', '.join(sorted(allowed))}")
    return frame


def load(name: str, data_dir: Path | str = DATA_DIR) -> pd.DataFrame:
    """Load table ``name`` validated against its schema (a fresh copy each call).

    Raises ``DataError`` naming file, row, column, value and what is allowed.
    """
    return _load_cached(name, str(Path(data_dir).resolve())).copy()


@cache
def _indexed(name: str, data_dir: str) -> tuple[str, str, pd.DataFrame]:
    """(the table's primary key column, its path, the table indexed by that column) for ``lookup``, made once per
    table: a chapter looks up hundreds of cells, and re-indexing a copy for each was a third of its run."""
    res = resource(name, data_dir)
    pk = res["schema"]["primaryKey"]
    pk = pk if isinstance(pk, str) else pk[0]
    return pk, res["path"], _load_cached(name, data_dir).set_index(pk)


@lru_cache(maxsize=16)
def _real_dir(data_dir: str) -> str:
    """``data_dir`` as an absolute path without links (once per folder: a lookup is called thousands of times)."""
    return str(Path(data_dir).resolve())


def lookup(name: str, key: str, column: str, data_dir: Path | str = DATA_DIR) -> Any:
    """One cell of a table, by primary key: ``lookup("gpu_tflops", "v100_training", "report_tflops")``."""
    pk, path, cells = _cells(name, _real_dir(str(data_dir)))
    if key not in cells:
        raise DataError(f"data/{path}: no row with {pk} = {key!r}")
    value = cells[key][column]
    return float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else value


@cache
def _cells(name: str, data_dir: str) -> tuple[str, str, dict[Any, dict[str, Any]]]:
    """``_indexed`` as plain dicts, row key → column → cell (a pandas ``.at`` per lookup was most of a sweep's time)."""
    pk, path, frame = _indexed(name, data_dir)
    return pk, path, {key: row for key, row in zip(frame.index, frame.to_dict("records"))}


def value(assumption_id: str) -> float:
    """The report's value of one pricing assumption (``pricing_assumptions.value``)."""
    return float(lookup("pricing_assumptions", assumption_id, "value"))


def report_published() -> dt.date:
    """Publication date of the primary report (``sources.csv``, row ``qiming2023``, column ``published``)."""
    return dt.date.fromisoformat(str(lookup("sources", "qiming2023", "published"))[:10])
