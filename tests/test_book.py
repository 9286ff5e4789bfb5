"""The built book: offline assets, page sizes, resolved prose, cache invalidation. (Every page in a real
browser: tests/test_pages.py.)"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from conftest import ROOT, pages

# builds the book or reads the built one: make test only (make check does not build)
pytestmark = pytest.mark.slow



def test_vega_ships_once_with_the_book(built):
    bundle = built / "_static" / "vega-bundle.js"
    assert bundle.stat().st_size > 500_000
    head = bundle.read_text(encoding="utf-8")[:200]
    assert head.startswith("/* vl-convert") and "(function(){" in head
    for page in pages():
        text = page.read_text(encoding="utf-8")
        assert re.search(r"<script[^>]+src=\"[^\"]*(cdn\.|jsdelivr|unpkg)", text) is None, page
        loads = re.findall(r'<script[^>]+src="[^"]*vega-bundle\.js', text)
        assert len(loads) == (1 if "vegaEmbed(" in text else 0), page


def test_theme_templates_stay_compiled_between_builds(built):
    """book/_ext keeps Jinja's compiled templates in _build/.jinja-cache (the next build that writes a page skips
    compiling them)."""
    assert list((ROOT / "_build" / ".jinja-cache").glob("__jinja2_*.cache"))


def test_page_sizes(built):
    for page in pages():
        assert page.stat().st_size < 1_500_000, page


def test_data_dictionary_links_every_csv(built):
    text = (built / "book" / "data.html").read_text(encoding="utf-8")
    for csv in (ROOT / "data").glob("*.csv"):
        assert f'href="../data/{csv.name}"' in text
        assert (built / "data" / csv.name).read_bytes() == csv.read_bytes(), csv.name


@pytest.mark.parametrize("chapter", sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb")))
def test_chapter_prose_is_resolved(built, chapter):
    """Every computed sentence is rendered: no raw MyST, no ``nan``, and the pricing figures in place."""
    html = (built / "notebooks" / f"{chapter}.html").read_text(encoding="utf-8")
    text = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", html, flags=re.S)
    assert not re.search(r"\{(glue|cite)[^}]*\}|:class:|```\{", text)
    assert "nan" not in re.findall(r"\b\w+\b", text)
    assert 'class="admonition tip"' in html and "Key takeaways" in text
    if chapter == "02_pricing_models":
        assert "81.1%" in text and "18.9%" in text    # infra_gross_margin, infra_breakeven_utilization


def test_every_chapter_page_says_how_to_run_it(built):
    for page in (built / "notebooks").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "Run this chapter yourself" in text and "make lab" in text, page.name
        assert re.search(r'href="[^"]*_sources/notebooks/[^"]+\.ipynb"', text), f"{page.name}: no .ipynb download"


# --- execution cache ------------------------------------------------------------------------------
def test_changed_csv_reexecutes_only_its_chapter(tmp_path):
    """`make book` takes current committed outputs without executing, then has nothing to do (the plan says every
    chapter is fresh), and after a CSV edit re-executes only the chapter that reads it; the page shows the new
    figure."""
    work = tmp_path / "book"
    shutil.copytree(ROOT, work, symlinks=True,
                    ignore=shutil.ignore_patterns(".venv", ".venv-lock", ".git", "tests", "__pycache__", "_build"))
    (work / ".venv").symlink_to(ROOT / ".venv")
    # two chapters prove the point and keep the test fast (talent does not read cloud prices); their links to
    # chapters left out of this small book are not this test's concern (the full build checks every link)
    (work / "_toc.yml").write_text("format: jb-book\nroot: notebooks/02_pricing_models\nchapters:\n"
                                   "  - file: notebooks/05_talent\n", encoding="utf-8")
    config = work / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert "\n  config:\n" in text
    config.write_text(text.replace("\n  config:\n", '\n  config:\n    suppress_warnings: ["myst.xref_missing"]\n', 1),
                      encoding="utf-8")
    # the copy borrows this checkout's venv: PYTHONPATH puts the copy's helpers first (in Sphinx and in the
    # kernels), and `-o` tells make to take the venv as installed (it was made for another tree)
    env = {**os.environ, "PYTHONPATH": str(work)}
    make = ["make", "--no-print-directory", "book", "-o", ".venv/.installed-base"]

    def build() -> str:
        run = subprocess.run(make, cwd=work, env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        assert "Executing notebook" not in run.stdout + run.stderr      # jupyter-book itself never executes
        return run.stdout

    page = work / "_build" / "html" / "notebooks" / "02_pricing_models.html"
    zh_page = work / "_build" / "html" / "zh" / "notebooks" / "02_pricing_models.html"      # its Chinese twin
    talent_record = work / "_build" / ".deps" / "notebooks" / "05_talent.json"
    out = build()                   # cold: the committed outputs are current, so nothing executes
    assert "outputs from the committed notebooks (inputs unchanged): 02_pricing_models, 05_talent" in out
    assert "whose inputs changed" not in out
    assert "14,296,875" in page.read_text(encoding="utf-8")     # GPT-3 on V100 at USD 18.30 an hour
    assert "14,296,875" in zh_page.read_text(encoding="utf-8")  # the same figure, from the same execution
    assert build().strip() == "The book is up to date: no input changed since the last build (_build/html)."
    talent_before = talent_record.read_bytes(), talent_record.stat().st_mtime_ns
    plan = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "machinery.build"], cwd=work, env=env,
                          capture_output=True, text=True, check=True).stdout
    assert [line.split()[:2] for line in plan.splitlines()] == [
        ["fresh", "notebooks/02_pricing_models"], ["fresh", "notebooks/05_talent"]], plan   # a warm build: nothing to do
    csv = work / "data" / "cloud_prices.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",8,18.3,", ",8,36.6,", 1), encoding="utf-8")
    out = build()
    assert "executing 1 chapter(s) whose inputs changed, 1 at a time: 02_pricing_models" in out
    assert "executed notebooks/02_pricing_models in" in out and "05_talent" not in out
    text = page.read_text(encoding="utf-8")
    assert "28,593,750" in text and "14,296,875" not in text    # twice the price, twice the cost
    zh_text = zh_page.read_text(encoding="utf-8")
    assert "28,593,750" in zh_text and "14,296,875" not in zh_text
    # both editions read again the edited chapter alone
    for log in ("book.log", "book-zh.log"):
        read = re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)",
                          re.sub(r"\x1b\[[0-9;]*m", "", (work / "_build" / log).read_text(encoding="utf-8")))
        assert read == ["notebooks/02_pricing_models"], (log, read)
    assert (talent_record.read_bytes(), talent_record.stat().st_mtime_ns) == talent_before   # talent untouched
    record = json.loads((work / "_build" / ".deps" / "notebooks" / "02_pricing_models.json").read_text())
    assert record["how"] == "executed in the build" and "data/cloud_prices.csv" in record["inputs"]["files"]
    # a corrupt cell: the build stops, and the last line it prints is the one error naming file, row and column
    csv.write_text(csv.read_text(encoding="utf-8").replace(",8,36.6,", ",8,abc,", 1), encoding="utf-8")
    run = subprocess.run(make, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # make itself adds its own status line ("make: *** [Makefile:…: book] Error 1") after the recipe's last line
    last = [line for line in run.stdout.splitlines() if line.strip() and not re.match(r"make(\[\d+\])?: \*\*\*", line)][-1]
    assert run.returncode != 0
    assert last.startswith("make book failed: 02_pricing_models: DataError: ") and "cloud_prices.csv" in last, last
    assert "abc" in last and "usd_per_hour" in last, last
    assert run.stdout.count("executing 1 chapter(s)") == 1      # the background step's failure is not run again


def test_the_site_serves_the_student_kit(built):
    """The facilitator guide links workshop.zip, built with the book: every chapter without its solutions."""
    import zipfile

    import nbformat

    from machinery import build, kit

    guide = (built / "book" / "facilitator.html").read_text(encoding="utf-8")
    assert 'href="../workshop.zip"' in guide
    with zipfile.ZipFile(built / "workshop.zip") as zf:
        names = set(zf.namelist())
        assert "workshop/START.md" in names and "workshop/data/datapackage.json" in names
        for chapter in build.chapters(ROOT):
            copy = zf.read(f"workshop/notebooks/{chapter.name}").decode("utf-8")
            assert "<summary>Solution" not in copy and '"solution"' not in copy, chapter.name
            if kit.has_exercises(nbformat.read(str(chapter), as_version=4)):   # the appendix pages have none
                assert "answer = ..." in copy, chapter.name          # the runnable placeholders stay


def test_the_exercise_format_builds_with_solutions_folded(built):
    """Every chapter with exercises, as the book built it (-W): each solution's prose in a <details> block, its code
    under a hide-input toggle, and every solution's self-check right."""
    import nbformat

    from machinery import kit

    chapters = [p for p in sorted((ROOT / "notebooks").glob("*.ipynb"))
                if kit.has_exercises(nbformat.read(str(p), as_version=4))]
    assert len(chapters) >= 7
    for chapter in chapters:
        ids = kit.exercise_ids(nbformat.read(str(chapter), as_version=4))
        page = (built / "notebooks" / f"{chapter.stem}.html").read_text(encoding="utf-8")
        assert page.count("<summary>Solution</summary>") == len(ids), chapter.name
        assert len(re.findall(r'class="[^"]*tag_solution[^"]*tag_hide-input', page)) == len(ids), chapter.name
        assert all(f"{ex}: right." in page for ex in ids), chapter.name


