"""Which test files a runner runs, so every runner can be given the same list.

``node --test`` semantics: no argument means Node's default patterns from the working folder;
a folder argument means those patterns inside it; a file is itself; anything else is a glob
(``**``, ``{a,b}``, ``*``, ``?``, ``[...]``). ``node_modules`` and hidden entries are never
searched. TypeScript files join the default patterns when Node strips types (by default from
Node 23.6, or with ``--experimental-strip-types``). For jest and vitest the framework itself
lists its files (``suites.testrun``); the defaults here are the fallback when it cannot.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

JS = ("js", "cjs", "mjs")
TS = ("ts", "cts", "mts")
_BRACE = re.compile(r"\{([^{}]*)\}")


def node_default_match(rel: str, exts: Sequence[str]) -> bool:
    """Whether Node's default ``--test`` patterns match the relative path ``rel``."""
    parts = rel.split("/")
    name = parts[-1]
    stem, dot, ext = name.rpartition(".")
    if not dot or ext not in exts:
        return False
    if "test" in parts[:-1]:
        return True
    return stem == "test" or stem.startswith("test-") or stem.endswith((".test", "-test", "_test"))


def _walk(root: Path) -> Iterable[str]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "node_modules" and not d.startswith("."))
        base = Path(folder).relative_to(root)
        for f in sorted(files):
            if not f.startswith("."):
                yield (base / f).as_posix()


def braces(pattern: str) -> list[str]:
    """``a/{b,c}/*.{js,ts}`` → the four patterns it stands for."""
    m = _BRACE.search(pattern)
    if m is None:
        return [pattern]
    out: list[str] = []
    for alt in m.group(1).split(","):
        out += braces(pattern[: m.start()] + alt + pattern[m.end() :])
    return out


def _glob(pattern: str, cwd: Path) -> list[str]:
    found: list[str] = []
    for p in braces(pattern):
        for hit in glob.glob(p, root_dir=cwd, recursive=True):
            rel = Path(os.path.normpath(hit)).as_posix()
            if "node_modules" in rel.split("/") or not (cwd / rel).is_file():
                continue
            found.append(rel)
    return found


def node_test_files(paths: Sequence[str], cwd: Path, strip_types: bool) -> list[str]:
    """The files ``node --test PATHS...`` runs in ``cwd``, relative to it, in Node's order
    (sorted per argument, arguments in order, each file once)."""
    exts = (*JS, *TS) if strip_types else JS
    found: list[str] = []
    for arg in paths or ["."]:
        target = cwd / arg
        if target.is_dir():
            base = Path(os.path.normpath(arg)).as_posix()
            hits = sorted(f for f in _walk(target) if node_default_match(f, exts))
            found += [f if base == "." else f"{base}/{f}" for f in hits]
        elif target.is_file():
            found.append(Path(os.path.normpath(arg)).as_posix())
        else:
            found += sorted(_glob(arg, cwd))
    return list(dict.fromkeys(found))


def strips_types(node_major: int | None, flags: Sequence[str]) -> bool:
    """Whether this Node strips TypeScript types for these flags."""
    if any(f in ("--no-experimental-strip-types", "--no-strip-types") for f in flags):
        return False
    if any(f in ("--experimental-strip-types", "--experimental-transform-types") for f in flags):
        return True
    return node_major is not None and node_major >= 23


def framework_default_files(framework: str, cwd: Path) -> list[str]:
    """The files jest or vitest would pick with their default settings (no config)."""
    exts = ("js", "jsx", "ts", "tsx", "mjs", "cjs", "mts", "cts")
    out = []
    for rel in _walk(cwd):
        parts = rel.split("/")
        stem, _, ext = parts[-1].rpartition(".")
        if ext not in exts:
            continue
        spec = stem.endswith((".test", ".spec")) or stem in ("test", "spec")
        if (framework == "jest" and ("__tests__" in parts[:-1] or spec)) or (
            framework == "vitest" and spec
        ):
            out.append(rel)
    return out


def mocha_files(args: Sequence[str], cwd: Path, recursive: bool) -> list[str]:
    """The files mocha runs for its spec arguments (default ``./test/*.{js,cjs,mjs}``)."""
    specs = args or ["./test"]
    found: list[str] = []
    for spec in specs:
        target = cwd / spec
        if target.is_dir():
            base = Path(os.path.normpath(spec)).as_posix()
            files = (
                _walk(target)
                if recursive
                else sorted(
                    p.name for p in target.iterdir() if p.is_file() and not p.name.startswith(".")
                )
            )
            found += [
                f"{base}/{f}" if base != "." else f for f in files if f.rpartition(".")[2] in JS
            ]
        elif target.is_file():
            found.append(Path(os.path.normpath(spec)).as_posix())
        else:
            found += sorted(_glob(spec, cwd))
    return list(dict.fromkeys(found))
