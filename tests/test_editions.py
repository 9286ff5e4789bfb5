"""The Chinese edition (中文版): parity with the English, the lang parameter, the build's second edition."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import papermill
import pytest
from conftest import HTML, ROOT

from helpers import i18n
from helpers.errors import ParameterError
from helpers.nbfiles import text_of
from machinery import edition_build, editions

CHAPTERS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PAGES = [p for p in edition_build.PAGES if p != "glossary"]     # the glossary's Chinese is generated
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


# --- parity of the catalogue --------------------------------------------------------------------------------
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_has_its_chinese_twin(chapter):
    """Every Markdown cell translated from the English as it is now, with the same headings; every sentence,
    chart and table text translated; every template with the English one's fields and HTML tags."""
    assert editions.problems(chapter) == []


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_its_translation_with_the_same_sections_and_roles(page):
    english = (ROOT / "book" / f"{page}.md").read_text(encoding="utf-8")
    path = ROOT / "i18n" / "zh" / "pages" / f"{page}.md"
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: the Chinese edition would show the English page"
    chinese = path.read_text(encoding="utf-8")
    assert editions.heading_levels(chinese) == editions.heading_levels(english)
    roles = re.compile(r"\{(?:glue|glue:text|cite|ref|doc)\}`[^`]*`|```\{[\w-]+\}")
    assert sorted(roles.findall(chinese)) == sorted(roles.findall(english))
    assert "$" not in chinese


