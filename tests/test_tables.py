"""helpers.tables: the book's one HTML table renderer (chapters and data dictionary)."""
from __future__ import annotations

import pandas as pd

from helpers import tables


def test_a_table_is_a_focusable_region_named_by_its_caption():
    out = tables.render(pd.DataFrame({"a": [1]}), caption='Costs "as stated" & <checked>')
    assert out.startswith('<div class="book-table-wrap tex2jax_ignore mathjax_ignore" tabindex="0" role="region" '
                          'aria-label="Costs &quot;as stated&quot; &amp; &lt;checked&gt;">')
    assert "<caption>Costs &quot;as stated&quot; &amp; &lt;checked&gt;</caption>" in out


def test_a_name_overrides_the_caption_and_no_name_leaves_the_region_unnamed():
    assert 'aria-label="Columns of X"' in tables.html_table(["h"], [["c"]], caption="X", name="Columns of X")
    plain = tables.html_table(["h"], [["c"]])
    assert plain.startswith('<div class="book-table-wrap tex2jax_ignore mathjax_ignore" tabindex="0"><table')
    assert "role=" not in plain


def test_cells_are_escaped_and_formatted_columns_right_aligned():
    df = pd.DataFrame({"name": ["<b>"], "usd": [1234.5], "note": [None]})
    out = tables.render(df, formats={"usd": tables.usd}, labels={"usd": "USD"})
    L, R = ' style="text-align: left"', ' class="num" style="text-align: right"'
    assert f"<tr><td{L}>&lt;b&gt;</td><td{R}>USD 1,234</td><td{L}></td></tr>" in out
    assert f"<thead><tr><th{L}>name</th><th{R}>USD</th><th{L}>note</th></tr></thead>" in out


def test_an_empty_label_keeps_a_header_for_screen_readers():
    out = tables.render(pd.DataFrame({"jurisdiction": ["CN"]}), labels={"jurisdiction": ""})
    assert '<th style="text-align: left"><span class="visually-hidden">Jurisdiction</span></th>' in out


def test_usd_text_rewrites_dollar_amounts_only():
    assert tables.usd_text("Also $190 a year; 输入 \\$0.0015 / 1K") == "Also USD 190 a year; 输入 USD 0.0015 / 1K"
    assert tables.usd_text("US$100 billion; $6.6B at a $157B valuation") == "USD 100 billion; USD 6.6B at a USD 157B valuation"
    assert tables.usd_text("a $ sign alone") == "a $ sign alone" and tables.usd_text(1.5) == 1.5


def test_shared_tail_says_a_repeated_convention_once():
    import pandas as pd

    from helpers.tables import shared_tail
    rule = "Year: read as the year the company was founded. The table does not say who founded."
    notes = pd.Series([f"Row one's own. {rule}", rule, f"Filled down. {rule}", "Something else entirely, long enough here."])
    convention, own = shared_tail(notes)
    assert convention == rule
    assert own.tolist() == ["Row one's own.", "", "Filled down.", "Something else entirely, long enough here."]
    assert shared_tail(pd.Series(["a. b", "c. d"]))[0] == ""          # nothing shared: every row keeps its note
