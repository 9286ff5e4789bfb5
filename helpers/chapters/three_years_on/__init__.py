"""Three years on: the report's three pricing models rerun at dated 2023–2026 prices.

Every function takes a ``price_date``: the prices in force on that day are the latest row of each dated
table (``gpu_rental_prices``, ``server_prices``, ``api_prices``) on or before it. On or before the report's
own date the report's inputs are used (``helpers.chapters.pricing.report_params``), so the report's date
gives the report's figures. Formulas are ``helpers.formulas.costs``; nothing here re-derives them.

Like is compared with like. The report rents its A100 server from AWS under a one-year commitment
(Savings Plans), so today's rent is AWS's 8 × H100 instance (``p5.48xlarge``) under a one-year commitment
(``rent_basis = "commitment"``, the default); ``rent_basis = "on-demand"`` takes the same instance on demand,
the other half of a market that has split. The FLOP-price trend is measured from the dates the report's
prices applied (``cloud_prices.price_date``: the A100 instance's launch price from November 2020, its current
price from the report's date), both ways.
"""
from __future__ import annotations

import datetime as dt
import html
from typing import Any

import numpy as np
import pandas as pd

from helpers import params, tables
from helpers.chapters import pricing
from helpers.chapters.pricing import efficiency
from helpers.data import load, lookup, report_published, value
from helpers.errors import ParameterError
from helpers.formulas import costs

# Blend of input and output tokens for one "price per million tokens" (the book's choice, labelled as such):
# three input tokens to one output token, the convention of public LLM price trackers.
BLEND_INPUT_SHARE = 0.75
EARLIEST_DATE = dt.date(2023, 1, 1)
H100_SXM = "NVIDIA H100 SXM"
LIKE_FOR_LIKE_H100 = "lambda_h100_pcie"  # the report's own H100 offer (cloud_prices row; dated rows extend its id)
CLASS_MODELS = {"gpt35": "GPT-3.5", "gpt4": "GPT-4"}

# The report's rent is a one-year commitment on AWS; today's like-for-like rent is AWS's 8 × H100 instance.
RENT_PROVIDER, RENT_INSTANCE = "Amazon Web Services", "p5.48xlarge"
RENT_BASES = {"commitment": "on a one-year commitment", "on-demand": "on demand"}

RULES: dict[str, params.Rule] = {
    "utilization": params.Rule("share of the year the 8-GPU server is rented", **params.FRACTION),
}


# --- dates -----------------------------------------------------------------------------------------
def report_date() -> dt.date:
    """The report's publication date (``helpers.data.report_published``)."""
    return report_published()


def latest_date() -> dt.date:
    """The latest date in the dated price tables: the default ``price_date``."""
    days = pd.concat([load("api_prices")["effective_date"], load("gpu_rental_prices")["observed_date"],
                      load("server_prices")["observed_date"]])
    return pd.Timestamp(days.max()).date()


def parse_rent_basis(value: Any) -> str:
    """Validate ``rent_basis``: one of ``RENT_BASES`` (how today's H100 server is rented)."""
    if not isinstance(value, str) or value not in RENT_BASES:
        raise ParameterError(f"parameter 'rent_basis' = {value!r} is not a rent basis; allowed: "
                             + " or ".join(f"'{k}' ({v})" for k, v in RENT_BASES.items()))
    return value


def validate(values: dict[str, Any]) -> dict[str, Any]:
    """The chapter's parameters: ``price_date`` an ISO date from 2023-01-01 to the latest table date, a utilization
    and a ``rent_basis``."""
    if "price_date" not in values:
        raise ParameterError("parameter 'price_date' is missing; the parameters cell must define price_date, utilization, rent_basis")
    basis = parse_rent_basis(values.get("rent_basis", "commitment"))
    day = params.parse_date("price_date", values["price_date"], EARLIEST_DATE)
    if day > latest_date():
        raise ParameterError(f"parameter 'price_date' = {values['price_date']!r} is after the latest price in the tables; "
                             f"allowed: an ISO date YYYY-MM-DD from {EARLIEST_DATE} to {latest_date()}")
    rent_offer(day, basis)   # stops here, with one message, where no such rent is recorded by the date
    return {"price_date": day, "rent_basis": basis, **params.validate({k: v for k, v in values.items() if k != "rent_basis"}, RULES)}


