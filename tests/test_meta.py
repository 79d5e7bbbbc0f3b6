"""The random-effects pooling of per-machine ratios (``bakeoff.meta``)."""

from __future__ import annotations

import math

import pytest
from scipy import stats as sps

from bakeoff import meta


def test_matches_an_independent_implementation() -> None:
    # statsmodels 0.14 combine_effects(method_re="dl", use_t=True) on these inputs gave
    # tau2 0.0262853388, random-effects mean exp(-0.0832...) = 0.920059333, I² 0.825521372 and
    # the t-based DL interval (-0.52973589, 0.36310166) in log space
    p = meta.pool([0.8, 0.9, 1.1], [0.05, 0.1, 0.08])
    assert p is not None
    assert p.tau2 == pytest.approx(0.0262853388, rel=1e-8)
    assert p.ratio == pytest.approx(0.9200593332, rel=1e-9)
    assert p.i2 == pytest.approx(0.8255213722, rel=1e-8)
    assert math.log(p.ci[0]) == pytest.approx(-0.52973589, abs=1e-7)
    assert math.log(p.ci[1]) == pytest.approx(0.36310166, abs=1e-7)


def test_two_machines_by_hand() -> None:
    # equal standard errors s: fixed = mean, Q = (y1 - y2)² / (2 s²), τ² = max(0, (Q - 1) s²)
    y1, y2, s = math.log(0.5), math.log(0.7), 0.05
    p = meta.pool([0.5, 0.7], [s, s])
    assert p is not None
    q = (y1 - y2) ** 2 / (2 * s * s)
    assert p.q == pytest.approx(q)
    assert p.tau2 == pytest.approx((q - 1) * s * s)
    assert p.ratio == pytest.approx(math.exp((y1 + y2) / 2))
    assert p.i2 == pytest.approx((q - 1) / q)
    # the HKSJ scale with two equal weights is exactly 1 here: var = (s² + τ²) / 2, t on 1 df
    half = float(sps.t.ppf(0.975, 1)) * math.sqrt((s * s + p.tau2) / 2)
    assert math.log(p.ci[1]) - math.log(p.ratio) == pytest.approx(half)
    assert p.t_quantile == pytest.approx(12.706, abs=1e-3)
    assert "pools very little" in meta.how_much(p)


def test_consistent_machines_have_no_heterogeneity() -> None:
    p = meta.pool([1.0, 1.01, 0.99, 1.02], [0.1] * 4)
    assert p is not None
    assert p.tau2 == 0 and p.i2 == 0
    assert p.ratio == pytest.approx(p.fixed_ratio)
    # never narrower than the DerSimonian–Laird variance with the t quantile
    dl_half = float(sps.t.ppf(0.975, 3)) * math.sqrt(0.01 / 4)
    assert math.log(p.ci[1] / p.ratio) >= dl_half - 1e-12


def test_one_machine_or_no_usable_interval_pools_nothing() -> None:
    assert meta.pool([0.8], [0.1]) is None
    assert meta.pool([0.8, 0.9], [0.1, 0.0]) is None
    assert meta.log_se(0.0, 1.0) is None
    assert meta.log_se(2.0, 1.0) is None


def test_standard_error_from_an_interval_at_its_own_level() -> None:
    se95 = meta.log_se(0.8, 1.25)
    se999 = meta.log_se(0.8, 1.25, level=0.999)
    assert se95 == pytest.approx(math.log(1.25 / 0.8) / (2 * 1.959964), rel=1e-6)
    assert se999 is not None and se95 is not None and se999 < se95
