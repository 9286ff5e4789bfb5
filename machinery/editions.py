"""The Chinese edition (中文版): each executed chapter rewritten in Chinese, from the same execution as the English.

A chapter executes once, in English. Its Chinese twin is derived from the executed notebook with the catalogue of
``i18n/zh/`` (``helpers.i18n``):

- a Markdown cell becomes its translation, found by cell id;
- a computed sentence (``F.say``) is filled again from the Chinese template, with the values of its fields that the
  English output recorded: the same figures, to the digit;
- a chart is redrawn from its own spec with Chinese titles, axes, legends, tooltips, caption and source;
- a table's headers and labels are translated where the catalogue has them; numbers stay as they are.

    python -m machinery.editions todo notebooks/05_talent.ipynb    # add what is still to translate to i18n/zh/
    python -m machinery.editions check [NB ...]                    # what is missing or stale (the parity test)
"""
from __future__ import annotations

import argparse
import base64
import copy
import html
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from helpers import i18n
from helpers.nbfiles import text_of
from helpers.paths import ROOT, write_atomic
from helpers.prose import fill_in, localized, unwrap

LANG = "zh"
_SPEC = re.compile(r"var spec=(\{.*?\});function draw\(\)", re.S)
_TABLE_TEXT = re.compile(r"(<t[hd]\b[^>]*>|<caption\b[^>]*>)([^<>]*[A-Za-z][^<>]*)(?=<)")
_STYLE = re.compile(r"<style\b.*?</style>", re.S)
# A table's cell is translated when it is a header, or a label at most this long; longer cells are the data's own
# words (a source's title, a forecast's criterion), shown as the data record them in both editions.
TABLE_LABEL_CHARS = 40
_TAG = re.compile(r"</?([a-zA-Z][\w-]*)")
_SVG_PICTURE = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


def catalog_path(notebook: Path, lang: str = LANG, root: Path = ROOT) -> Path:
    """``i18n/<lang>/<chapter>.yml``: the chapter's own catalogue file."""
    return root / "i18n" / lang / f"{Path(notebook).stem}.yml"


def book_meta(output: dict) -> dict:
    """What ``helpers`` recorded about an output (IPython files display metadata under the output's MIME type)."""
    meta = output.get("metadata", {})
    if "book" in meta:
        return meta["book"]
    return next((m["book"] for m in meta.values() if isinstance(m, dict) and "book" in m), {})


# --- what a chapter has to translate ---------------------------------------------------------------------------
def say_strings(template: str) -> list[str]:
    """The strings of one sentence template: its body (and its box's title, for ``takeaways`` and ``checking``)."""
    box = unwrap(template)
    return [box[1].strip(), *say_strings(box[2])] if box else [template.strip()]


def chart_strings(html_text: str, meta: dict) -> list[str]:
    """A chart's caption, source and the words of its spec (titles, axes, legends, tooltips, sliders). Its alt text
    (``description``) is translated where the catalogue has it; most are computed lists of the chart's data."""

    found: list[str] = [meta["caption"], meta["source"]]
    m = _SPEC.search(html_text)
    if m:
        _collect(json.loads(m.group(1)), found)
    return found


def _collect(spec: object, out: list[str], key: str = "", parent: str = "") -> None:
    from helpers.chart_words import NOT_WORDS, WORDS

    if isinstance(spec, dict):
        for k, v in spec.items():
            if k not in NOT_WORDS:
                _collect(v, out, k, key)
    elif isinstance(spec, list):
        for v in spec:
            _collect(v, out, key, parent)
    elif (isinstance(spec, str) and key in WORDS and key != "description" and spec.strip()
          and (WORDS[key] is None or parent in WORDS[key])):
        out.append(spec)


