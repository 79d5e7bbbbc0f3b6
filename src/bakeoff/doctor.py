"""``bakeoff doctor``: read-only checks of how fit this machine is for benchmarking, each with
what it means for the numbers. Never changes a setting (no governor or turbo tuning): it only
tells you what a careful benchmarker would look at.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import psutil

from bakeoff.measure import environment

Status = Literal["ok", "warn", "info"]


@dataclass(frozen=True)
class Check:
    name: str
    value: str
    status: Status
    meaning: str


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read().strip()
    except OSError:
        return None


def check_governor() -> Check:
    gov = environment.governor()
    if gov is None:
        return Check(
            "CPU governor",
            "not readable",
            "info",
            "no cpufreq interface (common in VMs and containers): frequency is the host's call",
        )
    if gov == "performance":
        return Check("CPU governor", gov, "ok", "cores stay at full speed between runs")
    return Check(
        "CPU governor",
        gov,
        "warn",
        f"'{gov}' changes frequency with load: short runs may start at a low clock "
        "(pyperf system tune sets 'performance'; bakeoff never changes it)",
    )


def check_turbo() -> Check:
    no_turbo = _read("/sys/devices/system/cpu/intel_pstate/no_turbo")
    boost = _read("/sys/devices/system/cpu/cpufreq/boost")
    if no_turbo is None and boost is None:
        return Check("turbo boost", "not readable", "info", "cannot tell whether clocks boost")
    on = (no_turbo == "0") if no_turbo is not None else (boost == "1")
    if on:
        return Check(
            "turbo boost",
            "on",
            "warn",
            "clock speed depends on temperature and on how many cores are busy: "
            "interleaved runs share the effect, sequential ones do not",
        )
    return Check("turbo boost", "off", "ok", "clock speed is steady")


def check_load(cores: int) -> Check:
    load1, load5, _ = os.getloadavg()
    value = f"{load1:.2f} (1 min), {load5:.2f} (5 min) on {cores} cores"
    if load1 > 0.5 * cores:
        return Check(
            "load average",
            value,
            "warn",
            "other work is competing for the CPU: expect wider CIs and more re-run blocks",
        )
    return Check("load average", value, "ok", "the machine is mostly idle")


def check_steal(sample_s: float = 0.5, sleep: Callable[[float], None] = time.sleep) -> Check:
    before = environment.noise_snapshot()
    sleep(sample_s)
    after = environment.noise_snapshot()
    steal = environment.steal_fraction(before, after)
    if steal is None:
        return Check("CPU steal", "not reported", "info", "this kernel does not report steal")
    value = f"{steal:.1%} over {sample_s:g}s"
    if steal > 0.05:
        return Check(
            "CPU steal",
            value,
            "warn",
            "the hypervisor is giving this VM's CPU time to others: timings will jump",
        )
    return Check("CPU steal", value, "ok", "the hypervisor is not taking CPU time away")


def check_cores() -> Check:
    logical = psutil.cpu_count(logical=True) or 1
    physical = psutil.cpu_count(logical=False) or logical
    value = f"{logical} logical, {physical} physical"
    if logical <= 2:
        return Check(
            "cores",
            value,
            "warn",
            "runtimes use helper threads (GC, JIT, I/O): on 2 cores any other busy process "
            "competes with them directly",
        )
    return Check("cores", value, "ok", "room for runtime helper threads")


def check_memory() -> Check:
    vm = psutil.virtual_memory()
    value = f"{vm.available / 2**30:.1f} GB free of {vm.total / 2**30:.1f} GB"
    if vm.available < 1 * 2**30:
        return Check("memory", value, "warn", "under 1 GB free: swapping would distort timings")
    return Check("memory", value, "ok", "enough free memory for the contestants")


def check_virtualization() -> Check:
    virt = environment.virtualization()
    if virt:
        return Check(
            "virtualization",
            virt,
            "info",
            "a virtual machine: neighbours can steal CPU time; compare results only with runs "
            "on the same instance type",
        )
    return Check("virtualization", "none detected", "ok", "bare metal (or hidden hypervisor)")


def run_checks(steal_sample_s: float = 0.5) -> list[Check]:
    cores = psutil.cpu_count(logical=True) or 1
    return [
        check_governor(),
        check_turbo(),
        check_load(cores),
        check_steal(steal_sample_s),
        check_cores(),
        check_memory(),
        check_virtualization(),
    ]
