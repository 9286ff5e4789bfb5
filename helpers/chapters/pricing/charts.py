"""The pricing chapter's charts (Altair). Each returns a titled chart with alt text and tooltips."""
from __future__ import annotations

import altair as alt
import pandas as pd

from helpers.charts import BAR_WIDTH, BLUE, DARK_ORANGE, GREEN, GREY, MID_GREY, ORANGE, RED, WIDTH


def infra_margin(curve: pd.DataFrame, points: pd.DataFrame, breakeven: float, utilization: float,
                 server: str = "8×A100") -> alt.LayerChart:
    """Gross margin vs utilization, the break-even line, the report's printed points and the chosen utilization, for
    one rented ``server`` ("8×A100", ``inputs.server_label``)."""
    base = alt.Chart(curve).mark_line(color=BLUE, strokeWidth=2.5, clip=True).encode(
        x=alt.X("utilization:Q", title="Utilization (share of the year rented)", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("gross_margin:Q", title="Gross margin (% of rental revenue)", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[-1, 1])),
        tooltip=[alt.Tooltip("utilization:Q", format=".0%", title="Utilization"),
                 alt.Tooltip("gross_margin:Q", format=".1%", title="Gross margin (exact)"),
                 alt.Tooltip("annual_revenue_usd:Q", format=",.0f", title="Revenue per year (USD)")])
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color=MID_GREY).encode(y="y:Q")
    be = alt.Chart(pd.DataFrame({"utilization": [breakeven], "label": [f"break-even {breakeven:.1%}"]}))
    be_rule = be.mark_rule(color=RED, strokeDash=[4, 3], clip=True).encode(
        x="utilization:Q", tooltip=[alt.Tooltip("utilization:Q", format=".1%", title="Break-even utilization")])
    be_text = be.mark_text(align="left", dx=4, color=RED, clip=True).encode(
        x="utilization:Q", y=alt.datum(-0.85), text="label:N")
    pts = points.dropna(subset=["report_printed"]).melt(
        id_vars=["utilization"], value_vars=["report_printed", "exact"], var_name="figure", value_name="margin")
    pts["figure"] = pts["figure"].map({"report_printed": "Report, as printed", "exact": "Exact recomputation"})
    dots = alt.Chart(pts).mark_point(filled=True, size=80).encode(
        x="utilization:Q", y="margin:Q",
        color=alt.Color("figure:N", title=None, scale=alt.Scale(domain=["Report, as printed", "Exact recomputation"],
                                                                range=[ORANGE, BLUE])),
        shape=alt.Shape("figure:N", title=None, scale=alt.Scale(domain=["Report, as printed", "Exact recomputation"])),
        tooltip=[alt.Tooltip("figure:N", title="Figure"), alt.Tooltip("utilization:Q", format=".0%"),
                 alt.Tooltip("margin:Q", format=".1%", title="Gross margin")])
    chosen = alt.Chart(points[points["utilization"] == utilization]).mark_point(
        shape="diamond", size=160, color=GREEN, filled=True).encode(
        x="utilization:Q", y="exact:Q",
        tooltip=[alt.Tooltip("utilization:Q", format=".0%", title="Chosen utilization"),
                 alt.Tooltip("exact:Q", format=".1%", title="Gross margin")])
    return alt.layer(zero, base, be_rule, be_text, dots, chosen).properties(
        width=WIDTH, height=320,
        title=alt.Title(f"A rented {server} server breaks even at {breakeven:.0%} utilization" if breakeven <= 1 else
                        f"A rented {server} server never breaks even at this rent",
                        subtitle=f"Cloud provider's gross margin on one {server} server rented by the hour"),
        description=(f"Line chart of gross margin against utilization, rising from negative at low utilization to "
                     f"{curve['gross_margin'].iloc[-1]:.1%} at full use; break-even at {breakeven:.1%}. Orange dots "
                     "mark the report's printed margins, blue dots the exact recomputation, a green diamond the chosen utilization."))


