"""Which JavaScript runtime really ran a command: a package bin with a ``#!/usr/bin/env node``
shebang runs under whatever ``node`` is on PATH, so a test or build "under Bun" may really run
under Node. Three reusable pieces, for any suite that runs project commands:

* ``run_observed(executor, cmd)`` runs a command like ``executor.run`` while a thread watches
  its process tree (every process's executable, with psutil) and returns what it saw;
* ``verdict(family, seen)`` says whether the contestant of ``family`` was really tested: not
  when a *different* runtime family ran in the tree (or none ran at all);
* ``script_bins(project)`` reads, per package.json script, the shebang of the
  ``node_modules/.bin`` entry it starts, so a report can say in advance that
  ``bun run test`` starts ``jest`` under Node.

``family_of_exe`` / ``family_from_report`` classify an executable path or what a child reported
of ``process.execPath`` / ``process.versions``.
"""

from __future__ import annotations

import json
import os
import shlex
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

from bakeoff.measure.process import Command, Executor, ProcessResult

FAMILIES = ("node", "bun", "deno")


def family_of_exe(exe: str) -> str | None:
    """``node`` / ``bun`` / ``deno`` for a runtime executable (symlinks resolved: Bun's ``node``
    shim is a link to ``bun``), else None."""
    if not exe:
        return None
    try:
        name = Path(os.path.realpath(exe)).name
    except OSError:
        name = Path(exe).name
    for fam in FAMILIES:
        if name == fam or name.startswith(f"{fam}-") or name == f"{fam}.exe":
            return fam
    if name in ("bunx",):
        return "bun"
    return None


def family_from_report(report: Mapping[str, Any]) -> str:
    """The runtime a child says it is, from ``process.versions`` (``bun``/``deno`` keys) or a
    ``runtime`` field; Node when neither is present."""
    if report.get("runtime") in FAMILIES:
        return str(report["runtime"])
    versions = report.get("versions") or {}
    if isinstance(versions, Mapping):
        if versions.get("bun"):
            return "bun"
        if versions.get("deno"):
            return "deno"
    return "node"


def shebang_interpreter(script: Path) -> str | None:
    """The interpreter named by a script's ``#!`` line (``/usr/bin/env node`` -> ``node``,
    ``/usr/bin/env -S node --flag`` -> ``node``, ``/usr/local/bin/bun`` -> ``bun``)."""
    try:
        with script.open("rb") as fh:
            head = fh.readline(256)
    except OSError:
        return None
    if not head.startswith(b"#!"):
        return None
    words = head[2:].decode("utf-8", "replace").split()
    if not words:
        return None
    if Path(words[0]).name == "env":
        words = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        if not words:
            return None
    return Path(words[0]).name


@dataclass(frozen=True)
class SeenProcess:
    """One process of a command's tree that was a JavaScript runtime."""

    pid: int
    exe: str
    family: str
    cmdline: str


@dataclass
class Identity:
    """Whether a contestant was really tested by a command."""

    contestant_family: str
    really_tested: bool
    families: list[str] = field(default_factory=list)
    detail: str = ""
    seen: list[SeenProcess] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def verdict(family: str, seen: Iterable[SeenProcess], binary: str | None = None) -> Identity:
    """The contestant of ``family`` was really tested when only its own runtime ran in the
    tree. Another family (Node under a Bun contestant), another executable of the same family
    (a system Node instead of the contestant's ``binary``) or no runtime at all means not."""
    procs = list(seen)
    families = sorted({p.family for p in procs})
    own = os.path.realpath(binary) if binary else None
    others = [
        p
        for p in procs
        if p.family != family or (own is not None and os.path.realpath(p.exe) != own)
    ]
    if others:
        first = others[0]
        what = first.family if first.family != family else f"another {family} executable"
        detail = (
            f"not really tested: {what} ran ({first.exe}, pid {first.pid}: "
            f"{first.cmdline[:120]})" + (f" and {len(others) - 1} more" if len(others) > 1 else "")
        )
        return Identity(family, False, families, detail, procs)
    if not procs:
        return Identity(family, False, families, f"no {family} process was seen", procs)
    return Identity(family, True, families, f"only {family} ran ({len(procs)} process(es))", procs)


