"""The seams of the serve suite: what it needs from a server and from load generators, as
protocols. The real ones are ``measure.server.ServerProcess``, ``measure.loadgen.K6`` and
``measure.loadgen.Wrk``; ``measure.fake`` has fakes, so the rate ladder, validity, budget and
settling logic are tested without runtimes or k6 (the way ``Executor`` has ``FakeExecutor``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

from bakeoff.measure.loadgen import PhaseResult, Request, SaturationResult
from bakeoff.measure.server import Readiness, ServerFailed


class Server(Protocol):
    """A service under test, started by bakeoff and stopped by it."""

    def start(self) -> None: ...

    def wait_ready(self, host: str, port: int, check: Readiness, timeout_s: float) -> float:
        """Milliseconds from start to the first successful readiness check; raises
        ``ServerFailed`` when it exits or the timeout passes first."""
        ...

    def rss_mb(self) -> float: ...

    def cpu_s(self) -> float: ...

    def exited(self) -> int | None: ...

    def stderr_tail(self) -> str: ...

    def failed(self, reason: str, timed_out: bool = False) -> ServerFailed:
        """A ``ServerFailed`` carrying this server's evidence (tails, command, exit code)."""
        ...

    def stop(self) -> None: ...


class Launcher(Protocol):
    """Makes a (not yet started) server for a command line."""

    def __call__(
        self,
        argv: Sequence[str],
        cwd: str,
        env: Mapping[str, str],
        logdir: Path,
        cpus: set[int] | None,
    ) -> Server: ...


class FixedRate(Protocol):
    """An open-loop load generator: a fixed request rate, latency from the intended send."""

    def fixed_rate(
        self, base_url: str, mix: Sequence[Request], rate: float, duration_s: float
    ) -> PhaseResult: ...


class Saturator(Protocol):
    """A closed-loop load generator: as many requests as the server takes."""

    def saturate(
        self, base_url: str, mix: Sequence[Request], duration_s: float, connections: int = 64
    ) -> SaturationResult: ...


def launch_process(
    argv: Sequence[str], cwd: str, env: Mapping[str, str], logdir: Path, cpus: set[int] | None
) -> Server:
    """The real launcher: a contained ``ServerProcess``."""
    from bakeoff.measure.server import ServerProcess

    return ServerProcess(list(argv), cwd=cwd, env=dict(env), logdir=logdir, cpus=cpus)
