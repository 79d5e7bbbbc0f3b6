"""Running one measured command: the ``Executor`` interface, its real implementation on top of
the launcher process (``_spawner.py``), and the data it returns.

The real executor spawns without a shell, times with a monotonic ns clock inside the launcher,
takes user/sys CPU and peak RSS from ``wait4``, captures stdout/stderr to files (so a chatty
child never blocks on a pipe and capture does not affect timing) and kills the whole process
group on timeout or when closed — and whatever the command detached (``containment.py``).
Fakes implementing ``Executor`` drive tests without runtimes.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bakeoff import tempdirs
from bakeoff.errors import MeasurementError
from bakeoff.measure.containment import Launcher, kill_group, resolve_executable

__all__ = ["Command", "Executor", "LauncherExecutor", "ProcessResult", "resolve_executable"]

TAIL_BYTES = 2000
# A reading within this factor of the launcher's own high-water mark may be the floor, not the
# child's real peak.
FLOOR_MARGIN = 1.02


@dataclass(frozen=True)
class Command:
    """What to run. ``argv[0]`` is resolved on PATH unless it is a path."""

    argv: tuple[str, ...]
    cwd: str | None = None
    env: Mapping[str, str] | None = None
    timeout_s: float = 60.0
    capture: bool = True
    ok_exit_codes: frozenset[int] = frozenset({0})  # e.g. a test run whose tests failed
    keep_output: bool = False  # keep the whole stdout and stderr (up to 1 MiB each)

    def display(self) -> str:
        return " ".join(self.argv)


@dataclass(frozen=True)
class ProcessResult:
    """One finished (or killed) process."""

    wall_ns: int
    user_ns: int
    sys_ns: int
    exit_code: int | None
    signal: int | None
    timed_out: bool
    peak_rss_kb: int
    rss_at_floor: bool = False
    stdout_tail: str = ""
    stderr_tail: str = ""
    error: str | None = None  # the command could not even be started
    stdout: str = field(default="", repr=False)
    stderr: str = field(default="", repr=False)  # whole stderr (``Command.keep_output``)
    timeout_note: str = ""  # why the time limit was what it was, when not the command's own

    @property
    def ok(self) -> bool:
        return self.error is None and not self.timed_out and self.exit_code == 0

    def ok_for(self, cmd: Command) -> bool:
        """Whether the run counts as a measurement for ``cmd`` (its accepted exit codes)."""
        return self.error is None and not self.timed_out and self.exit_code in cmd.ok_exit_codes

    @property
    def wall_ms(self) -> float:
        return self.wall_ns / 1e6

    @property
    def cpu_ms(self) -> float:
        return (self.user_ns + self.sys_ns) / 1e6

    @property
    def peak_rss_mb(self) -> float:
        return self.peak_rss_kb / 1024

    def failure(self) -> str:
        """A one-line description of why this run did not succeed ('' when it did)."""
        if self.error:
            return f"could not start: {self.error}"
        if self.timed_out:
            why = f": {self.timeout_note}" if self.timeout_note else ""
            return f"timed out after {self.wall_ms / 1000:.1f} s (process group killed){why}"
        if self.signal is not None:
            return f"killed by signal {self.signal} ({_signame(self.signal)})"
        if self.exit_code:
            return f"exited with code {self.exit_code}"
        return ""


def _signame(num: int) -> str:
    try:
        return signal.Signals(num).name
    except ValueError:
        return "unknown"


class Executor(Protocol):
    """Runs one command to completion and measures it."""

    def run(self, cmd: Command) -> ProcessResult: ...

    def close(self) -> None: ...


def _tail(path: Path, limit: int = TAIL_BYTES) -> str:
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - limit))
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""


class LauncherExecutor:
    """The real executor. One launcher process serves one command at a time; create several
    executors for concurrent processes. Use as a context manager or call ``close()``."""

    def __init__(self, keep_stdout: bool = False) -> None:
        self._keep_stdout = keep_stdout
        self._tmp = tempdirs.make("bakeoff-run-")
        self._launcher: Launcher | None = Launcher()
        self.launcher_pid = self._launcher.pid
        self.floor_kb = self._launcher.floor_kb
        self.current_pid: int | None = None

    # -- Executor ---------------------------------------------------------------------------
    def run(self, cmd: Command) -> ProcessResult:
        out_path = self._tmp / "stdout"
        err_path = self._tmp / "stderr"
        capture = cmd.capture or self._keep_stdout or cmd.keep_output
        launcher = self._running()
        started = launcher.spawn(
            cmd.argv,
            cmd.cwd,
            cmd.env,
            out_path if capture else None,
            err_path,
            timeout_s=cmd.timeout_s,
        )
        if not started.get("pid"):
            return ProcessResult(0, 0, 0, None, None, False, 0, error=str(started.get("error")))
        self.current_pid = int(started["pid"])
        done = launcher.recv()
        self.current_pid = None
        status = int(done["status"])
        exit_code = os.waitstatus_to_exitcode(status)
        sig = -exit_code if exit_code < 0 else None
        maxrss = int(done["maxrss"])
        if sys.platform == "darwin":
            maxrss //= 1024
        stdout_text = _tail(out_path, 1 << 20) if capture else ""
        return ProcessResult(
            wall_ns=int(done["wall_ns"]),
            user_ns=int(float(done["utime"]) * 1e9),
            sys_ns=int(float(done["stime"]) * 1e9),
            exit_code=None if sig is not None else exit_code,
            signal=sig,
            timed_out=bool(done["timed_out"]),
            peak_rss_kb=maxrss,
            rss_at_floor=maxrss <= self.floor_kb * FLOOR_MARGIN,
            stdout_tail=stdout_text[-TAIL_BYTES:],
            stderr_tail=_tail(err_path),
            stdout=stdout_text if self._keep_stdout or cmd.keep_output else "",
            stderr=_tail(err_path, 1 << 20) if cmd.keep_output else "",
        )

    def _running(self) -> Launcher:
        if self._launcher is None:
            raise MeasurementError("the launcher process is closed")
        return self._launcher

    def kill_current(self) -> None:
        """Kill the running command's process group (used on Ctrl-C)."""
        pid = self.current_pid
        if pid:
            kill_group(pid)

    def close(self) -> None:
        """Stop the launcher; it kills and reaps any command still running, and everything
        the commands left behind."""
        launcher, self._launcher = self._launcher, None
        if launcher is None:
            return
        self.kill_current()
        launcher.close()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> LauncherExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
