"""The pricing-models chapter's computations: data tables + cost formulas → result tables.

``report_params()`` gives the report's own inputs (read from ``data/``); every other function
takes a validated parameter dict (``validate``), so a papermill rerun changes
every result. ``errata()`` always uses the report's inputs: it audits the report itself.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import params
from helpers.data import load, lookup, value
from helpers.formulas import costs

# The chapter's papermill parameters: allowed range and meaning (validated by `validate`).
RULES: dict[str, params.Rule] = {
    "utilization": params.Rule("share of the year the 8×A100 instance is rented", **params.FRACTION),
    "server_price_usd": params.Rule("purchase price of one DGX A100 server, USD"),
    "depreciation_years": params.Rule("straight-line depreciation period, years", high=50),
    "rental_usd_per_hour": params.Rule("p4d.24xlarge rental price, USD per hour"),
    "model_params": params.Rule("model parameters (e.g. 175e9)", low=1.0, low_open=False),
    "training_tokens": params.Rule("training tokens (e.g. 300e9)", low=1.0, low_open=False),
    "training_efficiency": params.Rule("share of peak FLOPs achieved in training", **params.FRACTION),
    "inference_efficiency": params.Rule("share of peak FLOPs achieved in inference", **params.FRACTION),
    "app_input_usd_per_1k": params.Rule("API price of input tokens, USD per 1K tokens"),
    "app_output_usd_per_1k": params.Rule("API price of output tokens, USD per 1K tokens"),
    "cny_per_usd": params.Rule("exchange rate, Chinese yuan per US dollar"),
    "cny_per_gbp": params.Rule("exchange rate, Chinese yuan per pound sterling"),
    "serving_batch": params.Rule("sequences decoded together; a batch size the GPU measurements cover", low=1, high=4096,
                                 low_open=False, integer=True),
}


REPORT_UTILIZATIONS = (1.0, 0.5, 0.2)
BILLING_LABELS = {"one_off": "one-off pack", "month": "monthly plan", "year": "yearly plan", "free": "free"}
SCENARIO_DAU = (1_000_000, 10_000_000)


def report_params() -> dict[str, float]:
    """The chapter's parameters at the report's values, read from ``data/``."""
    return {
        "utilization": 1.0,
        "server_price_usd": value("dgx_a100_price_usd"),
        "depreciation_years": value("depreciation_years"),
        "rental_usd_per_hour": lookup("cloud_prices", "aws_p4d_ohio", "usd_per_hour"),
        "model_params": value("gpt3_params"),
        "training_tokens": value("gpt3_training_tokens"),
        "training_efficiency": value("training_efficiency"),
        "inference_efficiency": value("inference_efficiency"),
        "app_input_usd_per_1k": value("app_input_usd_per_1k"),
        "app_output_usd_per_1k": value("app_output_usd_per_1k"),
        "cny_per_usd": lookup("fx_rates", "USD", "cny_per_unit"),
        "cny_per_gbp": lookup("fx_rates", "GBP", "cny_per_unit"),
        "serving_batch": value("serving_batch"),
    }


def validate(values) -> dict[str, float]:
    """Validate the chapter's parameters: ranges, then a serving batch the measurements cover."""
    from helpers.chapters.pricing import efficiency

    p = params.validate(values, RULES)
    params.check_choice("serving_batch", p["serving_batch"], efficiency.measured_batches())
    return p


def _tflops(figure_id: str, like_for_like: bool = False) -> float:
    return lookup("gpu_tflops", figure_id, "like_for_like_tflops" if like_for_like else "report_tflops")


def _instance(price_id: str) -> tuple[float, float]:
    return lookup("cloud_prices", price_id, "usd_per_hour"), lookup("cloud_prices", price_id, "gpus_per_instance")


