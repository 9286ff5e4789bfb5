"""The outlook chapter's charts: verdicts by group and the evidence timeline."""
from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from helpers.charts import WIDTH
from helpers.chapters.outlook import VERDICTS

VERDICT_COLOURS = ["#3a9b6e", "#9cc98a", "#d9822b", "#b8425a", "#8c8c8c"]
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


def evidence_timeline(evidence: pd.DataFrame, card: pd.DataFrame, as_of: dt.date, published: dt.date) -> alt.LayerChart:
    """Evidence events by date for each prediction, with horizons, the report's date and as_of."""
    labels = {r.prediction_id: f"{r.prediction_id} {r.prediction[:30]}…" for r in card.itertuples()}
    ev = evidence[["prediction_id", "event", "stance", "strength", "source_title"]].assign(
        label=evidence["prediction_id"].map(labels), date=pd.to_datetime(evidence["event_date"]),
        counted=evidence["event_date"].map(lambda d: "on or before as_of" if d <= as_of else "after as_of"))
    with_h = card[card["horizon_date"].notna()]
    hz = with_h[["prediction_id", "horizon"]].assign(label=with_h["prediction_id"].map(labels),
                                                     date=pd.to_datetime(with_h["horizon_date"]))
    order = [labels[p] for p in card["prediction_id"]]
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=230))
    x = alt.X("date:T", title="Date of the event", axis=alt.Axis(format="%Y", tickCount="year"))
    rules = pd.DataFrame({"date": pd.to_datetime([published, as_of]), "what": ["report published", "as_of"]})
    return alt.layer(
        alt.Chart(rules).mark_rule(strokeDash=[4, 3], color="#555").encode(
            x=x, tooltip=[alt.Tooltip("what:N", title="Line"), alt.Tooltip("date:T", format="%Y-%m-%d", title="Date")]),
        alt.Chart(hz).mark_tick(color="#b8425a", thickness=3, size=18).encode(
            x=x, y=y, tooltip=[alt.Tooltip("label:N", title="Prediction"), alt.Tooltip("horizon:N", title="Horizon (report)"),
                               alt.Tooltip("date:T", format="%Y-%m-%d", title="Horizon (our reading)")]),
        alt.Chart(ev).mark_point(filled=True, size=90).encode(
            x=x, y=y,
            color=alt.Color("stance:N", title="Evidence", scale=alt.Scale(domain=["for", "against"], range=["#3a9b6e", "#b8425a"])),
            shape=alt.Shape("strength:N", title="Strength", scale=alt.Scale(domain=["decisive", "partial"], range=["diamond", "circle"])),
            opacity=alt.Opacity("counted:N", title=None, scale=alt.Scale(domain=["on or before as_of", "after as_of"], range=[1, 0.25])),
            tooltip=[alt.Tooltip("event:N", title="Event"), alt.Tooltip("date:T", format="%Y-%m-%d", title="Date"),
                     alt.Tooltip("stance:N", title="Stance"), alt.Tooltip("strength:N", title="Strength"),
                     alt.Tooltip("source_title:N", title="Source")]),
    ).properties(width=WIDTH - 220, height=330,
                 title=alt.Title("Evidence against each prediction's horizon",
                                 subtitle="Diamonds decisive, circles partial; red ticks: horizons; dashed: report date and as_of"),
                 description="Timeline of evidence per prediction: " + "; ".join(
                     f"{p} {d:%Y-%m-%d} {s} {st}" for p, d, s, st in zip(ev["prediction_id"], ev["date"], ev["stance"], ev["strength"])))
