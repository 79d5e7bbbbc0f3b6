"""The soak test: memory over time at one fixed request rate (``bakeoff serve --soak 10m``).

Teams report RSS that grows until the container is killed after a runtime switch; a 20-second
load phase cannot show that. Per contestant (one after another, in random order — a soak is too
long to interleave): start the server, drive it at the fixed rate with k6 (open loop) for the
soak's duration while the tree RSS is sampled every second, stop.

The growth is the slope of RSS over time after a warm-up (the first 10%, at least 10 s: heaps and
JIT caches fill at start), in MB per minute, estimated by **batch means**: the series is cut into
``segments`` consecutive stretches of equal length, each stretch's mean RSS is one point, and the
slope of those points over time gets a t interval with ``segments − 2`` degrees of freedom —
neighbouring RSS readings are strongly correlated, stretch means much less so, which is what a
plain regression over every reading would ignore. A contestant whose lower 95% bound is above 0
is flagged as **growing**.
"""

from __future__ import annotations

import contextlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from bakeoff.errors import BakeoffError
from bakeoff.events import Event, download
from bakeoff.measure.loadgen import K6, find_k6
from bakeoff.measure.server import RssSampler, ServerFailed
from bakeoff.plan.contestants import Contender
from bakeoff.results import Failure, Measurement, ResultsDocument
from bakeoff.results.suites import SoakInfo
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.serve import ServeSpec, ServeSuite

SUITE = "soak"
SEGMENTS = 10
MIN_WARMUP_S = 10.0
SHORT_SOAK_S = 300.0


@dataclass(frozen=True)
class SoakSpec:
    serve: ServeSpec  # the server, its environment, readiness and request mix
    duration_s: float
    rate: float
    interval_s: float = 1.0
    segments: int = SEGMENTS

    @property
    def warmup_s(self) -> float:
        return max(MIN_WARMUP_S, 0.1 * self.duration_s)


@dataclass(frozen=True)
class Trend:
    slope_mb_per_min: float
    lo: float
    hi: float
    segments: int
    growing: bool


def rss_trend(
    timeline: Sequence[tuple[float, float]], warmup_s: float, segments: int = SEGMENTS
) -> Trend | None:
    """The RSS slope (MB/min) after ``warmup_s`` with a batch-means 95% CI; None when too few
    readings remain (fewer than two per segment)."""
    pts = [(t, rss) for t, rss in timeline if t >= warmup_s and math.isfinite(rss)]
    if segments < 3 or len(pts) < 2 * segments:
        return None
    t = np.array([p[0] for p in pts]) / 60.0
    y = np.array([p[1] for p in pts])
    edges = np.linspace(t[0], t[-1], segments + 1)
    idx = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, segments - 1)
    xs = np.array([t[idx == k].mean() for k in range(segments) if np.any(idx == k)])
    ys = np.array([y[idx == k].mean() for k in range(segments) if np.any(idx == k)])
    k = len(xs)
    if k < 3:
        return None
    xc = xs - xs.mean()
    sxx = float((xc**2).sum())
    if sxx <= 0:
        return None
    slope = float((xc * (ys - ys.mean())).sum() / sxx)
    resid = ys - ys.mean() - slope * xc
    se = math.sqrt(float((resid**2).sum()) / (k - 2) / sxx)
    half = float(sps.t.ppf(0.975, k - 2)) * se
    return Trend(slope, slope - half, slope + half, k, slope - half > 0)


