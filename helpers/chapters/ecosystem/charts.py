"""The ecosystem chapter's charts (Altair). Each returns a titled chart with alt text and tooltips."""
from __future__ import annotations

import altair as alt
import pandas as pd

from helpers.charts import BAR_WIDTH, BLUE, GREEN, GREY, LIGHT_BLUE, ORANGE, PURPLE, RED, SOFT_GREY, WIDTH


def players_per_layer(counts: pd.DataFrame) -> alt.Chart:
    """Grouped bars: companies each report names per layer."""
    return alt.Chart(counts).mark_bar().encode(
        y=alt.Y("layer_name:N", title=None, sort=["Infrastructure 基础设施层", "Model 模型层", "Application 应用层"]),
        yOffset=alt.YOffset("report:N"),
        x=alt.X("companies:Q", title="Companies named (count)"),
        color=alt.Color("report:N", title="Report", legend=alt.Legend(columns=1, labelLimit=300)),
        tooltip=[alt.Tooltip("report:N", title="Report"), alt.Tooltip("layer_name:N", title="Layer"),
                 alt.Tooltip("companies:Q", title="Companies named")]
    ).properties(width=BAR_WIDTH, height=240,
                 title=alt.Title("Who the reports name in each layer",
                                 subtitle="Distinct companies per layer (layer mapping ours where a report uses its own chain terms)"),
                 description="Grouped bar chart of the number of companies each report names per layer: " + "; ".join(
                     f"{r} {l}: {c}" for r, l, c in zip(counts["report"], counts["layer_name"], counts["companies"])))


def pnl_margins(scen: pd.DataFrame) -> alt.LayerChart:
    """Dumbbell chart: operating margin before → after AI for each player type."""
    long = scen.melt(id_vars=["player"], value_vars=["margin_before", "margin_after"], var_name="when",
                     value_name="margin")
    long["when"] = long["when"].map({"margin_before": "before AI", "margin_after": "with AI"})
    base = alt.Chart(scen).mark_rule(color=SOFT_GREY, strokeWidth=2).encode(
        y=alt.Y("player:N", title=None, sort=None), x="margin_before:Q", x2="margin_after:Q")
    dots = alt.Chart(long).mark_circle(size=140, opacity=1).encode(
        y=alt.Y("player:N", sort=None),
        x=alt.X("margin:Q", title="Operating margin (% of revenue)", axis=alt.Axis(format="%")),
        color=alt.Color("when:N", title=None, scale=alt.Scale(domain=["before AI", "with AI"], range=[GREY, BLUE])),
        tooltip=[alt.Tooltip("player:N", title="Player"), alt.Tooltip("when:N", title="When"),
                 alt.Tooltip("margin:Q", format=".1%", title="Operating margin")])
    best = scen.loc[scen["margin_after"].idxmax(), "player"]
    return alt.layer(base, dots).properties(
        width=BAR_WIDTH, height=150,
        title=alt.Title(f"With these inputs the {best.split(' ')[0].lower()} gains most from AI",
                        subtitle="Operating margin before and with AI, three player types (inputs: the report's examples and our assumptions)"),
        description="Dumbbell chart of operating margin before and with AI: " + "; ".join(
            f"{p}: {b:.1%} → {a:.1%}" for p, b, a in zip(scen["player"], scen["margin_before"], scen["margin_after"])))


