"""The chapter's parameters: ``price_date`` (the prices in force on that day), ``utilization`` and ``rent_basis``
(how today's H100 server is rented), each refused with one message when it is wrong."""
from __future__ import annotations

from typing import Any

from helpers import params
from helpers.chapters.three_years_on.dates import EARLIEST_DATE, latest_date
from helpers.chapters.three_years_on.gpus import RENT_BASES, rent_offer
from helpers.errors import ParameterError

RULES: dict[str, params.Rule] = {
    "utilization": params.Rule("share of the year the 8-GPU server is rented", **params.FRACTION),
}


def parse_rent_basis(value: Any) -> str:
    """Validate ``rent_basis``: one of ``RENT_BASES`` (how today's H100 server is rented)."""
    if not isinstance(value, str) or value not in RENT_BASES:
        raise ParameterError(f"parameter 'rent_basis' = {value!r} is not a rent basis; allowed: "
                             + " or ".join(f"'{k}' ({v})" for k, v in RENT_BASES.items()))
    return value


@params.with_lang
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
