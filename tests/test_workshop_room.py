"""A workshop in a real room (issue 29): the preflight, what-ifs inside JupyterLab, the kit's own Makefile and
student copies with nothing stale in them. The offline install of the kit itself is `make test-kit`'s."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import PRICING, ROOT

from helpers.errors import ParameterError
from helpers.workshop import rerun
from helpers.workshop.ready import lock_file, python_problem
from machinery import build, kit
from machinery import rerun as cli


# --- the preflight ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("found, fragment", [
    (("cpython", (3, 10, 12), "linux", "x86_64"), "needs CPython 3.11–3.13; found cpython 3.10.12"),
    (("cpython", (3, 14, 0), "darwin", "arm64"), "needs CPython 3.11–3.13; found cpython 3.14.0"),
    (("pypy", (3, 11, 9), "linux", "x86_64"), "found pypy 3.11.9"),
    (("cpython", (3, 12, 1), "freebsd14", "amd64"), "needs Linux, macOS or Windows"),
    (("cpython", (3, 12, 1), "linux", "riscv64"), "on x86_64 or arm64; found linux on riscv64"),
])
def test_a_python_or_platform_the_kit_cannot_use_gets_one_line_saying_what_to_do(found, fragment):
    said = python_problem(*found)
    assert said.startswith("not ready: ") and fragment in said and "\n" not in said


@pytest.mark.parametrize("found", [("cpython", (3, 11, 0), "linux", "x86_64"), ("cpython", (3, 13, 1), "darwin", "arm64"),
                                   ("cpython", (3, 12, 7), "win32", "AMD64"), ("cpython", (3, 12, 7), "linux", "aarch64")])
def test_every_supported_python_and_platform_passes(found):
    assert python_problem(*found) is None


def test_the_preflight_on_a_wrong_python_prints_one_line_and_fails():
    done = subprocess.run([sys.executable, "-m", "helpers.workshop", "--ready"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "WORKSHOP_READY_PRETEND": "3.10.12"}, timeout=60)
    assert done.returncode == 1 and len(done.stdout.strip().splitlines()) == 1
    assert done.stdout.startswith("not ready: needs CPython 3.11–3.13; found cpython 3.10.12.")


def test_the_preflight_installs_from_a_lock_for_every_platform():
    assert lock_file().name in ("kit.txt", "lab.txt") and lock_file().is_file()


@pytest.mark.slow
def test_make_ready_in_the_repository_says_ready():
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    # `-o`: the test group's venv holds the lab group's packages; installing it here would change the venv under the
    # tests that check a build is up to date (they run beside this one)
    done = subprocess.run(["make", "-s", "ready", "-o", ".venv/.installed-lab"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0 and done.stdout.strip().splitlines()[-1] == "ready", done.stdout + done.stderr
    assert "Kernel is running over TCP" not in done.stdout + done.stderr


# --- what-ifs inside JupyterLab --------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_lab_rerun_equals_the_command_line_rerun(tmp_path):
    result = rerun("02_pricing_models", utilization=0.35, output=tmp_path / "lab.ipynb")
    assert cli.main([str(PRICING), str(tmp_path / "cli.ipynb"), "-p", "utilization", "0.35"]) == 0
    assert result.figures == cli.glued_figures(tmp_path / "cli.ipynb")
    assert result["infra_gross_margin"] == pytest.approx(1 - 40_000 / (24.21 * 8760 * 0.35))
    assert "Wrote" in result.summary() and result.path == (tmp_path / "lab.ipynb").resolve()


def test_the_lab_rerun_refuses_a_misspelt_chapter_or_parameter_by_name():
    with pytest.raises(ParameterError, match=r"chapter '02_pricing_model' is not a chapter; did you mean '02_pricing_models'\?"):
        rerun("02_pricing_model", utilization=0.35)
    with pytest.raises(ParameterError, match="did you mean 'utilization'"):
        rerun("02_pricing_models", utilisation=0.35)


@pytest.mark.slow
def test_a_bad_value_in_the_lab_rerun_is_one_line(tmp_path):
    with pytest.raises(ParameterError) as info:
        rerun("02_pricing_models", utilization=1.5, output=tmp_path / "x.ipynb")
    assert str(info.value).startswith("parameter 'utilization' = 1.5 is out of range") and "\n" not in str(info.value)


@pytest.mark.slow
def test_the_lab_rerun_works_from_inside_a_notebook(tmp_path):
    """What a participant does: a cell of a running notebook calls it (a kernel starting another kernel)."""
    import papermill

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from helpers.workshop import rerun\n"
        f"result = rerun('05_talent', output={str(tmp_path / 'inner.ipynb')!r})\n"
        "print(len(result.figures) > 0, result.path.name)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(tmp_path / "outer.ipynb"))
    papermill.execute_notebook(str(tmp_path / "outer.ipynb"), str(tmp_path / "outer_out.ipynb"), cwd=str(tmp_path),
                               progress_bar=False)
    out = nbformat.read(str(tmp_path / "outer_out.ipynb"), as_version=4)
    assert "True inner.ipynb" in "".join(o.get("text", "") for o in out.cells[0].outputs)


# --- the kit ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def kit_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kit") / "workshop"
    kit.build_kit(out, ROOT, build.chapters(ROOT))
    return out


def _make(kit_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    return subprocess.run(["make", "--no-print-directory", "-C", str(kit_dir), *args], env=env, capture_output=True,
                          text=True, timeout=60)


def test_the_kits_makefile_is_its_own(kit_dir):
    text = (kit_dir / "Makefile").read_text(encoding="utf-8")
    assert ".DEFAULT_GOAL := lab" in text and "_config.yml" not in text and "_toc" not in text and "book" not in text
    listed = _make(kit_dir, "help").stdout
    assert all(f"{t}:" in listed for t in ("lab", "ready", "wheelhouse", "clean")), listed
    for target in ("lab", "ready", "clean", "wheelhouse"):
        done = _make(kit_dir, "-n", target)
        assert done.returncode == 0 and "Traceback" not in done.stdout + done.stderr, (target, done.stderr)
    assert "helpers.workshop --lab" in _make(kit_dir, "-n").stdout          # plain `make` is `make lab`
    assert "--download windows 3.12 wheelhouse/windows-cp312" in _make(kit_dir, "-n", "wheelhouse", "PLATFORM=windows",
                                                                       "PYTHON_VERSION=3.12").stdout


def test_the_student_copies_hold_no_stale_text_and_no_dead_link(kit_dir):
    link = re.compile(r"\]\(([^)\s]+)")
    for nb_path in (kit_dir / "notebooks").glob("*.ipynb"):
        for cell in nbformat.read(str(nb_path), as_version=4).cells:
            text = cell.source
            assert "solution is folded" not in text and "../book/" not in text, nb_path.name
            for target in link.findall(text):
                if target.startswith(("http://", "https://", "#", "mailto:")):
                    continue
                assert (nb_path.parent / target.split("#")[0]).exists(), (nb_path.name, target)
    start = (kit_dir / "START.md").read_text(encoding="utf-8")
    assert "book/" not in start and "make ready" in start and "py -3.12 -m helpers.workshop --ready" in start


def test_a_glossary_term_keeps_its_definition_on_hover_in_the_kit(kit_dir):
    copy = nbformat.read(str(kit_dir / "notebooks" / "02_pricing_models.ipynb"), as_version=4)
    text = "".join(c.source for c in copy.cells)
    assert re.search(r'<abbr title="Gross margin: Revenue minus[^"]+">gross margin</abbr>', text)


def test_a_what_if_that_gives_the_lab_routes_keeps_them_once_in_the_kit(kit_dir):
    copy = nbformat.read(str(kit_dir / "notebooks" / "02_pricing_models.ipynb"), as_version=4)
    question = next(c.source for c in copy.cells if c.source.startswith("### Exercise ex2_2"))
    assert question.count("Run ▸ Run All Cells") == 1 and question.count("from helpers.workshop import rerun") == 1
    assert "In a terminal instead: `.venv/bin/papermill notebooks/02_pricing_models.ipynb out.ipynb -p utilization 0.35`" in question
    assert "-m helpers.rerun" not in question
