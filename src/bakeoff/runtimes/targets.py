"""Which npm package carries a runtime's binary for this machine, and where the binary sits
inside the package tarball."""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from pathlib import Path

from bakeoff.errors import ProvisionError


@dataclass(frozen=True)
class Target:
    package: str
    binary: str  # path inside the unpacked package folder


def _cpu_has_avx2() -> bool:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return True
    return any(line.startswith("flags") and " avx2" in line for line in text.splitlines())


def _machine() -> tuple[str, str]:
    system = {"linux": "linux", "darwin": "darwin"}.get(sys.platform)
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(
        platform.machine().lower()
    )
    if system is None or arch is None:
        raise ProvisionError(
            f"bakeoff cannot provision runtimes for {sys.platform}/{platform.machine()}",
            "use system:node / system:bun / system:deno or a path to a binary",
        )
    return system, arch


# Tools bakeoff provisions from the registry the same way (integrity-checked, cached): package
# managers and a bundler. JavaScript tools run on the contestant's Node.
TOOLS: dict[str, str] = {
    "npm": "bin/npm-cli.js",
    "pnpm": "bin/pnpm.cjs",
    "yarn": "bin/yarn.js",
    "postject": "dist/cli.js",
}
JS_TOOLS = frozenset(TOOLS)


def target(
    family: str, system: str | None = None, arch: str | None = None, avx2: bool | None = None
) -> Target:
    if system is None or arch is None:
        system, arch = _machine()
    if family == "node":
        return Target(f"node-{system}-{arch}", "bin/node")
    if family == "bun":
        bun_arch = "aarch64" if arch == "arm64" else arch
        name = f"@oven/bun-{system}-{bun_arch}"
        if arch == "x64" and system == "linux" and not (_cpu_has_avx2() if avx2 is None else avx2):
            name += "-baseline"
        return Target(name, "bin/bun")
    if family == "deno":
        name = f"@deno/{system}-{arch}" + ("-glibc" if system == "linux" else "")
        return Target(name, "deno")
    if family in TOOLS:
        return Target(family, TOOLS[family])
    if family == "esbuild":
        return Target(f"@esbuild/{system}-{arch}", "bin/esbuild")
    raise ProvisionError(f"unknown runtime family {family!r}")
