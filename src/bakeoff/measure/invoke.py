"""How each runtime family runs a script, and which environment variables point its caches at
folders bakeoff owns (never the user's global caches)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

# Variables that would make runs differ from a clean start, or leak user settings into them.
_SCRUB_PREFIXES = ("NODE_", "BUN_", "DENO_", "NPM_CONFIG_")
_SCRUB_EXACT = {"NODE_OPTIONS", "NODE_PATH"}


def base_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The inherited environment minus runtime-specific settings, plus quiet, non-interactive
    defaults. ``extra`` (from the user's config) wins."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in _SCRUB_EXACT and not k.upper().startswith(_SCRUB_PREFIXES)
    }
    env.update(
        {
            "NO_COLOR": "1",
            "FORCE_COLOR": "0",
            "DENO_NO_UPDATE_CHECK": "1",
            "DENO_NO_PROMPT": "1",
            "DO_NOT_TRACK": "1",
        }
    )
    if extra:
        env.update(extra)
    return env


def cache_env(family: str, cache_dir: Path, warm: bool) -> dict[str, str]:
    """Point the runtime's code/transpiler caches at ``cache_dir``.

    * node: ``NODE_COMPILE_CACHE`` (V8 code cache) — only for the warm state; a cold Node start
      is its default, which caches nothing.
    * bun: ``BUN_RUNTIME_TRANSPILER_CACHE_PATH``.
    * deno: ``DENO_DIR`` (its module and code cache).
    """
    if family == "node":
        return {"NODE_COMPILE_CACHE": str(cache_dir)} if warm else {}
    if family == "bun":
        return {"BUN_RUNTIME_TRANSPILER_CACHE_PATH": str(cache_dir)}
    if family == "deno":
        return {"DENO_DIR": str(cache_dir)}
    return {}


def script_argv(
    family: str, binary: str, script: str | None, args: Sequence[str] = ()
) -> list[str]:
    """argv to run ``script`` (or ``--version`` when ``script`` is None) under a runtime."""
    if script is None:
        return [binary, "--version"]
    if family == "deno":
        return [binary, "run", "--allow-all", script, *args]
    return [binary, script, *args]


def supports_typescript(family: str, version: str) -> bool:
    """Whether the runtime runs ``.ts`` files directly (Node: type stripping is on by default
    from 22.18 / 23.6)."""
    if family in ("bun", "deno"):
        return True
    try:
        major, minor = (int(p) for p in version.lstrip("v").split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (23, 6) or (major == 22 and minor >= 18)
