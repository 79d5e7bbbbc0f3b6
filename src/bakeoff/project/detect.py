"""Read a JavaScript/TypeScript project and find what bakeoff needs to evaluate it: package
manager, workspaces, scripts, CLI entries, the HTTP service (how the project's own scripts start
it, the build that must run first, whether its code listens at all, port variable, required
environment, readiness path, routes with their mount prefixes), test framework, bundler,
TypeScript, and risks (native addons, install scripts).

Static and read-only: nothing is executed (``project.trial`` tries what this finds). Every
finding carries where it came from (``Found.source``) so ``bakeoff init`` can say why it wrote
each value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from bakeoff.errors import UsageError
from bakeoff.plan.toolchains import ProjectManager, parse_package_manager
from bakeoff.project import envvars, jsparse, scan
from bakeoff.project.envvars import EnvVar
from bakeoff.project.launch import Launch, candidates
from bakeoff.project.routes import Route, RouteMap

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

_LISTEN = re.compile(
    r"\.listen\s*\(|Deno\.serve\s*\(|Bun\.serve\s*\(|\bserve\s*\(\s*(?:\{|[\w$]+\s*[,)])"
)
_PORT_ENV = re.compile(
    r"process\.env(?:\.|\[\s*['\"])([A-Z_]*PORT[A-Z_]*)|"
    r"Deno\.env\.get\(\s*['\"]([A-Z_]*PORT[A-Z_]*)|Bun\.env\.([A-Z_]*PORT[A-Z_]*)"
)
# a library's own listen(): `listen (...args) {`, `app.listen = function`, `function listen(`
_DEFINES_LISTEN = re.compile(
    r"(?:^|\n)[ \t]*(?:async\s+)?listen\s*\([^)]*\)\s*\{|\.listen\s*=\s*(?:async\s+)?function"
    r"|\bfunction\s+listen\s*\("
)
_LITERAL_PORT = re.compile(r"\.listen\s*\(\s*(?:\{\s*port\s*:\s*)?(\d{2,5})")
_HEALTH = re.compile(r"health|healthz|livez|readyz|ready|ping|status|alive|heartbeat", re.I)


@dataclass(frozen=True)
class Found(Generic[T]):
    value: T
    source: str


@dataclass
class Service:
    entry: Found[str]  # the file the runtime runs (may be build output)
    port_env: Found[str] | None = None
    literal_port: Found[int] | None = None
    readiness: Found[str] | None = None
    routes: list[Route] = field(default_factory=list)
    framework: Found[str] | None = None
    launch: Launch | None = None  # how the project's script starts it
    source: str | None = None  # the source file the entry is built from (when it differs)
    listens: str = ""  # where the source calls listen()/serve()
    build: list[str] = field(default_factory=list)  # package.json scripts to run first
    build_choices: list[str] = field(default_factory=list)  # others that may write the entry
    env: list[EnvVar] = field(default_factory=list)
    health: list[str] = field(default_factory=list)  # readiness paths to try, best first
    host_env: list[str] = field(default_factory=list)  # variables naming the bind address


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
    manager_spec: ProjectManager | None = None  # with the version packageManager pins
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
    no_service: list[str] = field(default_factory=list)  # why each start candidate is not one
    # each "bin" as a file that exists: itself, or the source its build output comes from
    bin_files: dict[str, str] = field(default_factory=dict)
    tsconfig: jsparse.TsConfig | None = None


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


def workspace_root(folder: Path) -> Path | None:
    """The monorepo root whose workspaces include ``folder`` (pnpm-workspace.yaml or
    package.json ``workspaces``), looking up to five folders up; None outside a monorepo."""
    folder = folder.resolve()
    for parent in list(folder.parents)[:5]:
        if not (parent / "package.json").is_file():
            continue
        try:
            pkg = json.loads((parent / "package.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(pkg, dict) and folder in _workspace_dirs(parent, pkg):
            return parent
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
        project.manager_spec = project.manager_spec or package_manager_spec(root)
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


def package_manager_spec(root: Path) -> ProjectManager | None:
    """The project's package manager with its pinned version (``packageManager``), for the
    baseline toolchain; a lockfile alone names the manager unpinned. None: npm (the default)."""
    try:
        pkg = json.loads((root / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(pkg, dict):
        return None
    field_value = pkg.get("packageManager")
    if isinstance(field_value, str) and field_value:
        return parse_package_manager(field_value)
    found = package_manager(root, pkg)
    if found is None or found.value not in ("npm", "pnpm", "yarn", "bun"):
        return None
    if found.value == "pnpm":
        major, why = _pnpm_major(root, pkg)
        return ProjectManager("pnpm", major, f"{found.source} ({why})")
    return ProjectManager(found.value, None, found.source)


def _pnpm_major(root: Path, pkg: dict[str, Any]) -> tuple[str | None, str]:
    """The pnpm major a lockfile was written by: ``lockfileVersion`` 5.x → 7, 6.x → 8,
    9.0 → 10 when the project declares pnpm 10's build-script approvals, else 9 (pnpm 10
    skips dependencies' build scripts unless approved, so a 9.0 lockfile without approvals
    comes from pnpm 9)."""
    try:
        head = (root / "pnpm-lock.yaml").read_text(errors="replace")[:200]
    except OSError:
        return None, "no lockfile version"
    m = re.search(r"lockfileVersion:\s*['\"]?(\d+)(?:\.(\d+))?", head)
    if not m:
        return None, "no lockfile version"
    major = int(m.group(1))
    if major == 5:
        return "7", "lockfileVersion 5.x: pnpm 7"
    if major == 6:
        return "8", "lockfileVersion 6.x: pnpm 8"
    settings = json.dumps(pkg.get("pnpm") or {})
    ws = root / "pnpm-workspace.yaml"
    settings += ws.read_text(errors="replace") if ws.is_file() else ""
    if re.search(r"onlyBuiltDependencies|ignoredBuiltDependencies|allowBuilds", settings):
        return "10", f"lockfileVersion {major}.x with pnpm 10 build approvals: pnpm 10"
    return "9", f"lockfileVersion {major}.x without pnpm 10 build approvals: pnpm 9"


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
        manager_spec=package_manager_spec(root),
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
    project.tsconfig = jsparse.tsconfig(root)
    for name, script in project.bins.items():
        rel = script.removeprefix("./")
        if (root / rel).is_file():
            project.bin_files[name] = rel
        else:
            src = jsparse.source_of(rel, root, project.tsconfig)
            if src is not None:
                project.bin_files[name] = _rel(src, root)
    _typescript(project, root, all_deps, sources)
    _tests(project, scripts, all_deps, texts)
    _bundler(project, scripts, all_deps)
    project.service = _service(project, root, pkg, scripts, texts, all_deps)
    project.risks = risks(root)
    return project


def _is_test(p: Path, root: Path) -> bool:
    """A test, spec or example file of the project (by its path inside ``root``)."""
    parts = p.relative_to(root).parts if p.is_relative_to(root) else p.parts
    return (
        any(
            part in ("test", "tests", "__tests__", "spec", "e2e", "examples", "example")
            for part in parts
        )
        or p.name.startswith("test")
        or ".test." in p.name
        or ".spec." in p.name
    )


def graph(start: Path, root: Path, texts: dict[Path, str], ts: jsparse.TsConfig) -> list[Path]:
    """``start`` and the project files it imports, transitively (breadth first, at most 120)."""
    order = [start]
    seen = {start}
    i = 0
    while i < len(order) and len(order) < 120:
        f = order[i]
        i += 1
        text = texts.get(f)
        if text is None:
            text = texts[f] = _read_text(f)
        for imp in jsparse.imports(jsparse.strip_comments(text)):
            target = jsparse.resolve(imp.spec, f, root, ts)
            if target is not None and target not in seen:
                seen.add(target)
                order.append(target)
    return order


def _normal_entry(root: Path, entry: str) -> str:
    """``dist`` → ``dist/index.js``, ``dist/main`` → ``dist/main.js`` (what Node would load)."""
    entry = entry.removeprefix("./")
    p = root / entry
    if p.is_file():
        return entry
    if p.is_dir():
        for name in ("index.js", "index.mjs", "index.cjs"):
            if (p / name).is_file():
                return f"{entry}/{name}"
        return f"{entry}/index.js"
    if not p.suffix:
        for ext in (".js", ".mjs", ".cjs"):
            if p.with_suffix(ext).is_file():
                return entry + ext
        return entry + "/index.js" if "/" not in entry else entry + ".js"
    return entry


def _build_scripts(scripts: dict[str, str]) -> list[str]:
    """Scripts that may write build output: ``build`` first, then others named like it."""
    names = [k for k in scripts if k == "build"]
    names += [k for k in scripts if k != "build" and re.search(r"(^|:)build($|:)", k)]
    return [k for k in names if "watch" not in k and "dev" not in scripts[k]]


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
    """The service the project's scripts start, if its code listens; else None, with the
    reason for every candidate in ``project.no_service``."""
    ts = project.tsconfig or jsparse.tsconfig(root)
    main = pkg.get("main") if isinstance(pkg.get("main"), str) else None
    if main is None and (root / "index.js").is_file():
        main = "index.js"  # Node's default "main"
    for cand in candidates(scripts, root, main):
        entry = _normal_entry(root, cand.entry)
        exists = (root / entry).is_file()
        src = root / entry if exists else jsparse.source_of(entry, root, ts)
        where = f'"scripts.{cand.script}"' if cand.script != "main" else 'package.json "main"'
        if src is None:
            project.no_service.append(
                f"{where} runs {entry}: not in the project, and no source file maps to it"
            )
            continue
        files = graph(src, root, texts, ts)
        plain = {f: jsparse.strip_comments(texts[f]) for f in files}
        listener = next(
            (f for f in files if _LISTEN.search(plain[f]) and not _DEFINES_LISTEN.search(plain[f])),
            None,
        )
        if listener is None:
            own = next((f for f in files if _DEFINES_LISTEN.search(plain[f])), None)
            project.no_service.append(
                f"{where} runs {entry}: "
                + (
                    f"{_rel(own, root)} defines a listen() of its own for its users (a library)"
                    if own
                    else f"it and the {len(files) - 1} project files it imports never call "
                    "listen() or serve()"
                )
            )
            continue
        build = list(cand.build)
        choices = [] if exists else [b for b in _build_scripts(scripts) if b not in build]
        if not exists and not build:
            if not choices:
                project.no_service.append(
                    f"{where} runs {entry}, build output that is not in the project, and there "
                    "is no build script"
                )
                continue
            build = [choices.pop(0)]
        cmd = f"{where}: {cand.command!r}"
        svc = Service(
            entry=Found(entry, cmd),
            launch=cand,
            source=_rel(src, root) if not exists else None,
            listens=_rel(listener, root),
            build=build,
            build_choices=choices,
        )
        _service_details(svc, root, files, plain, texts, deps, ts)
        return svc
    return None


def _rel(p: Path, root: Path) -> str:
    try:
        return str(p.relative_to(root))
    except ValueError:
        return str(p)


def _service_details(
    svc: Service,
    root: Path,
    files: list[Path],
    plain: dict[Path, str],
    texts: dict[Path, str],
    deps: dict[str, str],
    ts: jsparse.TsConfig,
) -> None:
    for fw in ("fastify", "express", "koa", "hono", "@hapi/hapi", "@nestjs/core"):
        if fw in deps:
            svc.framework = Found(fw, f"{fw} in package.json dependencies")
            break
    for f in files:
        rel = _rel(f, root)
        if svc.port_env is None:
            m = _PORT_ENV.search(plain[f])
            if m:
                var = next(g for g in m.groups() if g)
                svc.port_env = Found(var, f"{rel} reads {var}")
        if svc.literal_port is None:
            m2 = _LITERAL_PORT.search(plain[f])
            if m2:
                svc.literal_port = Found(int(m2.group(1)), f"{rel} listens on {m2.group(1)}")
    if svc.port_env is None:
        declared = envvars.port_var(root, {f: plain[f] for f in files})
        if declared:
            svc.port_env = Found(declared[0], f"{declared[1]} declares {declared[0]}")
    launch = svc.launch
    if launch is not None:
        for i, a in enumerate(launch.args):  # a port given on the command line: bakeoff's
            if a in ("--port", "-p") and i + 1 < len(launch.args) and launch.args[i + 1].isdigit():
                launch.args[i + 1] = "{port}"
            elif re.fullmatch(r"--port=\d+", a):
                launch.args[i] = "--port={port}"
    source_files = {p: t for p, t in texts.items() if not _is_test(p, root)}
    in_graph = {f: texts[f] for f in files}
    found = RouteMap(root, in_graph, ts).routes()
    if not any(r.method == "GET" and ":" not in r.path for r in found):
        # routes in files the import graph does not reach (nodejs/github-bot loads its
        # scripts/*.js plugins through a glob: GET /ping): candidates, which init tries
        seen = {(r.method, r.path) for r in found}
        more = RouteMap(root, source_files, ts).routes()
        found += [r for r in more if (r.method, r.path) not in seen]
    svc.routes = found
    health = [
        r.path for r in found if r.method == "GET" and ":" not in r.path and _HEALTH.search(r.path)
    ]
    health.sort(key=lambda p: (0 if "health" in p else 1, len(p)))
    svc.health = health
    if health:
        r = next(r for r in found if r.path == health[0])
        svc.readiness = Found(health[0], f"{r.source} has a route {health[0]}")
    skip = {svc.port_env.value} if svc.port_env else set()
    svc.env = envvars.required(root, in_graph, skip | {"PORT"})
    if launch is not None:
        svc.env = [e for e in svc.env if e.name not in launch.env]
    svc.host_env = [e.name for e in svc.env if e.value == "127.0.0.1"]


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