def _on_or_before(frame: pd.DataFrame, column: str, day: dt.date) -> pd.DataFrame:
    return frame[pd.to_datetime(frame[column]).dt.date <= day]


# --- currency ----------------------------------------------------------------------------------------
def _usd_rate(day: dt.date) -> pd.Series:
    """The fx_rates.csv USD row for ``day``: the latest dated on or before it (before the first, the first)."""
    fx = load("fx_rates")
    usd = fx[fx["currency"] == "USD"].assign(d=lambda f: pd.to_datetime(f["rate_date"]).dt.date).sort_values("d")
    before = usd[usd["d"] <= day]
    return before.iloc[-1] if len(before) else usd.iloc[0]


def cny_per_usd(day: dt.date) -> float:
    """CNY per USD on ``day`` (``_usd_rate``)."""
    return float(_usd_rate(day)["cny_per_unit"])


def fx_note(day: dt.date) -> dict[str, Any]:
    """The rate used for ``day`` and its date (for the prose)."""
    usd = _usd_rate(day)
    return {"cny_per_usd": float(usd["cny_per_unit"]), "rate_date": str(usd["rate_date"])[:10], "rate_id": usd["rate_id"]}


# --- API prices ----------------------------------------------------------------------------------------
def blended_usd_per_1m(input_usd_per_1m: Any, output_usd_per_1m: Any) -> Any:
    """One price per million tokens: ``0.75 × input + 0.25 × output`` (the book's 3:1 blend)."""
    return BLEND_INPUT_SHARE * np.asarray(input_usd_per_1m) + (1 - BLEND_INPUT_SHARE) * np.asarray(output_usd_per_1m)


def api_prices_usd(day: dt.date) -> pd.DataFrame:
    """Every API price row in USD per million tokens (CNY converted at ``cny_per_usd(day)``), with its MMLU score."""
    api = load("api_prices").copy()
    rate = np.where(api["currency"] == "CNY", cny_per_usd(day), 1.0)
    api["input_usd_per_1m"] = api["input_per_1m"] / rate
    api["output_usd_per_1m"] = api["output_per_1m"] / rate
    api["blended_usd_per_1m"] = blended_usd_per_1m(api["input_usd_per_1m"], api["output_usd_per_1m"])
    scores = load("benchmark_scores").set_index("model_id")["score_pct"]
    api["mmlu_pct"] = api["model_id"].map(scores)
    api["lineage"] = api["provider"] + " " + api["model_id"].fillna(api["model"])  # one model's successive prices
    return api


def threshold_pct(class_id: str) -> float:
    """The 2023 MMLU score that defines a capability class (``gpt35`` or ``gpt4``)."""
    return float(lookup("benchmark_scores", class_id, "score_pct"))


def cheapest_in_class(class_id: str, day: dt.date) -> pd.Series:
    """The cheapest model (3:1 blended USD price) scoring at or above the class's 2023 MMLU, on ``day``.

    Each model's latest price on or before ``day`` counts (a model's snapshots are one lineage, ``model_id``);
    models without a checked score are left out.
    """
    api = _on_or_before(api_prices_usd(day), "effective_date", day)
    api = api[api["mmlu_pct"] >= threshold_pct(class_id)].sort_values("effective_date")
    current = api.groupby("lineage", as_index=False).tail(1)
    if current.empty:
        raise ParameterError(f"parameter 'price_date' = {day} is before the first {CLASS_MODELS[class_id]}-class price; "
                             f"allowed: from {load('api_prices')['effective_date'].min()}")
    return current.sort_values("blended_usd_per_1m").iloc[0]


def class_price_series(class_id: str, until: dt.date) -> pd.DataFrame:
    """Cheapest class price at every date a price changed, up to ``until`` (a step series)."""
    api = load("api_prices")
    days = sorted({pd.Timestamp(d).date() for d in api["effective_date"]} | {report_date(), until})
    rows = []
    for d in days:
        if d > until:
            continue
        try:
            best = cheapest_in_class(class_id, d)
        except ParameterError:
            continue
        rows.append({"date": d.isoformat(), "capability_class": f"{CLASS_MODELS[class_id]} class (MMLU ≥ {threshold_pct(class_id):g})",
                     "model": f"{best['provider']} {best['model']}", "mmlu_pct": best["mmlu_pct"],
                     "blended_usd_per_1m": float(best["blended_usd_per_1m"]),
                     "input_usd_per_1m": float(best["input_usd_per_1m"]), "output_usd_per_1m": float(best["output_usd_per_1m"])})
    return pd.DataFrame(rows)


