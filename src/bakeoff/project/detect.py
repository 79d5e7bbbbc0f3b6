"""Read a JavaScript/TypeScript project and find what bakeoff needs to evaluate it: package
manager, workspaces, scripts, CLI entries, the HTTP service (entry, port variable, readiness
path, routes), test framework, bundler, TypeScript, and risks (native addons, install scripts).

Static and read-only: nothing is executed. Every finding carries where it came from
(``Found.source``) so ``bakeoff init`` can say why it wrote each value.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from bakeoff.errors import UsageError
from bakeoff.project import scan

T = TypeVar("T")

LOCKFILES = (
    ("bun.lock", "bun"),
    ("bun.lockb", "bun"),
    ("pnpm-lock.yaml", "pnpm"),
    ("yarn.lock", "yarn"),
    ("package-lock.json", "npm"),
    ("npm-shrinkwrap.json", "npm"),
    ("deno.lock", "deno"),
)
TEST_FRAMEWORKS = ("vitest", "jest", "mocha", "ava", "tap")
BUNDLERS = ("esbuild", "vite", "webpack", "rollup", "tsup", "parcel")
SOURCE_EXTS = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx")
MAX_FILES = 400

_LISTEN = re.compile(r"\.listen\s*\(|Deno\.serve\s*\(|Bun\.serve\s*\(|serve\s*\(\s*\{")
_PORT_ENV = re.compile(
    r"process\.env(?:\.|\[\s*['\"])([A-Z_]*PORT[A-Z_]*)|"
    r"Deno\.env\.get\(\s*['\"]([A-Z_]*PORT[A-Z_]*)|Bun\.env\.([A-Z_]*PORT[A-Z_]*)"
)
_LITERAL_PORT = re.compile(r"\.listen\s*\(\s*(?:\{\s*port\s*:\s*)?(\d{2,5})")
_ROUTE = re.compile(
    r"\.(get|post|put|patch|delete)\s*\(\s*['\"`](/[^'\"`\s]*)['\"`]", re.IGNORECASE
)
_HEALTH = ("/health", "/healthz", "/livez", "/readyz", "/ready", "/ping", "/status")


@dataclass(frozen=True)
class Found(Generic[T]):
    value: T
    source: str


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    source: str


@dataclass
class Service:
    entry: Found[str]
    port_env: Found[str] | None = None
    literal_port: Found[int] | None = None
    readiness: Found[str] | None = None
    routes: list[Route] = field(default_factory=list)
    framework: Found[str] | None = None


@dataclass
class Risk:
    severity: str  # "high" | "medium" | "low"
    what: str
    source: str


@dataclass
class Project:
    root: Path
    name: str
    module_type: Found[str]
    package_manager: Found[str] | None = None
    workspaces: list[str] = field(default_factory=list)
    scripts: dict[str, str] = field(default_factory=dict)
    bins: dict[str, str] = field(default_factory=dict)
    service: Service | None = None
    test_framework: Found[str] | None = None
    test_command: Found[str] | None = None
    bundler: Found[str] | None = None
    build_command: Found[str] | None = None
    typescript: Found[bool] | None = None
    dependencies: dict[str, str] = field(default_factory=dict)
    dev_dependencies: dict[str, str] = field(default_factory=dict)
    risks: list[Risk] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"no package.json in {path.parent}", "is this a JavaScript project?"
        ) from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a JSON object")
    return data


def _workspace_dirs(root: Path, pkg: dict[str, Any]) -> list[Path]:
    patterns: list[str] = []
    ws = pkg.get("workspaces")
    if isinstance(ws, list):
        patterns = [str(p) for p in ws]
    elif isinstance(ws, dict) and isinstance(ws.get("packages"), list):
        patterns = [str(p) for p in ws["packages"]]
    pnpm = root / "pnpm-workspace.yaml"
    if pnpm.is_file():
        patterns += re.findall(r"^\s*-\s*['\"]?([^'\"\n]+)['\"]?\s*$", pnpm.read_text(), re.M)
    dirs: list[Path] = []
    for pattern in patterns:
        for d in sorted(root.glob(pattern.rstrip("/"))):
            if (d / "package.json").is_file():
                dirs.append(d)
    return dirs


def _script_file(command: str, root: Path) -> str | None:
    """The script a ``start`` command runs: ``node dist/server.js`` → ``dist/server.js``."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    runners = {"node", "bun", "tsx", "ts-node", "nodemon", "deno"}
    for i, w in enumerate(words):
        if Path(w).name in runners:
            for arg in words[i + 1 :]:
                if arg.startswith("-") or arg == "run":
                    continue
                if Path(arg).suffix in SOURCE_EXTS or (root / arg).is_file():
                    return arg
                break
    return None


