"""Every page of the built book in a real headless browser, visited once: it loads offline (every
non-loopback request aborted), logs no console error, draws every chart with alt text, and passes axe-core
(its default rules) beyond a documented theme baseline, in the light colour scheme and then in the dark one.

axe-core comes from PyPI: the pinned ``axe-playwright-python`` package ships ``axe.min.js``. The file is
injected into each page as an inline script, so nothing is fetched from the network.
"""
from __future__ import annotations

import functools
import http.server
import os
import re
import socket
import threading
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

# Charts each page must draw (the others draw none).
EXPECTED_CHARTS = {"notebooks/02_pricing_models.html": 11, "notebooks/02b_three_years_on.html": 4, "notebooks/02c_pricing_checks.html": 2,
                   "notebooks/01_ecosystem.html": 7, "notebooks/01b_companies.html": 3, "notebooks/06_outlook.html": 2,
                   "notebooks/06b_forecast_ledger.html": 1,
                   "notebooks/05_talent.html": 2, "notebooks/04_regulation.html": 3, "notebooks/03_frontier_research.html": 3}
CHARTS = """() => [...document.querySelectorAll('div.vega-chart')].map(c => ({
    marks: c.querySelectorAll("svg.marks g[class*='mark-']").length, label: c.getAttribute('aria-label') || ''}))"""

# Starts axe on the page (window.bookAudit, a promise) and keeps, of the baseline rules, only the elements
# outside the theme element allowed for each. The second argument is more of axe.run's options (e.g. runOnly).
START_AXE = """([baseline, options]) => {
    const allowed = (rule, node) => rule in baseline && node.target.length === 1
        && typeof node.target[0] === "string"
        && document.querySelector(node.target[0])?.closest(baseline[rule]) != null;
    window.bookAudit = axe.run(document, {resultTypes: ["violations"], ...options}).then(results => ({
        engine: results.testEngine,
        violations: results.violations
            .map(v => ({...v, nodes: v.nodes.filter(n => !allowed(v.id, n))}))
            .filter(v => v.nodes.length),
    }));
}"""


# axe-core's colour parser, remembered per CSS colour string for the page's audit. The color-contrast rule
# parses the computed colours of every text element and its ancestors: on the data dictionary (4,000 table
# cells) that is tens of thousands of parses of a few dozen strings, each building colour.js objects, and
# half the page's audit. The parser only sets r, g, b and alpha from the string (or throws, which is not
# remembered), so a remembered parse sets the same four values and the findings are the same
# (test_remembered_colours_find_what_axe_finds checks it on a page that fails the rule).
REMEMBER_COLOURS = """() => {
    const Color = axe.commons.color.Color, parse = Color.prototype.parseString, seen = new Map();
    Color.prototype.parseString = function (text) {
        const known = seen.get(text);
        if (known === undefined) {
            const parsed = parse.call(this, text);
            seen.set(text, [this.r, this.g, this.b, this.alpha]);
            return parsed;
        }
        [this.r, this.g, this.b, this.alpha] = known;
        return this;
    };
}"""


