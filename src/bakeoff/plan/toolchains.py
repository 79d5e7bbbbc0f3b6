"""Toolchains: a contestant for the dev-loop suites is a runtime plus a package manager, a test
runner and a bundler. Defaults follow each runtime (``node``: npm + node --test/the project's
runner + esbuild; ``bun``: bun for everything; ``deno``: deno install/test/bundle). Hybrids —
e.g. Bun installs and runs tests while Node runs production — and pnpm/yarn installs are
declared in ``bakeoff.toml``.

This module only describes toolchains and the commands each step runs; suites execute them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bakeoff.errors import ConfigError
from bakeoff.plan.contestants import Contender
from bakeoff.runtimes.provision import Provisioner, Runtime, default_cache_dir
from bakeoff.runtimes.shims import shim_dir

MANAGERS = ("npm", "pnpm", "yarn", "bun", "deno")
RUNNERS = ("node", "bun", "deno", "jest", "vitest", "mocha", "ava")
BUNDLERS = ("esbuild", "bun", "deno", "none")


@dataclass(frozen=True)
class Toolchain:
    name: str
    runtime: Contender  # runs the project (and JavaScript tools such as npm, jest)
    manager: str
    test_runner: str
    bundler: str
    tools: Mapping[str, Runtime] = field(default_factory=dict)  # manager/bundler binaries
    pinned: str | None = None  # the project's "packageManager" this manager's version follows

    def describe(self) -> dict[str, str]:
        out = {
            "runtime": f"{self.runtime.family} {self.runtime.runtime.version}",
            "package_manager": _tool_text(self.manager, self.tools),
            "test_runner": self.test_runner,
            "bundler": _tool_text(self.bundler, self.tools),
        }
        if self.pinned:
            out["package_manager"] += f" (the project's packageManager: {self.pinned})"
        node = self.tools.get("node")
        if self.manager == "bun" and node is not None and self.runtime.family != "node":
            out["package_manager"] += f" (lifecycle scripts' node: node {node.version})"
        return out

    def node(self) -> str:
        """The Node binary that runs JavaScript tools (npm, pnpm, yarn, jest, ...)."""
        if self.runtime.family == "node":
            return self.runtime.binary
        node = self.tools.get("node")
        if node is None:
            raise ConfigError(f"toolchain {self.name}: {self.manager} needs a Node runtime")
        return str(node.binary)

    def binary(self, family: str) -> str:
        if self.runtime.family == family:
            return self.runtime.binary
        rt = self.tools.get(family)
        if rt is None:
            raise ConfigError(f"toolchain {self.name}: no {family} binary provisioned")
        return str(rt.binary)

    def path_env(self, base: Mapping[str, str]) -> dict[str, str]:
        """PATH with this toolchain's tools first: its runtime, the other runtimes it uses and
        its package managers under their own names (``node``, ``bun``, ``deno``, ``npm``,
        ``npx``, ``pnpm``, ``yarn``), so lifecycle, test and build scripts that call them get
        the toolchain's binaries, not whatever the machine has. Native addons compile against
        the toolchain's Node headers (``npm_config_nodedir``; no download)."""
        binaries: dict[str, Path] = {self.runtime.family: Path(self.runtime.binary)}
        for family in ("node", "bun", "deno"):
            rt = self.tools.get(family)
            if rt is not None and family not in binaries:
                binaries[family] = Path(rt.binary)
        return tools_path_env(base, binaries, self.tools)


def tools_path_env(
    base: Mapping[str, str], binaries: Mapping[str, Path], tools: Mapping[str, Runtime]
) -> dict[str, str]:
    """``base`` with a folder of the given runtimes (``{"node": path}``) and JavaScript package
    managers (``tools["pnpm"]``, run by that Node) first on PATH; see ``Toolchain.path_env``."""
    scripts: dict[str, tuple[Path, Path]] = {}
    node = binaries.get("node")
    if node is not None:
        for tool in ("npm", "pnpm", "yarn"):
            rt = tools.get(tool)
            if rt is not None:
                scripts.update({k: (node, v) for k, v in js_commands(tool, rt.binary).items()})
    shims = shim_dir(default_cache_dir() / "shims", binaries, scripts)
    dirs = [str(shims), *(str(b.parent) for b in binaries.values())]
    env = dict(base)
    env["PATH"] = os.pathsep.join([*dict.fromkeys(dirs), base.get("PATH", os.defpath)])
    if node is not None and (node.parent.parent / "include" / "node").is_dir():
        env.setdefault("npm_config_nodedir", str(node.parent.parent))
    return env


