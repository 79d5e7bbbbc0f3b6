"""Smoke tests of packages teams rely on. The packages are installed once per run from the npm
registry (with the Node contestant's binary running npm's own CLI, into a folder with its own npm
cache), then each smoke script in ``probes/packages/`` runs under every contestant, reporting
through the same harness and parser as the probe areas (area ``pkg:<name>``)."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from bakeoff.compat.probes import PROBES_DIR
from bakeoff.measure.process import Command, Executor, ProcessResult
from bakeoff.suites.workspace import tool_env

PACKAGES_DIR = PROBES_DIR / "packages"

# smoke script -> dependencies it needs, with version ranges. Ranges are the newest releases
# (the installed versions are recorded in the results), except OpenTelemetry: its latest tags do
# not install together (instrumentation 0.30x peers @opentelemetry/api >=1.10, sdk-trace-base 2.12
# peers api <1.10), so the smoke tests use the newest mutually compatible set (instrumentation
# 0.2xx; instrumentation-express < 0.72, whose 0.72 needs instrumentation 0.30x).
OTEL = {
    "@opentelemetry/api": "~1.9.0",
    "@opentelemetry/sdk-trace-node": "^2.0.0",
    "@opentelemetry/sdk-trace-base": "^2.0.0",
    "@opentelemetry/instrumentation": "<0.300.0",
    "@opentelemetry/instrumentation-http": "<0.300.0",
    "@opentelemetry/instrumentation-express": "<0.72.0",
    "express": "*",
}
SMOKE: dict[str, dict[str, str]] = {
    "express": {"express": "*"},
    "fastify": {"fastify": "*"},
    "pino": {"pino": "*"},
    "winston": {"winston": "*"},
    "otel": OTEL,
    "otel_esm": OTEL,
    "ws": {"ws": "*"},
    "zod": {"zod": "*"},
    "napi": {"@node-rs/argon2": "*"},
}


@dataclass
class InstallResult:
    folder: Path
    ok: bool
    wall_s: float
    detail: str
    versions: dict[str, str]


def install(
    folder: Path,
    node_binary: str,
    npm_cli: Path,
    executor: Executor,
    names: list[str],
    timeout_s: float = 300.0,
) -> InstallResult:
    """``npm install`` the smoke tests' dependencies into ``folder`` (own cache and HOME)."""
    folder.mkdir(parents=True, exist_ok=True)
    ranges = {d: r for n in names for d, r in SMOKE[n].items()}
    deps = sorted(ranges)
    pkg = {
        "name": "bakeoff-compat-packages",
        "private": True,
        "type": "module",
        "dependencies": {d: ranges[d] for d in deps},
    }
    (folder / "package.json").write_text(json.dumps(pkg, indent=2) + "\n")
    # own npm cache, HOME and config; the machine's CA bundle and registry mirror (tool_env)
    env = tool_env(
        folder / ".tool-cache",
        {"PATH": f"{Path(node_binary).parent}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    proc = executor.run(
        Command(
            (
                node_binary,
                str(npm_cli),
                "install",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--fetch-retries=1",
            ),
            cwd=str(folder),
            env=env,
            timeout_s=timeout_s,
        )
    )
    versions: dict[str, str] = {}
    for d in deps:
        meta = folder / "node_modules" / d / "package.json"
        if meta.is_file():
            versions[d] = str(json.loads(meta.read_text()).get("version", "?"))
    detail = "" if proc.ok else f"npm install {proc.failure()}: {_last_line(proc)}"
    return InstallResult(folder, proc.ok, proc.wall_ms / 1000, detail, versions)


def _last_line(proc: ProcessResult) -> str:
    """The most telling npm error line (its code and first message), else the last line."""
    lines = [ln.strip() for ln in proc.stderr_tail.splitlines() if ln.strip()]
    useful = [ln for ln in lines if ln.startswith("npm error") and "complete log" not in ln]
    picked = " ".join(useful[:3]) if useful else (lines[-1] if lines else "")
    return picked[:300]


def stage_scripts(folder: Path, names: list[str]) -> dict[str, Path]:
    """Copy the harness and smoke scripts into the install folder, so bare imports resolve
    from its node_modules."""
    shutil.copy2(PROBES_DIR / "harness.mjs", folder / "harness.mjs")
    smoke = folder / "smoke"
    smoke.mkdir(exist_ok=True)
    out: dict[str, Path] = {}
    for n in names:
        dest = smoke / f"{n}.mjs"
        shutil.copy2(PACKAGES_DIR / f"{n}.mjs", dest)
        out[n] = dest
    return out