def startup_shift(shift: pd.DataFrame) -> alt.LayerChart:
    """Slope chart of the two categories' shares, 2023 Q1 → 2023 H1."""
    base = alt.Chart(shift).encode(
        x=alt.X("period:N", title="Survey (start-ups founded after GPT-3)", sort=["2023Q1", "2023H1"],
                axis=alt.Axis(labelAngle=0, labelExpr="datum.value == '2023Q1' ? '2023 Q1 (~100)' : '2023 H1 (~200)'")),
        y=alt.Y("share:Q", title="Share of surveyed start-ups (%)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 0.8])),
        color=alt.Color("category:N", title=None, legend=alt.Legend(labelLimit=320)),
        tooltip=[alt.Tooltip("category:N", title="Category"), alt.Tooltip("period:N", title="Survey"),
                 alt.Tooltip("share:Q", format=".0%", title="Share"), alt.Tooltip("report_text:N", title="Report")])
    return alt.layer(base.mark_line(strokeWidth=3), base.mark_circle(size=120),
                     base.mark_text(dx=14, align="left").encode(text=alt.Text("share:Q", format=".0%"))).properties(
        width=360, height=280,
        title=alt.Title("Start-ups moved from tools toward models and infrastructure",
                        subtitle="Qiming's survey of Chinese generative-AI start-ups, 2023 Q1 and H1"),
        description="Slope chart: " + "; ".join(f"{c} {p}: {s:.0%}" for c, p, s in zip(shift["category"], shift["period"], shift["share"])))


def rounds_timeline(rounds: pd.DataFrame) -> alt.Chart:
    """Funding rounds on a timeline, circle area by amount."""
    return alt.Chart(rounds).mark_circle(opacity=0.8).encode(
        x=alt.X("date_start:T", title="Month of the round", scale=alt.Scale(padding=30),
                axis=alt.Axis(format="%b %Y", tickCount={"interval": "month", "step": 3}, labelAngle=0)),
        y=alt.Y("company:N", title=None),
        size=alt.Size("amount_usd:Q", title="Amount (USD)", scale=alt.Scale(range=[80, 1800]),
                      legend=alt.Legend(labelExpr="'USD ' + format(datum.value, ',.2s')", values=[100e6, 500e6, 1e9])),
        color=alt.Color("company:N", legend=None),
        tooltip=[alt.Tooltip("company:N", title="Company"), alt.Tooltip("round:N", title="Round"),
                 alt.Tooltip("date_text:N", title="Date (report)"), alt.Tooltip("amount_usd:Q", format=",.0f", title="Amount (USD)"),
                 alt.Tooltip("investors:N", title="Investors (report; leads not stated)")]
    ).properties(width=WIDTH - 80, height=160,
                 title=alt.Title("Model start-ups raised ever larger rounds within a year",
                                 subtitle="Funding rounds of Adept, Inflection and Character.AI as the report lists them"),
                 description="Timeline of funding rounds: " + "; ".join(
                     f"{c} {r} {d}: USD {a:,.0f}" for c, r, d, a in zip(rounds["company"], rounds["round"], rounds["date_text"], rounds["amount_usd"])))


def unicorns(u: pd.DataFrame) -> alt.Chart:
    """Bars of the stated unicorn valuations; a figure that cannot be a valuation is drawn apart."""
    u = u.assign(kind=u["figure_kind"].map({"valuation": "valuation as stated",
                                            "likely_funding_not_valuation": "not a valuation (below USD 1 bn): likely funding"}))
    return alt.Chart(u).mark_circle(size=160, opacity=1).encode(
        y=alt.Y("company:N", title=None, sort="-x"),
        x=alt.X("valuation_usd_bn:Q", title="USD billion (log scale)", scale=alt.Scale(type="log", domain=[0.1, 500])),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(range=[RED, BLUE]),
                        legend=alt.Legend(orient="bottom", labelLimit=360)),
        tooltip=[alt.Tooltip("company:N", title="Company"), alt.Tooltip("valuation_usd_bn:Q", format=",.1f", title="USD bn"),
                 alt.Tooltip("valuation_as_stated:N", title="As stated"), alt.Tooltip("kind:N", title="Figure")]
    ).properties(width=BAR_WIDTH, height=220,
                 title=alt.Title("OpenAI's valuation dwarfed every other AIGC unicorn's",
                                 subtitle="Overseas AIGC unicorns named by QbitAI, with the figures it gives"),
                 description="Bar chart of stated unicorn valuations in USD billion: " + "; ".join(
                     f"{c}: {v:g} ({k})" for c, v, k in zip(u["company"], u["valuation_usd_bn"], u["kind"])))


def q3_breakdown(b: pd.DataFrame) -> alt.Chart:
    """Deals per stated category of Cyzone's Q3 breakdowns."""
    d = b[b["deals"].notna()].assign(dimension_name=lambda x: x["dimension"].map(
        {"size_bracket": "Deal size", "stage": "Stage", "city": "City", "segment": "Segment"}),
        label=lambda x: x["category_en"].str.replace(r" \(.*\)", "", regex=True) + " " + x["category_zh"])
    return alt.Chart(d).mark_bar().encode(
        y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
        x=alt.X("deals:Q", title="Deals in 2023 Q3 (count)"),
        color=alt.Color("dimension_name:N", title="Breakdown"),
        tooltip=[alt.Tooltip("dimension_name:N", title="Breakdown"), alt.Tooltip("label:N", title="Category"),
                 alt.Tooltip("deals:Q", title="Deals"), alt.Tooltip("report_text:N", title="Report")]
    ).properties(width=BAR_WIDTH - 60, height=200,
                 title=alt.Title("Early-stage deals dominated China's AIGC financing in 2023 Q3",
                                 subtitle="Deals per category the Cyzone report states (other categories are not given)"),
                 description="Bar chart of Q3 2023 deals by stated category: " + "; ".join(
                     f"{l}: {n:g}" for l, n in zip(d["label"], d["deals"])))


