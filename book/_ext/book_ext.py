"""Sphinx extension for the book: offline Vega assets, the data dictionary and parameter tables.

* ``vega-bundle.js``: Vega, Vega-Lite and Vega-Embed from ``vl-convert-python`` (pinned),
  wrapped in an IIFE, copied to ``_static/`` and loaded only by pages that draw a chart, so
  charts render with no network.
* ``{data-dictionary}``: one section per table of ``data/datapackage.json`` (fields, types,
  units, constraints, keys, rows, download link), generated at build time so it never drifts.
* ``{parameter-table}`` *module.RULES* *notebook*: a chapter's papermill parameters with
  their defaults (from the notebook's parameters cell) and allowed ranges.
* Chapter execution: before Sphinx looks for outdated pages, ``machinery.build.prepare`` brings the
  execution cache up to date with each chapter's inputs (tables, helper modules, lock files),
  executing the chapters whose inputs changed in parallel; myst-nb then executes nothing. A page that
  shows a notebook's outputs (its own, or glued from another notebook) depends on that notebook's
  build record, ``_build/.deps/<docname>.json``, which ``prepare`` rewrites whenever the cached outputs
  change: Sphinx then re-reads the page.
* ``{report-map}`` and ``{report-summary}`` (``report_map.py``): the report's sections and where the book
  carries them; the report's own summary on the landing page.
* The PDF edition (``pdf_edition.py``): the print stylesheet; any build withdraws ``make pdf``'s PDF and its link.
* A change to this extension's own code makes Sphinx re-read every page (config value ``book_ext_sha256``).
* The theme's templates stay compiled between builds (``_build/.jinja-cache``).
"""
from __future__ import annotations

import csv
import hashlib
import html
import importlib
import json
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.errors import SphinxError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

BUNDLE = "vega-bundle.js"


def _root(app: Sphinx) -> Path:
    return Path(app.srcdir)


def write_bundle(app: Sphinx, exc: Exception | None) -> None:
    """Copy the Vega bundle to ``_static`` (wrapped in an IIFE so its consts stay private)."""
    if exc or app.builder.format != "html":
        return
    from helpers.vega_bundle import cached_bundle

    source = cached_bundle()
    target = Path(app.outdir) / "_static" / BUNDLE
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())


def _md_cell(text: object) -> str:
    return str(text).replace("\n", " ").replace("|", "\\|") if text not in (None, "") else "–"


def _list_table(header: list[str], rows: list[list[object]], widths: str = "auto") -> list[str]:
    out = ["```{list-table}", ":header-rows: 1", f":widths: {widths}", ""]
    for row in [header, *rows]:
        out.append(f"* - {_md_cell(row[0])}")
        out += [f"  - {_md_cell(c)}" for c in row[1:]]
    return out + ["```", ""]


def _html_table(header: list[str], rows: list[list[object]], name: str) -> str:
    """``helpers.tables.html_table`` (the chapters' renderer) named ``name``; cells are text, escaped
    here, or pre-built HTML when wrapped in ``Markup``."""
    from helpers.tables import html_table  # imports pandas: only when a page with tables is re-read

    def cell(v: object) -> str:
        return v.html if isinstance(v, Markup) else html.escape("" if v in (None, "") else str(v))

    return html_table([html.escape(h) for h in header], ([cell(c) for c in r] for r in rows), name=name)


class Markup:
    """A table cell that is already HTML."""

    def __init__(self, html_text: str) -> None:
        self.html = html_text


def _code(text: str) -> Markup:
    return Markup(f'<code class="docutils literal notranslate">{html.escape(text)}</code>')


def _section(document, title: str, ident: str, *children: nodes.Node) -> nodes.section:
    sec = nodes.section(ids=[nodes.make_id(ident)])
    sec += nodes.title(text=title)
    for child in children:
        sec += child
    document.note_implicit_target(sec)
    return sec


