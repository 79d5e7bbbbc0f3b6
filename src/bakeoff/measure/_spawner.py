"""The launcher process: a tiny Python (run with ``-S -I``, stdlib builtins only) that spawns
each measured command, times it and reaps it with ``wait4``.

Why a separate process: a child's ``ru_maxrss`` is floored at the RSS of the process that
spawned it (the pre-exec image's high-water mark survives exec). bakeoff itself is ~100 MB
with NumPy loaded; this launcher is ~9 MB, so the floor drops below any JavaScript runtime's
footprint, and the launcher reports its own high-water mark so readings at the floor are flagged.

Protocol on stdin/stdout: 4-byte big-endian length + ``marshal`` payload.
  request : {"argv", "path", "cwd", "env", "stdout", "stderr", "timeout", "cpus"?}
  reply 1 : {"pid", "t0"}                      (right after spawn; t0: CLOCK_MONOTONIC ns)
  reply 2 : {"status", "wall_ns", "utime", "stime", "maxrss", "timed_out"}

Containment (see ``containment.py``): each command runs in its own process group; the launcher
is a child subreaper, so whatever the command leaves behind — detached (``setsid``) processes
included — is re-parented to it and killed when the command ends, before reply 2. It ignores
SIGINT and SIGHUP (the CLI owns them); on SIGTERM (also its parent-death signal, so SIGKILL of
bakeoff ends it too) or EOF on stdin it kills the current command's group and every descendant,
reaps them and exits, so nothing it started outlives it.
Arguments: ``--parent PID`` (exit at once if that is no longer our parent) and ``--pdeathsig``.
"""

import marshal
import os
import signal
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO

    from bakeoff.measure import _reaper
else:  # run as a script with -S -I: the helper is found next to this file
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import _reaper

_current = 0
_timed_out = False


def _kill_group(pid: int) -> None:
    try:  # noqa: SIM105 - no contextlib: the launcher imports as little as it can
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def _on_alarm(signum: int, frame: object) -> None:
    global _timed_out
    if _current:
        _timed_out = True
        _kill_group(_current)


def _on_term(signum: int, frame: object) -> None:
    if _current:
        _kill_group(_current)
    _reaper.kill_descendants()
    os._exit(0)


def _send(out: "BinaryIO", obj: dict) -> None:  # type: ignore[type-arg]
    data = marshal.dumps(obj)
    out.write(len(data).to_bytes(4, "big") + data)
    out.flush()


def _self_hwm_kb() -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r // 1024 if sys.platform == "darwin" else r


def _open_out(path: "str | None") -> int:
    if path is None:
        return os.open(os.devnull, os.O_WRONLY)
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)


def _contain(args: "list[str]") -> None:
    """Become a subreaper and, when asked, die with the parent (checked for the race where
    the parent died before the request took effect)."""
    _reaper.become_subreaper()
    if "--pdeathsig" in args:
        _reaper.die_with_parent(signal.SIGTERM)
    if "--parent" in args:
        parent = int(args[args.index("--parent") + 1])
        if os.getppid() != parent:
            os._exit(0)


def _spawn(req: dict, actions: list) -> int:  # type: ignore[type-arg]
    """posix_spawn the request; with ``cpus`` the launcher pins itself around the spawn, so
    the command inherits the affinity from its first instruction."""
    default_sigs = (
        signal.SIGINT,
        signal.SIGTERM,
        signal.SIGALRM,
        signal.SIGPIPE,
        signal.SIGQUIT,
        signal.SIGHUP,
    )
    cpus = req.get("cpus")
    before = os.sched_getaffinity(0) if cpus else None
    try:
        if cpus:
            os.sched_setaffinity(0, cpus)
        return os.posix_spawn(
            req["path"],
            req["argv"],
            req["env"],
            file_actions=actions,
            setpgroup=0,
            setsigdef=default_sigs,
        )
    finally:
        if before is not None:
            os.sched_setaffinity(0, before)


def main() -> None:
    global _current, _timed_out
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_term)
    signal.signal(signal.SIGALRM, _on_alarm)
    _contain(sys.argv[1:])
    inp = sys.stdin.buffer
    out = sys.stdout.buffer
    _send(out, {"ready": os.getpid(), "floor_kb": _self_hwm_kb()})
    devnull_in = os.open(os.devnull, os.O_RDONLY)
    while True:
        head = inp.read(4)
        if len(head) < 4:
            _reaper.kill_descendants()
            return
        req = marshal.loads(inp.read(int.from_bytes(head, "big")))
        fd_out = _open_out(req["stdout"])
        fd_err = _open_out(req["stderr"])
        actions = [
            (os.POSIX_SPAWN_DUP2, devnull_in, 0),
            (os.POSIX_SPAWN_DUP2, fd_out, 1),
            (os.POSIX_SPAWN_DUP2, fd_err, 2),
        ]
        _timed_out = False
        try:
            if req["cwd"]:
                os.chdir(req["cwd"])
            t0 = time.monotonic_ns()
            pid = _spawn(req, actions)
        except OSError as exc:
            os.close(fd_out)
            os.close(fd_err)
            _send(out, {"pid": 0, "error": f"{type(exc).__name__}: {exc}"})
            continue
        _current = pid
        if req["timeout"]:
            signal.setitimer(signal.ITIMER_REAL, req["timeout"])
        _send(out, {"pid": pid, "t0": t0})
        _, status, ru = os.wait4(pid, 0)
        t1 = time.monotonic_ns()
        signal.setitimer(signal.ITIMER_REAL, 0)
        _current = 0
        _kill_group(pid)  # anything the command left behind in its process group
        _reaper.kill_descendants()  # and anything it detached (re-parented to us)
        os.close(fd_out)
        os.close(fd_err)
        _send(
            out,
            {
                "status": status,
                "wall_ns": t1 - t0,
                "utime": ru.ru_utime,
                "stime": ru.ru_stime,
                "maxrss": ru.ru_maxrss,
                "timed_out": _timed_out,
            },
        )


if __name__ == "__main__":
    main()