def financing_shares(h: pd.DataFrame) -> alt.Chart:
    """iResearch round and repeat-financing shares; our assignments of chart numbers drawn lighter."""
    d = h[h["share"].notna() & h["dimension"].isin(["round", "times_financed"])].assign(
        status=lambda x: x["figure_status"].map({"stated_in_text": "stated in the text",
                                                 "chart_number_assigned": "chart number, our assignment",
                                                 "chart_number_unassigned": "chart number, category unknown"}),
        dimension_name=lambda x: x["dimension"].map({"round": "By round", "times_financed": "By times financed"}))
    return alt.Chart(d).mark_bar().encode(
        y=alt.Y("category_en:N", title=None, sort=None, axis=alt.Axis(labelLimit=280)),
        x=alt.X("share:Q", title="Share of deals or companies, 2021 to July 2023 (%)", axis=alt.Axis(format="%")),
        color=alt.Color("dimension_name:N", title=None, legend=alt.Legend(orient="bottom", direction="vertical")),
        opacity=alt.Opacity("status:N", title="Figure", legend=alt.Legend(orient="bottom", direction="vertical"), scale=alt.Scale(
            domain=["stated in the text", "chart number, our assignment", "chart number, category unknown"], range=[1, 0.55, 0.3])),
        tooltip=[alt.Tooltip("category_en:N", title="Category"), alt.Tooltip("share:Q", format=".1%", title="Share"),
                 alt.Tooltip("status:N", title="Figure"), alt.Tooltip("reading_note:N", title="Reading")]
    ).properties(width=BAR_WIDTH - 40, height=260,
                 title=alt.Title("Most AIGC financing was early-stage, and most companies raised once",
                                 subtitle="iResearch: China AIGC financing, 2021 to 31 July 2023; lighter bars are our readings of chart numbers"),
                 description="Bar chart of financing shares: " + "; ".join(
                     f"{c}: {s:.1%} ({st})" for c, s, st in zip(d["category_en"], d["share"], d["status"])))


def market_forecasts(points: pd.DataFrame, stages: pd.DataFrame, cny_per_usd: float) -> alt.LayerChart:
    """Stated market-size points of both forecasters on a log scale, QbitAI's stages as bands."""
    years = alt.Scale(domain=[2022.5, 2030.5], zero=False, nice=False)
    bands = alt.Chart(stages.assign(label=stages["name_en"] + " " + stages["name_zh"])).mark_rect(opacity=0.12).encode(
        x=alt.X("start_year:Q", scale=years, title="Year", axis=alt.Axis(format="d")), x2="end_year:Q",
        color=alt.Color("label:N", title="QbitAI stage", scale=alt.Scale(range=[ORANGE, GREEN, PURPLE]),
                        legend=alt.Legend(columns=1, labelLimit=300)),
        tooltip=[alt.Tooltip("label:N", title="Stage"), alt.Tooltip("years_as_stated:N", title="Years")])
    line = alt.Chart(points[points["forecaster"] == "iresearch"]).mark_line(color=BLUE, strokeDash=[4, 3]).encode(
        x=alt.X("year:Q", scale=years), y=alt.Y("market_size_cny_100m:Q", scale=alt.Scale(type="log")))
    dots = alt.Chart(points).mark_point(filled=True, size=110).encode(
        x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d"), scale=years),
        y=alt.Y("market_size_cny_100m:Q", title="China AIGC market (亿 CNY = 100 million, log scale)",
                scale=alt.Scale(type="log")),
        shape=alt.Shape("forecaster_name:N", title="Forecaster"),
        tooltip=[alt.Tooltip("forecaster_name:N", title="Forecaster"), alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("market_size_cny_100m:Q", format=",.0f", title="亿 CNY"),
                 alt.Tooltip("market_size_usd_bn:Q", format=",.1f", title=f"USD bn at {cny_per_usd:g} CNY/USD"),
                 alt.Tooltip("report_text:N", title="Report")])
    last = points[points["year"] == points["year"].max()]
    agree = " and ".join(f"{v:,.0f}" for v in last["market_size_cny_100m"])
    return alt.layer(bands, line, dots).resolve_scale(color="independent").properties(
        width=WIDTH - 60, height=300,
        title=alt.Title(f"Two forecasts, one destination: {agree} 亿 CNY in {int(last['year'].iloc[0])}",
                        subtitle="China AIGC market size as iResearch and QbitAI state it; other years are not in the sources"),
        description="Log-scale chart of stated market sizes: " + "; ".join(
            f"{f} {y}: {v:,.0f} 亿 CNY" for f, y, v in zip(points["forecaster_name"], points["year"], points["market_size_cny_100m"]))
        + ". Shaded bands mark QbitAI's three development stages.")


