"""Signal trials: ``bakeoff serve`` on a real Node server that starts a detached, listening
helper, ended by SIGTERM, SIGHUP or SIGKILL at a random moment (while servers start, or under
load). For each trial: bakeoff's exit code, whether partial results were saved, and how long
until nothing of the run (servers, helpers, launchers, k6) is alive or listening.

    .venv/bin/python benchmarks/bench_containment.py [TRIALS_PER_SIGNAL]
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from bakeoff.runtimes.provision import Provisioner

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
EXPECTED = {signal.SIGTERM: 143, signal.SIGHUP: 129, signal.SIGKILL: -9}


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3):
            return True
    except OSError:
        return False


def trial(
    node: str, sig: signal.Signals, under_load: bool, rng: random.Random
) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-containment-") as tmp:
        pidfile, out = Path(tmp) / "servers", Path(tmp) / "out"
        argv = [
            sys.executable,
            "-m",
            "bakeoff",
            "serve",
            "-r",
            node,
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
        proc = subprocess.Popen(
            argv,
            cwd=tmp,
            env={**os.environ, "PIDFILE": str(pidfile)},
            stdout=subprocess.DEVNULL,
            stderr=(Path(tmp) / "stderr").open("wb"),
        )
        deadline = time.monotonic() + 180
        starts = rng.randint(1, 6)

        def ready() -> bool:
            if under_load:
                try:
                    kids = psutil.Process(proc.pid).children(recursive=True)
                    return any(k.name() == "k6" for k in kids)
                except psutil.Error:
                    return False
            return pidfile.exists() and len(pidfile.read_text().splitlines()) >= starts

        while not ready():
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                return {"error": (Path(tmp) / "stderr").read_text()[-300:]}
            time.sleep(0.02)
        time.sleep(rng.uniform(0, 0.5))
        pids = {c.pid for c in psutil.Process(proc.pid).children(recursive=True)}
        ports: set[int] = set()
        for line in pidfile.read_text().splitlines():
            server, helper, port, helper_port = (int(x) for x in line.split())
            pids |= {server, helper}
            ports |= {port, helper_port}
        t0 = time.monotonic()
        proc.send_signal(sig)
        proc.wait(timeout=120)
        exited_s = time.monotonic() - t0
        while any(alive(p) for p in pids) or any(listening(p) for p in ports):
            if time.monotonic() - t0 > 60:
                break
            time.sleep(0.02)
        clean_s = time.monotonic() - t0
        left = sorted(p for p in pids if alive(p))
        for pid in left:  # a failed trial must not leave its processes to others
            os.kill(pid, signal.SIGKILL)
        saved = None
        if (out / "results.json").exists():
            doc = json.loads((out / "results.json").read_text())
            saved = doc["status"] == "interrupted" and any(
                m["samples"] for m in doc["measurements"]
            )
        return {
            "code": proc.returncode,
            "saved": saved,
            "exited_s": exited_s,
            "clean_s": clean_s,
            "left": left,
            "ports_open": [p for p in ports if listening(p)],
        }


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    node = str(Provisioner().ensure("node@lts").binary)
    rng = random.Random(14)
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGKILL):
        rows = [trial(node, sig, i % 2 == 1, rng) for i in range(n)]
        good = [r for r in rows if "error" not in r]
        clean = [float(r["clean_s"]) for r in good]  # type: ignore[arg-type]
        ok = [
            r
            for r in good
            if r["code"] == EXPECTED[sig]
            and not r["left"]
            and not r["ports_open"]
            and float(r["clean_s"]) <= 5.0  # type: ignore[arg-type]
            and (sig == signal.SIGKILL or r["saved"])
        ]
        print(
            f"{sig.name}: {len(ok)}/{len(rows)} clean (exit {EXPECTED[sig]}"
            f"{', partial results saved' if sig != signal.SIGKILL else ''}, nothing alive or "
            f"listening within 5 s); time to clean median {statistics.median(clean):.2f} s, "
            f"max {max(clean):.2f} s; errors {len(rows) - len(good)}"
        )
        for r in rows:
            if r not in ok:
                print("   failed:", r)


if __name__ == "__main__":
    main()
