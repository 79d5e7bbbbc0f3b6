"""From the load rounds to the results document: per contestant and rate the latency
percentiles (from merged per-second histograms, with block-bootstrap CIs), server CPU per 1k
requests, RSS, achieved rate; time to ready and idle RSS; saturation throughput. A phase with a
problem is kept, shown with its reason and left out of the verdicts."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bakeoff.analysis import latency as latency_ci
from bakeoff.measure.loadgen import PhaseResult, SaturationResult
from bakeoff.measure.server import ServerFailed
from bakeoff.plan.contestants import Contender
from bakeoff.results import Failure, Measurement, ResultsDocument, latency

SUITE = "serve"
PERCENTILES: dict[str, float] = {
    "latency_p50_ms": 50,
    "latency_p90_ms": 90,
    "latency_p95_ms": 95,
    "latency_p99_ms": 99,
    "latency_max_ms": 100,
}


# -- per-contestant state ---------------------------------------------------------------------
@dataclass
class Contestant:
    who: Contender
    ready_ms: list[float] = field(default_factory=list)
    idle_rss_mb: list[float] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    dropped: str | None = None
    mismatches: list[str] = field(default_factory=list)
    probe: SaturationResult | None = None
    phases: dict[float, list[dict[str, Any]]] = field(default_factory=dict)
    saturation: list[SaturationResult] = field(default_factory=list)

    def fail(self, exc: ServerFailed, where: str) -> None:
        self.failures.append(
            Failure(
                reason=f"{where}: {exc.reason}",
                exit_code=exc.exit_code,
                timed_out=exc.timed_out,
                stderr_tail=exc.stderr_tail[-1000:],
                stdout_tail=exc.stdout_tail[-1000:],
                command=exc.command,
            )
        )
        if len(self.failures) >= 2 and self.dropped is None:
            self.dropped = f"server failed {len(self.failures)} times (last: {exc.reason})"


def record(doc: ResultsDocument, people: list[Contestant], info: dict[str, Any]) -> None:
    hists: dict[str, dict[str, list[list[latency.Histogram]]]] = info.setdefault("histograms", {})
    curves: dict[str, dict[str, list[list[float | None]]]] = info.setdefault("latency_curve", {})
    phases_info: dict[str, dict[str, list[dict[str, Any]]]] = info.setdefault("phases", {})
    for c in people:
        name = c.who.name
        notes = [f"dropped: {c.dropped}"] if c.dropped else []
        for metric, unit, samples in (
            ("ready_ms", "ms", c.ready_ms),
            ("idle_rss_mb", "MB", c.idle_rss_mb),
        ):
            doc.measurements.append(
                Measurement(
                    suite=SUITE,
                    case="ready",
                    metric=metric,
                    contestant=name,
                    unit=unit,
                    samples=[round(x, 4) for x in samples],
                    valid=len(samples) >= 2,
                    notes=list(notes),
                    failures=c.failures if metric == "ready_ms" else [],
                )
            )
        for rate, recs in c.phases.items():
            case = case_of(rate)
            phases_info.setdefault(name, {})[case] = [
                {k: v for k, v in r.items() if k != "windows"} for r in recs
            ]
            good = [r for r in recs if not r["problems"]]
            invalid_notes = [
                f"rep {i + 1} invalid: {'; '.join(r['problems'])}"
                for i, r in enumerate(recs)
                if r["problems"]
            ]
            windows = [w for r in good for w in r["windows"]]
            hists.setdefault(name, {})[case] = [r["windows"] for r in good]
            merged = latency.merge(windows)
            qs = [1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9, 100]
            curves.setdefault(name, {})[case] = [
                [q, _num(v)] for q, v in zip(qs, latency.percentiles(merged, qs), strict=True)
            ]
            valid = bool(good)
            base_notes = [*notes, *invalid_notes]
            if not valid:
                base_notes.append("no valid repetition: not used for verdicts")
            estimates = (
                latency_ci.percentile_cis(windows, list(PERCENTILES.values()))
                if windows
                else [(0.0, 0.0, 0.0)] * len(PERCENTILES)
            )
            for (metric, q), (point, lo, hi) in zip(PERCENTILES.items(), estimates, strict=True):
                doc.measurements.append(
                    Measurement(
                        suite=SUITE,
                        case=case,
                        metric=metric,
                        contestant=name,
                        unit="ms",
                        samples=[
                            round(latency.percentiles(latency.merge(r["windows"]), [q])[0], 4)
                            for r in good
                        ],
                        median=_num(point) if windows else None,
                        ci=[round(lo, 4), round(hi, 4)]
                        if windows and math.isfinite(lo) and math.isfinite(hi)
                        else None,
                        valid=valid,
                        notes=list(base_notes),
                        estimator="pooled",
                    )
                )
            for metric, unit, lower in (
                ("cpu_ms_per_1k_req", "ms", True),
                ("rss_steady_mb", "MB", True),
                ("peak_rss_mb", "MB", True),
                ("achieved_rps", "req/s", False),
            ):
                doc.measurements.append(
                    Measurement(
                        suite=SUITE,
                        case=case,
                        metric=metric,
                        contestant=name,
                        unit=unit,
                        samples=[r[metric] for r in good],
                        blocks=[int(r.get("rep", i)) for i, r in enumerate(good)],
                        valid=len(good) >= 2,
                        notes=list(base_notes)
                        + ([f"only {len(good)} valid repetition"] if len(good) == 1 else []),
                        lower_is_better=lower,
                        comparable=metric != "achieved_rps",
                    )
                )
        if c.saturation:
            good_sat = [s for s in c.saturation if not s.problems]
            doc.measurements.append(
                Measurement(
                    suite=SUITE,
                    case="saturation",
                    metric="throughput_rps",
                    contestant=name,
                    unit="req/s",
                    samples=[round(s.throughput_rps, 2) for s in good_sat],
                    valid=len(good_sat) >= 2,
                    notes=[
                        f"{s.engine}, {s.connections} connections, generator CPU "
                        f"{s.generator_cpu:.0%} of a core"
                        + (f" — invalid: {'; '.join(s.problems)}" if s.problems else "")
                        for s in c.saturation
                    ],
                    lower_is_better=False,
                )
            )
        if c.mismatches:
            for m in doc.measurements:
                if m.suite == SUITE and m.contestant == name and m.case != "ready":
                    m.valid = False
                    m.notes.append(
                        f"responses differ from the reference ({len(c.mismatches)} "
                        "requests): not used for verdicts"
                    )


def cpu_samples(
    people: Sequence[Contestant], rate: float, retired: set[str]
) -> dict[str, list[float]]:
    """Server CPU per 1k requests at ``rate`` from each live, still-sampled contestant's valid
    phases."""
    return {
        c.who.name: [
            r["cpu_ms_per_1k_req"]
            for r in c.phases.get(rate, [])
            if not r["problems"] and r["cpu_ms_per_1k_req"] > 0
        ]
        for c in people
        if c.dropped is None and c.who.name not in retired
    }


def _num(x: float) -> float | None:
    return round(x, 4) if math.isfinite(x) else None


def case_of(rate: float) -> str:
    return f"rate:{rate:g}"


def phase_record(
    phase: PhaseResult, cpu_s: float, rss: list[float], mismatches: list[str]
) -> dict[str, Any]:
    return {
        "target_rps": phase.target_rps,
        "achieved_rps": round(phase.achieved_rps, 2),
        "requests": phase.requests,
        "errors": phase.errors,
        "dropped": phase.dropped,
        "statuses": phase.statuses,
        "generator_cpu": round(phase.generator_cpu, 4),
        "lateness_p99_ms": round(phase.lateness_p99_ms, 3),
        "p99_from_send_ms": round(phase.schedule_distortion()[1], 3)
        if phase.sent_windows
        else None,
        "cpu_ms_per_1k_req": round(cpu_s * 1e6 / phase.requests, 3) if phase.requests else 0.0,
        "rss_steady_mb": round(statistics.median(rss), 2) if rss else 0.0,
        "peak_rss_mb": round(max(rss), 2) if rss else 0.0,
        "problems": list(phase.problems),
        "windows": phase.windows,
    }
