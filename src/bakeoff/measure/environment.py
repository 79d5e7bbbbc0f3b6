"""Machine metadata stamped on every results document (pyperf-style), plus the read-only
noise readings taken before and after measuring: load average, CPU frequency and governor,
steal time. Nothing here changes the machine."""

from __future__ import annotations

import hashlib
import os
import platform
import socket
import sys
from pathlib import Path
from typing import Any

import psutil

from bakeoff import __version__


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def cpu_model() -> str:
    text = _read("/proc/cpuinfo") or ""
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def cpu_flags() -> set[str]:
    text = _read("/proc/cpuinfo") or ""
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def governor() -> str | None:
    return _read("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")


def virtualization() -> str | None:
    if "hypervisor" in cpu_flags():
        vendor = _read("/sys/class/dmi/id/sys_vendor")
        return vendor or "yes (hypervisor flag)"
    return None


def cpu_times_snapshot() -> dict[str, float]:
    t = psutil.cpu_times()
    return {
        k: float(getattr(t, k))
        for k in ("user", "system", "idle", "iowait", "steal")
        if hasattr(t, k)
    }


def noise_snapshot() -> dict[str, Any]:
    """A cheap, read-only reading of how busy the machine is right now."""
    load1, load5, load15 = os.getloadavg()
    freq = psutil.cpu_freq()
    return {
        "load_avg": [round(load1, 2), round(load5, 2), round(load15, 2)],
        "cpu_freq_mhz": round(freq.current) if freq else None,
        "cpu_times": cpu_times_snapshot(),
    }


def steal_fraction(before: dict[str, Any], after: dict[str, Any]) -> float | None:
    """Share of CPU time stolen by the hypervisor between two snapshots."""
    b, a = before.get("cpu_times", {}), after.get("cpu_times", {})
    if "steal" not in a or "steal" not in b:
        return None
    total = sum(a.values()) - sum(b.values())
    return (a["steal"] - b["steal"]) / total if total > 0 else 0.0


def environment() -> dict[str, Any]:
    vm = psutil.virtual_memory()
    uname = platform.uname()
    return {
        "hostname_sha256": hashlib.sha256(socket.gethostname().encode()).hexdigest()[:16],
        "cpu_model": cpu_model(),
        "cores_logical": psutil.cpu_count(logical=True),
        "cores_physical": psutil.cpu_count(logical=False),
        "memory_gb": round(vm.total / 2**30, 1),
        "os": uname.system,
        "os_release": _read("/etc/os-release") and _os_pretty(),
        "kernel": uname.release,
        "arch": uname.machine,
        "python": sys.version.split()[0],
        "bakeoff_version": __version__,
        "governor": governor(),
        "virtualization": virtualization(),
        "avx2": "avx2" in cpu_flags() if sys.platform.startswith("linux") else None,
    }


def _os_pretty() -> str:
    for line in (_read("/etc/os-release") or "").splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip('"')
    return ""