def ai_waves(w: pd.DataFrame) -> alt.LayerChart:
    """Horizontal bars: how long each of the report's four waves of AI took (a range where it gives one)."""
    done = w[w["years_low"].notna()]
    y = alt.Y("wave_name:N", title=None, sort=list(w["wave_name"]), axis=alt.Axis(labelLimit=320))
    bars = alt.Chart(done).mark_bar(color=BLUE).encode(
        y=y, x=alt.X("years_low:Q", title="Years the wave took (as the report states)", scale=alt.Scale(domain=[0, 50])),
        tooltip=[alt.Tooltip("wave_name:N", title="Wave"), alt.Tooltip("name_zh:N", title="Report's term"),
                 alt.Tooltip("label:N", title="Took")])
    rng = alt.Chart(done[done["years_high"] > done["years_low"]]).mark_bar(color=LIGHT_BLUE).encode(
        y=y, x="years_low:Q", x2="years_high:Q",
        tooltip=[alt.Tooltip("wave_name:N", title="Wave"), alt.Tooltip("label:N", title="Took (range stated)")])
    text = alt.Chart(w).mark_text(align="left", dx=4).encode(
        y=y, x=alt.X("x:Q"), text="label:N",
        tooltip=[alt.Tooltip("wave_name:N", title="Wave"), alt.Tooltip("name_zh:N", title="Report's term"),
                 alt.Tooltip("label:N", title="Took")]
    ).transform_calculate(x="isValid(datum.years_high) ? datum.years_high : 0")
    return alt.layer(bars, rng, text).properties(
        width=BAR_WIDTH, height=170,
        title=alt.Title("Each wave of AI ran its course faster than the last",
                        subtitle="The report's four waves, years each took (the fourth began with the Transformer)"),
        description="Bar chart of how long each wave of AI took, as the report states: " + "; ".join(
            f"{n}: {lab}" for n, lab in zip(w["wave_name"], w["label"])))


def startup_landscape_q1(q: pd.DataFrame) -> alt.Chart:
    """Bars of the Q1 start-up shares the text keeps, one panel per dimension ('nearly' drawn lighter)."""
    return alt.Chart(q).mark_bar().encode(
        y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
        x=alt.X("share:Q", title="Share of the ~100 surveyed Chinese start-ups (%)", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 0.7])),
        row=alt.Row("dimension_en:N", title=None, header=alt.Header(labelOrient="top", labelAngle=0, labelAlign="left",
                                                                     labelAnchor="start", labelFontWeight="bold"),
                    sort=["By segment (sums to about 100 %)", "By product direction (two of several)"]),
        color=alt.Color("stated_as:N", title=None, scale=alt.Scale(domain=["stated", "stated as 'nearly'"],
                                                                   range=[BLUE, LIGHT_BLUE])),
        tooltip=[alt.Tooltip("category_en:N", title="Category"), alt.Tooltip("category_zh:N", title="Report's term"),
                 alt.Tooltip("share:Q", format=".0%", title="Share"), alt.Tooltip("stated_as:N", title="Qualifier")]
    ).resolve_scale(y="independent").properties(
        width=BAR_WIDTH, height=alt.Step(26),
        title=alt.Title("In 2023 Q1 multimodal applications and productivity tools led",
                        subtitle="What the text keeps of the lost chart 生成式 AI 创业领域（截至 2023 年 Q1）"),
        description="Bar chart of the start-up shares the report states for 2023 Q1: " + "; ".join(
            f"{l} {s:.0%} ({a})" for l, s, a in zip(q["label"], q["share"], q["stated_as"])))