def _chapter(tmp_path: Path, cells: list[dict], outputs: list[dict]) -> Path:
    nb = {"cells": [*cells, {"cell_type": "code", "id": "c0", "metadata": {}, "source": "", "outputs": outputs}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "notebooks" / "x.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def _said(template: str, **fields) -> dict:
    return {"output_type": "display_data", "data": {"text/markdown": template.format(**fields)},
            "metadata": {"book": {"template": template, "fields": fields}}}


def test_the_parity_check_finds_what_is_missing_stale_or_unlike(tmp_path):
    """A test that can fail: each kind of mismatch is reported, and a faithful catalogue reports nothing."""
    chapter = _chapter(tmp_path, [{"cell_type": "markdown", "id": "m1", "metadata": {}, "source": "## Costs\n\nText."}],
                       [_said("A margin of **{m:.1%}**.", m=0.811), _said("<b>{n:g}</b> papers", n=3)])
    folder = tmp_path / "i18n" / "zh"
    folder.mkdir(parents=True)

    def problems(cells: dict, strings: list[dict]) -> list[str]:
        (folder / "x.yml").write_text(editions.dump({"cells": cells, "strings": strings}), encoding="utf-8")
        i18n.catalog.cache_clear()
        try:
            return editions.problems(chapter, root=tmp_path)
        finally:
            i18n.catalog.cache_clear()

    good_cells = {"m1": {"en": "## Costs\n\nText.", "zh": "## 成本\n\n正文。"}}
    good = [{"en": "A margin of **{m:.1%}**.", "zh": "毛利率 **{m:.1%}**。"}, {"en": "<b>{n:g}</b> papers", "zh": "<b>{n:g}</b> 篇论文"}]
    assert problems(good_cells, good) == []
    assert any("no zh text" in p for p in problems({}, good))
    assert any("changed since" in p for p in problems({"m1": {"en": "## Costs\n\nOld.", "zh": "## 成本"}}, good))
    assert any("headings" in p for p in problems({"m1": {"en": "## Costs\n\nText.", "zh": "成本"}}, good))
    assert any("has fields" in p for p in problems(good_cells, [{**good[0], "zh": "毛利率 **{m:.0%}**。"}, good[1]]))
    assert any("no zh text" in p for p in problems(good_cells, good[:1]))
    assert any("HTML tags" in p for p in problems(good_cells, [good[0], {**good[1], "zh": "{n:g} 篇论文"}]))


# --- one source of numbers ------------------------------------------------------------------------------------
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_the_chinese_chapter_has_the_same_figures_charts_and_tables(chapter):
    """The Chinese twin of the committed (executed) chapter: every sentence filled from the same recorded fields,
    nothing left unfilled or untranslated, and as many sentences, charts and tables as the English."""
    nb = json.loads(chapter.read_text(encoding="utf-8"))
    derived = editions.translate_notebook(nb)
    assert derived.missing == []

    def kinds(book: dict) -> list[str]:
        out = []
        for cell in book["cells"]:
            for o in cell.get("outputs", []):
                meta, data = editions.book_meta(o), o.get("data", {})
                out.append("sentence" if "template" in meta else "chart" if "chart" in meta
                           else "table" if "<table" in text_of(data.get("text/html", "")) else o["output_type"])
        return out

    assert kinds(derived.nb) == kinds(nb)
    for cell in derived.nb["cells"]:
        for o in cell.get("outputs", []):
            meta = editions.book_meta(o)
            if "template" in meta:
                text = text_of(o["data"]["text/markdown"])
                assert CJK.search(text), text[:80]
                assert not any("{" + name in text for name in meta["fields"])   # every field filled


def test_a_chinese_chart_is_redrawn_with_chinese_words():
    nb = json.loads((ROOT / "notebooks" / "05_talent.ipynb").read_text(encoding="utf-8"))
    derived = editions.translate_notebook(nb).nb
    charts = [text_of(o["data"]["text/html"]) for c in derived["cells"] for o in c.get("outputs", [])
              if "chart" in editions.book_meta(o)]
    assert charts and all("来源：" in h and "Source:" not in h for h in charts)
    spec = json.loads(editions._SPEC.search(charts[0]).group(1))
    assert CJK.search(json.dumps(spec["title"], ensure_ascii=False))


# --- the lang parameter -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_takes_lang(chapter):
    declared = papermill.inspect_notebook(str(chapter))
    assert eval(declared["lang"]["default"]) == "en"


def test_a_bad_lang_gets_the_one_line_error_of_every_parameter():
    from helpers.chapters import talent

    with pytest.raises(ParameterError) as err:
        talent.validate({"count_by": "scholars", "lang": "fr"})
    assert str(err.value) == "parameter 'lang' = 'fr' is not allowed; allowed: one of en, zh (en: English, zh: 中文)"
    assert i18n.current() == "en"


def test_a_sentence_is_written_in_the_language_of_the_run():
    from helpers.prose import Figures

    f = Figures()
    f.values["report_founders_count"] = 25.0
    template = next(e["en"] for e in i18n.read_file(ROOT / "i18n" / "zh" / "05_talent.yml")["strings"]
                    if "{report_founders_count:g}" in e["en"] and e["en"].lstrip().startswith("Of the scholars"))
    f.values.update({"report_us_share": 0.75, "report_ethnic_chinese_share": 0.25})
    try:
        i18n.use("zh")
        zh = f.say(template)
    finally:
        i18n.use("en")
    en = f.say(template)
    assert CJK.search(zh.data) and "25" in zh.data and "75%" in zh.data
    assert zh._repr_mimebundle_()[1] == en._repr_mimebundle_()[1]      # the same template and fields recorded


@pytest.mark.slow
def test_a_chinese_rerun_writes_a_chinese_notebook_and_page(tmp_path):
    """``python -m helpers.rerun … -p lang zh --html``: headings, sentences and charts in Chinese, the page's
    language Chinese, nothing fetched from the network (the page's own test checks offline rendering)."""
    out = tmp_path / "talent-zh.ipynb"
    run = subprocess.run([sys.executable, "-m", "helpers.rerun", "notebooks/05_talent.ipynb", str(out), "-p", "lang",
                          "zh", "-p", "count_by", "rows", "--html"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    nb = json.loads(out.read_text(encoding="utf-8"))
    markdown = [text_of(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert markdown[0].startswith("# ") and CJK.search(markdown[0].splitlines()[0])
    said = [text_of(o["data"]["text/markdown"]) for c in nb["cells"] for o in c.get("outputs", [])
            if "template" in editions.book_meta(o)]
    assert said and all(CJK.search(s) for s in said)
    page = out.with_suffix(".html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in page and "来源：" in page


# --- the built book: both editions ------------------------------------------------------------------------------
def _zh_pages() -> list[Path]:
    zh = HTML / "zh"
    return sorted(p for p in zh.rglob("*.html") if not {"_static", "_sources"} & set(p.relative_to(zh).parts))


@pytest.mark.slow
def test_every_page_links_its_twin_both_ways(built):
    english = [p for p in built.rglob("*.html") if not {"_static", "_sources", "zh"} & set(p.relative_to(built).parts)]
    assert english and len(_zh_pages()) == len(english)
    switch = re.compile(r'<p class="edition-switch"><a href="([^"]+)"')
    for page in english:
        m = switch.search(page.read_text(encoding="utf-8"))
        if m is None:      # the search and index pages and the root's redirect have no body to carry the switch
            assert page.relative_to(built).as_posix() in ("search.html", "genindex.html", "index.html"), page
            continue
        twin = (page.parent / m.group(1)).resolve()
        assert twin == (built / "zh" / page.relative_to(built)).resolve() and twin.is_file()
        back = (twin.parent / switch.search(twin.read_text(encoding="utf-8")).group(1)).resolve()
        assert back == page.resolve()


def paragraph_text(html_text: str) -> str:
    """The prose of a page: its article's paragraphs and list items, without code, tables or charts."""
    body = html_text.split('<article class="bd-article"', 1)[-1].split("</article>", 1)[0]
    body = re.sub(r"<(pre|code|table|figure|script|style)\b.*?</\1>", " ", body, flags=re.S)
    paragraphs = re.findall(r"<(?:p|li)\b[^>]*>(.*?)</(?:p|li)>", body, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", p) for p in paragraphs)


def cjk_share(text: str) -> float:
    """Chinese characters as a share of the letters of ``text``: numbers, and names (words with a capital) exempt."""
    words = re.sub(r"\b[A-Z][\w.\-]*|\b\w*\d\w*", " ", text)
    cjk = len(CJK.findall(words))
    latin = len(re.findall(r"[A-Za-z]", words))
    return cjk / max(cjk + latin, 1)


@pytest.mark.slow
def test_the_chinese_pages_read_in_chinese(built):
    """Each Chinese page's prose is mostly Chinese (names and numbers aside); its English twin's is not."""
    shares = {p.relative_to(built).as_posix(): cjk_share(paragraph_text(p.read_text(encoding="utf-8")))
              for p in _zh_pages() if p.relative_to(built / "zh").as_posix() not in ("search.html", "genindex.html",
                                                                                      "index.html")}
    low = {page: round(s, 2) for page, s in shares.items() if s < 0.6}
    assert low == {}
    english = cjk_share(paragraph_text((built / "notebooks" / "05_talent.html").read_text(encoding="utf-8")))
    assert english < 0.2
    assert '<html lang="zh-CN"' in (built / "zh" / "notebooks" / "05_talent.html").read_text(encoding="utf-8")


# --- the workshop kit in Chinese ----------------------------------------------------------------------------------
def test_the_chinese_kit_has_chinese_chapters_questions_and_first_page(tmp_path):
    """``make workshop LANG=zh``: every chapter's Markdown in Chinese, its parameters cell running it in Chinese,
    the what-if routes and START.md in Chinese; no solution left in."""
    from machinery import kit
    from machinery.inputs import chapters

    kit.build_kit(tmp_path / "workshop-zh", ROOT, chapters(ROOT), "zh")
    start = (tmp_path / "workshop-zh" / "START.md").read_text(encoding="utf-8")
    assert start.startswith("# 研讨会资料包") and "make ready" in start
    for path in sorted((tmp_path / "workshop-zh" / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        params = [text_of(c["source"]) for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
        assert params and re.search(r'^lang = "zh"', params[0], re.M), path.name
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                assert CJK.search(text_of(cell["source"])), (path.name, text_of(cell["source"])[:80])
            assert "solution" not in cell["metadata"].get("tags", [])


def test_a_self_check_answers_in_the_language_of_the_chapter():
    from helpers.workshop import check

    try:
        i18n.use("zh")
        said = check("ex5_1", 0.5).message
    finally:
        i18n.use("en")
    assert said.startswith("ex5_1：") and "提示：" in said and CJK.search(said.split("提示：")[1])
    assert check("ex5_1", 0.5).message.startswith("ex5_1: ")


def test_make_workshop_takes_lang_from_the_command_line_only():
    """``make workshop LANG=zh`` builds the Chinese kit; the locale's LANG in the environment does not."""
    dry = lambda *extra: subprocess.run(["make", "-n", "workshop", *extra], cwd=ROOT, capture_output=True,  # noqa: E731
                                        text=True, env={"PATH": "/usr/bin:/bin", "LANG": "zh"}).stdout
    assert "--lang zh" in dry("LANG=zh")
    assert "--lang en" in dry()


# --- the Chinese font ----------------------------------------------------------------------------------------
def test_the_shipped_font_has_every_character_the_chinese_edition_shows():
    """``helpers/fonts``: the subset font has each character of the catalogue, the pages and the data (its record of
    characters is the font's own: the sha256 matches); run ``python -m tools.cjk_font`` when this fails."""
    import hashlib

    from helpers.charts import CJK_FONT_DIR

    font = CJK_FONT_DIR / "BookCJKsc-Regular.otf"
    sha, have = (CJK_FONT_DIR / "BookCJKsc-Regular.chars.txt").read_text(encoding="utf-8").split("\n", 1)
    assert hashlib.sha256(font.read_bytes()).hexdigest() == sha
    from tools.cjk_font import catalogue_chars

    missing = sorted(c for c in catalogue_chars() if CJK.match(c) and c not in have)
    assert missing == [], f"python -m tools.cjk_font: the font lacks {''.join(missing[:40])}"
    assert (CJK_FONT_DIR / "OFL.txt").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE Version 1.1") == 1


def test_a_chinese_chart_outside_the_book_is_a_picture_drawn_with_the_shipped_font():
    """In a Chinese rerun (JupyterLab, nbconvert: no interactive chart) the picture is a PNG, drawn by vl-convert with
    the shipped font, so its Chinese needs no font on the reader's machine; the book keeps the SVG picture."""
    nb = json.loads((ROOT / "notebooks" / "05_talent.ipynb").read_text(encoding="utf-8"))
    html_of = lambda derived: next(text_of(o["data"]["text/html"]) for c in derived["cells"]  # noqa: E731
                                   for o in c.get("outputs", []) if "chart" in editions.book_meta(o))
    rerun, book = html_of(editions.translate_notebook(nb).nb), html_of(editions.translate_notebook(nb, picture="svg").nb)
    assert 'src="data:image/png;base64,' in rerun and 'src="data:image/svg+xml;base64,' in book
    assert '"font":"Book CJK SC, ' in rerun and '"font":"Book CJK SC, ' in book


def test_a_chinese_edition_that_cannot_be_written_fails_the_build_with_one_line(capsys):
    """A crash while writing the Chinese sources (a bad catalogue, a missing table of contents) is make book's failure,
    named in one line, not a silent build without ``zh/``."""
    from machinery import build

    assert build._finish_edition(ROOT, ValueError("i18n/zh/x.yml: not valid YAML")) == build.EDITION_FAILED
    assert capsys.readouterr().out == "the Chinese edition failed: ValueError: i18n/zh/x.yml: not valid YAML\n"
