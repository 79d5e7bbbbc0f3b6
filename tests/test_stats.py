from __future__ import annotations

import random

import pytest

from bakeoff import stats


def test_median_ci_contains_median_and_is_deterministic() -> None:
    xs = [10.0, 11.0, 9.5, 10.2, 10.1, 9.9, 10.4]
    a = stats.median_ci(xs)
    b = stats.median_ci(xs)
    assert a == b
    assert a.lo <= a.median <= a.hi
    assert a.median == 10.1
    assert a.n == 7


def test_ratio_of_identical_samples_is_one_and_same() -> None:
    rng = random.Random(3)
    xs = [rng.gauss(50, 1) for _ in range(30)]
    assert len(set(xs)) == 30  # real spread, not one value repeated
    ratio, lo, hi = stats.ratio_ci(xs, list(xs))
    assert ratio == pytest.approx(1.0)
    assert lo <= 1.0 <= hi
    p = stats.mann_whitney_p(xs, list(xs))
    v, reason = stats.verdict(ratio, lo, hi, p, lower_is_better=True)
    assert v == "same"
    assert "includes 1" in reason


def test_clear_effect_is_better_when_lower_is_better() -> None:
    rng = random.Random(5)
    base = [rng.gauss(100, 2) for _ in range(20)]
    fast = [rng.gauss(50, 1) for _ in range(20)]
    ratio, lo, hi = stats.ratio_ci(base, fast)
    assert 0.45 < ratio < 0.55 and hi < 1
    p = stats.mann_whitney_p(base, fast)
    assert p < 0.001
    assert stats.verdict(ratio, lo, hi, p, lower_is_better=True)[0] == "better"
    assert stats.verdict(ratio, lo, hi, p, lower_is_better=False)[0] == "worse"


def test_effect_under_threshold_is_same() -> None:
    v, reason = stats.verdict(0.99, 0.985, 0.995, 0.0001, lower_is_better=True)
    assert v == "same"
    assert "threshold" in reason


def test_not_significant_after_correction_is_inconclusive() -> None:
    v, reason = stats.verdict(0.9, 0.85, 0.95, 0.2, lower_is_better=True)
    assert v == "inconclusive" and "Holm" in reason and "more runs" in reason


def test_holm_matches_hand_computation() -> None:
    # sorted p: 0.01 (x3 = 0.03), 0.02 (x2 = 0.04), 0.04 (x1 = 0.04)
    assert stats.holm([0.04, 0.01, 0.02]) == pytest.approx([0.04, 0.03, 0.04])
    assert stats.holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])
    assert stats.holm([]) == []


def test_nan_ratio_is_inconclusive() -> None:
    assert stats.verdict(float("nan"), 1, 1, 0.01, True)[0] == "inconclusive"


def test_noise_summary_flags_instability_and_sub_ms() -> None:
    s = stats.noise_summary([0.5, 0.6, 2.0, 0.55])
    warnings = stats.noise_warnings(s)
    assert any("under 1 ms" in w for w in warnings)
    assert any("unstable" in w for w in warnings)
    assert stats.noise_warnings(stats.noise_summary([10.0, 10.1, 9.9, 10.0])) == []


def test_identical_distributions_rarely_flip() -> None:
    """A/A on synthetic data: the verdict rule must say 'same' nearly always."""
    rng = random.Random(11)
    flips = 0
    trials = 200
    for _ in range(trials):
        a = [rng.lognormvariate(4, 0.05) for _ in range(15)]
        b = [rng.lognormvariate(4, 0.05) for _ in range(15)]
        ratio, lo, hi = stats.ratio_ci(a, b)
        p = stats.mann_whitney_p(a, b)
        if stats.verdict(ratio, lo, hi, p, True)[0] != "same":
            flips += 1
    assert flips / trials <= 0.05
