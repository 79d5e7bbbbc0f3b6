"""A Dask cluster on this machine, for trying ``--cluster``/``--loadgen`` locally and for the
integration tests and benchmarks: a scheduler and labelled workers on loopback, each in its own
session so it is stopped by its pid (its group) whatever happens. Needs ``bakeoff[cluster]``."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent


@dataclass
class LocalCluster:
    address: str
    workers: dict[str, subprocess.Popen[bytes]]
    logs: Path


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process's group (its pid: it leads its own session), then SIGKILL."""
    for sig, wait in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):  # whatever of its group is left
        os.killpg(proc.pid, signal.SIGKILL)


@contextlib.contextmanager
def local_cluster(
    tmp_path: Path, labels: Sequence[str], cpus: dict[str, str] | None = None
) -> Iterator[LocalCluster]:
    """A scheduler and one single-threaded worker per label, each advertising ``label=1``
    (``cpus``: a worker pinned with taskset to these CPUs)."""
    from bakeoff.cluster import connect

    logs = tmp_path / "logs"
    logs.mkdir(exist_ok=True)
    env = os.environ | {"DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"}
    started: list[subprocess.Popen[bytes]] = []

    def spawn(name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        with (logs / f"{name}.log").open("wb") as log:
            proc = subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        started.append(proc)
        return proc

    sched_file = tmp_path / "scheduler.json"
    try:
        dask = str(BIN / "dask")
        loopback = ["--host", "127.0.0.1", "--no-dashboard"]
        spawn(
            "scheduler",
            [dask, "scheduler", *loopback, "--port", "0", "--scheduler-file", str(sched_file)],
        )
        deadline = time.monotonic() + 60
        while not sched_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(sched_file.read_text())["address"]
        workers = {}
        for label in labels:
            # no nanny (the pid is the worker's), one slot of the label, bakeoff imported at
            # start (not on the worker's event loop when the first task arrives)
            argv = [dask, "worker", address, *loopback, "--nthreads", "1", "--no-nanny"]
            argv += ["--name", label, "--resources", f"{label}=1", "--preload", "bakeoff.cluster"]
            if cpus and label in cpus:
                argv = ["taskset", "-c", cpus[label], *argv]
            workers[label] = spawn(label, argv)
        client: Any = connect(address, timeout_s=30)
        try:
            client.wait_for_workers(len(labels), timeout=90)
        finally:
            client.close()
        yield LocalCluster(address, workers, logs)
    finally:
        for proc in reversed(started):
            stop(proc)
