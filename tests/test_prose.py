"""helpers.prose: computed sentences as Markdown outputs, quotes that never follow the parameters."""
from __future__ import annotations

import pytest

from helpers import prose


def figures(**values) -> prose.Figures:
    f = prose.Figures()
    for k, v in values.items():
        f.values[k] = v
    return f


def test_say_formats_fields_like_glue_text_did():
    f = figures(margin=0.8114, cost=1347556.2, name="H100")
    out = f.say(r"A margin of **{margin:.1%}**, \${cost:,.0f} on the {name}.")
    assert out.data == r"A margin of **81.1%**, \$1,347,556 on the H100."
    assert out._repr_markdown_() == out.data          # a text/markdown output every client renders


def test_unknown_figure_is_refused_by_name():
    with pytest.raises(prose.ProseError, match="'marign', which no cell recorded"):
        figures(margin=0.8).text("{marign:.1%}")


def test_literal_braces_survive_when_doubled():
    assert figures(x=1).text("{{not a field}} {x}") == "{not a field} 1"


def test_aside_is_empty_at_the_source_value_and_a_phrase_otherwise():
    f = figures(param_price=24.21, source_price=24.21)
    f.aside("yours", "price", " (this run: USD {param_price:.2f})")
    assert f.values["yours"] == ""
    f.values["param_price"] = 12.0
    f.aside("yours", "price", " (this run: USD {param_price:.2f})")
    assert f.values["yours"] == " (this run: USD 12.00)"


def test_quote_lists_each_name_once_and_numpy_values_become_python():
    np = pytest.importorskip("numpy")
    f = prose.Figures()
    f.quote("report_x", np.float64(0.5))
    f.quote("report_x", np.float64(0.5))
    assert f.quoted == ["report_x"] and type(f.values["report_x"]) is float


def test_takeaways_is_an_html_admonition_with_a_markdown_body():
    box = prose.takeaways("- **one**\n- two")
    assert box.startswith('<div class="admonition tip">') and box.endswith("</div>")
    assert "\n\n- **one**\n- two\n\n" in box            # blank lines: Markdown inside the div is parsed everywhere
