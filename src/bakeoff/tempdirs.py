"""bakeoff's own temporary folders, and the sweep of those a killed run left behind.

A run keeps project copies, installed ``node_modules`` and logs in temporary folders (often
hundreds of MB) and removes them when it ends — also on Ctrl-C, SIGTERM and SIGHUP. A process
that cannot clean up (SIGKILL, the OOM killer, a CI runner's hard stop) leaves them. So every
folder made here carries an owner mark (``.bakeoff-owner``: the pid and the process's start
time, which tells a reused pid apart), and ``sweep`` removes the marked folders whose owner is
gone. Folders without the mark — another tool's, a results fallback kept on purpose — are never
touched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MARK = ".bakeoff-owner"
PREFIX = "bakeoff-"


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), or "" where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # the command name (field 2) may hold spaces and parentheses: split after its last ")"
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else ""


def _alive(pid: int, started: str) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive, and not ours to judge
    return not started or _start_time(pid) in ("", started)


def make(prefix: str, parent: Path | None = None) -> Path:
    """A new temporary folder (``prefix`` + random) marked as this process's."""
    if not prefix.startswith(PREFIX):
        raise ValueError(f"temporary folders are named {PREFIX}*: {prefix!r}")
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    pid = os.getpid()
    (path / MARK).write_text(f"{pid} {_start_time(pid)}\n", encoding="utf-8")
    return path


@contextlib.contextmanager
def directory(prefix: str) -> Iterator[Path]:
    """``make`` as a context manager: the folder is removed on the way out."""
    path = make(prefix)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@dataclass(frozen=True)
class Swept:
    folders: int
    mb: float


def _size_mb(path: Path) -> float:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total / 1e6


def sweep(where: Path | None = None) -> Swept:
    """Remove the marked ``bakeoff-*`` folders under ``where`` (default: the system's
    temporary folder) whose owner process no longer runs."""
    base = Path(where or tempfile.gettempdir())
    folders, mb = 0, 0.0
    try:
        entries = list(base.glob(PREFIX + "*"))
    except OSError:
        return Swept(0, 0.0)
    for path in entries:
        mark = path / MARK
        try:
            if path.is_symlink() or not path.is_dir():
                continue
            owner = mark.read_text(encoding="utf-8").split()
        except OSError:
            continue
        if not owner or not owner[0].isdigit():
            continue
        if _alive(int(owner[0]), owner[1] if len(owner) > 1 else ""):
            continue
        mb += _size_mb(path)
        shutil.rmtree(path, ignore_errors=True)
        folders += 1
    return Swept(folders, round(mb, 1))
