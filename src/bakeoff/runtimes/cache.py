"""The runtime cache's entries on disk: their manifests and the checks against them, the
per-package locks that make concurrent installs safe, the swap that replaces a damaged entry,
and the sweep of temporaries a killed install left behind. ``provision.py`` decides *what* to
install; this module keeps what was installed honest.

Layout under the cache folder: ``runtimes/<family>/<entry>/`` (with ``manifest.json``),
``locks/<package>-<version>.lock``, ``tmp/install-*`` (an install in progress: it holds a lock
on its ``.owner`` file, so a sweep can tell a live install from a dead one) and ``tmp/stale-*``
(an entry being replaced).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from bakeoff.errors import ProvisionError
from bakeoff.runtimes import manifest as manifest_mod
from bakeoff.runtimes.manifest import file_sha256

STALE_TMP_S = 6 * 3600.0  # an install folder without a lock this old is a leftover
STALE_SWAP_S = 3600.0


@dataclass(frozen=True)
class EntryReport:
    """The full verification of one cache entry (``bakeoff runtimes verify``)."""

    entry: Path
    package: str  # package@version, or the folder name when the manifest is unreadable
    family: str
    version: str
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def slug(package: str) -> str:
    """A folder-name form of a package name (``@oven/bun-linux-x64`` -> ``oven-bun-linux-x64``)."""
    return package.replace("@", "").replace("/", "-")


def lock_name(package: str, version: str) -> str:
    """The lock one package version is installed under (shared by every bakeoff)."""
    return f"{slug(package)}-{version}"


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _owner_gone(owner: Path) -> bool | None:
    """Whether the process that made an install folder is gone (its lock is free); None when
    that cannot be told."""
    try:
        with owner.open("r") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            fcntl.flock(fh, fcntl.LOCK_UN)
            return True
    except OSError:
        return None


class EntryStore:
    """The entries, locks and temporaries of one cache folder. One per provisioner: it
    remembers which entries passed their quick check (by manifest time) and which package
    locks it holds."""

    def __init__(self, base: Path) -> None:
        self.root = base / "runtimes"
        self.locks = base / "locks"
        self.tmp = base / "tmp"
        self._healthy: set[tuple[Path, int]] = set()
        self._held: set[str] = set()

    def entries(self, family: str | None = None) -> Iterator[Path]:
        if not self.root.is_dir():
            return
        for fam_dir in sorted(self.root.iterdir()):
            if fam_dir.is_dir() and (family is None or fam_dir.name == family):
                for entry in sorted(fam_dir.iterdir()):
                    if entry.is_dir() and not entry.name.startswith("."):
                        yield entry

    @staticmethod
    def load_manifest(entry: Path) -> dict[str, Any] | None:
        try:
            data = json.loads((entry / manifest_mod.MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        needed = ("family", "package", "version", "binary", "binary_sha256", "reported_version")
        if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in needed):
            return None
        return data

    def check(self, entry: Path, full: bool = False) -> tuple[dict[str, Any] | None, list[str]]:
        """A cache entry's manifest and what is wrong with it (``[]`` when healthy). The quick
        check runs once per entry and provisioner; a quick mismatch gets the full check."""
        manifest = self.load_manifest(entry)
        if manifest is None:
            return None, ["its manifest.json is missing or unreadable"]
        files = manifest.get("files")
        if files is None:
            return self._adopt(entry, manifest)
        if not isinstance(files, dict) or not all(isinstance(v, dict) for v in files.values()):
            return manifest, ["its manifest's file list is malformed"]
        recorded = files.get(manifest["binary"], {}).get("sha256")
        if recorded != manifest["binary_sha256"]:
            return manifest, ["its manifest does not record the binary it names"]
        try:
            stamp = (entry / manifest_mod.MANIFEST).stat().st_mtime_ns
        except OSError:
            return None, ["its manifest.json is missing or unreadable"]
        if not full and (entry, stamp) in self._healthy:
            return manifest, []
        problems = [] if full else manifest_mod.quick_check(entry, files)
        if full or problems:
            problems = manifest_mod.full_check(entry, files)
            if not problems and not full:
                manifest = self._restamp(entry, manifest)
        if not problems:
            with contextlib.suppress(OSError):
                self._healthy.add((entry, (entry / manifest_mod.MANIFEST).stat().st_mtime_ns))
        return manifest, problems

    def _adopt(
        self, entry: Path, manifest: dict[str, Any]
    ) -> tuple[dict[str, Any] | None, list[str]]:
        """An entry written without a file list (an older bakeoff, or a tool installer that
        does not record one): its binary is checked against the recorded sha256 as before, then
        every file is recorded, so later edits anywhere in it are caught."""
        binary = entry / manifest["binary"]
        try:
            if file_sha256(binary) != manifest["binary_sha256"]:
                return manifest, [f"{manifest['binary']} changed (sha256)"]
        except OSError:
            return manifest, [f"{manifest['binary']} is missing"]
        with self.try_lock(lock_name(manifest["package"], manifest["version"])) as locked:
            if locked:
                with contextlib.suppress(OSError):
                    adopted = {
                        **manifest,
                        "format": manifest_mod.FORMAT,
                        "files": manifest_mod.record(entry),
                        "adopted_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    }
                    _write_atomic(entry / manifest_mod.MANIFEST, json.dumps(adopted, indent=1))
                    return adopted, []
        return manifest, []

    def _restamp(self, entry: Path, manifest: dict[str, Any]) -> dict[str, Any]:
        """Record the files' current times after a full check passed (e.g. a copied cache)."""
        with self.try_lock(lock_name(manifest["package"], manifest["version"])) as locked:
            if locked:
                try:
                    files = manifest_mod.restamp(entry, manifest["files"])
                    manifest = {**manifest, "files": files}
                    _write_atomic(entry / manifest_mod.MANIFEST, json.dumps(manifest, indent=1))
                except OSError:
                    pass  # a read-only cache still works; it is fully checked each time
        return manifest

    @contextmanager
    def lock(self, name: str) -> Iterator[None]:
        try:
            self.locks.mkdir(parents=True, exist_ok=True)
            fh = (self.locks / f"{name}.lock").open("w")
        except OSError as exc:
            raise ProvisionError(
                f"cannot use the cache folder {self.locks.parent}: {exc}"
            ) from None
        with fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            self._held.add(name)
            try:
                yield
            finally:
                self._held.discard(name)
                fcntl.flock(fh, fcntl.LOCK_UN)

    @contextmanager
    def try_lock(self, name: str) -> Iterator[bool]:
        """The package lock if it is free now (True), else False (someone is installing):
        for small updates of a manifest that can wait for another time."""
        if name in self._held:
            yield True
            return
        try:
            self.locks.mkdir(parents=True, exist_ok=True)
            fh = (self.locks / f"{name}.lock").open("w")
        except OSError:
            yield False
            return
        with fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def sweep(self) -> list[Path]:
        """Remove install folders left by a killed bakeoff (their owner's lock is free, or,
        without a lock file, older than ``STALE_TMP_S``) and old swapped-out entries."""
        removed: list[Path] = []
        try:
            children = list(self.tmp.iterdir())
        except OSError:
            return removed
        now = time.time()
        for path in children:
            try:
                age = now - path.lstat().st_mtime
            except OSError:
                continue
            if path.name.startswith("install-"):
                stale = _owner_gone(path / ".owner") if (path / ".owner").exists() else None
                if stale is None:
                    stale = age > STALE_TMP_S
            else:
                stale = path.name.startswith("stale-") and age > STALE_SWAP_S
            if stale:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
        return removed

    @contextmanager
    def workdir(self, prefix: str) -> Iterator[Path]:
        """A fresh ``tmp/install-<prefix>-*`` folder, locked as live while in use and removed
        afterwards."""
        try:
            self.tmp.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix=f"install-{prefix}-", dir=self.tmp))
            owner: BinaryIO = (work / ".owner").open("wb")
        except OSError as exc:
            raise ProvisionError(f"cannot use the cache folder {self.tmp.parent}: {exc}") from None
        try:
            fcntl.flock(owner, fcntl.LOCK_EX)  # held while we work: a sweep leaves us alone
            yield work
        finally:
            owner.close()
            shutil.rmtree(work, ignore_errors=True)

    def replace(self, entry: Path, new: Path) -> None:
        """Move ``new`` to ``entry``; a damaged entry is moved aside first (running processes
        keep their open files) and deleted afterwards."""
        aside: Path | None = None
        if entry.exists() or entry.is_symlink():
            aside = Path(tempfile.mkdtemp(prefix="stale-", dir=self.tmp))
            os.rename(entry, aside / "entry")
        os.rename(new, entry)
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