# --- infrastructure ------------------------------------------------------------------------------
def infra_curve(p: dict[str, float], step: float = 0.01) -> pd.DataFrame:
    """Gross margin vs utilization from ``step`` to 1, exact and by the report's rounding method."""
    u = np.round(np.arange(step, 1.0 + step / 2, step), 6)
    args = (p["server_price_usd"], p["depreciation_years"], p["rental_usd_per_hour"])
    return pd.DataFrame({
        "utilization": u,
        "gross_margin": costs.infra_gross_margin(u, *args),
        "annual_revenue_usd": costs.annual_rental_revenue_usd(p["rental_usd_per_hour"], u),
    })


def infra_points(p: dict[str, float]) -> pd.DataFrame:
    """The report's three utilizations (and the chosen one): report's printed margin, its method, exact."""
    printed = {1.0: "infra_margin_full", 0.5: "infra_margin_half", 0.2: "infra_margin_20pct"}
    u = sorted(set(REPORT_UTILIZATIONS) | {p["utilization"]}, reverse=True)
    args = (p["server_price_usd"], p["depreciation_years"], p["rental_usd_per_hour"])
    return pd.DataFrame({
        "utilization": u,
        "annual_revenue_usd": [costs.annual_rental_revenue_usd(p["rental_usd_per_hour"], x) for x in u],
        "annual_cost_usd": costs.annual_depreciation_usd(p["server_price_usd"], p["depreciation_years"]),
        "report_printed": [lookup("report_figures", printed[x], "report_value") if x in printed else np.nan for x in u],
        "report_method": [costs.infra_gross_margin_report_method(x, *args) for x in u],
        "exact": [costs.infra_gross_margin(x, *args) for x in u],
    })


# --- model layer ---------------------------------------------------------------------------------
def _training_row(p: dict[str, float], label: str, short: str, figure_id: str, price_id: str, like: bool) -> dict:
    flops = costs.training_flops(p["model_params"], p["training_tokens"], value("train_flops_per_param_token"))
    tflops = _tflops(figure_id, like)
    usd_per_hour, gpus = _instance(price_id)
    years = costs.gpu_years(flops, tflops)
    return {"case": label.format(tflops=tflops), "label": short.format(tflops=tflops), "peak_tflops": tflops, "instance_usd_per_hour": usd_per_hour,
            "gpu_years_at_peak": years,
            "cost_usd": costs.training_cost_usd(years, usd_per_hour, gpus, p["training_efficiency"])}


def training_table(p: dict[str, float]) -> pd.DataFrame:
    """GPT-3-class training on V100 (2020) and A100 (2023): the report's TFLOPS, then like for like."""
    return pd.DataFrame([
        _training_row(p, "V100, p3dn.24xlarge (2020): report's {tflops:g} TFLOPS", "V100 2020, {tflops:g} TFLOPS (report)",
                      "v100_training", "aws_p3dn_launch", False),
        _training_row(p, "V100, p3dn.24xlarge (2020): like for like, {tflops:g} TFLOPS", "V100 2020, {tflops:g} TFLOPS (like for like)",
                      "v100_training", "aws_p3dn_launch", True),
        _training_row(p, "A100, p4d.24xlarge (2023): {tflops:g} TFLOPS, as the report", "A100 2023, {tflops:g} TFLOPS (report)",
                      "a100_training", "aws_p4d_launch", False),
    ])


def _inference_cost(p: dict[str, float], figure_id: str, price_id: str, like: bool) -> float:
    usd_per_hour, gpus = _instance(price_id)
    return costs.inference_cost_usd_per_1k(p["model_params"], usd_per_hour / gpus, _tflops(figure_id, like),
                                           p["inference_efficiency"], value("infer_flops_per_param_token"))


