"""Primary endpoints: the one metric per surface that decides it, declared before measuring.

=================  =====================================================  =====================
surface            primary endpoint (candidate / baseline)                valid only when
=================  =====================================================  =====================
service runtime    server CPU per 1k requests at the reference rate       the phase is valid
package manager    install wall time, cold cache + lockfile (what CI      the install worked
                   does)
test runner        test-suite wall time                                   full test parity
bundler            build wall time                                        the bundle works
packaging          start-up of the single-file binary                     it builds and runs
=================  =====================================================  =====================

The service runtime also has guard-rails (non-inferiority): p99 latency and steady RSS at the
reference rate must not be worse than ``1 + margin`` (upper end of their 95% CI).

Before the first measurement the evaluation declares its *primary family*: every (surface,
candidate) pair the enabled suites will compare with the baseline. The family-wise error rate is
controlled over that family only (``bakeoff.plan.sequential``); every other comparison is secondary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bakeoff.plan.sequential import ALPHA, Design
from bakeoff.results.sections import Settings

REFERENCE = "@reference"  # the serve case at the reference rate, known once rates are chosen


@dataclass(frozen=True)
class Endpoint:
    surface: str
    suite: str
    case: str
    metric: str
    text: str


ENDPOINTS: dict[str, Endpoint] = {
    e.surface: e
    for e in (
        Endpoint(
            "service_runtime",
            "serve",
            REFERENCE,
            "cpu_ms_per_1k_req",
            "server CPU per 1k requests at the reference rate",
        ),
        Endpoint(
            "package_manager",
            "install",
            "cold-lockfile",
            "wall_s",
            "install wall time, cold cache + lockfile (what CI does)",
        ),
        Endpoint("test_runner", "test", "tests", "wall_s", "test-suite wall time (full parity)"),
        Endpoint("bundler", "build", "bundle", "wall_s", "build wall time (the bundle works)"),
        Endpoint(
            "packaging",
            "package",
            "single-file",
            "wall_ms",
            "start-up of the single-file binary",
        ),
    )
}

# Guard-rails of the service runtime: (metric, non-inferiority margin).
GUARDRAILS: dict[str, list[tuple[str, float]]] = {
    "service_runtime": [("latency_p99_ms", 0.10), ("rss_steady_mb", 0.10)],
}


@dataclass(frozen=True)
class Primary:
    """One member of the primary family: a candidate on a surface."""

    surface: str
    contestant: str
    case: str | None = None  # overrides the endpoint's case (e.g. the install state used)

    @property
    def endpoint(self) -> Endpoint:
        return ENDPOINTS[self.surface]

    def key(self) -> tuple[str, str, str, str]:
        e = self.endpoint
        return (e.suite, self.case or e.case, e.metric, self.contestant)


@dataclass
class DecisionPlan:
    """The primary family and error rate, fixed before the first measurement."""

    baseline: str
    family: list[Primary] = field(default_factory=list)
    alpha: float = ALPHA
    threshold: float = 0.02

    def design(self, min_n: int, max_n: int) -> Design:
        return Design(
            alpha=self.alpha,
            family=max(1, len(self.family)),
            min_n=min_n,
            max_n=max(min_n, max_n),
            threshold=self.threshold,
        )

    def candidates(self, surface: str) -> list[str]:
        return [p.contestant for p in self.family if p.surface == surface]

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline,
            "alpha": self.alpha,
            "threshold": self.threshold,
            "family": [
                {
                    "surface": p.surface,
                    "contestant": p.contestant,
                    "suite": p.key()[0],
                    "case": p.key()[1],
                    "metric": p.key()[2],
                }
                for p in self.family
            ],
            "endpoints": {s: e.text for s, e in ENDPOINTS.items()},
        }


def family_from(settings: Settings) -> dict[tuple[str, str, str, str], str]:
    """``(suite, case, metric, contestant) -> surface`` of a document's declared family."""
    plan = settings.primary
    family = plan.family if plan else []
    return {(p.suite, p.case, p.metric, p.contestant): p.surface for p in family}
