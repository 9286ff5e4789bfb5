"""Charts: titled, described (alt text), tooltips, deterministic offline HTML."""
from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd
import pytest
from conftest import has_tooltips

from helpers import charts
from helpers.chapters import pricing
from helpers.chapters.pricing import charts as pricing_charts

P = pricing.report_params()
CHARTS = {
    "infra": lambda: pricing_charts.infra_margin(pricing.infra_curve(P), pricing.infra_points(P), 0.19, 1.0),
    "training": lambda: pricing_charts.training_cost(pricing.training_table(P), 4e6, 1e7),
    "inference": lambda: pricing_charts.inference_margin(pricing.inference_table(P)),
    "apps": lambda: pricing_charts.app_cost_vs_dau(pricing.app_costs(P, np.logspace(4, 8, 5))),
    "images": lambda: pricing_charts.product_prices(pricing.product_unit_prices(6.9, 8.4), "image", "T", "S"),
    "shares": lambda: pricing_charts.training_cost_shares(pricing.training_cost_ranges()),
    "revenue": lambda: pricing_charts.revenue_mix(pricing.revenue_mix()),
}


@pytest.mark.parametrize("name", CHARTS)
def test_chart_has_title_alt_text_axes_and_tooltips(name):
    spec = charts.spec_of(CHARTS[name]())
    assert len(spec["description"]) > 40 and has_tooltips(spec)


@pytest.mark.parametrize("name", CHARTS)
def test_rendered_chart_is_offline_and_deterministic(name):
    html1 = charts.render(CHARTS[name](), "Caption.", "Source.")
    html2 = charts.render(CHARTS[name](), "Caption.", "Source.")
    assert html1 == html2
    assert "vegaEmbed(" in html1 and "<figcaption>" in html1 and "Source: Source." in html1
    assert "cdn." not in html1 and "https://" not in html1.replace("https://vega.github.io/schema", "")


@pytest.mark.parametrize("name", CHARTS)
def test_chart_writes_money_in_usd(name):
    """Titles, alt text, tooltips and axis formats say USD, never a dollar sign (one currency style)."""
    spec = json.dumps(charts.spec_of(CHARTS[name]()), ensure_ascii=False).replace('"$schema"', "")
    assert "$" not in spec


def test_chart_without_alt_text_is_refused():
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").properties(title="T")
    with pytest.raises(ValueError, match="alt text"):
        charts.render(chart, "c", "s")


def test_script_cannot_close_early():
    chart = alt.Chart(pd.DataFrame({"x": ["</script>"]})).mark_point().encode(x="x:N").properties(
        title="T", description="A chart whose data holds a closing script tag, to test escaping.")
    assert charts.render(chart, "c", "s").count("</script>") == 1


def test_titles_follow_parameters():
    cheap = pricing.report_params() | {"rental_usd_per_hour": 12.0}
    kf = pricing.key_figures(cheap)
    spec = charts.spec_of(pricing_charts.infra_margin(pricing.infra_curve(cheap), pricing.infra_points(cheap),
                                                       kf["infra_breakeven_utilization"], 1.0))
    assert f"{kf['infra_breakeven_utilization']:.0%}" in spec["title"]["text"]


def test_chart_carries_a_static_picture_for_clients_without_vega():
    import base64
    import re

    html = charts.render(CHARTS["infra"](), "c", "s")
    picture = re.search(r'<img class="chart-static" alt="[^"]+" src="data:image/svg\+xml;base64,([^"]+)"', html)
    svg = base64.b64decode(picture.group(1)).decode()
    assert svg.startswith("<svg") and "mark-line" in svg and "break-even" in svg
    assert 'el.innerHTML=""' in html                  # the book swaps the picture for the interactive chart


def test_static_svg_is_the_same_on_every_call(tmp_path, monkeypatch):
    spec = charts.spec_of(CHARTS["apps"](), validate=False)
    first = charts.static_svg(spec)
    monkeypatch.setattr(charts, "SVG_CACHE", tmp_path)     # drawn again, not read from the cache
    assert charts.static_svg(spec) == first


def test_a_readers_own_chart_draws_offline():
    chart = alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x:Q", y="y:Q")
    bundle = chart._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert alt.renderers.active == "book"
    assert "data:image/svg+xml;base64," in bundle["text/html"] and "cdn." not in bundle["text/html"]


def test_static_svg_draws_once_per_spec(tmp_path, monkeypatch):
    """The picture cache: the first call draws and stores, the same spec is read back without vl-convert, and a
    changed spec, other installed fonts or another vl-convert is drawn anew."""
    import vl_convert

    monkeypatch.setattr(charts, "SVG_CACHE", tmp_path)
    spec = charts.spec_of(CHARTS["apps"](), validate=False)
    drawn = charts.static_svg(spec)
    assert len(list(tmp_path.glob("*.svg"))) == 1

    def refuse(*_, **__):
        raise AssertionError("vl-convert called for a picture already drawn")

    monkeypatch.setattr(vl_convert, "vegalite_to_svg", refuse)
    assert charts.static_svg(spec) == drawn
    with pytest.raises(AssertionError, match="already drawn"):
        charts.static_svg({**spec, "title": "another title"})
    monkeypatch.setattr(charts, "_fonts", lambda: "another set of fonts")
    with pytest.raises(AssertionError, match="already drawn"):
        charts.static_svg(spec)
    monkeypatch.undo()
    monkeypatch.setattr(charts, "SVG_CACHE", tmp_path)
    monkeypatch.setattr(vl_convert, "vegalite_to_svg", refuse)
    monkeypatch.setattr(vl_convert, "__version__", "0.0.0")
    with pytest.raises(AssertionError, match="already drawn"):
        charts.static_svg(spec)


def test_chapter_charts_name_their_colours():
    """One copy of the palette: the chapters' chart modules use helpers.charts' named colours, never a typed hex code."""
    import re
    from pathlib import Path

    typed = {f"{p.parent.name}/charts.py:{i}": line.strip()
             for p in sorted((Path(charts.__file__).parent / "chapters").glob("*/charts.py"))
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
             if re.search(r"""["']#[0-9a-fA-F]{3,8}["']""", line)}
    assert not typed, f"name these colours in helpers/charts.py: {typed}"
    assert [charts.BLUE, charts.ORANGE, charts.GREEN, charts.RED, charts.PURPLE, charts.GREY] == charts.PALETTE
