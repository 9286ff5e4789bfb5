"""Charts of the three-years-on chapter: what-ifs with sliders (Vega expressions, no kernel) and deflation.

The what-if charts compute their figures in the page with Vega expressions written here once
(``INFRA_MARGIN_EXPR`` …); ``tests/test_three_years_on.py`` moves each slider in a browser and checks the
page's value against ``helpers.formulas.costs`` at the same inputs. Each computed figure is also a named
Vega signal (``margin_at_u``, ``breakeven_u``, ``cost_<scenario>``), which the text marks display.
"""
from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from helpers import tables
from helpers.chapters import pricing
from helpers.chapters.three_years_on.api import CLASS_MODELS, cheapest_in_class, class_price_series
from helpers.chapters.three_years_on.dates import report_date, since_report
from helpers.chapters.three_years_on.gpus import like_for_like_h100_usd_per_gpu_hour, rentals
from helpers.chapters.three_years_on.models import inputs
from helpers.chapters.three_years_on.trend import claim_band, flop_claim
from helpers.charts import BAR_WIDTH, BLUE, GREEN, MID_GREY, ORANGE, RED, WIDTH
from helpers.data import load
from helpers.formulas import costs
from helpers.formulas.costs import HOURS_PER_YEAR, TOKENS_PER_1K

# The formulas as Vega expressions (names are the chart's params). Same algebra as helpers.formulas.costs.
INFRA_MARGIN_EXPR = f"1 - (server_usd / years) / (rental_usd_per_hour * {HOURS_PER_YEAR} * {{u}})"
BREAKEVEN_EXPR = f"(server_usd / years) / (rental_usd_per_hour * {HOURS_PER_YEAR})"
APP_COST_EXPR = (f"dau * {{calls}} * ({{tin}} * input_usd_per_1k + {{tout}} * output_usd_per_1k) / {TOKENS_PER_1K:g}")

INFRA_SLIDERS = {  # name: (label, min, max, step)
    "utilization": ("Utilization (share of the year rented)", 0.01, 1.0, 0.01),
    "rental_usd_per_hour": ("Rental price of the 8-GPU server (USD per hour)", 5.0, 120.0, 0.01),
    "server_usd": ("Purchase price of the server (USD)", 100_000, 600_000, 1_000),
}
APP_SLIDERS = {
    "dau": ("Daily active users", 100_000, 20_000_000, 100_000),
    "input_usd_per_1k": ("Price of 1K input tokens (USD)", 0.0, 0.01, 0.00001),
    "output_usd_per_1k": ("Price of 1K output tokens (USD)", 0.0, 0.03, 0.00001),
    "calls": ("Your app: calls per user per day", 1, 200, 1),
    "tokens_in": ("Your app: input tokens per call", 10, 5_000, 10),
    "tokens_out": ("Your app: output tokens per call", 10, 5_000, 10),
}


def _slider(name: str, spec: tuple, value: float) -> alt.Parameter:
    label, lo, hi, step = spec
    return alt.param(name=name, value=value, bind=alt.binding_range(min=lo, max=hi, step=step, name=label + " "))


