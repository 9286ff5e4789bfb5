"""The tests' forked kernels (tests/kernel_forks.py) start as a fresh kernel does: same working directory,
``sys.path``, arguments, environment, process group and parent handle, and nothing of the book imported; and
they are gone when their run ends."""
from __future__ import annotations

import json
import os
import time

import conftest
import kernel_forks
import nbformat
import pytest
from conftest import process_state
from nbclient import NotebookClient

# What a kernel reports about how it was started (the connection file's name aside).
REPORT = """\
import json, os, signal, sys
from ipykernel.kernelapp import IPKernelApp
app = IPKernelApp.instance()
print(json.dumps({
    "cwd": os.getcwd(), "path": sys.path, "argv": [a for a in sys.argv[1:] if not a.endswith(".json")],
    "env": {k: v for k, v in os.environ.items() if k in ("BOOK_FORK_PROBE", "JPY_PARENT_PID", "PYTHONPATH")},
    "own_group": os.getpgid(0) == os.getpid(), "parent_handle": app.parent_handle,
    "sigterm_default": signal.getsignal(signal.SIGTERM) == signal.SIG_DFL,
    "book_imported": sorted(n for n in sys.modules if n.split(".")[0] in ("helpers", "conftest")),
    "main": sys.argv[0], "pid": os.getpid(),
}))
"""


def report(folder) -> dict:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(REPORT)])
    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(folder)}},
                   shutdown_kernel="immediate").execute()
    return json.loads(nb.cells[0].outputs[0]["text"])


def gone(pid: int, wait_s: float = 5.0) -> bool:
    """Whether process ``pid`` has exited (a zombie awaiting its parent counts), waiting up to ``wait_s``."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        state = process_state(pid)
        if state is None or state[0] == "Z":
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
@pytest.mark.skipif(conftest.LAUNCHER is None, reason="BOOK_TEST_REAL_KERNELS is set: no kernel is forked")
def test_a_forked_kernel_starts_as_a_fresh_one(tmp_path, monkeypatch):
    monkeypatch.setenv("BOOK_FORK_PROBE", "set after the fork server started")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "lib"))            # as the workshop kit's tests set it
    with kernel_forks.real_launches(conftest.LAUNCHER):
        fresh = report(tmp_path)
    before = conftest.LAUNCHER.forked
    forked = report(tmp_path)
    assert conftest.LAUNCHER.forked == before + 1           # this run was forked
    assert gone(forked.pop("pid")) and gone(fresh.pop("pid"))   # stopped when the run ended
    assert forked == fresh
    assert fresh["cwd"] == str(tmp_path) and "" in fresh["path"]          # IPython puts the folder back as ""
    assert fresh["env"]["BOOK_FORK_PROBE"] and fresh["parent_handle"] == os.getpid()
    assert fresh["own_group"] and fresh["book_imported"] == [] and fresh["main"].endswith("ipykernel_launcher.py")
    assert fresh["path"][0] == str(tmp_path / "lib") and fresh["env"]["PYTHONPATH"] == str(tmp_path / "lib")