def training_cost(table: pd.DataFrame, guohai_low_usd: float, guohai_high_usd: float) -> alt.LayerChart:
    """Horizontal bars of GPT-3 training cost per case, with the Guohai Securities per-run range shaded."""
    band = alt.Chart(pd.DataFrame({"low": [guohai_low_usd], "high": [guohai_high_usd],
                                   "label": [f"Guohai Securities: USD {guohai_low_usd / 1e6:g}–{guohai_high_usd / 1e6:g} million per run"]})).mark_rect(
        color=ORANGE, opacity=0.15).encode(
        x="low:Q", x2="high:Q", tooltip=[alt.Tooltip("label:N", title="Range"),
                                         alt.Tooltip("low:Q", format=",.0f", title="From (USD)"),
                                         alt.Tooltip("high:Q", format=",.0f", title="To (USD)")])
    bars = alt.Chart(table).mark_bar(color=BLUE).encode(
        y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("cost_usd:Q", title="Cost of one training run (USD)", axis=alt.Axis(format="~s")),
        tooltip=[alt.Tooltip("case:N", title="Case"), alt.Tooltip("peak_tflops:Q", title="Peak TFLOPS used"),
                 alt.Tooltip("gpu_years_at_peak:Q", format=",.1f", title="GPU-years at peak"),
                 alt.Tooltip("cost_usd:Q", format=",.0f", title="Cost (USD)")])
    band_label = alt.Chart(pd.DataFrame({"x": [(guohai_low_usd + guohai_high_usd) / 2],
                                         "text": [f"Guohai: USD {guohai_low_usd / 1e6:g}–{guohai_high_usd / 1e6:g}M per run"]})).mark_text(
        color=DARK_ORANGE, baseline="bottom", dy=-2).encode(x="x:Q", y=alt.value(0), text="text:N")
    return alt.layer(band, bars, band_label).properties(
        width=BAR_WIDTH, height=150,
        title=alt.Title("Counting V100 tensor cores shrinks the 2020-to-2023 fall in training cost",
                        subtitle="GPT-3-class training run (6·N·D FLOPs) on rented AWS GPUs"),
        description=("Horizontal bar chart of GPT-3 training cost: " + "; ".join(
            f"{c}: USD {v:,.0f}" for c, v in zip(table["case"], table["cost_usd"]))
                     + f". A shaded band marks Guohai Securities' USD {guohai_low_usd / 1e6:g}–{guohai_high_usd / 1e6:g} million per run."))


def inference_margin(table: pd.DataFrame) -> alt.Chart:
    """Bars of API gross margin per inference case, negative margins in red."""
    t = table.assign(sign=lambda d: d["gross_margin"].ge(0).map({True: "profit", False: "loss"}))
    return alt.Chart(t).mark_bar().encode(
        y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("gross_margin:Q", title="API gross margin (% of price)", axis=alt.Axis(format="%")),
        color=alt.Color("sign:N", scale=alt.Scale(domain=["profit", "loss"], range=[BLUE, RED]), legend=None),
        tooltip=[alt.Tooltip("case:N", title="Case"), alt.Tooltip("peak_tflops:Q", title="Peak TFLOPS used"),
                 alt.Tooltip("cost_usd_per_1k:Q", format=".5f", title="GPU cost per 1K tokens (USD)"),
                 alt.Tooltip("price_usd_per_1k:Q", format=".4f", title="Price per 1K tokens (USD)"),
                 alt.Tooltip("gross_margin:Q", format=".1%", title="Gross margin")]
    ).properties(
        width=BAR_WIDTH, height=170,
        title=alt.Title("At the same price, counting dense TFLOPS halves H100's cost advantage",
                        subtitle="API gross margin, GPU rental the only cost"),
        description="Horizontal bar chart of API gross margin: " + "; ".join(
            f"{c}: {m:.1%}" for c, m in zip(table["case"], table["gross_margin"])))