# The data dictionary's own words in the Chinese edition (the tables' and columns' come from the data package's
# ``title_zh`` and ``description_zh``).
DICTIONARY_ZH = {
    "Sources cited": "引用的来源", "Every row of every table below cites one of these by its source_id.":
    "下面每张表的每一行都以 source_id 引用其中之一。", "source_id": "source_id", "Title": "标题",
    "Original title": "原标题", "Publisher": "发布方", "Published": "发布日期", "Note": "备注", "rows": "行",
    "primary key": "主键", "download": "下载", "Column": "列", "Type": "类型", "Unit": "单位", "Meaning": "含义",
    "Constraints": "约束", "Columns of": "各列：",
    "<p>Column <code>{a}</code> must be a <code>{b}</code> of <code>{c}</code>.</p>":
    "<p>列 <code>{a}</code> 必须是 <code>{c}</code> 的某个 <code>{b}</code>。</p>",
}


class DataDictionary(SphinxDirective):
    """Render every table of the data package as a section of the page (HTML tables: fast to build)."""

    def run(self):
        from helpers.data import constraints_text

        root = _root(self.env.app)
        pkg_path = root / "data" / "datapackage.json"
        self.env.note_dependency(str(pkg_path))
        pkg = json.loads(pkg_path.read_text(encoding="utf-8"))
        # the page shows each table's row count, not its cells: it depends on the counts (a file rewritten only when
        # one changes), so an edited cell re-executes the chapters that read it without re-reading this page
        counts_file = _row_counts_file(self.env.app)
        self.env.note_dependency(str(counts_file))
        counts = json.loads(counts_file.read_text(encoding="utf-8"))
        doc = self.state.document
        zh = self.env.app.config["book_edition"] == "zh"      # the Chinese edition: its words, where the package has them
        t = DICTIONARY_ZH if zh else {k: k for k in DICTIONARY_ZH}
        src_csv = root / "data" / "sources.csv"
        with src_csv.open(encoding="utf-8", newline="") as fh:
            sources = list(csv.DictReader(fh))
        rows = [[_code(s["source_id"]),
                 Markup(f'<a href="{html.escape(s["url"])}">{html.escape(s["title"])}</a>') if s["url"] else s["title"],
                 s["title_original"], s["publisher"], s["published"], s["note"]] for s in sources]
        out = [_section(doc, t["Sources cited"], "sources-cited",
                        nodes.paragraph(text=t["Every row of every table below cites one of these by its source_id."]),
                        nodes.raw("", _html_table([t[h] for h in ("source_id", "Title", "Original title", "Publisher",
                                                                  "Published", "Note")],
                                                  rows, t["Sources cited"]), format="html"))]
        word = (lambda d, k: d.get(f"{k}_zh") or d[k]) if zh else (lambda d, k: d[k])  # noqa: E731
        for res in pkg["resources"]:
            n_rows = counts[res["path"]]
            key = res["schema"]["primaryKey"]
            key_text = ", ".join(key) if isinstance(key, list) else key
            meta = (f'<p>{n_rows} {t["rows"]} · {t["primary key"]} <code class="docutils literal notranslate">'
                    f'{html.escape(key_text)}</code> · <a class="reference download" href="../data/'
                    f'{html.escape(res["path"])}" download>{t["download"]} {html.escape(res["path"])}</a></p>')
            fields = [[_code(f["name"]), f["type"], f.get("unit", ""), word(f, "description"), constraints_text(f)]
                      for f in res["schema"]["fields"]]
            fks = "".join(t["<p>Column <code>{a}</code> must be a <code>{b}</code> of <code>{c}</code>.</p>"].format(
                              a=html.escape(fk["fields"]), b=html.escape(fk["reference"]["fields"]),
                              c=html.escape(fk["reference"]["resource"]))
                          for fk in res["schema"].get("foreignKeys", []))
            out.append(_section(doc, f"{word(res, 'title')} ({res['name']})", res["name"],
                                nodes.paragraph(text=word(res, "description")),
                                nodes.raw("", meta + _html_table([t[h] for h in ("Column", "Type", "Unit", "Meaning",
                                                                                 "Constraints")], fields,
                                                                 f"{t['Columns of']} {word(res, 'title')}")
                                          + fks, format="html")))
        return out


