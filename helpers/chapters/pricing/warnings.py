"""Plausibility warnings on the pricing chapter's inputs: a value the chapter accepts (it is in range) but that is a
likely slip, such as a price per GPU-hour given where the rent of the whole server is asked for. A warning adds a
sentence; it never changes a figure."""
from __future__ import annotations

from IPython.display import Markdown

from helpers.chapters.pricing.inputs import resolve
from helpers.formulas import costs

HOURS_PER_YEAR = 8760


def breakeven_text(p: dict[str, float]) -> str:
    """How the rented server breaks even with ``p``'s inputs: the utilization, or that it never does (a break-even
    above 100 % cannot happen: even rented all year the rent does not cover the depreciation)."""
    p = resolve(p)
    be = float(costs.breakeven_utilization(p["server_price_usd"], p["depreciation_years"], p["rental_usd_per_hour"]))
    if be <= 1:
        return f"breaks even at {be:.1%} utilization"
    return f"never breaks even: rented all year, its rent covers {1 / be:.0%} of its depreciation"


def input_warnings(p: dict[str, float]) -> list[str]:
    """One line per likely slip in the validated parameters ``p`` (empty for the report's own inputs)."""
    out = []
    p = resolve(p)
    given_per_gpu = p["rent_given_per"] == "GPU-hour"
    rent, n = p["rental_usd_per_hour"], p["gpus_per_server"]
    depreciation_per_hour = p["server_price_usd"] / p["depreciation_years"] / HOURS_PER_YEAR
    if rent < depreciation_per_hour:
        looks_per_gpu = not given_per_gpu and rent * n >= depreciation_per_hour
        hint = (f" rental_usd_per_hour is the rent of the whole {n:g}-GPU server; if {rent:g} is a price per GPU-hour, "
                f"pass it as rental_usd_per_gpu_hour = {rent:g} (USD {rent * n:g} a server-hour)." if looks_per_gpu else "")
        given = (f"rental_usd_per_gpu_hour = {p['rental_usd_per_gpu_hour']:g} (USD {rent:g} a server-hour for {n:g} GPUs)"
                 if given_per_gpu else f"rental_usd_per_hour = {rent:g}")
        out.append(f"{given} is below the server's depreciation per hour (USD {depreciation_per_hour:.2f} a "
                   f"server-hour), so the server never breaks even.{hint}")
    return out


def warnings_note(p: dict[str, float]) -> Markdown | None:
    """The warnings on ``p`` as one Markdown paragraph under the chapter's takeaways; None (no output at all) when
    none: an empty Markdown output would show its plain-text stand-in, "<IPython.core.display.Markdown object>"."""
    found = input_warnings(p)
    return Markdown("**Check your inputs.** " + " ".join(found)) if found else None