def app_cost_vs_dau(costs: pd.DataFrame) -> alt.Chart:
    """Log-log lines of daily API cost against DAU per scenario."""
    per_user = costs[costs["dau"] == costs["dau"].min()].set_index("name_en")["daily_cost_usd"]
    title = (f"At any scale, a {per_user.idxmax().lower()} costs {per_user.max() / per_user.min():.0f}× "
             f"as much as a {per_user.idxmin().lower()}")
    return alt.Chart(costs).mark_line(point=True).encode(
        x=alt.X("dau:Q", title="Daily active users (log scale)", scale=alt.Scale(type="log"), axis=alt.Axis(format="~s")),
        y=alt.Y("daily_cost_usd:Q", title="API cost per day (USD, log scale)", scale=alt.Scale(type="log"),
                axis=alt.Axis(format="~s")),
        color=alt.Color("scenario:N", title=None, legend=alt.Legend(labelLimit=300)),
        tooltip=[alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("dau:Q", format=",.0f", title="DAU"),
                 alt.Tooltip("daily_cost_usd:Q", format=",.0f", title="Cost per day (USD)")]
    ).properties(
        width=WIDTH, height=300,
        title=alt.Title(title,
                        subtitle="Daily gpt-3.5-turbo cost of three app archetypes"),
        description="Log-log line chart of daily API cost against daily active users for three scenarios; cost is "
                    "proportional to users, so the lines are parallel: " + "; ".join(
            f"{s} at {d:,.0f} DAU: USD {c:,.0f}" for s, d, c in zip(costs["scenario"], costs["dau"], costs["daily_cost_usd"])
            if d in (1e6, 1e7)))


def product_prices(prices: pd.DataFrame, unit: str, title: str, subtitle: str) -> alt.Chart:
    """Volume-discount curves: price per unit against units bought, one line per product."""
    d = prices[prices["unit"] == unit]
    unit_label = "USD per image" if unit == "image" else "USD per 1K words"
    return alt.Chart(d).mark_line(point=alt.OverlayMarkDef(size=60, filled=True)).encode(
        x=alt.X("quantity:Q", title=f"{'Images' if unit == 'image' else 'Words'} in the plan (log scale)",
                scale=alt.Scale(type="log"), axis=alt.Axis(format="~s")),
        y=alt.Y("usd_per_unit:Q", title=unit_label, axis=alt.Axis(format=".3~f")),
        color=alt.Color("product:N", title=None, scale=alt.Scale(scheme="tableau10"),
                        legend=alt.Legend(columns=4, labelLimit=200)),
        shape=alt.Shape("billing_label:N", title="Billing",
                        scale=alt.Scale(domain=["one-off pack", "monthly plan"], range=["circle", "square"])),
        tooltip=[alt.Tooltip("product:N", title="Product"), alt.Tooltip("plan:N", title="Plan"),
                 alt.Tooltip("price:Q", title="Price"), alt.Tooltip("currency:N", title="Currency"),
                 alt.Tooltip("billing_label:N", title="Billing"),
                 alt.Tooltip("usd_per_unit:Q", format=".4f", title=unit_label)]
    ).properties(width=WIDTH, height=300, title=alt.Title(title, subtitle=subtitle),
                 description=f"Line chart of {unit_label} against plan size for each product: " + "; ".join(
                     f"{p} {q:,.0f}: USD {v:.4f}" for p, q, v in zip(d["product"], d["quantity"], d["usd_per_unit"])))


