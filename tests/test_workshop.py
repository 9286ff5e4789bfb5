"""The workshop: self-checks, the exercise format, student copies, the kit, and the offline install (slow, run by
``make test-kit``: ``BOOK_TEST_KIT=1``)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from helpers import charts
from helpers.workshop import STRICT_ENV, CheckResult, ExerciseError, check, compare, exercises, expected_answer
from machinery import build, kit

ROOT = build.ROOT
FIXTURE = ROOT / "tests" / "fixtures" / "workshop_fixture.ipynb"
FIXTURE_CHAPTER = "02_pricing_models"     # its exercises are the pricing chapter's, in data/exercises.csv


def _chapters_with_exercises() -> list[Path]:
    return [p for p in build.chapters(ROOT) if kit.has_exercises(nbformat.read(str(p), as_version=4))]


NOTEBOOKS = [FIXTURE] + _chapters_with_exercises()


def _with_chapters(path: Path) -> list[Path]:
    """What a kit holds: every chapter (a what-if solution reads its scenario's notebook), plus the fixture."""
    return list(dict.fromkeys(build.chapters(ROOT) + [path]))


def _chapter(path: Path) -> str:
    return FIXTURE_CHAPTER if path == FIXTURE else path.stem


# --- check -----------------------------------------------------------------------------------------------------
def test_check_says_right_close_wrong_and_never_the_answer(capsys):
    want = expected_answer("ex2_1")                               # asked to 4 significant figures: a unit is 0.0001
    assert check("ex2_1", round(want, 4)).status == "right"
    assert check("ex2_1", round(want, 3)).status == "close"       # one significant figure short
    assert check("ex2_1", want * 100).status == "close"          # a percentage for a fraction
    assert check("ex2_1", want + 0.0004).status == "close"
    assert check("ex2_1", want + 0.0006).status == "wrong"
    assert check("ex2_1", 0.2).status == "wrong"
    assert check("ex2_1", "eighty").status == "wrong"
    printed = capsys.readouterr().out
    for shown in (f"{want}", f"{want:.4f}", f"{want:.3f}", f"{want:.1%}", f"{want * 100:.2f}", f"{want * 100:.1f}"):
        assert shown not in printed
    assert "Hint:" in printed
    assert "ex2_1: close — right digits, wrong scale: a share is a fraction (0.25), not a percentage (25). Hint: " in printed


@pytest.mark.parametrize("placeholder", [..., None])
def test_placeholder_is_not_answered_and_does_not_raise(placeholder, capsys, monkeypatch):
    monkeypatch.delenv(STRICT_ENV, raising=False)
    result = check("ex2_2", placeholder)
    assert isinstance(result, CheckResult) and result.status == "not answered" and not result.passed
    assert "not answered yet" in capsys.readouterr().out


def test_strict_mode_raises_on_anything_but_right(monkeypatch):
    monkeypatch.setenv(STRICT_ENV, "1")
    with pytest.raises(ExerciseError, match="ex2_1: self-check said 'wrong'"):
        check("ex2_1", 0.2)
    assert check("ex2_1", expected_answer("ex2_1")).passed


def test_unknown_exercise_is_refused_naming_the_allowed_ids():
    with pytest.raises(ExerciseError, match=r"exercise_id 'ex9_9' is not in data/exercises.csv; allowed: ex2_1"):
        check("ex9_9", 1.0)


@pytest.mark.parametrize("exercise_id", list(exercises().index))
def test_every_exercise_has_an_expected_answer_computed_from_data(exercise_id):
    want = expected_answer(exercise_id)
    assert want is not None
    row = exercises().loc[exercise_id]
    assert compare(row, want, want)[0] == "right"


def test_answer_types_text_set_and_table():
    row = pd.Series({"answer_type": "text", "precision": "exact"})
    assert compare(row, " Baichuan ", "baichuan")[0] == "right"
    assert compare(row, "Baichuan", "Baichuan Intelligence")[0] == "close"
    assert compare(row, "Zhipu", "Baichuan")[0] == "wrong"
    row["answer_type"] = "set"
    assert compare(row, ["b", "a"], ["a", "b"])[0] == "right"
    assert compare(row, ["a", "c"], ["a", "b"])[0] == "close"
    assert compare(row, "a", ["a"])[0] == "wrong"
    row["answer_type"], row["precision"] = "table", "whole number"
    want = pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})
    assert compare(row, want.iloc[::-1], want)[0] == "right"
    assert compare(row, want.assign(y=[1.0, 2.4]), want)[0] == "right"      # within half a unit of a whole number
    assert compare(row, want.assign(y=[1.0, 3.0]), want)[0] == "close"
    assert compare(row, want.assign(x=["a", "c"]), want)[0] == "close"
    assert compare(row, want[["x"]], want)[0] == "wrong"


