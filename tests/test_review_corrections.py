"""The December 2026 reviews' corrections, each pinned where a reader meets it: in the committed chapters' outputs
(what the book, JupyterLab and nbconvert show) or in the data they come from. A test per item; the wrong wording,
where a phrase could creep back, is refused too."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import NOTEBOOKS

from helpers.chapters import pricing, research
from helpers.data import load, lookup


def shown(chapter: str) -> str:
    """Every Markdown and HTML output of a committed chapter, and its Markdown cells, as one text (line breaks as spaces)."""
    import nbformat

    nb = nbformat.read(str(NOTEBOOKS / f"{chapter}.ipynb"), as_version=4)
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts += [data.get("text/markdown", ""), data.get("text/html", "")]
    return re.sub(r"\s+", " ", " ".join(parts))


@pytest.mark.parametrize("chapter, right, wrong", [
    # fidelity review B (research, regulation, talent, outlook)
    ("04_regulation", "prepared for submission to the NPC Standing Committee (预备提请", "is among the bills to be submitted"),
    ("04_regulation", "The section makes four forecasts", "makes three forecasts"),
    ("04_regulation", "they grow overall (falling in 2021 and 2022)", "they rise from"),
    ("05_talent", "next at the big technology companies", "next for the future of the technology giants"),
    ("05_talent", "Its own table comes close, a little below", "Its own table bears that out"),
    ("05_talent", "is a little generous: close, but above what its own table shows", '"about three quarters" is generous.'),
    ("03_frontier_research", "the report writes 加拿大 CIFAR AI 的主席", None),
    ("03_frontier_research", "the report writes 在分布测试任务", None),
    ("06_outlook", "DALL·E 3 would reach ChatGPT Plus and enterprise users", "makes no dated forecast the book found"),
    # fidelity review A (ecosystem, companies, pricing, three years on)
    ("01_ecosystem", "after which financing and new AI companies began to fall", "the bust that followed"),
    ("01_ecosystem", "Several studies show that knowledge work is hit relatively hard", "Studies agree"),
    ("01_ecosystem", "客户互动、文书撰写、代码编写、资料搜索与收集、数据分析研究", None),
    ("01_ecosystem", "Notion charges USD 10 a month for its AI", None),
    ("01_ecosystem", "(2023 Q1, more than 100 companies)", "(2023 Q1, about 100 companies)"),
    ("01b_companies", "The vast majority (绝大多数) of Chinese large-model teams", "Most Chinese large-model teams"),
    ("01b_companies", "recorded as 0.3333", "recorded as 0.333)"),
    ("02_pricing_models", "operations and energy (运维与能耗) are left out", "power, staff and networking are left out"),
    ("02c_pricing_checks", "the report cuts it to one decimal instead of rounding it", "come from rounding revenue before dividing"),
    ("02c_pricing_checks", 'the model its table labels "ChatGPT3"', "puts one full GPT-3 training run"),
    ("02c_pricing_checks", "was a real 2022 price, of OpenAI's GPT-3.5", "Two of those inputs do not hold"),
    ("02c_pricing_checks", "not the three years to the report", "in three years, not"),
    ("02c_pricing_checks", "This measured decode is not bound by memory bandwidth", "Decode is bound by memory bandwidth"),
    ("02b_three_years_on", "says how big such a fall has been", "the report's trend says how big it should be"),
    ("02b_three_years_on", "the 2023 average", "the search tool found no later rate"),
    ("06_outlook", "No anchor to compare with", "the book's search tool"),
    # readability: wording slips and internal notes (fidelity reviews A §4.5 and B §4.1)
    ("01_ecosystem", "the two are 0.52% apart", "not within half a per cent"),
    ("01_ecosystem", "reefs hidden in the shipping lane (航道下的暗礁)", "reefs below the shipping lane"),
    ("02b_three_years_on", "Cheapest GPT-3.5-class API price (3:1 blend, per 1K tokens)", None),
    ("02b_three_years_on", "HGX H100 8-GPU server (Thinkmate), reseller quotation (with InfiniBand cards) of 2024-08-22",
     "(Thinkmate) (reseller quotation"),
    ("03_frontier_research", "What the extracted text keeps, and two claims it does not support", "previous edition"),
])
def test_the_reviews_wording_is_corrected_where_readers_see_it(chapter, right, wrong):
    text = shown(chapter)
    assert right in text, right
    assert wrong is None or wrong not in text, wrong


def test_the_reports_margin_is_cut_not_rounded():
    """1 − 4/21 is 80.95 %: rounded it prints 81.0 %; the report's 80.9 % is cut (fidelity review A, minor 2)."""
    method = pricing.infra_points(pricing.report_params()).set_index("utilization").at[1.0, "report_method"]
    assert method == pytest.approx(1 - 4 / 21)
    assert round(method, 3) == 0.810 and int(method * 1000) / 1000 == lookup("report_figures", "infra_margin_full", "report_value")


