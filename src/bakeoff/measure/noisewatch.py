"""Noise watch: read-only readings of how busy the machine was during each measured block, and
the rule that calls a block noisy.

Between blocks the scheduler asks a ``NoiseWatch`` for a ``BlockNoise``: the 1-minute load
average, the share of CPU time the hypervisor stole, the CPU frequency where readable, and the
CPU time spent by *other* processes (system busy time minus what bakeoff and its children used).
A block is noisy when, during it,

* other processes used more than ``other_cores`` cores on average (default 0.5), or
* the hypervisor stole more than ``steal`` of the CPU time (default 5%), or
* the CPU frequency moved by more than ``freq_change`` from the first reading (default 10%).

The load average is recorded but not judged: it averages over a minute, far longer than a block.
What the scheduler does with a noisy block is in ``bakeoff.measure.scheduler``. Nothing here
tunes the machine.
"""

from __future__ import annotations

import contextlib
import os
import resource
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import psutil


@dataclass(frozen=True)
class NoiseLimits:
    other_cores: float = 0.5
    steal: float = 0.05
    freq_change: float = 0.10


@dataclass(frozen=True)
class CpuReading:
    """Cumulative counters at one instant (seconds)."""

    wall: float
    busy: float  # all CPUs, everything but idle/iowait/steal
    steal: float
    total: float  # all CPUs, all states
    own: float  # this process (user + sys)
    kids: float  # its reaped children (user + sys)
    freq_mhz: float | None
    load1: float


@dataclass
class BlockNoise:
    block: int
    load1: float
    other_cores: float
    steal: float
    freq_mhz: float | None
    noisy: bool
    reasons: list[str] = field(default_factory=list)
    busy: list[str] = field(default_factory=list)  # names of other running processes
    action: str = ""  # "kept", "rerun" (set by the scheduler)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["other_cores"] = round(self.other_cores, 3)
        d["steal"] = round(self.steal, 4)
        return d


class NoiseWatch(Protocol):
    def start(self) -> None: ...

    def block_done(self, block: int, children_cpu_s: float) -> BlockNoise: ...


def read_cpu() -> CpuReading:
    t = psutil.cpu_times()
    idle = t.idle + getattr(t, "iowait", 0.0)
    steal = float(getattr(t, "steal", 0.0))
    total = float(sum(t))
    guest = float(getattr(t, "guest", 0.0)) + float(getattr(t, "guest_nice", 0.0))
    total -= guest  # guest time is already counted in user on Linux
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        freq = psutil.cpu_freq()
    except (OSError, RuntimeError, NotImplementedError):
        freq = None
    return CpuReading(
        wall=time.monotonic(),
        busy=total - idle - steal,
        steal=steal,
        total=total,
        own=me.ru_utime + me.ru_stime,
        kids=kids.ru_utime + kids.ru_stime,
        freq_mhz=float(freq.current) if freq and freq.current else None,
        load1=os.getloadavg()[0],
    )


def running_others(limit: int = 5) -> list[str]:
    """Names of other processes in the running state right now (not bakeoff's own tree)."""
    me = os.getpid()
    mine = {me}
    with contextlib.suppress(psutil.Error):
        mine |= {p.pid for p in psutil.Process(me).children(recursive=True)}
    names: list[str] = []
    for p in psutil.process_iter(["pid", "name", "status"]):
        info = p.info
        if info["pid"] in mine or info["status"] != psutil.STATUS_RUNNING:
            continue
        names.append(str(info["name"]))
        if len(names) >= limit:
            break
    return names


def judge(
    before: CpuReading,
    after: CpuReading,
    children_cpu_s: float,
    first_freq: float | None,
    limits: NoiseLimits,
) -> tuple[float, float, list[str]]:
    """Other processes' CPU (in cores), steal share, and the reasons a block is noisy."""
    wall = max(after.wall - before.wall, 1e-9)
    busy = after.busy - before.busy
    # Runtimes started through the launcher are not our direct children, so their CPU time
    # comes from the measurements themselves (``children_cpu_s``).
    own = (after.own - before.own) + max(after.kids - before.kids, children_cpu_s)
    other_cores = max(0.0, busy - own) / wall
    total = after.total - before.total
    steal = (after.steal - before.steal) / total if total > 0 else 0.0
    reasons: list[str] = []
    if other_cores > limits.other_cores:
        reasons.append(f"other processes used {other_cores:.2f} cores")
    if steal > limits.steal:
        reasons.append(f"hypervisor stole {steal:.0%} of CPU time")
    if first_freq and after.freq_mhz:
        change = abs(after.freq_mhz / first_freq - 1)
        if change > limits.freq_change:
            reasons.append(
                f"CPU frequency moved {change:.0%} ({first_freq:.0f}→{after.freq_mhz:.0f} MHz)"
            )
    return other_cores, steal, reasons


class SystemNoiseWatch:
    """Watches the real machine. ``reader`` and ``others`` are injectable for tests."""

    def __init__(
        self,
        limits: NoiseLimits | None = None,
        reader: Callable[[], CpuReading] = read_cpu,
        others: Callable[[], list[str]] = running_others,
    ) -> None:
        self.limits = limits or NoiseLimits()
        self.reader = reader
        self.others = others
        self.last: CpuReading | None = None
        self.first_freq: float | None = None

    def start(self) -> None:
        self.last = self.reader()
        self.first_freq = self.last.freq_mhz

    def block_done(self, block: int, children_cpu_s: float) -> BlockNoise:
        if self.last is None:
            self.start()
        assert self.last is not None
        now = self.reader()
        other, steal, reasons = judge(self.last, now, children_cpu_s, self.first_freq, self.limits)
        self.last = now
        noisy = bool(reasons)
        return BlockNoise(
            block=block,
            load1=round(now.load1, 2),
            other_cores=other,
            steal=steal,
            freq_mhz=round(now.freq_mhz) if now.freq_mhz else None,
            noisy=noisy,
            reasons=reasons,
            busy=self.others() if noisy else [],
        )

    def restart(self) -> None:
        """Start a fresh interval (after work that is not a block, e.g. warm-ups)."""
        self.last = self.reader()
