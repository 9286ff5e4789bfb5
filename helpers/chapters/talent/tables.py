"""The talent chapter's tables, each displayed through ``helpers.tables`` with its columns, labels and caption."""
from __future__ import annotations

from IPython.display import HTML

from helpers import tables
from helpers.chapters.talent.startups import claims as report_claims
from helpers.chapters.talent.startups import founders as founder_rows


def claims() -> HTML:
    """The report's claims about the AI 2000 list and its founders, and whether the source can check each."""
    cl = report_claims()
    return tables.show(cl[["country", "claim_en", "value_as_stated", "underlying_figures_in_source"]],
                       labels={"country": "About", "claim_en": "The report's claim", "value_as_stated": "Figure as stated",
                               "underlying_figures_in_source": "Checkable in the source?"},
                       caption="The report's claims about the AI 2000 list and its founders")


def founders() -> HTML:
    """The report's table of AI 2000 scholars at post-GPT-3 start-ups, as printed."""
    f = founder_rows()
    convention, own = tables.shared_tail(f["reading_note"])     # said once, above the table, not in every row
    f = f.assign(reading_note=own)
    return tables.show(f[["row_no", "field_en", "scholar", "company", "year", "country_en", "reading_note"]],
                       labels={"row_no": "#", "field_en": "Field", "scholar": "Scholar", "company": "Company", "year": "Year",
                               "country_en": "Country", "reading_note": "Our reading (this row)"},
                       caption="The report's table as printed (field filled down where the extraction merged cells). "
                               f"Our reading of every row: {convention}")