def copy_data(app: Sphinx, exc: Exception | None) -> None:
    """Copy data/*.csv and datapackage.json to ``<html>/data/`` for the dictionary's download links."""
    if exc or app.builder.format != "html":
        return
    target = Path(app.outdir) / "data"
    target.mkdir(parents=True, exist_ok=True)
    for f in sorted((_root(app) / "data").iterdir()):
        if f.suffix in (".csv", ".json"):
            (target / f.name).write_bytes(f.read_bytes())


class ParameterTable(SphinxDirective):
    """``{parameter-table} helpers.chapters.pricing.RULES notebooks/02_pricing_models.ipynb``: a row per rule, then a row
    per parameter the module's ``parameter_notes()`` describes (where it has one).

    Defaults are read from the notebook's parameters cell (a test checks they equal ``data/``).
    """

    required_arguments = 2

    def run(self):
        module_name, _, attr = self.arguments[0].rpartition(".")
        module = importlib.import_module(module_name)
        rules = getattr(module, attr)
        self.env.note_dependency(module.__file__)       # the page changes when the rules do
        notebook = _root(self.env.app) / self.arguments[1]
        self.env.note_dependency(str(notebook))
        from helpers.nbfiles import parameter_defaults

        defaults = parameter_defaults(notebook)
        rows = [[f"`{name}`", f"{defaults[name]:g}", rule.allowed(name), rule.meaning] for name, rule in rules.items()]
        # parameters that are not a number in a range (a name, or None for "take it from the data"), where the
        # chapter's module describes them: parameter_notes() → name → (allowed, meaning)
        notes = getattr(module, "parameter_notes", dict)()
        rows += [[f"`{name}`", f"`{defaults[name]!r}`", *notes[name]] for name in defaults if name in notes]
        lines = _list_table(["Parameter", "Default (the report's value)", "Allowed", "Meaning"], rows, "22 18 22 38")
        node = nodes.container()
        node.document = self.state.document
        self.state.nested_parse(StringList(lines), self.content_offset, node)
        return node.children


class ApiFunctions(SphinxDirective):
    """``{api-functions} helpers.formulas.costs [name …]``: the module's public functions (its ``__all__``, else every
    function it defines whose name has no leading underscore; or the names given), each with its signature and the
    first sentence of its docstring, read from the code itself so the page cannot drift from it."""

    required_arguments = 1
    optional_arguments = 50

    def run(self):
        import inspect

        module = importlib.import_module(self.arguments[0])
        self.env.note_dependency(module.__file__)
        names = self.arguments[1:] or getattr(module, "__all__", None) or [
            n for n, f in vars(module).items() if inspect.isfunction(f) and f.__module__ == module.__name__ and not n.startswith("_")]
        rows = []
        for name in names:
            obj = getattr(module, name)
            if not callable(obj) or inspect.isclass(obj):
                continue
            self.env.note_dependency(inspect.getsourcefile(obj))
            sig = inspect.signature(obj)       # names and defaults only: the units are in the names
            sig = sig.replace(parameters=[q.replace(annotation=inspect.Parameter.empty) for q in sig.parameters.values()],
                              return_annotation=inspect.Signature.empty)
            signature = str(sig).replace("'", '"')
            doc = " ".join((inspect.getdoc(obj) or "").split("\n\n")[0].split())
            rows.append([f"`{self.arguments[0].rsplit('.', 1)[-1]}.{name}{signature}`", doc])
        lines = _list_table(["Function", "What it gives"], rows, "45 55")
        node = nodes.container()
        node.document = self.state.document
        self.state.nested_parse(StringList(lines), self.content_offset, node)
        return node.children


class ChapterExecutionError(SphinxError):
    category = "Chapter execution failed"


