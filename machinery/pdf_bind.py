"""Binding the printed pages of the PDF edition into one book (``make pdf``; ``machinery.pdf_render`` prints them).

pypdf puts a printed contents page first, gives the file an outline (one entry per page of the table of contents,
its sections beneath), stamps page numbers at the foot of every page, turns links between the book's pages into
links inside the PDF (a link to anything else of the site, such as a chart's CSV, is dropped: it would lead
nowhere), and makes Chinese copy and search as the ideographs it shows.
"""
from __future__ import annotations

import functools
import html
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import unquote, urlsplit

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

TITLE = "State of Generative AI 2023: an executable edition"
AUTHOR = "The executable-book team, after Qiming Venture Partners × Weijin Research"
NUMBER_FROM_BOTTOM_PT = 28          # the page number's baseline, in the bottom margin (18 mm ≈ 51 pt)


class Page(Protocol):
    """A page of the table of contents (``machinery.pdf.TocPage``): its file in the site and its part."""

    html: str
    part: str | None


@dataclass(frozen=True)
class Printed:
    """One page of the book as Chromium printed it."""

    page: Page
    title: str
    sections: list[tuple[int, str, str]]      # (2 or 3, the section's id, its heading)
    data: bytes

    @functools.cached_property
    def reader(self) -> PdfReader:
        return PdfReader(io.BytesIO(self.data))

    @functools.cached_property
    def places(self) -> dict[str, int]:
        """The page (from 0) of each element Chromium named (an id that a link points at), by id."""
        return {str(name).lstrip("/"): self.reader.get_destination_page_number(dest)
                for name, dest in self.reader.named_destinations.items()}


@dataclass(frozen=True)
class Book:
    """The bound PDF and its number of pages."""

    data: bytes
    pages: int


def start_pages(front: int, counts: list[int]) -> list[int]:
    """The first page number of each printed page after ``front`` pages of contents (numbering from 1)."""
    starts, at = [], front + 1
    for n in counts:
        starts.append(at)
        at += n
    return starts


CONTENTS_CSS = """body { font-family: system-ui, 'Noto Sans CJK SC', sans-serif; font-size: 11pt; color: #222; }
h1 { font-size: 20pt; margin: 0 0 4pt; } .by { color: #555; margin: 0 0 22pt; } h2 { font-size: 14pt; margin: 0 0 8pt; }
.part { font-weight: 600; margin: 14pt 0 4pt; color: #1f5a94; }
ol { list-style: none; padding: 0; margin: 0; } li { display: flex; align-items: baseline; margin: 3pt 0; }
li .t { flex: 0 1 auto; } li .dots { flex: 1 1 auto; border-bottom: 1px dotted #888; margin: 0 4pt; }
li .n { flex: 0 0 auto; font-variant-numeric: tabular-nums; }"""


def contents_html(printed: list[Printed], starts: list[int]) -> str:
    """The printed contents page: the book's title, then each page's title and first page number, by part."""
    rows, part = [], object()
    for p, start in zip(printed, starts, strict=True):
        if p.page.part is not None and p.page.part != part:
            rows.append(f'</ol><p class="part">{html.escape(p.page.part)}</p><ol>')
        part = p.page.part
        rows.append(f'<li><span class="t">{html.escape(p.title)}</span><span class="dots"></span>'
                    f'<span class="n">{start}</span></li>')
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Contents</title>'
            f"<style>{CONTENTS_CSS}</style></head><body><h1>{html.escape(TITLE)}</h1>"
            f'<p class="by">{html.escape(AUTHOR)}</p><h2>Contents</h2><ol>{"".join(rows)}</ol></body></html>')


def bind(contents: bytes, printed: list[Printed], base: str) -> Book:
    """Contents first, then every printed page, with an outline, page numbers and links inside the PDF."""
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(contents)), import_outline=False)
    writer.add_outline_item("Contents", 0)
    starts, parents = [], {}
    for p in printed:
        starts.append(len(writer.pages))
        writer.append(p.reader, import_outline=False)
        parent = None
        if p.page.part is not None:
            if p.page.part not in parents:
                parents[p.page.part] = writer.add_outline_item(p.page.part, starts[-1])
            parent = parents[p.page.part]
        item = writer.add_outline_item(p.title, starts[-1], parent=parent)
        _add_sections(writer, p, starts[-1], item)
    _relink(writer, printed, starts, base)
    _unify_ideographs(writer)
    for number, page in enumerate(writer.pages, start=1):
        _stamp_number(writer, page, number)
    writer.add_metadata({"/Title": TITLE, "/Author": AUTHOR})
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return Book(out.getvalue(), len(writer.pages))


