"""Each toolchain's tools on PATH for its own installs, tests and builds, and the project's own
package manager at its pinned version as the baseline (reproductions written here; fake
binaries, no runtime is downloaded)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from bakeoff.measure.fake import FakeExecutor, result
from bakeoff.measure.process import Command, ProcessResult
from bakeoff.measure.workspace import NO_SELF_SWITCH, tool_env
from bakeoff.plan.contestants import Contender
from bakeoff.plan.toolchains import (
    ProjectManager,
    Toolchain,
    ToolchainSpec,
    build,
    defaults,
    parse_package_manager,
)
from bakeoff.runtimes.provision import Runtime
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.install import InstallSuite, _Slot


def fake_binary(folder: Path, name: str, says: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    b = folder / name
    b.write_text(f'#!/bin/sh\necho {says} "$@"\n')
    b.chmod(0o755)
    return b


def runtime(name: str, binary: Path, version: str = "1.0.0") -> Runtime:
    return Runtime(name, f"{name}@{version}", version, binary, "0" * 64, "path")


def test_a_lifecycle_script_calling_bun_finds_the_contestants_bun_in_every_state(
    tmp_path: Path,
) -> None:
    """The install suite's cold states reset the cache before each sample; that reset used to
    replace the environment, dropping the toolchain's folders from PATH (bun: exit 127)."""
    bun = fake_binary(tmp_path / "bun-pkg" / "bin", "bun", "fake-bun")
    who = Contender("bun", runtime("bun", bun))
    tc = Toolchain("bun", who, "bun", "bun", "bun")
    project = tmp_path / "project"
    project.mkdir()
    (project / "package.json").write_text(json.dumps({"name": "p", "version": "1.0.0"}))
    suite = InstallSuite(project, [tc], states=["cold"], reps=2)
    ctx = SuiteContext([who], FakeExecutor({}), tmp_path / "work")
    slot = _Slot(tc, tmp_path / "w", tmp_path / "w" / "project", tmp_path / "w" / "cache")
    cell = suite._cell(ctx, slot, "cold")
    assert cell.prepare is not None
    cell.prepare()  # what runs before every sample
    env = dict(cell.command.env or {})
    out = subprocess.run(
        ["sh", "-c", "bun --version"], env=env, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0 and "fake-bun" in out.stdout
    for key, value in NO_SELF_SWITCH.items():
        assert env[key] == value


def test_path_has_node_and_the_managers_under_their_own_names(tmp_path: Path) -> None:
    node = fake_binary(tmp_path / "node-pkg" / "package" / "bin", "node", "fake-node")
    (tmp_path / "node-pkg" / "package" / "include" / "node").mkdir(parents=True)
    pnpm_js = tmp_path / "pnpm-pkg" / "bin" / "pnpm.cjs"
    pnpm_js.parent.mkdir(parents=True)
    pnpm_js.write_text("// pnpm\n")
    (pnpm_js.parent / "pnpx.cjs").write_text("// pnpx\n")
    npm_js = tmp_path / "npm-pkg" / "bin" / "npm-cli.js"
    npm_js.parent.mkdir(parents=True)
    npm_js.write_text("// npm\n")
    who = Contender("node", runtime("node", node))
    tools = {"pnpm": runtime("pnpm", pnpm_js, "10.8.1"), "npm": runtime("npm", npm_js, "11.0.0")}
    tc = Toolchain("node", who, "pnpm", "node", "esbuild", tools, pinned="pnpm@10.8.1")
    env = tc.path_env(tool_env(tmp_path / "cache"))
    for cmd, says in (("node -v", "fake-node -v"), ("pnpm i", f"fake-node {pnpm_js} i")):
        out = subprocess.run(["sh", "-c", cmd], env=env, capture_output=True, text=True)
        assert out.stdout.strip() == says
    shims = Path(env["PATH"].split(os.pathsep)[0])
    assert {p.name for p in shims.iterdir()} >= {"node", "pnpm", "pnpx", "npm"}
    assert env["npm_config_nodedir"] == str(tmp_path / "node-pkg" / "package")
    assert "packageManager: pnpm@10.8.1" in tc.describe()["package_manager"]


class FakeProvisioner:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.asked: list[tuple[str, str]] = []

    def ensure_tool(self, name: str, version_range: str = "latest") -> Runtime:
        self.asked.append((name, version_range))
        js = self.root / name / "bin" / f"{name}.js"
        js.parent.mkdir(parents=True, exist_ok=True)
        js.touch()
        version = version_range if version_range[0].isdigit() else "9.9.9"
        return runtime(name, js, version)

    def ensure(self, spec: str) -> Runtime:
        raise AssertionError(f"no runtime download expected: {spec}")


def test_the_baseline_installs_with_the_projects_pinned_pnpm(tmp_path: Path) -> None:
    pm = parse_package_manager("pnpm@10.8.1+sha512.0123")
    assert pm == ProjectManager("pnpm", "10.8.1", "packageManager pnpm@10.8.1+sha512.0123")
    node = Contender("node", runtime("node", fake_binary(tmp_path / "n", "node", "n")))
    specs = defaults([node], None, pm)
    assert specs[0].manager == "pnpm" and specs[0].manager_version == "10.8.1"
    prov = FakeProvisioner(tmp_path / "tools")
    # an extra pnpm install contestant follows the project's pin too
    chains = build([*specs, ToolchainSpec("pnpm", "node", manager="pnpm")], [node], prov, None, pm)  # type: ignore[arg-type]
    assert ("pnpm", "10.8.1") in prov.asked and ("pnpm", "10") not in prov.asked
    assert all(tc.pinned == "pnpm@10.8.1" for tc in chains)
    assert chains[0].tools["pnpm"].version == "10.8.1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("npm@11.2.0", ("npm", "11.2.0")),
        ("yarn@1.22.22", ("yarn", "1.22.22")),
        ("yarn@4.5.0", ("yarn", None)),  # Yarn 2+ is not the registry's `yarn`: yarn 1, recorded
        ("bun@1.2.0", ("bun", "1.2.0")),
    ],
)
def test_package_manager_field(text: str, expected: tuple[str, str | None]) -> None:
    pm = parse_package_manager(text)
    assert pm is not None and (pm.name, pm.version) == expected
    assert parse_package_manager("deno@2") is None


