"""Static scan of a JavaScript/TypeScript project: which Node built-ins it imports, which risky
APIs it calls, which dependencies carry native code or install scripts, which test-framework
and telemetry APIs it relies on. Each finding maps to probe areas, and the risks are ordered by
severity so the ones that matter for *this* project come first. No code is executed.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bakeoff.errors import UsageError

SOURCE_EXT = {".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx"}
SKIP_DIRS = {"node_modules", ".git", "dist", "build", "coverage", ".next", ".turbo", "out"}
MAX_FILES = 5000
# Well-known packages with native code (compiled addons or per-platform binaries), reported from
# package.json alone when node_modules is not installed.
KNOWN_NATIVE = {
    "bcrypt",
    "sharp",
    "better-sqlite3",
    "sqlite3",
    "canvas",
    "node-sass",
    "argon2",
    "bufferutil",
    "utf-8-validate",
    "re2",
    "leveldown",
    "grpc",
    "node-pty",
    "cpu-features",
    "ssh2",
    "msgpackr-extract",
    "@node-rs/argon2",
    "@node-rs/bcrypt",
    "@napi-rs/canvas",
    "@swc/core",
    "esbuild",
    "lightningcss",
    "@parcel/watcher",
}
MAX_BYTES = 1_000_000

BUILTINS = {
    "assert",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "constants",
    "crypto",
    "dgram",
    "diagnostics_channel",
    "dns",
    "domain",
    "events",
    "fs",
    "http",
    "http2",
    "https",
    "inspector",
    "module",
    "net",
    "os",
    "path",
    "perf_hooks",
    "process",
    "punycode",
    "querystring",
    "readline",
    "repl",
    "sqlite",
    "stream",
    "string_decoder",
    "sys",
    "test",
    "timers",
    "tls",
    "trace_events",
    "tty",
    "url",
    "util",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "zlib",
    "sea",
}
# Built-in (top-level name) -> probe area(s) exercising it.
AREA_OF = {
    "fs": ["fs", "fs_promises"],
    "stream": ["stream"],
    "crypto": ["crypto", "webcrypto"],
    "test": ["node_test", "test_isolation"],
    "vm": ["vm", "vm_modules"],
    "module": ["module", "module_hooks"],
    "async_hooks": ["async_hooks", "async_context"],
    "timers": ["timers"],
    "string_decoder": ["string_decoder"],
    "diagnostics_channel": ["diagnostics_channel"],
    "perf_hooks": ["perf_hooks"],
}

_IMPORT_RE = re.compile(
    r"""(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)["']([^"'\s]+)["']"""
)


@dataclass(frozen=True)
class RiskRule:
    id: str
    pattern: str
    severity: str  # high | medium | low
    areas: tuple[str, ...]
    why: str


# Risky APIs: where Bun and Deno are documented (or measured by the probes) to differ from Node.
RISK_RULES: tuple[RiskRule, ...] = (
    RiskRule(
        "process.binding",
        r"\bprocess\.binding\s*\(",
        "high",
        ("process",),
        "internal bindings; absent or partial outside Node",
    ),
    RiskRule(
        "async_hooks.createHook",
        r"\bcreateHook\s*\(",
        "high",
        ("async_hooks",),
        "low-level async hooks (APM agents); stubbed or not called in Bun/Deno",
    ),
    RiskRule(
        "worker_threads.resourceLimits",
        r"\bresourceLimits\b",
        "high",
        ("worker_threads",),
        "worker memory limits; ignored by Bun, not enforced by Deno",
    ),
    RiskRule(
        "vm",
        r"""(?:node:)?vm["']|\bvm\.(?:runIn|createContext|Script|compileFunction|measureMemory)""",
        "medium",
        ("vm", "vm_modules"),
        "the vm module: contexts (jest/jsdom environments, sandboxes)",
    ),
    RiskRule(
        "cluster",
        r"""(?:node:)?cluster["']|\bcluster\.fork\s*\(""",
        "high",
        ("cluster",),
        "cluster workers / pm2 cluster mode",
    ),
    RiskRule(
        "inspector",
        r"""(?:node:)?inspector(?:/promises)?["']""",
        "medium",
        ("inspector",),
        "inspector sessions (profilers, debuggers)",
    ),
    RiskRule(
        "v8.serialize",
        r"\bv8\.(?:serialize|deserialize|Serializer|Deserializer)\b",
        "medium",
        ("v8",),
        "v8 wire format differs in Bun",
    ),
    RiskRule(
        "v8.heapsnapshot",
        r"\b(?:writeHeapSnapshot|getHeapSnapshot)\s*\(",
        "low",
        ("v8",),
        "heap snapshots",
    ),
    RiskRule(
        "child_process.advanced-ipc",
        r"""serialization\s*:\s*["']advanced["']""",
        "medium",
        ("child_process",),
        "advanced IPC serialization",
    ),
    RiskRule(
        "http2", r"""(?:node:)?http2["']|@grpc/grpc-js""", "high", ("http2",), "HTTP/2 and gRPC"
    ),
    RiskRule(
        "AsyncLocalStorage",
        r"\bAsyncLocalStorage\b",
        "medium",
        ("async_hooks", "async_context"),
        "request context propagation",
    ),
    RiskRule(
        "diagnostics_channel",
        r"""(?:node:)?diagnostics_channel["']""",
        "medium",
        ("diagnostics_channel",),
        "instrumentation channels (tracing)",
    ),
    RiskRule(
        "perf_hooks.eventLoop",
        r"\b(?:eventLoopUtilization|monitorEventLoopDelay|timerify)\b",
        "low",
        ("perf_hooks",),
        "event-loop metrics",
    ),
    RiskRule(
        "module.register",
        r"\bmodule\.register\s*\(|\bregisterHooks\s*\(|--loader|--import\b",
        "high",
        ("module", "module_hooks"),
        "module loader hooks",
    ),
    RiskRule("require.cache", r"\brequire\.cache\b", "low", ("module",), "module cache mutation"),
    RiskRule("node:sqlite", r"""node:sqlite["']""", "low", ("sqlite",), "built-in SQLite"),
    RiskRule("node:test", r"""node:test["']""", "medium", ("node_test",), "node:test runner"),
)
TEST_RULES: tuple[RiskRule, ...] = (
    RiskRule(
        "jest.mock",
        r"\bjest\.mock\s*\(",
        "high",
        ("module", "vm", "test_isolation"),
        "module mocking: hoisting/factory semantics differ in bun test; mocks leak across files",
    ),
    RiskRule(
        "jest.requireActual",
        r"\bjest\.requireActual\s*\(",
        "high",
        ("module",),
        "jest.requireActual: missing or partial outside Jest",
    ),
    RiskRule(
        "jest.resetModules",
        r"\bjest\.resetModules\s*\(",
        "medium",
        ("module",),
        "module registry reset",
    ),
    RiskRule(
        "jest.useFakeTimers",
        r"\bjest\.(?:useFakeTimers|advanceTimersByTime|runAllTimers)\b",
        "medium",
        ("timers",),
        "fake timers",
    ),
    RiskRule(
        "vi.*",
        r"\bvi\.(?:mock|fn|spyOn|useFakeTimers|hoisted|importActual)\b",
        "medium",
        ("module", "timers"),
        "vitest helpers",
    ),
)
TELEMETRY_PACKAGES = {
    "@opentelemetry/": "OpenTelemetry",
    "dd-trace": "Datadog APM",
    "newrelic": "New Relic",
    "elastic-apm-node": "Elastic APM",
    "@sentry/node": "Sentry",
    "applicationinsights": "Azure AppInsights",
    "@google-cloud/trace-agent": "Google Cloud Trace",
    "@splunk/otel": "Splunk OTel",
}
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass
class Finding:
    kind: str  # builtin | api | test | native | install-script | telemetry
    id: str
    severity: str
    areas: list[str]
    why: str
    locations: list[str] = field(default_factory=list)  # "file:line"