def _records(app: Sphinx) -> Path:
    """Where machinery.build keeps this build's chapter records (``<build dir>/.deps``); the Chinese edition's pages
    follow the English build's, whose executions they show."""
    from machinery import build

    if app.config["book_edition"] != "en":
        return build.BuildDirs.of(build.ROOT / "_build").records
    return build.BuildDirs.of(Path(app.doctreedir).parent).records


def _build_dirs(app: Sphinx) -> build.BuildDirs:  # noqa: F821 (annotation only)
    """The build's ``machinery.build.BuildDirs``: its records and myst-nb's execution cache (the Chinese edition's:
    the English build's, whose executions its pages show)."""
    from machinery import build

    if app.config["book_edition"] != "en":
        return build.BuildDirs.of(build.ROOT / "_build")
    return build.BuildDirs.of(Path(app.doctreedir).parent, Path(app.env.mystnb_config.execution_cache_path))


def publish_workshop_kit(app: Sphinx, exc: Exception | None) -> None:
    """``<html>/workshop.zip``: the student kit (``make workshop``) for the facilitator guide's download link,
    rebuilt only when one of its sources changed (``make book``'s background step usually has done it)."""
    if exc or app.builder.format != "html" or app.config["book_edition"] != "en":    # the Chinese kit: zh/ (below)
        return
    from machinery import build

    build.publish_kit(Path(app.outdir), _root(app), _build_dirs(app), logger.info)


def _row_counts_file(app: Sphinx) -> Path:
    return _records(app) / "data-row-counts.json"


def count_rows(data_dir: Path) -> dict[str, int]:
    """Rows (header excluded, blank lines skipped) of every CSV in ``data_dir``, by file name."""
    return {p.name: sum(1 for line in p.read_text(encoding="utf-8").splitlines()[1:] if line.strip())
            for p in sorted(data_dir.glob("*.csv"))}


def record_row_counts(app: Sphinx) -> None:
    """Write the tables' row counts for the data dictionary, only when they changed (its page depends on the file)."""
    path = _row_counts_file(app)
    text = json.dumps(count_rows(_root(app) / "data"), indent=0, sort_keys=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def prepare_execution(app: Sphinx) -> None:
    """Execute the chapters whose inputs changed (or take the committed outputs) into myst-nb's cache, before
    Sphinx decides which pages to re-read; a failing chapter fails the build with its error."""
    config = app.env.mystnb_config
    if config.execution_mode != "cache":
        return
    from machinery import build

    dirs = _build_dirs(app)
    try:
        build.prepare(Path(app.srcdir), dirs, timeout=config.execution_timeout,
                      allow_errors=config.execution_allow_errors, log=logger.info)
    except build.ChaptersFailed as exc:
        # one line per chapter here and, from make book, as the last thing printed; the tracebacks in a file
        build.record_failures(dirs, exc)
        log = dirs.records / "failed.log"
        raise ChapterExecutionError("\n".join(f.summary() for f in exc.failed) + f"\n(tracebacks: {log})") from None
    build.record_failures(dirs, None)


def note_execution_records(app: Sphinx, doctree: nodes.document) -> None:
    """Make a page depend on the build record of every notebook whose outputs it shows: its own, and those it
    glues from (a ``{glue:text}`` role naming another notebook is resolved from its outputs when the page is written).

    ``prepare_execution`` rewrites a notebook's record when it re-executes the notebook or takes its committed
    outputs; Sphinx re-reads a page whose dependency is newer than the page's last read.
    """
    from myst_nb.ext.glue.utils import PendingGlueReference

    env = app.env
    glued = {node.refdoc for node in doctree.findall(PendingGlueReference)}
    for doc in {env.docname} | glued:
        record = _build_dirs(app).record(doc)
        if record.is_file():
            env.note_dependency(str(record))
        if doc != env.docname:
            env.note_dependency(env.doc2path(doc))      # a source change there may change the glued outputs


def cache_compiled_templates(app: Sphinx) -> None:
    """Keep the theme's Jinja templates compiled between builds, in ``<build dir>/.jinja-cache`` (Jinja's bytecode
    cache, checked against each template's source): compiling them costs the first page a build writes 0.15 s,
    in every build that writes a page."""
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is None or environment.bytecode_cache is not None:
        return
    from jinja2 import FileSystemBytecodeCache

    folder = Path(app.doctreedir).parent / ".jinja-cache"
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def _own_sha256() -> str:
    """A digest of this extension's code: as an ``env`` config value, a change makes Sphinx re-read every page."""
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(Path(__file__).parent.glob("*.py")))).hexdigest()