# The dark colour scheme changes colours only (html[data-theme="dark"] in the theme's and the book's CSS), so after
# the full audit in light, the page is audited again in dark with the rules that read colours: the contrast of
# text on its background, and of a link with the text around it.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
# What the page's theme shows, once its data-theme (what the theme's CSS keys on) is the scheme asked for (or after
# half a second) and the colour transitions that follow a switch have ended (the theme's search fields fade for
# 0.15 s: audited halfway, they read grey on grey): that data-theme and the page's background colour.
THEME = """async scheme => {
    for (let i = 0; i < 50 && document.documentElement.dataset.theme !== scheme; i++)
        await new Promise(done => setTimeout(done, 10));
    await Promise.all(document.getAnimations().filter(a => a instanceof CSSTransition)
        .map(a => a.finished.catch(() => null)));
    return {theme: document.documentElement.dataset.theme, background: getComputedStyle(document.body).backgroundColor};
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
    first page, the theme's and Vega's scripts come from its cache.

    Each page loads as a reader's browser set to light shows it (the theme's "auto" mode follows
    ``prefers-color-scheme``) and gets the full audit; then the browser's preference turns dark, the theme follows
    it, and the page gets the colour rules' audit (``COLOUR_RULES``) in dark, while the next page's full audit
    runs beside it. One load per page, not two: the scripts, the charts and the rules that do not read colours
    are the same in both schemes."""

    def __init__(self, browser, server: str, order: list[str]) -> None:
        self.context, self.server, self.order = browser.new_context(color_scheme="light"), server, order
        self.started: dict[str, tuple | Exception] = {}

    def _start(self, rel: str) -> None:
        if rel in self.started:
            return
        try:
            page, blocked, errors = open_offline(self.context, self.server, rel)
            charts = page.evaluate(CHARTS)
            # errors are the page's own up to here: axe re-fetches stylesheets (its CSSOM preload) and can
            # log a 404 for an @import it resolves against the wrong base, which is not the book's fault
            errors = list(errors)
            page.add_script_tag(content=axe_script())
            page.evaluate(REMEMBER_COLOURS)
            theme = page.evaluate(THEME, "light")
            page.evaluate(START_AXE, [BASELINE, {}])
            self.started[rel] = (page, {"blocked": blocked, "errors": errors, "charts": charts, "light": theme})
        except Exception as exc:  # kept for that page's own test to raise
            self.started[rel] = exc

    def result(self, rel: str) -> tuple[dict, dict, dict]:
        """(axe's findings beyond the baseline in light, those of the colour rules in dark, what the page did:
        blocked URLs, console errors, its charts, what its theme showed in each scheme)."""
        self._start(rel)
        order = self.order
        if rel in order and order.index(rel) + 1 < len(order):
            self._start(order[order.index(rel) + 1])
        started = self.started.pop(rel)
        if isinstance(started, Exception):
            raise started
        page, seen = started
        try:
            light = page.evaluate("() => window.bookAudit")
            page.emulate_media(color_scheme="dark")
            seen["dark"] = page.evaluate(THEME, "dark")
            page.evaluate(START_AXE, [BASELINE, {"runOnly": {"type": "rule", "values": COLOUR_RULES}}])
            return light, page.evaluate("() => window.bookAudit"), seen
        finally:
            page.close()

    def close(self) -> None:
        self.context.close()


# The chapters here; the book's other pages in tests/test_pages_book.py, so that pytest-xdist audits both at once.
CHAPTER_PAGES = [p for p in page_ids() if p.startswith("notebooks/")]
OTHER_PAGES = [p for p in page_ids() if not p.startswith("notebooks/")]


def audits_of(order: list[str]):
    """A module fixture auditing ``order``'s pages (one page ahead)."""
    @pytest.fixture(scope="module")
    def audits(server, browser):
        axe_script()  # skip before opening anything when axe-core is not installed
        audits = Audits(browser, server, order)
        yield audits
        audits.close()
    return audits


audits = audits_of(CHAPTER_PAGES)


def report(violations: list[dict]) -> str:
    """One line per rule: id, impact, what it asks, and the CSS selectors of the elements that fail it."""
    lines = []
    for v in violations:
        targets = [" >> ".join(map(str, n["target"])) for n in v["nodes"]]
        shown = ", ".join(targets[:8]) + (f", … ({len(targets)} in all)" if len(targets) > 8 else "")
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}: {shown}")
    return "\n".join(lines)


@pytest.mark.parametrize("rel", CHAPTER_PAGES)
def test_page_renders_offline_with_its_charts_and_passes_axe(audits, rel):
    check_page(audits, rel)


def check_page(audits: Audits, rel: str) -> None:
    """Offline, no console error, every chart drawn with alt text, no axe-core violation beyond the baseline in
    the light colour scheme, and none of the colour rules in the dark one."""
    light, dark, seen = audits.result(rel)
    assert not seen["errors"], seen["errors"]
    assert not seen["blocked"], f"tried to reach the network: {seen['blocked']}"
    charts = seen["charts"]
    assert len(charts) == EXPECTED_CHARTS.get(rel.removeprefix("zh/"), 0)     # the Chinese twin: as many
    assert all(c["marks"] > 0 for c in charts), f"charts that drew no marks: {[i for i, c in enumerate(charts) if not c['marks']]}"
    assert all(c["label"] for c in charts), "a chart has no alt text"
    assert (seen["light"]["theme"], seen["dark"]["theme"]) == ("light", "dark"), "the theme did not follow the scheme"
    assert luminance(seen["light"]["background"]) > 0.5 > luminance(seen["dark"]["background"]), \
        f"the page is not light, then dark: {seen['light']['background']}, {seen['dark']['background']}"
    for scheme, results in (("light", light), ("dark", dark)):
        assert results["engine"]["name"] == "axe-core"
        if results["violations"]:
            pytest.fail(f"{rel} in the {scheme} colour scheme: axe-core {results['engine']['version']} found\n"
                        f"{report(results['violations'])}")


