"""The start-up suite's case table: the built-in cases (what each runs, in which cache state)
and how a user's own script becomes a case. Plain data with no heavy imports, so the command
line can list the case names in ``--help`` without loading the measuring machinery."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

CacheState = Literal["cold", "warm"]


@dataclass(frozen=True)
class StartupCase:
    name: str
    description: str
    script: str | None  # relative to the work folder, absolute for user scripts; None: --version
    args: tuple[str, ...] = ()
    cache: CacheState | None = None
    typescript: bool = False
    cwd: str | None = None


BUILTIN_CASES: dict[str, StartupCase] = {
    c.name: c
    for c in (
        StartupCase("version", "runtime floor: `--version`, no script", None),
        StartupCase("empty", "an empty ES module", "empty.mjs"),
        StartupCase("hello", "console.log('hello world')", "hello.mjs"),
        StartupCase(
            "imports:cold",
            "300-module ESM graph, runtime caches emptied per sample",
            "graph/main.mjs",
            cache="cold",
        ),
        StartupCase(
            "imports:warm",
            "300-module ESM graph, runtime caches filled",
            "graph/main.mjs",
            cache="warm",
        ),
        StartupCase(
            "typescript:cold",
            "TypeScript file run directly, caches emptied per sample",
            "app.ts",
            cache="cold",
            typescript=True,
        ),
        StartupCase(
            "typescript:warm",
            "TypeScript file run directly, caches filled",
            "app.ts",
            cache="warm",
            typescript=True,
        ),
    )
}
DEFAULT_CASES = list(BUILTIN_CASES)
QUICK_CASES = ["hello", "imports:cold", "typescript:warm"]


def user_case(
    name: str,
    script: str,
    args: Sequence[str] = (),
    cwd: str | None = None,
    cache: CacheState | None = None,
) -> StartupCase:
    path = Path(script).resolve()
    return StartupCase(
        name,
        f"your script {script}",
        str(path),
        tuple(args),
        cache=cache,
        typescript=path.suffix in (".ts", ".mts", ".cts"),
        cwd=cwd or str(path.parent),
    )
