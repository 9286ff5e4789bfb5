"""The preflight check a participant runs a week before a workshop: ``make ready``, or without make
``python -m helpers.workshop --ready`` (any Python 3; on Windows ``py -3.12 -m helpers.workshop --ready``).

In order: the Python and the platform; the environment (``.venv/``, created and installed from the kit's lock, or from
a folder of wheels with ``--wheelhouse``, when it is missing or incomplete); the stack's imports; one chapter run.
It prints ``ready`` as its last line, or one line saying what is wrong and what to do, and exits 1.

Only the standard library is imported before the environment exists: this module runs under whatever Python the
participant has.
"""
from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

from helpers.paths import ROOT  # a leaf of the standard library only, as everything here before the install

PYTHONS = ((3, 11), (3, 13))             # the oldest and the newest CPython the locks resolve for
PLATFORMS = {"linux": "Linux", "darwin": "macOS", "win32": "Windows"}
MACHINES = {"x86_64", "amd64", "arm64", "aarch64"}
STACK = ("pandas", "altair", "papermill", "nbformat", "ipykernel", "jupyterlab", "myst_nb", "vl_convert")
CHAPTER = "05_talent"                    # the quickest chapter to run
SIMULATE = "WORKSHOP_READY_PRETEND"      # e.g. "3.10.12" or "cpython 3.10.12 linux x86_64": a test pretends


class NotReady(Exception):
    """One line: what is wrong and what to do."""


def _pretend() -> tuple[str, tuple[int, ...], str, str] | None:
    """The (implementation, version, platform, machine) a test pretends to have (``WORKSHOP_READY_PRETEND``)."""
    text = os.environ.get(SIMULATE, "").split()
    if not text:
        return None
    if len(text) == 1:
        text = [sys.implementation.name, text[0], sys.platform, platform.machine()]
    impl, version, plat, machine = text
    return impl, tuple(int(x) for x in version.split(".")), plat, machine


def python_problem(impl: str, version: tuple[int, ...], plat: str, machine: str) -> str | None:
    """The one line saying why this Python or platform cannot run the kit, or None."""
    low, high = PYTHONS
    found = ".".join(map(str, version))
    if impl != "cpython" or not (low <= tuple(version[:2]) <= high):
        return (f"not ready: needs CPython {low[0]}.{low[1]}–{high[0]}.{high[1]}; found {impl} {found}. Install "
                f"Python {high[0]}.{high[1] - 1} from python.org (or your package manager) and run this again with it.")
    if plat not in PLATFORMS or machine.lower() not in MACHINES:
        return (f"not ready: needs Linux, macOS or Windows on x86_64 or arm64; found {plat} on {machine}. Use a "
                "laptop of one of those kinds, or follow the book online.")
    return None


def venv_python(root: Path = ROOT) -> Path:
    """The environment's interpreter (``.venv/bin/python``; ``.venv\\Scripts\\python.exe`` on Windows)."""
    return root / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def lock_file(root: Path = ROOT) -> Path:
    """The kit's lock: every platform and Python the room may bring (``requirements/kit.txt``), else the lab group's."""
    kit = root / "requirements" / "kit.txt"
    return kit if kit.is_file() else root / "requirements" / "lab.txt"


def installer(python: Path, wheelhouse: str | None, root: Path = ROOT) -> list[str]:
    """The command that installs into ``python``'s environment: uv at the version the kit's wheel record pins
    (installed by pip first: it installs the kit's 140 packages several times faster), else pip itself."""
    import json

    source = ["--no-index", "--find-links", wheelhouse] if wheelhouse else []
    record = root / "requirements" / "kit-wheels.json"
    uv = json.loads(record.read_text(encoding="utf-8")).get("tools", {}).get("uv") if record.is_file() else None
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet", *source]
    if uv and subprocess.run([*pip, f"uv=={uv}"], capture_output=True).returncode == 0:
        return [str(python), "-m", "uv", "pip", "install", "--quiet", "--python", str(python), *source]
    return pip


def install_command(python: Path, wheelhouse: str | None, root: Path = ROOT) -> list[str]:
    """Installing the lock (its markers pick this platform's packages) and the kit itself, exactly as pinned
    (``--no-deps``), from the index or, with ``wheelhouse``, from that folder only."""
    return [*installer(python, wheelhouse, root), "--no-deps", "-r", str(lock_file(root)), "-e", str(root)]


