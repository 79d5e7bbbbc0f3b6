"""A runnable working copy of the user's project for the suites that run it in place (serve,
start-up scripts): when the project declares dependencies but has no ``node_modules``, they are
installed into a copy — never into the project — with its own package manager at its pinned
version (npm unless a lockfile or ``packageManager`` says otherwise), its own caches, untimed;
and the project's build script runs there when the service starts from build output."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from bakeoff.errors import MeasurementError
from bakeoff.measure.containment import Contained, SpawnError, run_tmpdir
from bakeoff.measure.workspace import ALL_LOCKFILES, mark_install, tool_env
from bakeoff.plan.toolchains import TOOL_RANGES, ProjectManager, tools_path_env
from bakeoff.project.detect import package_manager_spec, workspace_root
from bakeoff.results import Failure
from bakeoff.runtimes.provision import Provisioner, Runtime


def needs_install(project: Path) -> bool:
    try:
        meta = json.loads((project / "package.json").read_text())
    except (OSError, ValueError):
        return False
    has_deps = bool(meta.get("dependencies") or meta.get("devDependencies"))
    return has_deps and not (project / "node_modules").is_dir()


def _manager(project: Path) -> ProjectManager:
    """The project's own package manager (``packageManager``, else its lockfile), else npm;
    Deno projects install with npm here (this copy only has to run under Node-compatible
    runtimes)."""
    found = package_manager_spec(workspace_root(project) or project)
    return found if found and found.name in ("pnpm", "yarn", "bun") else ProjectManager("npm")


def _tools(pm: ProjectManager, provisioner: Provisioner) -> tuple[Runtime, dict[str, Runtime]]:
    node = provisioner.ensure("node@lts")
    tools = {"npm": provisioner.ensure_tool("npm", TOOL_RANGES["npm"])}
    if pm.name == "bun":
        tools["bun"] = provisioner.ensure("bun@latest")
    elif pm.name != "npm":
        tools[pm.name] = provisioner.ensure_tool(pm.name, pm.version or TOOL_RANGES[pm.name])
    return node, tools


def _env(cache: Path, node: Runtime, tools: dict[str, Runtime]) -> dict[str, str]:
    """The tool environment with the provisioned Node, Bun and managers first on PATH."""
    binaries = {"node": node.binary, **({"bun": tools["bun"].binary} if "bun" in tools else {})}
    return tools_path_env(tool_env(cache), binaries, tools)


class StepFailed(MeasurementError):
    """An untimed preparation step (install, build) failed; carries its evidence."""

    def __init__(
        self,
        what: str,
        argv: list[str],
        exit_code: int | None,
        stdout: str,
        stderr: str,
        timed_out: bool = False,
        hint: str | None = None,
    ) -> None:
        tail = (stderr or stdout).strip()[-600:]
        status = "timed out" if timed_out else f"exit {exit_code}"
        super().__init__(f"{what} ({status}): {tail}" if tail else f"{what} ({status})", hint)
        self.what = what
        self.command = " ".join(argv)
        self.returncode = exit_code
        self.stdout_tail = stdout[-2000:]
        self.stderr_tail = stderr[-2000:]
        self.timed_out = timed_out

    def failure(self, prefix: str = "") -> Failure:
        """This step's failure as a result (for the report), with its evidence."""
        return Failure(
            reason=prefix + self.message,
            exit_code=self.returncode,
            timed_out=self.timed_out,
            stderr_tail=self.stderr_tail[-1000:],
            stdout_tail=self.stdout_tail[-1000:],
            command=self.command,
        )


INSTALL_TIMEOUT_S = 900.0


def _tail(path: Path, limit: int = 4000) -> str:
    try:
        return path.read_bytes()[-limit:].decode("utf-8", "replace")
    except OSError:
        return ""


