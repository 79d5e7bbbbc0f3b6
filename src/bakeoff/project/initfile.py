"""Write ``bakeoff.toml`` for a detected project: every key commented, every detected value
saying where it came from, risks listed at the top, and guesses the user must check marked
``EDIT``. When ``init`` tried the file first (``project.trial``), what worked and what did not
is written as ``# init tried <section>: worked|failed: ...`` comments, and the sections follow
what the try saw (the port the service took, the readiness path that answered, the routes that
answered; a service that did not start is written disabled, with the reason). The text is
validated by ``bakeoff.config`` before it is written."""

from __future__ import annotations

import re
from datetime import date

import tomli_w

from bakeoff import config
from bakeoff.project.detect import Project, Service
from bakeoff.project.routes import Route
from bakeoff.project.trial import TrialReport, Tried, found_no_tests
from bakeoff.value.usage import commented_block


def _q(value: str) -> str:
    """``value`` as a TOML basic string, by a TOML writer (a JSON string is not one: JSON
    escapes characters outside the basic plane as surrogate pairs, which TOML rejects)."""
    return tomli_w.dumps({"k": value}).split(" = ", 1)[1].rstrip("\n")


def _list(values: list[str]) -> str:
    return "[" + ", ".join(_q(v) for v in values) + "]"


def tried_line(t: Tried) -> str:
    """The comment a try leaves in the file (``benchmarks/realworld.py`` reads these)."""
    text = t.line() if t.ok else f"failed: {t.reason()}"
    return f"# init tried {t.section}: {_one_line(text)}"


_CONTROL = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f]")