def _run(cmd: list[str], what: str, todo: str) -> None:
    """Run ``cmd``; NotReady with its last error line when it fails."""
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        last = next((line for line in reversed((done.stderr or done.stdout).splitlines()) if line.strip()), "no output")
        raise NotReady(f"not ready: {what} failed ({last.strip()[:200]}). {todo}")


def ensure_environment(wheelhouse: str | None, root: Path = ROOT) -> Path:
    """``.venv/`` with the kit's packages: created and installed when missing or when a package fails to import."""
    python = venv_python(root)
    if not python.exists():
        _run([sys.executable, "-m", "venv", str(root / ".venv")], "creating .venv",
             "Check that this Python has its venv module (on Debian/Ubuntu: apt install python3-venv).")
    if _missing_imports(python):
        todo = ("Check the wheelhouse folder is the one for this platform and Python." if wheelhouse else
                "Check the internet connection, or ask the facilitator for the wheelhouse folder and run "
                "make ready WHEELHOUSE=path/to/wheelhouse.")
        _run(install_command(python, wheelhouse, root), "installing the kit's packages", todo)
        for step, what in ((["-m", "ipykernel", "install", "--sys-prefix", "--name", "python3", "--display-name",
                             "Python 3 (book)"], "registering the kernel"),
                           (["-m", "helpers.vega_bundle"], "writing the offline chart script")):
            _run([str(python), *step], what, "Run make ready again; if it fails twice, show this line to the facilitator.")
    return python


def _missing_imports(python: Path) -> list[str]:
    """The stack's modules that ``python`` cannot import."""
    code = ("import importlib.util, sys; print(' '.join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))")
    done = subprocess.run([str(python), "-c", code, *STACK], capture_output=True, text=True)
    return done.stdout.split() if done.returncode == 0 else list(STACK)


def check_inside(root: Path = ROOT) -> None:
    """In the environment: the stack imports and one chapter runs (NotReady naming what failed)."""
    import importlib

    for module in STACK:
        try:
            importlib.import_module(module)
        except Exception as exc:      # noqa: BLE001 (any import error is the participant's one line)
            raise NotReady(f"not ready: {module} does not import ({type(exc).__name__}: {exc}). Run make ready again "
                           "(or python -m helpers.workshop --ready), which reinstalls it.") from None
    import tempfile

    from helpers.kernels import execute
    from helpers.nbfiles import glued_figures

    chapter = root / "notebooks" / f"{CHAPTER}.ipynb"
    if not chapter.is_file():                 # a kit of other chapters: its first
        chapter = min((root / "notebooks").glob("*.ipynb"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "ready.ipynb"
        try:
            execute(chapter, out, {})
        except Exception as exc:      # noqa: BLE001
            raise NotReady(f"not ready: the chapter {chapter.stem} did not run ({type(exc).__name__}: "
                           f"{str(exc).splitlines()[0][:160] if str(exc) else ''}). Show this line to the facilitator.") from None
        if not glued_figures(out):
            raise NotReady(f"not ready: the chapter {chapter.stem} ran but recorded no figures. Show this line to the facilitator.")


def ready(wheelhouse: str | None = None, root: Path = ROOT) -> int:
    """The whole preflight; prints ``ready`` (exit 0) or its one line (exit 1)."""
    try:
        found = _pretend() or (sys.implementation.name, tuple(sys.version_info[:3]), sys.platform, platform.machine())
        problem = python_problem(*found)
        if problem:
            raise NotReady(problem)
        python = ensure_environment(wheelhouse, root)       # created, or completed, from this Python or in it
        if Path(sys.prefix).resolve() != (root / ".venv").resolve():     # not yet in the kit's environment
            args = [str(python), "-m", "helpers.workshop", "--ready", "--inside"]
            return subprocess.run(args, cwd=root).returncode      # the rest runs inside the environment
    except NotReady as exc:
        print(exc)
        return 1
    return ready_inside(root)


def ready_inside(root: Path = ROOT) -> int:
    """The checks that need the environment, run in it (``--ready --inside``)."""
    try:
        check_inside(root)
    except NotReady as exc:
        print(exc)
        return 1
    print("ready")
    return 0
