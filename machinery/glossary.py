"""The glossary: ``book/glossary.md`` generated from ``data/glossary.csv``, and the chapters' links to it.

``python -m machinery.glossary`` writes the page (``--check`` exits 1 if the committed page is not current);
``python -m machinery.glossary --link notebooks/X.ipynb …`` links the first use of every term in each chapter to its
entry, in Markdown cells and in the literal text of ``F.say(r\"\"\"…\"\"\")`` templates (then run
``make notebooks NB=…`` so the outputs follow). Both are idempotent. Each entry is a plain Markdown heading whose id
is its ``term_id``: ``myst_heading_slug_func`` (``_config.yml``: ``machinery.glossary_links.heading_slug``) makes MyST's heading anchors the ids Sphinx gives
the headings, so ``[MFU](../book/glossary.md#mfu)`` resolves under ``-W -n`` and lands on the entry.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from docutils.nodes import make_id

from helpers.data import load
from helpers.nbfiles import markdown_texts, text_of
from machinery.glossary_links import Scanner, Term, first_uses

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "book" / "glossary.md"
SAY = re.compile(r'(F\.say\((?:[\w.]+\()?r""")(.*?)(""")', re.S)
FIELD = re.compile(r"\{[^{}\n]*\}")

INTRO = """\
# Glossary (术语表)

The words a business reader may not know, and the Chinese terms the book keeps beside their English: the jargon
of GPUs and language models, the report's own vocabulary (its layers, its kinds of company, its predictions), the
units in which the reports count, and the organisations behind the reports. Each entry gives the term in English
and in Chinese (as the reports write it where they use it), a one-line definition, and the chapters that use it;
in each chapter the first use of a term links here. The terms are a table of the data package,
[`glossary`](data.md); where a definition is the book's own, its source says so.
"""


def entry_heading(row: dict) -> str:
    """An entry's heading: the English term alone (Sphinx would fold a Chinese form's Latin letters into the id)."""
    return row["term_en"]


def glossary_rows() -> list[dict]:
    """The table's rows, checked: each ``term_id`` is the id of its entry's heading."""
    rows = [{k: (v if isinstance(v, str) else "") for k, v in r.items()} for r in load("glossary").to_dict("records")]
    for r in rows:
        if make_id(entry_heading(r)) != r["term_id"]:
            raise ValueError(f"glossary term_id {r['term_id']!r} is not the id of its heading "
                             f"{entry_heading(r)!r}; allowed: {make_id(entry_heading(r))!r}")
    return rows


def terms(rows: list[dict] | None = None) -> list[Term]:
    """The glossary as the scanner needs it."""
    return [Term(r["term_id"], r["term_en"], r["term_zh"], tuple(f.strip() for f in r["forms"].split("|")),
                 r["definition_en"]) for r in (rows if rows is not None else glossary_rows())]


def chapters(root: Path = ROOT) -> list[Path]:
    """The chapter notebooks, in the order of ``_toc.yml``'s "Chapters" part (of a table of contents without parts,
    every notebook it lists)."""
    toc = (root / "_toc.yml").read_text(encoding="utf-8")
    part = toc.split("caption: Chapters", 1)[1].split("caption:", 1)[0] if "caption: Chapters" in toc else toc
    return [root / f"{name}.ipynb" for name in re.findall(r"(?:file|root):\s*(notebooks/\S+)", part)]


def rendered_texts(notebook: Path) -> list[str]:
    """A chapter's text as readers get it, in order: its Markdown cells and its Markdown outputs."""
    return markdown_texts(json.loads(notebook.read_text(encoding="utf-8")))


def chapter_words(notebook: Path) -> list[str]:
    """A chapter's own words, in order: its Markdown cells and the literal text of its ``F.say`` templates, each
    ``{field}`` cut out (a field's value comes from ``data/``, where a term cannot carry a link). What the linker
    rewrites, and what "the chapters that use a term" and its first use are read from."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    words = []
    for cell in nb["cells"]:
        src = text_of(cell["source"])
        if cell["cell_type"] == "markdown":
            words.append(src)
        elif cell["cell_type"] == "code":
            words += [FIELD.sub("\ue000", m.group(2)) for m in SAY.finditer(src)]
    return words


def chapter_title(notebook: Path) -> str:
    """A chapter's short title: its first heading up to a colon or a bracket."""
    for text in rendered_texts(notebook):
        m = re.search(r"^# (.+)$", text, re.M)
        if m:
            return re.split(r"[:(]", m.group(1))[0].strip()
    return notebook.stem


def usage(scanner: Scanner, notebooks: list[Path]) -> dict[str, list[Path]]:
    """For each term, the chapters whose own words use it."""
    used: dict[str, list[Path]] = {t: [] for t in scanner.terms}
    for nb in notebooks:
        for term_id in first_uses(scanner, chapter_words(nb)):
            used[term_id].append(nb)
    return used


