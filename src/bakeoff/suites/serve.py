"""The serve suite: how an HTTP service behaves on each runtime.

Per contestant, interleaved (every round runs each contestant once, in a fresh random order):

1. **time-to-ready** and **idle RSS**: ``ready_samples`` rounds of spawn → first successful
   readiness response (polled every 2 ms) → tree RSS 0.25 s later → stop;
2. **correctness**: every request of the mix once; status and body (or the JSON shape) must
   match the baseline's, or the contestant's latency results are not used for verdicts;
3. a short closed-loop **probe** of each contestant's saturation, unless rates are configured;
   the fixed rates are fractions (default 25/50/75%) of the *slowest* contestant's saturation,
   the same absolute rates for everyone;
4. up to ``reps`` load rounds (at least ``MIN_REPS``; they stop early once server CPU per 1k
   requests at the reference rate — the service runtime's primary endpoint — settles every
   comparison with the baseline, see bakeoff.sequential): start, warm up (discarded), one
   open-loop phase per rate (k6
   ``constant-arrival-rate``; latency from the intended send time; server CPU per 1k requests
   from /proc; RSS sampled every 100 ms), then closed-loop **saturation** (wrk if installed,
   else k6), stop.

Latency percentiles are read from histograms merged across repetitions, never averaged. A phase
that dropped requests, fell under 99% of its rate, saw errors, or whose generator used more than
80% of a core is invalid: kept, shown with its reason, left out of the verdicts.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import math
import os
import random
import shlex
import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bakeoff.config import ServeConfig
from bakeoff.contestants import Contender
from bakeoff.errors import BakeoffError
from bakeoff.events import Event, download
from bakeoff.invoke import base_env
from bakeoff.measure import latency
from bakeoff.measure.loadgen import (
    K6,
    PhaseResult,
    Request,
    SaturationResult,
    Wrk,
    find_k6,
    find_wrk,
)
from bakeoff.measure.server import Readiness, RssSampler, ServerFailed, ServerProcess, free_port
from bakeoff.primary import Primary
from bakeoff.results import Failure, Measurement, ResultsDocument
from bakeoff.suites.base import SuiteContext

SUITE = "serve"
HOST = "127.0.0.1"
PERCENTILES: dict[str, float] = {
    "latency_p50_ms": 50,
    "latency_p90_ms": 90,
    "latency_p95_ms": 95,
    "latency_p99_ms": 99,
    "latency_max_ms": 100,
}
IDLE_SETTLE_S = 0.25
MIN_REPS = 3  # first look of the deciding case (bakeoff.sequential)
# The share of one core the load generator may use at the top rate: above about a quarter of a
# core on a 2-core machine shared with the server, k6 starts sending late (measured: p99 send
# lag 2 ms at 18% of a core, 5 ms at 23%, 12 ms at 31%).
GENERATOR_SHARE = 0.25


@dataclass(frozen=True)
class ServeSpec:
    """What to serve and how to load it. ``command`` is a template: ``{runtime}`` is the
    runtime binary, ``{run}`` the binary plus its run flags (``deno run --allow-all``),
    ``{port}`` the port."""

    entry: str | None = None  # a script, run as `{run} ENTRY ARGS`
    command: str | None = None
    args: Sequence[str] = ()  # after the entry; "{port}" becomes the port
    node_flags: Sequence[str] = ()  # Node flags; translated for Bun and Deno (runtime_flags)
    cwd: str = "."
    env: Mapping[str, str] = field(default_factory=dict)
    port: int | None = None  # None: a free loopback port, passed as $PORT
    port_env: str = "PORT"
    readiness: Readiness = field(default_factory=Readiness)
    mix: Sequence[Request] = ()
    k6_script: str | None = None  # the user's own k6 script instead of the mix
    compare: Literal["body", "shape", "status"] = "body"
    rates: Sequence[float] | None = None  # absolute req/s; None: a ladder from the probe
    ladder: Sequence[float] = (0.25, 0.5, 0.75)
    reps: int = 5
    ready_samples: int = 10
    phase_s: float = 5.0
    warmup_s: float = 2.0
    saturation_s: float = 3.0
    probe_s: float = 3.0
    connections: int = 64
    ready_timeout_s: float = 30.0
    pin: bool = False
    saturation: bool = True
    reference_rps: float | None = None  # the usage's peak rate: picks the reference rate

    def env_for(self, port: int) -> dict[str, str]:
        """The server's environment: the configured variables, the port, a loopback HOST."""
        return base_env({**dict(self.env), self.port_env: str(port), "HOST": HOST})

    def argv(self, who: Contender, port: int) -> list[str]:
        run = [who.binary, "run", "--allow-all"] if who.family == "deno" else [who.binary]
        if self.command:
            out: list[str] = []
            for tok in shlex.split(self.command):
                if tok == "{run}":
                    out += run
                else:
                    out.append(tok.replace("{runtime}", who.binary).replace("{port}", str(port)))
            return out
        if not self.entry:
            raise ValueError("serve needs an entry script or a command")
        flags, _ = runtime_flags(who.family, self.node_flags)
        args = [a.replace("{port}", str(port)) for a in self.args]
        return [*run, *flags, self.entry, *args]


