"""A fake ``Executor``: returns synthetic process results from a function of the command, so
scheduling, statistics, analysis and reports can be tested without any runtime installed
(the way httpx's MockTransport tests clients without a network)."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bakeoff.measure.loadgen import PhaseResult, Request, SaturationResult
from bakeoff.measure.process import Command, ProcessResult

if TYPE_CHECKING:
    from bakeoff.measure.server import ServerFailed

Behaviour = Callable[[Command, int], ProcessResult]


def result(
    wall_ms: float,
    cpu_ms: float | None = None,
    rss_mb: float = 40.0,
    exit_code: int = 0,
    timed_out: bool = False,
    stderr: str = "",
) -> ProcessResult:
    """A ProcessResult with the given figures (CPU defaults to 90% of wall)."""
    cpu = wall_ms * 0.9 if cpu_ms is None else cpu_ms
    return ProcessResult(
        wall_ns=int(wall_ms * 1e6),
        user_ns=int(cpu * 0.8e6),
        sys_ns=int(cpu * 0.2e6),
        exit_code=None if timed_out else exit_code,
        signal=9 if timed_out else None,
        timed_out=timed_out,
        peak_rss_kb=int(rss_mb * 1024),
        stderr_tail=stderr,
    )


@dataclass
class FakeExecutor:
    """Calls ``behaviour(command, call_index)`` for every run and records the commands."""

    behaviour: Behaviour
    calls: list[Command] = field(default_factory=list)
    closed: bool = False

    def run(self, cmd: Command) -> ProcessResult:
        self.calls.append(cmd)
        return self.behaviour(cmd, len(self.calls) - 1)

    def close(self) -> None:
        self.closed = True


def lognormal(medians: dict[str, float], sigma: float = 0.03, seed: int = 1) -> Behaviour:
    """A behaviour: each ``argv[0]`` gets log-normal wall times around its median."""
    rng = random.Random(seed)

    def behave(cmd: Command, _: int) -> ProcessResult:
        return result(medians[cmd.argv[0]] * rng.lognormvariate(0, sigma))

    return behave


# -- serving ----------------------------------------------------------------------------------
@dataclass
class FakeService:
    """How the fake server of one runtime binary behaves."""

    ready_ms: float = 50.0
    rss_mb: float = 40.0
    cpu_ms_per_req: float = 0.5  # server CPU per request
    latency_ms: float = 2.0  # median latency at the fixed rates
    saturation_rps: float = 5000.0
    fail_start: bool = False  # never becomes ready
    crash_under_load: bool = False  # exits during its first load phase
    noise: float = 0.02  # log-normal spread of CPU and latency


class FakeServer:
    """A server that does nothing but answer the serve suite's questions (see FakeFleet)."""

    def __init__(self, argv: Sequence[str], port: int, service: FakeService) -> None:
        self.argv = list(argv)
        self.port = port
        self.service = service
        self.cpu = 0.0
        self.code: int | None = None
        self.started = False
        self.stopped = False

    def start(self) -> None:
        self.started = True

    def wait_ready(self, host: str, port: int, check: object, timeout_s: float) -> float:
        from bakeoff.measure.server import ServerFailed

        if self.service.fail_start:
            self.code = 1
            raise ServerFailed("exited with code 1 before it was ready", "Error: boom")
        return self.service.ready_ms

    def rss_mb(self) -> float:
        return self.service.rss_mb

    def cpu_s(self) -> float:
        return self.cpu

    def exited(self) -> int | None:
        return self.code

    def stderr_tail(self) -> str:
        return "Error: the fake server crashed" if self.code else ""

    def failed(self, reason: str, timed_out: bool = False) -> ServerFailed:
        from bakeoff.measure.server import ServerFailed

        return ServerFailed(
            reason,
            self.stderr_tail(),
            timed_out=timed_out,
            command=" ".join(self.argv),
            exit_code=self.code,
        )

    def stop(self) -> None:
        self.stopped = True


class FakeFleet:
    """Fake servers (one behaviour per runtime binary, ``argv[0]``) and fake load generators
    that drive them: a fixed-rate phase of ``rate × duration`` requests adds
    ``cpu_ms_per_req`` of CPU per request to the server it targets (found by port), with
    log-normal noise, and returns one latency histogram per second. ``generator_limit_rps``:
    above it, the fake generator "falls behind" and the phase records that problem."""

    def __init__(
        self,
        services: Mapping[str, FakeService],
        seed: int = 1,
        generator_us_per_req: float = 40.0,
        generator_limit_rps: float | None = None,
    ) -> None:
        self.services = dict(services)
        self.rng = random.Random(seed)
        self.generator_us_per_req = generator_us_per_req
        self.generator_limit_rps = generator_limit_rps
        self.servers: dict[int, FakeServer] = {}
        self.launched: list[FakeServer] = []
        self.phases: list[tuple[str, float, float]] = []  # (binary, rate, duration)

    def launch(
        self,
        argv: Sequence[str],
        cwd: str,
        env: Mapping[str, str],
        logdir: Path,
        cpus: set[int] | None,
    ) -> FakeServer:
        port = int(env.get("PORT", "0"))
        srv = FakeServer(argv, port, self.services[argv[0]])
        self.servers[port] = srv
        self.launched.append(srv)
        return srv

    def _server(self, base_url: str) -> FakeServer:
        return self.servers[int(base_url.rsplit(":", 1)[1])]

    def fixed_rate(
        self, base_url: str, mix: Sequence[Request], rate: float, duration_s: float
    ) -> PhaseResult:
        from bakeoff.results import latency

        srv = self._server(base_url)
        svc = srv.service
        self.phases.append((srv.argv[0], rate, duration_s))
        requests = round(rate * duration_s)
        if svc.crash_under_load:
            srv.code = 137
        srv.cpu += requests * svc.cpu_ms_per_req / 1000 * self.rng.lognormvariate(0, svc.noise)
        per_s = max(1, round(rate))
        windows = [
            latency.histogram(
                svc.latency_ms * self.rng.lognormvariate(0, max(svc.noise, 0.2))
                for _ in range(min(per_s, 200))
            )
            for _ in range(max(1, round(duration_s)))
        ]
        cpu_s = requests * self.generator_us_per_req / 1e6 + 0.05  # + start-up
        phase = PhaseResult(
            float(rate),
            duration_s,
            windows=windows,
            requests=requests,
            generator_cpu=cpu_s / duration_s if duration_s else 0.0,
            cpu_s=cpu_s,
        )
        if self.generator_limit_rps is not None and rate > self.generator_limit_rps:
            phase.problems.append("the load generator fell behind its own schedule (fake)")
        return phase

    def saturate(
        self, base_url: str, mix: Sequence[Request], duration_s: float, connections: int = 64
    ) -> SaturationResult:
        srv = self._server(base_url)
        svc = srv.service
        rps = svc.saturation_rps * self.rng.lognormvariate(0, svc.noise)
        return SaturationResult(
            "fake", rps, round(rps * duration_s), 0, duration_s, connections, 0.3
        )
