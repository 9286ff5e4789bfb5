"""Shared helpers and fixtures: repository paths, a corrupted copy of data/, papermill runs, quote checks,
the built book served to a real headless browser that reaches nothing off the machine."""
from __future__ import annotations

import csv
import functools
import http.server
import os
import re
import shutil
import socket
import threading
from pathlib import Path
from urllib.parse import urljoin

import kernel_forks
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
PRICING = NOTEBOOKS / "02_pricing_models.ipynb"
HTML = ROOT / "_build" / "html"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Harmless messages a stock Jupyter Book 1 theme logs; exact texts only.
ALLOWED_CONSOLE = {"Got invalid theme mode: . Resetting to auto.",
                   "Identifier 'THEBE_JS_URL' has already been declared"}


# The kernels this process's notebook runs start (papermill, nbclient, nbval) fork from a server that has
# ipykernel, pandas and altair imported: about 1 CPU-second less each, 35 of the suite's 52 kernels
# (tests/kernel_forks.py).
# BOOK_TEST_REAL_KERNELS=1 starts every kernel as a fresh process instead.
LAUNCHER: kernel_forks.Launcher | None = None


def pytest_configure(config) -> None:
    """In each process that runs tests (an xdist worker, or pytest without xdist), install the kernel forks."""
    global LAUNCHER
    runs_tests = hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None)
    if runs_tests and LAUNCHER is None and not os.environ.get("BOOK_TEST_REAL_KERNELS"):
        LAUNCHER = kernel_forks.install()


# The tiers: `make check` runs what is marked none of these (unit, schema, nbval); `make test` runs everything.
# A test that uses the browser or the built book's server is `browser`, one in a real JupyterLab is `lab`, both
# found from the fixtures it uses (one that reads the built book is `slow`); a test that builds, reruns a chapter or starts processes is marked `slow` where
# it is written.
BROWSER_FIXTURES = {"browser", "server", "audits"}
LAB_FIXTURES = {"lab_server", "lab_page", "lab"}
BUILT_FIXTURES = {"built"}          # reads the built book: make check does not build it


@pytest.fixture(scope="session")
def built() -> Path:
    """The built book, every page of its table of contents (make test builds it first; make check leaves out the
    tests that use this fixture)."""
    from machinery.pdf import toc_pages

    missing = [p.doc for p in toc_pages() if not (HTML / f"{p.doc}.html").exists()]
    if missing:
        pytest.fail(f"the book is not built ({missing[0]}.html is missing): run `make test` (which builds it) or `make book` first")
    return HTML


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if names & LAB_FIXTURES or item.path.name == "test_lab.py":
            item.add_marker(pytest.mark.lab)
        if names & BUILT_FIXTURES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def real_kernels():
    """Kernels started as fresh processes, as the build and JupyterLab start them: for tests of the processes."""
    with kernel_forks.real_launches(LAUNCHER):
        yield


