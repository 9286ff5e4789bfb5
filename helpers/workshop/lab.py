"""JupyterLab on the whole kit, or the whole repository (``make lab`` in either, or ``python -m helpers.workshop
--lab``): the chapters,
START.md, ``data/``, ``scenarios/`` and the reruns are all in its file browser. It listens on 127.0.0.1 only, fetches
nothing, runs kernels on IPC sockets (no encryption warning; TCP on Windows, which has none), opens the browser where
there is one, and prints the address last, on a line of its own.
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from helpers.paths import ROOT
from helpers.workshop.ready import NotReady, ensure_environment, python_problem, venv_python


def free_port(preferred: int = 8888) -> int:
    """``preferred`` if nothing listens on it on 127.0.0.1, else a free port."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]


def lab_command(python: Path, root: Path, port: int, token: str) -> list[str]:
    """The JupyterLab server's command line: the kit's folder as its root, quiet, offline, local only."""
    cmd = [str(python), "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={token}", "--ServerApp.log_level=WARN",
           "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.extension_manager=readonly", "--MappingKernelManager.default_kernel_name=python3"]
    if os.name != "nt":
        cmd.append("--KernelManager.transport=ipc")
    if hasattr(os, "getuid") and os.getuid() == 0:
        cmd.append("--allow-root")
    return cmd


def lab(wheelhouse: str | None = None, open_browser: bool = True, root: Path = ROOT, preferred_port: int = 8888) -> int:
    """Install if needed, start JupyterLab, open the browser, print the address last; wait until it is stopped."""
    problem = python_problem(sys.implementation.name, tuple(sys.version_info[:3]), sys.platform,
                             __import__("platform").machine())
    if problem:
        print(problem)
        return 1
    try:
        python = venv_python(root) if venv_python(root).exists() else ensure_environment(wheelhouse, root)
    except NotReady as exc:
        print(exc)
        return 1
    port, token = free_port(preferred_port), secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}/lab?token={token}"
    server = subprocess.Popen(lab_command(python, root, port, token), cwd=root)
    try:
        deadline = time.time() + 120
        local = urllib.request.build_opener(urllib.request.ProxyHandler({}))    # 127.0.0.1 never goes through a proxy
        while time.time() < deadline and server.poll() is None:
            try:
                local.open(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        if server.poll() is not None:
            print(f"not ready: JupyterLab stopped at start (exit {server.returncode}); run make ready to see why")
            return 1
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        print("JupyterLab is running on the kit's folder; stop it with Ctrl+C. Open this address in a browser:")
        print(url, flush=True)
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)