# Node flags that load a TypeScript loader: Bun and Deno run TypeScript themselves
_TS_LOADERS = {"tsx", "tsx/esm", "tsx/cjs", "ts-node/register", "ts-node/esm", "@swc-node/register"}
_VALUE = {"-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions"}


def runtime_flags(family: str, node_flags: Sequence[str]) -> tuple[list[str], list[str]]:
    """The project's Node flags for ``family``: (flags to pass, flags dropped). Node gets them
    all; Bun preloads what Node requires/imports (``--preload``) and keeps ``--env-file`` and
    ``--conditions``; Deno keeps ``--env-file``. TypeScript loaders (tsx, ts-node) are dropped
    for Bun and Deno, which run TypeScript natively."""
    if family == "node":
        return list(node_flags), []
    kept: list[str] = []
    dropped: list[str] = []
    toks = list(node_flags)
    i = 0
    while i < len(toks):
        flag, value = toks[i], None
        if "=" in flag and flag.split("=", 1)[0] in _VALUE:
            flag, value = flag.split("=", 1)
        elif flag in _VALUE and i + 1 < len(toks):
            value = toks[i + 1]
            i += 1
        i += 1
        text = f"{flag} {value}" if value is not None else flag
        if flag.startswith("--env-file"):
            kept += [flag] if value is None else [flag, value]
        elif flag in ("-r", "--require", "--import", "--loader", "--experimental-loader"):
            if value in _TS_LOADERS:
                dropped.append(f"{text} ({family} runs TypeScript itself)")
            elif family == "bun":
                kept += ["--preload", value or ""]
            else:
                dropped.append(text)
        elif flag in ("-C", "--conditions") and family == "bun":
            kept += ["--conditions", value or ""]
        else:
            dropped.append(text)
    return kept, dropped


def sample_spec(project: Path, quick: bool = False) -> ServeSpec:
    """The bundled sample service and a realistic request mix."""
    order = json.dumps({"customer": "ada", "items": [{"id": 7, "qty": 2}, {"id": 99, "qty": 1}]})
    mix = [
        Request("/health", weight=5, name="health"),
        Request("/products/42", weight=20, name="product by id"),
        Request("/products/4242", weight=10, name="product by id (2)"),
        Request("/search?q=pro&sort=-price&limit=20", weight=15, name="search"),
        Request("/search?category=garden&min=10&max=80&sort=name", weight=10, name="search+filter"),
        Request(
            "/orders",
            method="POST",
            body=order,
            headers={"content-type": "application/json"},
            weight=10,
            name="create order",
        ),
        Request("/hash?rounds=100", weight=5, name="hash (CPU)"),
        Request("/slow?ms=5", weight=5, name="async wait 5 ms"),
    ]
    if quick:
        return ServeSpec(
            entry="src/server.mjs",
            cwd=str(project),
            mix=mix,
            ladder=(0.5,),
            reps=4,
            ready_samples=5,
            phase_s=2.0,
            warmup_s=1.0,
            saturation_s=1.0,
            probe_s=1.0,
        )
    return ServeSpec(entry="src/server.mjs", cwd=str(project), mix=mix, reps=6)