def _add_sections(writer: PdfWriter, printed: Printed, start: int, parent) -> None:
    """The page's sections (h2, and h3 beneath them) under its outline item, each at the page where Chromium put
    it (its named destination: the section's id)."""
    under = {2: parent, 3: parent}
    for level, ident, title in printed.sections:
        if ident not in printed.places:
            continue
        item = writer.add_outline_item(title, start + printed.places[ident], parent=under[level])
        if level == 2:
            under[3] = item


def _relink(writer: PdfWriter, printed: list[Printed], starts: list[int], base: str) -> None:
    """Links to a page of the book, or within one, go to their place in the PDF (the section where Chromium named
    it); other links into the site are dropped; links off the site stay as they are."""
    where = {p.page.html: (p, start) for p, start in zip(printed, starts, strict=True)}

    def place(p: Printed, start: int, name: str) -> int:
        return start + p.places.get(name, 0)

    for p, start in zip(printed, starts, strict=True):
        for page in writer.pages[start:start + len(p.reader.pages)]:
            annots = page.get("/Annots")
            if annots is None:
                continue
            kept = ArrayObject()
            for ref in annots.get_object():
                annot = ref.get_object()
                uri, dest = str(annot.get("/A", {}).get("/URI", "")), annot.get("/Dest")
                if isinstance(dest, str):                     # a named place on the same page of the book
                    index = place(p, start, dest.lstrip("/"))
                elif uri.startswith(base + "/"):
                    parts = urlsplit(uri)
                    target = where.get(unquote(parts.path).lstrip("/"))
                    if target is None:
                        continue                              # the site's other files: nowhere to go in a PDF
                    index = place(*target, parts.fragment)
                else:
                    kept.append(ref)
                    continue
                if "/A" in annot:
                    del annot["/A"]
                annot[NameObject("/Dest")] = ArrayObject([writer.pages[index].indirect_reference, NameObject("/Fit")])
                kept.append(ref)
            page[NameObject("/Annots")] = kept


RADICAL = re.compile(rb"(<[0-9A-Fa-f]+>\s*)<(2[EF][0-9A-Fa-f]{2})>")


def _unify_ideographs(writer: PdfWriter) -> None:
    """Where a font maps a glyph back to a Kangxi or CJK radical (U+2E80–U+2FDF: Chromium picks the first of the
    code points that share the glyph, so 生 copies and searches as ⽣), map it to the ideograph NFKC names instead."""
    def fix(match: re.Match) -> bytes:
        char = unicodedata.normalize("NFKC", chr(int(match[2], 16)))
        return match[1] + (b"<%04X>" % ord(char) if len(char) == 1 else b"<" + match[2] + b">")

    seen: set[int] = set()
    for page in writer.pages:
        fonts = page.get("/Resources", {}).get("/Font") or {}
        for font in fonts.values():
            font = font.get_object()
            cmap = font.get("/ToUnicode")
            if cmap is None or id(cmap.get_object()) in seen:
                continue
            cmap = cmap.get_object()
            seen.add(id(cmap))
            data = cmap.get_data()
            fixed = RADICAL.sub(fix, data)
            if fixed != data:
                cmap.set_data(fixed)


def _stamp_number(writer: PdfWriter, page, number: int) -> None:
    """Write ``number`` centred at the foot of ``page`` (Helvetica, a standard PDF font: nothing to embed)."""
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    fonts = resources.get("/Font")
    fonts = fonts.get_object() if fonts is not None else DictionaryObject()
    fonts[NameObject("/PgNo")] = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")})
    resources[NameObject("/Font")] = fonts
    page[NameObject("/Resources")] = resources
    text = str(number)
    width = float(page.mediabox.width)
    x = (width - 0.556 * 9 * len(text)) / 2            # Helvetica's digits are 0.556 em wide
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n")
    after.set_data(f"\nQ\nq BT /PgNo 9 Tf 0.35 g {x:.2f} {NUMBER_FROM_BOTTOM_PT} Td ({text}) Tj ET Q\n".encode())
    contents = page.get("/Contents")
    streams = contents.get_object() if contents is not None else ArrayObject()
    streams = list(streams) if isinstance(streams, ArrayObject) else [contents]
    page[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(before), *streams, writer._add_object(after)])