def inference_table(p: dict[str, float]) -> pd.DataFrame:
    """Cost per 1K tokens and margin on A100 and H100, at the report's prices and like for like."""
    price_2022 = value("api_price_2022_usd_per_1k")
    price_2023 = value("api_price_2023_usd_per_1k")
    t_a100, t_h100, t_h100_dense = (_tflops("a100_inference"), _tflops("h100_pcie_inference"),
                                    _tflops("h100_pcie_inference", True))
    rows = [
        (f"A100 (p4d.24xlarge), {t_a100:,g} TFLOPS dense, sold at ${price_2022:g}/1K (the report)",
         f"A100 at ${price_2022:g} (report)", "a100_inference", "aws_p4d_launch", False, price_2022),
        (f"A100 (p4d.24xlarge), {t_a100:,g} TFLOPS dense, sold at ${price_2023:g}/1K (gpt-3.5-turbo's real launch price)",
         f"A100 at ${price_2023:g} (real price)", "a100_inference", "aws_p4d_launch", False, price_2023),
        (f"H100 PCIe (Lambda), {t_h100:,g} TFLOPS sparse, sold at ${price_2023:g}/1K (the report)",
         f"H100 sparse at ${price_2023:g} (report)", "h100_pcie_inference", "lambda_h100_pcie", False, price_2023),
        (f"H100 PCIe (Lambda), {t_h100_dense:,g} TFLOPS dense, sold at ${price_2023:g}/1K (like for like)",
         f"H100 dense at ${price_2023:g} (like for like)", "h100_pcie_inference", "lambda_h100_pcie", True, price_2023),
    ]
    out = []
    for label, short, fig, price_id, like, price in rows:
        cost = _inference_cost(p, fig, price_id, like)
        out.append({"case": label, "label": short, "peak_tflops": _tflops(fig, like), "cost_usd_per_1k": cost,
                    "price_usd_per_1k": price, "gross_margin": costs.margin_at_price(cost, price)})
    return pd.DataFrame(out)


# --- application layer ---------------------------------------------------------------------------
def app_costs(p: dict[str, float], dau: np.ndarray | tuple = SCENARIO_DAU) -> pd.DataFrame:
    """Daily API cost of each scenario at each DAU (long table)."""
    sc = load("app_scenarios")
    frames = []
    for _, s in sc.iterrows():
        d = np.asarray(dau, dtype=float)
        frames.append(pd.DataFrame({
            "scenario_id": s["scenario_id"], "name_en": s["name_en"],
            "scenario": f"{s['name_en']} {s['name_zh']}", "dau": d,
            "daily_cost_usd": costs.app_daily_cost_usd(d, s["calls_per_user_per_day"], s["input_tokens_per_call"],
                                                       s["output_tokens_per_call"], p["app_input_usd_per_1k"],
                                                       p["app_output_usd_per_1k"])}))
    return pd.concat(frames, ignore_index=True)


