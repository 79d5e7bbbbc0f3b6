"""The serve suite's orchestration: for one evaluation, the rounds of a serve run — ready, the
correctness check, the rate probe, the load rounds until settled — over three seams
(``Seams``): how servers are launched, which load generators drive them, how a request is
fetched. The real seams start processes and k6/wrk; ``measure.fake.FakeFleet`` gives fakes, so
everything here is unit-tested without a runtime."""

from __future__ import annotations

import contextlib
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bakeoff.errors import BakeoffError
from bakeoff.events import Event, download
from bakeoff.measure.loadgen import K6, Request, SaturationResult, Wrk, find_k6, find_wrk
from bakeoff.measure.server import RssSampler, ServerFailed, free_port
from bakeoff.measure.serving import FixedRate, Launcher, Saturator, Server, launch_process
from bakeoff.plan.contestants import Contender
from bakeoff.plan.primary import Primary
from bakeoff.results import Failure, Measurement, ResultsDocument
from bakeoff.suites.base import SuiteContext, section
from bakeoff.suites.serve import correctness, ladder
from bakeoff.suites.serve.record import (
    SUITE,
    Contestant,
    case_of,
    cpu_samples,
    phase_record,
    record,
)
from bakeoff.suites.serve.spec import ServeSpec, describe

IDLE_SETTLE_S = 0.25
MIN_REPS = 3  # first look of the deciding case (bakeoff.plan.sequential)


@dataclass(frozen=True)
class Engines:
    """The load generators of one serve run: k6 for the fixed rates (and the generator's own
    calibration), wrk — or k6 — for saturation."""

    fixed: FixedRate
    saturator: Saturator
    saturator_is_k6: bool
    describe: dict[str, str]
    close: Callable[[], None] | None = None  # e.g. the connection to a remote generator


def real_engines(ctx: SuiteContext, spec: ServeSpec, cpus: set[int] | None) -> Engines | str:
    """k6 (provisioned, pinned) and wrk when installed; a reason string when k6 cannot be had."""
    try:
        k6_bin = find_k6(ctx.offline, lambda p: ctx.on_event(download(p)))
    except BakeoffError as exc:
        return f"k6 (the load generator) is not available: {exc}"
    user_script = Path(spec.k6_script) if spec.k6_script else None
    k6 = K6(str(k6_bin.path), ctx.workdir / "k6", cpus=cpus, user_script=user_script)
    wrk_path = find_wrk()
    described = {
        "fixed_rate": k6_bin.describe(),
        "saturation": f"wrk ({wrk_path})" if wrk_path else "k6 (wrk not installed)",
    }
    if user_script is not None or not wrk_path:
        if user_script is not None:  # wrk cannot run a k6 script: saturation uses k6 too
            described["saturation"] = "k6 (your k6 script)"
        return Engines(k6, k6, True, described)
    return Engines(k6, Wrk(wrk_path, ctx.workdir / "wrk", cpus=cpus), False, described)


@dataclass(frozen=True)
class Seams:
    launcher: Launcher = launch_process
    engines: Callable[[SuiteContext, ServeSpec, set[int] | None], Engines | str] = real_engines
    fetch: Callable[[str, int, Request], correctness.Answer] = correctness.http_fetch
    sleep: Callable[[float], None] = time.sleep


class ServeSuite:
    name = SUITE

    def __init__(
        self,
        spec: ServeSpec,
        seams: Seams | None = None,
        setup_failure: Failure | None = None,
    ) -> None:
        if not spec.mix and not spec.k6_script:
            raise ValueError("the request mix is empty")
        self.spec = spec
        self.seams = seams or Seams()
        # the service's build (serve.build) failed before the suite ran: recorded, not run
        self.setup_failure = setup_failure

    def primaries(self, contenders: Sequence[Contender], baseline: str) -> list[Primary]:
        return [Primary("service_runtime", c.name) for c in contenders if c.name != baseline]

    def cpus(self) -> tuple[set[int] | None, set[int] | None]:
        """With ``pin``: the server on the first CPU, the load generator on the others."""
        if not self.spec.pin:
            return None, None
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2:
            return None, None
        return {cpus[0]}, set(cpus[1:])

    def server(self, ctx: SuiteContext, who: Contender, tag: str) -> tuple[Server, int]:
        """A server for ``who`` (not started yet) and its port — also for suites that drive the
        same service differently (the soak)."""
        port = self.spec.port or free_port()
        spec = self.spec
        env = spec.env_for(port)
        srv = self.seams.launcher(
            self.spec.argv(who, port),
            self.spec.cwd,
            env,
            ctx.workdir / "logs" / who.name.replace("/", "_") / tag,
            self.cpus()[0],
        )
        return srv, port

    def start(self, srv: Server, port: int) -> float:
        """Start ``srv`` and wait until it is ready; the time to ready in ms."""
        srv.start()
        return srv.wait_ready(
            self.spec.local_host, port, self.spec.readiness, self.spec.ready_timeout_s
        )

    def run(self, ctx: SuiteContext, doc: ResultsDocument) -> bool:
        """Measure into ``doc``; the suite's section is filled as a draft and written (typed,
        strictly) into ``doc.suites.serve`` however the run ends."""
        with section(doc, SUITE) as info:
            return self._run(ctx, doc, info)

    def _run(self, ctx: SuiteContext, doc: ResultsDocument, info: dict[str, Any]) -> bool:
        spec = self.spec
        if self.setup_failure is not None:
            info["spec"] = describe(spec)
            info["failed"] = self.setup_failure.reason
            for who in ctx.contenders:
                doc.measurements.append(
                    Measurement(
                        suite=SUITE,
                        case="ready",
                        metric="ready_ms",
                        contestant=who.name,
                        unit="ms",
                        valid=False,
                        notes=[f"not run: {self.setup_failure.reason}"],
                        failures=[self.setup_failure],
                    )
                )
            return True
        server_cpus, gen_cpus = self.cpus()
        engines = self.seams.engines(ctx, spec, gen_cpus)
        if isinstance(engines, str):
            info["skipped"] = engines
            doc.warnings.append(f"serve suite skipped: {engines}")
            return True
        info.update(
            {
                "spec": describe(spec),
                "engines": engines.describe,
                "pinning": {
                    "server_cpus": sorted(server_cpus) if server_cpus else None,
                    "generator_cpus": sorted(gen_cpus) if gen_cpus else None,
                }
                if spec.pin
                else None,
            }
        )
        if spec.pin and server_cpus is None:
            info["pinning"] = {"requested": True, "note": "fewer than 2 CPUs: not pinned"}
        run = _Run(self, ctx, engines, info, random.Random(ctx.seed))
        completed = True
        try:
            run.ready_rounds()
            run.correctness()
            rates = run.rates()
            if rates:
                run.load_rounds(rates)
        except KeyboardInterrupt:
            completed = False
        finally:
            if engines.close is not None:
                engines.close()
        record(doc, run.people, info)
        return completed


