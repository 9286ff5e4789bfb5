"""Computed prose that reads in every Jupyter client, not only in the built book.

A chapter's sentences with numbers live in code cells that display Markdown::

    F = Figures()
    F.glue("infra_gross_margin", 0.811)            # computed: follows the parameters
    F.quote("report_infra_margin_full", 0.809)     # a source's figure: never follows them
    F.say(r"A gross margin of **{infra_gross_margin:.1%}** (the report prints {report_infra_margin_full:.1%}).")

``say`` fills ``{name:format}`` fields (Python's format mini-language, as ``{glue:text}`` used)
from the figures recorded so far and returns ``IPython.display.Markdown``: a ``text/markdown``
output that JupyterLab, nbconvert HTML, VS Code and papermill outputs render, and that myst-nb
renders in the book. ``glue`` and ``quote`` also store each value with ``myst_nb.glue`` (not
displayed), the machine read-back interface of ``helpers.rerun --figures`` and the tests. The
names recorded with ``quote`` are glued as ``quoted_figures``, so a test can check that no
rerun changes them.
"""
from __future__ import annotations

import re
import string
from typing import Any

from IPython.display import Markdown


def usd_text(text: object) -> object:
    """Money in a source's or a note's text written the book's way: ``US$100 billion``, ``$13B`` and ``\\$190`` as
    ``USD 100 billion``, ``USD 13B`` and ``USD 190`` (JupyterLab typesets text between two dollar signs as
    mathematics); anything that is not a string unchanged. For display only: the data keep the source's words."""
    return re.sub(r"(?:US)?\\?\$\s?(?=\d)", "USD ", text) if isinstance(text, str) else text


class ProseError(KeyError):
    """A sentence names a figure that was never recorded (a typo in a ``{name}`` field)."""


def _plain(value: Any) -> Any:
    """numpy scalars as Python numbers, so glued text reads ``0.81``, not ``np.float64(0.81)``."""
    return value.item() if hasattr(value, "item") and not isinstance(value, (str, bytes)) else value


class Figures:
    """The figures a chapter's prose cites: recorded once, glued for read-back, formatted on demand."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.quoted: list[str] = []

    def glue(self, name: str, value: Any) -> None:
        """Record a computed figure and glue it (not displayed: the prose shows it)."""
        from myst_nb import glue

        value = _plain(value)
        self.values[name] = value
        glue(name, value, display=False)

    def quote(self, name: str, value: Any) -> None:
        """Record a figure a source states: glued like any other, and listed in ``quoted_figures``."""
        self.glue(name, value)
        if name not in self.quoted:
            self.quoted.append(name)

    def sources(self, report_values: dict[str, Any]) -> None:
        """Quote the source's value of every parameter as ``source_<name>`` (the chapter's defaults)."""
        for name, x in report_values.items():
            self.quote(f"source_{name}", x)

    def aside(self, name: str, param: str, template: str) -> None:
        """Record the text figure ``name``: ``template`` filled where this run's ``param_<param>``
        differs from the source's ``source_<param>``, else empty. A sentence that quotes the source
        then reads ``… USD {source_x:,.0f}{name} …`` and names the scenario's figure separately."""
        differs = self.values[f"param_{param}"] != self.values[f"source_{param}"]
        self.glue(name, self.text(template) if differs else "")

    def close(self) -> None:
        """Glue the list of quoted names (call once, after the last ``quote``)."""
        from myst_nb import glue

        glue("quoted_figures", list(self.quoted), display=False)

    def text(self, template: str) -> str:
        """``template`` with every ``{name:format}`` field filled from the recorded figures."""
        missing = [f for _, f, _, _ in string.Formatter().parse(template) if f and f not in self.values]
        if missing:
            raise ProseError(f"the prose cites {missing[0]!r}, which no cell recorded; recorded: "
                             f"{', '.join(sorted(self.values)) or 'none'}")
        # a source's text quoted into a sentence keeps its words but writes money the book's way (usd_text)
        return fill(template, self.values)

    def say(self, template: str) -> Said:
        """The filled ``template`` as a Markdown output, in the current language (``helpers.i18n``): its twin from
        the catalogue where the chapter runs in Chinese. The output's metadata keep the English template and the
        values of its fields, so the Chinese edition fills its own template with the very same figures."""
        from helpers import i18n

        self.text(template)                     # a misspelt field fails here, in either language
        names = {f.split(":")[0].split("!")[0].split(".")[0].split("[")[0] for f in i18n.fields(template)}
        used = {k: self.values[k] for k in sorted(names)}
        return Said(fill_in(template, used, i18n.current()), {"book": {"template": template, "fields": used}})


