"""Schema tests: every table holds to datapackage.json, and corrupt copies are refused clearly."""
from __future__ import annotations

import json
import shutil

import pytest
from conftest import corrupt

from helpers import data
from helpers.errors import DataError

PKG = data.package()
TABLES = [r["name"] for r in PKG["resources"]]


def test_every_table_loads_through_the_books_loader_and_holds_rows():
    """The book's own loader (what the chapters use) accepts every table the reference validator accepts
    (tests/test_frictionless.py checks the schema itself) and none is empty."""
    empty = [name for name in TABLES if len(data.load(name)) == 0]
    assert empty == []


def test_every_csv_in_data_is_described():
    described = {r["path"] for r in PKG["resources"]}
    assert {p.name for p in data.DATA_DIR.glob("*.csv")} == described


@pytest.mark.parametrize("name", [t for t in TABLES if t != "sources"])
def test_every_row_cites_a_registered_source(name):
    frame = data.load(name)
    sources = set(data.load("sources")["source_id"])
    assert frame["source_id"].notna().all()
    assert set(frame["source_id"]) <= sources
    if "source_section" in frame:
        assert frame["source_section"].str.len().gt(3).all()


@pytest.mark.parametrize("name", TABLES)
def test_every_field_is_documented(name):
    for field in data.resource(name)["schema"]["fields"]:
        assert field["description"], field
        if field["type"] in ("number", "integer"):
            assert "unit" in field, f"{name}.{field['name']} has no unit"


def test_sources_registry_lists_the_five_reports():
    s = data.load("sources")
    reports = s[s["kind"] == "report"]
    assert len(reports) == 5
    assert reports["title"].str.len().gt(10).all() and reports["publisher"].notna().all()


def test_report_values_are_kept_beside_corrections():
    g = data.load("gpu_tflops").set_index("figure_id")
    assert g.at["v100_training", "report_tflops"] == 28 and g.at["v100_training", "like_for_like_tflops"] == 125
    assert g.at["h100_pcie_inference", "report_tflops"] == 1513 and g.at["h100_pcie_inference", "like_for_like_tflops"] == 756


def test_revenue_shares_2023_sum_to_one():
    rm = data.load("revenue_models")
    assert rm["share_now"].sum() == pytest.approx(1.0)


def test_training_cost_sub_items_fit_their_category():
    t = data.load("training_cost_shares")
    for parent, group in t[t["parent_id"].notna()].groupby("parent_id"):
        top = t.set_index("item_id").loc[parent]
        assert group["share_high"].sum() <= top["share_high"] + 1e-9
        assert group["share_low"].sum() <= top["share_low"] + 1e-9


# --- corrupted copies (``corrupt`` is in conftest) -----------------------------------------------
@pytest.mark.parametrize("table, row, column, value, expected", [
    ("cloud_prices", 2, "usd_per_hour", "abc", "is not a number"),
    ("cloud_prices", 1, "usd_per_hour", "-24.21", "not above the minimum"),
    ("gpu_tflops", 3, "report_tflops", "", "empty"),
    ("app_scenarios", 2, "input_tokens_per_call", "3000.5", "not an integer"),
    ("product_prices", 4, "currency", "EUR", "not an allowed value"),
    ("pricing_assumptions", 8, "value", "1e400", "not a finite number"),
    ("fx_rates", 2, "rate_date", "17/03/2023", "not a date"),
    ("report_figures", 5, "source_id", "nowhere", "not a source_id of table 'sources'"),
])
def test_corrupt_cell_is_refused_naming_file_row_column_value(tmp_path, table, row, column, value, expected):
    data_dir = corrupt(tmp_path, table, row, column, value)
    with pytest.raises(DataError) as info:
        data.load(table, data_dir)
    msg = str(info.value)
    assert f"{table}.csv" in msg and f"row {row} (line {row + 1})" in msg and f"column {column!r}" in msg
    assert repr(value) in msg or value == "" or "nowhere" in msg
    assert expected in msg and "allowed" in msg


def test_duplicate_primary_key_is_refused(tmp_path):
    data_dir = corrupt(tmp_path, "app_scenarios", 2, "scenario_id", "query_tool")
    with pytest.raises(DataError, match=r"app_scenarios.csv, row 2 .*'scenario_id'.*repeats row 1"):
        data.load("app_scenarios", data_dir)


def test_wrong_header_is_refused(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, target)
    p = target / "fx_rates.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("cny_per_unit", "rate", 1), encoding="utf-8")
    with pytest.raises(DataError, match="fx_rates.csv: header"):
        data.load("fx_rates", target)


def test_unknown_table_is_refused():
    with pytest.raises(DataError, match="no table named 'nope'"):
        data.load("nope")


def test_error_displays_as_one_line_in_ipython():
    err = DataError("data/x.csv, row 1 (line 2), column 'a': value 'b' is not a number; allowed: number")
    assert err._render_traceback_() == [f"DataError: {err}"]


def test_datapackage_is_valid_json_with_keys():
    pkg = json.loads((data.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    for res in pkg["resources"]:
        assert res["schema"]["primaryKey"], res["name"]
