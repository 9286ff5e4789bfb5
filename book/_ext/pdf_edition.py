"""The PDF edition (``make pdf``, ``machinery.pdf``) in the built site: its print stylesheet, and its withdrawal.

``print.css`` (``book/_static``) is every page's stylesheet for print: ``make pdf`` prints the pages with it, and so
does a reader's browser. After every build, finished or failed, the PDF and the landing page's link to it are
withdrawn: the build may have changed pages the PDF was printed from, and Sphinx does not rewrite a landing page
whose source did not change, so the link would outlive the pages it was printed from. ``make pdf`` prints it again.
"""
from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx


def withdraw_pdf(app: Sphinx, exc: Exception | None) -> None:
    """Remove the PDF edition and turn the landing page's link to it back into its placeholder."""
    if app.builder.format != "html":
        return
    from machinery import pdf

    landing = Path(app.builder.get_outfilename(app.config.root_doc)).relative_to(app.outdir).as_posix()
    pdf.withdraw(Path(app.outdir), landing)


def setup(app: Sphinx) -> None:
    app.add_css_file("print.css", media="print")
    app.connect("build-finished", withdraw_pdf)