@dataclass
class ScanReport:
    root: str
    files_scanned: int = 0
    builtins: dict[str, list[str]] = field(default_factory=dict)  # name -> locations
    findings: list[Finding] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)

    def risks(self) -> list[Finding]:
        """Findings (excluding plain built-in use) ordered by severity, then by how widely used."""
        return sorted(
            (f for f in self.findings if f.kind != "builtin"),
            key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), -len(f.locations), f.id),
        )

    def areas(self) -> list[str]:
        out: set[str] = set()
        for f in self.findings:
            out.update(f.areas)
        return sorted(out)

    def to_dict(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "files_scanned": self.files_scanned,
            "builtins": {k: v[:5] for k, v in sorted(self.builtins.items())},
            "dependencies": self.dependencies,
            "risks": [asdict(f) | {"locations": f.locations[:5]} for f in self.risks()],
            "areas": self.areas(),
        }


def source_files(root: Path, limit: int = MAX_FILES) -> list[Path]:
    """JavaScript/TypeScript sources under ``root`` (not dependencies, build output or hidden
    folders), at most ``limit``; also used by ``bakeoff init``."""
    return _source_files(root)[:limit]


def _source_files(root: Path) -> list[Path]:
    files: list[Path] = []
    stack = [root]
    while stack and len(files) < MAX_FILES:
        folder = stack.pop()
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for p in entries:
            if p.is_dir() and not p.is_symlink():
                if p.name not in SKIP_DIRS and not p.name.startswith("."):
                    stack.append(p)
            elif p.suffix in SOURCE_EXT and p.is_file():
                files.append(p)
    return files