# --- GPU rental and servers ------------------------------------------------------------------------------
def rentals(day: dt.date | None = None) -> pd.DataFrame:
    """Every rental offer per GPU-hour: the report's (cloud_prices, dated at the report) and the dated table's."""
    rep = load("cloud_prices")
    rep = rep[rep["price_id"].isin(["aws_p4d_launch", "lambda_h100_pcie"])]
    report_rows = pd.DataFrame({
        "rental_id": rep["price_id"], "observed_date": report_date().isoformat(), "provider": rep["provider"],
        "instance": rep["instance"], "gpu": rep["gpu"],
        "commitment": rep["report_pricing_label"], "usd_per_instance_hour": rep["usd_per_hour"],
        "gpus_per_instance": rep["gpus_per_instance"], "origin": "the report (2023)"})
    dated = load("gpu_rental_prices").assign(origin="dated price", observed_date=lambda f: f["observed_date"].astype(str).str[:10])
    cols = list(report_rows.columns)
    out = pd.concat([report_rows, dated[cols]], ignore_index=True)
    out["usd_per_gpu_hour"] = out["usd_per_instance_hour"] / out["gpus_per_instance"]
    out["rent_class"] = out["commitment"].map(rent_class)
    out["offer"] = out["provider"] + " " + out["instance"] + " (" + out["commitment"].str.split(",").str[0] + ")"
    return out if day is None else _on_or_before(out, "observed_date", day)


def rent_class(commitment: str) -> str:
    """The kind of rent a ``commitment`` text describes: commitment (a term of a year or more), on-demand,
    short reservation (days to months, e.g. AWS Capacity Blocks) or spot."""
    t = commitment.lower()
    if "spot" in t or "preemptible" in t:
        return "spot"
    if "capacity block" in t or "1–182 days" in t:
        return "short reservation"
    if any(k in t for k in ("1-year", "1 year", "one-year", "3-year", "3 year", "savings plan", "reserved instance")):
        return "commitment"
    if "on-demand" in t or "on demand" in t:
        return "on-demand"
    raise ValueError(f"rent_class: commitment {commitment!r} is not recognised; allowed: a text naming a term, "
                     "on-demand, a capacity block or spot")


def _aws_h100_rents(basis: str, day: dt.date | None = None) -> pd.DataFrame:
    """AWS ``p5.48xlarge`` (8 × H100 SXM) rents of ``basis`` recorded on or before ``day`` (every date if None)."""
    r = rentals(day)
    return r[(r["provider"] == RENT_PROVIDER) & (r["instance"] == RENT_INSTANCE) & (r["rent_class"] == basis)]


def rent_offer(day: dt.date, basis: str) -> pd.Series:
    """The latest AWS ``p5.48xlarge`` (8 × H100 SXM) rent of ``basis`` on or before ``day``; an empty Series on or
    before the report's date (the report's own rent applies), a ``ParameterError`` after it when none is recorded."""
    if day <= report_date():
        return pd.Series(dtype=object)
    r = _aws_h100_rents(basis, day)
    if r.empty:
        raise ParameterError(f"parameter 'price_date' = '{day}' is before the first recorded rent of AWS {RENT_INSTANCE} "
                             f"{RENT_BASES[basis]}; allowed with rent_basis '{basis}': "
                             f"from {_aws_h100_rents(basis)['observed_date'].min()}")
    return r.sort_values("observed_date", kind="stable").iloc[-1]


def h100_server_price(day: dt.date) -> pd.Series:
    """The latest 8 × H100 SXM server purchase price on or before ``day``."""
    s = _on_or_before(load("server_prices"), "observed_date", day)
    return s[s["gpu"] == H100_SXM].sort_values("observed_date").iloc[-1]


def like_for_like_h100_usd_per_gpu_hour(day: dt.date) -> float:
    """The report's own H100 offer (Lambda 1x H100 PCIe, on demand): its latest price on or before ``day``."""
    r = rentals(day)
    r = r[r["rental_id"].str.startswith(LIKE_FOR_LIKE_H100)].sort_values("observed_date")
    return float(r.iloc[-1]["usd_per_gpu_hour"])


