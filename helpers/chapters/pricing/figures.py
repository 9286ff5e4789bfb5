"""Every figure the pricing chapter's prose cites, recorded once: ``figures(p)`` returns the ``Figures`` whose
``F.say`` templates the notebook fills, with each figure glued for read-back (``helpers.rerun --figures``).

Computed figures (``glue``) follow the parameters; a source's figures (``quote``) never do. The order of the
quotes is the order of ``quoted_figures``, so the sections below run in a fixed order.
"""
from __future__ import annotations

import pandas as pd

import helpers.chapters.pricing.efficiency as efficiency
from helpers import tables
from helpers.chapters.pricing.audit import position_in_range
from helpers.chapters.pricing.beyond import sub_item_shares
from helpers.chapters.pricing.inputs import gpu_name, report_params, server_label
from helpers.chapters.pricing.layers import REPORT_UTILIZATIONS, infra_points, key_figures
from helpers.chapters.pricing.sensitivity import SECTION_FIGURE, sensitivity, top_input
from helpers.chapters.pricing.warnings import breakeven_text, input_warnings
from helpers.data import load, lookup, value
from helpers.formulas import costs
from helpers.prose import Figures
from helpers.sensitivity import STEP


def figures(p: dict[str, float]) -> Figures:
    """Every figure the chapter's prose cites, for the validated parameters ``p`` (``validate``), recorded for read-back."""
    F = Figures()
    kf = key_figures(p)
    runs = load("training_runs").set_index("model_id")
    shares = load("training_cost_shares").set_index("item_id")
    _report(F, p, kf)
    _training(F, p, kf, runs, shares)
    _measured(F, p)
    _sources(F)
    _guohai(F, shares)
    _measured_device(F, p)
    _launches(F)
    _sensitivity(F, p)
    F.close()
    return F


def _report(F: Figures, p: dict[str, float], kf: dict[str, float]) -> None:
    """The key figures, this run's parameters, the report's printed figures, the TFLOPS and prices it uses."""
    for name, x in kf.items():
        F.glue(name, x)
    for name, x in p.items():
        F.glue(f"param_{name}", x)
    for _, r in load("report_figures").iterrows():
        F.quote(f"report_{r['figure_id']}", float(r["report_value"]))
    for _, r in load("gpu_tflops").iterrows():
        F.quote(f"tflops_{r['figure_id']}", float(r["report_tflops"]))
        F.quote(f"tflops_{r['figure_id']}_like_for_like", float(r["like_for_like_tflops"]))
    for _, r in load("cloud_prices").iterrows():
        F.quote(f"price_{r['price_id']}", float(r["usd_per_hour"]))
    for name in ("api_price_2022_usd_per_1k", "api_price_2023_usd_per_1k", "infer_prompt_tokens", "infer_output_tokens"):
        F.quote(name, value(name))
    F.glue("server_label", server_label(p))
    F.glue("gpu_name", gpu_name(p))
    F.glue("infra_breakeven_text", breakeven_text(p))
    F.glue("input_warnings", input_warnings(p))      # sentences only: no figure depends on them
    points = infra_points(p).set_index("utilization")
    F.glue("infra_margin_half_exact", float(points.at[0.5, "exact"]))
    F.glue("infra_margin_20pct_exact", float(points.at[0.2, "exact"]))
    F.quote("report_infra_margin_full_text", lookup("report_figures", "infra_margin_full", "report_text"))
    F.glue("infra_margin_full_report_method",
           float(infra_points(report_params()).set_index("utilization").at[1.0, "report_method"]))


