"""Packaging: the lock files pin every package and hold pyproject.toml's pins, never torch or CUDA; the venv
running the tests is the lock; and the venv belongs to its checkout, so make rebuilds one copied from another.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
# Each lock file and the pyproject groups it holds (base is in every one; gpu is in none).
LOCKS = {"base": ("base",), "lab": ("base", "lab"), "test": ("base", "test", "lab")}
# The design card's top-level requirements.txt: the runtime with JupyterLab and nbval, for `pip install -r`.
CARD = {"card": ("base", "card")}
CARD_PACKAGES = ("jupyterlab", "jupyter-book", "pandas", "altair", "papermill", "nbval")
in_project_venv = pytest.mark.skipif(Path(sys.prefix).resolve() != VENV.resolve(),
                                     reason="not running in this checkout's .venv")


def canonical(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_path(lock: str) -> Path:
    return ROOT / "requirements.txt" if lock in CARD else ROOT / "requirements" / f"{lock}.txt"


def read_lock(lock: str) -> dict[str, str]:
    """{name: version} of a lock file; fails on any line that is not an exact ``name==version`` pin."""
    pins = {}
    for line in lock_path(lock).read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if not text or text.startswith("#") or (lock in CARD and text == "-e ."):
            continue
        m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!]+)", text)
        assert m, f"{lock_path(lock).name}: not an exact pin: {line!r}"
        pins[canonical(m[1])] = m[2]
    return pins


def group(name: str) -> list[Requirement]:
    """The requirements of a pyproject group (``base`` = the project's own dependencies)."""
    texts = PROJECT["dependencies"] if name == "base" else PROJECT["optional-dependencies"][name]
    return [Requirement(t) for t in texts]


# --- the lock files ---------------------------------------------------------------------------------------
def test_pyproject_pins_every_direct_dependency_exactly():
    for name in ("base", *PROJECT["optional-dependencies"]):
        for req in group(name):
            specs = list(req.specifier)
            assert len(specs) == 1 and specs[0].operator == "==", f"{name}: {req} is not an exact pin"


@pytest.mark.parametrize("lock", {**LOCKS, **CARD})
def test_the_lock_pins_every_package_for_the_stated_platform(lock):
    pins = read_lock(lock)
    assert len(pins) > 50
    head = lock_path(lock).read_text(encoding="utf-8").splitlines()[:3]
    assert "Linux x86_64, CPython 3.11" in head[0] and "make lock" in "\n".join(head)


@pytest.mark.parametrize("lock", {**LOCKS, **CARD})
def test_the_lock_holds_the_pyprojects_pins(lock):
    pins = read_lock(lock)
    for name in {**LOCKS, **CARD}[lock]:
        for req in group(name):
            (spec,) = req.specifier
            assert pins.get(canonical(req.name)) == spec.version, f"{lock_path(lock).name}: {req} (run `make lock`)"


def test_the_book_lock_has_no_test_lab_or_gpu_tools():
    """`make book` installs the base lock: no pytest, Playwright, JupyterLab or torch for a reader."""
    base = read_lock("base")
    runtime = {canonical(r.name) for r in group("base")}
    for name in ("test", "lab", "gpu"):
        for req in group(name):
            assert canonical(req.name) in runtime or canonical(req.name) not in base, (name, req.name)
    assert not {"pytest", "playwright", "jupyterlab", "nbval", "torch"} & set(base)


@pytest.mark.parametrize("lock", LOCKS)
def test_no_lock_names_torch_or_cuda(lock):
    for name in read_lock(lock):
        assert name not in {"torch", "triton"} and not name.startswith(("nvidia-", "cuda-")), name


@pytest.mark.parametrize("lock", LOCKS)
def test_no_lock_installs_the_slow_iri_parser(lock):
    """rfc3987-syntax builds an Earley parser on import (≈1.5 s in every kernel and Jupyter Book run, because
    jsonschema imports it whenever it is installed): the Makefile leaves it, and lark, out of every lock."""
    assert not {"rfc3987-syntax", "lark"} & set(read_lock(lock))


def test_the_installs_are_exactly_the_lock():
    """`make` installs each lock with --no-deps (uv), so the installer cannot add what the lock leaves out."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^UV_INSTALL := .*uv pip install --quiet --compile-bytecode", makefile, re.M)
    for lock in LOCKS:
        assert f"$(UV_INSTALL) --no-deps -r requirements/{lock}.txt" in makefile, lock


def test_requirements_txt_is_the_design_cards_environment():
    """`pip install -r requirements.txt` installs the card's six packages and every package they need, each pinned to
    the version the test lock pins, and this checkout's helpers (editable) last."""
    card, test = read_lock("card"), read_lock("test")
    assert set(CARD_PACKAGES) <= set(card)
    assert card.items() <= test.items()
    assert read_lock("base").items() <= card.items()
    assert not {"playwright", "torch", "frictionless"} & set(card)     # no browser or test-only tools (pytest comes with nbval)
    lines = [l.strip() for l in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines() if l.strip()]
    assert lines[-1] == "-e ."


def test_the_locks_agree():
    """Base is inside lab, lab inside test, at the same versions: one resolution, three installs."""
    base, lab, test = read_lock("base"), read_lock("lab"), read_lock("test")
    assert base.items() <= lab.items() and lab.items() <= test.items()


def torch_closure(installed: dict[str, str], locked: dict[str, str]) -> set[str]:
    """torch and what it alone brings (installed, not in the lock): the gpu group that pip installs apart."""
    if "torch" not in installed:
        return set()
    seen, todo = {"torch"}, ["torch"]
    while todo:
        for text in metadata.requires(todo.pop()) or []:
            req = Requirement(text)
            name = canonical(req.name)
            if (req.marker is None or req.marker.evaluate({"extra": ""})) and name in installed \
                    and name not in locked and name not in seen:
                seen.add(name)
                todo.append(name)
    return seen


@in_project_venv
def test_the_installed_packages_are_the_lock():
    """The venv `make test` made holds the test lock exactly, plus pip, the project and (WITH_GPU) torch."""
    locked = read_lock("test")
    installed = {canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}
    extra = {"pip", "uv", canonical(PROJECT["name"])} | torch_closure(installed, locked)
    uv_pin = re.search(r"^UV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)[1]
    assert installed.get("uv") == uv_pin, "make installs the locks with the uv the Makefile pins"
    wrong = {name: (version, locked.get(name)) for name, version in installed.items()
             if name not in extra and locked.get(name) != version}
    assert not wrong, f"installed (version, locked version) differ: {wrong}"
    assert not set(locked) - set(installed), "locked but not installed"
    if "torch" in installed:
        (torch_pin,) = group("gpu")
        assert installed["torch"].split("+")[0] == next(iter(torch_pin.specifier)).version


# --- the venv belongs to its checkout ------------------------------------------------------------------------
@in_project_venv
def test_this_checkouts_venv_serves_this_checkout():
    import helpers

    assert (VENV / ".tree").read_text(encoding="utf-8").strip() == str(ROOT)
    assert Path(helpers.__file__).resolve().parent == ROOT / "helpers"
    kernel = json.loads((VENV / "share" / "jupyter" / "kernels" / "python3" / "kernel.json").read_text())
    assert Path(kernel["argv"][0]) == VENV / "bin" / "python"


def copy_checkout(tmp_path: Path, venv_tree: str | None) -> Path:
    """A copy of the checkout, as `cp -r` makes one, with a stand-in venv that names ``venv_tree`` as its tree.

    The stand-in has the stamps of an installed venv (newer than everything), so the only reason make could
    have to rebuild it is the tree it names.
    """
    work = tmp_path / "copy"
    shutil.copytree(ROOT, work, symlinks=True, ignore=shutil.ignore_patterns(
        ".venv", ".venv-lock", "_build", ".git", "__pycache__", "*.egg-info", ".pytest_cache"))
    work = work.resolve()
    (work / ".venv").mkdir()
    if venv_tree is not None:
        (work / ".venv" / ".tree").write_text(f"{venv_tree}\n", encoding="utf-8")
    later = time.time() + 60
    for stamp in (".installed-base", ".installed-test", ".installed-search"):
        (work / ".venv" / stamp).touch()
        os.utime(work / ".venv" / stamp, (later, later))
    return work


def dry_run(work: Path, target: str = "book") -> str:
    """What ``make -n TARGET`` would run in ``work``."""
    # `make test WITH_GPU=1` passes WITH_GPU both in MAKEFLAGS and as an exported variable: drop both
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "WITH_GPU"}}
    done = subprocess.run(["make", "--no-print-directory", "-n", target], cwd=work, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_rebuilds_a_venv_copied_with_another_checkout(tmp_path):
    work = copy_checkout(tmp_path, venv_tree=str(ROOT))     # cp -r: the venv still names the original
    out = dry_run(work)
    assert f".venv was made for {ROOT}, not {work}: rebuilding it" in out
    assert "rm -rf .venv" in out and "-m venv .venv" in out
    assert f"echo '{work}' > .venv/.tree" in out
    assert "uv pip install --quiet --compile-bytecode --python .venv/bin/python  --no-deps -r requirements/base.txt" in out
    assert "--editable ." in out


def test_make_rebuilds_a_venv_with_no_record_of_its_tree(tmp_path):
    """A venv from before the record (the old Makefile, with torch and a .pth of its own) is rebuilt too."""
    out = dry_run(copy_checkout(tmp_path, venv_tree=None), "test")
    assert "unrecorded tree" in out and "rm -rf .venv" in out and "--no-deps -r requirements/test.txt" in out


def test_make_keeps_a_venv_made_for_this_checkout(tmp_path):
    work = copy_checkout(tmp_path, venv_tree="")
    (work / ".venv" / ".tree").write_text(f"{work}\n", encoding="utf-8")
    for stamp in (".installed-base", ".installed-test", ".installed-search"):
        os.utime(work / ".venv" / stamp, (time.time() + 60,) * 2)
    for target in ("book", "test"):
        out = dry_run(work, target)
        installs = [line for line in out.splitlines() if "pip" in line and "install" in line]   # not test-kit's
        assert "-m venv" not in out and "rm -rf .venv" not in out and not installs, out         # pip download
        assert "machinery.build --jupyter-book" in out       # the build runs
    assert ".venv/bin/python -m pytest" in out


# --- the house's commands: make help, check, lint ------------------------------------------------------------
def make_out(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "WITH_GPU"}}
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_make_help_lists_every_target_with_one_line():
    documented = re.findall(r"^## ([a-z-]+): ", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    phony = re.search(r"^\.PHONY: (.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)[1].split()
    phony = [t for t in phony if not t.startswith("$(")]          # $(PHONY_INTERNAL): targets make test calls
    shown = make_out("help").stdout.splitlines()
    assert [line.split()[0] for line in shown] == documented
    assert all(len(line.split(maxsplit=1)) == 2 for line in shown)      # a name and what it does
    assert set(phony) - {"FORCE"} <= set(documented), "a target make help does not list"
    assert {"book", "test", "check", "lint", "help", "notebooks", "lab", "lock", "workshop"} <= set(documented)


def test_make_check_is_the_fast_tier_and_make_test_runs_everything():
    check = make_out("-n", "check", "-o", ".venv/.installed-test", "-o", ".venv/.installed-base").stdout
    assert '-m pytest -m "not browser and not lab and not slow"' in check and "jupyter-book" not in check
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", text, re.M)[1]
    assert "$(INSTALLED_TEST) $(WHEELHOUSE_DONE)" in test_recipe and "book test-kit" in test_recipe
    assert "lint pytest" in test_recipe
    assert re.search(r"^pytest: .*\n\t\$\(BIN\)/python -m pytest\n", text, re.M)
    markers = (ROOT / "pytest.ini").read_text(encoding="utf-8")
    assert all(f"    {m}:" in markers for m in ("browser", "lab", "slow"))


@in_project_venv
def test_make_lint_passes_and_fails_on_a_lint_error(tmp_path):
    """`make lint` is ruff with the project's settings: clean here, and it does fail on a real error."""
    assert make_out("lint", "-o", ".venv/.installed-test", "-o", ".venv/.installed-base").returncode == 0
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n", encoding="utf-8")
    ruff = subprocess.run([str(VENV / "bin" / "ruff"), "check", "--config", str(ROOT / "pyproject.toml"), str(bad)],
                          capture_output=True, text=True)
    assert ruff.returncode == 1 and "F401" in ruff.stdout


def test_no_package_index_or_mirror_host_is_named():
    """The README, docs and tests name no package index, mirror or distribution host: the offline-browser test
    proves its point with a server it starts itself."""
    host = re.compile(r"(?:https?://)?[\w.-]*(?:pypi|pythonhosted|debian\.org|ubuntu\.com|npmjs|jsdelivr|unpkg)"
                      r"[\w.-]*\.\w+", re.I)
    files = ["README.md", "CONTRIBUTING.md", "Makefile", *map(str, Path(ROOT).glob("docs/*.md")),
             *map(str, Path(ROOT).glob("tests/*.py"))]
    found = {f: host.findall(Path(f if Path(f).is_absolute() else ROOT / f).read_text(encoding="utf-8"))
             for f in files}
    assert {f: h for f, h in found.items() if h and not f.endswith("test_packaging.py")} == {}


@in_project_venv
def test_the_venv_holds_compiled_bytecode():
    """make compiles the installed packages (uv --compile-bytecode): with PYTHONDONTWRITEBYTECODE set, as on this
    project's machines, nothing else ever would, and every process would compile what it imports."""
    import sphinx

    cache = Path(sphinx.__file__).parent / "__pycache__"
    assert any(cache.glob("__init__.cpython-*.pyc")), cache


def test_the_readme_is_for_users_and_the_rest_is_where_it_belongs():
    """README of at most about 150 lines with the two commands; contributor matters in CONTRIBUTING.md and docs/,
    each linked from the README; the shims keep `python -m helpers.rerun`, `.scenarios` and `.workshop` working."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    assert "make book" in readme and "make test" in readme and "make check" in readme
    for doc in ("CONTRIBUTING.md", "docs/architecture.md", "docs/testing.md", "docs/performance.md", "docs/gpu.md"):
        assert (ROOT / doc).is_file() and f"]({doc})" in readme, doc
    for shim in ("rerun", "scenarios", "workshop/__main__"):
        assert "from machinery." in (ROOT / "helpers" / f"{shim}.py").read_text(encoding="utf-8"), shim
