"""The outlook chapter's charts: verdicts by group, the ledger on a timeline, and the calibration record."""
from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from helpers.chapters.outlook.scoring import VERDICTS
from helpers.charts import DARK_GREEN, DARK_GREY, DARK_RED, GREEN, GREY, LIGHT_GREEN, ORANGE, PALE_GREY, RED, WIDTH
from helpers.tables import usd_text

VERDICT_COLOURS = [GREEN, LIGHT_GREEN, ORANGE, RED, GREY, PALE_GREY]
GROUP_NAMES = {"llm": "Large language models 大语言模型", "multimodal": "Multimodal models 多模态模型",
               "business": "Business opportunities 商业机会"}


def verdicts_by_group(card: pd.DataFrame, as_of: dt.date) -> alt.Chart:
    """Stacked bars: how many predictions of each group got each verdict."""
    d = card[["prediction_id", "group", "verdict"]].assign(group_name=card["group"].map(GROUP_NAMES),
                    order=card["verdict"].map({v: i for i, v in enumerate(VERDICTS)}))
    happened = int((card["verdict"] == "happened").sum())
    return alt.Chart(d).mark_bar().encode(
        y=alt.Y("group_name:N", title=None, sort=list(GROUP_NAMES.values())),
        x=alt.X("count():Q", title="Predictions (count)", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("verdict:N", title="Verdict", scale=alt.Scale(domain=list(VERDICTS), range=VERDICT_COLOURS)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("group_name:N", title="Group"), alt.Tooltip("verdict:N", title="Verdict"),
                 alt.Tooltip("count():Q", title="Predictions")]
    ).properties(width=WIDTH - 200, height=150,
                 title=alt.Title(f"{happened} of {len(card)} predictions had come true by {as_of:%d %B %Y}",
                                 subtitle="Verdicts on the report's ten predictions, by the report's groups"),
                 description="Stacked bar chart of verdicts by group: " + "; ".join(
                     f"{p} ({GROUP_NAMES[g].split(' 大')[0].split(' 多')[0].split(' 商')[0]}): {v}"
                     for p, g, v in zip(card["prediction_id"], card["group"], card["verdict"])))


def ledger_timeline(book: pd.DataFrame, evidence: pd.DataFrame, as_of: dt.date) -> alt.LayerChart:
    """Every scorable forecast on one time axis: when it was made, its horizon, its evidence, its verdict (money in the
    tooltips written ``USD``, as in the tables)."""
    book = book[book["verdict"] != "unscorable"]
    labels = {r.forecast_id: f"{r.forecast_id} ({r.verdict})" for r in book.itertuples()}
    ev = evidence[evidence["forecast_id"].isin(labels)]
    ev = ev[["forecast_id", "event", "stance", "strength", "source_title"]].assign(
        event=ev["event"].map(usd_text), source_title=ev["source_title"].map(usd_text),
        label=ev["forecast_id"].map(labels), date=pd.to_datetime(ev["event_date"]),
        counted=ev["event_date"].map(lambda d: "on or before as_of" if d <= as_of else "after as_of"))
    with_h = book[book["horizon_date"].notna()]
    spans = with_h[["forecast_id", "horizon", "verdict"]].assign(
        label=with_h["forecast_id"].map(labels), made=pd.to_datetime(with_h["report_date"]),
        date=pd.to_datetime(with_h["horizon_date"]), text=with_h["text_en"].str.slice(0, 90).map(usd_text))
    order = list(labels.values())
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=260))
    x = alt.X("date:T", title="Date", axis=alt.Axis(format="%Y", tickCount="year"))
    rules = pd.DataFrame({"date": pd.to_datetime([as_of]), "what": ["as_of"]})
    return alt.layer(
        alt.Chart(spans).mark_rule(strokeWidth=6, opacity=0.35).encode(
            x=x, x2="made:T", y=y,
            color=alt.Color("verdict:N", title="Verdict", scale=alt.Scale(domain=list(VERDICTS), range=VERDICT_COLOURS)),
            tooltip=[alt.Tooltip("label:N", title="Forecast"), alt.Tooltip("text:N", title="Says"),
                     alt.Tooltip("made:T", format="%Y-%m-%d", title="Made"), alt.Tooltip("horizon:N", title="Horizon (source)"),
                     alt.Tooltip("date:T", format="%Y-%m-%d", title="Horizon (our reading)")]),
        alt.Chart(rules).mark_rule(strokeDash=[4, 3], color=DARK_GREY).encode(
            x=x, tooltip=[alt.Tooltip("what:N", title="Line"), alt.Tooltip("date:T", format="%Y-%m-%d", title="Date")]),
        alt.Chart(ev).mark_point(filled=True, size=80).encode(
            x=x, y=y,
            shape=alt.Shape("strength:N", title="Evidence", scale=alt.Scale(domain=["decisive", "partial"], range=["diamond", "circle"])),
            color=alt.Color("stance:N", title="Evidence stance", scale=alt.Scale(domain=["for", "against"], range=[DARK_GREEN, DARK_RED])),
            opacity=alt.Opacity("counted:N", title=None, scale=alt.Scale(domain=["on or before as_of", "after as_of"], range=[1, 0.25])),
            tooltip=[alt.Tooltip("label:N", title="Forecast"), alt.Tooltip("event:N", title="Event"),
                     alt.Tooltip("date:T", format="%Y-%m-%d", title="Date"), alt.Tooltip("stance:N", title="Stance"),
                     alt.Tooltip("strength:N", title="Strength"), alt.Tooltip("source_title:N", title="Source")]),
    ).resolve_scale(color="independent").properties(width=WIDTH - 240, height=max(200, 22 * len(labels)),
                 title=alt.Title("The ledger on a timeline",
                                 subtitle="Bars: from the report to the horizon, coloured by verdict; points: evidence (diamond decisive); dashed: as_of"),
                 description="Timeline of the scorable forecasts: " + "; ".join(
                     f"{r.forecast_id} made {r.report_date:%Y-%m-%d}, horizon {r.horizon_date:%Y-%m-%d}, {r.verdict}"
                     for r in with_h.itertuples()))


def calibration_bars(table: pd.DataFrame, what: str) -> alt.Chart:
    """Stacked bars of a calibration table (``outlook.calibration``): verdict counts per class."""
    long = table.melt(id_vars="class", value_vars=list(VERDICTS), var_name="verdict", value_name="forecasts")
    long = long.assign(order=long["verdict"].map({v: i for i, v in enumerate(VERDICTS)}))
    return alt.Chart(long[long["forecasts"] > 0]).mark_bar().encode(
        y=alt.Y("class:N", title=None, sort=list(table["class"])),
        x=alt.X("forecasts:Q", title="Forecasts (count)", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("verdict:N", title="Verdict", scale=alt.Scale(domain=list(VERDICTS), range=VERDICT_COLOURS)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("class:N", title=what), alt.Tooltip("verdict:N", title="Verdict"),
                 alt.Tooltip("forecasts:Q", title="Forecasts")]
    ).properties(width=WIDTH - 200, height=30 * len(table) + 20,
                 title=alt.Title(f"Verdicts by {what}", subtitle="Every forecast of the ledger, as of the scorecard date"),
                 description=f"Stacked bars of verdicts by {what}: " + "; ".join(
                     f"{r['class']}: " + ", ".join(f"{r[v]} {v}" for v in VERDICTS if r[v]) for _, r in table.iterrows()))
