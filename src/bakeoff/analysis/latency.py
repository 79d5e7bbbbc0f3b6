"""Block-bootstrap intervals for latency percentiles, from the per-second histograms the serve
suite keeps (``bakeoff.results.latency``): resampling whole one-second windows respects the
correlation between neighbouring requests; windows from different repetitions carry the
run-to-run variation. A fixed seed: the same histograms always give the same interval."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from bakeoff.results.latency import Histogram, _matrix, bucket_value, merge, percentiles

N_BOOT = 1000
SEED = 20261124


def bootstrap(
    windows: Sequence[Histogram], qs: Sequence[float], n_boot: int = N_BOOT, seed: int = SEED
) -> np.ndarray:
    """Bootstrap replicates of the percentiles: an ``n_boot × len(qs)`` array, each row the
    percentiles of the merged histogram of ``len(windows)`` windows drawn with replacement."""
    windows = [w for w in windows if w]
    if not windows:
        return np.full((n_boot, len(qs)), math.nan)
    keys, mat = _matrix(windows)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(windows), size=(n_boot, len(windows)))
    # how often each window is drawn in each replicate, times the windows' bucket counts:
    # every replicate's merged histogram at once (n_boot × buckets)
    draws = np.zeros((n_boot, len(windows)))
    np.add.at(draws, (np.arange(n_boot)[:, None], picks), 1.0)
    counts = draws @ mat
    cum = np.cumsum(counts, axis=1)
    total = cum[:, -1]
    values = np.array([bucket_value(int(k)) for k in keys])
    out = np.full((n_boot, len(qs)), math.nan)
    for j, q in enumerate(qs):
        rank = np.maximum(1.0, np.ceil(q / 100 * total))
        # first bucket whose cumulative count reaches the rank (searchsorted per row)
        idx = np.minimum((cum < rank[:, None]).sum(axis=1), len(keys) - 1)
        out[:, j] = np.where(total > 0, values[idx], math.nan)
    return out


def percentile_cis(
    windows: Sequence[Histogram], qs: Sequence[float], confidence: float = 0.95
) -> list[tuple[float, float, float]]:
    """Point estimate (from all windows merged) and a block-bootstrap CI for each percentile,
    from one bootstrap shared by all of them."""
    points = percentiles(merge(windows), qs)
    if len(windows) < 2:
        return [(p, math.nan, math.nan) for p in points]
    reps = bootstrap(windows, qs)
    alpha = (1 - confidence) / 2
    out = []
    for j, point in enumerate(points):
        col = reps[:, j][np.isfinite(reps[:, j])]
        if len(col) == 0:
            out.append((point, math.nan, math.nan))
        else:
            lo, hi = float(np.quantile(col, alpha)), float(np.quantile(col, 1 - alpha))
            out.append((point, lo, hi))
    return out


def ratio_ci(
    base: Sequence[Histogram], other: Sequence[Histogram], q: float, confidence: float = 0.95
) -> tuple[float, float, float, float]:
    """Ratio of a percentile (other / base) with a bootstrap CI and a two-sided bootstrap
    p-value for "the ratio is 1"."""
    b_point = percentiles(merge(base), [q])[0]
    o_point = percentiles(merge(other), [q])[0]
    ratio = o_point / b_point if b_point else math.nan
    rb = bootstrap(base, [q], seed=SEED)[:, 0]
    ro = bootstrap(other, [q], seed=SEED + 1)[:, 0]
    r = ro / rb
    r = r[np.isfinite(r)]
    if len(r) == 0 or len(base) < 2 or len(other) < 2:
        return ratio, math.nan, math.nan, 1.0
    alpha = (1 - confidence) / 2
    lo, hi = float(np.quantile(r, alpha)), float(np.quantile(r, 1 - alpha))
    below = float(np.mean(r < 1.0))
    above = float(np.mean(r > 1.0))
    p = min(1.0, 2 * min(below, above) + 1 / len(r))
    return ratio, lo, hi, p