def js_commands(tool: str, entry: Path) -> dict[str, Path]:
    """The commands a JavaScript package manager installs: npm → npm, npx; pnpm → pnpm,
    pnpx; yarn → yarn, yarnpkg (each a script run by Node)."""
    out = {tool: entry}
    sibling = {"npm": ("npx", "npx-cli.js"), "pnpm": ("pnpx", f"pnpx{entry.suffix}")}
    if tool in sibling:
        name, file = sibling[tool]
        if (entry.parent / file).is_file():
            out[name] = entry.parent / file
    if tool == "yarn":
        out["yarnpkg"] = entry
    return out


def _tool_text(name: str, tools: Mapping[str, Runtime]) -> str:
    rt = tools.get(name)
    return f"{name} {rt.version}" if rt else name


def default_test_runner(family: str, project_runner: str | None) -> str:
    """``bun test`` for Bun (it runs node:test, jest and vitest suites; mocha's and ava's APIs
    it does not have, so those run on Bun), ``deno test`` for node:test suites on Deno (jest,
    vitest, mocha and ava run on Deno: ``deno test`` has none of their globals), else the
    project's runner."""
    if family == "bun" and project_runner not in ("mocha", "ava"):
        return "bun"
    if family == "deno" and project_runner not in FRAMEWORK_RUNNERS:
        return "deno"
    if project_runner in FRAMEWORK_RUNNERS:
        return project_runner
    return "node"


FRAMEWORK_RUNNERS = ("jest", "vitest", "mocha", "ava")


@dataclass(frozen=True)
class ToolchainSpec:
    """A toolchain as declared in ``bakeoff.toml`` (or a default one)."""

    name: str
    runtime: str  # a contestant name or family: "node", "bun", "deno"
    manager: str | None = None
    test_runner: str | None = None
    bundler: str | None = None
    manager_version: str | None = None  # an exact version or range; None: TOOL_RANGES


@dataclass(frozen=True)
class ProjectManager:
    """The project's own package manager: the baseline (Node) toolchain installs with it, at
    the version its ``packageManager`` field pins (``pnpm@10.8.1+sha512...``)."""

    name: str  # npm, pnpm, yarn, bun
    version: str | None = None  # None: not pinned
    source: str = ""

    @property
    def pinned(self) -> str | None:
        """``pnpm@10.8.1`` when package.json pins it (a lockfile only suggests a major)."""
        exact = self.version and self.source.startswith("packageManager")
        return f"{self.name}@{self.version}" if exact else None


def parse_package_manager(text: str) -> ProjectManager | None:
    """``"pnpm@10.8.1+sha512.abc"`` → pnpm 10.8.1; None for anything bakeoff cannot run."""
    name, _, rest = text.strip().partition("@")
    version = rest.split("+", 1)[0].strip() or None
    if name not in ("npm", "pnpm", "yarn", "bun"):
        return None
    if name == "yarn" and version and not version.startswith("1."):
        # Yarn 2+ is not the `yarn` package on the registry: yarn 1 installs, recorded as such
        return ProjectManager(name, None, f"packageManager {text} (Yarn 2+: yarn 1 used)")
    return ProjectManager(name, version, f"packageManager {text}")


def defaults(
    contenders: Sequence[Contender],
    project_runner: str | None,
    project_manager: ProjectManager | None = None,
) -> list[ToolchainSpec]:
    out = []
    for c in contenders:
        fam = c.family
        manager = {"node": "npm", "bun": "bun", "deno": "deno"}[fam]
        version = None
        if fam == "node" and project_manager is not None:
            manager, version = project_manager.name, project_manager.version
        bundler = {"node": "esbuild", "bun": "bun", "deno": "deno"}[fam]
        out.append(
            ToolchainSpec(
                c.name,
                c.name,
                manager,
                default_test_runner(fam, project_runner),
                bundler,
                manager_version=version,
            )
        )
    return out


