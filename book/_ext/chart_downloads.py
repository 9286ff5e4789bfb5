"""Under every chart of the built book, links to its data (CSV) and its picture (SVG), which work offline.

Each chart output carries its Vega-Lite spec (with the rows it draws, ``datasets``) and its static picture (the SVG
vl-convert drew). As Sphinx writes a page, for each chart ``_static/charts/<chart id>.csv`` holds
the rows of its datasets, with the chart's title and source line above them as ``#`` comments, and
``_static/charts/<chart id>.svg`` its picture; the figure's caption gets the two links. The chart id hashes the spec,
so an unchanged chart keeps its files, and a page Sphinx does not rewrite keeps the links it was written with.
"""
from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
from pathlib import Path

from sphinx.application import Sphinx

FIGURE = re.compile(r'<figure class="book-chart" id="fig-(?P<id>chart-[0-9a-f]{12})">(?P<body>.*?)</figcaption>', re.S)
PICTURE = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')
SPEC = re.compile(r"var spec=(\{.*?\});function draw\(", re.S)
SOURCE = re.compile(r'<span class="chart-source">(.*?)</span>', re.S)
FOLDER = "_static/charts"


def title_of(spec: dict) -> str:
    """The chart's title as one line (a title Vega draws on several lines is a list of them)."""
    title = spec.get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text)


def data_csv(spec: dict, source: str) -> str:
    """The rows the chart draws (every dataset of its spec; a ``dataset`` column where there are several), under
    the chart's title and its source line as ``#`` comments (``pandas.read_csv(..., comment="#")`` reads it)."""
    datasets = {k: v for k, v in spec.get("datasets", {}).items() if v}
    rows = [{**({"dataset": name} if len(datasets) > 1 else {}), **row}
            for name, values in datasets.items() for row in values]
    columns = list(dict.fromkeys(k for row in rows for k in row))
    out = io.StringIO()
    out.write(f"# {title_of(spec)}\n# {source}\n")
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _link(href: str, text: str, label: str) -> str:
    return f'<a class="reference download" href="{href}" download aria-label="{html.escape(label)}">{text}</a>'


# The links' words, by edition (``book_edition``): (data, picture, the data's label, the picture's label).
LABELS = {"en": ("Data (CSV)", "Picture (SVG)", "Data (CSV) of the chart {title}", "Picture (SVG) of the chart {title}"),
          "zh": ("数据（CSV）", "图片（SVG）", "图表“{title}”的数据（CSV）", "图表“{title}”的图片（SVG）")}


def add_links(page: str, to_root: str, outdir: Path, edition: str = "en") -> str:
    """The page's body with each chart's download links in its caption (``to_root``: the page's way to the site's
    root), writing the two files of each chart into ``outdir``; their words in ``edition``'s language."""
    data_text, picture_text, data_label, picture_label = LABELS[edition]

    def one(m: re.Match) -> str:
        body, chart_id = m.group("body"), m.group("id")
        if 'class="chart-downloads"' in body:
            return m.group(0)
        spec_m, picture = SPEC.search(body), PICTURE.search(body)
        if not (spec_m and picture):
            return m.group(0)
        spec = json.loads(spec_m.group(1))
        source = html.unescape(re.sub(r"<[^>]+>", "", SOURCE.search(body).group(1))) if SOURCE.search(body) else ""
        folder = outdir / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{chart_id}.csv").write_text(data_csv(spec, source), encoding="utf-8")
        (folder / f"{chart_id}.svg").write_bytes(base64.b64decode(picture.group(1)))
        title = title_of(spec)
        links = (f' <span class="chart-downloads">'
                 f'{_link(f"{to_root}/{FOLDER}/{chart_id}.csv", data_text, data_label.format(title=title))} · '
                 f'{_link(f"{to_root}/{FOLDER}/{chart_id}.svg", picture_text, picture_label.format(title=title))}'
                 f"</span>")
        return m.group(0)[: -len("</figcaption>")] + links + "</figcaption>"

    return FIGURE.sub(one, page)


def add_chart_downloads(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """``html-page-context``: a page with charts gets their links as Sphinx writes it."""
    body = context.get("body", "")
    if app.builder.format == "html" and 'class="book-chart"' in body:
        to_root = "/".join([".."] * pagename.count("/")) or "."
        context["body"] = add_links(body, to_root, Path(app.outdir), app.config["book_edition"])


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_chart_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