@dataclass
class _Run:
    """One serve run's state: the suite, its context, the load generators, the contestants,
    the results section being filled, the run order's random source."""

    suite: ServeSuite
    ctx: SuiteContext
    engines: Engines
    info: dict[str, Any]
    rng: random.Random
    people: list[Contestant] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.people = [Contestant(who) for who in self.ctx.contenders]

    @property
    def spec(self) -> ServeSpec:
        return self.suite.spec

    def order(self) -> list[Contestant]:
        live = [c for c in self.people if c.dropped is None]
        self.rng.shuffle(live)
        return live

    @contextlib.contextmanager
    def serving(self, c: Contestant, tag: str) -> Any:
        """A started server for ``c`` (its time to ready, server, port), stopped on leaving."""
        srv, port = self.suite.server(self.ctx, c.who, tag)
        try:
            ready = self.suite.start(srv, port)
            yield ready, srv, port
        finally:
            srv.stop()

    def event(self, kind: str, case: str, **kw: Any) -> None:
        self.ctx.on_event(Event(kind, suite=SUITE, case=case, **kw))

    # -- rounds -----------------------------------------------------------------------------
    def ready_rounds(self) -> None:
        n = self.spec.ready_samples
        self.event("case_start", "ready", total=n * len(self.people))
        done = 0
        for r in range(n):
            for c in self.order():
                try:
                    with self.serving(c, f"ready-{r}") as (ready, srv, _port):
                        c.ready_ms.append(ready)
                        self.suite.seams.sleep(IDLE_SETTLE_S)
                        c.idle_rss_mb.append(srv.rss_mb())
                except ServerFailed as exc:
                    c.fail(exc, "start")
                done += 1
                self.event("run", "ready", contestant=c.who.name, done=done)
        self.event("case_end", "ready", detail="done")

    def correctness(self) -> None:
        spec = self.spec
        if not spec.mix:
            self.info["correctness"] = {"checked": False, "why": "load comes from your k6 script"}
            return
        answers: dict[str, list[correctness.Answer]] = {}
        for c in self.people:
            if c.dropped:
                continue
            try:
                with self.serving(c, "correctness") as (_ready, _srv, port):
                    answers[c.who.name] = [
                        self.suite.seams.fetch(spec.local_host, port, r) for r in spec.mix
                    ]
            except ServerFailed as exc:
                c.fail(exc, "correctness check")
        if not answers:
            return
        report, mismatches = correctness.compare(spec.mix, answers, spec.compare)
        for c in self.people:
            c.mismatches += mismatches.get(c.who.name, [])
        self.info["correctness"] = report

    def saturate(self, port: int, seconds: float) -> SaturationResult:
        base = self.spec.url(port)
        res = self.engines.saturator.saturate(base, self.spec.mix, seconds, self.spec.connections)
        if self.engines.saturator_is_k6 and res.generator_cpu > 0.8:
            res.problems.append(
                f"generator-bound: k6 used {res.generator_cpu:.0%} of a core; install wrk "
                "for a saturation figure the load tool does not limit"
            )
        if res.errors:
            res.problems.append(f"{res.errors} errors under saturation")
        return res

    def rates(self) -> list[float]:
        spec = self.spec
        if spec.rates:
            self.info["rates"] = {"source": "config", "rps": list(spec.rates)}
            return [float(r) for r in spec.rates]
        live = [c for c in self.people if c.dropped is None]
        self.event("case_start", "probe", total=len(live))
        for i, c in enumerate(live, start=1):
            try:
                with self.serving(c, "probe") as (_ready, _srv, port):
                    c.probe = self.saturate(port, spec.probe_s)
            except ServerFailed as exc:
                c.fail(exc, "saturation probe")
            self.event("run", "probe", contestant=c.who.name, done=i)
        self.event("case_end", "probe", detail="done")
        probes = {
            c.who.name: c.probe.throughput_rps
            for c in live
            if c.probe and c.probe.throughput_rps > 0 and c.dropped is None
        }
        if not probes:
            self.info["rates"] = {"source": "probe", "error": "no contestant could be probed"}
            return []
        slowest = min(probes, key=lambda k: probes[k])
        cap = self.generator_cap(next(c for c in live if c.who.name == slowest))
        rates, self.info["rates"] = ladder.ladder_rates(probes, spec.ladder, cap)
        return rates

    def generator_cap(self, c: Contestant) -> tuple[float, float] | None:
        """The generator's cost per request on this machine (two short fixed-rate runs)."""
        try:
            with self.serving(c, "calibrate") as (_ready, _srv, port):
                base = self.spec.url(port)
                low = self.engines.fixed.fixed_rate(base, self.spec.mix, 50, 1.0)
                high = self.engines.fixed.fixed_rate(base, self.spec.mix, 1000, 2.0)
        except ServerFailed:
            return None
        return ladder.generator_cap((low.requests, low.cpu_s), (high.requests, high.cpu_s))

    def load_rounds(self, rates: list[float]) -> None:
        """Load repetitions until every service-runtime decision is settled (server CPU per
        1k requests at the reference rate), the maximum, or the time budget."""
        spec, ctx = self.spec, self.ctx
        ref = ladder.reference_rate(rates, spec.reference_rps)
        self.info["reference_case"] = case_of(ref)
        seq = ctx.sequential("service_runtime", MIN_REPS, max(MIN_REPS, spec.reps))
        most = seq[0].max_n if seq else spec.reps
        case_info: dict[str, Any] = {"stop_reason": "max_runs", "blocks": most}
        if seq:
            case_info["design"] = seq[0].to_dict()
        self.info.setdefault("cases", {})[case_of(ref)] = case_info
        total = most * len([c for c in self.people if c.dropped is None])
        retired: set[str] = set()
        self.event("case_start", "load", total=total)
        done = 0
        for rep in range(most):
            if seq and rep >= seq[0].min_n:
                state = seq[1](cpu_samples(self.people, ref, retired))
                retired |= state.retire
                if state.done:
                    case_info.update(stop_reason="settled", blocks=rep)
                    break
            per = len(rates) * spec.phase_s + spec.warmup_s + spec.saturation_s + 2
            if rep > 0 and not enough_time(ctx.time_left(), per, len(self.people)):
                self.info["cut"] = f"time budget: {rep} of {most} load repetitions ran"
                case_info.update(stop_reason="budget", blocks=rep)
                break
            for c in self.order():
                if c.who.name in retired:  # its decision settled: no more load for it
                    continue
                self.one_round(c, rep, rates)
                done += 1
                self.event("run", "load", contestant=f"{c.who.name} (rep {rep + 1})", done=done)
        self.event("case_end", "load", detail=str(case_info["stop_reason"]))

    def one_round(self, c: Contestant, rep: int, rates: list[float]) -> None:
        spec = self.spec
        fixed = self.engines.fixed
        timeline: dict[str, list[list[float]]] = self.info.setdefault(
            "rss_timeline", {}
        ).setdefault(c.who.name, {})
        try:
            with self.serving(c, f"load-{rep}") as (_ready, srv, port):
                base = self.spec.url(port)
                fixed.fixed_rate(base, spec.mix, max(rates), spec.warmup_s)  # warm-up: discarded
                for rate in rates:
                    cpu0 = srv.cpu_s()
                    with RssSampler(srv) as sampler:
                        phase = fixed.fixed_rate(base, spec.mix, rate, spec.phase_s)
                    cpu1 = srv.cpu_s()
                    if srv.exited() is not None:
                        raise srv.failed(
                            f"server exited with code {srv.exited()} under load at {rate:g} req/s"
                        )
                    rss = [s.rss_mb for s in sampler.samples]
                    if rep == 0:
                        timeline[case_of(rate)] = [
                            [s.t_s, round(s.rss_mb, 2)] for s in sampler.samples
                        ]
                    c.phases.setdefault(rate, []).append(
                        {**phase_record(phase, cpu1 - cpu0, rss, c.mismatches), "rep": rep}
                    )
                if spec.saturation:
                    c.saturation.append(self.saturate(port, spec.saturation_s))
        except ServerFailed as exc:
            c.fail(exc, f"load repetition {rep + 1}")


def enough_time(left: float | None, per_contestant_s: float, contestants: int) -> bool:
    """Whether another load repetition fits the suite's share of the budget."""
    return left is None or left >= per_contestant_s * contestants