def table_strings(html_text: str) -> list[str]:
    """The words of a table to translate: its caption, headers and short labels (``TABLE_LABEL_CHARS``)."""
    found = []
    for tag, text in _TABLE_TEXT.findall(_STYLE.sub("", html_text)):
        text = html.unescape(text).strip()
        if text and (not tag.startswith("<td") or len(text) <= TABLE_LABEL_CHARS):
            found.append(text)
    return found


def strings_of(nb: dict) -> list[str]:
    """Every English string of an executed chapter's outputs the Chinese edition needs, in order, once each."""
    found: list[str] = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data, meta = out.get("data", {}), book_meta(out)
            if "template" in meta:
                found += say_strings(meta["template"])
                found += [v for v in meta["fields"].values() if isinstance(v, str) and re.search("[A-Za-z]{3}", v)]
            elif "chart" in meta:
                found += chart_strings(text_of(data.get("text/html", "")), meta["chart"])
            elif "text/html" in data and "<table" in text_of(data["text/html"]):
                found += table_strings(text_of(data["text/html"]))
    keys, unique = set(), []
    for s in found:
        if i18n.normalize(s) not in keys:
            keys.add(i18n.normalize(s))
            unique.append(s)
    return unique


# --- the Chinese notebook ------------------------------------------------------------------------------------
@dataclass
class Derived:
    """A chapter's notebook in another language, and what its catalogue lacked."""

    nb: dict
    missing: list[str] = field(default_factory=list)


def translate_notebook(nb: dict, lang: str = LANG, picture: str | None = None) -> Derived:
    """``nb`` (executed in English) in ``lang``: cells, sentences, charts and tables (see the module's docstring).
    ``picture="svg"`` gives the charts' static pictures as SVG, the English picture's words translated in place
    (the book, ``helpers.chart_words.translate_picture``), else as ``helpers.charts`` draws them (PNG)."""
    cat = i18n.catalog(lang)
    out = Derived(copy.deepcopy(nb))
    out.missing += [f"cell {c}" for c in i18n.translate_cells(out.nb, lang)]
    for cell in out.nb["cells"]:
        for output in cell.get("outputs", []):
            _translate_output(output, lang, cat, out.missing, picture)
    return out


def _translate_output(output: dict, lang: str, cat: i18n.Catalog, missing: list[str], picture: str | None) -> None:
    from helpers.chart_words import translate_picture, translate_spec
    from helpers.charts import render_spec

    data, meta = output.get("data", {}), book_meta(output)
    if "template" in meta:
        if localized(meta["template"], lang) == meta["template"]:
            missing.append("sentence: " + i18n.normalize(meta["template"])[:80])
        data["text/markdown"] = fill_in(meta["template"], meta["fields"], lang)
        data["text/plain"] = f"<{lang} sentence>"
    elif "chart" in meta:
        chart = meta["chart"]
        m = _SPEC.search(text_of(data.get("text/html", "")))
        drawn = _SVG_PICTURE.search(text_of(data.get("text/html", "")))
        if picture == "svg" and drawn:        # the book: the English picture with Chinese words (translate_picture)
            picture = translate_picture(base64.b64decode(drawn.group(1)).decode("utf-8"), lang)
        if m:
            spec = translate_spec(json.loads(m.group(1)), lang)
            data["text/html"] = render_spec(spec, i18n.translate(chart["caption"], lang),
                                            i18n.translate(chart["source"], lang), chart.get("expose", False), lang,
                                            picture)
    elif "text/html" in data and "<table" in text_of(data["text/html"]):
        def one(m: re.Match) -> str:
            text = html.unescape(m.group(2))
            return m.group(1) + html.escape(i18n.translate(text, lang), quote=False) if text.strip() else m.group(0)
        data["text/html"] = _TABLE_TEXT.sub(one, text_of(data["text/html"]))
    elif "text/markdown" in data:
        data["text/markdown"] = i18n.translate(text_of(data["text/markdown"]), lang)


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$", re.M)
_FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def headings(markdown: str) -> list[tuple[int, str]]:
    """The Markdown headings of ``markdown`` (level, text), code blocks aside."""
    return [(len(h), t) for h, t in _HEADING.findall(_FENCE.sub("", markdown))]