def infra_whatif(server_usd: float, years: float, rental_usd_per_hour: float, utilization: float,
                 then: dict[str, float], label_now: str) -> alt.LayerChart:
    """Gross margin against utilization for an 8-GPU server, with sliders for utilization, rental and server price."""
    u = _slider("utilization", INFRA_SLIDERS["utilization"], utilization)
    rent = _slider("rental_usd_per_hour", INFRA_SLIDERS["rental_usd_per_hour"], round(rental_usd_per_hour, 2))
    server = _slider("server_usd", INFRA_SLIDERS["server_usd"], server_usd)
    yrs = alt.param(name="years", value=years)
    margin = alt.param(name="margin_at_u", expr=INFRA_MARGIN_EXPR.format(u="utilization"))
    breakeven = alt.param(name="breakeven_u", expr=BREAKEVEN_EXPR)
    grid = pd.DataFrame({"u": np.round(np.arange(0.01, 1.0001, 0.01), 2)})
    x = alt.X("u:Q", title="Utilization (share of the year rented)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("margin:Q", title="Gross margin (% of rental revenue)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[-1, 1]))
    line = alt.Chart(grid).transform_calculate(margin=INFRA_MARGIN_EXPR.format(u="datum.u")).mark_line(
        color=BLUE, strokeWidth=2.5, clip=True).encode(
        x=x, y=y, tooltip=[alt.Tooltip("u:Q", format=".0%", title="Utilization"),
                           alt.Tooltip("margin:Q", format=".1%", title="Gross margin")])
    report = grid.assign(margin=costs.gross_margin(costs.annual_rental_revenue_usd(then["rental_usd_per_hour"], grid["u"]),
                                                   then["annual_cost_usd"]))
    then_line = alt.Chart(report).mark_line(color=ORANGE, strokeDash=[5, 4], clip=True).encode(
        x=x, y=y, tooltip=[alt.Tooltip("u:Q", format=".0%", title="Utilization"),
                           alt.Tooltip("margin:Q", format=".1%", title="Report's server (2023)")])
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color=MID_GREY).encode(y="y:Q")
    one = alt.Chart(pd.DataFrame({"k": [0]}))
    u_rule = one.mark_rule(color=GREEN, strokeWidth=2, aria=False).encode(x=alt.datum(alt.expr("utilization"), type="quantitative"))
    be_rule = one.mark_rule(color=RED, strokeDash=[4, 3], aria=False).encode(x=alt.datum(alt.expr("breakeven_u"), type="quantitative"))
    readout = one.mark_text(align="left", x=8, y=12, fontSize=13, fontWeight=600, color=BLUE,
                            text=alt.expr("'Gross margin at ' + format(utilization, '.0%') + ' utilization: ' + format(margin_at_u, '.1%')"
                                          " + '; break-even at ' + format(breakeven_u, '.1%')"))
    return alt.layer(zero, then_line, line, u_rule, be_rule, readout).add_params(
        u, rent, server, yrs, margin, breakeven).properties(
        width=WIDTH, height=320,
        title=alt.Title("Move the sliders: a rented 8-GPU server's margin at any utilization",
                        subtitle=f"Solid: {label_now}; dashed: the report's DGX A100 at USD {then['rental_usd_per_hour']:.2f}/h"),
        description=("Line chart of a cloud provider's gross margin on one 8-GPU server against utilization, with sliders for "
                     "utilization, hourly rental price and server price; the margin is recomputed in the page. At the chosen "
                     f"prices the margin at {utilization:.0%} utilization is "
                     f"{costs.infra_gross_margin(utilization, server_usd, years, rental_usd_per_hour):.1%}; "
                     "a dashed line shows the report's server."))