# --- the format --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_follows_the_exercise_format(path):
    nb = nbformat.read(str(path), as_version=4)
    table = exercises()["chapter"].to_dict()
    assert kit.exercise_ids(nb)
    assert kit.format_problems(nb, _chapter(path), table) == []


def test_table_and_notebooks_list_the_same_exercises():
    """Each chapter with exercises holds exactly the rows data/exercises.csv gives it (the fixture: some of the
    pricing chapter's)."""
    table = exercises()
    for path in NOTEBOOKS:
        ids = set(kit.exercise_ids(nbformat.read(str(path), as_version=4)))
        listed = set(table.index[table["chapter"] == _chapter(path)])
        assert ids <= listed if path == FIXTURE else ids == listed, path.name


def test_format_problems_are_found():
    nb = nbformat.read(str(FIXTURE), as_version=4)
    for cell in nb.cells:
        if "solution" in cell.metadata.get("tags", []) and cell.cell_type == "code":
            cell.metadata["tags"] = ["solution"]
            break
    answer = next(c for c in nb.cells if "answer" in c.metadata.get("tags", []))
    answer.source = "answer = 0.8\ncheck(\"ex2_1\", answer)"
    problems = kit.format_problems(nb, FIXTURE_CHAPTER, {"ex2_1": FIXTURE_CHAPTER, "ex2_2": "06_outlook",
                                                         "ex2_3": FIXTURE_CHAPTER})
    assert any("needs tag hide-input" in p for p in problems)
    assert any("must hold `answer = ...`" in p for p in problems)
    assert any("ex2_2 in 02_pricing_models: data/exercises.csv lists it for '06_outlook'" == p for p in problems)


# --- student copies ------------------------------------------------------------------------------------------------
def _solution_lines(nb) -> list[str]:
    """Distinctive lines of the solutions (not the shared `check(...)` call nor Markdown furniture)."""
    lines = {line.strip() for text in kit.solution_texts(nb) for line in text.splitlines()}
    return sorted(l for l in lines if len(l) > 25 and not l.startswith(("check(", "<details", "</details", "from helpers")))


def test_student_copy_has_no_solution_and_no_output():
    nb = nbformat.read(str(FIXTURE), as_version=4)
    copy = kit.student_copy(nb)
    text = json.dumps(copy, ensure_ascii=False)
    assert _solution_lines(nb)
    for line in _solution_lines(nb):
        assert json.dumps(line, ensure_ascii=False)[1:-1] not in text
    assert "<summary>Solution" not in text
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in copy["cells"] if c["cell_type"] == "code")
    assert len([c for c in copy["cells"] if "answer" in c.metadata.get("tags", [])]) == 3


def test_kit_is_written_and_zipped(tmp_path):
    zip_path = kit.build_kit(tmp_path / "workshop", ROOT, [FIXTURE])
    out = tmp_path / "workshop"
    for rel in ("START.md", "Makefile", "pyproject.toml", "data/exercises.csv", "data/datapackage.json",
                "helpers/workshop/__init__.py", "requirements/lab.txt", "scenarios/cloud-35-utilization.yaml",
                f"notebooks/{FIXTURE.name}"):
        assert (out / rel).is_file(), rel
    assert not list(out.rglob("__pycache__"))
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
    assert "workshop/START.md" in names and f"workshop/notebooks/{FIXTURE.name}" in names
    assert "WHEELHOUSE=" in (out / "START.md").read_text(encoding="utf-8")


