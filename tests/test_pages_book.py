"""The book's pages other than the chapters (landing page, report map, data dictionary, rerun, scenarios,
facilitator guide, index): the same checks as ``tests/test_pages.py``, in a file of their own so that pytest-xdist
audits them beside the chapters."""
from __future__ import annotations

import pytest
from test_pages import OTHER_PAGES, audits_of, check_page

audits = audits_of(OTHER_PAGES)


@pytest.mark.parametrize("rel", OTHER_PAGES)
def test_page_renders_offline_with_its_charts_and_passes_axe(audits, rel):
    check_page(audits, rel)