def app_whatif(scenarios: pd.DataFrame, dau: float, input_usd_per_1k: float, output_usd_per_1k: float) -> alt.LayerChart:
    """Daily API bill of the three archetypes and a reader's own app, with sliders for DAU, prices and the app's usage."""
    sliders = [_slider("dau", APP_SLIDERS["dau"], dau), _slider("input_usd_per_1k", APP_SLIDERS["input_usd_per_1k"], input_usd_per_1k),
               _slider("output_usd_per_1k", APP_SLIDERS["output_usd_per_1k"], output_usd_per_1k),
               _slider("calls", APP_SLIDERS["calls"], 20), _slider("tokens_in", APP_SLIDERS["tokens_in"], 500),
               _slider("tokens_out", APP_SLIDERS["tokens_out"], 500)]
    rows = [{"app": f"{s['name_en']} {s['name_zh']}", "key": s["scenario_id"], "calls": s["calls_per_user_per_day"],
             "tin": s["input_tokens_per_call"], "tout": s["output_tokens_per_call"]} for _, s in scenarios.iterrows()]
    rows.append({"app": "Your app (sliders)", "key": "custom", "calls": -1, "tin": -1, "tout": -1})
    signals = [alt.param(name=f"cost_{r['key']}", expr=APP_COST_EXPR.format(calls=r["calls"], tin=r["tin"], tout=r["tout"])
                         if r["key"] != "custom" else APP_COST_EXPR.format(calls="calls", tin="tokens_in", tout="tokens_out"))
               for r in rows]
    per_row = APP_COST_EXPR.format(calls="(datum.calls < 0 ? calls : datum.calls)", tin="(datum.tin < 0 ? tokens_in : datum.tin)",
                                   tout="(datum.tout < 0 ? tokens_out : datum.tout)")
    base = alt.Chart(pd.DataFrame(rows)).transform_calculate(daily_cost_usd=per_row).transform_calculate(
        daily_cost_label="'USD ' + format(datum.daily_cost_usd, ',.0f')")
    bars = base.mark_bar().encode(
        y=alt.Y("app:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("daily_cost_usd:Q", title="API bill per day (USD)", axis=alt.Axis(format=",.3~s")),
        color=alt.condition("datum.key == 'custom'", alt.value(GREEN), alt.value(BLUE)),
        tooltip=[alt.Tooltip("app:N", title="App"), alt.Tooltip("daily_cost_label:N", title="Per day")])
    text = base.mark_text(align="left", dx=4).encode(y=alt.Y("app:N", sort=None), x="daily_cost_usd:Q",
                                                     text=alt.Text("daily_cost_label:N"))
    return alt.layer(bars, text).add_params(*sliders, *signals).properties(
        width=BAR_WIDTH, height=170,
        title=alt.Title("Move the sliders: the daily API bill of each kind of app",
                        subtitle="Archetypes' calls and tokens as in the report; DAU and token prices for all, usage for your app"),
        description=("Bar chart of the daily API cost of the report's three app archetypes and a reader-defined app, recomputed "
                     "in the page from sliders for daily active users, input and output token prices, calls per user and tokens per call. "
                     "At the chosen prices and 1M DAU: " + "; ".join(
                         f"{r['app']}: USD {costs.app_daily_cost_usd(dau, r['calls'], r['tin'], r['tout'], input_usd_per_1k, output_usd_per_1k):,.0f}"
                         for r in rows if r["key"] != "custom")))


def _claim_text() -> str:
    """The report's claim as a short phrase, e.g. ``40–50 % per 2.5 years`` (from data/now_claims.csv)."""
    c = flop_claim()
    return f"{c['fall_low_share'] * 100:.0f}–{tables.pct(c['fall_high_share'], 0)} per {c['period_years']:g} years"


def token_deflation(series: pd.DataFrame, bands: pd.DataFrame, report_date: str) -> alt.LayerChart:
    """Step lines of the cheapest price per million tokens in each capability class, with the report's claim as bands."""
    y = alt.Y("blended_usd_per_1m:Q", title="USD per million tokens (3 input : 1 output, log scale)",
              scale=alt.Scale(type="log"), axis=alt.Axis(format=",.2~f"))
    x = alt.X("date:T", title=None)
    band = alt.Chart(bands).mark_area(opacity=0.18).encode(
        x=x, y=alt.Y("slow:Q", scale=alt.Scale(type="log")), y2="fast:Q",
        color=alt.Color("capability_class:N", title=None, legend=alt.Legend(labelLimit=320)),
        tooltip=[alt.Tooltip("capability_class:N", title="Claim applied to"), alt.Tooltip("date:T"),
                 alt.Tooltip("slow:Q", format=",.3f", title="Claim, slower end (USD)"), alt.Tooltip("fast:Q", format=",.3f", title="Claim, faster end (USD)")])
    steps = alt.Chart(series).mark_line(interpolate="step-after", point=True).encode(
        x=x, y=y, color=alt.Color("capability_class:N", title=None, legend=alt.Legend(labelLimit=320)),
        tooltip=[alt.Tooltip("date:T"), alt.Tooltip("capability_class:N", title="Class"), alt.Tooltip("model:N", title="Cheapest model"),
                 alt.Tooltip("mmlu_pct:Q", title="MMLU (%)"), alt.Tooltip("blended_usd_per_1m:Q", format=",.3f", title="USD per million")])
    rule = alt.Chart(pd.DataFrame({"date": [report_date]})).mark_rule(color=MID_GREY, strokeDash=[2, 2]).encode(
        x="date:T", tooltip=[alt.Tooltip("date:T", title="The report")])
    first = series.groupby("capability_class")["blended_usd_per_1m"]
    return alt.layer(band, steps, rule).properties(
        width=WIDTH, height=300,
        title=alt.Title("Price per million tokens at a fixed capability, against the report's FLOP trend",
                        subtitle=f"Cheapest API at or above GPT-3.5's and GPT-4's 2023 MMLU score; shaded: the report's {_claim_text()}"),
        description="Log-scale step chart of the cheapest price per million tokens for two capability classes over time: " + "; ".join(
            f"{c}: from USD {a:,.3f} to USD {b:,.3f}" for c, a, b in zip(first.first().index, first.first(), first.last()))
        + f". Shaded bands show the report's claimed fall of {_claim_text()} from the report's date.")


def gpu_rental(rentals: pd.DataFrame, band: pd.DataFrame) -> alt.LayerChart:
    """Per-GPU-hour rental prices over time by offer, with the report's claim applied to the report's H100 offer."""
    x = alt.X("observed_date:T", title=None)
    y = alt.Y("usd_per_gpu_hour:Q", title="USD per GPU-hour (log scale)", scale=alt.Scale(type="log"), axis=alt.Axis(format=",.2~f"))
    shade = alt.Chart(band).mark_area(opacity=0.15, color=RED).encode(
        x=alt.X("date:T"), y=alt.Y("slow:Q", scale=alt.Scale(type="log")), y2="fast:Q",
        tooltip=[alt.Tooltip("date:T"), alt.Tooltip("slow:Q", format=",.2f", title="Claim, slower end (USD)"),
                 alt.Tooltip("fast:Q", format=",.2f", title="Claim, faster end (USD)")])
    pts = alt.Chart(rentals).mark_point(filled=True, size=70).encode(
        x=x, y=y, color=alt.Color("gpu:N", title="GPU", legend=alt.Legend(columns=3, labelLimit=200)),
        tooltip=[alt.Tooltip("origin:N", title="From"), alt.Tooltip("observed_date:T", title="Date"), alt.Tooltip("offer:N", title="Offer"), alt.Tooltip("gpu:N", title="GPU"),
                 alt.Tooltip("usd_per_gpu_hour:Q", format=",.2f", title="Per GPU-hour (USD)")])
    return alt.layer(shade, pts).properties(
        width=WIDTH, height=300,
        title=alt.Title("GPU rental per hour by offer, against the report's FLOP trend",
                        subtitle=f"Hourly rental per GPU by offer and date; shaded: the report's {_claim_text()} from its USD {band['slow'].iloc[0]:.2f} H100 PCIe"),
        description="Log-scale scatter chart of GPU rental prices per GPU-hour over time: " + "; ".join(
            f"{o} ({d}): USD {p:,.2f}" for o, d, p in zip(rentals["offer"], rentals["observed_date"], rentals["usd_per_gpu_hour"]))
        + f". A shaded band shows the report's claimed fall of {_claim_text()} from the report's H100 price.")


# --- the chapter's charts at its validated parameters ``p`` (price_date, utilization, rent_basis) ---------------
def infra_whatif_at(p: dict[str, Any]) -> alt.LayerChart:
    """``infra_whatif`` for today's server at ``p``, beside the report's DGX A100."""
    x, rp = inputs(p["price_date"], p["utilization"], p["rent_basis"]), pricing.report_params()
    then = {"annual_cost_usd": rp["server_price_usd"] / rp["depreciation_years"], "rental_usd_per_hour": rp["rental_usd_per_hour"]}
    label = (f"{x['server_gpus']}-GPU {'A100' if x['regime'] == 'report' else 'H100'} server at USD {x['server_price_usd']:,.0f}, "
             f"rented at USD {x['rental_usd_per_server_hour']:,.2f}/h")
    return infra_whatif(x["server_price_usd"], x["depreciation_years"], x["rental_usd_per_server_hour"], p["utilization"], then, label)


def app_whatif_at(p: dict[str, Any]) -> alt.LayerChart:
    """``app_whatif`` at 1M daily users and the token prices of the cheapest GPT-3.5-class API at ``p``."""
    x = inputs(p["price_date"], p["utilization"], p["rent_basis"])
    return app_whatif(load("app_scenarios"), 1_000_000, x["api_input_usd_per_1k"], x["api_output_usd_per_1k"])


def token_deflation_at(p: dict[str, Any]) -> alt.LayerChart:
    """``token_deflation`` up to ``p``'s date: each capability class's cheapest price, and the report's trend applied
    to it from the report's date."""
    until = since_report(p["price_date"])
    series = pd.concat([class_price_series(c, until) for c in CLASS_MODELS], ignore_index=True)
    named = series[series["model"].notna()]
    bands = pd.concat([claim_band(report_date(), float(cheapest_in_class(c, report_date())["blended_usd_per_1m"]), until)
                       .assign(capability_class=named[named["capability_class"].str.startswith(n)]["capability_class"].iloc[0])
                       for c, n in CLASS_MODELS.items()], ignore_index=True)
    return token_deflation(series, bands, report_date().isoformat())


def gpu_rental_at(p: dict[str, Any]) -> alt.LayerChart:
    """``gpu_rental`` up to ``p``'s date, with the report's trend applied to its own H100 offer."""
    until = since_report(p["price_date"])
    return gpu_rental(rentals(until), claim_band(report_date(), like_for_like_h100_usd_per_gpu_hour(report_date()), until))
