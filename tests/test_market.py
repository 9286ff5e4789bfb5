"""Market-size arithmetic against hand computation and the reports' own figures."""
from __future__ import annotations

import numpy as np
import pytest

from helpers.formulas import market


def test_cagr_by_hand():
    assert market.cagr(100, 121, 2) == pytest.approx(0.1)
    assert market.cagr(100, 100, 5) == 0.0
    assert market.cagr(1, 2, 1) == pytest.approx(1.0)


def test_cagr_inverts_grow():
    r = market.cagr(143, 11441, 7)
    assert market.grow(143, r, 7) == pytest.approx(11441)


def test_cagr_of_iresearch_2023_2030():
    # 143 亿 → 11,441 亿 over 7 years: (11441/143)^(1/7) − 1 ≈ 87 %
    assert market.cagr(143, 11441, 7) == pytest.approx((11441 / 143) ** (1 / 7) - 1)
    assert round(market.cagr(143, 11441, 7), 3) == 0.870


def test_currency_conversion():
    assert market.cny_100m_to_usd_bn(70.467, 7.0467) == pytest.approx(1.0)
    assert market.cny_100m_to_usd_bn(11441, 7.0) == pytest.approx(11441e8 / 7 / 1e9)
    out = market.cny_100m_to_usd_bn(np.array([143.0, 7202.0]), 7.0)
    assert out.shape == (2,) and out[1] > out[0]
