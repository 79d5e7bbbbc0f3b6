"""Write ``bakeoff.toml`` for a detected project: every key commented, every detected value
saying where it came from, risks listed at the top, and guesses the user must check marked
``EDIT``. The text is validated by ``bakeoff.config`` before it is written."""

from __future__ import annotations

import json
import re
from datetime import date

from bakeoff import config
from bakeoff.project.detect import Project, Route
from bakeoff.value.usage import commented_block


def _q(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def _list(values: list[str]) -> str:
    return "[" + ", ".join(_q(v) for v in values) + "]"


def render(project: Project, runtimes: list[str] | None = None) -> str:
    p = project
    lines: list[str] = [
        f"# bakeoff.toml for {p.name} — written by `bakeoff init` on {date.today().isoformat()}.",
        "# Every value below says where it came from; check the ones marked EDIT.",
        "# Reference for every key: README.md, section `bakeoff.toml`.",
        "",
    ]
    if p.risks:
        lines.append("# Migration risks found in this project (most severe first):")
        lines += [f"#   [{r.severity}] {r.what} — {r.source}" for r in p.risks]
        lines.append("")
    lines += [f"# {n}" for n in p.notes]
    if p.notes:
        lines.append("")
    lines += [
        "[bakeoff]",
        "# Contestants: node@24, node@lts, bun@latest, deno@2, system:node or a path.",
        f"runtimes = {_list(runtimes or config.DEFAULT_RUNTIMES)}",
        "# The contestant the others are compared with (default: the first).",
        '# baseline = "node"',
        "# Where results.json and the reports go.",
        'out = "bakeoff-results"',
        "",
        "[measure]",
        '# precision = "2%"    # stop when each median\'s 95% CI is within ±2%',
        "# min_runs = 10       # runs per start-up case, at least...",
        "# max_runs = 60       # ...and at most",
        '# budget = "10m"      # a time budget for the whole run',
        '# timeout = "30s"     # a single run taking longer is killed',
        '# threshold = "2%"    # smaller effects are reported as "same"',
        "",
    ]
    lines += _startup(p)
    lines += _serve(p)
    lines += _devloop(p)
    lines += [
        "# The cost model: your traffic, deployment, CI and team (the small preset to start;",
        "# every key below is commented with what it means — uncomment to change it).",
        commented_block("small"),
    ]
    text = "\n".join(lines).rstrip() + "\n"
    config.validate(_parse(text), "generated bakeoff.toml")  # never write an invalid file
    return text


def _parse(text: str) -> dict[str, object]:
    import tomllib

    return tomllib.loads(text)


def _startup(p: Project) -> list[str]:
    out = [
        "[startup]",
        "# Built-in cases (runtime floor, hello world, import graph, TypeScript) run by default;",
        '# cases = ["hello", "imports:cold"] picks some.',
        "",
    ]
    for name, script in p.bins.items():
        out += [
            f'# from package.json "bin": {name} → {script}',
            "[[startup.scripts]]",
            f"name = {_q(name)}",
            f"script = {_q(script)}",
            'args = ["--help"]      # EDIT: a typical invocation',
            "",
        ]
    return out


def _route_request(r: Route) -> tuple[bool, list[str]]:
    """A [[serve.requests]] entry; False when it needs editing before it can be enabled."""
    has_param = bool(re.search(r"[:{*]", r.path))
    path = re.sub(r":(\w+)", "1", r.path)
    body: list[str] = [
        "[[serve.requests]]",
        f"path = {_q(path)}",
    ]
    if r.method != "GET":
        body += [f"method = {_q(r.method)}", "json = {}            # EDIT: a valid request body"]
    body.append("weight = 1")
    ready = r.method == "GET" and not has_param
    return ready, body


def _serve(p: Project) -> list[str]:
    s = p.service
    if s is None:
        return [
            "# No HTTP service found (no start script, main or file calling listen()).",
            '# To measure one, add a [serve] section: entry = "server.js" (see the README).',
            "",
        ]
    out = [
        "[serve]",
        f"# from {s.entry.source}",
        f"entry = {_q(s.entry.value)}",
    ]
    if s.framework:
        out.append(f"# framework: {s.framework.value} ({s.framework.source})")
    if s.port_env:
        out += [f"# the server reads its port from {s.port_env.value} ({s.port_env.source})"]
        out.append(f"port_env = {_q(s.port_env.value)}")
    elif s.literal_port:
        out += [
            f"# the server listens on a fixed port ({s.literal_port.source}): bakeoff uses it",
            f"port = {s.literal_port.value}",
        ]
    else:
        out += [
            "# port variable not found: bakeoff passes a free port as $PORT",
            'port_env = "PORT"',
        ]
    if s.readiness:
        out += [
            f"# readiness: {s.readiness.source}",
            f'readiness = {{ kind = "http", path = {_q(s.readiness.value)} }}',
        ]
    else:
        out += [
            "# no health route found: ready when the port accepts connections",
            'readiness = { kind = "tcp" }',
        ]
    out += [
        "# rates = [200, 500]  # fixed rates (req/s); default: 25/50/75% of the slowest saturation",
        "# reps = 5            # load repetitions per runtime",
        "",
    ]
    active: list[list[str]] = []
    parked: list[list[str]] = []
    for r in s.routes:
        ready, block = _route_request(r)
        (active if ready else parked).append([f"# {r.method} {r.path} — {r.source}", *block])
    if not active:
        path = s.readiness.value if s.readiness else "/"
        active.append(
            [
                "# no parameterless GET route found: EDIT to the requests your service serves",
                "[[serve.requests]]",
                f"path = {_q(path)}",
                "weight = 1",
            ]
        )
    out.append(
        "# The request mix, from routes found in the source (weights: EDIT to your traffic)."
    )
    for block in active:
        out += [*block, ""]
    if parked:
        out.append("# Routes that need a real id or body — EDIT, then uncomment:")
        for block in parked:
            out += ["# " + line if not line.startswith("#") else line for line in block] + [""]
    return out


def _devloop(p: Project) -> list[str]:
    out: list[str] = [
        "# Hybrid toolchains (optional), e.g. Bun installs, Node runs:",
        "# [[toolchains]]",
        '# name = "bun+node"',
        '# runtime = "node"',
        '# manager = "bun"',
        '# test_runner = "node"',
        "",
    ]
    if p.dependencies or p.dev_dependencies:
        pm = p.package_manager
        out += [
            "[install]",
            f"# {len(p.dependencies)} dependencies, {len(p.dev_dependencies)} dev dependencies"
            + (f"; your project uses {pm.value} ({pm.source})" if pm else ""),
            '# states = ["cold", "cold-lockfile", "warm-cache"]',
            "# reps = 5",
            f"managers = {_list([pm.value] if pm and pm.value in ('pnpm', 'yarn') else [])}"
            "   # extra install-only contestants on Node: pnpm, yarn",
            "",
        ]
    if p.test_command or p.test_framework:
        fw = p.test_framework
        out += ["[test]"]
        if fw:
            out.append(f"# test framework: {fw.value} ({fw.source})")
        if p.test_command:
            out.append(f"# test script: {p.test_command.value} ({p.test_command.source})")
        runner = fw.value if fw and fw.value in ("jest", "vitest", "mocha") else None
        out += [
            "# Each runtime runs the tests with its own runner: node → "
            + (runner or "node --test")
            + ", bun → bun test, deno → deno test.",
        ]
        if runner:
            out.append(f"runner = {_q(runner)}")
        out += ["# reps = 5", ""]
    else:
        out += ["# No test suite found (no test script or framework): the test suite is off.", ""]
    entry = _build_entry(p)
    if entry:
        out += [
            "[build]",
            f"# what to bundle: {entry[1]}",
            f"entry = {_q(entry[0])}",
            f"args = {_list(entry[2])}   # EDIT: arguments for the smoke run of the bundle",
            "# reps = 5",
            "",
        ]
    if p.test_command or p.test_framework:
        out += [
            "[ci]",
            "# install (empty cache, lockfile) → build → test, per toolchain",
            "# reps = 3",
            "",
        ]
    return out


def _build_entry(p: Project) -> tuple[str, str, list[str]] | None:
    if p.bins:
        name, script = next(iter(p.bins.items()))
        return script, f'package.json "bin" {name}', ["--help"]
    return None