# --- headline figures (glued) ----------------------------------------------------------------------
def key_figures(p: dict[str, float]) -> dict[str, float]:
    """Every figure the chapter glues, as plain floats (USD, fractions, FLOPs, years)."""
    infra_args = (p["server_price_usd"], p["depreciation_years"], p["rental_usd_per_hour"])
    train = training_table(p)
    infer = inference_table(p)
    apps = app_costs(p, (1_000_000,)).set_index("scenario_id")["daily_cost_usd"]
    f = {
        "infra_gross_margin": costs.infra_gross_margin(p["utilization"], *infra_args),
        "infra_gross_margin_report_method": costs.infra_gross_margin_report_method(p["utilization"], *infra_args),
        "infra_breakeven_utilization": costs.breakeven_utilization(*infra_args),
        "infra_annual_cost_usd": costs.annual_depreciation_usd(p["server_price_usd"], p["depreciation_years"]),
        "infra_annual_revenue_usd": costs.annual_rental_revenue_usd(p["rental_usd_per_hour"], p["utilization"]),
        "train_flops": costs.training_flops(p["model_params"], p["training_tokens"], value("train_flops_per_param_token")),
        "train_gpu_years_v100": train.at[0, "gpu_years_at_peak"],
        "train_cost_v100_usd": train.at[0, "cost_usd"],
        "train_gpu_years_v100_like_for_like": train.at[1, "gpu_years_at_peak"],
        "train_cost_v100_like_for_like_usd": train.at[1, "cost_usd"],
        "train_gpu_years_a100": train.at[2, "gpu_years_at_peak"],
        "train_cost_a100_usd": train.at[2, "cost_usd"],
        "infer_cost_a100_usd_per_1k": infer.at[0, "cost_usd_per_1k"],
        "infer_margin_a100": infer.at[0, "gross_margin"],
        "infer_margin_a100_at_2023_price": infer.at[1, "gross_margin"],
        "infer_cost_h100_usd_per_1k": infer.at[2, "cost_usd_per_1k"],
        "infer_margin_h100": infer.at[2, "gross_margin"],
        "infer_cost_h100_like_for_like_usd_per_1k": infer.at[3, "cost_usd_per_1k"],
        "infer_margin_h100_like_for_like": infer.at[3, "gross_margin"],
    }
    f["train_cost_drop_report"] = f["train_cost_v100_usd"] / f["train_cost_a100_usd"]
    f["train_cost_drop_like_for_like"] = f["train_cost_v100_like_for_like_usd"] / f["train_cost_a100_usd"]
    f["h100_vs_a100_peak_report"] = _tflops("h100_pcie_inference") / _tflops("a100_inference")
    f["h100_vs_a100_peak_like_for_like"] = _tflops("h100_pcie_inference", True) / _tflops("a100_inference", True)
    for sid, cost in apps.items():
        f[f"app_daily_cost_{sid}_1m_dau"] = cost
    return {k: float(v) for k, v in f.items()}


# --- beyond the report ---------------------------------------------------------------------------
def product_unit_prices(cny_per_usd: float, cny_per_gbp: float) -> pd.DataFrame:
    """Priced plans with a stated quantity of images or words, in USD per image / per 1K words."""
    cny_per = {"CNY": 1.0, "USD": cny_per_usd, "GBP": cny_per_gbp}
    df = load("product_prices")
    df = df[df["price"].notna() & df["quantity"].notna() & df["unit"].isin(["image", "word"])].copy()
    df["price_usd"] = df["price"] * df["currency"].map(cny_per) / cny_per_usd
    per = np.where(df["unit"] == "word", 1000.0, 1.0)
    df["units_per_price_unit"] = per
    df["usd_per_unit"] = df["price_usd"] / df["quantity"] * per
    df["price_unit"] = np.where(df["unit"] == "word", "USD per 1K words", "USD per image")
    df["billing_label"] = df["billing"].map(BILLING_LABELS)
    return df.reset_index(drop=True)


def unpriced_plans() -> pd.DataFrame:
    """Plans the survey lists without a comparable per-unit price (free, unlimited, per item or credit)."""
    df = load("product_prices")
    keep = df["price"].isna() | df["quantity"].isna() | ~df["unit"].isin(["image", "word"])
    return df[keep].reset_index(drop=True)


def revenue_mix() -> pd.DataFrame:
    """Revenue-model shares in 2023 and 2027, with the status of each 2027 figure."""
    rm = load("revenue_models")
    rows = []
    for _, r in rm.iterrows():
        has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in str(r["name_zh"]))
        name = f"{r['name_en']} {r['name_zh']}" if has_cjk else r["name_en"]   # no Latin duplicate of the English
        if pd.notna(r["share_now"]):
            rows.append({"model_id": r["model_id"], "revenue_model": name, "year": "2023", "share": r["share_now"],
                         "status": "stated"})
        if pd.notna(r["share_2027_reading"]):
            status = "stated" if pd.notna(r["share_2027"]) else "our interpretation"
            rows.append({"model_id": r["model_id"], "revenue_model": name, "year": "2027",
                         "share": r["share_2027_reading"], "status": status})
    return pd.DataFrame(rows)