def luminance(css_rgb: str) -> float:
    """Relative luminance (0 black, 1 white; WCAG 2) of a computed colour ``rgb(r, g, b)`` or ``rgba(...)``."""
    channels = [float(c) / 255 for c in re.findall(r"[\d.]+", css_rgb)[:3]]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# Text of several colours on several backgrounds, some failing color-contrast: a page where remembering
# colours could change what axe finds, if it were wrong.
CONTRAST_PAGE = """<!doctype html><html lang="en"><head><title>contrast</title></head><body><main>
<p style="color:#777;background:#fff">grey on white</p><p style="color:#aaa;background:#fff">pale grey on white</p>
<div style="background:rgb(20 40 200 / 0.5)"><p style="color:hsl(0.5turn 60% 40%)">teal on half blue</p>
<p style="color:#777">grey on half blue</p></div><p style="color:rgba(0,0,0,0.3)">faint black</p>
<table><tr><td style="color:#999;background:#eee">cell</td><td style="color:#000;background:#eee">cell</td></tr></table>
</main></body></html>"""


def test_remembered_colours_find_what_axe_finds(browser):
    audit = """async () => (await axe.run(document, {runOnly: {type: "rule", values: ["color-contrast"]}}))
        .violations.flatMap(v => v.nodes.map(n => [n.target, n.any.map(c => c.data && c.data.contrastRatio)]))"""
    found = []
    for remember in (False, True):
        page = browser.new_page()
        try:
            page.set_content(CONTRAST_PAGE)
            page.add_script_tag(content=axe_script())
            if remember:
                page.evaluate(REMEMBER_COLOURS)
            found.append(page.evaluate(audit))
        finally:
            page.close()
    assert len(found[0]) >= 3 and found[1] == found[0]


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


def machine_address() -> str | None:
    """A non-loopback address of this machine: the one its outgoing traffic would leave from (a UDP socket's
    connect sends nothing), or None on a machine with no such interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))            # TEST-NET-1: never contacted, only routed
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


@pytest.fixture(scope="module")
def reachable_server(tmp_path_factory):
    """A server this test starts on a non-loopback address of the machine: reachable by any program here, so a
    browser that fails to load from it is offline by its own settings, not by the network's."""
    address = machine_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address to serve on")
    site = tmp_path_factory.mktemp("elsewhere")
    for name, body in (("data.json", "{}"), ("chart.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>"),
                       ("vega.js", "window.loaded = true;")):
        (site / name).write_text(body, encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer((address, 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://{address}:{httpd.server_address[1]}"
    httpd.shutdown()


def test_the_browser_reaches_nothing_off_the_machine(server, browser, reachable_server):
    """The net under every page check: a page that asks another host (by address or by name; by fetch, script
    and image) gets nothing, and each URL is listed as blocked. The host by address is a server this test started
    on the machine's own network address, which Python reaches directly."""
    import urllib.request

    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with direct.open(f"{reachable_server}/data.json", timeout=5) as r:
        assert r.status == 200                     # reachable: only the browser's settings keep it out
    urls = [f"{reachable_server}/data.json", f"{reachable_server}/chart.svg", "http://offline.invalid/vega.js"]
    page, blocked, _ = open_offline(browser, server, "book/intro.html")
    try:
        got = page.evaluate("""async ([a, b, c]) => {
            const load = (tag, url) => new Promise(done => { const e = document.createElement(tag);
                e.onload = () => done("loaded"); e.onerror = () => done("failed"); e.src = url; document.body.append(e); });
            return [await fetch(a, {mode: "no-cors"}).then(() => "loaded", () => "failed"),
                    await load("img", b), await load("script", c)]; }""", urls)
        for _ in range(50):                         # the failures reach Python as events
            if len(blocked) >= len(urls):
                break
            page.wait_for_timeout(20)
    finally:
        page.close()
    assert got == ["failed"] * 3
    assert sorted(blocked) == sorted(urls)