def test_the_projects_own_manager_installs_from_the_projects_lockfile(tmp_path: Path) -> None:
    """The dev-loop copies dropped every lockfile, so the baseline's tests and build ran
    against a fresh resolution (a newer TypeScript failed the project's `tsc` build)."""
    from bakeoff.suites.devloop import prepare

    src = tmp_path / "src"
    src.mkdir()
    (src / "package.json").write_text('{"name": "p", "version": "1.0.0"}')
    (src / "pnpm-lock.yaml").write_text("lockfileVersion: '9.0'\n")
    (src / "package-lock.json").write_text("{}")
    node = Contender("node", runtime("node", fake_binary(tmp_path / "n", "node", "n")))
    pnpm = runtime("pnpm", tmp_path / "pnpm.cjs", "10.8.1")
    ctx = SuiteContext([node], FakeExecutor(lambda cmd, i: result(100.0)), tmp_path / "work")
    for manager, kept in (("pnpm", {"pnpm-lock.yaml"}), ("npm", {"package-lock.json"})):
        tools = {"pnpm": pnpm, "npm": runtime("npm", tmp_path / "npm-cli.js", "11.0.0")}
        tc = Toolchain("node", node, manager, "node", "esbuild", tools)
        prep = prepare(ctx, tc, src, tmp_path / f"copy-{manager}")
        assert {p.name for p in prep.project.iterdir() if "lock" in p.name} == kept


