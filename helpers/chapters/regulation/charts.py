"""The regulation chapter's charts."""
from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from helpers.charts import BLUE, GREEN, LIGHT_ORANGE, PURPLE, RED, WIDTH


def timeline(inst: pd.DataFrame, as_of: dt.date) -> alt.Chart:
    """Instruments by date and jurisdiction: a dot for an exact day, a bar across the month or year where the
    source gives only that (so a year-only date is never drawn as 1 January)."""
    d = inst[["jurisdiction_name", "name_en", "issuer", "date_kind", "date_basis", "source_id"]].assign(
        date=pd.to_datetime(inst["effective_date"]),
        end=pd.to_datetime(inst["period_end"]) + pd.Timedelta(days=1),
        known=inst["effective_precision"].map({"day": "exact day", "month": "month only", "year": "year only"}),
        shown=[f"{s:%Y-%m-%d}" if p == "day" else f"{s:%Y-%m}" if p == "month" else f"{s:%Y}"
               for s, p in zip(inst["effective_date"], inst["effective_precision"])])
    counts = inst.groupby("jurisdiction")["instrument_key"].nunique()
    d["label"] = [n if len(n) <= 52 else n[:50] + "…" for n in d["name_en"]]
    colour = alt.Color("jurisdiction_name:N", title="Jurisdiction", legend=alt.Legend(orient="bottom"),
                       scale=alt.Scale(domain=["China 中国", "United States 美国", "European Union 欧盟"],
                                       range=[RED, BLUE, PURPLE]))
    tooltip = [alt.Tooltip("name_en:N", title="Instrument"), alt.Tooltip("issuer:N", title="Issuer"),
               alt.Tooltip("shown:N", title="Date"), alt.Tooltip("known:N", title="Date known to"),
               alt.Tooltip("date_kind:N", title="Date of"), alt.Tooltip("date_basis:N", title="Date from"),
               alt.Tooltip("source_id:N", title="Source")]
    y = alt.Y("label:N", title=None, sort=alt.EncodingSortField("date", order="ascending"),
              axis=alt.Axis(labelLimit=300))
    base = alt.Chart(d)
    spans = base.transform_filter("datum.known != 'exact day'").mark_bar(height=10, opacity=0.45).encode(
        x=alt.X("date:T", title="Date issued, passed or in force", axis=alt.Axis(format="%Y", tickCount="year")),
        x2="end:T", y=y, color=colour, tooltip=tooltip)
    dots = base.transform_filter("datum.known == 'exact day'").mark_point(size=110, filled=True).encode(
        x="date:T", y=y, color=colour, tooltip=tooltip)
    return alt.layer(spans, dots).properties(
        width=WIDTH - 290, height=22 * len(d),
        title=alt.Title(f"China issued {counts.get('CN', 0)} of {inst['instrument_key'].nunique()} instruments dated by {as_of:%d %B %Y}",
                        subtitle="AI regulatory instruments the reports name. Dots: exact day; bars: only the month or year is known"),
        description="Timeline of instruments: " + "; ".join(
            f"{j} {n} ({s}, {k})" for j, n, s, k in zip(d["jurisdiction_name"], d["name_en"], d["shown"], d["known"])))


def special_bonds(b: pd.DataFrame) -> alt.Chart:
    """Bars of Cyzone's special-bond series (发债额度, our reading of the order), with the official quota of new
    special bonds as a tick where the data hold it (2023)."""
    d = b[["year", "amount_cny_100m", "official_new_quota_cny_100m"]].assign(year=b["year"].astype(str))
    x = alt.X("year:N", title="Year (order of the extracted numbers: our reading)", axis=alt.Axis(labelAngle=0))
    bars = alt.Chart(d).mark_bar(color=BLUE).encode(
        x=x, y=alt.Y("amount_cny_100m:Q", title="亿 CNY (100 million)", axis=alt.Axis(format=",.0f")),
        tooltip=[alt.Tooltip("year:N", title="Year"), alt.Tooltip("amount_cny_100m:Q", format=",.0f", title="Cyzone, 亿 CNY"),
                 alt.Tooltip("official_new_quota_cny_100m:Q", format=",.0f", title="Official new quota, 亿 CNY")])
    ticks = alt.Chart(d[d["official_new_quota_cny_100m"].notna()]).mark_tick(color=LIGHT_ORANGE, thickness=4, size=46).encode(
        x=x, y="official_new_quota_cny_100m:Q",
        tooltip=[alt.Tooltip("year:N", title="Year"),
                 alt.Tooltip("official_new_quota_cny_100m:Q", format=",.0f", title="Official new quota, 亿 CNY")])
    last = d.iloc[-1]
    return alt.layer(bars, ticks).properties(
        width=360, height=240,
        title=alt.Title(f"Cyzone's series rises from {d['amount_cny_100m'].iloc[0]:,.0f} to {last['amount_cny_100m']:,.0f} 亿 CNY",
                        subtitle=["Local-government special bonds (发债额度 as Cyzone labels it;",
                                  "whether quota or issuance, Cyzone does not say).",
                                  f"Orange tick: the official {last['year']} quota for new special bonds, {last['official_new_quota_cny_100m']:,.0f} 亿"]),
        description="Bar chart of Cyzone's special-bond figures: " + "; ".join(
            f"{y}: {v:,.0f}" for y, v in zip(d["year"], d["amount_cny_100m"]))
        + f". The official {last['year']} quota for new special bonds, {last['official_new_quota_cny_100m']:,.0f}, is marked beside it.")


def city_targets(t: pd.DataFrame) -> alt.Chart:
    """Bars of the quantified city targets for 2025."""
    d = t[t["quantified"] == "yes"][["city_en", "city_zh", "target_en", "value_cny_100m", "target_year"]].assign(
        label=lambda x: x["city_en"] + " " + x["city_zh"])
    return alt.Chart(d).mark_bar(color=GREEN).encode(
        y=alt.Y("label:N", title=None, sort="-x"),
        x=alt.X("value_cny_100m:Q", title="Target (亿 CNY = 100 million)", axis=alt.Axis(format=",.0f", tickCount=4)),
        tooltip=[alt.Tooltip("label:N", title="City"), alt.Tooltip("target_en:N", title="Target"),
                 alt.Tooltip("value_cny_100m:Q", format=",.0f", title="亿 CNY"), alt.Tooltip("target_year:Q", title="By")]
    ).properties(width=360, height=90,
                 title=alt.Title(f"Second-tier cities' AI targets for {int(d['target_year'].max())}", subtitle="The only quantified city targets the report gives"),
                 description="Bar chart of city targets: " + "; ".join(
                     f"{c}: {v:,.0f} 亿 CNY ({tg})" for c, v, tg in zip(d["label"], d["value_cny_100m"], d["target_en"])))
