"""Shared fixtures: repository paths and one papermill run of each chapter at its defaults."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
PRICING = NOTEBOOKS / "02_pricing_models.ipynb"
HTML = ROOT / "_build" / "html"


def run_notebook(path: Path, out: Path, **parameters):
    """Execute ``path`` with papermill into ``out``; return the output path."""
    import papermill

    papermill.execute_notebook(str(path), str(out), parameters=parameters, cwd=str(path.parent),
                               progress_bar=False, log_output=False)
    return out


@pytest.fixture(scope="session")
def pricing_default_run(tmp_path_factory) -> Path:
    """The pricing chapter executed by papermill with no parameter changed."""
    return run_notebook(PRICING, tmp_path_factory.mktemp("pm") / "pricing_default.ipynb")
