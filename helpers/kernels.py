"""Kernels for the book's own runs (builds, reruns, sweeps): local IPC sockets, not TCP ports; ``execute`` runs one
chapter with papermill."""
from __future__ import annotations

from pathlib import Path
from typing import Any


def ipc_kernel_manager() -> type:
    """A kernel manager whose kernels talk over local IPC sockets (in Jupyter's runtime folder) instead of TCP ports:
    nothing listens on the network, and the kernel does not print its warning that TCP runs without encryption.
    On Windows, which has no such sockets, the plain manager (TCP on 127.0.0.1)."""
    import os
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.paths import jupyter_runtime_dir

    if os.name == "nt":
        return AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            # the sockets are files named IP-N: in the runtime folder, never in the chapter's folder (the cwd)
            runtime = Path(jupyter_runtime_dir())
            runtime.mkdir(parents=True, exist_ok=True)
            super().__init__(**{"transport": "ipc", "ip": str(runtime / f"kernel-{uuid.uuid4().hex[:12]}-ipc"), **kwargs})

    return IPCKernelManager


def execute(notebook: str | Path, output: str | Path, parameters: dict[str, Any]) -> None:
    """Run ``notebook`` with papermill into ``output``, in the notebook's folder, with ``parameters`` as given
    (unchecked: the chapter's own validation cell stops a bad value; PapermillExecutionError when a cell fails).

    The kernel is killed once the last cell ran (it holds nothing to save; a graceful shutdown waits 0.5 s more),
    and the output is written once, at the end or at the failing cell: papermill's default rewrites the whole
    notebook, charts and all, at every cell's start and end (160 writes, most of a pricing rerun's time)."""
    import papermill

    papermill.execute_notebook(str(notebook), str(output), parameters=parameters, cwd=str(Path(notebook).parent),
                               progress_bar=False, shutdown_kernel="immediate", request_save_on_cell_execute=False,
                               kernel_manager_class=ipc_kernel_manager())
    lang = parameters.get("lang", "en")
    if lang != "en":            # its sentences and charts are in lang already; its Markdown cells follow
        import json

        from helpers import i18n

        nb = json.loads(Path(output).read_text(encoding="utf-8"))
        i18n.translate_cells(nb, lang)
        Path(output).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
