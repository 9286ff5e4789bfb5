"""Canonical links (issue 13): every source link of data/ points at the source, not at a copy of it.

A source link column is ``source_url``, any ``*_source_url`` and ``sources.url``. None may be on a host of
``helpers.provenance.COPY_HOSTS`` (the one list of copies); the copy actually read goes in ``checked_via``.
Every row with an arXiv id links the arXiv abstract page built from that id.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT

from helpers import provenance
from helpers.data import load, package

# Tables whose owners do the canonical-links work on their own branches. Until a table carries a
# ``checked_via`` column (the sign that its owner has done that work) its copy links are not this branch's to
# fix; once it has one, it is checked like every other table. On main, after the merge, none is skipped.
OWNED_ELSEWHERE = re.compile(r"^(evidence|reg_.*)$")


def link_columns(schema: dict) -> list[str]:
    """The source link columns of one table's schema."""
    return [f["name"] for f in schema["fields"] if f["name"] == "source_url" or f["name"].endswith("_source_url")]


def source_links() -> list[tuple[str, str]]:
    """(table, column) for every source link column of the package, ``sources.url`` included."""
    pairs = [(r["name"], c) for r in package()["resources"] for c in link_columns(r["schema"])]
    return pairs + [("sources", "url")]


def has_checked_via(table: str) -> bool:
    return any(f["name"] == "checked_via" for r in package()["resources"] if r["name"] == table
               for f in r["schema"]["fields"])


def test_there_are_link_columns_to_check():
    tables = {t for t, _ in source_links()}
    assert {"papers", "sources"} <= tables


@pytest.mark.parametrize("table, column", source_links(), ids=lambda x: x)
def test_no_source_link_on_a_copy_host(table, column):
    if OWNED_ELSEWHERE.match(table) and not has_checked_via(table):
        pytest.skip(f"{table}: owned by another helper, whose branch makes its links canonical (no checked_via yet)")
    urls = load(table)[column].dropna()
    bad = [(i + 1, u, provenance.copy_host(u)) for i, u in urls.items() if provenance.copy_host(u)]
    assert not bad, f"data/{table}.csv column {column!r}: rows on copy hosts (row, url, host): {bad[:5]}"


@pytest.mark.parametrize("table", [r["name"] for r in package()["resources"]
                                   if any(f["name"] == "arxiv_id" for f in r["schema"]["fields"])])
def test_every_arxiv_row_links_its_abstract_page(table):
    df = load(table)
    assert "source_url" in df.columns, f"data/{table}.csv has arxiv_id but no source_url column"
    rows = df[df["arxiv_id"].notna()]
    assert len(rows)
    expected = rows["arxiv_id"].map(provenance.arxiv_abs_url)
    wrong = rows.loc[rows["source_url"] != expected, ["arxiv_id", "source_url"]]
    assert wrong.empty, f"data/{table}.csv: source_url is not https://arxiv.org/abs/<arxiv_id>: {wrong.to_dict('records')[:5]}"


@pytest.mark.parametrize("table, column", source_links(), ids=lambda x: x)
def test_arxiv_links_are_abstract_pages(table, column):
    """A source link on arXiv is the bare abstract page, not a PDF, a version or a listing."""
    urls = load(table)[column].dropna()
    arxiv = urls[urls.map(provenance.host) == "arxiv.org"]
    bad = arxiv[~arxiv.str.fullmatch(r"https://arxiv\.org/abs/\d{4}\.\d{4,5}")]
    assert bad.empty, f"data/{table}.csv column {column!r}: {list(bad)[:5]}"


def test_checked_via_is_never_the_canonical_link():
    """checked_via names another copy; where the canonical page itself was read it stays empty."""
    for table in ("papers", "sources"):
        df = load(table)
        col = "source_url" if "source_url" in df.columns else "url"
        same = df[df["checked_via"].notna() & (df["checked_via"] == df[col])]
        assert same.empty, f"data/{table}.csv: checked_via repeats {col} in rows {list(same.index + 1)}"


@pytest.mark.parametrize("url, expected", [
    ("https://www.summarizepaper.com/en/tree/2303.12712v2", "summarizepaper.com"),
    ("https://foo.pages.dev/x", "pages.dev"),
    ("https://arxiv.org/abs/2303.12712", None),
    ("https://doi.org/10.1145/3586183.3606763", None),
    ("", None),
])
def test_copy_host(url, expected):
    assert provenance.copy_host(url) == expected


@pytest.mark.parametrize("bad", ["2303.12712v2", "https://arxiv.org/abs/2303.12712", "abc"])
def test_arxiv_abs_url_rejects_what_is_not_an_id(bad):
    with pytest.raises(ValueError, match="not an arXiv id"):
        provenance.arxiv_abs_url(bad)


def test_doi_url():
    assert provenance.doi_url("10.1145/3586183.3606763") == "https://doi.org/10.1145/3586183.3606763"
    with pytest.raises(ValueError, match="not a DOI"):
        provenance.doi_url("doi:10.1/x")


def test_one_list_of_copy_hosts():
    """No other module of helpers/ or tests/ keeps its own list of copy hosts (three or more of them)."""
    own = {ROOT / "helpers" / "provenance.py", Path(__file__).resolve()}
    for path in sorted((ROOT / "helpers").rglob("*.py")) + sorted((ROOT / "tests").rglob("*.py")):
        if path.resolve() in own:
            continue
        text = path.read_text(encoding="utf-8")
        named = [h for h in provenance.COPY_HOSTS if f'"{h}"' in text or f"'{h}'" in text]
        assert len(named) < 3, f"{path.relative_to(ROOT)} lists copy hosts of its own: {named[:5]}"


def test_papers_source_url_is_what_the_rule_gives():
    from helpers.chapters.research import canonical_url

    p = load("papers")
    got = [canonical_url(a, d, u) for a, d, u in zip(p["arxiv_id"], p["doi"], p["source_url"])]
    assert got == list(p["source_url"])
    assert pd.Series(got).map(provenance.copy_host).isna().all()
