"""Kernels for the tests' own notebook runs (papermill, nbclient, nbval in the pytest process), forked from a
server that has already imported ipykernel, pandas, altair and numpy (Python's ``multiprocessing`` fork server).

A fresh kernel spends about 1 s of CPU starting Python, importing ipykernel and then, in the notebook's first
cell, pandas and altair; a forked one skips that (talent chapter by papermill: 1.5-1.7 CPU-s forked, 2.5
fresh). A forked kernel starts with those modules loaded and nothing else: no notebook or book code has run in
the server, the ``helpers`` package is not preloaded (each kernel imports the checkout its ``PYTHONPATH`` and
the editable install name), and the child takes the launch's working directory, environment, ``sys.path``
(that of a fresh ``python -m ipykernel_launcher`` under the launch's ``PYTHONPATH``), output files and a
session of its own, as ``jupyter_client`` gives a kernel it starts. It then runs ipykernel as
``ipykernel_launcher`` does. tests/test_kernel_forks.py compares what a forked and a fresh kernel report.

Only a launch of this interpreter's own ipykernel is forked, and only with the worker's other ``PYTHON*``
variables; any other goes to ``jupyter_client``'s ``launch_kernel`` unchanged. Kernels started by other
processes (``make book``, ``python -m helpers.rerun``, JupyterLab) are never forked: they start as on a
reader's machine. So do the kernels of a test that asks for the ``real_kernels`` fixture.
"""
from __future__ import annotations

import functools
import importlib
import importlib.util
import json
import multiprocessing
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

PRELOAD = ["kernel_forks", "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "psutil", "sqlite3", "pdb",
           "pandas", "altair", "numpy"]
_CONTEXT = multiprocessing.get_context("forkserver")
# The server runs as ipykernel's kernel spec starts a kernel (``-Xfrozen_modules=off``, for its debugger);
# nbval's kernels, started without it, are forked from the same server: the flag decides only whether the
# standard library's modules load frozen, and the server has loaded them already.
SERVER_X_OPTIONS = {"-Xfrozen_modules=off"}
_CONTEXT.set_forkserver_preload(PRELOAD)


def _python_vars(env: dict) -> dict:
    """The variables that shape how Python starts, less ``PYTHONPATH`` (a forked kernel's path is set apart)."""
    return {k: v for k, v in env.items() if k.startswith("PYTHON") and k != "PYTHONPATH"}


@functools.cache
def _fresh_path(pythonpath: str | None) -> list[str]:
    """``sys.path`` of a fresh interpreter under ``PYTHONPATH=pythonpath`` (absolute entries only), less its first
    entry (the working directory of ``-m``, which ipykernel_launcher removes)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    out = subprocess.run([sys.executable, "-c", "import sys, json; print(json.dumps(sys.path[1:]))"],
                         capture_output=True, text=True, check=True, env=env, cwd="/").stdout
    return json.loads(out)


def _kernel_args(cmd: list[str]) -> tuple[list[str], list[str]] | None:
    """``(-X options, arguments after -m ipykernel_launcher)`` when ``cmd`` starts this interpreter's ipykernel."""
    if not cmd or os.path.realpath(cmd[0]) != os.path.realpath(sys.executable):
        return None
    i = 1
    while i < len(cmd) and cmd[i].startswith("-X") and len(cmd[i]) > 2:
        i += 1
    if cmd[i:i + 2] != ["-m", "ipykernel_launcher"]:
        return None
    return cmd[1:i], cmd[i + 2:]


def _start_server(x_options: list[str]) -> None:
    """Start the fork server under the kernel command's ``-X`` options (multiprocessing starts it with this
    interpreter's, which it reads from ``sys._xoptions``)."""
    from multiprocessing import forkserver

    saved = dict(sys._xoptions)
    for option in x_options:
        name, _, value = option[2:].partition("=")
        sys._xoptions[name] = value or True
    try:
        forkserver.ensure_running()
    finally:
        sys._xoptions.clear()
        sys._xoptions.update(saved)


class _Stream:
    """A file descriptor the kernel writes its fd 1 or 2 to, handed to the forked child (``subprocess``'s
    ``stdout``/``stderr``: a file, a descriptor or ``DEVNULL``)."""

    def __init__(self, target) -> None:
        self.target = target

    def __reduce__(self):
        from multiprocessing import reduction

        if self.target == subprocess.DEVNULL:
            return (_devnull, ())
        fd = self.target if isinstance(self.target, int) else self.target.fileno()
        return (_received, (reduction.DupFd(fd),))


