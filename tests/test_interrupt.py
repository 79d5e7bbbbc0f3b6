"""Ctrl-C, SIGTERM or SIGHUP during a run: exit 130/143/129, a readable partial results file,
no child left behind (detached ones included) and no temporary folder of the run left."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

FAKE_NODE = """#!/bin/sh
if [ "$1" = "--version" ]; then echo v24.11.0; exit 0; fi
sleep 30 &
child=$!
setsid sleep 30 &
echo "$$ $child $! $TMPDIR" >> "$PIDFILE"
sleep 0.2
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); read its state
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize(
    ("sig", "code"),
    [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)],
    ids=["SIGINT", "SIGTERM", "SIGHUP"],
)
def test_a_signal_saves_partial_results_and_kills_children(
    tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    node = tmp_path / "bin" / "node"
    node.parent.mkdir()
    node.write_text(FAKE_NODE)
    node.chmod(0o755)
    pidfile = tmp_path / "pids"
    env = {**os.environ, "PIDFILE": str(pidfile)}
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bakeoff",
            "startup",
            "-r",
            str(node),
            "--case",
            "hello",
            "--min-runs",
            "50",
            "--max-runs",
            "50",
            "--warmups",
            "0",
            "--out",
            str(out),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if pidfile.exists() and len(pidfile.read_text().splitlines()) >= 3:
            break
        time.sleep(0.1)
    else:
        proc.kill()
        raise AssertionError(f"runs never started: {proc.communicate()}")
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr.decode()
    assert "partial results saved" in stderr.decode()
    doc = json.loads((out / "results.json").read_text())
    assert doc["schema"] == "bakeoff/1.1"
    assert doc["status"] == "interrupted"
    wall = [m for m in doc["measurements"] if m["metric"] == "wall_ms"]
    assert wall and 2 <= len(wall[0]["samples"]) < 50
    lines = [line.split() for line in pidfile.read_text().splitlines()]
    pids = [int(p) for line in lines for p in line[:3]]
    assert pids
    deadline = time.monotonic() + 10
    while (left := [p for p in pids if alive(p)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"processes left running: {left}"
    tmpdirs = {Path(line[3]) for line in lines}
    assert len(tmpdirs) == 1 and "bakeoff-work-" in str(tmpdirs.pop())  # the run's own
    assert not any(Path(line[3]).exists() for line in lines)  # removed with the work folder