def _training(F: Figures, p: dict[str, float], kf: dict[str, float], runs: pd.DataFrame, shares: pd.DataFrame) -> None:
    """Guohai's GPT-3 run cost and where the report's figures fall in it; cost shares; revenue models; FLOPs."""
    low, high = runs.at["gpt3", "run_cost_low_usd"], runs.at["gpt3", "run_cost_high_usd"]
    F.quote("guohai_gpt3_run_cost_low_usd", float(low))
    F.quote("guohai_gpt3_run_cost_high_usd", float(high))
    for key in ("train_cost_v100_usd", "train_cost_v100_like_for_like_usd", "train_cost_a100_usd"):
        F.glue(key.replace("_usd", "") + "_vs_guohai", position_in_range(kf[key], low, high))
    F.quote("guohai_gpt3_runs_per_year_low", float(runs.at["gpt3", "runs_per_year_low"]))
    F.quote("guohai_gpt3_runs_per_year_high", float(runs.at["gpt3", "runs_per_year_high"]))
    F.quote("noncompute_share_low", 1 - float(shares.at["compute", "share_high"]))
    F.quote("noncompute_share_high", 1 - float(shares.at["compute", "share_low"]))
    F.quote("depreciation_share_of_compute",
            float(shares.at["compute_depreciation", "share_low"] / shares.at["compute", "share_low"]))
    rm = load("revenue_models").set_index("model_id")
    F.quote("training_fee_share_now", float(rm.at["training_fee", "share_now"]))
    F.quote("training_fee_share_2027_reading", float(rm.at["training_fee", "share_2027_reading"]))
    F.glue("training_fee_share_fall", float(rm.at["training_fee", "share_now"] - rm.at["training_fee", "share_2027_reading"]))
    F.glue("param_model_params_text", tables.human(p["model_params"]))
    F.glue("param_training_tokens_text", tables.human(p["training_tokens"]))
    F.glue("train_flops_text", tables.sci(kf["train_flops"]))


def _measured(F: Figures, p: dict[str, float]) -> None:
    """The GPU measurements at this run's serving batch, and the cost they give carried over to the report's model."""
    meas = efficiency.inference_cost_at_measured(p, p["serving_batch"])
    for name, x in meas.items():
        F.glue(f"measured_{name}", x)
    train_meas = efficiency.measurements("train")
    F.quote("report_training_efficiency", value("training_efficiency"))
    F.quote("report_inference_efficiency", value("inference_efficiency"))
    F.glue("measured_peak_tflops", float(train_meas["peak_tflops"].iloc[0]))
    F.glue("measured_mem_bandwidth_tb_s", float(train_meas["mem_bandwidth_tb_s"].iloc[0]))
    F.glue("measured_train_mfu_max", float(train_meas["mfu"].max()))
    F.glue("measured_train_mfu_min", float(train_meas["mfu"].min()))
    F.glue("measured_matmul_frac", float(efficiency.measurements("matmul")["mfu"].iloc[0]))
    F.glue("measured_prefill_mfu_max", float(efficiency.measurements("prefill")["mfu"].max()))
    F.glue("measured_decode_mfu_max", float(efficiency.measurements("decode")["mfu"].max()))
    for name, x in efficiency.headline_measurements().items():
        F.glue(name, x)
    best = efficiency.effective_utilization(meas["prefill_mfu"], meas["decode_mfu_at_roofline"],
                                            value("infer_prompt_tokens"), value("infer_output_tokens"))
    F.glue("measured_cost_at_roofline_usd_per_1k", float(costs.inference_cost_usd_per_1k(
        p["model_params"], lookup("cloud_prices", "lambda_h100_pcie", "usd_per_hour"),
        lookup("gpu_tflops", "h100_pcie_inference", "like_for_like_tflops"), best)))
    F.glue("measured_effective_mfu_at_roofline", float(best))
    F.glue("serving_batch_text", f"{p['serving_batch']:.0f}")


