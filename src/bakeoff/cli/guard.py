"""What protects a command's results from the outside world: SIGTERM and SIGHUP (CI
cancellation, ``timeout``, ``docker stop``, a closed terminal) end a command exactly like Ctrl-C
— partial results saved, every process stopped, temporary folders removed — with exit code
128 + the signal (143, 129; 130 for Ctrl-C); the output locations are checked before anything is
measured; and results that still cannot be written where asked go to a temporary folder whose
path is printed. Only the standard library is imported here (the CLI must start fast)."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

from bakeoff.errors import UsageError

HANDLED: tuple[int, ...] = (signal.SIGTERM, signal.SIGHUP)

_received: int | None = None
_deferring = False
_deferred: int | None = None


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: unwinds like Ctrl-C (every ``except KeyboardInterrupt``
    that saves partial results and stops processes handles it the same way)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _on_signal(signum: int, frame: FrameType | None) -> None:
    global _received, _deferred
    if _received is not None or _deferred is not None:
        return  # a second signal while cleaning up: let the cleanup finish (SIGKILL still works)
    if _deferring:
        _deferred = signum  # raised when the results are saved
        return
    _received = signum
    raise Terminated(signum)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGTERM/SIGHUP while the block runs (saving results must not be cut in half);
    one that arrived meanwhile ends the command right after it."""
    global _deferring, _deferred, _received
    _deferring, _deferred = True, None
    try:
        yield
    finally:
        _deferring = False
        signum, _deferred = _deferred, None
        if signum is not None and _received is None:
            _received = signum
            raise Terminated(signum)


@contextlib.contextmanager
def signals_handled() -> Iterator[None]:
    """Handle SIGTERM and SIGHUP like Ctrl-C for the duration of a command (main thread
    only; the previous handlers come back afterwards)."""
    global _received
    _received = None
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before: dict[int, Callable[[int, FrameType | None], object] | int | None] = {}
    for sig in HANDLED:
        before[sig] = signal.signal(sig, _on_signal)
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def received() -> int | None:
    """The signal (SIGTERM/SIGHUP) that ended the current command, if one did."""
    return _received


def exit_code(default: int) -> int:
    """128 + the signal that ended the command, else ``default``."""
    return 128 + _received if _received is not None else default


def describe() -> str:
    """``"terminated (SIGTERM)"`` / ``"hung up (SIGHUP)"``, or ``"interrupted"``."""
    if _received == signal.SIGTERM:
        return "terminated (SIGTERM)"
    if _received == signal.SIGHUP:
        return "hung up (SIGHUP)"
    return "interrupted"


# -- output locations ----------------------------------------------------------------------
def _probe(folder: Path) -> str | None:
    """Whether a file can be created in ``folder`` (tried for real: permission bits do not
    tell for root, read-only mounts or /proc)."""
    try:
        fd, name = tempfile.mkstemp(prefix=".bakeoff-probe-", dir=folder)
    except OSError as exc:
        return f"{folder} is not writable ({exc.strerror or exc})"
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(name)
    return None


def _problem(path: Path, folder: bool) -> str | None:
    """Why ``path`` (a folder, or a file) cannot be written, or None."""
    if "\x00" in str(path):
        return "the path contains a NUL byte"
    if path.exists() or path.is_symlink():
        if folder and not path.is_dir():
            return "it exists and is not a folder"
        if not folder and path.is_dir():
            return "it is a folder"
        if not folder and not os.access(path, os.W_OK):
            return "it is not writable"
        return _probe(path if folder else path.parent)
    ancestor = path.parent
    while not ancestor.exists():
        if ancestor.is_symlink():
            return f"{ancestor} is a broken symlink"
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return f"{ancestor} is not a folder"
    return _probe(ancestor)


def check_outputs(folder: Path, files: dict[str, Path | None]) -> None:
    """Before measuring: ``folder`` (``--out``) and each named file option can be written.
    Raises ``UsageError`` naming the option, the path and why."""
    problem = _problem(folder, folder=True)
    if problem:
        raise UsageError(f"--out {folder}: cannot write results there: {problem}")
    for option, path in files.items():
        if path is not None and (problem := _problem(path, folder=False)):
            raise UsageError(f"{option} {path}: cannot write there: {problem}")


def fallback_folder() -> Path:
    """A fresh temporary folder for results that could not be saved where asked."""
    return Path(tempfile.mkdtemp(prefix="bakeoff-results-"))
