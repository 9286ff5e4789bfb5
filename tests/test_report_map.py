"""The report map (every section of the report, and where the book carries it) and the report's summary on
the landing page: complete against the seed's table of contents, and every link lands on a heading."""
from __future__ import annotations

import re

import pytest
from conftest import ROOT

from helpers.data import load

SEED = ROOT.parent / "shared" / "seeds" / "002_f6d0c27f5246e267.txt"


def squeeze(text: str) -> str:
    """Text without whitespace and with straight quotes, to compare headings and paragraphs across line breaks."""
    return re.sub(r"\s+", "", text).replace("“", '"').replace("”", '"')


@pytest.fixture(scope="module")
def seed() -> str:
    if not SEED.is_file():
        pytest.skip(f"the seed reports are not beside this checkout ({SEED})")
    return SEED.read_text(encoding="utf-8")


def contents(seed: str) -> list[tuple[int, str]]:
    """(printed page, heading) of every section the report's table of contents (目录) lists."""
    toc = seed.split("\n# 目录", 1)[1].split("\n# 第一章", 1)[0]
    return [(int(page), heading.strip()) for page, heading in re.findall(r"^- (\d\d) (.+)$", toc, flags=re.M)]


def test_every_section_of_the_table_of_contents_is_mapped(seed):
    listed = contents(seed)
    assert len(listed) == 26
    mapped = load("report_sections")
    assert sorted(mapped["printed_page"]) == [page for page, _ in listed]
    by_page = mapped.set_index("printed_page")
    for page, heading in listed:
        assert squeeze(by_page.loc[page, "heading_zh"]) == squeeze(heading), page


def test_partial_sections_say_what_was_lost():
    mapped = load("report_sections")
    for _, row in mapped.iterrows():
        lost = row["lost_in_extraction"]
        assert (row["status"] == "partial") == bool(isinstance(lost, str) and lost.strip()), row["section_id"]


def test_the_summary_is_the_reports_and_points_at_mapped_sections(seed):
    summary = load("report_summary")
    mapped = set(load("report_sections")["section_id"])
    text = squeeze(seed.split("# 概要", 1)[1].split("# 目录", 1)[0])
    for _, row in summary.iterrows():
        assert squeeze(row["text_zh"]) in text, row["claim_id"]
        assert set(row["carried_by"].split()) <= mapped, row["claim_id"]
    # every paragraph of the summary is there, in order
    paragraphs = [p for p in re.split(r"\n\s*\n", seed.split("# 概要", 1)[1].split("# 目录", 1)[0])
                  if p.strip() and not p.strip().startswith("#")]
    assert squeeze("".join(paragraphs)) == squeeze("".join(summary["text_zh"]))



def test_every_section_links_to_a_heading_that_exists(built):
    mapped = load("report_sections")
    page = (built / "book" / "report_map.html").read_text(encoding="utf-8")
    for _, row in mapped.iterrows():
        target = built / f"{row['book_page']}.html"
        assert target.is_file(), f"{row['section_id']}: no page {row['book_page']}"
        assert f'id="{row["anchor"]}"' in target.read_text(encoding="utf-8"), \
            f"{row['section_id']}: no heading #{row['anchor']} on {row['book_page']}"
        assert f'href="../{row["book_page"]}.html#{row["anchor"]}"' in page, row["section_id"]
    assert page.count("<tr") == 26 + 4         # a row per section, a header row per report chapter


def test_the_landing_page_opens_with_the_reports_summary(built):
    page = (built / "index.html").read_text(encoding="utf-8")
    if "report-summary" not in page and "summary-original" not in page:
        page = (built / "book" / "intro.html").read_text(encoding="utf-8")
    summary = load("report_summary")
    assert page.count('class="summary-original"') == len(summary)
    first = page.index("summary-original")
    assert first < page.index('id="how-to-read-it"')
    for _, row in summary.iterrows():
        assert row["text_zh"] in page.replace("&quot;", '"')
