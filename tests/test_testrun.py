"""Each toolchain's command for the project's test step: Node runs the script's own words, Bun
and Deno get the same files with the flags they need (and a record of what was translated),
jest/vitest/mocha run from their JavaScript entry on the toolchain's own runtime — so Bun, not
the Node a ``#!/usr/bin/env node`` shebang would pick, runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bakeoff.plan.contestants import name_contenders
from bakeoff.plan.toolchains import Toolchain, default_test_runner
from bakeoff.runtimes.provision import Runtime
from bakeoff.suites import testcmd
from bakeoff.suites.testrun import parse_listing, runner_command, translate_node_flags

REPORT = Path("/w/report.out")


def _rt(family: str, version: str = "1.0.0") -> Runtime:
    return Runtime(family, family, version, Path(f"/opt/{family}"), "0" * 64, "path")


def _tc(family: str, runner: str) -> Toolchain:
    tools = {"node": _rt("node", "26.1.0"), "bun": _rt("bun", "1.4.5")}
    tools.pop(family, None)
    c = name_contenders([_rt(family, "26.1.0" if family == "node" else "1.4.5")])[0]
    return Toolchain(family, c, "npm", runner, "none", tools)


def _project(tmp_path: Path, script: str, files: list[str]) -> Path:
    (tmp_path / "package.json").write_text(json.dumps({"scripts": {"test": script}}))
    for f in files:
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_text("")
    return tmp_path


def test_node_runs_the_scripts_words_bun_and_deno_get_the_same_files(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        "node --experimental-strip-types --import ./setup.mjs --test src/*.test.ts",
        ["src/a.test.ts", "src/b.test.ts", "src/c.ts"],
    )
    cmd = testcmd.from_project(root)
    assert cmd is not None
    files = ["src/a.test.ts", "src/b.test.ts"]
    node = runner_command(_tc("node", "node"), cmd, files, REPORT, root)
    assert node.argv[:4] == ["/opt/node", "--experimental-strip-types", "--import", "./setup.mjs"]
    assert node.argv[-2:] == files and "--test-reporter=junit" in node.argv
    bun = runner_command(_tc("bun", "bun"), cmd, files, REPORT, root)
    # Bun reads a bare word as a name filter: files are named with ./
    assert bun.argv[-2:] == ["./src/a.test.ts", "./src/b.test.ts"]
    assert "--preload=./setup.mjs" in bun.argv
    assert f"--reporter-outfile={REPORT}" in bun.argv
    assert any(a.startswith("--timeout=") for a in bun.argv)  # node:test has no per-test timeout
    assert any("strip-types" in n for n in bun.notes) and bun.files == files
    deno = runner_command(_tc("deno", "deno"), cmd, files, REPORT, root)
    assert deno.argv[:5] == ["/opt/deno", "test", "--allow-all", "--no-check", "--reporter=dot"]
    assert deno.argv[-2:] == files


def test_node_flags_without_an_equivalent_are_listed() -> None:
    out, notes = translate_node_flags(
        ["--import", "tsx", "--test-name-pattern=api", "--test-concurrency=1"], "deno"
    )
    assert out == ["--filter=api"]
    assert any("tsx" in n for n in notes) and any("--test-concurrency" in n for n in notes)


def test_a_bun_toolchain_runs_mocha_on_bun_not_on_the_shebangs_node(tmp_path: Path) -> None:
    root = _project(tmp_path, "mocha --reporter spec --check-leaks test/", [])
    pkg = root / "node_modules" / "mocha"
    (pkg / "bin").mkdir(parents=True)
    (pkg / "bin" / "mocha.js").write_text("#!/usr/bin/env node\n")
    (pkg / "package.json").write_text(
        json.dumps({"version": "11.0.0", "bin": {"mocha": "./bin/mocha.js", "_mocha": "x"}})
    )
    cmd = testcmd.from_project(root)
    assert cmd is not None
    assert default_test_runner("bun", "mocha") == "mocha"
    rc = runner_command(_tc("bun", "mocha"), cmd, None, REPORT, root)
    assert rc.argv[:3] == ["/opt/bun", "--bun", "node_modules/mocha/bin/mocha.js"]
    assert rc.runner == "mocha 11.0.0 on bun 1.4.5"
    # the project's reporter is replaced by one bakeoff can read; its other flags stay
    assert "spec" not in rc.argv and "--check-leaks" in rc.argv and "test/" in rc.argv
    assert rc.argv[-4:] == ["--reporter", "xunit", "--reporter-option", f"output={REPORT}"]
    deno = runner_command(_tc("deno", "mocha"), cmd, None, REPORT, root)
    assert deno.argv[:4] == ["/opt/deno", "run", "--allow-all", "node_modules/mocha/bin/mocha.js"]


def test_jest_under_bun_test_gets_the_files_jest_lists(tmp_path: Path) -> None:
    cmd = testcmd.parse("jest --runInBand -t api --coverage", "x", tmp_path)
    rc = runner_command(_tc("bun", "bun"), cmd, ["src/a.test.js"], REPORT, tmp_path)
    assert rc.argv[1] == "test" and rc.argv[-1] == "./src/a.test.js"
    assert rc.argv[2:4] == ["-t", "api"]
    assert any("--runInBand" in n for n in rc.notes)
    node = runner_command(_tc("node", "jest"), cmd, None, REPORT, tmp_path)
    assert node.kind == "jest" and "--coverage" not in node.argv and "--runInBand" in node.argv
    listing = json.dumps([str(tmp_path / "src/a.test.js"), str(tmp_path / "b.test.js")])
    assert parse_listing("noise\n" + listing, tmp_path) == ["src/a.test.js", "b.test.js"]
    assert parse_listing(json.dumps([{"name": "t", "file": "x.test.ts"}]), tmp_path) == [
        "x.test.ts"
    ]


def test_the_tests_do_not_inherit_bakeoffs_quiet_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bakeoff.measure.workspace import tool_env
    from bakeoff.suites.testrun import TestPlanner

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    root = _project(tmp_path, "TZ=UTC node --test", [])
    env = TestPlanner(root).step_env(root, tool_env(tmp_path / "cache"))
    # a project's colour or CI tests must not fail only because bakeoff set these
    assert "NO_COLOR" not in env and "CI" not in env and env["FORCE_COLOR"] == "1"
    assert env["TZ"] == "UTC" and env["PATH"].startswith(str(root / "node_modules" / ".bin"))


def test_ava_runs_on_each_runtime_with_tap(tmp_path: Path) -> None:
    root = _project(tmp_path, "xo && ava", [])
    cmd = testcmd.from_project(root)
    assert cmd is not None and cmd.framework == "ava"
    assert any("xo" in n for n in cmd.not_run)
    assert default_test_runner("bun", "ava") == "ava" == default_test_runner("deno", "ava")
    rc = runner_command(_tc("bun", "ava"), cmd, None, REPORT, root)
    assert rc.argv == ["/opt/bun", "--bun", "node_modules/ava/entrypoints/cli.mjs", "--tap"]
    assert rc.kind == "tap"


def test_a_runner_entry_gets_the_node_path_its_pnpm_shim_sets(tmp_path: Path) -> None:
    """egoist/bundle-require (pnpm): `pnpm run test` passed when init tried it, but every
    runtime's run of vitest's entry failed with "MISSING DEP Can not find dependency 'vite'":
    pnpm's `.bin/vitest` shim exports a NODE_PATH into its virtual store, and bakeoff runs the
    entry without the shim (so that the toolchain's runtime, not the shim's node, runs it)."""
    from bakeoff.suites.testrun import shim_env

    root = _project(tmp_path, "vitest run", [])
    pnpm = f"{root}/node_modules/.pnpm"
    store = f"{pnpm}/vitest@0.28.3/node_modules:{pnpm}/node_modules"
    (root / "node_modules" / ".bin").mkdir(parents=True)
    (root / "node_modules" / ".bin" / "vitest").write_text(
        '#!/bin/sh\nif [ -z "$NODE_PATH" ]; then\n'
        f'  export NODE_PATH="{store}"\nelse\n  export NODE_PATH="{store}:$NODE_PATH"\nfi\n'
        'exec node  "$basedir/../vitest/vitest.mjs" "$@"\n'
    )
    assert shim_env(root, "vitest") == {"NODE_PATH": store}
    cmd = testcmd.parse("vitest run", "x", root)
    for family in ("node", "bun"):
        rc = runner_command(_tc(family, "vitest"), cmd, None, REPORT, root)
        assert rc.env["NODE_PATH"] == store
    assert shim_env(tmp_path / "elsewhere", "vitest") == {}  # npm's .bin: a symlink, nothing set
