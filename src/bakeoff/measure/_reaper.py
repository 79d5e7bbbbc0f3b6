"""Process-tree primitives for the launcher (``_spawner.py``): stdlib only, no typing imports,
because the launcher imports it by path and keeps its memory small.

* ``become_subreaper()``: ``PR_SET_CHILD_SUBREAPER`` — every descendant orphaned while we live
  (a ``setsid`` daemon, a ``detached: true`` child whose parent exited) is re-parented to us
  instead of to init, so it can still be found and killed.
* ``die_with_parent(sig)``: ``PR_SET_PDEATHSIG`` — the kernel sends ``sig`` when the thread that
  started us exits (bakeoff killed with SIGKILL included); ``False`` when not on Linux.
* ``kill_descendants()``: kill every descendant, re-reading our children until none is left
  (killing a process re-parents its own children to us, the subreaper), reaping as we go.
  Children are read from ``/proc/<pid>/task/*/children``, or by scanning ``/proc`` on kernels
  built without it; when we have no child at all it costs one ``waitpid``.

Linux only for the two ``prctl`` calls (elsewhere they return False and bakeoff falls back to
process groups); cgroups were not used because they need a delegated cgroup v2 subtree, which
unprivileged users, containers and CI runners mostly do not have.
"""

import os
import signal
import sys
import time

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
_libc: object = None


def _prctl(option: int, value: int) -> bool:
    global _libc
    if not sys.platform.startswith("linux"):
        return False
    try:
        if _libc is None:
            import ctypes

            _libc = ctypes.CDLL(None, use_errno=True)
        return bool(_libc.prctl(option, value, 0, 0, 0) == 0)  # type: ignore[attr-defined]
    except (OSError, AttributeError):
        return False


def become_subreaper() -> bool:
    return _prctl(PR_SET_CHILD_SUBREAPER, 1)


def die_with_parent(sig: int) -> bool:
    return _prctl(PR_SET_PDEATHSIG, int(sig))


def children(pid: int) -> list[int]:
    """The pids whose parent is ``pid``."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        tasks = []
    listed = False
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                found += [int(x) for x in fh.read().split()]
            listed = True
        except (OSError, ValueError):
            pass
    if listed or not os.path.isdir("/proc"):
        return found
    for name in os.listdir("/proc"):  # kernels without CONFIG_PROC_CHILDREN
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as fh:
                    stat = fh.read()
            except OSError:
                continue
            fields = stat[stat.rfind(")") + 2 :].split()
            if len(fields) > 1 and fields[1] == str(pid):
                found.append(int(name))
    return found


def has_children() -> bool:
    """Reap every child that has exited (orphans re-parented to us included); True while a
    child is still running. Costs one system call when there is none."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return False
        except InterruptedError:
            continue
        if pid == 0:
            return True


def kill_descendants(deadline_s: float = 5.0) -> int:
    """SIGKILL every descendant of this process and reap it; returns how many were killed.
    Loops until no child is left at all (a child that dies re-parents its own children to
    us, the subreaper, so they show up in a later round). Stops after ``deadline_s`` (a
    process stuck in uninterruptible sleep cannot be reaped sooner)."""
    me = os.getpid()
    killed: set[int] = set()
    end = time.monotonic() + deadline_s
    while has_children() and time.monotonic() < end:
        for pid in children(me):
            try:  # a daemon that called setsid leads its own group: end all of it at once
                if os.getpgid(pid) == pid:
                    os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            except OSError:
                pass
        time.sleep(0.002)
    return len(killed)