def _devnull() -> int:
    return os.open(os.devnull, os.O_WRONLY)


def _received(dup) -> int:
    return dup.detach()


def _run_kernel(args: list[str], cwd: str, env: dict, path: list[str], streams: dict, ready) -> None:
    """In the forked child: become the process a fresh ``python -m ipykernel_launcher`` would be, then run it."""
    for target, fd in streams.items():
        os.dup2(fd, target)
        os.close(fd)
    os.setsid()                      # its own session and process group, as jupyter_client starts kernels
    signal.signal(signal.SIGINT, signal.default_int_handler)     # a fresh interpreter's handlers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    sys.path[:] = path               # ipykernel_launcher drops the working directory from the path
    sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin, *args]    # as ``-m`` sets it
    importlib.invalidate_caches()
    ready.send(True)
    ready.close()
    from ipykernel import kernelapp

    # traits whose defaults ipykernel read from the environment when it was imported (in the server)
    kernelapp.IPKernelApp.launch_instance(parent_handle=int(env.get("JPY_PARENT_PID") or 0),
                                          interrupt=int(env.get("JPY_INTERRUPT_EVENT") or 0))


class ForkedKernel:
    """The ``subprocess.Popen`` surface ``jupyter_client``'s local provisioner uses, over a forked kernel."""

    stdin = stdout = stderr = None

    def __init__(self, process) -> None:
        self._process = process
        self.pid = process.pid

    @property
    def returncode(self) -> int | None:
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired("forked kernel", timeout)
        return self._process.exitcode

    def send_signal(self, sig: int) -> None:
        if self._process.exitcode is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class Launcher:
    """A ``launch_kernel`` that forks this interpreter's ipykernel launches and passes the others on."""

    def __init__(self, real) -> None:
        self.real = real
        self.python_vars = _python_vars(os.environ)
        self.started = False
        self.forked = 0
        self.enabled = True

    def forkable(self, kernel, env: dict, stdout, stderr) -> bool:
        """Whether a launch can be forked: this interpreter's ipykernel with no ``-X`` option but the server's,
        output to a file or nowhere, and the worker's ``PYTHON*`` variables (``PYTHONPATH`` aside: absolute
        entries only)."""
        return (self.enabled and kernel is not None and set(kernel[0]) <= SERVER_X_OPTIONS
                and subprocess.PIPE not in (stdout, stderr) and _python_vars(env) == self.python_vars
                and all(os.path.isabs(p) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p))

    def __call__(self, cmd: list[str], stdin=None, stdout=None, stderr=None, env=None, independent=False,
                 cwd=None, **kw):
        kernel = _kernel_args(cmd)
        env = dict(os.environ if env is None else env)
        if not self.forkable(kernel, env, stdout, stderr):
            return self.real(cmd, stdin=stdin, stdout=stdout, stderr=stderr, env=env, independent=independent,
                             cwd=cwd, **kw)
        if not self.started:
            _start_server(sorted(SERVER_X_OPTIONS))
            self.started = True
        if not independent:
            env["JPY_PARENT_PID"] = str(os.getpid())   # as launch_kernel sets it
        cwd = os.path.abspath(cwd or os.getcwd())
        streams = {n: _Stream(t) for n, t in ((1, stdout), (2, stderr)) if t is not None}
        receive, ready = _CONTEXT.Pipe(duplex=False)
        process = _CONTEXT.Process(target=_run_kernel, daemon=True, args=(
            kernel[1], cwd, env, _fresh_path(env.get("PYTHONPATH")), streams, ready))
        process.start()
        ready.close()
        try:
            receive.recv()           # the child has its own session: the provisioner reads its group next
        except EOFError:
            pass                     # it died first; poll() reports it
        receive.close()
        self.forked += 1
        return ForkedKernel(process)


def install() -> Launcher:
    """Fork the kernels ``jupyter_client`` launches in this process from now on (see the module)."""
    from jupyter_client.provisioning import local_provisioner

    launcher = Launcher(local_provisioner.launch_kernel)
    local_provisioner.launch_kernel = launcher
    return launcher


@contextmanager
def real_launches(launcher: Launcher | None) -> Iterator[None]:
    """Within: kernels start as fresh processes, as the build and JupyterLab start them."""
    if launcher is None:
        yield
        return
    launcher.enabled = False
    try:
        yield
    finally:
        launcher.enabled = True