def dense_tflops(gpu_id: str) -> float:
    """Dense BF16 tensor peak from gpu_specs.csv."""
    return float(lookup("gpu_specs", gpu_id, "bf16_dense_tflops"))


# --- inputs at a date ------------------------------------------------------------------------------------
def inputs(day: dt.date, utilization: float = 1.0, basis: str = "commitment") -> dict[str, Any]:
    """Every input of the three models on ``day``: the report's on or before its date, dated prices after it."""
    rp = pricing.report_params()
    base = {"price_date": day.isoformat(), "utilization": utilization, "depreciation_years": rp["depreciation_years"],
            "model_params": rp["model_params"], "training_tokens": rp["training_tokens"],
            "training_efficiency": rp["training_efficiency"], "inference_efficiency": rp["inference_efficiency"]}
    if day <= report_date():
        usd_per_hour, gpus = lookup("cloud_prices", "aws_p4d_launch", "usd_per_hour"), lookup("cloud_prices", "aws_p4d_launch", "gpus_per_instance")
        return {**base, "regime": "report", "server": f"DGX A100 ({gpus:g} × A100), the report's", "server_gpus": int(gpus),
                "server_price_usd": rp["server_price_usd"], "rental_usd_per_server_hour": rp["rental_usd_per_hour"],
                "rental_label": f"AWS p4d.24xlarge at the report's USD {rp['rental_usd_per_hour']:.2f}/h",
                "peak_tflops": lookup("gpu_tflops", "a100_training", "report_tflops"),
                "usd_per_gpu_hour": usd_per_hour / gpus, "gpu_label": f"A100 (p4d.24xlarge, the report's USD {usd_per_hour:.2f}/h)",
                "api_input_usd_per_1k": rp["app_input_usd_per_1k"], "api_output_usd_per_1k": rp["app_output_usd_per_1k"],
                "api_model": "gpt-3.5-turbo (the report's prices)"}
    rent, server, best = rent_offer(day, basis), h100_server_price(day), cheapest_in_class("gpt35", day)
    return {**base, "regime": "dated", "server": f"{server['server']} ({server['price_kind']}, {str(server['observed_date'])[:10]})",
            "server_gpus": int(rent["gpus_per_instance"]),
            "server_price_usd": float(server["price_usd"]), "rental_usd_per_server_hour": float(rent["usd_per_instance_hour"]),
            "rental_label": f"{rent['provider']} {rent['instance']} ({rent['commitment']}, {rent['observed_date']})",
            "peak_tflops": dense_tflops("h100_sxm"), "usd_per_gpu_hour": float(rent["usd_per_gpu_hour"]),
            "gpu_label": f"H100 SXM ({rent['provider']}, USD {rent['usd_per_gpu_hour']:.2f}/GPU-hour)",
            "api_input_usd_per_1k": float(best["input_usd_per_1m"]) / 1000, "api_output_usd_per_1k": float(best["output_usd_per_1m"]) / 1000,
            "api_model": f"{best['provider']} {best['model']} (cheapest GPT-3.5 class)"}


# --- the three models, now ---------------------------------------------------------------------------------
def measured_efficiency() -> float:
    """Whole-call utilisation measured on an H100 at the pricing chapter's serving batch (prefill and decode)."""
    return efficiency.effective_mfu(value("serving_batch"))[1]


def open_run() -> pd.Series:
    """The open model's training run the chapter prices (``open_training_runs.csv``, DeepSeek-V3)."""
    return load("open_training_runs").set_index("run_id").loc["deepseek_v3"]


def open_run_cost_usd(x: dict[str, Any]) -> dict[str, float]:
    """DeepSeek-V3's run priced at ``x``'s GPU: 6·N_active·D at the report's efficiency, and its reported GPU-hours."""
    run = open_run()
    flops = costs.training_flops(run["active_params"], run["training_tokens"], value("train_flops_per_param_token"))
    years = costs.gpu_years(flops, x["peak_tflops"])
    return {"open_train_flops": float(flops),
            "open_train_cost_usd": float(costs.training_cost_usd(years, x["usd_per_gpu_hour"], 1, x["training_efficiency"])),
            "open_train_cost_reported_hours_usd": float(run["reported_gpu_hours"] * x["usd_per_gpu_hour"])}