def training_cost_shares(shares: pd.DataFrame) -> alt.Chart:
    """Range bars (low–high share) for each training-cost item, grouped by category."""
    d = shares.dropna(subset=["share_low"]).assign(label=lambda x: x["item_en"] + " " + x["item_zh"])
    top = d.sort_values("share_high").iloc[-1]
    return alt.Chart(d).mark_bar(height=12).encode(
        y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("share_low:Q", title="Share of total training cost (range)", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 0.75])),
        x2="share_high:Q",
        color=alt.Color("group:N", title="Category"),
        opacity=alt.Opacity("level:N", scale=alt.Scale(domain=["cost category", "item within category"], range=[1, 0.55]),
                            title=None),
        tooltip=[alt.Tooltip("label:N", title="Item"), alt.Tooltip("share_low:Q", format=".1%", title="From"),
                 alt.Tooltip("share_high:Q", format=".1%", title="To"), alt.Tooltip("report_text:N", title="Report")]
    ).properties(width=BAR_WIDTH, height=260,
                 title=alt.Title(f"{top['item_en']} is {top['share_low']:.0%}–{top['share_high']:.0%} of a large model's training bill",
                                 subtitle="Cost shares of training a large model (ChatGPT, ERNIE, M6, PanGu)"),
                 description="Range bar chart of training-cost shares: " + "; ".join(
                     f"{l}: {a:.1%}–{b:.1%}" for l, a, b in zip(d["label"], d["share_low"], d["share_high"])))


def revenue_mix(mix: pd.DataFrame) -> alt.Chart:
    """Grouped bars of revenue-model shares in 2023 and 2027; interpreted figures drawn lighter."""
    return alt.Chart(mix).mark_bar().encode(
        y=alt.Y("revenue_model:N", title=None, sort=None, axis=alt.Axis(labelLimit=300)),
        yOffset=alt.YOffset("year:N"),
        x=alt.X("share:Q", title="Share of China's AIGC market (%)", axis=alt.Axis(format="%")),
        color=alt.Color("year:N", title="Year", scale=alt.Scale(range=[GREY, BLUE])),
        opacity=alt.Opacity("status:N", scale=alt.Scale(domain=["stated", "our interpretation"], range=[1, 0.45]),
                            title="2027 figure"),
        tooltip=[alt.Tooltip("revenue_model:N", title="Revenue model"), alt.Tooltip("year:N", title="Year"),
                 alt.Tooltip("share:Q", format=".0%", title="Share"), alt.Tooltip("status:N", title="Status")]
    ).properties(width=BAR_WIDTH, height=260,
                 title=alt.Title("Model-as-a-service overtakes pay-per-output by 2027, in QbitAI's forecast",
                                 subtitle="Revenue models' shares of the market, 2023 and 2027"),
                 description="Grouped bar chart of revenue-model market shares: " + "; ".join(
                     f"{m} {y}: {s:.0%} ({st})" for m, y, s, st in zip(mix["revenue_model"], mix["year"], mix["share"], mix["status"])))


def training_mfu(train: pd.DataFrame, report_efficiency: float) -> alt.LayerChart:
    """Measured training MFU against model size, with the report's assumed training efficiency."""
    long = train.melt(id_vars=["model", "params"], value_vars=["mfu", "mfu_6n_only"], var_name="formula", value_name="share")
    long["formula"] = long["formula"].map({"mfu": "6·N + attention", "mfu_6n_only": "6·N only"})
    rule = alt.Chart(pd.DataFrame({"y": [report_efficiency], "label": [f"report's assumption {report_efficiency:.0%}"]}))
    return alt.layer(
        rule.mark_rule(color=RED, strokeDash=[5, 4]).encode(y="y:Q"),
        rule.mark_text(align="left", dx=4, dy=-7, color=RED).encode(y="y:Q", text="label:N", x=alt.datum(1.2e8)),
        alt.Chart(long).mark_line(point=alt.OverlayMarkDef(size=80, filled=True)).encode(
            x=alt.X("params:Q", title="Model parameters (log scale)", scale=alt.Scale(type="log"), axis=alt.Axis(format="~s")),
            y=alt.Y("share:Q", title="Model FLOPs utilisation (% of dense peak)", axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, 0.6])),
            color=alt.Color("formula:N", title="FLOPs counted"),
            tooltip=[alt.Tooltip("model:N", title="Model"), alt.Tooltip("params:Q", format=",.0f", title="Parameters"),
                     alt.Tooltip("formula:N", title="FLOPs counted"), alt.Tooltip("share:Q", format=".1%", title="MFU")]),
    ).properties(width=WIDTH - 100, height=260,
                 title=alt.Title(f"Eager training reaches {train['mfu'].max():.0%} of peak, short of the report's {report_efficiency:.0%}",
                                 subtitle="Training-step MFU on an NVIDIA H100 80GB, eager PyTorch, batch 8 × 2,048 tokens"),
                 description="Line chart of measured training MFU against model size: " + "; ".join(
                     f"{m}: {a:.1%} (6N only {b:.1%})" for m, a, b in zip(train["model"], train["mfu"], train["mfu_6n_only"]))
                 + f". A dashed line marks the report's {report_efficiency:.0%}.")


