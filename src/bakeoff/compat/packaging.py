"""Single-file executables of a project's CLI entry, per runtime family:

* bun:  ``bun build --compile --outfile app entry``
* deno: ``deno compile --allow-all -o app entry`` (needs the ``denort`` runtime, which Deno
  downloads from dl.deno.land; when that fails the result says so with Deno's own error)
* node: single executable application: the entry bundled to one CommonJS file with esbuild
  (from npm), then ``node --build-sea`` (Node >= 25.5) or, on older Node,
  ``--experimental-sea-config``
  + ``postject`` from npm.

Each build is timed; the binary's size, its start-up time (median of a few runs) and whether its
output equals the script's output under the same runtime are recorded.
"""

from __future__ import annotations

import json
import os
import statistics
from pathlib import Path

from bakeoff.measure.invoke import base_env
from bakeoff.measure.process import Command, Executor, ProcessResult
from bakeoff.plan.contestants import Contender
from bakeoff.results.suites import PackageBuildInfo


def dir_size_mb(path: Path) -> float:
    total = 0
    if path.is_file():
        return path.stat().st_size / 1e6
    for root, _dirs, files in os.walk(path):
        for f in files:
            p = Path(root) / f
            if not p.is_symlink():
                total += p.stat().st_size
    return total / 1e6


def _why(proc: ProcessResult) -> str:
    text = proc.stderr_tail
    if "dl.deno.land" in text and "denort" in text:
        url = next(
            (
                w
                for w in text.split()
                if w.startswith("https://dl.deno.land/") or w.startswith("(https://dl.deno.land/")
            ),
            "",
        )
        cause = next((ln.strip() for ln in text.splitlines() if "error sending request" in ln), "")
        tail = cause.split(": ")[-1] if cause else "download failed"
        return (
            f"deno compile needs the denort runtime from {url.strip('():') or 'dl.deno.land'}, "
            f"which is not reachable here ({tail}); denort is not published on the npm registry"
        )
    lines = [ln.strip() for ln in proc.stderr_tail.splitlines() if ln.strip()]
    lines = [ln for ln in lines if not ln[:1].isdigit() and not ln.startswith("at ")]
    useful = [ln for ln in lines if "error" in ln.lower() or "fail" in ln.lower()]
    pick = (useful or lines or [proc.failure()])[-1]
    return pick.replace("\x1b[0m", "").replace("\x1b[1m", "").replace("\x1b[31m", "")[:300]