def run_step(
    argv: list[str],
    cwd: Path,
    env: dict[str, str],
    timeout: float,
    what: str,
    hint: str | None = None,
) -> str:
    """Run one preparation step contained (a timeout, Ctrl-C or SIGTERM ends it and every
    script it started, detached ones too; its temporary files stay next to ``cwd``); its
    combined output, or ``StepFailed`` with the command, exit code and both output tails."""
    logs = Path(tempfile.mkdtemp(prefix="step-logs-", dir=cwd.parent))
    try:
        with (
            run_tmpdir(cwd.parent / "tmp"),
            Contained(
                argv,
                cwd=cwd,
                env=env,
                stdout=logs / "stdout",
                stderr=logs / "stderr",
                timeout_s=timeout,
            ) as proc,
        ):
            proc.wait()
    except SpawnError as exc:
        raise StepFailed(what, argv, None, "", str(exc), False, hint) from None
    out, err = (_tail(logs / name) for name in ("stdout", "stderr"))
    if proc.timed_out:
        raise StepFailed(what, argv, None, out, err, True, hint)
    if proc.returncode != 0:
        raise StepFailed(what, argv, proc.returncode, out, err, False, hint)
    return out + err


def _copy(project: Path, dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)

    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n in ("node_modules", ".git", "bakeoff-results")}

    shutil.copytree(project, dest, ignore=ignore, symlinks=True)


def working_copy(
    project: Path, dest: Path, provisioner: Provisioner, timeout: float = INSTALL_TIMEOUT_S
) -> tuple[Path, str]:
    """Copy ``project`` to ``dest`` (lockfiles kept, ``node_modules`` and build output left
    out) and install its dependencies there. Returns the copy and the manager used. A
    workspace of a monorepo is copied and installed with its whole monorepo (its
    ``workspace:`` dependencies live there); the copy returned is the workspace's folder."""
    root = workspace_root(project)
    if root is not None:
        rel = project.resolve().relative_to(root)
        copy, how = working_copy(root, dest, provisioner, timeout)
        return copy / rel, how
    _copy(project, dest)
    pm = _manager(project)
    manager = pm.name
    node, tools = _tools(pm, provisioner)
    if manager == "bun":
        argv = [str(tools["bun"].binary), "install"]
    else:
        argv = [str(node.binary), str(tools[manager].binary), "install"]
    has_lock = any((dest / name).is_file() for name in ALL_LOCKFILES)
    env = _env(dest.parent / "cache", node, tools)
    run_step(
        argv,
        dest,
        env,
        timeout,
        f"could not install the dependencies of {project} with {manager}",
        "run your package manager's install in the project, then `bakeoff run` again",
    )
    mark_install(dest, argv)  # the test and build suites' copies reuse this tree
    version = tools[manager].version if manager in tools else None
    how = f"{manager} {version}" if version else manager
    return dest, how + (" (lockfile)" if has_lock else "")


def linked_copy(project: Path, dest: Path) -> Path:
    """A copy of ``project`` that uses its installed ``node_modules`` (a link), for a build
    that must not write into the project."""
    _copy(project, dest)
    (dest / "node_modules").symlink_to((project / "node_modules").resolve())
    return dest


def run_scripts(
    copy: Path, names: list[str], provisioner: Provisioner, timeout: float = 600
) -> list[str]:
    """Run package.json scripts (the build) in the working copy, in order, with the project's
    package manager on the baseline Node; what ran, e.g. ``["pnpm run build"]``."""
    try:
        scripts = json.loads((copy / "package.json").read_text()).get("scripts") or {}
    except (OSError, ValueError):
        scripts = {}
    missing = [n for n in names if n not in scripts]
    if missing:
        raise MeasurementError(
            f"serve.build: no script {', '.join(missing)} in {copy.name}/package.json",
            f"scripts: {', '.join(scripts) or 'none'}",
        )
    pm = _manager(copy)
    node, tools = _tools(pm, provisioner)
    env = _env(copy.parent / "cache", node, tools)
    ran = []
    for name in names:
        if pm.name == "bun":
            argv = [str(tools["bun"].binary), "run", name]
        else:
            argv = [str(node.binary), str(tools[pm.name].binary), "run", name]
        run_step(argv, copy, env, timeout, f"the project's `{pm.name} run {name}` failed")
        ran.append(f"{pm.name} run {name}")
    return ran