def inference_mfu(pre: pd.DataFrame, dec: pd.DataFrame, report_efficiency: float) -> alt.LayerChart:
    """Prefill and decode MFU against batch size, with decode's roofline and the report's assumption."""
    roof = dec.assign(mfu=2 * dec["params_nonembed"] * dec["decode_roofline_tokens_per_s"] / (dec["peak_tflops"] * 1e12))
    d = pd.concat([pre.assign(phase="prefill (measured)"), dec.assign(phase="decode (measured)"),
                   roof.assign(phase="decode at the memory-bandwidth roofline")])[["phase", "batch", "mfu", "tokens_per_s"]]
    rule = alt.Chart(pd.DataFrame({"y": [report_efficiency], "label": [f"report's assumption {report_efficiency:.0%}"]}))
    return alt.layer(
        rule.mark_rule(color=RED, strokeDash=[5, 4]).encode(y="y:Q"),
        rule.mark_text(align="left", dx=4, dy=-7, color=RED).encode(y="y:Q", text="label:N", x=alt.datum(1)),
        alt.Chart(d).mark_line(point=alt.OverlayMarkDef(size=70, filled=True)).encode(
            x=alt.X("batch:Q", title="Batch size (sequences, log scale)", scale=alt.Scale(type="log", base=2)),
            y=alt.Y("mfu:Q", title="Model FLOPs utilisation (% of dense peak, log scale)", axis=alt.Axis(format="%"),
                    scale=alt.Scale(type="log", domain=[5e-5, 1])),
            color=alt.Color("phase:N", title=None, scale=alt.Scale(
                domain=["prefill (measured)", "decode (measured)", "decode at the memory-bandwidth roofline"],
                range=[BLUE, ORANGE, GREY]), legend=alt.Legend(columns=1, labelLimit=320)),
            strokeDash=alt.StrokeDash("phase:N", legend=None, scale=alt.Scale(
                domain=["prefill (measured)", "decode (measured)", "decode at the memory-bandwidth roofline"],
                range=[[1, 0], [1, 0], [4, 3]])),
            tooltip=[alt.Tooltip("phase:N", title="Phase"), alt.Tooltip("batch:Q", title="Batch"),
                     alt.Tooltip("mfu:Q", format=".3%", title="MFU"), alt.Tooltip("tokens_per_s:Q", format=",.0f", title="Tokens/s")]),
    ).properties(width=WIDTH - 100, height=280,
                 title=alt.Title(f"Prefill reaches {pre['mfu'].max():.0%} of peak; decode at most {dec['mfu'].max():.1%} "
                                 f"({roof['mfu'].max():.1%} at the roofline)",
                                 subtitle="1.1B-parameter model on an NVIDIA H100 80GB, eager PyTorch, 512-token prompts, 128 new tokens"),
                 description="Log-scale line chart of inference MFU against batch size: " + "; ".join(
                     f"{ph} batch {b:g}: {m:.3%}" for ph, b, m in zip(d["phase"], d["batch"], d["mfu"])))


# the tornado charts (each pricing layer's "which input moves the answer most") live beside, in tornado.py
from helpers.chapters.pricing.tornado import TORNADO, tornado, tornado_caption  # noqa: E402, F401
