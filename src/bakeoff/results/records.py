"""The rows of the results document: contestants, measurements (raw samples and their
summary), comparisons, compat results, and the failures runs leave behind."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bakeoff.results.base import Model


class Contestant(Model):
    name: str
    runtime: str
    version: str
    binary: str
    sha256: str
    spec: str = ""
    source: str = ""
    package: str | None = None
    package_manager: str | None = None


class Failure(Model):
    """A run that did not succeed, kept with its evidence."""

    reason: str
    exit_code: int | None = None
    signal: int | None = None
    timed_out: bool = False
    stderr_tail: str = ""
    stdout_tail: str = ""
    command: str = ""  # what ran (argv joined), so the report can show it


class Noise(Model):
    """How noisy a measurement's samples are (the checks pyperf warns about)."""

    cv: float = 0.0  # coefficient of variation
    min_rel: float = 0.0  # smallest sample relative to the median, minus 1
    max_rel: float = 0.0  # largest sample relative to the median, minus 1
    under_1ms: int | None = None  # samples under 1 ms (times in ms only)


class Measurement(Model):
    suite: str
    case: str
    metric: str
    contestant: str
    unit: str
    samples: list[float] = Field(default_factory=list)
    median: float | None = None
    ci: list[float] | None = None
    n: int = 0
    valid: bool = True
    notes: list[str] = Field(default_factory=list)
    lower_is_better: bool = True
    blocks: list[int] = Field(default_factory=list)  # block index of each sample
    stop_reason: str | None = None
    failures: list[Failure] = Field(default_factory=list)
    noise: Noise | None = None
    # "median": median and CI come from ``samples``; "pooled": the suite computed them from
    # merged raw data (latency percentiles) and ``samples`` holds one value per repetition.
    estimator: Literal["median", "pooled"] = "median"
    comparable: bool = True  # False: reported, never compared (e.g. achieved request rate)


class Comparison(Model):
    suite: str
    case: str
    metric: str
    baseline: str
    contestant: str
    ratio: float | None
    ci: list[float] | None
    p_value: float | None
    p_adjusted: float | None = None
    verdict: Literal["better", "worse", "same", "inconclusive"]
    reason: str = ""
    lower_is_better: bool = True
    test: str = ""  # which significance test gave p_value
    mde: float | None = None  # minimum detectable effect (fraction) of this comparison
    # "primary": decides a surface (sequential rule, family-wise error control); "guardrail":
    # a non-inferiority check beside a primary; "secondary": everything else (FDR-labelled)
    role: Literal["primary", "guardrail", "secondary"] = "secondary"
    surface: str | None = None  # the surface a primary or guard-rail belongs to
    level: float | None = None  # confidence level of ``ci``
    n: int | None = None  # samples per arm behind ``ci`` (the larger arm)
    runs_to_settle: int | None = None  # primary, inconclusive: blocks that would settle it
    margin: float | None = None  # guard-rail: the non-inferiority margin (fraction)
    noninferior: bool | None = None  # guard-rail: met (True), failed (False), unknown (None)

    @property
    def ci_name(self) -> str:
        """'95% CI', or a primary's repeated CI at its look's level ('99.96% CI')."""
        level = self.level if self.level is not None else 0.95
        text = f"{level * 100:.2f}".rstrip("0").rstrip(".")
        return f"{text}% CI"


CompatStatus = Literal["pass", "fail", "error", "skip", "timeout"]


class CompatResult(Model):
    area: str
    check: str
    contestant: str
    status: CompatStatus
    detail: str = ""