def _one_line(text: str, limit: int = 300) -> str:
    """One comment-safe line: no terminal escapes or control characters, spaces collapsed."""
    text = " ".join(_CONTROL.sub("", text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def render(
    project: Project, runtimes: list[str] | None = None, trial: TrialReport | None = None
) -> str:
    p = project
    lines: list[str] = [
        f"# bakeoff.toml for {p.name} — written by `bakeoff init` on {date.today().isoformat()}.",
        "# Every value below says where it came from; check the ones marked EDIT.",
        "# Reference for every key: README.md, section `bakeoff.toml`.",
        "",
    ]
    if trial is not None:
        base = (runtimes or config.DEFAULT_RUNTIMES)[0]
        lines.append(
            f"# Before writing this file, init tried it once under {base} in a temporary copy "
            f"({trial.seconds:.0f} s):"
        )
        lines += [tried_line(t) for t in trial.tried] or ["# (nothing to try)"]
        lines.append("")
    else:
        lines += ["# init did not try this file (--no-try).", ""]
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
    lines += _startup(p, trial)
    lines += _serve(p, trial)
    lines += _devloop(p, trial)
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


def _startup(p: Project, trial: TrialReport | None) -> list[str]:
    out = [
        "[startup]",
        "# Built-in cases (runtime floor, hello world, import graph, TypeScript) run by default;",
        '# cases = ["hello", "imports:cold"] picks some.',
        "",
    ]
    for name, script in p.bins.items():
        file = p.bin_files.get(name)
        if file is None:
            out += [
                f'# package.json "bin": {name} → {script}: not in the project and no source maps',
                "# to it (build output): not measured.",
                "",
            ]
            continue
        tried = trial.get(f"startup:{name}") if trial else None
        where = f"{script}" + (
            f" (built from {file}; bakeoff runs the source)"
            if file != script.removeprefix("./")
            else ""
        )
        block = [
            "[[startup.scripts]]",
            f"name = {_q(name)}",
            f"script = {_q(file)}",
            'args = ["--help"]      # EDIT: a typical invocation',
        ]
        out.append(f'# from package.json "bin": {name} → {where}')
        if tried is not None:
            out.append(tried_line(tried))
        if tried is not None and not tried.ok:
            out += ["# left out until it works: fix, then uncomment", *("# " + b for b in block)]
        else:
            out += block
        out.append("")
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


def _serve(p: Project, trial: TrialReport | None) -> list[str]:
    s = p.service
    if s is not None and trial is not None and trial.not_a_service:
        return [
            f"# No [serve] section: {s.entry.source} looked like a service, but when init tried",
            f"# it, {trial.not_a_service}.",
            *[f"#   {w}" for w in p.no_service],
            '# To measure one, add a [serve] section: entry = "server.js" (see the README).',
            "",
        ]
    if s is None:
        why = [f"#   {w}" for w in p.no_service] or [
            "#   no start script, main or dev script runs a file"
        ]
        return [
            "# No [serve] section: no HTTP service found —",
            *why,
            '# To measure one, add a [serve] section: entry = "server.js" (see the README).',
            "",
        ]
    tried = trial.get("serve") if trial else None
    found = trial.serve if trial else None
    out = ["[serve]"]
    if tried is not None:
        out += [tried_line(t) for t in (trial.tried if trial else []) if t.section == "build"]
        out.append(tried_line(tried))
        if not tried.ok:
            out += [
                "# The service did not start under the baseline: fix the cause above — a",
                "# variable in [serve.env], an argument, a service it needs (a database), or a",
                "# Node version it does not support (`bakeoff init -r node@22 ...` picks the",
                "# baseline) — then set enabled = true.",
                "enabled = false",
            ]
        elif (
            found is not None
            and found.readiness is None
            and not any(200 <= code < 400 for code in found.statuses.values())
        ):
            out += [
                "# It started, but no GET route (nor /) answered 2xx when init tried it, so",
                "# there is no request to load it with (a load test of 404s measures nothing",
                "# of your service): EDIT [[serve.requests]] below to what it serves, then set",
                "# enabled = true.",
                "enabled = false",
            ]
    out += serve_keys(p, s, found)
    return out


def serve_keys(p: Project, s: Service, found: object | None = None) -> list[str]:
    """The [serve] keys (after ``enabled``): entry, build, arguments, port, readiness, env and
    the request mix, from detection and — when given — what the try found."""
    from bakeoff.project.trial import ServeFound

    f = found if isinstance(found, ServeFound) else None
    launch = s.launch
    out = [f"# from {s.entry.source}"]
    if s.source:
        out.append(
            f"# {s.entry.value} is build output (from {s.source}); {s.listens} calls listen()"
        )
    else:
        out.append(f"# {s.listens} calls listen()")
    if launch is not None:
        out += [f"# {n}" for n in launch.notes]
    out.append(f"entry = {_q(s.entry.value)}")
    build = f.build if f and f.build else s.build
    if build:
        out += [
            "# run first, once, untimed, with the project's package manager on Node:",
            f"build = {_list(build)}",
        ]
    if launch is not None and launch.args:
        out.append(f"args = {_list(launch.args)}   # the script's arguments ({{port}}: the port)")
    if launch is not None and launch.node_flags:
        out.append(
            f"node_flags = {_list(launch.node_flags)}   # Bun and Deno get their equivalents"
        )
    if s.framework:
        out.append(f"# framework: {s.framework.value} ({s.framework.source})")
    if f is not None and f.port is not None:
        out += [
            f"# the try saw it listen on {f.port} whatever $PORT said: bakeoff uses that port",
            f"port = {f.port}",
        ]
    elif s.port_env:
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
    ready = f.readiness if f is not None else (s.readiness.value if s.readiness else None)
    if f is not None and ready:
        out += [
            f"# readiness: GET {ready} answered 2xx when init tried it",
            f'readiness = {{ kind = "http", path = {_q(ready)} }}',
        ]
    elif s.readiness and f is None:
        out += [
            f"# readiness: {s.readiness.source}",
            f'readiness = {{ kind = "http", path = {_q(s.readiness.value)} }}',
        ]
    else:
        why = "no health route answered when init tried it" if f else "no health route found"
        out += [f"# {why}: ready when the port accepts connections", 'readiness = { kind = "tcp" }']
    if f is not None and f.dynamic:
        out += [
            f"# {', '.join(f.dynamic[:3])} answered differently on two starts under the baseline",
            "# (dates, generated ids): responses are compared by their JSON shape",
            'compare = "shape"',
        ]
    out += [
        "# rates = [200, 500]  # fixed rates (req/s); default: 25/50/75% of the slowest saturation",
        "# reps = 5            # load repetitions per runtime",
        "",
    ]
    env: list[tuple[str, str, str, str | None]] = []
    if launch is not None:
        env += [(k, v, f"from the script: {launch.command}", None) for k, v in launch.env.items()]
    env += [(e.name, e.value, e.source, e.edit) for e in s.env]
    if env:
        out.append("[serve.env]")
        for name, value, source, edit in env:
            out.append(f"# {source}" + (f" — EDIT: {edit}" if edit else ""))
            out.append(f"{name} = {_q(value)}")
        out.append("")
    out += _requests(s, f.statuses if f is not None else None, ready)
    return out


def _requests(s: Service, statuses: dict[str, int] | None, ready: str | None) -> list[str]:
    active: list[list[str]] = []
    parked: list[list[str]] = []
    for r in s.routes:
        ok, block = _route_request(r)
        note = f"# {r.method} {r.path} — {r.source}"
        if ok and statuses is not None:
            code = statuses.get(r.path)
            if code is None:
                ok, note = False, note + " (not requested by init)"
            elif not 200 <= code < 400:
                why = {0: "no answer", 401: "needs auth", 403: "forbidden", 404: "not found"}
                ok, note = (
                    False,
                    note + f" — answered {code} ({why.get(code, 'an error')}) when tried",
                )
            else:
                note += f" — answered {code} when tried"
        (active if ok else parked).append([note, *block])
    if not active:
        path = ready or "/"
        active.append(
            [
                "# no parameterless GET route answered: EDIT to the requests your service serves",
                "[[serve.requests]]",
                f"path = {_q(path)}",
                "weight = 1",
            ]
        )
    out = ["# The request mix, from routes found in the source (weights: EDIT to your traffic)."]
    for block in active:
        out += [*block, ""]
    if parked:
        out.append("# Routes that need a real id, a body, auth or a fix — EDIT, then uncomment:")
        for block in parked:
            out += ["# " + line if not line.startswith("#") else line for line in block] + [""]
    return out


def _devloop(p: Project, trial: TrialReport | None) -> list[str]:
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
        spec = p.manager_spec
        base = (
            f"{spec.name} {spec.version}"
            if spec and spec.version
            else (spec.name if spec else "npm")
        )
        out += ["[install]"]
        if trial is not None and trial.get("install") is not None:
            out.append(tried_line(trial.get("install")))  # type: ignore[arg-type]
        out += [
            f"# {len(p.dependencies)} dependencies, {len(p.dev_dependencies)} dev dependencies"
            + (f"; your project uses {pm.value} ({pm.source})" if pm else ""),
            f"# the baseline (Node) installs with {base}"
            + (f" ({spec.source})" if spec and spec.source else "")
            + "; Bun and Deno with their own",
            '# states = ["cold", "cold-lockfile", "warm-cache"]',
            "# reps = 5",
            "managers = []   # extra install-only contestants on Node: npm, pnpm, yarn",
            "",
        ]
    if p.test_command or p.test_framework:
        fw = p.test_framework
        out += ["[test]"]
        if fw:
            out.append(f"# test framework: {fw.value} ({fw.source})")
        if p.test_command:
            out.append(f"# test script: {p.test_command.value} ({p.test_command.source})")
        tried = trial.get("test") if trial else None
        if tried is not None:
            out.append(tried_line(tried))
        if tried is not None and found_no_tests(tried):
            out += [
                "# The test script found no test file when init ran it: nothing to time.",
                "enabled = false   # turn on once the project has tests",
            ]
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
    script = "build" if "build" in p.scripts else None
    entry = _build_entry(p, trial)
    if script:
        tried = next((t for t in (trial.tried if trial else []) if t.section == "build"), None)
        out += ["[build]"]
        if tried is not None:
            out.append(tried_line(tried))
        out += [
            f'# your build: {p.scripts["build"]!r} (package.json "scripts.build"); each toolchain',
            "# runs it with its own package manager (Node: npm/pnpm/yarn run, Bun: bun --bun run)",
            f"script = {_q(script)}",
            "# reps = 5",
            "",
        ]
    elif entry:
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


def _build_entry(p: Project, trial: TrialReport | None = None) -> tuple[str, str, list[str]] | None:
    """What the build suite bundles and smoke-runs: the first CLI entry that exists (or whose
    source does) and, when tried, exited with ``--help``. A service never exits, so it is no
    smoke run."""
    for name, file in p.bin_files.items():
        tried = trial.get(f"startup:{name}") if trial else None
        if tried is None or tried.ok:
            return file, f'package.json "bin" {name}', ["--help"]
    return None
