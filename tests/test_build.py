"""The build's execution plan (machinery.build): each chapter is keyed on the tables, helper modules and lock
files it used, so a changed input re-executes exactly the chapters that read it.

The staleness tests work on a copy of the book's sources, keyed by the input records that `make notebooks`
wrote into the committed notebooks; the execution tests run real kernels on two tiny notebooks.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, process_state

from helpers import data
from machinery import build

CHAPTERS = build.chapters(ROOT)
NAMES = [c.stem for c in CHAPTERS]


def committed_files(chapter: Path) -> list[str]:
    inputs = build.committed_inputs(build.read_notebook(chapter))
    assert inputs, f"{chapter.name} records no inputs: run `make notebooks` and commit the notebooks"
    return list(inputs.files)


@pytest.fixture
def book(tmp_path) -> Path:
    """A copy of what the plan reads: chapters, tables, helpers, lock files and book configuration."""
    for d in ("notebooks", "data", "helpers", "requirements"):
        shutil.copytree(ROOT / d, tmp_path / d, ignore=shutil.ignore_patterns("__pycache__"))
    for f in ("_toc.yml", "_config.yml", "pyproject.toml"):
        shutil.copy2(ROOT / f, tmp_path / f)
    return tmp_path


def stale_names(root: Path) -> list[str]:
    return [c.stem for c in build.stale(build.chapters(root), root)]


def test_chapters_follow_the_toc():
    assert NAMES == ["01_ecosystem", "01b_companies", "02_pricing_models", "02b_three_years_on", "02c_pricing_checks",
                     "03_frontier_research", "04_regulation", "05_talent", "06_outlook", "06b_forecast_ledger"]


def test_records_name_what_a_chapter_reads():
    files = committed_files(ROOT / "notebooks" / "02_pricing_models.ipynb")
    helper = Path(data.__file__).resolve().relative_to(ROOT).as_posix()
    assert {"data/cloud_prices.csv", "data/gpu_tflops.csv", "data/datapackage.json", helper} <= set(files)
    assert set(build.book_inputs(ROOT)) <= set(files)
    assert {"pyproject.toml", "requirements/base.txt"} <= set(build.book_inputs(ROOT))
    missing = [f for f in files if f.startswith("/") or not (ROOT / f).is_file()]
    assert not missing, f"recorded inputs missing (moved?): {missing}; run `make notebooks` and commit the notebooks"
    # the next test's premise: only the pricing chapter, its three-years-on rerun and its checks read cloud prices
    readers = [c.stem for c in CHAPTERS if "data/cloud_prices.csv" in committed_files(c)]
    assert readers == ["02_pricing_models", "02b_three_years_on", "02c_pricing_checks"]


def test_unchanged_tree_marks_nothing_stale(book):
    assert stale_names(book) == [], ("the committed notebooks' input records do not match data/, helpers/ or the "
                                     "lock files: run `make notebooks` and commit the notebooks")
    assert set(build.plan(build.chapters(book), book).values()) == {"seed"}


def test_changed_csv_marks_only_its_readers_stale(book):
    csv = book / "data" / "cloud_prices.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",8,18.3,", ",8,36.6,", 1), encoding="utf-8")
    assert stale_names(book) == ["02_pricing_models", "02b_three_years_on", "02c_pricing_checks"]


def test_changed_helper_module_marks_only_its_importers_stale(book):
    """Whatever the package's layout: take a helper file one chapter alone imported, from the records."""
    users: dict[str, list[str]] = {}
    for c in CHAPTERS:
        for f in committed_files(c):
            if f.startswith("helpers/"):
                users.setdefault(f, []).append(c.stem)
    helper, readers = next((f, r) for f, r in sorted(users.items()) if len(r) == 1)
    with (book / helper).open("a", encoding="utf-8") as fh:
        fh.write("\n# edited\n")
    assert stale_names(book) == readers
    (book / helper).unlink()                     # a moved or deleted module counts as changed too
    assert stale_names(book) == readers


def test_changed_lock_file_marks_every_chapter_stale(book):
    lock = book / "requirements" / "base.txt"
    lock.write_text(lock.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    assert stale_names(book) == NAMES


def test_changed_pin_in_pyproject_marks_every_chapter_stale(book):
    pyproject = book / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace("# The project and", "# Edited: the project and", 1), encoding="utf-8")
    assert stale_names(book) == []                  # a comment is no dependency
    pyproject.write_text(text.replace('"pandas==', '"pandas>=', 1), encoding="utf-8")
    assert stale_names(book) == NAMES


def test_chinese_words_of_the_data_package_re_execute_nothing(book):
    """The Chinese edition's titles and descriptions (``*_zh``) in datapackage.json are no chapter's input; a changed
    constraint is every reader's."""
    package = book / "data" / "datapackage.json"
    text = package.read_text(encoding="utf-8")
    assert '"description_zh": "' in text
    package.write_text(text.replace('"description_zh": "', '"description_zh": "改：', 1), encoding="utf-8")
    assert stale_names(book) == []
    package.write_text(text.replace('"description": "', '"description": "Edited: ', 1), encoding="utf-8")
    assert stale_names(book) == NAMES