def add_bundle_to_chart_pages(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Load the Vega bundle only on pages that draw a chart."""
    if "vegaEmbed(" in context.get("body", ""):
        app.add_js_file(BUNDLE)


RUN_NOTE = {"en": (
    '<p class="run-chapter"><strong>Run this chapter yourself:</strong> download its notebook (the download button '
    "at the top of the page, <code>.ipynb</code>) and open it in a copy of the book's repository, which holds the "
    "<code>data/</code> and <code>helpers/</code> it reads; there <code>make lab</code> starts JupyterLab offline. "
    '<a href="{rerun}">Rerun with your numbers</a> shows how to change its parameters.</p>\n'), "zh": (
    '<p class="run-chapter"><strong>自己运行本章：</strong>下载它的 notebook（页面顶部的下载按钮，<code>.ipynb</code>），'
    "在本书仓库的副本中打开，仓库里有它读取的 <code>data/</code> 和 <code>helpers/</code>；在那里 <code>make lab</code> "
    '离线启动 JupyterLab。参数 <code>lang = "zh"</code> 让重算的正文和图表用中文。'
    '<a href="{rerun}">用你的数字重算</a>一页说明如何修改参数。</p>\n')}


def add_run_note(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Under every chapter's title: how to download the notebook and run it against the data."""
    body = context.get("body", "")
    if pagename.startswith("notebooks/") and "</h1>" in body:
        note = RUN_NOTE[app.config["book_edition"]].format(rerun=app.builder.get_relative_uri(pagename, "book/rerun"))
        context["body"] = body.replace("</h1>", "</h1>\n" + note, 1)


def stale_static_files(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Sphinx copies the static files (the book's CSS) only when it writes some page: an edit to a stylesheet alone
    would never reach the built book ("no targets are out of date"). Where a static file differs from its copy in
    the output, the root page is marked out of date, so the build writes it and copies every static file."""
    out = Path(app.outdir) / "_static"
    for folder in app.config.html_static_path:
        source = Path(app.confdir) / folder
        for f in sorted(p for p in source.rglob("*") if p.is_file()):
            copy = out / f.relative_to(source)
            if not copy.is_file() or copy.read_bytes() != f.read_bytes():
                return [app.config.root_doc]
    return []


def setup(app: Sphinx) -> dict:
    import chart_downloads  # beside this file, on the same path
    import pdf_edition
    import report_map
    import search_zh
    import workshop_ext

    chart_downloads.setup(app)
    pdf_edition.setup(app)
    report_map.setup(app)
    search_zh.setup(app)
    workshop_ext.setup(app)
    app.add_directive("data-dictionary", DataDictionary)
    app.add_directive("parameter-table", ParameterTable)
    app.add_directive("api-functions", ApiFunctions)
    app.add_config_value("book_ext_sha256", _own_sha256(), "env")
    app.connect("builder-inited", prepare_execution, priority=900)     # after myst-nb sets up its config
    app.connect("builder-inited", record_row_counts)
    app.connect("builder-inited", cache_compiled_templates)
    app.connect("doctree-read", note_execution_records)
    app.connect("env-get-outdated", stale_static_files)
    app.connect("html-page-context", add_bundle_to_chart_pages)
    app.connect("html-page-context", add_run_note)
    app.connect("build-finished", write_bundle)
    app.connect("build-finished", copy_data)
    app.connect("build-finished", publish_workshop_kit)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
