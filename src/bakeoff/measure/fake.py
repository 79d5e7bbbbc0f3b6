"""A fake ``Executor``: returns synthetic process results from a function of the command, so
scheduling, statistics, analysis and reports can be tested without any runtime installed
(the way httpx's MockTransport tests clients without a network)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from bakeoff.measure.process import Command, ProcessResult

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
