"""The pricing chapter's tornado charts: for each layer, which input moves its figure most, each input moved down and
up by the sensitivity's step (``sensitivity``), the others at the run's values."""
from __future__ import annotations

import altair as alt
import pandas as pd

from helpers.chapters.pricing.sensitivity import top_input
from helpers.charts import BAR_WIDTH, BLUE, MID_GREY, ORANGE
from helpers.sensitivity import STEP, tornado_rows

# Each layer's tornado: the figure it shows, in words, its d3 format in tooltips, its axis format, a short name for
# the title, and the caption's opening (what the figure is; the caption adds how the chart reads).
TORNADO = {"infrastructure": ("infra_gross_margin", "gross margin of the rented server", ".1%", "%", "server's margin",
                              "Gross margin of the rented server"),
           "model": ("infer_margin_yours", "serving margin on your server", ".1%", "%", "serving margin",
                     "Gross margin of serving the model on your server"),
           "application": ("app_daily_cost_chatbot_1m_dau", "daily API bill of a chatbot at 1M DAU (USD)", ",.0f", "~s",
                           "chatbot's daily bill", "Daily API bill of the report's chatbot at one million DAU")}


def _lines(text: str, width: int = 58) -> list[str]:
    """``text`` broken between words into lines of at most ``width`` characters (a chart title that fits)."""
    import textwrap

    return textwrap.wrap(text, width) or [text]


def _sides(step: float) -> tuple[str, str]:
    """The legend's two labels: "input 10 % lower", "input 10 % higher"."""
    return f"input {step:.0%} lower".replace("%", "\u00a0%"), f"input {step:.0%} higher".replace("%", "\u00a0%")


def tornado_caption(section: str, step: float = STEP) -> str:
    """A tornado chart's caption: the figure, the change, how to read it."""
    pct = f"{step:.0%}".replace("%", "\u00a0%")
    return (f"{TORNADO[section][5]} with each input {pct} lower and {pct} higher, the others at this run's values; the "
            "grey line is the figure at this run's inputs. Inputs that do not move it are left out, and an input at "
            "the end of its allowed range moves one way only.")


def tornado(table: pd.DataFrame, section: str, step: float = STEP) -> alt.LayerChart:
    """Which input moves a layer's figure most (``TORNADO``): a bar from the figure's value at this run's inputs to its
    value with each input ``step`` lower (orange) and higher (blue), largest swing on top (``sensitivity``)."""
    figure, figure_title, fmt, axis_format, short, _ = TORNADO[section]
    rows = tornado_rows(table, figure)
    base = float(rows["figure_base"].iloc[0])
    lower, higher = _sides(step)
    long = pd.concat([
        rows.assign(side=lower, value=rows["figure_at_low"], at_input=rows["input_low"]),
        rows.assign(side=higher, value=rows["figure_at_high"], at_input=rows["input_high"]),
    ]).dropna(subset=["value"])
    long["base"] = base
    order = list(rows["input"])
    bars = alt.Chart(long).mark_bar(height=14).encode(
        y=alt.Y("input:N", title=None, sort=order, axis=alt.Axis(labelLimit=220)),
        x=alt.X("value:Q", title=figure_title[0].upper() + figure_title[1:], axis=alt.Axis(format=axis_format),
                scale=alt.Scale(zero=False, nice=True)),
        x2="base:Q",
        color=alt.Color("side:N", title=None, scale=alt.Scale(domain=[lower, higher], range=[ORANGE, BLUE])),
        tooltip=[alt.Tooltip("input:N", title="Input"), alt.Tooltip("side:N", title="Change"),
                 alt.Tooltip("input_base:Q", format=",.4~g", title="Input at this run"),
                 alt.Tooltip("at_input:Q", format=",.4~g", title="Input changed to"),
                 alt.Tooltip("value:Q", format=fmt, title="Figure with the change"),
                 alt.Tooltip("base:Q", format=fmt, title="Figure at this run's inputs")])
    rule = alt.Chart(pd.DataFrame({"base": [base]})).mark_rule(color=MID_GREY).encode(x="base:Q")
    top, _ = top_input(table, figure)
    verb = "move" if " and " in top else "moves"
    return alt.layer(bars, rule).properties(
        width=BAR_WIDTH, height=max(60, 26 * len(order)),
        title=alt.Title(_lines(f"{top[0].upper() + top[1:]} {verb} the {short} most"),
                        subtitle=f"Each {lower.removesuffix(' lower')} lower and higher, the others at this run's values"),
        description=(f"Tornado chart of the {figure_title}, {_fmt(base, fmt)} at this run's inputs: "
                     + "; ".join(f"{r['input']} {lower.removeprefix('input ')} gives {_fmt(r['figure_at_low'], fmt)}, "
                                 f"{higher.removeprefix('input ')} gives {_fmt(r['figure_at_high'], fmt)}"
                                 for _, r in rows.iterrows())))


def _fmt(x: float, fmt: str) -> str:
    """A d3-style format (``.1%``, ``,.0f``) in Python, for alt text; "not allowed" for a refused value."""
    return "not allowed" if pd.isna(x) else format(x, fmt)
