"""When to stop measuring a case — part of the plan, fixed before the first run.

* ``StopRule``: warm-ups, the least and most blocks, the precision target (a median's 95% CI
  half-width) and how failures and noisy blocks are treated;
* ``precise_enough``: the precision target, from the percentile-bootstrap CI of the median
  (``median_ci``, which the analysis uses for every summary too);
* ``Settle``: the check a case that decides a surface passes instead (the sequential rule of
  ``bakeoff.plan.sequential``).

The scheduler (``bakeoff.measure.scheduler``) applies these; the analysis re-uses the estimator.
The bootstrap uses a fixed seed, so the same samples always give the same interval.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bakeoff.plan.sequential import SettleState

CONFIDENCE = 0.95
N_BOOT = 2000
SEED = 20261124


@dataclass(frozen=True)
class Estimate:
    median: float
    lo: float
    hi: float
    n: int

    @property
    def half_width_rel(self) -> float:
        """The CI half-width relative to the median (``inf`` when it cannot be computed)."""
        if self.n < 2 or self.median == 0:
            return math.inf
        return (self.hi - self.lo) / 2 / abs(self.median)


def _rng() -> np.random.Generator:
    return np.random.default_rng(SEED)


def _boot_medians(x: np.ndarray, rng: np.random.Generator, n_boot: int) -> np.ndarray:
    idx = rng.integers(0, len(x), size=(n_boot, len(x)))
    medians: np.ndarray = np.median(x[idx], axis=1)
    return medians


def median_ci(
    samples: Sequence[float], confidence: float = CONFIDENCE, n_boot: int = N_BOOT
) -> Estimate:
    """Median and percentile-bootstrap CI of the median."""
    x = np.asarray(samples, dtype=float)
    if len(x) == 0:
        raise ValueError("no samples")
    med = float(np.median(x))
    if len(x) < 2:
        return Estimate(med, med, med, len(x))
    meds = _boot_medians(x, _rng(), n_boot)
    a = (1 - confidence) / 2
    lo, hi = np.quantile(meds, [a, 1 - a])
    return Estimate(med, float(lo), float(hi), len(x))


@dataclass(frozen=True)
class StopRule:
    precision: float = 0.02
    min_runs: int = 10
    max_runs: int = 60
    warmups: int = 1
    max_failures: int = 3
    rerun_noisy: bool = True  # re-run blocks the noise watch calls noisy (see module docstring)

    @property
    def max_reruns(self) -> int:
        return max(2, self.max_runs // 5) if self.rerun_noisy else 0

    def __post_init__(self) -> None:
        if not 0 < self.precision < 1:
            raise ValueError("precision must be between 0 and 1 (e.g. 0.02 for ±2%)")
        # one run is a rule for a case that decides nothing (a quick run's secondary install
        # states); users ask for at least 2 (--min-runs, [measure] min_runs)
        if self.min_runs < 1:
            raise ValueError("min_runs must be at least 1")
        if self.max_runs < self.min_runs:
            raise ValueError("max_runs must be >= min_runs")
        if self.warmups < 0:
            raise ValueError("warmups must be >= 0")


# Given each active contestant's samples so far: who needs no more samples, and is the case
# settled? (bakeoff.plan.sequential.settle_state)
Settle = Callable[[dict[str, list[float]]], SettleState]


def precise_enough(samples: Sequence[float], precision: float) -> bool:
    return len(samples) >= 2 and median_ci(samples).half_width_rel <= precision
