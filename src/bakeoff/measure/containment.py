"""Containment: the one place that decides how bakeoff starts a process and makes sure
nothing it started outlives its run — measured commands (``process.py``), servers
(``server.py``), load generators (``loadgen.py``) and the dependency install of a working copy
(``project/prepare.py``).

Every such process is started by a launcher (``_spawner.py``, a ~9 MB stdlib-only Python) in
its own process group, and:

* **detached descendants** (``setsid``, ``detached: true``, double forks) are re-parented to the
  launcher, a child subreaper (``PR_SET_CHILD_SUBREAPER``), and killed when the command ends,
  before its result is reported; when a server stops, everything it started stops with it;
* **SIGKILL of bakeoff** cannot be caught, so the launcher watches for it: it asks the kernel
  for SIGTERM when its parent dies (``PR_SET_PDEATHSIG``, requested when it is started from the
  main thread — the signal fires when the *thread* that started it ends) and reads EOF on its
  control pipe; either way it kills the command's group and every descendant, then exits;
* **temporary files**: inside ``run_tmpdir(folder)`` every command gets ``TMPDIR``/``TMP``/
  ``TEMP`` in that folder (the run's work folder), so tools' caches there (``node-compile-cache``,
  ``jest_0``) go when the run's folder does.

Why a subreaper and not a cgroup: a cgroup would catch even a process that escapes the launcher
(none can: re-parenting is by the kernel), but it needs a delegated cgroup v2 subtree, which
unprivileged users, containers and CI runners mostly lack; the subreaper works unprivileged on
every Linux since 3.4. Off Linux, process groups are the fallback (detached processes can escape
there).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from bakeoff.errors import MeasurementError

LAUNCHER = Path(__file__).with_name("_spawner.py")
CLOSE_GRACE_S = 5.0
TMP_VARS = ("TMPDIR", "TMP", "TEMP")

_run_tmp: Path | None = None


class SpawnError(OSError):
    """A command could not be started (not found, not executable, bad folder)."""


@contextlib.contextmanager
def run_tmpdir(folder: Path) -> Iterator[Path]:
    """Inside this block, every command bakeoff starts gets ``folder`` (created) as its
    temporary folder. The caller owns ``folder`` and removes it with its work folder."""
    global _run_tmp
    folder.mkdir(parents=True, exist_ok=True)
    before, _run_tmp = _run_tmp, folder
    try:
        yield folder
    finally:
        _run_tmp = before


def child_env(env: Mapping[str, str] | None) -> dict[str, str]:
    """The environment a command gets: ``env`` (default: bakeoff's own) with the run's
    temporary folder, unless the command's own settings chose another one."""
    out = dict(env) if env is not None else dict(os.environ)
    if _run_tmp is not None:
        for var in TMP_VARS:
            if out.get(var) in (None, os.environ.get(var)):
                out[var] = str(_run_tmp)
    return out


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


def kill_group(pgid: int, sig: int = signal.SIGKILL) -> None:
    """Signal a process group, ignoring one that is already gone."""
    with contextlib.suppress(OSError):
        os.killpg(pgid, sig)


def launcher_argv() -> list[str]:
    argv = [sys.executable, "-S", "-I", "-u", str(LAUNCHER), "--parent", str(os.getpid())]
    if threading.current_thread() is threading.main_thread():
        argv.append("--pdeathsig")
    return argv


class Launcher:
    """One launcher process and its protocol (``_spawner.py``): one command at a time."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            launcher_argv(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
            bufsize=0,
        )
        hello = self.recv()
        self.pid = int(hello["ready"])
        self.floor_kb = int(hello["floor_kb"])

    def _pipes(self) -> tuple[int, int]:
        proc = self._proc
        if proc is None or proc.stdin is None or proc.stdout is None:
            raise MeasurementError("the launcher process is closed")
        return proc.stdin.fileno(), proc.stdout.fileno()

    def send(self, obj: dict[str, Any]) -> None:
        fd, _ = self._pipes()
        data = marshal.dumps(obj)
        view = memoryview(len(data).to_bytes(4, "big") + data)
        try:
            while view:
                view = view[os.write(fd, view) :]
        except BrokenPipeError:
            raise MeasurementError("the launcher process died unexpectedly") from None

    def _read(self, n: int) -> bytes:
        _, fd = self._pipes()
        chunks = []
        while n:
            chunk = os.read(fd, n)
            if not chunk:
                raise MeasurementError("the launcher process died unexpectedly")
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def recv(self) -> dict[str, Any]:
        payload: dict[str, Any] = marshal.loads(self._read(int.from_bytes(self._read(4), "big")))
        return payload

    def readable(self, timeout: float | None) -> bool:
        """Whether a reply (or EOF) is waiting, within ``timeout`` seconds (None: forever)."""
        _, fd = self._pipes()
        ready, _, _ = select.select([fd], [], [], timeout)
        return bool(ready)

    def spawn(
        self,
        argv: Sequence[str],
        cwd: str | os.PathLike[str] | None,
        env: Mapping[str, str] | None,
        stdout: Path | None,
        stderr: Path,
        timeout_s: float = 0.0,
        cpus: set[int] | None = None,
    ) -> dict[str, Any]:
        """Start a command; returns the launcher's first reply (``pid`` and ``t0``, or
        ``pid`` 0 and ``error``)."""
        full_env = child_env(env)
        path = resolve_executable(argv[0], full_env)
        request: dict[str, Any] = {
            "argv": list(argv),
            "path": path,
            "cwd": str(cwd) if cwd is not None else None,
            "env": full_env,
            "stdout": str(stdout) if stdout is not None else None,
            "stderr": str(stderr),
            "timeout": float(timeout_s or 0),
        }
        if cpus:
            request["cpus"] = sorted(cpus)
        self.send(request)
        return self.recv()

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def close(self) -> None:
        """End the launcher: EOF on its control pipe makes it kill whatever is left of what it
        started and exit; SIGTERM, then SIGKILL, if it does not within ``CLOSE_GRACE_S``."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        try:
            proc.wait(timeout=CLOSE_GRACE_S)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(timeout=CLOSE_GRACE_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


class Contained:
    """One command under its own launcher, for processes bakeoff does not wait for at once (a
    server) or waits for with a deadline (a load generator, an install). Popen-like: ``pid``
    (the command, which leads its own process group), ``poll``, ``wait``, ``returncode``.

    ``started_ns`` is the launcher's monotonic clock just before the spawn (CLOCK_MONOTONIC is
    system-wide), so the launcher's own start-up is not counted in, say, time-to-ready."""

    def __init__(
        self,
        argv: Sequence[str],
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        stdout: Path | None = None,
        stderr: Path | None = None,
        timeout_s: float = 0.0,
        cpus: set[int] | None = None,
    ) -> None:
        self.argv = list(argv)
        self._launcher = Launcher()
        try:
            reply = self._launcher.spawn(
                argv, cwd, env, stdout, stderr or Path(os.devnull), timeout_s, cpus
            )
        except MeasurementError as exc:
            self._launcher.close()
            raise SpawnError(str(exc)) from None
        except BaseException:
            self._launcher.close()
            raise
        if not reply.get("pid"):
            self._launcher.close()
            raise SpawnError(str(reply.get("error") or "the launcher could not start it"))
        self.pid = int(reply["pid"])
        self.started_ns = int(reply["t0"])
        self.result: dict[str, Any] | None = None

    @property
    def returncode(self) -> int | None:
        """Like ``Popen.returncode``: the exit code, or minus the signal that ended it."""
        if self.result is None:
            return None
        return os.waitstatus_to_exitcode(int(self.result["status"]))

    @property
    def status(self) -> int | None:
        """The raw wait status (``os.waitstatus_to_exitcode`` reads it)."""
        return None if self.result is None else int(self.result["status"])

    @property
    def timed_out(self) -> bool:
        return bool(self.result and self.result["timed_out"])

    @property
    def cpu_s(self) -> float:
        """User+system CPU seconds of the command (and the children it waited for)."""
        r = self.result
        return float(r["utime"]) + float(r["stime"]) if r else 0.0

    def poll(self) -> int | None:
        if self.result is None and self._launcher.alive and self._launcher.readable(0):
            self._take()
        elif self.result is None and not self._launcher.alive:
            self._lost()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """The exit code; ``subprocess.TimeoutExpired`` after ``timeout`` seconds."""
        if self.result is None:
            if not self._launcher.alive:
                self._lost()
            elif self._launcher.readable(timeout):
                self._take()
            else:
                raise subprocess.TimeoutExpired(self.argv, timeout or 0)
        code = self.returncode
        assert code is not None
        return code

    def _take(self) -> None:
        try:
            self.result = self._launcher.recv()
        except MeasurementError:
            self._lost()

    def _lost(self) -> None:
        """The launcher is gone (killed from outside): the command is gone with it."""
        self.result = {
            "status": signal.SIGKILL,
            "wall_ns": 0,
            "utime": 0.0,
            "stime": 0.0,
            "maxrss": 0,
            "timed_out": False,
        }

    def signal_group(self, sig: int) -> None:
        """Send ``sig`` to the command's process group (while it runs)."""
        if self.result is None:
            kill_group(self.pid, sig)

    def kill(self) -> None:
        self.signal_group(signal.SIGKILL)

    def stop(self, grace_s: float) -> None:
        """SIGTERM to the group, SIGKILL after ``grace_s``; then the launcher kills whatever
        the command detached and exits."""
        self.signal_group(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.wait(grace_s)
        self.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.wait(grace_s)
        self.close()

    def close(self) -> None:
        """Kill the command if it still runs, and end its launcher (and so every process the
        command started)."""
        if self.result is None and self._launcher.alive:
            self.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.wait(CLOSE_GRACE_S)
        self._launcher.close()

    def __enter__(self) -> Contained:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