def detect(path: Path, package: str | None = None) -> Project:
    root = path.resolve()
    if root.is_file():
        root = root.parent
    pkg = _read_json(root / "package.json")
    workspace_dirs = _workspace_dirs(root, pkg)
    if package is not None:
        chosen = next((d for d in workspace_dirs if d.name == package or _name(d) == package), None)
        if chosen is None:
            names = ", ".join(_name(d) or d.name for d in workspace_dirs) or "none"
            raise UsageError(f"--package {package}: no such workspace (workspaces: {names})")
        project = _detect_package(chosen, _read_json(chosen / "package.json"))
        project.package_manager = project.package_manager or package_manager(root, pkg)
        project.notes.append(f"workspace {package} of the monorepo at {root}")
        return project
    project = _detect_package(root, pkg)
    project.workspaces = [str(d.relative_to(root)) for d in workspace_dirs]
    if workspace_dirs:
        project.notes.append(
            f"monorepo with {len(workspace_dirs)} workspaces "
            f"({', '.join(project.workspaces[:6])}): use --package NAME to evaluate one"
        )
    return project


def _name(d: Path) -> str:
    try:
        return str(json.loads((d / "package.json").read_text()).get("name") or "")
    except (OSError, ValueError):
        return ""


def package_manager(root: Path, pkg: dict[str, Any]) -> Found[str] | None:
    """The package manager a project uses: its ``packageManager`` field, else its lockfile."""
    field_value = pkg.get("packageManager")
    if isinstance(field_value, str) and field_value:
        return Found(field_value.split("@")[0], f'package.json "packageManager": "{field_value}"')
    for name, manager in LOCKFILES:
        if (root / name).is_file():
            return Found(manager, f"lockfile {name}")
    return None


def _detect_package(root: Path, pkg: dict[str, Any]) -> Project:
    deps = {str(k): str(v) for k, v in (pkg.get("dependencies") or {}).items()}
    dev = {str(k): str(v) for k, v in (pkg.get("devDependencies") or {}).items()}
    scripts = {str(k): str(v) for k, v in (pkg.get("scripts") or {}).items()}
    kind = pkg.get("type")
    project = Project(
        root=root,
        name=str(pkg.get("name") or root.name),
        module_type=Found(
            "esm" if kind == "module" else "cjs",
            f'package.json "type": "{kind}"' if kind else 'no "type" in package.json (CommonJS)',
        ),
        package_manager=package_manager(root, pkg),
        scripts=scripts,
        dependencies=deps,
        dev_dependencies=dev,
    )
    bins = pkg.get("bin")
    if isinstance(bins, str):
        project.bins = {project.name.split("/")[-1]: bins}
    elif isinstance(bins, dict):
        project.bins = {str(k): str(v) for k, v in bins.items()}
    all_deps = {**deps, **dev}
    sources = [p for p in scan.source_files(root, MAX_FILES) if not p.name.endswith(".d.ts")]
    texts = {p: _read_text(p) for p in sources}
    _typescript(project, root, all_deps, sources)
    _tests(project, scripts, all_deps, texts)
    _bundler(project, scripts, all_deps)
    project.service = _service(project, root, pkg, scripts, texts, all_deps)
    project.risks = risks(root)
    return project


def _read_text(p: Path) -> str:
    try:
        return p.read_text(encoding="utf-8", errors="replace")[:200_000]
    except OSError:
        return ""


def _typescript(project: Project, root: Path, deps: dict[str, str], sources: list[Path]) -> None:
    if (root / "tsconfig.json").is_file():
        project.typescript = Found(True, "tsconfig.json")
    elif "typescript" in deps:
        project.typescript = Found(True, "typescript in package.json")
    elif any(p.suffix in (".ts", ".mts", ".cts", ".tsx") for p in sources):
        project.typescript = Found(True, ".ts source files")