def test_the_kit_holds_no_machinery_and_no_gpu_program(tmp_path):
    """The kit is what a notebook imports: no build machinery, no developer tools (the GPU program, the benchmark),
    no command shims that would call them, no book extension; and no "what if" question that needs them."""
    kit.build_kit(tmp_path / "workshop", ROOT, NOTEBOOKS)
    out = tmp_path / "workshop"
    assert (out / "helpers" / "chapters" / "pricing").is_dir() and (out / "helpers" / "workshop" / "__init__.py").is_file()
    for rel in ("machinery", "tools", "book", "helpers/rerun.py", "helpers/scenarios.py", "helpers/gpu_measure", "tests"):
        assert not (out / rel).exists(), rel
    assert (out / "helpers" / "workshop" / "__main__.py").is_file()     # --ready and --lab need only helpers
    for path in (out / "helpers").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name == "__main__.py":        # writing a kit needs the machinery: guarded, the kit's --ready runs
            text = text.replace("try:      # the kit has no machinery: there, this command only says so\n"
                                "    from machinery.kit import main\nexcept ModuleNotFoundError:", "")
        assert not re.search(r"^\s*(from|import) (machinery|tools)\b", text, re.M), path
    for path in (out / "notebooks").glob("*.ipynb"):
        questions = [c for c in nbformat.read(str(path), as_version=4).cells if "exercise" in c.metadata.get("tags", [])]
        assert not [c.source for c in questions if "-m helpers." in c.source], path.name
    start = (out / "START.md").read_text(encoding="utf-8")
    assert not re.search(r"-m helpers\.(rerun|scenarios)\b", start) and "-m helpers.workshop --ready" in start


def test_a_what_if_in_the_kit_is_run_inside_jupyterlab():
    """The rerun command of a what-if question becomes the same run in the lab: the parameters to set, Run All, and
    ``F.values``; a scenario's parameters are read from its file; a list parameter goes to papermill as YAML."""
    q = ("Rerun:\n\n```bash\n.venv/bin/python -m helpers.rerun --scenario cloud-35-utilization out.ipynb\n"
         ".venv/bin/python -m helpers.rerun --figures out.ipynb\n```\n\nWhat is `infra_gross_margin` now?")
    said = kit.in_lab_what_if(q)
    assert "set `utilization = 0.35`" in said and "Run All Cells" in said and 'F.values["name"]' in said
    assert 'rerun("02_pricing_models", utilization=0.35)["name"]' in said and "from helpers.workshop import rerun" in said
    assert "papermill notebooks/02_pricing_models.ipynb out.ipynb -p utilization 0.35" in said
    assert said.endswith("What is `infra_gross_margin` now?") and "helpers.rerun" not in said
    q2 = q.replace("--scenario cloud-35-utilization out.ipynb",
                   "notebooks/03_frontier_research.ipynb out.ipynb -p sections '[\"agents\", \"embodied\"]'")
    assert """-y '{"sections": ["agents", "embodied"]}'""" in kit.in_lab_what_if(q2)


