"""Containment without runtimes (Python and coreutils stand in for contestants): detached
descendants end with their run, a server's with the server, everything with a SIGKILLed
bakeoff; each run's temporary folder; pinning; Popen-like results."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from bakeoff.measure import containment
from bakeoff.measure.containment import Contained, SpawnError
from bakeoff.measure.process import Command, LauncherExecutor

DEADLINE_S = 10.0  # generous: a loaded 2-core machine


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return not stat[stat.rfind(")") + 2 :].startswith("Z")


def gone_within(pids: list[int], seconds: float = DEADLINE_S) -> list[int]:
    """The pids still alive after polling up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while (left := [p for p in pids if alive(p)]) and time.monotonic() < deadline:
        time.sleep(0.02)
    return left


def read_pids(path: Path, n: int, seconds: float = DEADLINE_S) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            pids = [int(x) for x in path.read_text().split()]
            if len(pids) >= n:
                return pids
        time.sleep(0.02)
    raise AssertionError(f"{path} never held {n} pids")


def detacher(pidfile: Path, then: str = "", how: str = "setsid") -> list[str]:
    """A command that starts a long-lived detached process, records its pid, then ``then``."""
    start = (
        "subprocess.Popen(['sleep', '300'], start_new_session=True).pid"
        if how == "setsid"
        else "double_fork()"
    )
    code = textwrap.dedent(
        f"""
        import os, subprocess, sys, time
        def double_fork():
            r, w = os.pipe()
            if os.fork() == 0:
                os.setsid()
                pid = os.fork()
                if pid == 0:
                    os.execvp('sleep', ['sleep', '300'])
                os.write(w, str(pid).encode()); os._exit(0)
            os.wait()
            return int(os.read(r, 32))
        pid = {start}
        with open({str(pidfile)!r}, 'a') as fh:
            fh.write(f'{{os.getpid()}} {{pid}}\\n')
        {then}
        """
    )
    return [sys.executable, "-c", code]


@pytest.mark.parametrize("how", ["setsid", "double fork"])
def test_a_detached_descendant_does_not_survive_its_run(tmp_path: Path, how: str) -> None:
    pidfile = tmp_path / "pids"
    with LauncherExecutor() as ex:
        result = ex.run(Command(tuple(detacher(pidfile, how=how)), timeout_s=30))
        assert result.ok, result.stderr_tail
        _, grandchild = read_pids(pidfile, 2)
        assert gone_within([grandchild]) == []


def test_a_timeout_ends_what_the_command_detached(tmp_path: Path) -> None:
    pidfile = tmp_path / "pids"
    with LauncherExecutor() as ex:
        result = ex.run(Command(tuple(detacher(pidfile, "time.sleep(300)")), timeout_s=1.0))
    assert result.timed_out
    assert gone_within(read_pids(pidfile, 2)) == []


def test_stopping_a_server_ends_everything_it_started(tmp_path: Path) -> None:
    pidfile = tmp_path / "pids"
    proc = Contained(detacher(pidfile, "time.sleep(300)"), stderr=tmp_path / "err")
    pids = read_pids(pidfile, 2)
    assert pids[0] == proc.pid and proc.poll() is None
    proc.stop(grace_s=2.0)
    assert proc.returncode == -signal.SIGTERM
    assert gone_within(pids) == []


def test_a_server_that_exits_leaves_nothing_behind(tmp_path: Path) -> None:
    pidfile = tmp_path / "pids"
    with Contained(detacher(pidfile, "sys.exit(3)"), stderr=tmp_path / "err") as proc:
        assert proc.wait(timeout=DEADLINE_S) == 3
        assert gone_within(read_pids(pidfile, 2)) == []


DRIVER = """
import sys, time
from pathlib import Path
from bakeoff.measure.containment import Contained
from bakeoff.measure.process import Command, LauncherExecutor
out = Path(sys.argv[1])
cmd = {cmd!r}
if sys.argv[2] == "server":
    proc = Contained(cmd, stderr=out.with_suffix(".err"))
    launcher = proc._launcher.pid
else:
    ex = LauncherExecutor()
    launcher = ex.launcher_pid
out.with_suffix(".launcher").write_text(str(launcher))
if sys.argv[2] == "server":
    time.sleep(300)
else:
    ex.run(Command(tuple(cmd), timeout_s=300))
"""


@pytest.mark.parametrize("kind", ["server", "measured command"])
def test_sigkill_of_bakeoff_leaves_nothing_running(tmp_path: Path, kind: str) -> None:
    pidfile = tmp_path / "pids"
    driver = DRIVER.format(cmd=detacher(pidfile, "time.sleep(300)"))
    proc = subprocess.Popen(
        [sys.executable, "-c", driver, str(tmp_path / "driver"), kind.split()[0]],
        stderr=subprocess.PIPE,
    )
    try:
        pids = read_pids(pidfile, 2)
        pids.append(int((tmp_path / "driver.launcher").read_text()))
        assert all(alive(p) for p in pids)
        proc.kill()  # SIGKILL: nothing in bakeoff can react
        proc.wait()
        assert gone_within(pids, 5.0) == [], "left running after SIGKILL of their parent"
    finally:
        proc.kill()


def test_each_run_gets_its_own_temporary_folder(tmp_path: Path) -> None:
    run_tmp = tmp_path / "work" / "tmp"
    script = ("sh", "-c", 'echo "$TMPDIR $TMP $TEMP"')
    with containment.run_tmpdir(run_tmp), LauncherExecutor() as ex:
        seen = ex.run(Command(script)).stdout_tail.split()
        mine = ex.run(Command(script, env={**os.environ, "TMPDIR": "/elsewhere"}))
    assert seen == [str(run_tmp)] * 3
    assert mine.stdout_tail.split()[0] == "/elsewhere"  # a command's own choice is kept
    assert run_tmp.is_dir()
    with LauncherExecutor() as ex:  # outside a run: bakeoff's own environment
        assert ex.run(Command(script)).stdout_tail.split()[:1] != [str(run_tmp)]


def test_popen_like_results(tmp_path: Path) -> None:
    with Contained(["sh", "-c", "exit 7"]) as proc:
        assert proc.wait(DEADLINE_S) == 7 and proc.returncode == 7
    with Contained(["sleep", "300"]) as proc:
        assert proc.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(0.05)
        proc.kill()
        assert proc.wait(DEADLINE_S) == -signal.SIGKILL
    with Contained(["sleep", "300"], timeout_s=0.2) as proc:
        proc.wait(DEADLINE_S)
        assert proc.timed_out
    with pytest.raises(SpawnError):
        Contained([str(tmp_path / "missing")])
    with pytest.raises(SpawnError):
        Contained(["true"], cwd=tmp_path / "missing")


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs 2 CPUs")
def test_pinning_applies_from_the_first_instruction(tmp_path: Path) -> None:
    cpu = min(os.sched_getaffinity(0))
    out = tmp_path / "out"
    code = "import os; print(sorted(os.sched_getaffinity(0)))"
    with Contained([sys.executable, "-c", code], stdout=out, cpus={cpu}) as proc:
        proc.wait(DEADLINE_S)
    assert out.read_text().strip() == f"[{cpu}]"


def test_parent_death_signal_only_from_the_main_thread() -> None:
    assert "--pdeathsig" in containment.launcher_argv()
    seen: list[list[str]] = []
    t = threading.Thread(target=lambda: seen.append(containment.launcher_argv()))
    t.start()
    t.join()
    assert "--pdeathsig" not in seen[0]  # it would fire when that thread ends
