"""The report map and the report's own summary, rendered from ``data/`` when the book is built.

* ``{report-map}``: every section of the report's table of contents (``data/report_sections.csv``), by the
  report's chapter, with its printed page, headings, the book page and anchor that carry it, and whether it is
  carried in full or in part (what the text extraction lost).
* ``{report-summary}``: the report's summary (概要, ``data/report_summary.csv``), paragraph by paragraph in
  English, each with the report's words folded beneath it and links to the book sections that carry it.

A link reads as the section's heading; its tooltip, the carrying page's title, is filled in once every page has
been read (``doctree-resolved``).
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

SECTIONS, SUMMARY = "report_sections", "report_summary"


class section_link(nodes.reference):
    """A link to a report section's place in the book (resolved by ``resolve_links``)."""


def _load(directive: SphinxDirective, name: str):
    """The validated table (``helpers.data.load``), declared a dependency of the page."""
    from helpers.data import DATA_DIR, load

    for path in (Path(DATA_DIR) / f"{name}.csv", Path(DATA_DIR) / "datapackage.json"):
        directive.env.note_dependency(str(path))
    return load(name)


def _link(row, heading: str) -> section_link:
    node = section_link("", heading, internal=True, book_page=row["book_page"], anchor=row["anchor"],
                        heading=heading)
    return node


def _status(row, zh: bool = False) -> nodes.Node:
    if row["status"] == "full":
        return nodes.Text("完整" if zh else "full")
    return nodes.Text(f"{'部分：' if zh else 'partial: '}{row['lost_in_extraction']}")


def _zh(directive: SphinxDirective) -> bool:
    """Whether the page is the Chinese edition's (``book_edition: zh``)."""
    return directive.env.app.config["book_edition"] == "zh"


class ReportMap(SphinxDirective):
    """``{report-map}``: one table per report chapter."""

    def run(self):
        sections = _load(self, SECTIONS)
        out: list[nodes.Node] = []
        for (number, zh, en), rows in sections.groupby(["report_chapter", "report_chapter_zh", "report_chapter_en"],
                                                       sort=True):
            table = nodes.table(classes=["report-map"])
            group = nodes.tgroup(cols=5)
            table += group
            for width in (8, 22, 28, 42, 20):
                group += nodes.colspec(colwidth=width)
            head = nodes.thead()
            group += head
            zh_page = _zh(self)
            labels = (("页码", "章节", "英文", "本书位置", "状态") if zh_page
                      else ("Page", "Section (中文)", "In English", "Carried in", "Status"))
            head += _row([nodes.Text(t) for t in labels])
            body = nodes.tbody()
            group += body
            for _, r in rows.sort_values("printed_page").iterrows():
                body += _row([nodes.Text(f"{r['printed_page']:02d}"), nodes.Text(r["heading_zh"]),
                              nodes.Text(r["heading_en"]), _link(r, r["heading_en"]), _status(r, zh_page)])
            title = nodes.title(text=f"第 {number} 章：{zh}（{en}）" if zh_page else f"Chapter {number}: {en} ({zh})")
            table.insert(0, title)
            out.append(table)
        return out


def _row(cells: list[nodes.Node]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += nodes.paragraph("", "", cell)
        row += entry
    return row


class ReportSummary(SphinxDirective):
    """``{report-summary}``: the summary's parts as sub-sections of the current section."""

    def run(self):
        summary = _load(self, SUMMARY)
        sections = _load(self, SECTIONS).set_index("section_id")
        out: list[nodes.Node] = []
        zh = _zh(self)      # the Chinese edition gives the report's own words, not a translation back
        for part_zh, rows in summary.groupby("part_zh", sort=False):
            part_en = rows["part_en"].iloc[0]
            if part_zh != "概要":
                out.append(nodes.rubric(text=part_zh if zh else f"{part_en} ({part_zh})"))
            for _, r in rows.iterrows():
                para = nodes.paragraph(text=(r["text_zh"] if zh else r["text_en"]) + " ")
                carried = nodes.inline(classes=["summary-carried"])
                carried += nodes.Text("本书位置：" if zh else "In the book: ")
                for i, sec in enumerate(r["carried_by"].split()):
                    if i:
                        carried += nodes.Text("; ")
                    carried += _link(sections.loc[sec].to_dict() | {"section_id": sec}, sections.loc[sec, "heading_en"])
                para += carried
                out.append(para)
                if zh:
                    continue
                out.append(nodes.raw("", '<details class="summary-original"><summary>原文 (the report\'s words)'
                                         f"</summary><p lang=\"zh\">{html.escape(r['text_zh'])}</p></details>",
                                     format="html"))
        return out


def resolve_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Point every section link at its page and anchor; it reads '<chapter> › <the book's heading there>'
    (the chapter's title up to its colon), with the page's full title as its tooltip."""
    for node in list(doctree.findall(section_link)):
        page, anchor = node["book_page"], node["anchor"]
        heading = _anchors(app).get(page, {}).get(anchor)       # the Chinese edition's heading there
        title = app.env.titles[page].astext() if page in app.env.titles else page
        ref = nodes.reference("", "", internal=True, reftitle=title,
                              refuri=app.builder.get_relative_uri(docname, page) + "#" + anchor)
        short = re.split(r"[:：]", title)[0]
        ref += nodes.Text(f"{short} › {heading or book_heading(app, page, anchor) or node['heading']}")
        node.replace_self(ref)


def _anchors(app: Sphinx) -> dict[str, dict[str, str]]:
    """The Chinese edition's headings' texts by English anchor (which each Chinese section also carries), per page
    (``machinery.edition_build`` writes ``anchors.json`` beside its sources); nothing in the English edition."""
    path = Path(app.srcdir) / "anchors.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def book_heading(app: Sphinx, page: str, anchor: str) -> str | None:
    """The text of the heading ``#anchor`` on ``page``, from Sphinx's table of contents of the page."""
    toc = app.env.tocs.get(page)
    if toc is None:
        return None
    for ref in toc.findall(nodes.reference):
        if ref.get("anchorname") == f"#{anchor}":
            return ref.astext()
    return None


def setup(app: Sphinx) -> None:
    app.add_directive("report-map", ReportMap)
    app.add_directive("report-summary", ReportSummary)
    app.connect("doctree-resolved", resolve_links)
