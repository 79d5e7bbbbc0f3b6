"""Unpacking a downloaded tarball without letting it write anywhere but its folder.

The stdlib's ``tarfile`` data filter (Python >= 3.11.4, ``filter="data"``) is the base: it drops
set-uid bits and ownership, refuses absolute names, ``..``, device nodes and links that resolve
outside the destination. Because filter bypasses have been found since (symlink chains, paths
longer than ``PATH_MAX``), every member is also checked here before anything is written, so the
archive as a whole is refused with one line naming the member:

* only regular files, folders, symlinks and hardlinks (no devices, fifos or unknown types);
* names are relative, without ``..``, NUL bytes or over-long parts;
* a symlink's target is relative, already normalised (``../`` only at its start) and stays
  inside the folder, judged from the symlink's own folder with separator-aware containment;
* a hardlink's target is resolved against the archive root (as ``tar`` does, not against the
  member's folder) and must be a regular file that came earlier in the archive;
* no member lives under a path that is a symlink, and symlinks are created last, so no write can
  be redirected through a link;
* limits on the number of members and the unpacked size.

Afterwards every symlink in the tree is resolved again (belt and braces).
"""

from __future__ import annotations

import copy
import os
import posixpath
import stat
import tarfile
from pathlib import Path
from typing import Any

from bakeoff.errors import ProvisionError

MAX_MEMBERS = 200_000
MAX_UNPACKED_BYTES = 4 << 30  # 4 GiB: a runtime package is a few hundred MB at most
MAX_NAME = 1024
MAX_PART = 255

# Python < 3.11.4 has no data filter: the fallback below does what it does for modes/owners.
_DATA_FILTER: Any = getattr(tarfile, "data_filter", None)


def _refuse(member: str, why: str) -> ProvisionError:
    shown = member if len(member) <= 120 else member[:117] + "..."
    return ProvisionError(f"refusing to unpack the tarball: member {shown!r} {why}")


def _plain(name: str, member: str, what: str) -> None:
    """Refuse NUL bytes, over-long names and absolute paths."""
    if "\x00" in name:
        raise _refuse(member, f"has a NUL byte in its {what}")
    if len(name) > MAX_NAME or any(len(part) > MAX_PART for part in name.split("/")):
        raise _refuse(member, f"has an over-long {what}")
    if not name or posixpath.isabs(name):
        raise _refuse(member, f"has an {'empty' if not name else 'absolute'} {what}")


def _inside(path: str) -> bool:
    """Whether a normalised relative path stays inside the root (separator-aware: a sibling
    folder whose name merely starts with the root's name is outside)."""
    return path != ".." and not path.startswith("../") and not posixpath.isabs(path)


def _member_path(name: str) -> str:
    _plain(name, name, "name")
    if ".." in name.split("/"):
        raise _refuse(name, "has a name that climbs out with '..'")
    return posixpath.normpath(name)


def _leading_dotdots_only(target: str) -> bool:
    """``../../lib/x`` or ``lib/x``: ``..`` only at the start, no ``.`` or empty parts."""
    parts = target.split("/")
    i = 0
    while i < len(parts) and parts[i] == "..":
        i += 1
    rest = parts[i:]
    return (bool(rest) or i > 0) and all(p not in ("", ".", "..") for p in rest)


