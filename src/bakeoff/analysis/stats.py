"""Statistics over raw samples: medians with bootstrap confidence intervals, ratios of medians
with CIs, Mann–Whitney U tests, Holm and Benjamini–Hochberg corrections, verdicts and noise
checks.

Pure functions of their inputs (the median's estimator itself lives with the stopping rule in
``bakeoff.plan.stopping``): the bootstrap uses a fixed seed, so the same samples always
give the same intervals (anyone re-rendering a results file sees the same numbers).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
from scipy import stats as sps

# the median's estimator is the plan's (its stopping rule reads it), shared here
from bakeoff.plan.stopping import CONFIDENCE as CONFIDENCE
from bakeoff.plan.stopping import N_BOOT as N_BOOT
from bakeoff.plan.stopping import SEED as SEED
from bakeoff.plan.stopping import Estimate as Estimate
from bakeoff.plan.stopping import _boot_medians, _rng
from bakeoff.plan.stopping import median_ci as median_ci
from bakeoff.results.records import Noise

DEFAULT_THRESHOLD = 0.02
ALPHA = 0.05

Verdict = Literal["better", "worse", "same", "inconclusive"]


def ratio_ci(
    baseline: Sequence[float],
    other: Sequence[float],
    confidence: float = CONFIDENCE,
    n_boot: int = N_BOOT,
) -> tuple[float, float, float]:
    """Ratio of medians ``other / baseline`` with a bootstrap CI (independent resampling)."""
    b = np.asarray(baseline, dtype=float)
    o = np.asarray(other, dtype=float)
    mb, mo = float(np.median(b)), float(np.median(o))
    if mb == 0:
        return (math.nan, math.nan, math.nan)
    rng = _rng()
    bb = _boot_medians(b, rng, n_boot)
    bo = _boot_medians(o, rng, n_boot)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = bo / bb
    ratios = ratios[np.isfinite(ratios)]
    a = (1 - confidence) / 2
    lo, hi = np.quantile(ratios, [a, 1 - a]) if len(ratios) else (math.nan, math.nan)
    return (mo / mb, float(lo), float(hi))


def mann_whitney_p(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sided Mann–Whitney U p-value (1.0 when either side is too small or all ties)."""
    if len(a) < 2 or len(b) < 2:
        return 1.0
    if len(set(a) | set(b)) == 1:
        return 1.0
    res = sps.mannwhitneyu(a, b, alternative="two-sided")
    return float(res.pvalue)


SMALL_N = 6  # below this many samples per side, a rank test cannot reach significance


