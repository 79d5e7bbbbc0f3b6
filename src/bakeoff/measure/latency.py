"""Latency distributions: log-bucketed histograms that merge across repetitions, percentiles
from merged counts, and block-bootstrap intervals.

Percentiles are never averaged across runs: raw latencies go into histograms (1% wide buckets,
so a percentile read from one is within 1% of the exact value), histograms merge by adding
counts, and percentiles are read from the merged counts. Each phase keeps one histogram per
one-second window; resampling whole windows (a block bootstrap) gives confidence intervals that
respect the correlation between neighbouring requests, and windows from different repetitions
carry the run-to-run variation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

GROWTH = 1.01  # bucket width: 1%
MIN_MS = 0.001  # 1 µs: everything below lands in bucket 0
_LOG = math.log(GROWTH)
N_BOOT = 1000
SEED = 20261124

Histogram = dict[int, int]  # bucket index -> count (sparse; JSON keys become strings)


def bucket(ms: float) -> int:
    if ms <= MIN_MS:
        return 0
    return int(math.log(ms / MIN_MS) / _LOG) + 1


def bucket_value(index: int) -> float:
    """A representative latency for a bucket: its geometric midpoint."""
    if index <= 0:
        return MIN_MS
    lo = MIN_MS * GROWTH ** (index - 1)
    return lo * math.sqrt(GROWTH)


def histogram(values_ms: Iterable[float]) -> Histogram:
    h: Histogram = {}
    for v in values_ms:
        b = bucket(v)
        h[b] = h.get(b, 0) + 1
    return h


def normalize(h: dict[int, int] | dict[str, int]) -> Histogram:
    """Integer keys again (a histogram read back from JSON has string keys)."""
    return {int(k): int(c) for k, c in h.items()}


def merge(hists: Iterable[Histogram]) -> Histogram:
    out: Histogram = {}
    for h in hists:
        for k, c in h.items():
            key = int(k)
            out[key] = out.get(key, 0) + int(c)
    return out


def count(h: Histogram) -> int:
    return sum(int(c) for c in h.values())


def percentiles(h: Histogram, qs: Sequence[float]) -> list[float]:
    """Percentiles (0-100) read from a histogram; NaN for an empty one. q=100 is the max."""
    if not h:
        return [math.nan for _ in qs]
    norm = normalize(h)
    keys = sorted(norm)
    counts = np.array([norm[k] for k in keys], dtype=float)
    return _quantiles(np.array(keys), counts, qs)


def _quantiles(keys: np.ndarray, counts: np.ndarray, qs: Sequence[float]) -> list[float]:
    total = counts.sum()
    if total <= 0:
        return [math.nan for _ in qs]
    cum = np.cumsum(counts)
    out = []
    for q in qs:
        rank = max(1.0, math.ceil(q / 100 * total))
        i = int(np.searchsorted(cum, rank))
        out.append(bucket_value(int(keys[min(i, len(keys) - 1)])))
    return out


def _matrix(windows: Sequence[Histogram]) -> tuple[np.ndarray, np.ndarray]:
    keys = sorted({int(k) for w in windows for k in w})
    pos = {k: i for i, k in enumerate(keys)}
    mat = np.zeros((len(windows), len(keys)))
    for r, w in enumerate(windows):
        for k, c in w.items():
            mat[r, pos[int(k)]] = int(c)
    return np.array(keys), mat


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


def quantile_of(metric: str) -> float | None:
    """The percentile a metric name stands for: ``latency_p95_ms`` → 95, ``latency_max_ms``
    → 100, ``latency_p999_ms`` → 99.9."""
    if metric == "latency_max_ms":
        return 100.0
    if metric.startswith("latency_p") and metric.endswith("_ms"):
        digits = metric[len("latency_p") : -len("_ms")]
        if digits.isdigit():
            return float(digits) if len(digits) <= 2 else float(digits) / 10 ** (len(digits) - 2)
    return None