INTRO_ZH = """\
# 术语表 (Glossary)

商业读者可能不熟悉的词，以及本书在英文旁保留的中文术语：GPU 与语言模型的行话、报告自己的词汇（分层、公司类型、预测）、
各报告计数所用的单位，以及报告背后的机构。每个词条给出中英文术语（中文按报告用法）、一句话定义，以及使用它的章节；
每章第一次用到某个术语时链接到这里。术语是数据包中的一张表 [`glossary`](data.md)；定义出自本书的，其来源注明“本书”。
"""


def _entry_en(r: dict, links: list[str], source: str) -> list[str]:
    zh = [f"**{r['term_zh']}**", ""] if r["term_zh"] and r["term_zh"] != r["term_en"] else []
    return [f"## {entry_heading(r)}", "", *zh, r["definition_en"], "",
            f"*Used in:* {', '.join(links) or 'no chapter yet'}. *Source:* {source}.", ""]


def _entry_zh(r: dict, links: list[str], source: str) -> list[str]:
    """The Chinese entry: headed by the Chinese term with the English beside it, the Chinese definition where the
    table has one (the same entries in the same order, so each English anchor has its twin)."""
    zh = r["term_zh"] if r["term_zh"] and r["term_zh"] != r["term_en"] else ""
    source = "本书" if source == "this book" else source
    return [f"## {zh}（{r['term_en']}）" if zh else f"## {r['term_en']}", "", r.get("definition_zh") or r["definition_en"],
            "", f"使用章节：{'、'.join(links) or '暂无'}。来源：{source}。", ""]


PAGE_WORDS = {"en": (INTRO, _entry_en), "zh": (INTRO_ZH, _entry_zh)}    # the page's intro and entry, by language


def page(rows: list[dict], sources: dict[str, str], used: dict[str, list[Path]], titles: dict[Path, str],
         lang: str = "en") -> str:
    """The glossary page's Markdown in ``lang``: the intro, then one entry per term, sorted by English."""
    intro, entry = PAGE_WORDS[lang]
    out = [intro]
    for r in sorted(rows, key=lambda r: (r["term_en"].lower(), r["term_id"])):
        out += entry(r, [f"[{titles[nb]}](../notebooks/{nb.name})" for nb in used[r["term_id"]]], sources[r["source_id"]])
    return "\n".join(out)


def zh_chapter_title(notebook: Path, root: Path = ROOT) -> str:
    """A chapter's short Chinese title: the first heading of its Chinese first cell, up to a colon or a bracket."""
    from helpers import i18n

    path = root / "i18n" / "zh" / f"{notebook.stem}.yml"
    for entry in ((i18n.read_file(path) if path.is_file() else {}).get("cells") or {}).values():
        m = re.search(r"^# (.+)$", str(entry.get("zh") or ""), re.M)
        if m:
            return re.split(r"[:：(（]", m.group(1))[0].strip()
    return chapter_title(notebook)


def build_page(root: Path = ROOT, lang: str = "en") -> str:
    """The page as it should be now, in ``lang`` (the Chinese edition's ``book/glossary.md`` in ``zh``)."""
    rows = glossary_rows()
    src = load("sources").set_index("source_id")
    sources = {s: ("this book" if src.at[s, "publisher"] == "This book" else f"*{src.at[s, 'title']}*")
               for s in {r["source_id"] for r in rows}}
    notebooks = chapters(root)
    title = chapter_title if lang == "en" else (lambda nb: zh_chapter_title(nb, root))
    return page(rows, sources, usage(Scanner(terms(rows)), notebooks), {nb: title(nb) for nb in notebooks}, lang)


def link_notebook(path: Path, scanner: Scanner, page_path: Path = PAGE) -> bool:
    """Link the first use of every term in one chapter (Markdown cells and ``F.say`` templates, in order);
    write the notebook only if it changed. True if it did."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    target = Path(os.path.relpath(page_path, path.resolve().parent)).as_posix()
    seen: set[str] = set()
    changed = False
    for cell in nb["cells"]:
        old = text_of(cell["source"])
        if cell["cell_type"] == "markdown":
            new = scanner.link(old, seen, target)
        elif cell["cell_type"] == "code":
            new = SAY.sub(lambda m: m.group(1) + scanner.link(m.group(2), seen, target, template=True) + m.group(3),
                          old)
        else:
            continue
        if new != old:
            cell["source"] = new.splitlines(keepends=True)
            changed = True
    if changed:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m machinery.glossary", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if book/glossary.md is not current")
    parser.add_argument("--link", nargs="+", metavar="NOTEBOOK", help="link each chapter's first uses")
    args = parser.parse_args(argv)
    if args.link:
        scanner = Scanner(terms())
        for nb in args.link:
            print(f"{nb}: {'linked' if link_notebook(Path(nb), scanner) else 'unchanged'}")
        return 0
    text = build_page()
    current = PAGE.exists() and PAGE.read_text(encoding="utf-8") == text
    if args.check:
        if not current:
            print(f"{PAGE.relative_to(ROOT)} is not current: run python -m machinery.glossary", file=sys.stderr)
        return 0 if current else 1
    if not current:
        PAGE.write_text(text, encoding="utf-8")
    print(f"{PAGE.relative_to(ROOT)}: {'unchanged' if current else 'written'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