class Said(Markdown):
    """A computed sentence: Markdown whose display metadata record how it was made (``Figures.say``)."""

    def __init__(self, text: str, metadata: dict) -> None:
        super().__init__(text)
        self.book_metadata = metadata

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> tuple[dict, dict]:
        return {"text/markdown": self.data, "text/plain": "<IPython.core.display.Markdown object>"}, self.book_metadata


def fill(template: str, values: dict[str, Any]) -> str:
    """``template`` filled from ``values`` as ``Figures.text`` fills it (the Chinese edition's sentences)."""
    return template.format_map({k: usd_text(v) for k, v in values.items()})


def fill_in(template: str, values: dict[str, Any], lang: str) -> str:
    """``template``'s twin in ``lang`` (``localized``) filled from ``values``, a text value in ``lang`` too where the
    catalogue has it ("printed rows" → 印出的行): one rule for a Chinese run and for the Chinese edition."""
    from helpers import i18n

    return fill(localized(template, lang), {k: i18n.translate(v, lang) for k, v in values.items()})


def takeaways(body: str, title: str = "Key takeaways") -> str:
    """A tip box that is an admonition in the book and a plain titled block elsewhere.

    Written as MyST's ``html_admonition`` (a ``<div class="admonition tip">``): myst-nb renders it as
    a tip in the book; JupyterLab and nbconvert show the title and the Markdown body as they are.
    """
    return f'<div class="admonition tip">\n<p class="admonition-title">{title}</p>\n\n{body.strip()}\n\n</div>'


def checking(body: str, title: str = "Checking the numbers") -> str:
    """The book's check of a section, folded under ``title``: a ``<details>`` block that the book, JupyterLab and
    nbconvert all show closed, with the Markdown ``body`` inside (the report's argument stays in the open text)."""
    return f'<details class="book-check">\n<summary>{title}</summary>\n\n{body.strip()}\n\n</details>'


_BOXES = {"takeaways": (takeaways, re.compile(r'^\s*<div class="admonition tip">\s*<p class="admonition-title">(.*?)</p>(.*)</div>\s*$', re.S)),
          "checking": (checking, re.compile(r'^\s*<details class="book-check">\s*<summary>(.*?)</summary>(.*)</details>\s*$', re.S))}


def unwrap(text: str):
    """``(wrap, title, body)`` when ``text`` is a box (``takeaways``, ``checking``), else None: its title and its body
    are translated apart, and ``wrap(body, title=…)`` boxes them again."""
    for wrap, regex in _BOXES.values():
        m = regex.match(text)
        if m:
            return wrap, m.group(1), m.group(2)
    return None


def localized(template: str, lang: str) -> str:
    """``template``'s twin in ``lang`` (``helpers.i18n``): the catalogue's, else a box with its title and body
    translated apart, else the English template itself."""
    from helpers import i18n

    found = i18n.template(template, lang)
    if found != template or lang == i18n.DEFAULT:
        return found
    box = unwrap(template)
    if box is None:
        return template
    wrap, title, body = box
    return wrap(localized(body, lang), title=i18n.translate(title, lang))