def figures(day: dt.date, utilization: float = 1.0, basis: str = "commitment") -> dict[str, float]:
    """The three models' figures at ``day`` (plain floats; USD, fractions, FLOPs) with today's rent on ``basis``."""
    x = inputs(day, utilization, basis)
    infra = (x["server_price_usd"], x["depreciation_years"], x["rental_usd_per_server_hour"])
    flops = costs.training_flops(x["model_params"], x["training_tokens"], value("train_flops_per_param_token"))
    years = costs.gpu_years(flops, x["peak_tflops"])
    f = {
        "infra_gross_margin": costs.infra_gross_margin(utilization, *infra),
        "infra_breakeven_utilization": costs.breakeven_utilization(*infra),
        "train_cost_gpt3_usd": costs.training_cost_usd(years, x["usd_per_gpu_hour"], 1, x["training_efficiency"]),
        "infer_cost_usd_per_1k": costs.inference_cost_usd_per_1k(x["model_params"], x["usd_per_gpu_hour"], x["peak_tflops"],
                                                                 x["inference_efficiency"], value("infer_flops_per_param_token")),
        "infer_cost_measured_usd_per_1k": costs.inference_cost_usd_per_1k(x["model_params"], x["usd_per_gpu_hour"], x["peak_tflops"],
                                                                          measured_efficiency(), value("infer_flops_per_param_token")),
        "api_blended_usd_per_1k": blended_usd_per_1m(x["api_input_usd_per_1k"], x["api_output_usd_per_1k"]),
        **open_run_cost_usd(x),
    }
    apps = pricing.app_costs({"app_input_usd_per_1k": x["api_input_usd_per_1k"], "app_output_usd_per_1k": x["api_output_usd_per_1k"]})
    for r in apps.itertuples():
        f[f"app_daily_cost_{r.scenario_id}_{_dau_tag(r.dau)}_dau"] = r.daily_cost_usd
    return {k: float(v) for k, v in f.items()}


def _dau_tag(dau: float) -> str:
    """``1e6`` → ``1m``, ``1e7`` → ``10m``: the daily-user count in a glue name."""
    return f"{dau / 1e6:g}m"


def fall_factors(day: dt.date) -> dict[str, float]:
    """Price at the report's date ÷ price at ``day`` (above 1: cheaper now): the cheapest API of each capability
    class, and the report's own H100 offer (Lambda's 1x H100 PCIe on demand) against its own later price."""
    r = report_date()
    out = {f"api_price_fall_factor_{c}_class": float(cheapest_in_class(c, r)["blended_usd_per_1m"]
                                                     / cheapest_in_class(c, max(day, r))["blended_usd_per_1m"])
           for c in CLASS_MODELS}
    out["gpu_rental_fall_factor_h100"] = like_for_like_h100_usd_per_gpu_hour(r) / like_for_like_h100_usd_per_gpu_hour(max(day, r))
    return out


def comparison(day: dt.date, utilization: float = 1.0, basis: str = "commitment") -> pd.DataFrame:
    """Each figure at the report's date beside its value at ``day``, with the factor between them."""
    then, now = figures(report_date(), utilization), figures(day, utilization, basis)
    rp, run, apps = pricing.report_params(), open_run(), load("app_scenarios")
    labels = {
        "infra_gross_margin": ("Infrastructure", "Cloud gross margin on one rented GPU server", "share"),
        "infra_breakeven_utilization": ("Infrastructure", "Break-even utilization", "share"),
        "train_cost_gpt3_usd": ("Model: training", f"GPT-3-class run ({tables.human(rp['model_params'])} parameters, "
                                f"{tables.human(rp['training_tokens'])} tokens), rented", "USD"),
        "open_train_cost_usd": ("Model: training", f"{run['model']}-size run ({tables.human(run['active_params'])} active, "
                                f"{tables.human(run['training_tokens'])} tokens), rented", "USD"),
        "infer_cost_usd_per_1k": ("Model: inference", f"GPU cost of 1K tokens on a {tables.human(rp['model_params'])} parameter model, "
                                  f"report's {tables.pct(rp['inference_efficiency'], 0)} efficiency", "USD per 1K tokens"),
        "infer_cost_measured_usd_per_1k": ("Model: inference", "GPU cost of 1K tokens at the measured efficiency", "USD per 1K tokens"),
        "api_blended_usd_per_1k": ("Model: inference", "Cheapest GPT-3.5-class API price (3:1 blend)", "USD per 1K tokens"),
        **{f"app_daily_cost_{s}_{_dau_tag(dau)}_dau": ("Application", f"{n}, daily API bill at {_dau_tag(dau).upper()} DAU", "USD per day")
           for s, n in zip(apps["scenario_id"], apps["name_en"]) for dau in pricing.SCENARIO_DAU},
    }
    rows = [{"layer": layer, "figure": text, "unit": unit, "key": k, "report_date_value": then[k], "now_value": now[k],
             "factor": then[k] / now[k] if unit != "share" else np.nan} for k, (layer, text, unit) in labels.items()]
    return pd.DataFrame(rows)


