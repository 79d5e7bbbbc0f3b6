"""Sample until settled: the sequential decision rule for the primary comparisons.

Each surface has one primary comparison per candidate (see ``bakeoff.primary``). Its cases are
measured in interleaved blocks and *looked at after every block*; the case stops as soon as every
candidate's comparison is settled, or at a maximum number of blocks fixed before measuring.

The rule (documented in docs/verdicts.md):

* The ratio is ``candidate / baseline`` of geometric means, estimated on log values with a
  pooled-variance t interval. The design is balanced (every block runs every contestant once),
  where the pooled t-test is robust to unequal variances, and pooling keeps 2n−2 degrees of
  freedom at the tiny n (3–10) that installs and test suites allow.
* Family-wise error: ``alpha`` (0.05) is split equally over the primary family declared up front
  (Bonferroni: ``alpha / family``), then *spent over the looks* n = min_n … max_n with a
  Pocock-type spending function, ``a·ln(1 + (e − 1)·t)``. The interval at look k has level
  ``1 − α_k``; by the union bound, the probability that *any* look's interval of *any* primary
  comparison misses its true ratio is at most ``alpha`` — however often one peeks, and whichever
  look a case stops at. (Repeated confidence intervals, Jennison & Turnbull ch. 9, with the
  Bonferroni bound instead of exact group-sequential boundaries: exact boundaries assume normal
  z-statistics with known variance, which n = 3 does not give.)
* Settled: **better** / **worse** when the interval lies wholly outside the practical band
  ``[1/(1+threshold), 1+threshold]``; **equivalent** when it lies wholly inside; otherwise the
  case goes on, and at the maximum it is **inconclusive**, with the smallest effect the run could
  have settled and the repetitions that would settle the observed one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats as sps

Status = Literal["better", "worse", "equivalent", "undecided"]
ALPHA = 0.05
# Pocock-type spending: alpha(t) = a * ln(1 + (e - 1) t), t the information fraction.
_E1 = math.e - 1


@dataclass(frozen=True)
class Design:
    """A sequential design fixed before measuring: how many looks, at what error rate."""

    alpha: float = ALPHA
    family: int = 1  # number of primary comparisons in the evaluation
    min_n: int = 3  # first look (blocks per arm)
    max_n: int = 10  # last look
    threshold: float = 0.02  # practical band around a ratio of 1

    def __post_init__(self) -> None:
        if not 0 < self.alpha < 1:
            raise ValueError("alpha must be between 0 and 1")
        if self.family < 1:
            raise ValueError("the primary family needs at least one comparison")
        if self.min_n < 2 or self.max_n < self.min_n:
            raise ValueError("need 2 <= min_n <= max_n")
        if not 0 < self.threshold < 1:
            raise ValueError("threshold must be between 0 and 1")

    @property
    def looks(self) -> int:
        return self.max_n - self.min_n + 1

    @property
    def per_comparison(self) -> float:
        return self.alpha / self.family

    def look_alpha(self, n: int) -> float:
        """The error spent at the look with ``n`` samples per arm (0 before the first look;
        a look past the maximum gets nothing more to spend, so it reuses the last look's)."""
        if n < self.min_n:
            return 0.0
        k = min(n, self.max_n) - self.min_n + 1
        a = self.per_comparison

        def spent(t: float) -> float:
            return a * math.log1p(_E1 * t)

        return spent(k / self.looks) - spent((k - 1) / self.looks)

    def band(self) -> tuple[float, float]:
        return 1 / (1 + self.threshold), 1 + self.threshold

    def to_dict(self) -> dict[str, float | int]:
        return {
            "alpha": self.alpha,
            "family": self.family,
            "min_n": self.min_n,
            "max_n": self.max_n,
            "threshold": self.threshold,
        }


@dataclass(frozen=True)
class Interval:
    """A look at one comparison: the ratio, its repeated confidence interval and what it says."""

    ratio: float
    lo: float
    hi: float
    level: float  # confidence level of this look's interval (1 − α_k)
    n: int  # samples per arm at this look (the larger arm)
    status: Status
    p_value: float  # two-sided pooled t-test of "no difference" at this look (unadjusted)
    log_sd: float  # pooled standard deviation of the log samples

    @property
    def settled(self) -> bool:
        return self.status != "undecided"


def _logs(samples: Sequence[float]) -> np.ndarray:
    x = np.asarray(samples, dtype=float)
    if len(x) == 0 or not np.all(np.isfinite(x)) or np.any(x <= 0):
        raise ValueError("samples must be positive and finite")
    logs: np.ndarray = np.log(x)
    return logs


def pooled(baseline: Sequence[float], other: Sequence[float]) -> tuple[float, float, int]:
    """Difference of log means (other − baseline), pooled log standard deviation, degrees of
    freedom."""
    lb, lo = _logs(baseline), _logs(other)
    df = len(lb) + len(lo) - 2
    d = float(lo.mean() - lb.mean())
    if df <= 0:
        return d, math.nan, 0
    ss = float(((lb - lb.mean()) ** 2).sum() + ((lo - lo.mean()) ** 2).sum())
    return d, math.sqrt(ss / df), df


def look(
    design: Design,
    baseline: Sequence[float],
    other: Sequence[float],
    lower_is_better: bool = True,
) -> Interval:
    """The comparison at the current look."""
    n = max(len(baseline), len(other))
    d, sd, df = pooled(baseline, other)
    ratio = math.exp(d)
    a = design.look_alpha(n)
    if df <= 0 or a <= 0 or not math.isfinite(sd):
        return Interval(ratio, math.nan, math.nan, 1 - a, n, "undecided", 1.0, sd)
    se = sd * math.sqrt(1 / len(baseline) + 1 / len(other))
    if se == 0:
        lo = hi = ratio
        p = 1.0 if d == 0 else 0.0
    else:
        t = float(sps.t.ppf(1 - a / 2, df))
        lo, hi = math.exp(d - t * se), math.exp(d + t * se)
        p = float(2 * sps.t.sf(abs(d) / se, df))
    return Interval(ratio, lo, hi, 1 - a, n, classify(design, lo, hi, lower_is_better), p, sd)


def classify(design: Design, lo: float, hi: float, lower_is_better: bool = True) -> Status:
    """Where the interval ``[lo, hi]`` lies relative to the practical band."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "undecided"
    b_lo, b_hi = design.band()
    if hi < b_lo:
        return "better" if lower_is_better else "worse"
    if lo > b_hi:
        return "worse" if lower_is_better else "better"
    if lo >= b_lo and hi <= b_hi:
        return "equivalent"
    return "undecided"


def detectable(design: Design, n: int, log_sd: float) -> float:
    """The smallest effect (as a fraction, e.g. 0.15 for 15%) that the interval at the look with
    ``n`` samples per arm would put wholly outside the band, given the pooled log sd."""
    a = design.look_alpha(n)
    if n < 2 or a <= 0 or not math.isfinite(log_sd):
        return math.inf
    t = float(sps.t.ppf(1 - a / 2, 2 * n - 2))
    half = t * log_sd * math.sqrt(2 / n)
    return math.exp(half + math.log1p(design.threshold)) - 1


def runs_to_settle(design: Design, ratio: float, log_sd: float, limit: int = 200) -> int | None:
    """Blocks per arm at which an interval around the observed ``ratio`` (same spread) would
    settle, were the design's maximum that large: the answer to "how many runs would settle
    it". None when even ``limit`` would not (an effect inside the band needs equivalence, which
    needs the interval's half-width under the band's distance from the ratio)."""
    if not (math.isfinite(ratio) and ratio > 0 and math.isfinite(log_sd)):
        return None
    d = abs(math.log(ratio))
    edge = math.log1p(design.threshold)
    gap = d - edge if d > edge else edge - d
    if gap <= 0:
        return None
    for n in range(max(design.min_n, 2), limit + 1):
        longer = Design(
            design.alpha, design.family, design.min_n, max(n, design.max_n), design.threshold
        )
        a = longer.look_alpha(n)
        t = float(sps.t.ppf(1 - a / 2, 2 * n - 2))
        if t * log_sd * math.sqrt(2 / n) < gap:
            return n
    return None


@dataclass(frozen=True)
class SettleState:
    """After a look: which contestants need no more samples, and whether the case is done."""

    retire: frozenset[str]
    done: bool


def settle_state(
    design: Design,
    samples: Mapping[str, Sequence[float]],
    baseline: str,
    candidates: Sequence[str],
    lower_is_better: bool = True,
) -> SettleState:
    """The look after a block. ``samples`` holds the contestants still being sampled: a
    candidate whose comparison is settled is retired (its decision is fixed at this look; the
    analysis reads it at this look too, see ``analyze``); the case is done when no candidate
    is left to settle (a dropped baseline ends it: no comparison can improve)."""
    if baseline not in samples:
        return SettleState(frozenset(), True)
    base = samples[baseline]
    open_ = [c for c in candidates if c in samples]
    retire = frozenset(
        c
        for c in open_
        if len(base) >= design.min_n
        and len(samples[c]) >= design.min_n
        and look(design, base, samples[c], lower_is_better).settled
    )
    return SettleState(retire, all(c in retire for c in open_))


def settled_all(
    design: Design,
    samples: Mapping[str, Sequence[float]],
    baseline: str,
    candidates: Sequence[str],
    lower_is_better: bool = True,
) -> bool:
    """True when every candidate still sampled is settled at this look."""
    return settle_state(design, samples, baseline, candidates, lower_is_better).done
