"""The reference validator: the ``frictionless`` library accepts the whole data package (every table, schema and
foreign key), and refuses a corrupted copy at the same cell as ``helpers.data.load``. The descriptor declares the
Data Package v2 profile (``$schema``): its ``exclusiveMinimum`` constraints need v2, and without it frictionless
rejects the package."""
from __future__ import annotations

from pathlib import Path

import frictionless
import pytest
from conftest import corrupt

from helpers import data
from helpers.errors import DataError


def validate(data_dir: Path, table: str | None = None) -> frictionless.Report:
    """Frictionless' report on the package in ``data_dir``: its descriptor, then every resource (or only ``table``),
    each against its schema and foreign keys (looked up in the package's other tables)."""
    return frictionless.validate(str(Path(data_dir) / data.PACKAGE_FILE), name=table)


def messages(report: frictionless.Report) -> list[str]:
    """Every error of the report, one line each, prefixed by its table (``package`` for the descriptor's own)."""
    return ([f"package: {err.message}" for err in report.errors]
            + [f"{task.name}: {err.message}" for task in report.tasks for err in task.errors])


def errors_at(report: frictionless.Report) -> set[tuple[str, str, int | None, tuple[str, ...]]]:
    """Every error of the report as (table, error type, CSV line number, columns)."""
    return {(task.name, err.type, getattr(err, "row_number", None),
             tuple(getattr(err, "field_names", None) or [getattr(err, "field_name", None)]))
            for task in report.tasks for err in task.errors}


def test_frictionless_accepts_the_whole_package():
    report = validate(data.DATA_DIR)
    assert report.valid, "\n".join(messages(report))
    tables = [res["name"] for res in data.package()["resources"]]
    assert [task.name for task in report.tasks] == tables
    for task in report.tasks:  # every row was read, as many as helpers.data loads
        assert task.stats["rows"] == len(data.load(task.name)), task.name


@pytest.mark.parametrize("table, row, column, value, error_type, reason", [
    pytest.param("cloud_prices", 2, "usd_per_hour", "abc", "type-error", "is not a number", id="text-in-number"),
    pytest.param("cloud_prices", 1, "usd_per_hour", "0", "constraint-error", "is not above the minimum",
                 id="exclusive-minimum"),
    pytest.param("report_figures", 5, "source_id", "nowhere", "foreign-key", "is not a source_id of table 'sources'",
                 id="foreign-key"),
])
def test_corrupt_copy_is_refused_by_both_validators(tmp_path, table, row, column, value, error_type, reason):
    data_dir = corrupt(tmp_path, table, row, column, value)

    report = validate(data_dir, table)
    assert not report.valid
    assert errors_at(report) == {(table, error_type, row + 1, (column,))}, "\n".join(messages(report))
    assert f'"{value}"' in messages(report)[0]

    with pytest.raises(DataError) as info:
        data.load(table, data_dir)
    msg = str(info.value)
    assert f"{table}.csv, row {row} (line {row + 1}), column {column!r}: value {value!r} {reason}; allowed: " in msg
    assert "\n" not in msg
