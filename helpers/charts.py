"""Chart theme and offline rendering for Altair charts.

Charts are shown as a ``<figure>`` holding a ``<div>`` that ``vegaEmbed`` fills. The Vega,
Vega-Lite and Vega-Embed JavaScript is not in the chart: the book ships it once
(``book/_ext/offline_assets.py`` writes it to ``_static/``), so pages render with no network.
The div's id is a hash of the spec, so the output is the same on every run (nbval-stable).
"""
from __future__ import annotations

import hashlib
import html
import json

import altair as alt
from IPython.display import HTML

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans CJK SC', 'PingFang SC', sans-serif"
PALETTE = ["#1f5a94", "#d9822b", "#3a9b6e", "#b8425a", "#7b61a8", "#8c8c8c"]
WIDTH = 560


@alt.theme.register("book", enable=True)
def book_theme() -> alt.theme.ThemeConfig:
    """House style: one font, calm palette, light grid, titles left-aligned."""
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": 300},
            "title": {"anchor": "start", "fontSize": 15, "fontWeight": 600, "subtitleFontSize": 12,
                      "subtitleColor": "#555"},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": 500, "gridColor": "#e6e6e6",
                     "domainColor": "#888", "tickColor": "#888"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom", "direction": "horizontal"},
            "range": {"category": PALETTE},
        }
    }


def spec_of(chart: alt.TopLevelMixin, validate: bool = True) -> dict:
    """The Vega-Lite spec; refuses charts without a title or alt text (``description``).

    ``validate=False`` skips Altair's JSON-schema check (slow); the tests validate every chart.
    """
    spec = chart.to_dict(validate=validate)
    if not spec.get("description"):
        raise ValueError("chart has no alt text: set .properties(description=...)")
    if not spec.get("title"):
        raise ValueError("chart has no title: set .properties(title=...)")
    return spec


def render(chart: alt.TopLevelMixin, caption: str, source: str) -> str:
    """HTML of a captioned chart that ``vegaEmbed`` draws in the browser (SVG renderer)."""
    spec = spec_of(chart, validate=False)
    payload = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    chart_id = "chart-" + hashlib.sha256(payload.encode()).hexdigest()[:12]
    payload = payload.replace("</", "<\\/")
    return (
        f'<figure class="book-chart" id="fig-{chart_id}">'
        f'<div id="{chart_id}" class="vega-chart" role="img" aria-label="{html.escape(spec["description"])}"></div>'
        f'<figcaption>{html.escape(caption)} <span class="chart-source">Source: {html.escape(source)}</span></figcaption>'
        f"</figure>\n"
        f"<script>(function(){{var spec={payload};"
        f'if(window.vegaEmbed){{vegaEmbed("#{chart_id}",spec,{{"actions":false,"renderer":"svg"}});}}'
        f'else{{document.getElementById("{chart_id}").textContent='
        f'"This chart is drawn in the built book (which ships Vega); in JupyterLab, display the Altair chart object itself.";}}'
        f"}})();</script>"
    )


def show(chart: alt.TopLevelMixin, caption: str, source: str) -> HTML:
    """Display a captioned, offline-rendered chart in a notebook cell."""
    return HTML(render(chart, caption, source))
