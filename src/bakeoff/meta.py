"""Pooling one comparison across machines: a random-effects meta-analysis of log ratios.

Each machine contributes its ratio (candidate / baseline, measured *within* that machine) and the
standard error of its log, recovered from the machine's confidence interval:
``se = (ln hi − ln lo) / (2·z)`` with ``z`` the normal quantile of the interval's own level (a
primary comparison's repeated CI is at a higher level than 95%; a t-based interval read with
``z`` gives a slightly larger, i.e. conservative, se). Raw samples are never pooled.

* **Between-machine variance** τ² by DerSimonian–Laird (method of moments on Cochran's Q);
  **I²** = (Q − (k − 1)) / Q, the share of the spread across machines that is not sampling noise.
* **Pooled ratio** ``exp(Σ w*·y / Σ w*)`` with weights ``w* = 1 / (se² + τ²)``.
* **Its CI** by Hartung–Knapp–Sidik–Jonkman (t with k − 1 degrees of freedom on a variance
  rescaled by the weighted residuals, never below the DL variance): with few machines the plain
  DL interval with a normal quantile is too narrow; HKSJ keeps its coverage. With two machines
  the t quantile is 12.7 — the pooled interval is wide by construction, which is the honest
  statement: two machines say little about machines in general.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from scipy import stats as sps

LEVEL = 0.95


def log_se(lo: float, hi: float, level: float = LEVEL) -> float | None:
    """The standard error of a log ratio from its CI at ``level`` (None when unusable)."""
    if not (lo > 0 and hi > 0 and math.isfinite(lo) and math.isfinite(hi) and hi >= lo):
        return None
    z = float(sps.norm.ppf(0.5 + level / 2))
    se = (math.log(hi) - math.log(lo)) / (2 * z)
    return se if se > 0 else None


@dataclass(frozen=True)
class Pooled:
    k: int  # machines pooled
    ratio: float
    ci: tuple[float, float]
    level: float
    tau2: float  # between-machine variance of the log ratio (DerSimonian–Laird)
    i2: float  # 0..1
    q: float  # Cochran's Q
    q_p: float  # p-value of Q against chi² with k − 1 df (heterogeneity test; low power)
    fixed_ratio: float  # the inverse-variance (fixed-effect) estimate, for reference
    t_quantile: float  # the t_{k-1} quantile the CI used
    method: str = "DerSimonian–Laird random effects, HKSJ CI"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ci"] = list(self.ci)
        return d


def pool(ratios: Sequence[float], ses: Sequence[float], level: float = LEVEL) -> Pooled | None:
    """Random-effects pooled ratio of ``ratios`` (one per machine) with standard errors ``ses``
    of their logs; None for fewer than two machines (nothing to pool)."""
    pairs = [
        (math.log(r), s)
        for r, s in zip(ratios, ses, strict=True)
        if r > 0 and math.isfinite(r) and s > 0
    ]
    k = len(pairs)
    if k < 2:
        return None
    y = [p[0] for p in pairs]
    v = [p[1] ** 2 for p in pairs]
    w = [1 / x for x in v]
    sw = sum(w)
    fixed = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / sw
    q = sum(wi * (yi - fixed) ** 2 for wi, yi in zip(w, y, strict=True))
    df = k - 1
    c = sw - sum(wi * wi for wi in w) / sw
    tau2 = max(0.0, (q - df) / c) if c > 0 else 0.0
    ws = [1 / (vi + tau2) for vi in v]
    sws = sum(ws)
    mu = sum(wi * yi for wi, yi in zip(ws, y, strict=True)) / sws
    # HKSJ: rescale the variance by the weighted residual spread (at least 1: never narrower
    # than DerSimonian–Laird) and use t with k − 1 degrees of freedom
    scale = sum(wi * (yi - mu) ** 2 for wi, yi in zip(ws, y, strict=True)) / df
    var = max(1.0, scale) / sws
    t = float(sps.t.ppf(0.5 + level / 2, df))
    half = t * math.sqrt(var)
    i2 = max(0.0, (q - df) / q) if q > 0 else 0.0
    q_p = float(sps.chi2.sf(q, df))
    return Pooled(
        k=k,
        ratio=math.exp(mu),
        ci=(math.exp(mu - half), math.exp(mu + half)),
        level=level,
        tau2=tau2,
        i2=i2,
        q=q,
        q_p=q_p,
        fixed_ratio=math.exp(fixed),
        t_quantile=t,
    )


def how_much(p: Pooled) -> str:
    """A plain sentence on what the pooled estimate can and cannot say."""
    if p.k == 2:
        return (
            "2 machines: τ² rests on one degree of freedom and the pooled CI uses t with 1 df "
            f"({p.t_quantile:.1f}× the standard error) — this pools very little; read the "
            "per-machine ratios"
        )
    if p.k < 5:
        return (
            f"{p.k} machines: τ² and I² are imprecise with so few machines; the pooled CI "
            f"uses t with {p.k - 1} df"
        )
    return f"{p.k} machines pooled (t with {p.k - 1} df)"
