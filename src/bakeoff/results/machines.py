"""The sections of a merged document (``bakeoff merge``): the price a machine was charged as,
and the cross-machine view — each machine's own ratio per comparison, a pooled estimate where
two or more machines have one (``bakeoff.analysis.crossmachine``), and each machine's decision
per surface."""

from __future__ import annotations

from pydantic import Field

from bakeoff.results.base import Model


class MachinePrice(Model):
    """What a machine of a merged document was priced as (``--price-machine``)."""

    type: str
    as_: str = Field(default="", alias="as")
    key: str = ""
    amount: str = ""
    per: str = "1"
    unit: str = ""
    source: str = ""
    url: str = ""
    date: str = ""
    overridden: bool = False


class MachineRatio(Model):
    """One machine's ratio for a comparison (computed on that machine alone)."""

    label: str
    ratio: float | None = None
    ci: list[float] | None = None
    level: float = 0.95
    verdict: str = ""
    role: str = "secondary"
    n: int | None = None
    reason: str = ""
    log_se: float | None = None


class PooledEstimate(Model):
    """A random-effects pooled ratio over machines (``bakeoff.analysis.meta``)."""

    k: int
    ratio: float
    ci: list[float]
    level: float
    tau2: float
    i2: float
    q: float
    q_p: float
    fixed_ratio: float
    t_quantile: float
    method: str = ""


class CrossComparison(Model):
    suite: str
    case: str
    metric: str
    baseline: str
    contestant: str
    role: str = "secondary"
    surface: str | None = None
    lower_is_better: bool = True
    machines: list[MachineRatio] = Field(default_factory=list)
    pooled: PooledEstimate | None = None
    pooled_note: str = ""
    agreement: str = ""


class MachineDecision(Model):
    decision: str | None = None
    contestant: str | None = None
    rule: str | None = None
    reason: str | None = None


class CrossDecision(Model):
    surface: str | None = None
    label: str | None = None
    machines: dict[str, MachineDecision] = Field(default_factory=dict)
    agree: bool = True


class CrossMachine(Model):
    machines: list[str] = Field(default_factory=list)
    method: str = ""
    comparisons: list[CrossComparison] = Field(default_factory=list)
    decisions: list[CrossDecision] = Field(default_factory=list)