def _said(cells) -> str:
    return "".join(o.get("text", "") for c in cells if c.cell_type == "code" for o in c.get("outputs", []))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_copy_runs_clean_and_filled_solutions_pass(path, tmp_path, monkeypatch):
    """The issue's test: the student copy runs top to bottom with its placeholders (inside the kit, importing the
    kit's helpers) and holds no solution; then, in the same kernel, each solution runs where its answer cell stood
    (strict mode) and every self-check says right.

    One kernel serves both runs: the exercises close the chapter, so the copy with its solutions filled in
    (``kit.fill_solutions``) runs the same cells in the same order, the placeholders (``answer = ...`` and a check
    that says "not answered yet") aside."""
    from nbclient import NotebookClient

    kit.build_kit(tmp_path / "workshop", ROOT, _with_chapters(path))
    root = tmp_path / "workshop"
    monkeypatch.setenv("PYTHONPATH", str(root))
    monkeypatch.setenv("BOOK_SVG_CACHE", str(charts.SVG_CACHE))    # the kit's kernels reuse this checkout's pictures
    monkeypatch.delenv(STRICT_ENV, raising=False)
    student = nbformat.read(str(root / "notebooks" / path.name), as_version=4)
    original = nbformat.read(str(path), as_version=4)
    text = json.dumps(student, ensure_ascii=False)
    for line in _solution_lines(original):
        assert json.dumps(line, ensure_ascii=False)[1:-1] not in text
    ids = kit.exercise_ids(original)
    filled = kit.fill_solutions(original)
    answers = [c for c in filled.cells if kit.ANSWER in c.metadata.get("tags", [])]
    assert [c.metadata["workshop"]["exercise"] for c in answers] == ids
    first_exercise = next(i for i, c in enumerate(student.cells) if c.metadata.get("workshop"))
    assert all(not c.metadata.get("workshop") for c in filled.cells[:first_exercise])   # the same chapter before

    client = NotebookClient(student, timeout=600, kernel_name="python3", shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(root / "notebooks")}})
    with client.setup_kernel():
        for i, cell in enumerate(student.cells):
            client.execute_cell(cell, i)
        said = _said(student.cells)
        for ex in ids:
            assert f"{ex}: not answered yet" in said
        strict = nbformat.v4.new_code_cell(f"import os\nos.environ[{STRICT_ENV!r}] = '1'")
        run = [strict] + [nbformat.v4.new_code_cell(c.source) for c in answers]
        for j, cell in enumerate(run, start=len(student.cells)):
            student.cells.append(cell)
            client.execute_cell(cell, j)
    said = _said(run)
    for ex in ids:
        assert f"{ex}: right." in said


def test_published_zip_is_rebuilt_whenever_a_source_is_added_edited_or_deleted(tmp_path):
    """The zip the book publishes records what it was built from (its comment): a new, edited, renamed or deleted
    source makes it stale (a newest-modification-time check misses a deletion); caches never do."""
    root = tmp_path / "checkout"
    for rel in kit.KIT_SOURCES:
        src = ROOT / rel
        if src.is_dir():
            shutil.copytree(src, root / rel, ignore=kit.IGNORE)
        else:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, root / rel)
    zip_path, chapters = tmp_path / "html" / "workshop.zip", [root / "notebooks" / "05_talent.ipynb"]
    assert kit.publish(zip_path, root, chapters) and not kit.publish(zip_path, root, chapters)
    assert zipfile.ZipFile(zip_path).comment.decode().startswith("Workshop kit of State of Generative AI 2023")
    (root / "helpers" / "__pycache__").mkdir(exist_ok=True)
    (root / "helpers" / "__pycache__" / "stray.cpython-311.pyc").write_bytes(b"\0")
    assert kit.is_current(zip_path, root)                                   # a cache is not a source
    extra = root / "data" / "extra_table.csv"
    extra.write_text("a\n1\n", encoding="utf-8")
    assert not kit.is_current(zip_path, root) and kit.publish(zip_path, root, chapters)
    assert "workshop/data/extra_table.csv" in zipfile.ZipFile(zip_path).namelist()
    extra.unlink()
    assert not kit.is_current(zip_path, root) and kit.publish(zip_path, root, chapters)
    assert "workshop/data/extra_table.csv" not in zipfile.ZipFile(zip_path).namelist()


# --- slow: make test-kit (BOOK_TEST_KIT=1) -------------------------------------------------------------------------
WHEELHOUSE = ROOT / "_build" / "wheelhouse"
SLOW = pytest.mark.skipif(os.environ.get("BOOK_TEST_KIT") != "1", reason="slow: run by `make test-kit` (BOOK_TEST_KIT=1)")


