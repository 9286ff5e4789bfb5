"""``make book``'s second edition: the Chinese book (中文版) in ``_build/html/zh/``, from the English build's executions.

The Chinese edition is a Jupyter Book of its own whose sources are written here, in ``_build/zh/src/``:

- each chapter is the English chapter's executed notebook, taken from the build's execution cache and rewritten in
  Chinese (``machinery.editions``); nothing executes again (``execute_notebooks: "off"``);
- each page of ``book/`` is its translation in ``i18n/zh/pages/``; the glossary is generated in Chinese;
- the configuration is the English one with the Chinese title, ``language: zh_CN`` and ``book_edition: zh``.

A source is rewritten only when its text changed, so Sphinx re-reads exactly the Chinese pages whose English twin
changed (a one-CSV edit re-reads the chapters that read the CSV, in both editions). Links to a heading follow the
heading's Chinese anchor: both editions have the same sections in the same order, and each English anchor maps to
the Chinese heading at the same place.

    python -m machinery.edition_build            # write the sources and build _build/html/zh/
    python -m machinery.edition_build --sources  # only write the sources
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from helpers import i18n
from helpers.nbfiles import markdown_texts, text_of
from helpers.paths import ROOT, write_atomic
from machinery import editions
from machinery.edition_anchors import anchor_map, relink, with_english_anchors

LANG = "zh"
TITLE = "生成式 AI 2023：可执行版"
TOC_CAPTIONS = {"Chapters": "章节", "About the data": "关于数据"}
PAGES = ("intro", "report_map", "glossary", "data", "rerun", "api", "scenarios", "facilitator")


def src_dir(root: Path = ROOT) -> Path:
    """Where the Chinese edition's sources are written."""
    return root / "_build" / LANG / "src"


def html_dir(root: Path = ROOT) -> Path:
    """Where the Chinese edition is built: beside the English pages, under ``zh/``."""
    return root / "_build" / "html" / LANG


# --- sources ---------------------------------------------------------------------------------------------------
def config(root: Path = ROOT) -> dict:
    """The English ``_config.yml`` made the Chinese edition's."""
    import yaml

    conf = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    conf["title"] = TITLE
    conf["execute"] = {**conf.get("execute", {}), "execute_notebooks": "off"}
    sphinx = conf.setdefault("sphinx", {}).setdefault("config", {})
    sphinx["language"] = "zh_CN"
    sphinx["nb_code_prompt_show"], sphinx["nb_code_prompt_hide"] = "显示代码", "隐藏代码"
    sphinx["book_edition"] = LANG
    # its own user dictionary: the two editions' terms differ, and a changed dictionary rewrites every page
    sphinx["html_search_options"] = {"dict": str(root / "_build" / ".search" / "userdict-zh.txt")}
    conf["exclude_patterns"] = ["_build/*", "**/.ipynb_checkpoints"]
    return conf


def executed(chapter: Path, root: Path = ROOT) -> dict:
    """The chapter's notebook as the build executed it: the committed notebook where the build took its outputs
    (its build record says so, for the file as it is), else the execution cache's outputs merged into it."""
    import hashlib

    from machinery.records import read_record

    raw = chapter.read_bytes()
    text = raw.decode("utf-8")
    record = read_record(chapter, root) or {}
    if record.get("how") == "committed notebook" and record.get("notebook_sha256") == hashlib.sha256(raw).hexdigest():
        return json.loads(text)
    import nbformat

    from machinery.cache import _cache
    from machinery.records import _dirs

    nb = nbformat.reads(text, as_version=4)
    try:
        cache = _cache(_dirs(None, root))
        nb = cache.merge_match_into_notebook(nb)[1]     # the cache keeps code cells only
    except KeyError:
        pass
    return json.loads(nbformat.writes(nb))


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless ``path`` holds it already (so Sphinx sees no change); whether it wrote."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    write_atomic(path, text)
    return True


def chapter_sources(root: Path = ROOT) -> dict[str, tuple[str, str]]:
    """For each chapter's docname, its English notebook text and its Chinese twin's (both as executed)."""
    from machinery.inputs import chapters

    out = {}
    for chapter in chapters(root):
        nb = executed(chapter, root)
        derived = editions.translate_notebook(nb, LANG, picture="svg").nb   # the page's chart replaces it at once
        out[f"notebooks/{chapter.stem}"] = (json.dumps(nb, ensure_ascii=False), json.dumps(derived, ensure_ascii=False))
    return out


def _relink_notebook(zh_json: str, en_json: str, here: str, anchors: dict) -> str:
    nb = json.loads(zh_json)
    english = {c.get("id"): text_of(c["source"]) for c in json.loads(en_json)["cells"]}
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = with_english_anchors(relink(text_of(cell["source"]), here, anchors),
                                                  english.get(cell.get("id"), ""))
        for out in cell.get("outputs", []):
            if "text/markdown" in out.get("data", {}):
                out["data"]["text/markdown"] = relink(text_of(out["data"]["text/markdown"]), here, anchors)
    return json.dumps(nb, ensure_ascii=False, indent=1) + "\n"