def process_state(pid: int) -> tuple[str, int] | None:
    """``(state, parent pid)`` of process ``pid`` from ``/proc`` (state ``Z``: exited, not yet reaped), or None
    when there is no such process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[0], int(fields[1])


def corrupt(tmp_path: Path, table: str, row: int, column: str, value: str) -> Path:
    """Copy data/ to ``tmp_path / "data"`` and set one cell of ``table`` (row is 1-based, header excluded)."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    path = target / f"{table}.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows[row][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return target


def has_tooltips(spec: dict) -> bool:
    """Whether the chart, or any layer or panel of it, shows a tooltip."""
    parts = spec.get("layer", []) + spec.get("vconcat", []) + spec.get("hconcat", [])
    return "tooltip" in spec.get("encoding", {}) or any(has_tooltips(part) for part in parts)


def pages() -> list[Path]:
    """Every page of the built book (not the theme's static files or page sources)."""
    return sorted(p for p in HTML.rglob("*.html") if not {"_static", "_sources"} & set(p.relative_to(HTML).parts))


def page_ids() -> list[str]:
    """``pages()`` relative to the HTML root, for ``parametrize`` (one page if the book is not built yet:
    the ``server`` fixture then fails, naming the command that builds it)."""
    return [str(p.relative_to(HTML)) for p in pages()] or ["notebooks/02_pricing_models.html"]


def watch_offline(page, local: str) -> tuple[list[str], list[str]]:
    """Record what ``page`` does wrong from now on: the URLs it tried to reach outside ``local`` (the browser's
    dead proxy refuses them: see ``browser``) and its console and page errors other than ``ALLOWED_CONSOLE``
    (a resource the server answers with an error status, or that fails to load, is a console error too).

    Returns ``(blocked, errors)``, two lists that fill as the page runs.
    """
    blocked: list[str] = []
    errors: list[str] = []

    def console(m) -> None:
        if m.type == "error" and m.text not in ALLOWED_CONSOLE:
            url = m.location.get("url", "")
            errors.append(f"{m.text} ({url})" if url else m.text)

    page.on("requestfailed", lambda r: None if r.url.startswith(local) else blocked.append(r.url))
    page.on("console", console)
    page.on("pageerror", lambda e: errors.append(str(e)) if str(e) not in ALLOWED_CONSOLE else None)
    return blocked, errors


def open_offline(browser, server: str, rel: str):
    """Open page ``rel`` of the book served at ``server`` in ``browser`` (or a context of it), watched by
    ``watch_offline``, and wait until its Vega charts drew.

    Returns ``(page, blocked, errors)``: the Playwright page (the caller closes it), the URLs it tried to
    reach off the machine, and its console and page errors other than ``ALLOWED_CONSOLE``.
    """
    # Each edition's index.html redirects (`<meta http-equiv="Refresh" content="0; url=...">`): follow it, so the
    # checks see the page a reader lands on and do not race the redirect.
    redirect = re.search(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', (HTML / rel).read_text(encoding="utf-8"))
    page = browser.new_page()
    blocked, errors = watch_offline(page, server)
    response = page.goto(f"{server}/{rel}", wait_until="load")
    if response is None or not response.ok:
        errors.append(f"HTTP {response and response.status}: {server}/{rel}")
    if redirect:
        page.wait_for_url(urljoin(f"{server}/{rel}", redirect[1]), wait_until="load")
    n_charts = page.locator("div.vega-chart").count()
    if n_charts:
        page.wait_for_function(
            "n => document.querySelectorAll('div.vega-chart svg.marks').length === n", arg=n_charts, timeout=20_000)
    return page, blocked, errors


def run_notebook(path: Path, out: Path, **parameters):
    """Execute ``path`` with papermill into ``out``; return the output path."""
    from machinery import rerun

    rerun.execute(path, out, parameters)
    return out


def assert_quotes_unchanged(run: Path, chapter: Path) -> None:
    """Every figure the chapter quotes from a source (``quoted_figures``) is the same in ``run``, a rerun
    with other parameters, as in the committed chapter: a rerun never misquotes a source."""
    from machinery import rerun

    committed, fresh = rerun.glued_figures(chapter), rerun.glued_figures(run)
    names = committed["quoted_figures"]
    assert names and fresh["quoted_figures"] == names
    changed = {n: (committed[n], fresh[n]) for n in names if fresh[n] != committed[n]}
    assert not changed, f"quoted figures changed with the parameters: {changed}"


@pytest.fixture(scope="module")
def server():
    """The built book served over http on 127.0.0.1 (file:// hides loading bugs)."""
    if not (HTML / "notebooks" / "02_pricing_models.html").exists():
        pytest.fail("the book is not built: run `make test` (which builds it) or `make book` first")
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    """Debian Chromium under Playwright; skipped without it unless REQUIRE_BROWSER is set. One per module, not per
    session: Playwright's sync API keeps an asyncio loop running on the thread, and later tests' asyncio.run()
    (the build's executor) would meet it.

    The browser is offline: it sends every request for another host through a proxy on a port of this machine
    that is bound but never listens, so each is refused there and fails (``watch_offline`` lists them); requests
    to 127.0.0.1 go direct, as Chromium never proxies loopback. Refusing them in the browser costs the tests
    nothing per request, where intercepting every request in Playwright cost a round trip each."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"REQUIRE_BROWSER is set but no Chromium at {CHROMIUM} (apt-get install chromium)")
        pytest.skip("Chromium not installed (apt-get install chromium); CI makes this test mandatory")
    from playwright.sync_api import sync_playwright

    with socket.socket() as dead, sync_playwright() as p:
        dead.bind(("127.0.0.1", 0))           # held, never listening: a connection to it is refused
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", f"--proxy-server=http://127.0.0.1:{dead.getsockname()[1]}"])
        yield b
        b.close()
