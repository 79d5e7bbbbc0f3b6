"""Shims of the provisioned tools: a folder of commands (``node``, ``bun``, ``npm`` ...) to put
first on PATH, so scripts a toolchain runs get its own tools. Content-addressed in the cache."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path


def shim_dir(
    root: Path, binaries: Mapping[str, Path], scripts: Mapping[str, tuple[Path, Path]]
) -> Path:
    """A folder of commands to put first on PATH: ``binaries`` are linked under their names
    (``node``, ``bun``, ``deno``), ``scripts`` are JavaScript tools run by a Node binary
    (``npm`` → ``node npm-cli.js``). Lifecycle scripts, test and build scripts that call
    ``bun``, ``pnpm`` or ``npm run`` then get the toolchain's own tools, never whatever else the
    machine has. Content-addressed under ``root``, so concurrent runs share one folder."""
    spec = json.dumps(
        {
            "bin": {k: str(v) for k, v in sorted(binaries.items())},
            "js": {k: [str(n), str(s)] for k, (n, s) in sorted(scripts.items())},
        }
    )
    folder = root / hashlib.sha256(spec.encode()).hexdigest()[:16]
    if folder.is_dir():
        return folder
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".shims-", dir=root))
    for name, binary in binaries.items():
        (tmp / name).symlink_to(binary)
    for name, (node, script) in scripts.items():
        shim = tmp / name
        shim.write_text(f'#!/bin/sh\nexec "{node}" "{script}" "$@"\n')
        shim.chmod(0o755)
    try:
        tmp.rename(folder)
    except OSError:  # another run made it first
        shutil.rmtree(tmp, ignore_errors=True)
    return folder