def node_sea_supports_build_flag(version: str) -> bool:
    try:
        major, minor = (int(p) for p in version.lstrip("v").split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (25, 5)


def build_argv(
    c: Contender,
    entry: Path,
    out: Path,
    work: Path,
    esbuild: Path | None,
    postject_cli: Path | None,
) -> tuple[str, list[list[str]]] | str:
    """The method name and the commands that build ``out`` from ``entry``; or a reason string
    when it cannot be built."""
    if c.family == "bun":
        return "bun build --compile", [
            [c.binary, "build", "--compile", str(entry), "--outfile", str(out)]
        ]
    if c.family == "deno":
        return "deno compile", [
            [c.binary, "compile", "--allow-all", "--quiet", "-o", str(out), str(entry)]
        ]
    if c.family != "node":
        return f"no single-file packaging for {c.family}"
    if esbuild is None:
        return "unavailable: esbuild (needed to bundle the entry for SEA) could not be fetched"
    bundle = work / "bundle.cjs"
    config = work / "sea-config.json"
    steps = [
        [
            str(esbuild),
            str(entry),
            "--bundle",
            "--platform=node",
            "--format=cjs",
            f"--outfile={bundle}",
            "--log-level=warning",
        ]
    ]
    if node_sea_supports_build_flag(c.runtime.version):
        config.write_text(
            json.dumps(
                {"main": str(bundle), "output": str(out), "disableExperimentalSEAWarning": True}
            )
        )
        return "node --build-sea", [*steps, [c.binary, "--build-sea", str(config)]]
    if postject_cli is None:
        return "unavailable: postject could not be fetched from npm"
    blob = work / "sea-prep.blob"
    config.write_text(
        json.dumps(
            {"main": str(bundle), "output": str(blob), "disableExperimentalSEAWarning": True}
        )
    )
    return "node SEA + postject", [
        *steps,
        [c.binary, "--experimental-sea-config", str(config)],
        ["cp", c.binary, str(out)],
        [
            c.binary,
            str(postject_cli),
            str(out),
            "NODE_SEA_BLOB",
            str(blob),
            "--sentinel-fuse",
            "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2",
        ],
    ]


def script_argv(c: Contender, entry: Path, args: list[str]) -> list[str]:
    if c.family == "deno":
        return [c.binary, "run", "--allow-all", str(entry), *args]
    return [c.binary, str(entry), *args]


def build_one(
    c: Contender,
    entry: Path,
    args: list[str],
    work: Path,
    executor: Executor,
    esbuild: Path | None,
    postject_cli: Path | None,
    app_dir: Path,
    runs: int = 5,
    timeout_s: float = 180.0,
) -> PackageBuildInfo:
    work.mkdir(parents=True, exist_ok=True)
    out = work / "app"
    env = base_env(
        {"DENO_DIR": str(work / "deno-dir"), "BUN_INSTALL_CACHE_DIR": str(work / "bun-cache")}
    )
    plan = build_argv(c, entry, out, work, esbuild, postject_cli)
    if isinstance(plan, str):
        return PackageBuildInfo(
            contestant=c.name, family=c.family, method="-", ok=False, detail=plan
        )
    method, steps = plan
    result = PackageBuildInfo(contestant=c.name, family=c.family, method=method, ok=False)
    total_ms = 0.0
    for argv in steps:
        proc = executor.run(Command(tuple(argv), cwd=str(work), env=env, timeout_s=timeout_s))
        total_ms += proc.wall_ms
        if not proc.ok:
            step = " ".join([Path(argv[0]).name, *argv[1:3]])
            result.detail = f"unavailable: `{step}` failed: {_why(proc)}"
            result.build_s = round(proc.wall_ms / 1000, 3)  # time until it failed
            return result
    if not out.is_file():
        result.detail = "build reported success but produced no binary"
        return result
    result.build_s = round(total_ms / 1000, 3)
    result.binary_mb = round(out.stat().st_size / 1e6, 1)
    ref = executor.run(
        Command(tuple(script_argv(c, entry, args)), cwd=str(work), env=env, timeout_s=30)
    )
    ref_out = ref.stdout if ref.ok else None
    for i in range(runs + 1):
        proc = executor.run(Command((str(out), *args), cwd=str(work), env=env, timeout_s=30))
        if not proc.ok:
            result.detail = f"binary failed: {proc.failure()}: {_why(proc)}"
            return result
        if i == 0:
            result.same_output = ref_out is not None and proc.stdout == ref_out
        else:
            result.start_ms.append(round(proc.wall_ms, 2))
            result.start_cpu_ms.append(round(proc.cpu_ms, 2))
            result.start_rss_mb.append(round(proc.peak_rss_mb, 2))
    result.ok = True
    result.runtime_mb = round(Path(c.binary).stat().st_size / 1e6, 1)
    result.app_mb = round(
        dir_size_mb(app_dir / "src") if (app_dir / "src").is_dir() else dir_size_mb(entry), 3
    )
    nm = app_dir / "node_modules"
    result.node_modules_mb = round(dir_size_mb(nm), 1) if nm.is_dir() else 0.0
    result.image_estimate_mb = round(result.runtime_mb + result.app_mb + result.node_modules_mb, 1)
    if result.start_ms:
        med = statistics.median(result.start_ms)
        result.detail = f"start-up median {med:.1f} ms over {len(result.start_ms)} runs"
    return result