class TreeWatcher:
    """Polls the descendants of a root pid and records every runtime executable among them
    (re-reading a pid whose executable was not a runtime yet: ``env`` execs ``node``)."""

    def __init__(self, root: int, interval_s: float = 0.005) -> None:
        self.root = root
        self.interval_s = interval_s
        self.seen: dict[int, SeenProcess] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll(self) -> None:
        try:
            root = psutil.Process(self.root)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        for p in procs:
            if p.pid in self.seen:
                continue
            try:
                exe = p.exe()
                fam = family_of_exe(exe)
                if fam is None:
                    continue
                cmd = " ".join(p.cmdline())
            except psutil.Error:
                continue
            self.seen[p.pid] = SeenProcess(p.pid, exe, fam, cmd)

    def _loop(self) -> None:
        started = time.monotonic()
        while not self._stop.is_set():
            self.poll()
            # fast at first (short-lived children), then gentler on long runs
            wait = self.interval_s if time.monotonic() - started < 10 else self.interval_s * 4
            self._stop.wait(wait)

    def start(self) -> TreeWatcher:
        self._thread = threading.Thread(target=self._loop, name="bakeoff-tree-watch", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> list[SeenProcess]:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        return sorted(self.seen.values(), key=lambda p: p.pid)


def run_observed(
    executor: Executor, cmd: Command, interval_s: float = 0.005
) -> tuple[ProcessResult, list[SeenProcess]]:
    """``executor.run(cmd)`` while a watcher records the runtimes in the command's process
    tree. Needs an executor that exposes the running command's pid as ``current_pid`` (the
    launcher executor does); with any other executor nothing is seen."""
    result: list[ProcessResult] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(executor.run(cmd))
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    runner = threading.Thread(target=target, name="bakeoff-observed-run", daemon=True)
    runner.start()
    watcher: TreeWatcher | None = None
    while runner.is_alive():
        pid = getattr(executor, "current_pid", None)
        if watcher is None and isinstance(pid, int) and pid > 0:
            watcher = TreeWatcher(pid, interval_s).start()
        elif watcher is not None and pid != watcher.root:
            break  # the command ended
        runner.join(timeout=interval_s)
    runner.join()
    seen = watcher.stop() if watcher is not None else []
    if errors:
        raise errors[0]
    return result[0], seen


@dataclass(frozen=True)
class ScriptBin:
    """A package.json script whose command starts a ``node_modules/.bin`` entry."""

    script: str
    command: str
    bin: str
    interpreter: str | None  # from the bin's shebang: node, bun, deno, sh, ...

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def script_bins(project: Path) -> list[ScriptBin]:
    """For each package.json script, the local bin it starts and the interpreter its shebang
    names (``"test": "jest --ci"`` -> jest, ``node``). Scripts not starting a local bin are
    left out."""
    try:
        pkg = json.loads((project / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    scripts = pkg.get("scripts") if isinstance(pkg, dict) else None
    if not isinstance(scripts, dict):
        return []
    out: list[ScriptBin] = []
    bindir = project / "node_modules" / ".bin"
    for name, command in sorted(scripts.items()):
        if not isinstance(command, str):
            continue
        try:
            words = shlex.split(command)
        except ValueError:
            continue
        words = [w for w in words if "=" not in w.split("/")[0]]  # FOO=1 jest -> jest
        if not words:
            continue
        entry = bindir / words[0]
        if not entry.exists():
            continue
        out.append(ScriptBin(str(name), command, words[0], shebang_interpreter(entry)))
    return out


# The probe check whose result tells how each runtime's script runner treats a node shebang.
SCRIPT_CHECK = (
    "runtime_identity",
    "a package.json script calling a node-shebang bin runs under this runtime",
)


def predict(
    bins: list[ScriptBin], contestants: list[tuple[str, str]], statuses: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Per script and contestant ``(name, family)``: which runtime its bin will run under when
    the script is started with the contestant's script runner, from the bin's shebang and the
    ``runtime_identity`` probe's result for that contestant (``statuses``: name -> status)."""
    out = []
    for b in bins:
        said: dict[str, str] = {}
        row: dict[str, Any] = {
            "script": b.script,
            "bin": b.bin,
            "interpreter": b.interpreter,
            "contestants": said,
        }
        for name, family in contestants:
            if b.interpreter != "node" or family == "node":
                who = b.interpreter or "?"
                said[name] = f"runs under {who} (its shebang)"
                continue
            st = statuses.get(name)
            if st == "pass":
                said[name] = f"runs under {family} (its script runner replaces node)"
            elif st in ("fail", "error", "timeout"):
                said[name] = "runs under node: not really tested"
            else:
                said[name] = "unknown (the runtime_identity probe did not run)"
        out.append(row)
    return out