def _sources(F: Figures) -> None:
    """The report's value of every parameter (``source_*``), and an aside where this run's value differs."""
    F.quote("fx_rate_date", str(lookup("fx_rates", "USD", "rate_date")))
    source = report_params()
    F.sources(source)
    F.quote("source_model_params_text", tables.human(source["model_params"]))
    F.aside("yours_server", "server_price_usd", " (this run: USD {param_server_price_usd:,.0f})")
    F.aside("yours_depreciation", "depreciation_years", " (this run: {param_depreciation_years:g})")
    F.aside("yours_rental", "rental_usd_per_hour", " (this run: USD {param_rental_usd_per_hour:.2f})")
    F.aside("yours_training_efficiency", "training_efficiency", " (this run: {param_training_efficiency:.0%})")
    F.aside("yours_inference_efficiency", "inference_efficiency", " (this run: {param_inference_efficiency:.0%})")
    F.aside("yours_model_params", "model_params", " (this run: {param_model_params_text})")
    F.aside("yours_app_prices", "app_input_usd_per_1k", "; this run prices input at USD {param_app_input_usd_per_1k:.4f}")
    F.aside("yours_app_output", "app_output_usd_per_1k", "; this run prices output at USD {param_app_output_usd_per_1k:.4f}")


def _guohai(F: Figures, shares: pd.DataFrame) -> None:
    """The report's efficiency floor and FLOP constants; Guohai's data and labour shares; the report's utilizations."""
    F.quote("report_training_efficiency_low", value("training_efficiency_low"))
    for name in ("flop_price_fall_low", "flop_price_fall_high", "flop_price_fall_period_years",
                 "train_flops_per_param_token", "infer_flops_per_param_token"):
        F.quote(name, value(name))
    for key in ("data", "labour"):
        F.quote(f"guohai_{key}_share_low", float(shares.at[key, "share_low"]))
        F.quote(f"guohai_{key}_share_high", float(shares.at[key, "share_high"]))
    subs = sub_item_shares().set_index("item_id")
    F.glue("labelling_of_data_low", float(subs.at["data_labelling", "of_category_low"]))
    F.glue("labelling_of_data_high", float(subs.at["data_labelling", "of_category_high"]))
    for key, x in zip(("full", "half", "20pct"), REPORT_UTILIZATIONS):
        F.quote(f"report_utilization_{key}", x)


def _measured_device(F: Figures, p: dict[str, float]) -> None:
    """Where and how the GPU measurements were made, and what bounds their decode."""
    where = efficiency.provenance()
    F.quote("measured_device", where["device"])
    F.quote("measured_run_date", where["run_date"])
    F.quote("measured_paths", where["paths"])
    F.quote("measured_infer_model_label", str(efficiency.measurements("prefill")["model"].iloc[0]))
    bound = efficiency.decode_bound()
    for name, x in bound.items():
        F.glue(f"measured_{name}", x)
    F.glue("measured_infer_model", f"{bound['decode_model_params_billion']:.2f}B")
    F.glue("measured_model_size_ratio", p["model_params"] / (bound["decode_model_params_billion"] * 1e9))


def _launches(F: Figures) -> None:
    """The launch dates of the two AWS instances the training comparison prices, and Altman's own words."""
    launches = load("cloud_prices").set_index("price_id")["price_date"]
    F.quote("launch_p3dn", f"{launches['aws_p3dn_launch']:%B %Y}")
    F.quote("launch_p4d", f"{launches['aws_p4d_launch']:%B %Y}")
    F.quote("price_aws_p4d_launch_per_gpu", float(lookup("cloud_prices", "aws_p4d_launch", "usd_per_hour")
                                                  / lookup("cloud_prices", "aws_p4d_launch", "gpus_per_instance")))
    F.quote("launch_gap_years", (launches["aws_p4d_launch"] - launches["aws_p3dn_launch"]).days / 365.25)
    F.quote("altman_quote_original", lookup("pricing_quotes", "altman_end_of_giant_models", "original_text"))


def _sensitivity(F: Figures, p: dict[str, float]) -> None:
    """The input that moves each layer's tornado figure most, and by how much (``sensitivity``)."""
    table = sensitivity(p)
    F.glue("sensitivity_step", STEP)
    for section, figure in SECTION_FIGURE.items():
        name, swing = top_input(table, figure)
        F.glue(f"sens_{section}_top_input", name)
        F.glue(f"sens_{section}_top_swing", swing)