def usd_per_pflop_hour(usd_per_gpu_hour: float, dense_tflops: float) -> float:
    """Price of one hour of a petaFLOP/s of dense peak: the rent per GPU-hour over the GPU's peak (USD)."""
    return usd_per_gpu_hour / (dense_tflops / 1000)


def flop_price_falls(day: dt.date, basis: str = "commitment") -> pd.DataFrame:
    """The fall in the price of a FLOP from each of the report's two A100 prices to today's H100 rent on ``basis``,
    beside the fall the report's trend (40–50 % every 2.5 years) implies over the same span.

    One row per reading: from the launch price (``aws_p4d_launch``, applying from the instance's launch) and from
    the report's current price (``aws_p4d_ohio``, applying at the report's date). Dense peaks both ways (A100 312,
    H100 SXM from ``gpu_specs``).
    """
    a100 = lookup("gpu_tflops", "a100_training", "like_for_like_tflops")
    prices = load("cloud_prices").set_index("price_id")
    if day <= report_date():   # the report's own rent is today's: its current A100 price
        day = report_date()
        now_price = usd_per_pflop_hour(float(prices.at["aws_p4d_ohio", "usd_per_hour"]) / float(prices.at["aws_p4d_ohio", "gpus_per_instance"]), a100)
    else:
        now_price = usd_per_pflop_hour(float(rent_offer(day, basis)["usd_per_gpu_hour"]), dense_tflops("h100_sxm"))
    rows = []
    for pid, reading in (("aws_p4d_launch", "from the A100 instance's launch price"), ("aws_p4d_ohio", "from the report's current A100 price")):
        start = prices.at[pid, "price_date"]
        then_price = usd_per_pflop_hour(float(prices.at[pid, "usd_per_hour"]) / float(prices.at[pid, "gpus_per_instance"]), a100)
        lo, hi = claim_factor_range(start, day)
        fall = then_price / now_price
        rows.append({"reading": reading, "price_id": pid, "from_date": start, "to_date": day,
                     "years": (day - start).days / 365.25, "then_usd_per_pflop_hour": then_price,
                     "now_usd_per_pflop_hour": now_price, "fall_factor": fall, "trend_low": lo, "trend_high": hi,
                     "versus_trend": pricing.position_in_range(fall, lo, hi)})
    return pd.DataFrame(rows)


def flop_claim() -> pd.Series:
    """The report's claim that FLOP prices fall 40–50 % every 2.5 years (``now_claims.csv``, ``flop_price_fall``)."""
    return load("now_claims").set_index("claim_id").loc["flop_price_fall"]


def claim_band(start_date: dt.date, start_price: float, until: dt.date) -> pd.DataFrame:
    """The report's claim as a band: ``price × (1 − fall)^(years / 2.5)`` for the claim's low and high fall."""
    c = flop_claim()
    days = pd.date_range(start_date, until, periods=24)
    years = (days - pd.Timestamp(start_date)).days / 365.25
    return pd.DataFrame({"date": days.strftime("%Y-%m-%d"),
                         "slow": start_price * (1 - c["fall_low_share"]) ** (years / c["period_years"]),
                         "fast": start_price * (1 - c["fall_high_share"]) ** (years / c["period_years"])})


def claim_factor_range(start: dt.date, end: dt.date) -> tuple[float, float]:
    """Fall factors (old ÷ new) the claim implies between two dates: low (40 %) and high (50 %)."""
    c = flop_claim()
    years = (end - start).days / 365.25
    return (float((1 - c["fall_low_share"]) ** (-years / c["period_years"])),
            float((1 - c["fall_high_share"]) ** (-years / c["period_years"])))