# -- per-contestant state ---------------------------------------------------------------------
@dataclass
class _Contestant:
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


class ServeSuite:
    name = SUITE

    def __init__(self, spec: ServeSpec, setup_failure: Failure | None = None) -> None:
        if not spec.mix and not spec.k6_script:
            raise ValueError("the request mix is empty")
        self.spec = spec
        # the service's build (serve.build) failed before the suite ran: recorded, not run
        self.setup_failure = setup_failure

    # -- plumbing ---------------------------------------------------------------------------
    def _server(self, ctx: SuiteContext, c: _Contestant, tag: str) -> tuple[ServerProcess, int]:
        port = self.spec.port or free_port()
        env = self.spec.env_for(port)
        cpus = self._cpus()[0]
        srv = ServerProcess(
            self.spec.argv(c.who, port),
            cwd=self.spec.cwd,
            env=env,
            logdir=ctx.workdir / "logs" / c.who.name.replace("/", "_") / tag,
            cpus=cpus,
        )
        return srv, port

    def server(self, ctx: SuiteContext, who: Contender, tag: str) -> tuple[ServerProcess, int]:
        """A server for ``who`` (not started yet) and its port — for suites that drive the
        same service differently (the soak)."""
        return self._server(ctx, _Contestant(who), tag)

    def start(self, srv: ServerProcess, port: int) -> float:
        """Start ``srv`` and wait until it is ready; the time to ready in ms."""
        return self._start(srv, port)

    def primaries(self, contenders: Sequence[Contender], baseline: str) -> list[Primary]:
        return [Primary("service_runtime", c.name) for c in contenders if c.name != baseline]

    def _cpus(self) -> tuple[set[int] | None, set[int] | None]:
        if not self.spec.pin:
            return None, None
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2:
            return None, None
        return {cpus[0]}, set(cpus[1:])

    def _start(self, srv: ServerProcess, port: int) -> float:
        srv.start()
        return srv.wait_ready(HOST, port, self.spec.readiness, self.spec.ready_timeout_s)

    # -- the run ------------------------------------------------------------------------------
    def run(self, ctx: SuiteContext, doc: ResultsDocument) -> bool:
        spec = self.spec
        info: dict[str, Any] = doc.suites.setdefault(SUITE, {})
        if self.setup_failure is not None:
            info["spec"] = _describe(spec)
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
        try:
            k6_bin = find_k6(ctx.offline, lambda p: ctx.on_event(download(p)))
        except BakeoffError as exc:
            reason = f"k6 (the load generator) is not available: {exc}"
            info["skipped"] = reason
            doc.warnings.append(f"serve suite skipped: {reason}")
            return True
        k6_path = str(k6_bin.path)
        wrk_path = find_wrk()
        server_cpus, gen_cpus = self._cpus()
        info.update(
            {
                "spec": _describe(spec),
                "engines": {
                    "fixed_rate": k6_bin.describe(),
                    "saturation": f"wrk ({wrk_path})" if wrk_path else "k6 (wrk not installed)",
                },
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
        user_script = Path(spec.k6_script) if spec.k6_script else None
        k6 = K6(k6_path, ctx.workdir / "k6", cpus=gen_cpus, user_script=user_script)
        wrk = Wrk(wrk_path, ctx.workdir / "wrk", cpus=gen_cpus) if wrk_path else None
        if user_script is not None:
            wrk = None  # wrk cannot run a k6 script: saturation uses k6 too
            info["engines"]["saturation"] = "k6 (your k6 script)"
        people = [_Contestant(who) for who in ctx.contenders]
        rng = random.Random(ctx.seed)
        completed = True
        try:
            self._ready_rounds(ctx, people, rng)
            self._correctness(ctx, people, info)
            rates = self._rates(ctx, people, k6, wrk, info)
            if rates:
                completed = self._load_rounds(ctx, people, rates, k6, wrk, rng, info)
        except KeyboardInterrupt:
            completed = False
        self._record(doc, people, info)
        return completed

    def _order(self, people: list[_Contestant], rng: random.Random) -> list[_Contestant]:
        live = [c for c in people if c.dropped is None]
        rng.shuffle(live)
        return live

    def _ready_rounds(
        self, ctx: SuiteContext, people: list[_Contestant], rng: random.Random
    ) -> None:
        n = self.spec.ready_samples
        ctx.on_event(Event("case_start", suite=SUITE, case="ready", total=n * len(people)))
        done = 0
        for r in range(n):
            for c in self._order(people, rng):
                srv, port = self._server(ctx, c, f"ready-{r}")
                try:
                    with contextlib.ExitStack() as stack:
                        stack.callback(srv.stop)
                        c.ready_ms.append(self._start(srv, port))
                        time.sleep(IDLE_SETTLE_S)
                        c.idle_rss_mb.append(srv.rss_mb())
                except ServerFailed as exc:
                    c.fail(exc, "start")
                done += 1
                ctx.on_event(
                    Event("run", suite=SUITE, case="ready", contestant=c.who.name, done=done)
                )
        ctx.on_event(Event("case_end", suite=SUITE, case="ready", detail="done"))

    def _correctness(
        self, ctx: SuiteContext, people: list[_Contestant], info: dict[str, Any]
    ) -> None:
        if not self.spec.mix:
            info["correctness"] = {"checked": False, "why": "load comes from your k6 script"}
            return
        answers: dict[str, list[tuple[int, Any]]] = {}
        for c in people:
            if c.dropped:
                continue
            srv, port = self._server(ctx, c, "correctness")
            try:
                with contextlib.ExitStack() as stack:
                    stack.callback(srv.stop)
                    self._start(srv, port)
                    answers[c.who.name] = [_fetch(port, r) for r in self.spec.mix]
            except ServerFailed as exc:
                c.fail(exc, "correctness check")
        if not answers:
            return
        ref_name = next(iter(answers))
        ref = answers[ref_name]
        report: dict[str, Any] = {"reference": ref_name, "compare": self.spec.compare}
        for c in people:
            got = answers.get(c.who.name)
            if got is None or c.who.name == ref_name:
                continue
            for req, (s0, b0), (s1, b1) in zip(self.spec.mix, ref, got, strict=True):
                why = _differs(s0, b0, s1, b1, self.spec.compare)
                if why:
                    c.mismatches.append(f"{req.label}: {why}")
            report[c.who.name] = c.mismatches or "same as the reference"
        bad = [
            f"{r.label}: status {s}"
            for r, (s, _) in zip(self.spec.mix, ref, strict=True)
            if not 200 <= s < 400 and r.expect_status != s
        ]
        if bad:
            report["reference_errors"] = bad
        info["correctness"] = report

    def _saturate(
        self,
        k6: K6,
        wrk: Wrk | None,
        port: int,
        seconds: float,
    ) -> SaturationResult:
        base = f"http://{HOST}:{port}"
        if wrk is not None:
            res = wrk.saturate(base, self.spec.mix, seconds, self.spec.connections)
        else:
            res = k6.saturate(base, self.spec.mix, seconds, self.spec.connections)
            if res.generator_cpu > 0.8:
                res.problems.append(
                    f"generator-bound: k6 used {res.generator_cpu:.0%} of a core; install wrk "
                    "for a saturation figure the load tool does not limit"
                )
        if res.errors:
            res.problems.append(f"{res.errors} errors under saturation")
        return res

    def _rates(
        self,
        ctx: SuiteContext,
        people: list[_Contestant],
        k6: K6,
        wrk: Wrk | None,
        info: dict[str, Any],
    ) -> list[float]:
        spec = self.spec
        if spec.rates:
            info["rates"] = {"source": "config", "rps": list(spec.rates)}
            return [float(r) for r in spec.rates]
        live = [c for c in people if c.dropped is None]
        ctx.on_event(Event("case_start", suite=SUITE, case="probe", total=len(live)))
        for i, c in enumerate(live, start=1):
            srv, port = self._server(ctx, c, "probe")
            try:
                with contextlib.ExitStack() as stack:
                    stack.callback(srv.stop)
                    self._start(srv, port)
                    c.probe = self._saturate(k6, wrk, port, spec.probe_s)
            except ServerFailed as exc:
                c.fail(exc, "saturation probe")
            ctx.on_event(Event("run", suite=SUITE, case="probe", contestant=c.who.name, done=i))
        ctx.on_event(Event("case_end", suite=SUITE, case="probe", detail="done"))
        probes = {
            c.who.name: c.probe.throughput_rps
            for c in live
            if c.probe and c.probe.throughput_rps > 0 and c.dropped is None
        }
        if not probes:
            info["rates"] = {"source": "probe", "error": "no contestant could be probed"}
            return []
        slowest = min(probes, key=lambda k: probes[k])
        rates = [max(1.0, round(probes[slowest] * f)) for f in spec.ladder]
        record: dict[str, Any] = {
            "source": "probe",
            "probe_rps": {k: round(v, 1) for k, v in probes.items()},
            "slowest": slowest,
            "ladder": list(spec.ladder),
        }
        cap = self._generator_cap(ctx, next(c for c in live if c.who.name == slowest), k6)
        if cap is not None:
            record["generator_us_per_req"] = round(cap[1], 1)
            record["generator_cap_rps"] = round(cap[0])
            if max(rates) > cap[0]:
                top = max(rates)
                rates = [max(1.0, round(r * cap[0] / top)) for r in rates]
                record["capped"] = (
                    f"the load generator can keep about {cap[0]:.0f} req/s under "
                    f"{GENERATOR_SHARE:.0%} of a core "
                    f"on this machine ({cap[1]:.0f} µs CPU per request): the ladder was scaled "
                    f"down so the top rate is {max(rates):.0f} req/s"
                )
        record["rps"] = rates
        info["rates"] = record
        return rates

    def _generator_cap(
        self, ctx: SuiteContext, c: _Contestant, k6: K6
    ) -> tuple[float, float] | None:
        """k6's CPU cost per request on this machine, from two short fixed-rate runs (their
        difference cancels k6's start-up cost), and the rate it can sustain at GENERATOR_SHARE."""
        srv, port = self._server(ctx, c, "calibrate")
        base = f"http://{HOST}:{port}"
        try:
            with contextlib.ExitStack() as stack:
                stack.callback(srv.stop)
                self._start(srv, port)
                low = k6.fixed_rate(base, self.spec.mix, 50, 1.0)
                high = k6.fixed_rate(base, self.spec.mix, 1000, 2.0)
        except ServerFailed:
            return None
        extra_req = high.requests - low.requests
        extra_cpu = high.cpu_s - low.cpu_s
        if extra_req <= 0 or extra_cpu <= 0:
            return None
        per_req = extra_cpu / extra_req
        return GENERATOR_SHARE / per_req, per_req * 1e6

    def _load_rounds(
        self,
        ctx: SuiteContext,
        people: list[_Contestant],
        rates: list[float],
        k6: K6,
        wrk: Wrk | None,
        rng: random.Random,
        info: dict[str, Any],
    ) -> bool:
        spec = self.spec
        ref = reference_rate(rates, spec.reference_rps)
        info["reference_case"] = _case(ref)
        seq = ctx.sequential("service_runtime", MIN_REPS, max(MIN_REPS, spec.reps))
        case_info: dict[str, Any] = {"stop_reason": "max_runs"}
        if seq:
            case_info["design"] = seq[0].to_dict()
        info.setdefault("cases", {})[_case(ref)] = case_info
        total = (seq[0].max_n if seq else spec.reps) * len([c for c in people if c.dropped is None])
        retired: set[str] = set()
        ctx.on_event(Event("case_start", suite=SUITE, case="load", total=total))
        done = 0
        for rep in range(seq[0].max_n if seq else spec.reps):
            case_info["blocks"] = rep
            if seq and rep >= seq[0].min_n:
                state = seq[1](_cpu_samples(people, ref, retired))
                retired |= state.retire
                if state.done:
                    case_info["stop_reason"] = "settled"
                    break
            left = ctx.time_left()
            if left is not None and rep > 0:
                per = len(rates) * spec.phase_s + spec.warmup_s + spec.saturation_s + 2
                if left < per * len(people):
                    info["cut"] = f"time budget: {rep} of {spec.reps} load repetitions ran"
                    case_info["stop_reason"] = "budget"
                    break
            for c in self._order(people, rng):
                if c.who.name in retired:  # its decision settled: no more load for it
                    continue
                self._one_round(ctx, c, rep, rates, k6, wrk, info)
                done += 1
                ctx.on_event(
                    Event(
                        "run",
                        suite=SUITE,
                        case="load",
                        contestant=f"{c.who.name} (rep {rep + 1})",
                        done=done,
                    )
                )
        else:
            case_info["blocks"] = seq[0].max_n if seq else spec.reps
        ctx.on_event(
            Event("case_end", suite=SUITE, case="load", detail=str(case_info["stop_reason"]))
        )
        return True

    def _one_round(
        self,
        ctx: SuiteContext,
        c: _Contestant,
        rep: int,
        rates: list[float],
        k6: K6,
        wrk: Wrk | None,
        info: dict[str, Any],
    ) -> None:
        spec = self.spec
        srv, port = self._server(ctx, c, f"load-{rep}")
        base = f"http://{HOST}:{port}"
        timeline: dict[str, list[list[float]]] = info.setdefault("rss_timeline", {}).setdefault(
            c.who.name, {}
        )
        try:
            with contextlib.ExitStack() as stack:
                stack.callback(srv.stop)
                self._start(srv, port)
                k6.fixed_rate(base, spec.mix, max(rates), spec.warmup_s)  # warm-up: discarded
                for rate in rates:
                    cpu0 = srv.cpu_s()
                    with RssSampler(srv) as sampler:
                        phase = k6.fixed_rate(base, spec.mix, rate, spec.phase_s)
                    cpu1 = srv.cpu_s()
                    if srv.exited() is not None:
                        raise srv.failed(
                            f"server exited with code {srv.exited()} under load at {rate:g} req/s"
                        )
                    rss = [s.rss_mb for s in sampler.samples]
                    if rep == 0:
                        timeline[_case(rate)] = [
                            [s.t_s, round(s.rss_mb, 2)] for s in sampler.samples
                        ]
                    c.phases.setdefault(rate, []).append(
                        {**_phase_record(phase, cpu1 - cpu0, rss, c.mismatches), "rep": rep}
                    )
                if spec.saturation:
                    c.saturation.append(self._saturate(k6, wrk, port, spec.saturation_s))
        except ServerFailed as exc:
            c.fail(exc, f"load repetition {rep + 1}")

    # -- results ------------------------------------------------------------------------------
    def _record(
        self, doc: ResultsDocument, people: list[_Contestant], info: dict[str, Any]
    ) -> None:
        hists: dict[str, dict[str, list[list[latency.Histogram]]]] = info.setdefault(
            "histograms", {}
        )
        curves: dict[str, dict[str, list[list[float | None]]]] = info.setdefault(
            "latency_curve", {}
        )
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
                case = _case(rate)
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
                    latency.percentile_cis(windows, list(PERCENTILES.values()))
                    if windows
                    else [(0.0, 0.0, 0.0)] * len(PERCENTILES)
                )
                for (metric, q), (point, lo, hi) in zip(
                    PERCENTILES.items(), estimates, strict=True
                ):
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
                    ("rss_peak_mb", "MB", True),
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


def reference_rate(rates: Sequence[float], peak_rps: float | None) -> float:
    """The rate nearest (in ratio) the usage's peak rate — the one the cost model prices and
    the service runtime is decided at; the highest rate when no peak is given."""
    if not peak_rps or peak_rps <= 0:
        return max(rates)
    return min(rates, key=lambda r: (abs(math.log(r / peak_rps)), -r))


def _cpu_samples(
    people: Sequence[_Contestant], rate: float, retired: set[str]
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


def _case(rate: float) -> str:
    return f"rate:{rate:g}"


def _phase_record(
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
        "rss_peak_mb": round(max(rss), 2) if rss else 0.0,
        "problems": list(phase.problems),
        "windows": phase.windows,
    }


def _fetch(port: int, req: Request) -> tuple[int, Any]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        headers = {"Accept-Encoding": "identity", **dict(req.headers)}
        conn.request(req.method, req.path, body=req.body, headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        return resp.status, body
    except (OSError, http.client.HTTPException) as exc:
        return 0, f"request failed: {exc}"
    finally:
        conn.close()


def _shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def _differs(s0: int, b0: Any, s1: int, b1: Any, mode: str) -> str:
    if s0 != s1:
        return f"status {s1}, reference {s0}"
    if mode == "status":
        return ""
    if mode == "shape":
        return "" if _shape(b0) == _shape(b1) else "JSON shape differs"
    if b0 != b1:
        return f"body differs: {_short(b1)} vs reference {_short(b0)}"
    return ""


def _short(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:77] + "..."


def _describe(spec: ServeSpec) -> dict[str, Any]:
    return {
        "entry": spec.entry,
        "command": spec.command,
        "args": list(spec.args),
        "node_flags": list(spec.node_flags),
        "flags_dropped": {
            fam: runtime_flags(fam, spec.node_flags)[1]
            for fam in ("bun", "deno")
            if runtime_flags(fam, spec.node_flags)[1]
        },
        "cwd": spec.cwd,
        "readiness": spec.readiness.describe(),
        "mix": [{"request": r.label, "weight": r.weight} for r in spec.mix],
        "k6_script": spec.k6_script,
        "reps": spec.reps,
        "ready_samples": spec.ready_samples,
        "phase_s": spec.phase_s,
        "warmup_s": spec.warmup_s,
        "saturation_s": spec.saturation_s,
        "ladder": list(spec.ladder),
        "connections": spec.connections,
        "compare": spec.compare,
    }


def spec_from_config(cfg: ServeConfig, config_path: Path, quick: bool = False) -> ServeSpec:
    """A ``ServeSpec`` from the ``[serve]`` section; relative paths are relative to the config
    file's folder. ``quick`` shortens every phase."""
    mix = [
        Request(
            path=r.path,
            method=r.method,
            weight=r.weight,
            headers={
                **({"content-type": "application/json"} if r.json_body is not None else {}),
                **r.headers,
            },
            body=json.dumps(r.json_body) if r.json_body is not None else r.body,
            name=r.name,
            expect_status=r.expect_status,
        )
        for r in cfg.requests
    ]
    if not mix and not cfg.k6_script:
        mix = [Request(cfg.readiness.path if cfg.readiness.kind == "http" else "/", name="ready")]
    cwd = (config_path.parent / cfg.cwd).resolve()
    return ServeSpec(
        entry=cfg.entry,
        command=cfg.command,
        args=tuple(cfg.args),
        node_flags=tuple(cfg.node_flags),
        cwd=str(cwd),
        env=dict(cfg.env),
        port=cfg.port,
        port_env=cfg.port_env,
        readiness=Readiness(cfg.readiness.kind, cfg.readiness.path),
        mix=mix,
        k6_script=str((config_path.parent / cfg.k6_script).resolve()) if cfg.k6_script else None,
        compare=cfg.compare,
        rates=cfg.rates,
        ladder=tuple(cfg.ladder),
        reps=min(cfg.reps, 4) if quick else cfg.reps,
        ready_samples=min(cfg.ready_samples, 5) if quick else cfg.ready_samples,
        phase_s=min(cfg.phase, 2.0) if quick else cfg.phase,
        warmup_s=min(cfg.warmup, 1.0) if quick else cfg.warmup,
        saturation_s=(min(cfg.saturation, 2.0) if quick else cfg.saturation)
        if cfg.saturation
        else 0.0,
        saturation=bool(cfg.saturation),
        connections=cfg.connections,
        ready_timeout_s=cfg.ready_timeout,
        pin=cfg.pin,
    )