def check_members(members: list[tarfile.TarInfo]) -> list[tarfile.TarInfo]:
    """Check every member; return them in a safe extraction order (symlinks last). Raises
    ``ProvisionError`` naming the first unsafe member."""
    if len(members) > MAX_MEMBERS:
        raise ProvisionError(
            f"refusing to unpack the tarball: {len(members)} members (limit {MAX_MEMBERS})"
        )
    total = 0
    files: set[str] = set()  # regular files and hardlinks seen so far
    links: dict[str, str] = {}  # normalised symlink path -> its member name
    seen: set[str] = set()
    plain: list[tarfile.TarInfo] = []
    symlinks: list[tarfile.TarInfo] = []
    for m in members:
        name = _member_path(m.name)
        if m.isreg():
            total += max(0, m.size)
            if total > MAX_UNPACKED_BYTES:
                raise ProvisionError(
                    f"refusing to unpack the tarball: over {MAX_UNPACKED_BYTES >> 30} GiB unpacked"
                )
        elif m.issym():
            _plain(m.linkname, m.name, "symlink target")
            if not _leading_dotdots_only(m.linkname):
                raise _refuse(m.name, f"is a symlink with an unnormalised target {m.linkname!r}")
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), m.linkname))
            if not _inside(resolved):
                raise _refuse(m.name, f"is a symlink to {m.linkname!r}, outside the folder")
        elif m.islnk():
            _plain(m.linkname, m.name, "hardlink target")
            # tar resolves a hardlink's target against the archive root, not the member's folder
            target = posixpath.normpath(m.linkname)
            if ".." in m.linkname.split("/") or not _inside(target):
                raise _refuse(m.name, f"is a hardlink to {m.linkname!r}, outside the folder")
            if target not in files:
                raise _refuse(
                    m.name, f"is a hardlink to {m.linkname!r}, not a file earlier in the archive"
                )
        elif not m.isdir():
            kind = "a device node" if m.ischr() or m.isblk() else "a fifo" if m.isfifo() else None
            raise _refuse(m.name, f"is {kind or 'of an unsupported type'}")
        if name == ".":
            if not m.isdir():
                raise _refuse(m.name, "names the root folder but is not a folder")
            continue
        if name in seen and (name in links or m.issym()):
            raise _refuse(m.name, "appears twice, once as a symlink")
        seen.add(name)
        if m.issym():
            links[name] = m.name
            symlinks.append(m)
        else:
            if m.isreg() or m.islnk():
                files.add(name)
            plain.append(m)
    for m in members:
        parts = posixpath.normpath(m.name).split("/")
        for i in range(1, len(parts)):
            prefix = "/".join(parts[:i])
            if prefix in links:
                raise _refuse(m.name, f"lies under the symlink {links[prefix]!r}")
    return plain + symlinks


def _fallback_filter(member: tarfile.TarInfo) -> tarfile.TarInfo:
    """What the data filter does to modes and owners, for Pythons without it."""
    out = copy.copy(member)
    if member.isreg() or member.islnk():
        out.mode = (member.mode & 0o755) | 0o600
    elif member.isdir():
        out.mode = (member.mode & 0o755) | 0o700
    out.uid, out.gid = os.getuid(), os.getgid()
    out.uname = out.gname = ""
    return out


def safe_extract(tar: tarfile.TarFile, dest: Path) -> None:
    """Unpack ``tar`` into the existing folder ``dest``. Raises ``ProvisionError`` (one line,
    naming the member) before writing anything when any member is unsafe."""
    try:
        members = tar.getmembers()
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise ProvisionError(f"the download is not a readable gzip tarball: {exc}") from None
    ordered = check_members(members)
    root = dest.resolve()
    try:
        if _DATA_FILTER is not None:
            tar.extractall(root, members=ordered, filter="data")
        else:  # pragma: no cover - Python 3.11.0 to 3.11.3
            for m in ordered:
                tar.extract(_fallback_filter(m), root)
    except tarfile.TarError as exc:  # the data filter's refusals are TarErrors too
        raise ProvisionError(f"refusing to unpack the tarball: {exc}") from None
    except (EOFError, OSError, ValueError) as exc:
        raise ProvisionError(f"could not unpack the tarball: {exc}") from None
    _check_tree(root)


def _check_tree(root: Path) -> None:
    """Every symlink in the unpacked tree resolves inside it; nothing but files, folders and
    symlinks exists."""
    for folder, dirs, names in os.walk(root):
        for name in (*dirs, *names):
            path = Path(folder) / name
            if path.is_symlink():
                if not path.resolve().is_relative_to(root):
                    raise _refuse(str(path.relative_to(root)), "resolves outside the folder")
            elif not stat.S_ISDIR(mode := path.lstat().st_mode) and not stat.S_ISREG(mode):
                raise _refuse(str(path.relative_to(root)), "is a special file")