# --- tables for the page ---------------------------------------------------------------------------------
def _fmt(x: float, unit: str) -> str:
    """A figure in its unit, for the comparison table."""
    if unit == "share":
        return tables.pct(x)
    return tables.usd(x, 5 if unit == "USD per 1K tokens" else 0)


def comparison_html(cmp: pd.DataFrame, then_label: str, now_label: str) -> str:
    """The side-by-side table: each figure at the report's date and at ``price_date``, with the factor."""
    rows = [[html.escape(r.layer), html.escape(r.figure), _fmt(r.report_date_value, r.unit), _fmt(r.now_value, r.unit),
             "—" if np.isnan(r.factor) else f"{r.factor:.2f}×"] for r in cmp.itertuples()]
    return tables.html_table(["Layer", "Figure", html.escape(then_label), html.escape(now_label), "Factor (then ÷ now)"],
                             rows, caption="The report's three pricing models at two dates", numeric=(2, 3, 4))


def prices_html(day: dt.date) -> str:
    """The latest recorded API price of each model (one lineage: e.g. gpt-3.5-turbo's snapshots) on ``day``."""
    api = _on_or_before(api_prices_usd(day), "effective_date", day).sort_values("effective_date").groupby("lineage").tail(1)
    rows = [[html.escape(r.provider), html.escape(r.model), str(r.effective_date)[:10],
             f"{r.input_per_1m:g} / {r.output_per_1m:g} {r.currency}",
             f"{tables.usd(r.input_usd_per_1m, 3)} / {tables.usd(r.output_usd_per_1m, 3)}", "—" if np.isnan(r.mmlu_pct) else f"{r.mmlu_pct:g}",
             f'<a href="{html.escape(r.source_url)}">{html.escape(r.source_id)}</a>']
            for r in api.sort_values("blended_usd_per_1m").itertuples()]
    return tables.html_table(["Provider", "Model", "Price since", "Input / output per million", "In USD", "MMLU (%)", "Source"],
                             rows, caption="Latest recorded API list price of each model on the chosen date", numeric=(3, 4, 5))


def rentals_html(day: dt.date) -> str:
    """Every GPU rental offer observed on or before ``day``."""
    r = rentals(day).sort_values(["observed_date", "usd_per_gpu_hour"])
    rows = [[str(x.observed_date), html.escape(x.provider), html.escape(x.instance), html.escape(x.gpu),
             html.escape(x.commitment), tables.usd(x.usd_per_instance_hour, 2), tables.usd(x.usd_per_gpu_hour, 2)] for x in r.itertuples()]
    return tables.html_table(["Observed", "Provider", "Instance", "GPU", "Commitment", "Per instance-hour", "Per GPU-hour"],
                             rows, caption="GPU rental offers observed up to the chosen date", numeric=(5, 6))


def faster_or_slower(factor_a: float, factor_b: float, tolerance: float = 0.05) -> str:
    """How one fall factor compares with another: ``"faster than"``, ``"slower than"`` or ``"about as fast as"``."""
    ratio = factor_a / factor_b
    return "faster than" if ratio > 1 + tolerance else "slower than" if ratio < 1 - tolerance else "about as fast as"


def specs_html() -> str:
    """The GPUs' datasheet figures (dense tensor peaks, memory bandwidth, power); blank where not confirmed."""
    def cell(v: float, fmt: str) -> str:
        return "—" if pd.isna(v) else format(v, fmt)

    rows = [[html.escape(r.gpu), html.escape(r.form_factor), cell(r.bf16_dense_tflops, ",.0f"), cell(r.fp8_dense_tflops, ",.0f"),
             cell(r.memory_bandwidth_tb_s, ".2f"), cell(r.tdp_w, ",.0f"), f'<a href="{html.escape(r.source_url)}">{html.escape(r.source_id)}</a>']
            for r in load("gpu_specs").itertuples()]
    return tables.html_table(["GPU", "Form", "BF16 dense (TFLOPS)", "FP8 dense (TFLOPS)", "Memory (TB/s)", "TDP (W)", "Source"],
                             rows, caption="Datasheet figures of the GPUs priced here", numeric=(2, 3, 4, 5))
