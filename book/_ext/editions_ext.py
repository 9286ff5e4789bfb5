"""Both editions of the book, English (``_build/html/``) and Chinese (``_build/html/zh/``): on every page a link to
the same page in the other language, and ``<link rel="alternate" hreflang>`` for search engines and browsers.

The Chinese edition's configuration sets ``book_edition: zh`` (``machinery.edition_build``); the English is the
default. Both builds have the same pages (one table of contents), so the twin of ``notebooks/05_talent.html`` is
``zh/notebooks/05_talent.html``, and back.
"""
from __future__ import annotations

import html
import re

from sphinx.application import Sphinx

EDITIONS = {"en": ("English", "en"), "zh": ("中文版", "zh-Hans")}


def twin_href(pagename: str, edition: str) -> str:
    """The relative link from ``pagename`` of ``edition`` to the same page of the other edition."""
    up = "../" * pagename.count("/")
    return f"{up}zh/{pagename}.html" if edition == "en" else f"{up}../{pagename}.html"


def switch_html(pagename: str, edition: str) -> str:
    """The language switch shown atop a page."""
    other = "zh" if edition == "en" else "en"
    label, code = EDITIONS[other]
    return (f'<p class="edition-switch"><a href="{html.escape(twin_href(pagename, edition))}" hreflang="{code}" '
            f'lang="{code}" rel="alternate">{label}</a></p>\n')


def add_switch(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    edition = app.config.book_edition
    other = "zh" if edition == "en" else "en"
    context["metatags"] = context.get("metatags", "") + (
        f'<link rel="alternate" hreflang="{EDITIONS[other][1]}" href="{html.escape(twin_href(pagename, edition))}">\n')
    if "body" in context:
        context["body"] = switch_html(pagename, edition) + context["body"]


def chinese_assets(app: Sphinx, config) -> None:
    """The Chinese edition's stylesheet (``_static/zh.css``) and the font it names, from ``helpers/fonts``."""
    if config.book_edition != "zh":
        return
    app.add_css_file("zh.css")
    app.connect("build-finished", copy_font)


def copy_font(app: Sphinx, exc: Exception | None) -> None:
    import shutil
    from pathlib import Path

    from helpers.charts import CJK_FONT_DIR

    if exc or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "fonts"
    target.mkdir(parents=True, exist_ok=True)
    for font in CJK_FONT_DIR.glob("*.otf"):
        if not (target / font.name).is_file() or (target / font.name).stat().st_size != font.stat().st_size:
            shutil.copy2(font, target / font.name)


ROOT_PAGE = ('<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
             '<link rel="icon" href="_static/favicon.svg" type="image/svg+xml">'
             '<meta http-equiv="Refresh" content="0; url={url}"></head>'
             '<body><p><a href="{url}">{title}</a></p></body></html>\n')


def root_page(app: Sphinx, exc: Exception | None) -> None:
    """Each edition's ``index.html``, the redirect to its landing page, as a page with a language, a title and the
    book's icon (the theme's bare redirect has none, so a browser asks the server for /favicon.ico)."""
    from pathlib import Path

    index = Path(app.outdir) / "index.html"
    if exc or app.builder.format != "html" or not index.is_file():
        return
    m = re.search(r'url=([^"\s]+)"', index.read_text(encoding="utf-8"))
    if m is None:
        return
    text = ROOT_PAGE.format(lang=EDITIONS[app.config.book_edition][1], title=html.escape(app.config.html_title or ""),
                            url=html.escape(m.group(1)))
    if index.read_text(encoding="utf-8") != text:
        index.write_text(text, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_config_value("book_edition", "en", "html")
    app.connect("config-inited", chinese_assets)
    app.connect("build-finished", root_page, priority=900)      # after sphinx-external-toc writes the redirect
    app.connect("html-page-context", add_switch)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