def test_two_papers_with_one_author_year_label_get_a_and_b():
    suffixes = research.year_suffixes(load("papers"))
    assert (suffixes["liu2023sophia"], suffixes["liu2023training"]) == ("a", "b")
    assert sum(bool(s) for s in suffixes.values()) % 2 == 0          # suffixes come in groups, never alone
    assert "Liu et al. 2023a" in shown("03_frontier_research") and "Liu et al. 2023b" in shown("03_frontier_research")


def test_the_p06_horizon_note_says_before_2025():
    p = load("predictions").set_index("prediction_id")
    assert p.at["p06", "horizon_note"].startswith("Before 2025") and p.at["p06", "horizon_date"] == dt.date(2024, 12, 31)


def test_about_the_report_carries_qimings_offices_focus_and_method():
    about = load("forecast_forecasters").set_index("fact_id")
    assert about.at["qiming_offices", "value"] == 7 and "旧金山湾区" in about.at["qiming_offices", "fact_zh"]
    assert "医疗健康" in about.at["qiming_focus", "fact_zh"] and "预判趋势" in about.at["qiming_method", "fact_zh"]


def test_strong_engineering_keeps_the_reports_cause():
    """S365: 由于大模型具备更强的泛化能力和提供方的商业追求 (fidelity review A, coverage)."""
    text = load("eco_lists").set_index("item_id").at["cn_model_company_traits_2", "item_en"]
    assert "generalise better" in text and "commercial aims" in text


def test_the_pricing_takeaways_hold_no_number_from_the_eager_measurement():
    """Issue 25: the key takeaways carry no figure derived from the small, eager GPU run."""
    import nbformat

    from machinery import rerun

    nb = nbformat.read(str(NOTEBOOKS / "02_pricing_models.ipynb"), as_version=4)
    box = next("".join(o["data"]["text/markdown"] for o in c.get("outputs", []) if "text/markdown" in o.get("data", {}))
               for c in nb.cells if "takeaways(" in c.source)
    g = rerun.glued_figures(NOTEBOOKS / "02_pricing_models.ipynb")
    measured = [f"{g['measured_cost_usd_per_1k']:.4f}", f"{g['measured_effective_mfu']:.2%}", f"{g['measured_decode_mfu']:.2%}",
                f"{g['measured_train_mfu_max']:.0%}–", g["measured_infer_model"]]
    assert "Key takeaways" in box and not [m for m in measured if m in box], measured


def test_one_rendering_of_the_reports_reefs():
    """航道下的暗礁 reads the same on the landing page (report_summary) and in the ecosystem chapter (eco_claims)
    (fidelity review A §4.5: it was "reefs below the waterline" on one, "below the shipping lane" on the other)."""
    summary = " ".join(load("report_summary")["text_en"])
    claim = load("eco_claims").set_index("claim_id").at["blue_ocean_reefs", "claim_en"]
    assert "reefs hidden in the shipping lane (航道下的暗礁)" in summary and "reefs hidden in the shipping lane" in claim
    assert "waterline" not in summary
