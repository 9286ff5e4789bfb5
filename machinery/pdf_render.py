"""Printing the PDF edition's pages with Chromium (``make pdf``; ``machinery.pdf`` runs it, ``machinery.pdf_bind``
binds them).

Chromium prints each page of the table of contents, served from the built book on 127.0.0.1 with every other host
unreachable, once its Vega charts drew (two pages at a time: one per core), at A4 with make pdf's own margins; a
table too wide for the page is made to fit (``FIT_TABLES``) rather than Chromium shrinking the whole page.
"""
from __future__ import annotations

import asyncio
import contextlib
import functools
import http.server
import io
import socket
import threading
from collections.abc import Callable, Iterator

from pypdf import PdfReader

from machinery.pdf_bind import Book, Page, Printed, bind, contents_html, start_pages

MARGIN = {"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"}
SCALE = 0.9                         # CSS px print at 0.9 × 0.75 pt: the site's 16 px text at 10.8 pt
WIDTH_PX = round((210 - 15 - 15) / 25.4 * 96 / SCALE)     # A4 less the margins, in CSS px: 756
LANDSCAPE_PX = round((297 - 15 - 15) / 25.4 * 96 / SCALE)  # and on its side: 1121
AT_ONCE = 2                         # pages printed at the same time
CHARTS_DRAWN = "n => document.querySelectorAll('div.vega-chart svg.marks, div.vega-chart canvas.marks').length >= n"
# Page size and margins (make pdf's own: a reader's browser prints the site with its own settings), and a landscape
# page for a table too wide for a portrait one.
PAGE_CSS = """@page { size: A4; margin: 16mm 15mm 18mm; } @page wide { size: A4 landscape; margin: 16mm 15mm 18mm; }
.pdf-wide { page: wide; }"""
# A table wider than the page prints a little smaller (down to 0.85) where that fits it; else the section (h2) that
# holds it prints on landscape pages (a section of many such tables, such as a ledger, shares them), the table
# smaller still if it must be (ZOOM_WIDE, down to half size), rather than Chromium shrinking the whole page to fit
# it. Returns the number of tables sent to landscape pages.
FIT_TABLES = """width => { const wide = [];
  for (const t of document.querySelectorAll('table')) { const r = t.getBoundingClientRect();
    if (r.right <= width) continue;
    const zoom = (width - r.left) / r.width;
    if (zoom >= 0.85) { t.style.zoom = zoom.toFixed(3); continue; }
    let s = t.closest('section');
    while (s && s.parentElement.closest('section')?.parentElement.closest('section')) s = s.parentElement.closest('section');
    (s && s.parentElement.closest('section') ? s : t).classList.add('pdf-wide'); wide.push(t); }
  return wide.length; }"""
ZOOM_WIDE = """landscape => { for (const t of document.querySelectorAll('.pdf-wide table, table.pdf-wide')) {
    const r = t.getBoundingClientRect(); if (r.right > landscape) t.style.zoom = Math.max(0.5, (landscape - r.left) / r.width).toFixed(3); } }"""
# What still sticks out of a portrait page (Chromium would shrink the whole page to fit it), landscape tables apart.
WIDEST = """width => Math.max(0, ...[...document.querySelectorAll('main *')].filter(e => !e.closest('.pdf-wide'))
  .map(e => Math.ceil(e.getBoundingClientRect().right)).filter(x => x > width + 2))"""
# The page's title and its sections (level, id, text), as a reader sees them (no permalink signs).
HEADINGS = """() => { const text = h => { const c = h.cloneNode(true);
    c.querySelectorAll('.headerlink').forEach(e => e.remove()); return c.textContent.replace(/\\s+/g, ' ').trim(); };
  const h1 = document.querySelector('h1 > a.headerlink')?.parentElement || document.querySelector('h1');
  const sections = [...document.querySelectorAll('main section[id] > h2, main section[id] > h3')]
    .map(h => [Number(h.tagName[1]), h.parentElement.id, text(h)]);
  return [h1 ? text(h1) : document.title, sections]; }"""


@contextlib.contextmanager
def serve(html_dir) -> Iterator[str]:
    """``html_dir`` over http on 127.0.0.1 (an unused port) while the block runs; yields its base URL."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(html_dir)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


async def _print_page(browser, base: str, page: Page, log: Callable[[str], object]) -> Printed:
    tab = await browser.new_page()
    try:
        response = await tab.goto(f"{base}/{page.html}", wait_until="load")
        if response is None or not response.ok:
            raise RuntimeError(f"{page.html}: HTTP {response and response.status} from the built book")
        charts = await tab.locator("div.vega-chart").count()
        if charts:
            await tab.wait_for_function(CHARTS_DRAWN, arg=charts, timeout=30_000)
        title, sections = await tab.evaluate(HEADINGS)
        await tab.add_style_tag(content=PAGE_CSS)
        await tab.emulate_media(media="print")
        await tab.set_viewport_size({"width": WIDTH_PX, "height": 1000})    # the printed width, to measure it
        if await tab.evaluate(FIT_TABLES, WIDTH_PX):
            await tab.set_viewport_size({"width": LANDSCAPE_PX, "height": 1000})
            await tab.evaluate(ZOOM_WIDE, LANDSCAPE_PX)
            await tab.set_viewport_size({"width": WIDTH_PX, "height": 1000})
        wide = await tab.evaluate(WIDEST, WIDTH_PX)
        if wide:
            log(f"  {page.html}: something is {wide} px wide, wider than the page ({WIDTH_PX} px): "
                "Chromium shrinks the whole page to fit it (book/_static/print.css)")
        data = await tab.pdf(print_background=True, prefer_css_page_size=True, scale=SCALE)
        return Printed(page, title, [tuple(s) for s in sections], data)
    finally:
        await tab.close()


async def _print_html(browser, text: str) -> bytes:
    tab = await browser.new_page()
    try:
        await tab.set_content(text, wait_until="load")
        return await tab.pdf(format="A4", print_background=True, margin=MARGIN)
    finally:
        await tab.close()


async def _print_book(html_dir, pages: list[Page], chromium: str, log: Callable[[str], object]) -> Book:
    from playwright.async_api import async_playwright

    with socket.socket() as dead, serve(html_dir) as base:
        dead.bind(("127.0.0.1", 0))           # held, never listening: every request for another host fails here
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", f"--proxy-server=http://127.0.0.1:{dead.getsockname()[1]}"])
            try:
                gate = asyncio.Semaphore(AT_ONCE)

                async def one(page: Page) -> Printed:
                    async with gate:
                        printed = await _print_page(browser, base, page, log)
                        log(f"  {page.html}: {len(printed.reader.pages)} pages")
                        return printed

                printed = await asyncio.gather(*(one(page) for page in pages))
                counts = [len(p.reader.pages) for p in printed]
                front, contents = 1, b""
                for _ in range(3):                # the contents' own length moves every start page
                    contents = await _print_html(browser, contents_html(printed, start_pages(front, counts)))
                    if len(PdfReader(io.BytesIO(contents)).pages) == front:
                        break
                    front = len(PdfReader(io.BytesIO(contents)).pages)
            finally:
                await browser.close()
    return bind(contents, printed, base)


def render(html_dir, pages: list[Page], chromium: str, log: Callable[[str], object] = print) -> Book:
    """Print ``pages`` of the book in ``html_dir`` with ``chromium`` and bind them into one PDF."""
    return asyncio.run(_print_book(html_dir, pages, chromium, log))


