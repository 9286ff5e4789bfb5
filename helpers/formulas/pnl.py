"""A small income-statement model of how generative AI changes a company's operating margin.

All amounts are shares of the company's revenue before AI (revenue = 1). The report's three
types of player differ only in their inputs: an *incumbent* adds AI cost without raising its
price, an *innovator* raises its price by more than the AI cost, an *adopter* spends on AI to
save labour.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def _out(x: np.ndarray) -> np.ndarray | float:
    return float(x) if np.ndim(x) == 0 else x


def operating_margin_before(gross_margin: ArrayLike, opex_share: ArrayLike) -> np.ndarray | float:
    """Operating margin without AI: ``gross_margin − opex_share``."""
    return _out(np.asarray(gross_margin, float) - np.asarray(opex_share, float))


def operating_margin_after(gross_margin: ArrayLike, opex_share: ArrayLike, price_uplift: ArrayLike,
                           ai_cost_share: ArrayLike, labour_saved_share: ArrayLike) -> np.ndarray | float:
    """Operating margin with AI, as a share of the new revenue.

    revenue ``R = 1 + price_uplift``; cost of sales ``(1 − gross_margin) + ai_cost_share``;
    operating expenses ``opex_share − labour_saved_share``; margin ``(R − costs) / R``.
    """
    g, o = np.asarray(gross_margin, float), np.asarray(opex_share, float)
    revenue = 1.0 + np.asarray(price_uplift, float)
    costs = (1.0 - g) + np.asarray(ai_cost_share, float) + o - np.asarray(labour_saved_share, float)
    return _out((revenue - costs) / revenue)


def operating_profit_change(price_uplift: ArrayLike, ai_cost_share: ArrayLike,
                            labour_saved_share: ArrayLike) -> np.ndarray | float:
    """Change in operating profit, as a share of revenue before AI: ``uplift − AI cost + labour saved``."""
    return _out(np.asarray(price_uplift, float) - np.asarray(ai_cost_share, float)
                + np.asarray(labour_saved_share, float))
