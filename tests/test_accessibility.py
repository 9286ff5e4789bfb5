"""Accessibility: axe-core (its default rules) on every page of the built book, in a real headless browser.

axe-core comes from PyPI: the pinned ``axe-playwright-python`` package ships ``axe.min.js``. The file is
injected into each page as an inline script, so nothing is fetched from the network.
"""
from __future__ import annotations

import os
from functools import cache

import pytest

from conftest import open_offline, page_ids

# The documented baseline: violations of the stock Jupyter Book 1 theme (sphinx-book-theme 1.3 on
# pydata-sphinx-theme 0.17) that the book cannot fix without replacing the theme's templates. Each rule is
# allowed only on the theme element named by its selector; anywhere else, in the book's own content, it fails.
BASELINE = {
    # The book title (logo link) at the top of the primary sidebar sits in no landmark: the theme wraps the
    # table of contents in <nav> but not the brand above it. Seen on every page at desktop widths.
    "region": "#pst-primary-sidebar .sidebar-primary-item",
    # The theme's search buttons are named "Search" while they show "Search… Ctrl+K", and its colour-mode
    # button shows only an icon. This rule is experimental in axe-core 4.12, so the default run skips it;
    # it is listed because audits that switch experimental rules on report it.
    "label-content-name-mismatch": ".search-button__button, .theme-switch-button",
}

# Starts axe on the page (window.bookAudit, a promise) and keeps, of the baseline rules, only the elements
# outside the theme element allowed for each.
START_AXE = """baseline => {
    const allowed = (rule, node) => rule in baseline && node.target.length === 1
        && typeof node.target[0] === "string"
        && document.querySelector(node.target[0])?.closest(baseline[rule]) != null;
    window.bookAudit = axe.run(document, {resultTypes: ["violations"]}).then(results => ({
        engine: results.testEngine,
        violations: results.violations
            .map(v => ({...v, nodes: v.nodes.filter(n => !allowed(v.id, n))}))
            .filter(v => v.nodes.length),
    }));
}"""


@cache
def axe_script() -> str:
    """``axe.min.js`` as shipped by the pinned ``axe-playwright-python`` package."""
    try:
        from importlib.resources import files

        return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    except ModuleNotFoundError:
        if os.environ.get("REQUIRE_BROWSER"):
            raise
        pytest.skip("axe-playwright-python (which ships axe-core) is not installed; CI makes this test mandatory")


class Audits:
    """axe-core on the book's pages, one page ahead: while axe audits a page, the next page (in
    ``page_ids()`` order, the order of the tests) loads, draws its charts and starts its own audit in
    another renderer process, so two cores both work. The pages share one browser context: after the
    first page, the theme's and Vega's scripts come from its cache."""

    def __init__(self, browser, server: str) -> None:
        self.context, self.server = browser.new_context(), server
        self.started: dict[str, tuple | Exception] = {}

    def _start(self, rel: str) -> None:
        if rel in self.started:
            return
        try:
            page, blocked, _ = open_offline(self.context, self.server, rel)
            page.add_script_tag(content=axe_script())
            page.evaluate(START_AXE, BASELINE)
            self.started[rel] = (page, blocked)
        except Exception as exc:  # kept for that page's own test to raise
            self.started[rel] = exc

    def result(self, rel: str) -> tuple[dict, list[str]]:
        """(axe's findings beyond the baseline, the URLs the page tried to reach off the machine)."""
        self._start(rel)
        order = page_ids()
        if rel in order and order.index(rel) + 1 < len(order):
            self._start(order[order.index(rel) + 1])
        started = self.started.pop(rel)
        if isinstance(started, Exception):
            raise started
        page, blocked = started
        try:
            return page.evaluate("() => window.bookAudit"), blocked
        finally:
            page.close()

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def audits(server, browser):
    axe_script()  # skip before opening anything when axe-core is not installed
    audits = Audits(browser, server)
    yield audits
    audits.close()


def report(violations: list[dict]) -> str:
    """One line per rule: id, impact, what it asks, and the CSS selectors of the elements that fail it."""
    lines = []
    for v in violations:
        targets = [" >> ".join(map(str, n["target"])) for n in v["nodes"]]
        shown = ", ".join(targets[:8]) + (f", … ({len(targets)} in all)" if len(targets) > 8 else "")
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}: {shown}")
    return "\n".join(lines)


@pytest.mark.parametrize("rel", page_ids())
def test_page_has_no_axe_violation_beyond_the_theme_baseline(audits, rel):
    results, blocked = audits.result(rel)
    assert results["engine"]["name"] == "axe-core"
    assert not blocked, f"tried to reach the network: {blocked}"
    if results["violations"]:
        pytest.fail(f"{rel}: axe-core {results['engine']['version']} found\n{report(results['violations'])}")


def test_a_wide_table_scrolls_from_the_keyboard(server, browser):
    """What the axe rule stands for, done: focus a table that overflows and scroll it with an arrow key."""
    page, _, _ = open_offline(browser, server, "book/data.html")
    try:
        index = page.evaluate(
            "[...document.querySelectorAll('.book-table-wrap')].findIndex(e => e.scrollWidth > e.clientWidth)")
        assert index >= 0, "no table overflows its column on the data page: pick another page"
        wrap = page.locator(".book-table-wrap").nth(index)
        assert wrap.get_attribute("tabindex") == "0" and wrap.get_attribute("aria-label")
        wrap.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("e => e.scrollLeft > 0", arg=wrap.element_handle(), timeout=2_000)
    finally:
        page.close()
