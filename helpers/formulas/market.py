"""Market-size arithmetic: growth rates and currency conversion of forecasts (vectorised)."""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

CNY_100M = 1e8  # 亿
USD_BN = 1e9


def _out(x: np.ndarray) -> np.ndarray | float:
    return float(x) if np.ndim(x) == 0 else x


def cagr(start_value: ArrayLike, end_value: ArrayLike, years: ArrayLike) -> np.ndarray | float:
    """Compound annual growth rate: ``(end / start) ** (1 / years) − 1``."""
    return _out((np.asarray(end_value, float) / np.asarray(start_value, float)) ** (1.0 / np.asarray(years, float)) - 1.0)


def grow(start_value: ArrayLike, rate: ArrayLike, years: ArrayLike) -> np.ndarray | float:
    """Value after ``years`` of compound growth at ``rate``: ``start × (1 + rate) ** years``."""
    return _out(np.asarray(start_value, float) * (1.0 + np.asarray(rate, float)) ** np.asarray(years, float))


def cny_100m_to_usd_bn(amount_cny_100m: ArrayLike, cny_per_usd: ArrayLike) -> np.ndarray | float:
    """亿 CNY to billions of USD: ``amount × 10⁸ / cny_per_usd / 10⁹``."""
    return _out(np.asarray(amount_cny_100m, float) * CNY_100M / np.asarray(cny_per_usd, float) / USD_BN)
