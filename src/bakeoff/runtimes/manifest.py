"""The file manifest of a cache entry: path, size and sha256 of every file (and the target of
every symlink) recorded at install time, so an edited file anywhere in a runtime or tool — not
only its entry binary — is noticed.

Two checks: ``quick`` (on every use: the set of paths, sizes, modification and change times,
symlink targets; one ``lstat`` per file) and ``full`` (``bakeoff runtimes verify``, and whenever
the quick check disagrees: every file hashed again). A quick mismatch whose full check passes
(say the cache was copied, so the times changed) only refreshes the recorded times.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
FORMAT = 2  # manifests without "files" (format 1) predate per-file records
SHOWN = 3  # problems named in a message; the rest are counted


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _walk(entry: Path) -> dict[str, os.stat_result]:
    """Relative path -> lstat of every file and symlink under ``entry`` (not the manifest)."""
    out: dict[str, os.stat_result] = {}
    for folder, dirs, names in os.walk(entry):
        base = Path(folder)
        for name in names + [d for d in dirs if (base / d).is_symlink()]:
            path = base / name
            rel = path.relative_to(entry).as_posix()
            if rel != MANIFEST:
                out[rel] = path.lstat()
    return out


def _is_link(st: os.stat_result) -> bool:
    return (st.st_mode & 0o170000) == 0o120000


def record(entry: Path) -> dict[str, dict[str, Any]]:
    """The manifest of everything under ``entry``: files with size, sha256 and times; symlinks
    with their target."""
    files: dict[str, dict[str, Any]] = {}
    for rel, st in sorted(_walk(entry).items()):
        path = entry / rel
        if _is_link(st):
            files[rel] = {"link": os.readlink(path)}
        else:
            files[rel] = {
                "size": st.st_size,
                "sha256": file_sha256(path),
                "mtime_ns": st.st_mtime_ns,
                "ctime_ns": st.st_ctime_ns,
            }
    return files


def _summary(problems: list[str]) -> list[str]:
    if len(problems) <= SHOWN:
        return problems
    return [*problems[:SHOWN], f"and {len(problems) - SHOWN} more"]


def _compare(entry: Path, files: dict[str, dict[str, Any]], full: bool) -> list[str]:
    try:
        found = _walk(entry)
    except OSError as exc:
        return [f"cannot read the entry: {exc}"]
    problems = [f"{rel} was added" for rel in sorted(set(found) - set(files))]
    problems += [f"{rel} is missing" for rel in sorted(set(files) - set(found))]
    for rel in sorted(set(files) & set(found)):
        want, st = files[rel], found[rel]
        path = entry / rel
        if "link" in want:
            try:
                same = _is_link(st) and os.readlink(path) == want["link"]
            except OSError:
                same = False
            if not same:
                problems.append(f"{rel} is no longer the symlink it was")
            continue
        if _is_link(st) or st.st_size != want["size"]:
            problems.append(f"{rel} changed (size)")
        elif full:
            try:
                digest = file_sha256(path)
            except OSError as exc:
                problems.append(f"{rel} cannot be read ({exc.strerror})")
                continue
            if digest != want["sha256"]:
                problems.append(f"{rel} changed (sha256)")
        elif st.st_mtime_ns != want["mtime_ns"] or st.st_ctime_ns != want["ctime_ns"]:
            problems.append(f"{rel} changed (modification time)")
    return _summary(problems)


def quick_check(entry: Path, files: dict[str, dict[str, Any]]) -> list[str]:
    """What differs from the manifest by path set, size, times and symlink targets."""
    return _compare(entry, files, full=False)


def full_check(entry: Path, files: dict[str, dict[str, Any]]) -> list[str]:
    """What differs from the manifest when every file is hashed again."""
    return _compare(entry, files, full=True)


def restamp(entry: Path, files: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``files`` with the times of the files as they are now (after a passing full check)."""
    out = {}
    for rel, want in files.items():
        if "link" in want:
            out[rel] = want
            continue
        st = (entry / rel).lstat()
        out[rel] = {**want, "mtime_ns": st.st_mtime_ns, "ctime_ns": st.st_ctime_ns}
    return out