def page_sources(root: Path = ROOT) -> dict[str, tuple[str, str]]:
    """For each page of ``book/``, its English text and its Chinese (the translation, else the English)."""
    from machinery import glossary

    out = {}
    for name in PAGES:
        english = (root / "book" / f"{name}.md").read_text(encoding="utf-8")
        if name == "glossary":
            chinese = glossary.build_page(root, LANG)
        else:
            path = root / "i18n" / LANG / "pages" / f"{name}.md"
            chinese = path.read_text(encoding="utf-8") if path.is_file() else english
        out[f"book/{name}"] = (english, chinese)
    return out


def write_sources(root: Path = ROOT) -> list[str]:
    """Write the Chinese edition's sources; the docnames whose text changed."""
    import yaml

    src = src_dir(root)
    (src / "book").mkdir(parents=True, exist_ok=True)
    for name in ("book/_ext", "book/_static", "book/references.bib", "data"):
        link = src / name
        if not link.is_symlink():
            link.unlink(missing_ok=True) if link.is_file() else shutil.rmtree(link, ignore_errors=True)
            link.symlink_to(root / name)
    write_if_changed(src / "_config.yml", yaml.safe_dump(config(root), allow_unicode=True, sort_keys=False))
    toc = (root / "_toc.yml").read_text(encoding="utf-8")
    for english, chinese in TOC_CAPTIONS.items():
        toc = toc.replace(f"caption: {english}\n", f"caption: {chinese}\n")
    write_if_changed(src / "_toc.yml", toc)
    chapters, pages = chapter_sources(root), page_sources(root)
    anchors = {doc: anchor_map(markdown_texts(json.loads(en)), markdown_texts(json.loads(zh))) for doc, (en, zh) in chapters.items()}
    anchors |= {doc: anchor_map([en], [zh]) for doc, (en, zh) in pages.items()}
    # the report map's links name English anchors: the Chinese heading's text for each (book/_ext/report_map.py)
    titles = {doc: {en: zh[1] for en, zh in m.items()} for doc, m in anchors.items()}
    write_if_changed(src / "anchors.json", json.dumps(titles, ensure_ascii=False, indent=0, sort_keys=True))
    changed = []
    for doc, (en, zh) in chapters.items():
        if write_if_changed(src / f"{doc}.ipynb", _relink_notebook(zh, en, doc, anchors)):
            changed.append(doc)
    for doc, (en, zh) in pages.items():
        if write_if_changed(src / f"{doc}.md", with_english_anchors(relink(zh, doc, anchors), en)):
            changed.append(doc)
    return changed


# --- build -------------------------------------------------------------------------------------------------------
LOG = "book-zh.log"


def start(root: Path = ROOT, quiet: bool = False):
    """Write the sources, then start ``jupyter-book build`` on them into ``_build/html/zh`` (``-W -n --keep-going``)
    in a process of its own, and return it; ``quiet=True`` (make book, beside the English build) sends its output to
    ``_build/book-zh.log``. ``finish`` waits for it."""
    import subprocess

    write_sources(root)
    out = root / "_build" / LANG / "out"
    html = out / "_build" / "html"
    html_dir(root).mkdir(parents=True, exist_ok=True)
    html.parent.mkdir(parents=True, exist_ok=True)
    if not html.is_symlink():
        shutil.rmtree(html, ignore_errors=True)
        html.symlink_to(html_dir(root))
    cmd = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(src_dir(root)),
           "--path-output", str(out), "-W", "-n", "--keep-going"]
    if not quiet:
        return subprocess.Popen(cmd, cwd=root)
    with (root / "_build" / LOG).open("w", encoding="utf-8") as log:
        return subprocess.Popen(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT)


def finish(build_process, root: Path = ROOT) -> int:
    """Wait for the Chinese edition's build (``start``); its exit status, saying so when it built."""
    code = build_process.wait()
    if code == 0:
        print(f"built the Chinese edition: {html_dir(root).relative_to(root)}/ ({LOG})", flush=True)
    return code


def build(root: Path = ROOT, quiet: bool = False) -> int:
    """The Chinese edition and its workshop kit, the kit zipped while Sphinx builds the pages."""
    process = start(root, quiet)
    publish_kit(root)
    return finish(process, root)


def publish_kit(root: Path = ROOT) -> None:
    """``zh/workshop.zip``: the Chinese student kit (``make workshop LANG=zh``) the Chinese facilitator guide links,
    rebuilt only when one of its sources changed."""
    from machinery import kit
    from machinery.inputs import chapters

    if kit.publish(html_dir(root) / "workshop.zip", root, chapters(root), LANG):
        print("wrote the Chinese workshop kit: zh/workshop.zip", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m machinery.edition_build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", action="store_true", help="only write the sources (_build/zh/src)")
    args = parser.parse_args(argv)
    if args.sources:
        print("\n".join(write_sources(ROOT)) or "no source changed")
        return 0
    return build(ROOT)


if __name__ == "__main__":
    i18n.use(i18n.DEFAULT)
    sys.exit(main())
