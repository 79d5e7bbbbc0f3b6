"""Long-running server processes: start, wait until ready, sample memory and CPU of the whole
process tree, stop.

Time-to-ready runs from just before the spawn (the launcher's clock) to the first successful
readiness response, polled every ``POLL_S`` (2 ms). The server is started by its own launcher
(``containment.Contained``): its own process group, and every process it starts — detached ones
too — ends when it stops, when Ctrl-C or SIGTERM stops bakeoff, and when bakeoff is killed.
Memory and CPU come from /proc via psutil, summed over the process tree; they are not floored by
bakeoff's own RSS (unlike ``ru_maxrss``).
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import psutil

from bakeoff.errors import MeasurementError
from bakeoff.measure.containment import Contained

POLL_S = 0.002
STOP_GRACE_S = 3.0
TAIL = 2000


class ServerFailed(Exception):
    """The contestant's server crashed, hung or never became ready: a result, not a bakeoff
    error. Carries the reason, the server's stderr and stdout tails (a server may print its
    usage or "Missing environment variables" to either), the command and its exit code."""

    def __init__(
        self,
        reason: str,
        stderr_tail: str = "",
        timed_out: bool = False,
        stdout_tail: str = "",
        command: str = "",
        exit_code: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.stderr_tail = stderr_tail
        self.timed_out = timed_out
        self.stdout_tail = stdout_tail
        self.command = command
        self.exit_code = exit_code


@dataclass(frozen=True)
class Readiness:
    kind: Literal["http", "tcp"] = "http"
    path: str = "/health"

    def describe(self) -> str:
        return f"GET {self.path} → 2xx" if self.kind == "http" else "TCP connect"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def probe(host: str, port: int, check: Readiness, timeout: float = 1.0) -> bool:
    """One readiness attempt."""
    if check.kind == "tcp":
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return True
        except OSError:
            return False
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", check.path, headers={"Connection": "close"})
        status = conn.getresponse().status
        return 200 <= status < 300
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def _tail(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return data[-TAIL:].decode("utf-8", "replace")


@dataclass
class TreeSample:
    t_s: float
    rss_mb: float


@dataclass
class ServerProcess:
    """A server started by bakeoff. Use as a context manager: leaving it stops the server."""

    argv: Sequence[str]
    cwd: str
    env: Mapping[str, str]
    logdir: Path
    cpus: set[int] | None = None  # pin to these CPUs (``--pin``)
    proc: Contained | None = None
    started_ns: int = 0

    def start(self) -> None:
        self.logdir.mkdir(parents=True, exist_ok=True)
        try:
            self.proc = Contained(
                list(self.argv),
                cwd=self.cwd,
                env=dict(self.env),
                stdout=self.logdir / "stdout",
                stderr=self.logdir / "stderr",
                cpus=self.cpus,
            )
        except OSError as exc:
            raise ServerFailed(f"could not start {self.argv[0]}: {exc}") from None
        self.started_ns = self.proc.started_ns

    @property
    def pid(self) -> int:
        if self.proc is None:
            raise MeasurementError("server not started")
        return self.proc.pid

    def exited(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    def wait_ready(self, host: str, port: int, check: Readiness, timeout_s: float) -> float:
        """Poll until ready; return milliseconds from spawn to the first success. Raises
        ``ServerFailed`` (with the stderr tail) if the server exits or times out."""
        deadline = time.monotonic() + timeout_s
        while True:
            if probe(host, port, check, timeout=max(0.05, min(1.0, deadline - time.monotonic()))):
                return (time.monotonic_ns() - self.started_ns) / 1e6
            code = self.exited()
            if code is not None:
                raise self.failed(f"server exited with code {code} before it was ready")
            if time.monotonic() > deadline:
                elsewhere = sorted(set(self.listening_ports()) - {port})
                hint = (
                    f"; it listens on {', '.join(map(str, elsewhere))} instead" if elsewhere else ""
                )
                raise self.failed(
                    f"server not ready after {timeout_s:g} s ({check.describe()} on port "
                    f"{port}{hint})",
                    timed_out=True,
                )
            time.sleep(POLL_S)

    def failed(self, reason: str, timed_out: bool = False) -> ServerFailed:
        """A ``ServerFailed`` with this server's evidence: both output tails, the command and
        the exit code (None while it still runs)."""
        return ServerFailed(
            reason,
            self.stderr_tail(),
            timed_out=timed_out,
            stdout_tail=self.stdout_tail(),
            command=" ".join(self.argv),
            exit_code=self.exited(),
        )

    def listening_ports(self) -> list[int]:
        """TCP ports the server's process tree listens on (from /proc, via psutil)."""
        ports: set[int] = set()
        for p in self.tree():
            with contextlib.suppress(psutil.Error):
                for conn in p.net_connections(kind="tcp"):
                    if conn.status == psutil.CONN_LISTEN and conn.laddr:
                        ports.add(int(conn.laddr.port))
        return sorted(ports)

    def tree(self) -> list[psutil.Process]:
        try:
            root = psutil.Process(self.pid)
            return [root, *root.children(recursive=True)]
        except psutil.Error:
            return []

    def rss_mb(self) -> float:
        total = 0
        for p in self.tree():
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
        return total / (1024 * 1024)

    def cpu_s(self) -> float:
        """User+system CPU seconds of the tree so far (including reaped children)."""
        total = 0.0
        for p in self.tree():
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
        return total

    def stderr_tail(self) -> str:
        return _tail(self.logdir / "stderr")

    def stdout_tail(self) -> str:
        return _tail(self.logdir / "stdout")

    def stop(self) -> None:
        """SIGTERM to the server's group, SIGKILL after ``STOP_GRACE_S``; then everything it
        started (detached processes included) is killed with its launcher."""
        if self.proc is not None:
            self.proc.stop(STOP_GRACE_S)

    def __enter__(self) -> ServerProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _HasRss(Protocol):
    def rss_mb(self) -> float: ...


class RssSampler:
    """Samples a server's tree RSS every ``interval_s`` in a background thread."""

    def __init__(self, server: _HasRss, interval_s: float = 0.1) -> None:
        self.server = server
        self.interval_s = interval_s
        self.samples: list[TreeSample] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._t0 = 0.0

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.samples.append(
                TreeSample(round(time.monotonic() - self._t0, 3), self.server.rss_mb())
            )
            self._stop.wait(self.interval_s)

    def __enter__(self) -> RssSampler:
        self._t0 = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
