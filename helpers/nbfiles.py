"""What a chapter notebook declares and glues, read from its file (JSON and nbformat only; no kernel).

``text_of`` and ``markdown_texts`` (a notebook's strings and its readers' text), ``parameter_defaults`` (the ``parameters`` cell, what papermill overrides), ``check_names`` (refuse a name it does
not declare), ``glued_figures`` (every value an executed notebook glued) and ``READBACK`` (the glued names promised
to readers and analysts). Exercises, ``helpers.rerun`` and ``helpers.scenarios`` read notebooks through these.
"""
from __future__ import annotations

import ast
import difflib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from helpers.errors import ParameterError

# Glued names promised to readers and analysts (by the issues that asked for them): the read-back
# interface of `--figures`. Keep them stable; tests/test_notebooks.py checks each is glued.
READBACK: dict[str, list[str]] = {
    "02_pricing_models.ipynb": [
        "infra_gross_margin", "infra_breakeven_utilization", "train_flops", "train_gpu_years_v100",
        "train_cost_v100_usd", "train_gpu_years_a100", "train_cost_a100_usd", "infer_cost_a100_usd_per_1k",
        "infer_margin_a100", "infer_cost_h100_usd_per_1k", "infer_margin_h100", "app_daily_cost_query_tool_1m_dau",
        "app_daily_cost_research_assistant_1m_dau", "app_daily_cost_chatbot_1m_dau",
        "measured_matmul_frac_of_peak", "measured_train_mfu_largest", "measured_decode_mfu_batch1",
        "measured_decode_mfu_batch256", "measured_prefill_mfu_batch8", "quoted_figures"],
    "02b_three_years_on.ipynb": [
        "now_price_date", "now_infra_gross_margin", "now_infra_breakeven_utilization", "now_train_cost_gpt3_usd",
        "now_infer_cost_usd_per_1k", "now_app_daily_cost_query_tool_1m_dau", "now_app_daily_cost_research_assistant_1m_dau",
        "now_app_daily_cost_chatbot_1m_dau", "api_price_fall_factor_gpt35_class", "gpu_rental_fall_factor_h100"],
    "06_outlook.ipynb": ["scorecard_as_of", "predictions_total", "predictions_happened", "predictions_partly",
                         "predictions_not_yet", "predictions_wrong", "predictions_too_early",
                         "forecasts_total", "forecasts_happened", "forecasts_partly", "forecasts_not_yet",
                         "forecasts_wrong", "forecasts_too_early", "forecasts_unscorable", "predictions_not_a_forecast",
                         "forecasts_not_a_forecast", "forecast_verdicts", "ledger_scorer_agreement", "ledger_scorer_kappa"],
}


def text_of(value: object) -> str:
    """A notebook's multi-line string (a cell's ``source``, an output's data) as one string: nbformat stores it as a
    string or as a list of lines."""
    return "".join(value) if isinstance(value, list) else str(value)


def markdown_texts(nb: dict) -> list[str]:
    """A notebook's text as readers get it, in order: its Markdown cells and its Markdown outputs."""
    texts = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            texts.append(text_of(cell.get("source", "")))
        for out in cell.get("outputs", []):
            if out.get("data", {}).get("text/markdown"):
                texts.append(text_of(out["data"]["text/markdown"]))
    return texts


def parameter_defaults(notebook: str | Path) -> dict[str, Any]:
    """Names and literal values assigned in the notebook's ``parameters`` cell (what papermill overrides)."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            tree = ast.parse("".join(cell["source"]))
            return {t.id: ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
                    for t in node.targets if isinstance(t, ast.Name)}
    raise ParameterError(f"{Path(notebook).name} has no cell tagged 'parameters'")


def declared_parameters(notebook: str | Path) -> list[str]:
    """Names assigned in the notebook's ``parameters`` cell."""
    return list(parameter_defaults(notebook))


def check_names(notebook: str | Path, names: list[str]) -> None:
    """Raise ParameterError if any name is not declared by the notebook."""
    declared = declared_parameters(notebook)
    for name in names:
        if name not in declared:
            raise ParameterError(f"parameter {name!r} is not a parameter of {Path(notebook).name}{did_you_mean(name, declared)}; "
                                 f"allowed: {', '.join(declared)}")


def did_you_mean(name: str, allowed: Iterable[str]) -> str:
    """``"; did you mean 'utilization'?"`` for the closest allowed name, or ``""`` where none is close."""
    close = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


def glued_figures(notebook: str | Path) -> dict[str, Any]:
    """Every value glued (``myst_nb.glue``) in an executed notebook, parsed back from its text."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    out: dict[str, Any] = {}
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            name = o.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                data = o.get("data", {})
                text = data.get("application/papermill.record/text/plain", data.get("text/plain"))
                try:
                    out[name] = ast.literal_eval(text)
                except (ValueError, SyntaxError):
                    out[name] = text
    return out
