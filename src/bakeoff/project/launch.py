"""How a project starts its service: its own package.json scripts (``start:prod``, ``start``,
``serve``, ``dev``, ...) read as a user would run them — environment assignments
(``NODE_ENV=production``, ``cross-env``), scripts they call first (``npm run build && node
dist``), the runner (node, tsx, ts-node, nodemon, bun, deno, ``nest start``), its flags and the
script's arguments (``node bin/index.js sqlite.db``).

Watch and debugger flags are dropped (a measurement needs one steady process); every change is
noted so ``bakeoff init`` can say what it did with the project's command.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# script names, in the order a service is looked for (production first)
SERVICE_SCRIPTS = (
    "start:prod",
    "start:production",
    "prod",
    "serve:prod",
    "start",
    "serve",
    "server",
    "start:server",
    "start:dev",
    "dev",
    "dev:server",
    "develop",
)
_MANAGERS = ("npm", "pnpm", "yarn", "bun")
_BUILD_TOOLS = (
    "tsc",
    "tsup",
    "esbuild",
    "vite",
    "rollup",
    "webpack",
    "swc",
    "babel",
    "nest",
    "tsdown",
)
_CLEAN_TOOLS = ("rimraf", "rm", "del", "del-cli", "shx", "mkdirp", "cpy", "cp", "echo", "clear")
_VALUE_FLAGS = {
    "-r",
    "--require",
    "--import",
    "--loader",
    "--experimental-loader",
    "-C",
    "--conditions",
    "--env-file",
    "--title",
    "--tsconfig",
    "-P",
    "--project",
}
_DROP_NODE = re.compile(
    r"^--(watch|watch-path|watch-preserve-output|inspect|inspect-brk|inspect-wait)(=|$)"
)


@dataclass
class Launch:
    script: str  # the package.json script it came from ("main" for package.json main)
    command: str  # that script's text
    runner: str  # node, tsx, ts-node, nodemon, bun, deno, nest
    entry: str  # the file the runtime runs, as written
    args: list[str] = field(default_factory=list)
    node_flags: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    build: list[str] = field(default_factory=list)  # package.json scripts to run first
    notes: list[str] = field(default_factory=list)

    @property
    def typescript_loader(self) -> bool:
        return self.runner in ("tsx", "ts-node")


def _split(command: str) -> list[str]:
    """Shell segments joined by ``&&``, ``;`` or ``||`` (a pipe keeps its left side)."""
    parts = re.split(r"\s*(?:&&|\|\||;)\s*", command)
    return [p.split(" | ")[0].strip() for p in parts if p.strip()]


def _tokens(segment: str) -> list[str]:
    try:
        return shlex.split(segment)
    except ValueError:
        return segment.split()


def _strip_env(tokens: list[str], env: dict[str, str], notes: list[str]) -> list[str]:
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", t):
            k, _, v = t.partition("=")
            env[k] = v
            i += 1
        elif t in ("cross-env", "env", "cross-env-shell"):
            i += 1
        elif t in ("dotenv", "dotenv-cli"):
            i += 1
            while i < len(tokens) and tokens[i].startswith("-"):
                if tokens[i] == "--":
                    i += 1
                    break
                if tokens[i] in ("-e", "-c", "-v") and i + 1 < len(tokens):
                    notes.append(
                        f"dotenv-cli loads {tokens[i + 1]}: its variables come from the template"
                    )
                    i += 1
                i += 1
        else:
            break
    return tokens[i:]


def _script_call(tokens: list[str]) -> str | None:
    """``npm run build`` / ``pnpm build`` / ``yarn build`` / ``npm start`` → the script name."""
    if not tokens or tokens[0] not in _MANAGERS:
        return None
    rest = [t for t in tokens[1:] if not t.startswith("-")]
    if not rest:
        return None
    if rest[0] in ("run", "run-script"):
        return rest[1] if len(rest) > 1 else None
    if rest[0] in ("start", "test", "stop", "restart"):
        return rest[0]
    if tokens[0] in ("pnpm", "yarn", "bun") and rest[0] not in (
        "install",
        "add",
        "exec",
        "dlx",
        "x",
        "i",
    ):
        return rest[0]
    return None


def _runner_launch(
    tokens: list[str], notes: list[str]
) -> tuple[str, list[str], str, list[str]] | None:
    """(runner, node flags, entry, args) for a segment that runs a file, else None."""
    if not tokens:
        return None
    head = Path(tokens[0]).name
    rest = tokens[1:]
    flags: list[str] = []
    if head == "nodemon" or head == "node-dev" or head == "ts-node-dev":
        kept = []
        i = 0
        while i < len(rest):
            if rest[i] in ("--exec", "-x") and i + 1 < len(rest):
                inner = _runner_launch(_tokens(rest[i + 1]) + rest[i + 2 :], notes)
                notes.append(f"{head} (a file watcher) replaced by the command it runs")
                return inner
            if rest[i] in ("-e", "--ext", "-w", "--watch", "-i", "--ignore", "--delay", "--signal"):
                i += 2
                continue
            if rest[i].startswith("-"):
                i += 1
                continue
            kept = rest[i:]
            break
        notes.append(f"{head} (a file watcher) replaced by a plain run")
        if head == "ts-node-dev":
            return _runner_launch(["ts-node", *kept], notes)
        return _runner_launch(["node", *kept], notes)
    if head == "tsx":
        if rest[:1] == ["watch"]:
            rest = rest[1:]
            notes.append("dropped tsx watch mode")
        flags = ["--import", "tsx"]
    elif head == "ts-node":
        flags = ["-r", "ts-node/register"]
    elif head == "bun":
        if rest[:1] == ["run"]:
            rest = rest[1:]
    elif head == "deno":
        if rest[:1] != ["run"]:
            return None
        rest = rest[1:]
    elif head != "node":
        return None
    i = 0
    while i < len(rest) and rest[i].startswith("-"):
        t = rest[i]
        takes_value = t in _VALUE_FLAGS and i + 1 < len(rest)
        if _DROP_NODE.match(t):
            notes.append(f"dropped {t} (a measurement runs one steady process)")
        elif head == "tsx" and t.startswith("--clear-screen"):
            pass
        elif head in ("node", "tsx", "ts-node"):
            flags += [t, rest[i + 1]] if takes_value else [t]
        i += 2 if takes_value else 1
    if i >= len(rest):
        return None
    runner = {"node": "node", "tsx": "tsx", "ts-node": "ts-node", "bun": "bun", "deno": "deno"}[
        head
    ]
    return runner, flags, rest[i], rest[i + 1 :]


def _nest_entry(root: Path) -> str:
    try:
        cfg = json.loads((root / "nest-cli.json").read_text())
    except (OSError, ValueError):
        cfg = {}
    entry = str(cfg.get("entryFile") or "main") if isinstance(cfg, dict) else "main"
    return f"dist/{entry}.js"


def parse(scripts: Mapping[str, str], key: str, root: Path, depth: int = 0) -> Launch | None:
    """The launch a script describes, following ``npm run X`` calls; None if it runs no file
    (a tool such as ``vite`` or ``next start``)."""
    command = scripts.get(key)
    if command is None or depth > 5:
        return None
    env: dict[str, str] = {}
    notes: list[str] = []
    build: list[str] = []
    segments = _split(command)
    for n, seg in enumerate(segments):
        last = n == len(segments) - 1
        tokens = _strip_env(_tokens(seg), env, notes)
        if not tokens:
            continue
        called = _script_call(tokens)
        if called is not None:
            if last:
                inner = parse(scripts, called, root, depth + 1)
                if inner is None:
                    return None
                inner.build = [*build, *inner.build]
                inner.env = {**env, **inner.env}
                inner.notes = [*notes, *inner.notes]
                inner.script, inner.command = key, command
                return inner
            build.append(called)
            continue
        if Path(tokens[0]).name == "nest" and tokens[1:2] == ["start"]:
            notes.append(
                "`nest start` is the Nest CLI's build + run: build, then node " + _nest_entry(root)
            )
            return Launch(
                key,
                command,
                "node",
                _nest_entry(root),
                [],
                [],
                env,
                [*build, "build"] if "build" in scripts else build,
                notes,
            )
        found = _runner_launch(tokens, notes)
        if found is not None and last:
            runner, flags, entry, args = found
            return Launch(key, command, runner, entry, args, flags, env, build, notes)
        if found is None and not last:
            name = Path(tokens[0]).name
            if name in _CLEAN_TOOLS:
                continue  # the working copy starts clean anyway
            same = next(
                (k for k, v in scripts.items() if v.strip() == seg.strip() and k != key), None
            )
            if same is not None:
                build.append(same)
            elif name in _BUILD_TOOLS and "build" in scripts:
                build.append("build")
                notes.append(f"`{seg}` runs as the project's build script")
            else:
                notes.append(f"`{seg}` before the start is not run by bakeoff")
    return None


def candidates(scripts: Mapping[str, str], root: Path, main: str | None) -> list[Launch]:
    """Every script that starts a file, production ones first; JavaScript launches before
    TypeScript-through-a-loader ones of the same rank; ``main`` last."""
    keys = [k for k in SERVICE_SCRIPTS if k in scripts]
    keys += [
        k
        for k in scripts
        if k not in keys and re.search(r"(^|:)(start|serve|server|dev|prod)($|:)", k)
    ]
    found: list[tuple[int, int, Launch]] = []
    for rank, key in enumerate(keys):
        launch = parse(scripts, key, root)
        if launch is not None:
            tier = 0 if rank < 5 else 1
            found.append((tier, 1 if launch.typescript_loader else 0, launch))
    found.sort(key=lambda x: (x[0], x[1]))
    out = [f[2] for f in found]
    if main and not any(launch.entry == main for launch in out):
        out.append(Launch("main", f'package.json "main": "{main}"', "node", main))
    return out