def sub_item_shares() -> pd.DataFrame:
    """Each sub-item's share of its category at the low and high ends of Guohai's ranges.

    ``of_category_low = share_low(item) / share_low(category)``, likewise at the high end; items the
    source leaves blank are dropped. The two ratios are equal for the compute items, not for data labelling.
    """
    df = load("training_cost_shares")
    top = df[df["parent_id"].isna()].set_index("item_id")
    sub = df[df["parent_id"].notna() & df["share_low"].notna()].copy()
    sub["of_category_low"] = sub["share_low"] / sub["parent_id"].map(top["share_low"])
    sub["of_category_high"] = sub["share_high"] / sub["parent_id"].map(top["share_high"])
    sub["fixed_share"] = np.isclose(sub["of_category_low"], sub["of_category_high"])
    return sub.reset_index(drop=True)


def training_cost_ranges() -> pd.DataFrame:
    """Training-cost items with their share ranges; sub-items carry their parent's name."""
    df = load("training_cost_shares")
    names = df.set_index("item_id")["item_en"]
    df["group"] = [names[p] if isinstance(p, str) else names[i] for i, p in zip(df["item_id"], df["parent_id"])]
    df["level"] = np.where(df["parent_id"].isna(), "cost category", "item within category")
    return df


# --- errata --------------------------------------------------------------------------------------
_CAUSES = {
    "infra_margin_full": "The report rounds revenue to 21 万 (USD 210,000) before dividing; exact revenue is 24.21 × 8,760 = USD 212,080.",
    "infra_revenue_half_usd": "The report says 'under 11 万', which is true (USD 106,040), but then divides by 11 万.",
    "infra_margin_half": "Revenue rounded up to 11 万 before dividing; exact revenue is USD 106,040.",
    "infra_margin_20pct": "Revenue rounded to 4 万, equal to the cost; exact revenue (USD 42,416) still exceeds depreciation: break-even is below 19 % utilization.",
    "train_gpu_years_v100": "Matches, but 28 TFLOPS is the V100 PCIe's plain FP16 rate; the V100 SXM2 in p3dn.24xlarge has 125 TFLOPS of FP16 tensor-core throughput, like the A100's 312 (see the like-for-like rows).",
    "train_cost_v100_usd": "Matches to the report's rounding, on the same non-tensor 28 TFLOPS figure.",
    "infer_cost_h100_usd_per_1k": "Matches, but uses 1,513 TFLOPS, the H100 PCIe's FP16 rate with 2:4 sparsity; dense is 756, so the like-for-like cost is twice as high.",
    "infer_margin_a100": "Matches, but USD 0.02/1K was text-davinci-003's price; gpt-3.5-turbo launched in March 2023 at USD 0.002/1K.",
    "h100_vs_a100_sxm_peak_ratio": "1,979 / 624 = 3.17, printed as 320 %; both are sparse figures, so the ratio is like for like (dense: 989 / 312 = 3.17).",
    "h100_vs_a100_training_throughput": "Quoted from Lambda's benchmark, not computed: no recomputation is possible from the report.",
}