def test_every_chart_links_its_data_and_picture(built):
    """Under every chart of every page: its data as CSV (the spec's rows, with the chart's title and source line)
    and its picture as SVG (the one the page embeds), as files of the site that resolve offline."""
    import base64
    import csv
    import io

    figures = 0
    for page in pages():
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(r'<figure class="book-chart" id="fig-(chart-[0-9a-f]{12})">(.*?)</figure>', text, re.S):
            figures += 1
            body = m.group(2)
            data_href = re.search(r'href="([^"]+\.csv)" download aria-label="(?:Data \(CSV\) of the chart|图表“)', body)
            picture_href = re.search(r'href="([^"]+\.svg)" download aria-label="(?:Picture \(SVG\) of the chart|图表“)',
                                     body)
            assert data_href and picture_href, (page.name, m.group(1))
            data, picture = (page.parent / data_href[1]).resolve(), (page.parent / picture_href[1]).resolve()
            assert data.is_file() and picture.is_file() and built.resolve() in data.parents
            spec = json.loads(re.search(r"var spec=(\{.*?\});function draw\(", body, re.S).group(1))
            lines = data.read_text(encoding="utf-8").splitlines()
            title = spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]
            assert lines[0] == f"# {' '.join(title) if isinstance(title, list) else title}"    # a title of several lines
            assert lines[1].startswith(("# Source: ", "# 来源："))         # the Chinese edition's charts: 来源
            drawn = [r for values in spec["datasets"].values() for r in values]
            assert len(list(csv.DictReader(io.StringIO("\n".join(lines[2:]))))) == len(drawn) > 0
            embedded = re.search(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', body).group(1)
            assert picture.read_bytes() == base64.b64decode(embedded)
    assert figures >= 30


def test_an_edited_stylesheet_marks_the_root_page_out_of_date(tmp_path):
    """Sphinx copies static files only when it writes a page: book_ext marks the root page out of date whenever a
    static file differs from its copy in the output, so a CSS edit alone reaches the built book."""
    import sys
    from types import SimpleNamespace

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    import book_ext

    (tmp_path / "static").mkdir()
    (tmp_path / "out" / "_static").mkdir(parents=True)
    (tmp_path / "static" / "custom.css").write_text("a {}", encoding="utf-8")
    app = SimpleNamespace(outdir=str(tmp_path / "out"), confdir=str(tmp_path),
                          config=SimpleNamespace(html_static_path=["static"], root_doc="book/intro"))
    assert book_ext.stale_static_files(app, None, set(), set(), set()) == ["book/intro"]        # no copy yet
    (tmp_path / "out" / "_static" / "custom.css").write_text("a {}", encoding="utf-8")
    assert book_ext.stale_static_files(app, None, set(), set(), set()) == []                    # copied
    (tmp_path / "static" / "custom.css").write_text("a { color: red }", encoding="utf-8")
    assert book_ext.stale_static_files(app, None, set(), set(), set()) == ["book/intro"]        # edited
