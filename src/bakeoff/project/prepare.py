"""A runnable working copy of the user's project for the suites that run it in place (serve,
start-up scripts): when the project declares dependencies but has no ``node_modules``, they are
installed into a copy — never into the project — with its own package manager (npm unless a
lockfile or ``packageManager`` says otherwise), its own caches, untimed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bakeoff.errors import MeasurementError
from bakeoff.measure.containment import Contained, run_tmpdir
from bakeoff.measure.workspace import ALL_LOCKFILES, tool_env
from bakeoff.plan.toolchains import TOOL_RANGES
from bakeoff.project.detect import package_manager
from bakeoff.runtimes.provision import Provisioner

INSTALL_TIMEOUT_S = 900.0


def _tail(path: Path, limit: int = 4000) -> str:
    try:
        return path.read_bytes()[-limit:].decode("utf-8", "replace")
    except OSError:
        return ""


def needs_install(project: Path) -> bool:
    try:
        meta = json.loads((project / "package.json").read_text())
    except (OSError, ValueError):
        return False
    has_deps = bool(meta.get("dependencies") or meta.get("devDependencies"))
    return has_deps and not (project / "node_modules").is_dir()


def _manager(project: Path) -> str:
    """The project's own package manager (``packageManager``, else its lockfile), else npm;
    Deno projects install with npm here (this copy only has to run under Node-compatible
    runtimes)."""
    try:
        meta = json.loads((project / "package.json").read_text())
    except (OSError, ValueError):
        meta = {}
    found = package_manager(project, meta if isinstance(meta, dict) else {})
    return found.value if found and found.value in ("pnpm", "yarn", "bun") else "npm"


def working_copy(project: Path, dest: Path, provisioner: Provisioner) -> tuple[Path, str]:
    """Copy ``project`` to ``dest`` (lockfiles kept, ``node_modules`` and build output left
    out) and install its dependencies there. Returns the copy and the manager used."""
    if dest.exists():
        shutil.rmtree(dest)

    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n in ("node_modules", ".git", "bakeoff-results")}

    shutil.copytree(project, dest, ignore=ignore, symlinks=True)
    manager = _manager(project)
    node = provisioner.ensure("node@lts")
    if manager == "bun":
        argv = [str(provisioner.ensure("bun@latest").binary), "install"]
    else:
        tool = provisioner.ensure_tool(manager, TOOL_RANGES[manager])
        argv = [str(node.binary), str(tool.binary), "install"]
    has_lock = any((dest / name).is_file() for name in ALL_LOCKFILES)
    env = tool_env(dest.parent / "cache")
    env["PATH"] = f"{node.binary.parent}:{env.get('PATH', '')}"
    logs = dest.parent / "install-logs"
    logs.mkdir(parents=True, exist_ok=True)
    # contained: a timeout, Ctrl-C or SIGTERM ends npm and every script it started (detached
    # ones too), and its temporary files stay in the working copy's folder
    with (
        run_tmpdir(dest.parent / "tmp"),
        Contained(
            argv,
            cwd=dest,
            env=env,
            stdout=logs / "stdout",
            stderr=logs / "stderr",
            timeout_s=INSTALL_TIMEOUT_S,
        ) as proc,
    ):
        proc.wait()
    if proc.timed_out:
        raise MeasurementError(f"installing the dependencies of {project} timed out")
    out, err = (_tail(logs / name) for name in ("stdout", "stderr"))
    if proc.returncode != 0:
        tail = (err or out).strip()[-600:]
        raise MeasurementError(
            f"could not install the dependencies of {project} with {manager} "
            f"(exit {proc.returncode}): {tail}",
            "run your package manager's install in the project, then `bakeoff run` again",
        )
    return dest, manager + (" (lockfile)" if has_lock else "")