def test_a_copy_reuses_the_working_copys_tree_only_when_the_same_binaries_installed_it(
    tmp_path: Path,
) -> None:
    """koa-typescript: the working copy's yarn install (22 s) was repeated for the node
    toolchain's test copy (21 s) inside the test suite's share, so the suite ran no test in a
    quick run. The same Node and the same manager on the same lockfile leave the same tree: it
    is copied. Another Node or another manager version installs for itself."""
    from bakeoff.measure.workspace import INSTALL_MARK, mark_install
    from bakeoff.suites.devloop import prepare
    from bakeoff.suites.install import install_argv

    src = tmp_path / "src"
    (src / "node_modules" / "left-pad").mkdir(parents=True)
    (src / "node_modules" / "left-pad" / "index.js").write_text("module.exports = 1\n")
    (src / "package.json").write_text('{"name": "p", "version": "1.0.0"}')
    (src / "yarn.lock").write_text("# yarn lockfile v1\n")
    node = Contender("node", runtime("node", fake_binary(tmp_path / "n", "node", "n")))
    other = Contender("node", runtime("node", fake_binary(tmp_path / "n2", "node", "n2")))
    yarn = runtime("yarn", tmp_path / "yarn.js", "1.22.22")
    tc = Toolchain("node", node, "yarn", "node", "esbuild", {"yarn": yarn})
    mark_install(src, install_argv(tc, False, tmp_path / "elsewhere"))
    installs: list[tuple[str, ...]] = []

    def behave(cmd: Command, i: int) -> ProcessResult:
        installs.append(cmd.argv)
        return result(100.0)

    ctx = SuiteContext([node], FakeExecutor(behave), tmp_path / "work")
    same = prepare(ctx, tc, src, tmp_path / "same")
    assert installs == [] and same.failure is None
    assert (same.project / "node_modules" / "left-pad" / "index.js").is_file()
    assert not (same.project / "node_modules" / INSTALL_MARK).exists()
    for i, changed in enumerate(
        (
            Toolchain("node", other, "yarn", "node", "esbuild", {"yarn": yarn}),
            Toolchain(
                "node", node, "yarn", "node", "esbuild", {"yarn": runtime("yarn", tmp_path / "y4")}
            ),
        )
    ):
        installs.clear()
        got = prepare(ctx, changed, src, tmp_path / f"other-{i}")
        assert len(installs) == 1 and not (got.project / "node_modules").exists()


def test_bun_installs_run_lifecycle_scripts_on_the_evaluations_node_with_its_headers(
    tmp_path: Path,
) -> None:
    """sqlite-web: sqlite3's install script (`node-gyp rebuild`) ran under Bun's install on the
    machine's /usr/bin/node (v20, no contestant), whose headers node-gyp tried to download: the
    Bun install "failed" while npm, on the evaluation's Node with its headers, built it. Bun's
    install now finds the evaluation's Node (and its headers) first on PATH."""
    node_bin = fake_binary(tmp_path / "node-pkg" / "bin", "node", "fake-node")
    (tmp_path / "node-pkg" / "include" / "node").mkdir(parents=True)
    node = Contender("node", runtime("node", node_bin, "26.12.1"))
    bun = Contender("bun", runtime("bun", fake_binary(tmp_path / "bun-pkg", "bun", "fake-bun")))
    prov = FakeProvisioner(tmp_path / "tools")
    chains = build([ToolchainSpec("bun", "bun")], [node, bun], prov)  # type: ignore[arg-type]
    tc = chains[0]
    assert tc.manager == "bun" and tc.tools["node"].binary == node_bin
    env = tc.path_env(tool_env(tmp_path / "cache"))
    out = subprocess.run(
        ["sh", "-c", "node; bun"], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["fake-node", "fake-bun"]
    assert env["npm_config_nodedir"] == str(tmp_path / "node-pkg")
    assert "lifecycle scripts' node: node 26.12.1" in tc.describe()["package_manager"]


def test_a_pnpm_tree_is_not_copied_its_bin_shims_hold_absolute_paths(tmp_path: Path) -> None:
    from bakeoff.measure.workspace import mark_install, reuse_install

    src = tmp_path / "src"
    (src / "node_modules" / ".pnpm").mkdir(parents=True)
    argv = ["/opt/node", "/t/pnpm.cjs", "install"]
    mark_install(src, argv)
    (tmp_path / "dest").mkdir()
    assert not reuse_install(src, tmp_path / "dest", argv)
    assert not (tmp_path / "dest" / "node_modules").exists()
