"""Running one measured command: the ``Executor`` interface, its real implementation on top of
the launcher process (``_spawner.py``), and the data it returns.

The real executor spawns without a shell, times with a monotonic ns clock inside the launcher,
takes user/sys CPU and peak RSS from ``wait4``, captures stdout/stderr to files (so a chatty
child never blocks on a pipe and capture does not affect timing) and kills the whole process
group on timeout or when closed. Fakes implementing ``Executor`` drive tests without runtimes.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from bakeoff.errors import MeasurementError

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
            return f"timed out after {self.wall_ms / 1000:.1f} s (process group killed)"
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


def resolve_executable(name: str, env: Mapping[str, str] | None = None) -> str:
    """An absolute path for ``argv[0]`` (no shell is involved, so PATH lookup happens here)."""
    if os.sep in name:
        path = Path(name)
        if not path.exists():
            raise MeasurementError(f"executable not found: {name}")
        return str(path.resolve())
    search = (env or os.environ).get("PATH", os.defpath)
    found = shutil.which(name, path=search)
    if found is None:
        raise MeasurementError(f"executable not found on PATH: {name}")
    return found


class LauncherExecutor:
    """The real executor. One launcher process serves one command at a time; create several
    executors for concurrent processes. Use as a context manager or call ``close()``."""

    def __init__(self, keep_stdout: bool = False) -> None:
        self._keep_stdout = keep_stdout
        self._tmp = Path(tempfile.mkdtemp(prefix="bakeoff-run-"))
        script = Path(__file__).with_name("_spawner.py")
        self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-S", "-I", "-u", str(script)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        hello = self._recv()
        self.launcher_pid = int(hello["ready"])
        self.floor_kb = int(hello["floor_kb"])
        self.current_pid: int | None = None

    # -- protocol ---------------------------------------------------------------------------
    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        if self._proc is None or self._proc.stdin is None or self._proc.stdout is None:
            raise MeasurementError("the launcher process is closed")
        return self._proc.stdin, self._proc.stdout

    def _send(self, obj: dict[str, Any]) -> None:
        stdin, _ = self._pipes()
        data = marshal.dumps(obj)
        stdin.write(len(data).to_bytes(4, "big") + data)
        stdin.flush()

    def _recv(self) -> dict[str, Any]:
        _, stdout = self._pipes()
        head = stdout.read(4)
        if len(head) < 4:
            raise MeasurementError("the launcher process died unexpectedly")
        payload: dict[str, Any] = marshal.loads(stdout.read(int.from_bytes(head, "big")))
        return payload

    # -- Executor ---------------------------------------------------------------------------
    def run(self, cmd: Command) -> ProcessResult:
        out_path = self._tmp / "stdout"
        err_path = self._tmp / "stderr"
        env = dict(cmd.env) if cmd.env is not None else dict(os.environ)
        path = resolve_executable(cmd.argv[0], env)
        capture = cmd.capture or self._keep_stdout or cmd.keep_output
        self._send(
            {
                "argv": list(cmd.argv),
                "path": path,
                "cwd": cmd.cwd,
                "env": env,
                "stdout": str(out_path) if capture else None,
                "stderr": str(err_path),
                "timeout": float(cmd.timeout_s or 0),
            }
        )
        started = self._recv()
        if not started.get("pid"):
            return ProcessResult(0, 0, 0, None, None, False, 0, error=str(started.get("error")))
        self.current_pid = int(started["pid"])
        done = self._recv()
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

    def kill_current(self) -> None:
        """Kill the running command's process group (used on Ctrl-C)."""
        pid = self.current_pid
        if pid:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)

    def close(self) -> None:
        """Stop the launcher; it kills and reaps any command still running."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        self.kill_current()
        try:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                pipe.close()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> LauncherExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