def welch_log_p(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sided Welch t-test on log values (ratios of timings are what matter, and timings
    are roughly log-normal). Used for small repetition counts (load phases, installs, CI
    runs), where Mann–Whitney's smallest possible p-value (0.1 for 3 vs 3) can never reach
    significance however large the effect."""
    if len(a) < 2 or len(b) < 2 or min(min(a), min(b)) <= 0:
        return 1.0
    la, lb = np.log(np.asarray(a, dtype=float)), np.log(np.asarray(b, dtype=float))
    if np.ptp(la) == 0 and np.ptp(lb) == 0:
        return 1.0 if la[0] == lb[0] else 0.0
    with warnings.catch_warnings():  # near-identical samples: scipy warns, the p-value is fine
        warnings.simplefilter("ignore", RuntimeWarning)
        res = sps.ttest_ind(la, lb, equal_var=False)
    p = float(res.pvalue)
    return p if math.isfinite(p) else 1.0


def difference_p(a: Sequence[float], b: Sequence[float]) -> tuple[float, str]:
    """The p-value for "a and b differ" and the test that gave it: Mann–Whitney U when both
    sides have at least ``SMALL_N`` samples, else Welch's t-test on logs."""
    if min(len(a), len(b)) >= SMALL_N:
        return mann_whitney_p(a, b), "mann-whitney"
    return welch_log_p(a, b), "welch-log"


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values, in the input order."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


def benjamini_hochberg(pvalues: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (false-discovery rate), in the input order."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i], reverse=True)
    adjusted = [0.0] * m
    running = 1.0
    for rank, i in enumerate(order):
        running = min(running, pvalues[i] * m / (m - rank))
        adjusted[i] = min(1.0, running)
    return adjusted


def verdict(
    ratio: float,
    lo: float,
    hi: float,
    p_adjusted: float,
    lower_is_better: bool,
    threshold: float = DEFAULT_THRESHOLD,
    alpha: float = ALPHA,
    correction: str = "Holm correction",
) -> tuple[Verdict, str]:
    """The verdict rule of a secondary comparison (documented in the README):

    * ``inconclusive`` when the ratio cannot be computed;
    * ``same`` when the ratio's CI contains 1 or the effect is under ``threshold``;
    * ``inconclusive`` when the CI excludes 1 but the adjusted p-value (``correction``) is not
      below ``alpha`` (too few runs to tell after correcting for the run's many comparisons);
    * otherwise ``better`` or ``worse`` by the metric's direction.
    """
    if not all(math.isfinite(v) for v in (ratio, lo, hi)):
        return "inconclusive", "ratio could not be computed"
    if lo <= 1.0 <= hi:
        return "same", "the 95% CI of the ratio includes 1"
    if abs(ratio - 1.0) < threshold:
        return "same", f"effect {abs(ratio - 1) * 100:.1f}% is under the {threshold:.0%} threshold"
    if p_adjusted >= alpha:
        return "inconclusive", (
            f"not significant after {correction} (p = {p_adjusted:.3g}): more runs would settle it"
        )
    lower = ratio < 1.0
    return ("better" if lower == lower_is_better else "worse"), "significant"


# z(0.975) + z(0.80): an effect this many "CI half-widths over z(0.975)" away from 1 is found
# with 80% power by a 95% interval.
_POWER_FACTOR = (1.959964 + 0.841621) / 1.959964


def mde(lo: float, hi: float, threshold: float = DEFAULT_THRESHOLD) -> float:
    """Minimum detectable effect of one comparison, as a fraction: the smallest true difference
    the verdict rule would report with about 80% power, given the ratio's 95% CI ``[lo, hi]``.

    The rule needs the CI to exclude 1 and the effect to reach ``threshold``; a CI of half-width
    ``h`` excludes 1 half the time for a true effect of ``h`` and 80% of the time for
    ``h * (z₀.₉₇₅ + z₀.₈) / z₀.₉₇₅ ≈ 1.43 h``. ``inf`` when the CI is unknown."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi < lo:
        return math.inf
    return max(threshold, (hi - lo) / 2 * _POWER_FACTOR)


def self_mde(samples: Sequence[float], threshold: float = DEFAULT_THRESHOLD) -> float:
    """Minimum detectable effect for comparing two arms that each look like ``samples``: the
    ratio CI of the samples against an independent resampling of themselves. Used when a case
    has a single contestant, so every case states what it could have detected."""
    if len(samples) < 2:
        return math.inf
    _, lo, hi = ratio_ci(samples, samples)
    return mde(lo, hi, threshold)


def noise_summary(samples: Sequence[float], unit_ms: bool = True) -> Noise | None:
    """Coefficient of variation, min/max spread around the median, and (for times in ms) how
    many samples were under 1 ms — the checks pyperf warns about (None: no samples)."""
    x = np.asarray(samples, dtype=float)
    if len(x) == 0:
        return None
    med = float(np.median(x))
    mean = float(np.mean(x))
    return Noise(
        cv=float(np.std(x, ddof=1) / mean) if len(x) > 1 and mean else 0.0,
        min_rel=float(x.min() / med - 1) if med else 0.0,
        max_rel=float(x.max() / med - 1) if med else 0.0,
        under_1ms=int((x < 1.0).sum()) if unit_ms else None,
    )


def noise_warnings(summary: Noise | None) -> list[str]:
    """Human-readable warnings for a noise summary (empty when the samples look stable)."""
    warn: list[str] = []
    if summary is None:
        return warn
    if summary.cv >= 0.10:
        warn.append(f"unstable: coefficient of variation {summary.cv:.0%} (>= 10%)")
    if summary.max_rel >= 0.5 or summary.min_rel <= -0.5:
        warn.append(
            f"outliers: min {summary.min_rel:+.0%} / max {summary.max_rel:+.0%} from the median"
        )
    if summary.under_1ms:
        warn.append(f"{summary.under_1ms} samples under 1 ms: timer and spawn noise dominate")
    return warn