def _builtin_name(spec: str) -> str | None:
    bare = spec.removeprefix("node:")
    top = bare.split("/")[0]
    if spec.startswith("node:") or top in BUILTINS:
        return top if top in BUILTINS or spec.startswith("node:") else None
    return None


def _add(findings: dict[str, Finding], rule: RiskRule, kind: str, loc: str) -> None:
    f = findings.get(rule.id)
    if f is None:
        f = findings[rule.id] = Finding(kind, rule.id, rule.severity, list(rule.areas), rule.why)
    f.locations.append(loc)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _scan_dependencies(root: Path, report: ScanReport, findings: dict[str, Finding]) -> None:
    pkg = _read_json(root / "package.json") or {}
    deps: dict[str, str] = {}
    for key in ("dependencies", "devDependencies", "optionalDependencies"):
        value = pkg.get(key)
        if isinstance(value, dict):
            deps.update({str(k): str(v) for k, v in value.items()})
    report.dependencies = sorted(deps)
    for name in deps:
        for prefix, label in TELEMETRY_PACKAGES.items():
            if name == prefix or (prefix.endswith("/") and name.startswith(prefix)):
                rule = RiskRule(
                    f"telemetry:{label}",
                    "",
                    "high",
                    ("async_hooks", "async_context", "diagnostics_channel", "http", "module_hooks"),
                    f"{label} instruments via async_hooks/diagnostics_channel/require hooks",
                )
                _add(findings, rule, "telemetry", f"package.json: {name}")
    scripts = _dict(pkg.get("scripts"))
    for hook in ("preinstall", "install", "postinstall"):
        if hook in scripts:
            _add(
                findings,
                RiskRule(
                    f"install-script:{pkg.get('name', 'project')}",
                    "",
                    "medium",
                    ("child_process",),
                    "lifecycle script: Deno skips it unless allowed; Bun runs only trusted ones",
                ),
                "install-script",
                f"package.json: scripts.{hook}",
            )
    for name in sorted(set(deps) & KNOWN_NATIVE):
        _add(
            findings,
            RiskRule(
                f"native:{name}",
                "",
                "high",
                ("native",),
                "native addon (a well-known package with native code): N-API coverage differs "
                "in Bun/Deno, and it needs a binary for the target platform",
            ),
            "native",
            f"package.json: {name}",
        )
    nm = root / "node_modules"
    if not nm.is_dir():
        return
    for pj in _installed_package_jsons(nm):
        meta = _read_json(pj) or {}
        name = str(meta.get("name") or pj.parent.name)
        folder = pj.parent
        reasons: list[str] = []
        if (folder / "binding.gyp").is_file():
            reasons.append("binding.gyp")
        if (
            any(folder.glob("*.node"))
            or any(folder.glob("build/Release/*.node"))
            or any(folder.glob("prebuilds/*/*.node"))
        ):
            reasons.append(".node binary")
        dep_names = set(
            (meta.get("dependencies") or {}) if isinstance(meta.get("dependencies"), dict) else {}
        )
        for tool in (
            "node-gyp-build",
            "prebuild-install",
            "node-pre-gyp",
            "@mapbox/node-pre-gyp",
            "bindings",
        ):
            if tool in dep_names:
                reasons.append(tool)
        if isinstance(meta.get("napi"), dict) or any(
            str(d).startswith(f"{name}-") for d in (meta.get("optionalDependencies") or {})
        ):
            reasons.append("per-platform N-API packages")
        if reasons:
            _add(
                findings,
                RiskRule(
                    f"native:{name}",
                    "",
                    "high",
                    ("native",),
                    "native addon (" + ", ".join(reasons) + "): N-API coverage differs in Bun/Deno",
                ),
                "native",
                f"node_modules/{name}",
            )
        scripts = _dict(meta.get("scripts"))
        for hook in ("preinstall", "install", "postinstall"):
            if hook in scripts:
                _add(
                    findings,
                    RiskRule(
                        f"install-script:{name}",
                        "",
                        "medium",
                        ("child_process",),
                        "dependency lifecycle script: Deno skips it unless allowed; "
                        "Bun runs only trusted ones",
                    ),
                    "install-script",
                    f"node_modules/{name}: {hook}",
                )
                break