def _report_recomputed() -> dict[str, float]:
    """Every printed figure recomputed exactly from the report's own inputs."""
    p = report_params()
    kf = key_figures(p)
    args = (p["server_price_usd"], p["depreciation_years"], p["rental_usd_per_hour"])
    app = app_costs(p).assign(key=lambda d: "app_daily_cost_" + d["scenario_id"] + "_"
                              + np.where(d["dau"] == 1e6, "1m", "10m") + "_dau")
    r = {
        "infra_annual_cost_usd": kf["infra_annual_cost_usd"],
        "infra_revenue_full_usd": costs.annual_rental_revenue_usd(p["rental_usd_per_hour"], 1.0),
        "infra_margin_full": costs.infra_gross_margin(1.0, *args),
        "infra_revenue_half_usd": costs.annual_rental_revenue_usd(p["rental_usd_per_hour"], 0.5),
        "infra_margin_half": costs.infra_gross_margin(0.5, *args),
        "infra_revenue_20pct_usd": costs.annual_rental_revenue_usd(p["rental_usd_per_hour"], 0.2),
        "infra_margin_20pct": costs.infra_gross_margin(0.2, *args),
        "h100_vs_a100_sxm_peak_ratio": _tflops("h100_sxm_comparison") / _tflops("a100_sxm_comparison"),
        "h100_vs_a100_training_throughput": np.nan,
        "infer_flops_per_call": costs.inference_flops(value("gpt35_params"), value("infer_prompt_tokens") + value("infer_output_tokens"),
                                                      value("infer_flops_per_param_token")),
        "api_price_cut": 1 - value("api_price_2023_usd_per_1k") / value("api_price_2022_usd_per_1k"),
    }
    for k in ("train_flops", "train_gpu_years_v100", "train_cost_v100_usd", "train_gpu_years_a100", "train_cost_a100_usd",
              "infer_cost_a100_usd_per_1k", "infer_margin_a100", "infer_cost_h100_usd_per_1k", "infer_margin_h100"):
        r[k] = kf[k]
    r.update(dict(zip(app["key"], app["daily_cost_usd"])))
    return {k: float(v) for k, v in r.items()}


def errata() -> pd.DataFrame:
    """Every figure of the three sections: printed value, exact recomputation, difference, cause."""
    fig = load("report_figures")
    rec = _report_recomputed()
    fig["recomputed"] = fig["figure_id"].map(rec)
    fig["difference"] = fig["recomputed"] - fig["report_value"]
    fig["matches"] = fig["difference"].abs() <= fig["printed_step"] / 2 * (1 + 1e-9)
    causes = {**_CAUSES, "infer_margin_h100": (
        f"Computed from the cost already rounded to 0.00051; the exact cost is {rec['infer_cost_h100_usd_per_1k']:.6f} "
        f"(USD per 1K tokens), which gives {rec['infer_margin_h100']:.1%}.")}
    fig["cause"] = [
        causes.get(i, "Matches to the report's rounding." if m else "Differs beyond the report's rounding.")
        if pd.notna(d) else causes.get(i, "Not recomputable.")
        for i, m, d in zip(fig["figure_id"], fig["matches"], fig["difference"])]
    return fig[["figure_id", "section", "description", "report_text", "report_value", "recomputed",
                "difference", "matches", "unit", "printed_step", "cause"]]


def checked_inputs() -> pd.DataFrame:
    """The report's hardware and price inputs beside what the vendor states."""
    g = load("gpu_tflops")
    rows = [{"input": f"{r['gpu']} peak, {r['used_for']}", "report_value": r["report_tflops"], "unit": "TFLOPS",
             "what_it_is": r["what_the_figure_is"], "like_for_like": r["like_for_like_tflops"],
             "like_for_like_label": r["like_for_like_label"]} for _, r in g.iterrows()]
    c = load("cloud_prices")
    rows += [{"input": f"{r['provider']} {r['instance']}, {r['report_pricing_label']}", "report_value": r["usd_per_hour"],
              "unit": "USD per hour", "what_it_is": r["checked_note"], "like_for_like": np.nan, "like_for_like_label": ""}
             for _, r in c.iterrows()]
    a = load("pricing_assumptions")
    a = a[a["checked_note"].notna()]
    rows += [{"input": r["description"], "report_value": r["value"], "unit": r["unit"], "what_it_is": r["checked_note"],
              "like_for_like": r["checked_value"], "like_for_like_label": "vendor's price"} for _, r in a.iterrows()]
    return pd.DataFrame(rows)


def position_in_range(x: float, low: float, high: float) -> str:
    """Where ``x`` lies relative to ``[low, high]``: ``"below"``, ``"within"`` or ``"above"``."""
    return "below" if x < low else "above" if x > high else "within"