def build(
    specs: Sequence[ToolchainSpec],
    contenders: Sequence[Contender],
    provisioner: Provisioner,
    project_runner: str | None = None,
    project_manager: ProjectManager | None = None,
) -> list[Toolchain]:
    """Resolve specs against the contestants and provision the tools they need."""
    by_family: dict[str, Contender] = {}
    for c in contenders:
        by_family.setdefault(c.family, c)
    out: list[Toolchain] = []
    for s in specs:
        who = _runtime_of(s, contenders)
        fam = who.family
        manager = s.manager or {"node": "npm", "bun": "bun", "deno": "deno"}[fam]
        runner = s.test_runner or default_test_runner(fam, project_runner)
        bundler = s.bundler or {"node": "esbuild", "bun": "bun", "deno": "deno"}[fam]
        for field_name, value, allowed in (
            ("manager", manager, MANAGERS),
            ("test_runner", runner, RUNNERS),
            ("bundler", bundler, BUNDLERS),
        ):
            if value not in allowed:
                raise ConfigError(
                    f"toolchains.{s.name}.{field_name}: expected one of "
                    f"{', '.join(allowed)}, found {value!r}"
                )
        tools: dict[str, Runtime] = {}
        version = s.manager_version
        pm = project_manager
        if version is None and pm is not None and pm.name == manager and pm.version:
            version = pm.version  # the project's pin applies to every toolchain using it
        if manager in ("npm", "pnpm", "yarn"):
            tools[manager] = provisioner.ensure_tool(manager, version or TOOL_RANGES[manager])
        if bundler == "esbuild":
            tools["esbuild"] = provisioner.ensure_tool("esbuild")
        # jest/vitest/mocha run on the toolchain's own runtime; Node lists their files. Bun's
        # install runs lifecycle scripts with the `node` on PATH (node-gyp builds of native
        # addons): the evaluation's Node and its headers, never whatever the machine has
        needs_node = manager in ("npm", "pnpm", "yarn", "bun") or runner in (
            "node",
            "jest",
            "vitest",
            "mocha",
            "ava",
        )
        for family, needed in (
            ("node", needs_node),
            ("bun", "bun" in (manager, runner, bundler)),
            ("deno", "deno" in (manager, runner, bundler)),
        ):
            if needed and fam != family:
                other = by_family.get(family)
                tools[family] = (
                    other.runtime
                    if other
                    else provisioner.ensure("node@lts" if family == "node" else f"{family}@latest")
                )
        if "npm" not in tools and (fam == "node" or "node" in tools):
            # scripts call `npm run ...` whatever the manager: the toolchain's Node runs it
            tools["npm"] = provisioner.ensure_tool("npm", TOOL_RANGES["npm"])
        pinned = pm.pinned if pm is not None and pm.name == manager and version else None
        out.append(Toolchain(s.name, who, manager, runner, bundler, tools, pinned))
    return out


def _runtime_of(spec: ToolchainSpec, contenders: Sequence[Contender]) -> Contender:
    """The contestant a toolchain runs on: by name, else the first of that family."""
    for c in contenders:
        if c.name == spec.runtime:
            return c
    for c in contenders:
        if c.family == spec.runtime:
            return c
    raise ConfigError(
        f"toolchain {spec.name}: runtime {spec.runtime!r} is not a contestant "
        f"(contestants: {', '.join(c.name for c in contenders)})"
    )


# pnpm 11+ replaces its JavaScript entry with a native binary in a postinstall step; pnpm 10
# is the line that runs from the registry tarball on Node.
TOOL_RANGES = {"npm": "latest", "pnpm": "10", "yarn": "1"}


class ToolchainSet:
    """Toolchains resolved lazily, once, when the first dev-loop suite runs (the contestants
    are only known after provisioning); shared by the install, test, build and CI suites."""

    def __init__(
        self,
        specs: Sequence[ToolchainSpec] | None = None,
        project_runner: str | None = None,
        provisioner: Provisioner | None = None,
        extra: Sequence[ToolchainSpec] = (),
        project_manager: ProjectManager | None = None,
    ) -> None:
        self.specs = list(specs) if specs else None
        self.extra = list(extra)
        self.project_runner = project_runner
        self.project_manager = project_manager
        self.provisioner = provisioner
        self._resolved: list[Toolchain] | None = None

    def check(self, contenders: Sequence[Contender]) -> None:
        """Before anything is measured: every declared toolchain runs on a contestant
        (``ConfigError`` otherwise); nothing is provisioned."""
        for spec in [*(self.specs or []), *self.extra]:
            _runtime_of(spec, contenders)

    def resolve(self, contenders: Sequence[Contender]) -> list[Toolchain]:
        if self._resolved is None:
            pm = self.project_manager
            specs = self.specs or defaults(contenders, self.project_runner, pm)
            names = {s.name for s in specs}
            specs = [*specs, *(s for s in self.extra if s.name not in names)]
            self._resolved = build(
                specs, contenders, self.provisioner or Provisioner(), self.project_runner, pm
            )
        return self._resolved


def candidates(
    toolchains: Sequence[Toolchain],
    baseline: str,
    tool: Literal["manager", "test_runner", "bundler"],
) -> list[str]:
    """The toolchains that are candidates for the surface ``tool`` decides, against the
    baseline's: every other contestant's own toolchain, and a hybrid only when its tool for this
    surface differs from the baseline's (``bun+node`` runs Node's test runner: it is no
    test-runner candidate)."""
    base = next((t for t in toolchains if t.name == baseline), None)
    out = []
    for tc in toolchains:
        if tc.name == baseline:
            continue
        own = tc.runtime.name == tc.name
        if own or base is None or getattr(tc, tool) != getattr(base, tool):
            out.append(tc.name)
    return out


def resolve(
    source: ToolchainSet | Sequence[Toolchain], contenders: Sequence[Contender]
) -> list[Toolchain]:
    return source.resolve(contenders) if isinstance(source, ToolchainSet) else list(source)