def _installed_package_jsons(nm: Path) -> list[Path]:
    out: list[Path] = []
    try:
        entries = sorted(nm.iterdir())
    except OSError:
        return out
    for p in entries:
        if p.name.startswith("."):
            continue
        if p.name.startswith("@") and p.is_dir():
            out.extend(
                q / "package.json" for q in sorted(p.iterdir()) if (q / "package.json").is_file()
            )
        elif (p / "package.json").is_file():
            out.append(p / "package.json")
    return out


def scan(root: Path) -> ScanReport:
    """Scan the project at ``root`` (a folder with source files, usually with package.json)."""
    if not root.is_dir():
        raise UsageError(f"project folder not found: {root}")
    report = ScanReport(root=str(root))
    findings: dict[str, Finding] = {}
    files = _source_files(root)
    report.files_scanned = len(files)
    for path in files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")[:MAX_BYTES]
        except OSError:
            continue
        rel = path.relative_to(root).as_posix()
        lines = text.splitlines()
        for lineno, line in enumerate(lines, 1):
            loc = f"{rel}:{lineno}"
            for spec in _IMPORT_RE.findall(line):
                name = _builtin_name(spec)
                if name:
                    report.builtins.setdefault(name, []).append(loc)
            for rule in RISK_RULES:
                if re.search(rule.pattern, line):
                    _add(findings, rule, "api", loc)
            for rule in TEST_RULES:
                if re.search(rule.pattern, line):
                    _add(findings, rule, "test", loc)
    for name, locs in report.builtins.items():
        areas = AREA_OF.get(name, [name])
        findings[f"builtin:{name}"] = Finding(
            "builtin", f"builtin:{name}", "low", areas, f"uses node:{name}", locs
        )
    _scan_dependencies(root, report, findings)
    report.findings = list(findings.values())
    return report