def heading_levels(markdown: str) -> list[int]:
    """The levels of ``markdown``'s headings, in order."""
    return [level for level, _ in headings(markdown)]


# --- parity: what is missing, stale or unlike ------------------------------------------------------------------
def problems(notebook: Path, lang: str = LANG, root: Path = ROOT) -> list[str]:
    """Everything that keeps ``notebook``'s ``lang`` twin from matching it: a Markdown cell with no translation or
    one made from other English, a string with none, a sentence whose fields or HTML tags differ from its English."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    name, cat = Path(notebook).name, i18n.catalog(lang, root)
    found: list[str] = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        entry, english = cat.cells.get(cell.get("id", "")), text_of(cell.get("source", ""))
        if not entry or not str(entry.get(lang) or "").strip():
            found.append(f"{name}: Markdown cell {cell.get('id')} has no {lang} text")
        elif i18n.normalize(str(entry.get("en", ""))) != i18n.normalize(english):
            found.append(f"{name}: Markdown cell {cell.get('id')} changed since it was translated")
        elif heading_levels(english) != heading_levels(str(entry[lang])):
            found.append(f"{name}: Markdown cell {cell.get('id')} has headings of levels {heading_levels(entry[lang])} "
                         f"in {lang}, {heading_levels(english)} in English (each section needs its twin)")
    for s in strings_of(nb):
        zh = cat.get(s)
        if zh is None:
            found.append(f"{name}: no {lang} text for {i18n.normalize(s)[:100]!r}")
            continue
        if sorted(i18n.fields(s)) != sorted(i18n.fields(zh)) and "{" in s and ":" in "".join(i18n.fields(s)):
            found.append(f"{name}: the {lang} text of {i18n.normalize(s)[:60]!r} has fields {sorted(i18n.fields(zh))}, "
                         f"the English {sorted(i18n.fields(s))}")
        if sorted(_TAG.findall(s)) != sorted(_TAG.findall(zh)):
            found.append(f"{name}: the {lang} text of {i18n.normalize(s)[:60]!r} has other HTML tags than the English")
    return found


# --- the skeleton translators fill in -----------------------------------------------------------------------
def todo(notebook: Path, lang: str = LANG, root: Path = ROOT) -> Path:
    """Add to ``i18n/<lang>/<chapter>.yml`` every Markdown cell and string of ``notebook`` it lacks (with an empty
    translation), and refresh the English of a cell that changed (its translation kept, to be reviewed)."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    path = catalog_path(notebook, lang, root)
    data = i18n.read_file(path) if path.is_file() else {}
    cells = data.get("cells") or {}
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            entry = cells.setdefault(cell["id"], {"en": text_of(cell.get("source", "")), lang: ""})
            entry["en"] = text_of(cell.get("source", ""))
    strings = data.get("strings") or []
    known = {i18n.normalize(e["en"]) for e in strings} | set(i18n.catalog(lang, root).exact)
    for s in strings_of(nb):
        if i18n.normalize(s) not in known and i18n.catalog(lang, root).get(s) is None:
            strings.append({"en": s, lang: ""})
            known.add(i18n.normalize(s))
    write_atomic(path, dump({"cells": cells, "strings": strings}))
    i18n.catalog.cache_clear()
    return path


def dump(data: dict) -> str:
    """YAML with every multi-line string as a block (``|``), for translators to read and edit."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        block = "\n" in value and not any(line != line.rstrip() for line in value.split("\n"))
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if block else None)

    Dumper.add_representer(str, text)
    return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m machinery.editions", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["todo", "check"])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if args.command == "todo":
        for nb in notebooks:
            print(todo(nb))
        return 0
    found = [p for nb in notebooks for p in problems(nb)]
    print("\n".join(found) or "every chapter has its Chinese twin")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