class SoakSuite:
    name = SUITE

    def __init__(self, spec: SoakSpec) -> None:
        if spec.duration_s <= 0 or spec.rate <= 0:
            raise ValueError("a soak needs a positive duration and rate")
        self.spec = spec
        self.serve = ServeSuite(spec.serve)

    def run(self, ctx: SuiteContext, doc: ResultsDocument) -> bool:
        spec = self.spec
        info = doc.suites.of(SoakInfo)
        try:
            k6_bin = find_k6(ctx.offline, lambda p: ctx.on_event(download(p)))
        except BakeoffError as exc:
            info.skipped = f"k6 (the load generator) is not available: {exc}"
            doc.warnings.append(f"soak skipped: {info.skipped}")
            return True
        k6 = K6(str(k6_bin.path), ctx.workdir / "k6")
        info.rate_rps, info.duration_s = spec.rate, spec.duration_s
        info.warmup_s, info.segments = spec.warmup_s, spec.segments
        info.method = (
            "RSS slope after the warm-up, batch means over equal stretches, "
            "t interval (segments − 2 df); growing = lower 95% bound above 0"
        )
        info.timeline = {}
        order = list(ctx.contenders)
        random.Random(ctx.seed).shuffle(order)
        info.order = [c.name for c in order]
        case = f"rate:{spec.rate:g}"
        ctx.on_event(Event("case_start", suite=SUITE, case=case, total=len(order)))
        completed = True
        for i, who in enumerate(order, start=1):
            try:
                doc.measurements.extend(self._one(ctx, who, k6, case, info))
            except KeyboardInterrupt:
                completed = False
                break
            ctx.on_event(Event("run", suite=SUITE, case=case, contestant=who.name, done=i))
        ctx.on_event(Event("case_end", suite=SUITE, case=case, detail="done"))
        return completed

    def _one(
        self, ctx: SuiteContext, who: Contender, k6: K6, case: str, info: SoakInfo
    ) -> list[Measurement]:
        spec = self.spec
        srv, port = self.serve.server(ctx, who, "soak")
        try:
            with contextlib.ExitStack() as stack:
                stack.callback(srv.stop)
                self.serve.start(srv, port)
                with RssSampler(srv, interval_s=spec.interval_s) as sampler:
                    phase = k6.fixed_rate(
                        spec.serve.url(port), spec.serve.mix, spec.rate, spec.duration_s
                    )
                if srv.exited() is not None:
                    raise ServerFailed(
                        f"server exited with code {srv.exited()} during the soak",
                        srv.stderr_tail(),
                    )
        except ServerFailed as exc:
            return [
                Measurement(
                    suite=SUITE,
                    case=case,
                    metric="rss_slope_mb_per_min",
                    contestant=who.name,
                    unit="MB/min",
                    valid=False,
                    notes=[f"soak failed: {exc.reason}"],
                    failures=[
                        Failure(
                            reason=f"soak: {exc.reason}",
                            timed_out=exc.timed_out,
                            stderr_tail=exc.stderr_tail[-1000:],
                        )
                    ],
                    comparable=False,
                )
            ]
        timeline = [(s.t_s, s.rss_mb) for s in sampler.samples]
        info.timeline[who.name] = [(round(t, 2), round(r, 2)) for t, r in timeline]
        trend = rss_trend(timeline, spec.warmup_s, spec.segments)
        notes = [f"{phase.requests} requests at {phase.achieved_rps:.0f} req/s"]
        if spec.duration_s < SHORT_SOAK_S:
            notes.append(
                f"a {spec.duration_s:g} s soak: heaps and JIT caches may still be filling; "
                "judge leaks on 5 minutes or more"
            )
        notes += [f"phase invalid: {p}" for p in phase.problems]
        if trend is None:
            notes.append("too few RSS readings after the warm-up for a trend")
        elif trend.growing:
            notes.append(
                f"growing: RSS rises {trend.slope_mb_per_min:.2f} MB/min (95% CI "
                f"{trend.lo:.2f}–{trend.hi:.2f}), significantly above 0"
            )
        after = [r for t, r in timeline if t >= spec.warmup_s]
        return [
            Measurement(
                suite=SUITE,
                case=case,
                metric="rss_slope_mb_per_min",
                contestant=who.name,
                unit="MB/min",
                samples=[round(trend.slope_mb_per_min, 4)] if trend else [],
                median=round(trend.slope_mb_per_min, 4) if trend else None,
                ci=[round(trend.lo, 4), round(trend.hi, 4)] if trend else None,
                valid=trend is not None and not phase.problems,
                notes=notes,
                estimator="pooled",
                comparable=False,  # a ratio of slopes near 0 means nothing; each is judged alone
            ),
            Measurement(
                suite=SUITE,
                case=case,
                metric="rss_end_mb",
                contestant=who.name,
                unit="MB",
                samples=[round(after[-1], 2)] if after else [],
                comparable=False,
            ),
        ]