@SLOW
def test_kit_installs_from_the_wheelhouse_offline_and_runs(tmp_path):
    """The unzipped kit's own `make ready WHEELHOUSE=…`, with every index unreachable and no pip config: it installs,
    runs a chapter and prints "ready" last; a wrong Python (simulated) gets its one line; the kit's lab serves the
    whole kit; a student copy runs with the kit's environment."""
    assert len(list(WHEELHOUSE.glob("*.whl"))) > 100, "run `make wheelhouse` first"
    zip_path = kit.build_kit(tmp_path / "workshop", ROOT, _with_chapters(FIXTURE))
    room = tmp_path / "room"
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(room)
    kit_dir = room / "workshop"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHONPATH", "VIRTUAL_ENV"))}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_INDEX_URL="http://127.0.0.1:9/simple", PIP_PROXY="http://127.0.0.1:9",
               PIP_DISABLE_PIP_VERSION_CHECK="1", http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9")
    python = shutil.which("python3.11") or sys.executable
    wrong = subprocess.run(["make", "-s", "-C", str(kit_dir), "ready", f"PYTHON={python}"], capture_output=True, text=True,
                           env={**env, "WORKSHOP_READY_PRETEND": "3.10.12"}, timeout=120)
    assert wrong.returncode != 0 and wrong.stdout.strip().splitlines() == [
        "not ready: needs CPython 3.11–3.13; found cpython 3.10.12. Install Python 3.12 from python.org (or your package "
        "manager) and run this again with it."]
    done = subprocess.run(["make", "-s", "-C", str(kit_dir), "ready", f"WHEELHOUSE={WHEELHOUSE}", f"PYTHON={python}"],
                          env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0 and done.stdout.strip().splitlines()[-1] == "ready", done.stdout + done.stderr
    assert "Kernel is running over TCP" not in done.stdout + done.stderr
    venv = kit_dir / ".venv" / "bin"
    out = subprocess.run([str(venv / "python"), "-c", "import helpers; print(helpers.__file__)"], env=env, cwd=tmp_path,
                         check=True, capture_output=True, text=True)
    assert str(kit_dir) in out.stdout
    lab = subprocess.Popen([str(venv / "python"), "-m", "helpers.workshop", "--lab", "--no-browser"], cwd=kit_dir, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = next(line for line in lab.stdout if line.startswith("http://127.0.0.1:")).strip()
        base, token = url.split("/lab?token=")
        listing = json.loads(urllib.request.urlopen(f"{base}/api/contents/?token={token}", timeout=10).read())
        assert {"START.md", "notebooks", "data", "scenarios", "Makefile"} <= {item["name"] for item in listing["content"]}
    finally:
        lab.terminate()
        lab.wait(timeout=20)
    nb = kit_dir / "notebooks" / FIXTURE.name
    subprocess.run([str(venv / "papermill"), str(nb), str(nb.with_name("ran.ipynb")), "--cwd", str(nb.parent)],
                   env=env, cwd=tmp_path, check=True, capture_output=True, text=True, timeout=600)
    ran = nbformat.read(str(nb.with_name("ran.ipynb")), as_version=4)
    said = "".join(o.get("text", "") for c in ran.cells if c.cell_type == "code" for o in c.outputs)
    assert "ex2_1: not answered yet" in said


def test_each_agenda_fits_its_time():
    """The facilitator guide's agendas: 30 minutes of exercises in the 90-minute agenda, 130 in the half day."""
    table = exercises()
    minutes = {agenda: int(table.loc[table["agenda"].str.split().apply(lambda a, agenda=agenda: agenda in a), "minutes"].sum())
               for agenda in ("90min", "half-day")}
    assert 0 < minutes["90min"] <= 30 and 0 < minutes["half-day"] <= 130, minutes
    assert set(table.loc[table["agenda"].str.contains("90min"), "chapter"]) == {"02_pricing_models"}  # one chapter