def test_new_lock_file_marks_every_chapter_stale(book):
    (book / "requirements" / "extra.txt").write_text("numpy==2.4.6\n", encoding="utf-8")
    assert stale_names(book) == NAMES


def test_changed_code_marks_the_chapter_stale(book):
    path = book / "notebooks" / "05_talent.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    cell["source"] = "".join(cell["source"]) + "\n1 + 1"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert stale_names(book) == ["05_talent"]


@pytest.mark.slow
def test_build_takes_committed_outputs_then_keeps_them(book):
    """A cold build caches the committed notebooks without executing; the next plan finds them fresh, and after
    a CSV edit only the reading chapter leaves the cache's keeping."""
    dirs = build.BuildDirs.of(book / "_build")
    assert set(build.prepare(book, dirs, log=lambda _: None, seed=True).values()) == {"seed"}
    assert set(build.plan(build.chapters(book), book, dirs).values()) == {"fresh"}
    record = json.loads(build.record_path(book / "notebooks" / "05_talent.ipynb", book, dirs).read_text())
    assert record["how"] == "committed notebook" and "data/founder_scholars.csv" in record["inputs"]["files"]
    csv = book / "data" / "cloud_prices.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",8,18.3,", ",8,36.6,", 1), encoding="utf-8")
    actions = build.plan(build.chapters(book), book, dirs)
    assert {c.stem: a for c, a in actions.items() if a != "fresh"} == {"02_pricing_models": "execute",
                                                                        "02b_three_years_on": "execute",
                                                                        "02c_pricing_checks": "execute"}


def test_up_to_date_only_while_no_input_and_no_page_changed(book, monkeypatch):
    """`make book` builds nothing only when the last build succeeded from the inputs as they are and its pages are
    intact: an edited, added or deleted file, a changed page, another BOOK_NO_SEED each make it build again."""
    html = book / "_build" / "html"
    (html / "notebooks").mkdir(parents=True)
    (html / "index.html").write_text("<p>index</p>", encoding="utf-8")
    page = html / "notebooks" / "05_talent.html"
    page.write_text("<p>talent</p>", encoding="utf-8")
    monkeypatch.delenv(build.NO_SEED, raising=False)
    assert not build.up_to_date(book)                  # never built
    build.record_built(book)
    assert build.up_to_date(book)
    csv = book / "data" / "founder_scholars.csv"
    original = csv.read_bytes()
    changes = {
        "edited table": lambda: csv.write_bytes(original.replace(b",2020,", b",2021,", 1)),
        "added file": lambda: (book / "notebooks" / "notes.md").write_text("new", encoding="utf-8"),
        "deleted file": lambda: (book / "notebooks" / "notes.md").unlink(),
        "changed page": lambda: page.write_text("<p>edited by hand</p>", encoding="utf-8"),
        "deleted page": lambda: page.unlink(),
        "BOOK_NO_SEED": lambda: monkeypatch.setenv(build.NO_SEED, "1"),
    }
    for what, change in changes.items():
        change()
        assert not build.up_to_date(book), what
        build.record_built(book)                       # the build that follows succeeds
        assert build.up_to_date(book), what
    csv.write_bytes(original)
    assert not build.up_to_date(book)
    csv.write_bytes(original.replace(b",2020,", b",2021,", 1))     # as last built, but that build did not finish:
    assert not build.up_to_date(book)                  # a failed build leaves nothing up to date


def test_loader_records_the_files_it_read():
    data.load("fx_rates")
    read = data.files_read()
    assert str(data.DATA_DIR / "fx_rates.csv") in read and str(data.DATA_DIR / "datapackage.json") in read


def child_processes() -> set[int]:
    """This process's children, running or exited but not yet reaped (from /proc)."""
    pids = (int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit())
    return {pid for pid in pids if (process_state(pid) or ("", 0))[1] == os.getpid()}


@pytest.mark.slow
def test_execute_records_inputs_and_reports_failures(tmp_path, real_kernels):
    """Two tiny notebooks in real kernels, two at a time: one reads a table, one fails with its error; both
    kernels are stopped and reaped when execute returns."""
    def notebook(name: str, code: str) -> Path:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        path = tmp_path / f"{name}.ipynb"
        nbformat.write(nb, path)
        return path

    good = notebook("good", "from helpers.data import load\nimport os\nlen(load('fx_rates')), os.getcwd()")
    bad = notebook("bad", "from helpers.data import lookup\nlookup('fx_rates', 'no-such-key', 'rate')")
    before = child_processes()
    done, failed = build.execute([good, bad], workers=2, root=ROOT)
    assert child_processes() <= before
    assert [d.chapter for d in done] == [good] and [f.chapter for f in failed] == [bad]
    assert "no row with" in str(failed[0])
    result = done[0]
    assert str(tmp_path) in result.notebook.cells[0].outputs[0]["data"]["text/plain"]   # ran in its own folder
    assert len(result.notebook.cells) == 1                                              # the probe is gone
    files = set(result.inputs.files)
    assert {"data/fx_rates.csv", "data/datapackage.json", "helpers/__init__.py",
            Path(data.__file__).resolve().relative_to(ROOT).as_posix()} <= files
    assert set(build.book_inputs(ROOT)) <= files
    assert build.is_current(json.loads(nbformat.writes(result.notebook)), result.inputs, ROOT)