def _tests(
    project: Project, scripts: dict[str, str], deps: dict[str, str], texts: dict[Path, str]
) -> None:
    test = scripts.get("test", "")
    if test and "no test specified" not in test:
        project.test_command = Found(test, 'package.json "scripts.test"')
    for fw in TEST_FRAMEWORKS:
        if fw in deps or re.search(rf"\b{fw}\b", test):
            where = "package.json dependencies" if fw in deps else '"scripts.test"'
            project.test_framework = Found(fw, f"{fw} in {where}")
            return
    if "--test" in test and re.search(r"\bnode\b", test):
        project.test_framework = Found("node:test", '"node --test" in "scripts.test"')
        return
    for p, text in texts.items():
        if re.search(r"from\s+['\"]node:test['\"]|require\(['\"]node:test['\"]\)", text):
            rel = p.relative_to(project.root)
            project.test_framework = Found("node:test", f"{rel} imports node:test")
            return


def _bundler(project: Project, scripts: dict[str, str], deps: dict[str, str]) -> None:
    build = scripts.get("build", "")
    if build:
        project.build_command = Found(build, 'package.json "scripts.build"')
    for b in BUNDLERS:
        if re.search(rf"\b{b}\b", build):
            project.bundler = Found(b, f'"{b}" in "scripts.build"')
            return
    for b in BUNDLERS:
        if b in deps:
            project.bundler = Found(b, f"{b} in package.json dependencies")
            return


def _service(
    project: Project,
    root: Path,
    pkg: dict[str, Any],
    scripts: dict[str, str],
    texts: dict[Path, str],
    deps: dict[str, str],
) -> Service | None:
    entry: Found[str] | None = None
    for key in ("start", "serve", "dev"):
        if key in scripts:
            script = _script_file(scripts[key], root)
            if (
                script
                and (root / script).is_file()
                and _LISTEN.search(texts.get(root / script, "") or _read_text(root / script))
            ):
                entry = Found(script, f'package.json "scripts.{key}": {scripts[key]!r}')
                break
            if script and (root / script).is_file() and entry is None:
                entry = Found(script, f'package.json "scripts.{key}": {scripts[key]!r}')
    if entry is None and isinstance(pkg.get("main"), str):
        main = str(pkg["main"])
        if (root / main).is_file() and _LISTEN.search(_read_text(root / main)):
            entry = Found(main, f'package.json "main": "{main}"')
    if entry is None:
        listeners = [p for p, t in texts.items() if _LISTEN.search(t) and "test" not in p.parts]
        listeners.sort(key=lambda p: (len(p.parts), p.name not in ("server.js", "index.js")))
        if listeners:
            rel = str(listeners[0].relative_to(root))
            entry = Found(rel, f"{rel} calls listen()")
    if entry is None:
        return None
    svc = Service(entry=entry)
    for fw in ("fastify", "express", "koa", "hono", "@hapi/hapi", "@nestjs/core"):
        if fw in deps:
            svc.framework = Found(fw, f"{fw} in package.json dependencies")
            break
    for p, text in texts.items():
        rel = str(p.relative_to(root))
        if (
            "test" in p.parts
            or p.name.startswith("test")
            or ".test." in p.name
            or ".spec." in p.name
        ):
            continue
        if svc.port_env is None:
            m = _PORT_ENV.search(text)
            if m:
                var = next(g for g in m.groups() if g)
                svc.port_env = Found(var, f"{rel} reads {var}")
        if svc.literal_port is None:
            m2 = _LITERAL_PORT.search(text)
            if m2:
                svc.literal_port = Found(int(m2.group(1)), f"{rel} listens on {m2.group(1)}")
        for method, route in _ROUTE.findall(text):
            svc.routes.append(Route(method.upper(), route, rel))
        if svc.readiness is None:
            for h in _HEALTH:
                if re.search(rf"['\"`]{re.escape(h)}['\"`]", text):
                    svc.readiness = Found(h, f"{rel} has a route {h}")
                    break
    seen: set[tuple[str, str]] = set()
    unique = []
    for r in svc.routes:
        if (r.method, r.path) not in seen:
            seen.add((r.method, r.path))
            unique.append(r)
    svc.routes = unique
    return svc


_RISK_LABEL = {
    "native": "native addon",
    "api": "uses",
    "test": "uses",
    "telemetry": "telemetry agent",
}


def risks(root: Path) -> list[Risk]:
    """Migration risks from the compatibility suite's project scan, most severe first."""
    out = []
    for f in scan.scan(root).risks():
        where = f.locations[0] if f.locations else "package.json"
        more = f" and {len(f.locations) - 1} more" if len(f.locations) > 1 else ""
        if f.kind == "install-script":
            what = f"install script ({where}): {f.why}"
        else:
            name = f.id.split(":", 1)[-1]
            what = f"{_RISK_LABEL.get(f.kind, f.kind)} {name}: {f.why}"
        out.append(Risk(f.severity, what, where + more))
    return out