@pytest.mark.slow
def test_make_books_jupyter_book_run_keeps_its_output_and_exit_status(tmp_path):
    """`machinery.build --jupyter-book` (make book's build, which skips the interpreter's teardown) still prints
    everything Jupyter Book wrote and exits with its status: here a warning, which -W makes an error."""
    (tmp_path / "_config.yml").write_text("title: Tiny\nexecute:\n  execute_notebooks: 'off'\n", encoding="utf-8")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: intro\n", encoding="utf-8")
    (tmp_path / "intro.md").write_text("# Tiny\n\nSee {ref}`no-such-label`.\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "machinery.build", "--jupyter-book"], cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stdout[-2000:] + run.stderr[-2000:]
    assert "no-such-label" in run.stdout + run.stderr and "build succeeded" not in run.stdout


def test_a_failed_build_ends_on_one_line_saying_why(tmp_path):
    """`make book`'s last line after a failure (`--why`): each failed chapter's own error line, else the build log's
    last warning or error (a -W build fails on a warning), else where the log is."""
    dirs = build.BuildDirs.of(tmp_path / "_build")
    failed = build.ChaptersFailed([build.ChapterFailed(tmp_path / "02_pricing_models.ipynb",
                                                       "cell 4 ('p = …'):\nTraceback …\nDataError: data/x.csv, row 3: bad")])
    build.record_failures(dirs, failed)
    log = tmp_path / "_build" / "book.log"
    log.write_text("reading sources...\n\x1b[91mnotes.md:3: WARNING: undefined label: 'x'\x1b[39;49;00m\n"
                   "There was an error in building your book.\n")
    assert build.why_failed(log, tmp_path) == "make book failed: 02_pricing_models: DataError: data/x.csv, row 3: bad"
    assert "Traceback" in (dirs.records / "failed.log").read_text(encoding="utf-8")
    build.record_failures(dirs, None)
    assert build.why_failed(log, tmp_path) == "make book failed: notes.md:3: WARNING: undefined label: 'x'"
    assert build.why_failed(tmp_path / "none.log", tmp_path).endswith("none.log")


def test_a_seeded_build_takes_the_committed_pictures_into_the_cache(tmp_path, monkeypatch):
    """A committed notebook's chart pictures go into the picture cache under their spec's key, exactly as drawn,
    when the notebook's record says they were drawn with this machine's vl-convert and fonts; otherwise none."""
    from helpers import charts
    from machinery import pictures

    monkeypatch.setattr(charts, "SVG_CACHE", tmp_path / "svg")
    nb = json.loads((ROOT / "notebooks" / "05_talent.ipynb").read_text(encoding="utf-8"))
    found = pictures.pictures_in(nb)
    assert found and len(found) == sum(c.get("outputs", [{}])[0].get("data", {}).get("text/html", "") != ""
                                       and "chart-static" in "".join(c["outputs"][0]["data"]["text/html"])
                                       for c in nb["cells"] if c.get("outputs"))
    assert nb["metadata"]["book"]["pictures"] == pictures.record()      # make notebooks recorded this machine
    assert pictures.seed(nb, {**pictures.record(), "fonts": "another machine"}) == 0
    assert not (tmp_path / "svg").exists()
    assert pictures.seed(nb, nb["metadata"]["book"]["pictures"]) == len({json.dumps(s, sort_keys=True) for s, _ in found})
    spec, svg = found[0]
    assert charts.picture_path(spec).read_text(encoding="utf-8") == svg
    assert charts.static_svg(spec) == svg                  # read back from the cache: what the commit holds
    assert pictures.seed(nb, nb["metadata"]["book"]["pictures"]) == 0      # nothing left to take


def test_a_chapter_that_failed_in_the_background_step_is_reported_not_run_again(tmp_path):
    """make book's background step hands its failures to Jupyter Book's own call of prepare, which reports them
    without executing the chapter a second time; only once, and only on unchanged inputs."""
    from machinery import cache

    dirs = build.BuildDirs.of(tmp_path / "_build")
    dirs.records.mkdir(parents=True)
    talent = ROOT / "notebooks" / "05_talent.ipynb"
    cache._hand_over(dirs, [build.ChapterFailed(talent, "cell 4:\nDataError: bad")], ROOT)
    known = cache._handed_over(dirs, [talent], ROOT)
    assert list(known) == [talent] and known[talent].summary() == "05_talent: DataError: bad"
    assert cache._handed_over(dirs, [talent], ROOT) == {}                       # read once
    cache._hand_over(dirs, [build.ChapterFailed(talent, "x")], ROOT)
    path = dirs.records / cache.HANDED_OVER
    path.write_text(path.read_text().replace(cache._failure_key(talent, ROOT), "inputs since changed"))
    assert cache._handed_over(dirs, [talent], ROOT) == {}
