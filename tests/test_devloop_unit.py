"""Dev-loop logic without runtimes: test-report parsing and parity, install outcome checks,
billable rounding, commands per toolchain, config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bakeoff import config
from bakeoff.errors import ConfigError
from bakeoff.measure.workspace import copy_project, tree_size
from bakeoff.plan.contestants import name_contenders
from bakeoff.plan.toolchains import Toolchain
from bakeoff.runtimes.provision import Runtime
from bakeoff.suites.devloop import build_argv
from bakeoff.suites.install import install_argv, skipped_scripts, version_differences
from bakeoff.suites.testparity import RunnerResult, compare
from bakeoff.suites.testreport import TestOutcome, parse_jest_json, parse_junit
from bakeoff.suites.testrun import runner_command

NODE_JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites>
  <testcase name="top level" classname="test" file="/p/test/a.test.mjs"/>
  <testsuite name="math">
    <testcase name="adds" classname="math" file="/p/test/a.test.mjs"/>
    <testcase name="divides" classname="math" file="/p/test/a.test.mjs">
      <failure message="expected 2, got 3"/></testcase>
  </testsuite>
</testsuites>"""

BUN_JUNIT = """<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="bun test">
  <testsuite name="test/a.test.mjs" file="test/a.test.mjs">
    <testsuite name="math"><testcase name="adds" classname="math"/></testsuite>
    <testcase name="top level" classname="top level"/>
  </testsuite>
</testsuites>"""

DENO_JUNIT = """<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="deno test">
  <testsuite name="./test/a.test.mjs"><testcase name="math" classname="./test/a.test.mjs"/>
    <testcase name="top level" classname="./test/a.test.mjs"/></testsuite>
  <testsuite name="ext:deno_node/testing.ts">
    <testcase name="math &gt; adds" classname="ext:deno_node/testing.ts"/>
    <testcase name="math &gt; divides" classname="ext:deno_node/testing.ts"/>
    <testcase name="math &gt; skipped one" classname="ext:deno_node/testing.ts">
      <skipped/></testcase>
  </testsuite>
</testsuites>"""


def test_junit_names_agree_across_runners() -> None:
    node = parse_junit(NODE_JUNIT, Path("/p")).tests
    assert [t.name for t in node] == ["top level", "math > adds", "math > divides"]
    assert node[2] == TestOutcome(
        "math > divides", "failed", "expected 2, got 3", "test/a.test.mjs"
    )
    assert node[0].file == "test/a.test.mjs"
    bun = parse_junit(BUN_JUNIT).tests
    assert sorted(t.name for t in bun) == ["math > adds", "top level"]
    assert {t.file for t in bun} == {"test/a.test.mjs"}
    deno = parse_junit(DENO_JUNIT).tests  # the describe block "math" is a container, not a test
    assert sorted(t.name for t in deno) == [
        "math > adds",
        "math > divides",
        "math > skipped one",
        "top level",
    ]
    assert next(t for t in deno if t.name == "math > skipped one").status == "skipped"


def test_parity_diff_lists_what_differs() -> None:
    p = compare(
        [
            RunnerResult("node", parse_junit(NODE_JUNIT, Path("/p"))),
            RunnerResult("bun", parse_junit(BUN_JUNIT)),
            RunnerResult("deno", parse_junit(DENO_JUNIT)),
        ]
    )
    summary = p.summary
    assert summary["bun"].passed == 2 and summary["bun"].not_collected == 2
    diff = {d.test: d for d in p.diff}
    # deno names no file for node:test describe blocks: matched by name to the only file
    assert diff["math > divides"].file == "test/a.test.mjs"
    assert diff["math > divides"].status == {
        "node": "failed",
        "bun": "not collected",
        "deno": "passed",
    }
    assert "math > adds" not in diff


def test_jest_json() -> None:
    data = {
        "testResults": [
            {
                "assertionResults": [
                    {"ancestorTitles": ["api"], "title": "lists", "status": "passed"},
                    {
                        "ancestorTitles": ["api"],
                        "title": "creates",
                        "status": "failed",
                        "failureMessages": ["Error: boom\n  at x"],
                    },
                    {"ancestorTitles": [], "title": "todo", "status": "pending"},
                ]
            }
        ]
    }
    got = parse_jest_json(json.dumps(data)).tests
    assert [(t.name, t.status) for t in got] == [
        ("api > lists", "passed"),
        ("api > creates", "failed"),
        ("todo", "skipped"),
    ]
    assert got[1].message == "Error: boom"


def test_bad_report_is_an_error_not_a_crash() -> None:
    with pytest.raises(ValueError, match="JUnit"):
        parse_junit("<testsuites><testcase")


def test_version_differences_and_skipped_scripts() -> None:
    diffs = version_differences(
        {"npm": {"a": "1.0.0", "b": "2.0.0"}, "bun": {"a": "1.0.0", "b": "2.1.0"}}
    )
    assert diffs == {"b": {"npm": "2.0.0", "bun": "2.1.0"}}
    assert skipped_scripts("pnpm", "Ignored build scripts: esbuild, sharp.\n") == [
        "esbuild",
        "sharp",
    ]
    assert skipped_scripts("bun", "Blocked 2 postinstalls. Run `bun pm untrusted`") != []
    assert skipped_scripts("npm", "added 5 packages") == []
    # what deno 2.9 prints (sqlite-web: sqlite3's build never ran, its tests found no binding)
    deno = (
        "\x1b[33m╭ Warning\x1b[0m\n\x1b[33m│\x1b[0m\n"
        "\x1b[33m│\x1b[0m  Ignored build scripts for packages:\n"
        "\x1b[33m│\x1b[0m  \x1b[36mnpm:sqlite3@5.1.7\x1b[0m\n"
        "\x1b[33m│\x1b[0m  \x1b[36mnpm:@scope/native@1.0.0\x1b[0m\n\x1b[33m│\x1b[0m\n"
        '\x1b[33m│\x1b[0m  Run "deno approve-scripts" to run build scripts.\n'
    )
    assert [x.split(" ")[0] for x in skipped_scripts("deno", deno)] == [
        "sqlite3",
        "@scope/native",
    ]
    assert skipped_scripts("deno", "+ npm:left-pad 1.3.0\n") == []


def _tc(family: str, manager: str, runner: str, bundler: str) -> Toolchain:
    rt = Runtime(family, family, "1.0.0", Path(f"/opt/{family}"), "0" * 64, "path")
    tools = {
        "npm": Runtime("npm", "npm", "10.0.0", Path("/t/npm-cli.js"), "0" * 64, "registry"),
        "esbuild": Runtime("esbuild", "e", "0.25", Path("/t/esbuild"), "0" * 64, "registry"),
        "node": Runtime("node", "node", "24.0.0", Path("/opt/node"), "0" * 64, "path"),
        "bun": Runtime("bun", "bun", "1.4.0", Path("/opt/bun"), "0" * 64, "path"),
    }
    return Toolchain(
        f"{family}-{manager}", name_contenders([rt])[0], manager, runner, bundler, tools
    )


def test_commands_per_toolchain(tmp_path: Path) -> None:
    npm = _tc("node", "npm", "node", "esbuild")
    assert install_argv(npm, False, tmp_path)[:3] == ["/opt/node", "/t/npm-cli.js", "install"]
    assert install_argv(npm, True, tmp_path)[2] == "ci"
    hybrid = _tc("node", "bun", "node", "esbuild")  # bun installs, node runs
    assert install_argv(hybrid, True, tmp_path) == ["/opt/bun", "install", "--frozen-lockfile"]
    rc = runner_command(hybrid, None, None, tmp_path / "r.xml", tmp_path)
    assert rc.argv[:2] == ["/opt/node", "--test"] and rc.kind == "junit"
    deno = _tc("deno", "deno", "deno", "deno")
    assert install_argv(deno, True, tmp_path) == ["/opt/deno", "install", "--frozen"]
    assert "--no-check" in runner_command(deno, None, None, tmp_path / "r.xml", tmp_path).argv
    assert build_argv(npm, "src/cli.mjs", tmp_path / "o.mjs")[:3] == [
        "/t/esbuild",
        "src/cli.mjs",
        "--bundle",
    ]


def test_working_copies_leave_out_dependencies_and_lockfiles(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "node_modules" / "x").mkdir(parents=True)
    (src / "node_modules" / "x" / "index.js").write_text("x")
    (src / "lib").mkdir()
    (src / "lib" / "a.js").write_text("a" * 1000)
    (src / "package-lock.json").write_text("{}")
    (src / "package.json").write_text("{}")
    dest = copy_project(src, tmp_path / "copy")
    assert (dest / "lib" / "a.js").is_file() and (dest / "package.json").is_file()
    assert not (dest / "node_modules").exists() and not (dest / "package-lock.json").exists()
    assert (src / "node_modules").exists()  # the source is untouched
    mb, files = tree_size(dest)
    assert files == 2 and 0 < mb < 0.01


def test_devloop_config_errors_name_the_field() -> None:
    with pytest.raises(ConfigError, match=r"toolchains\.0\.manager"):
        config.validate({"toolchains": [{"name": "x", "runtime": "node", "manager": "cargo"}]})
    with pytest.raises(ConfigError, match=r"install\.states\.0"):
        config.validate({"install": {"states": ["lukewarm"]}})
    with pytest.raises(ConfigError, match=r"build\.entry"):
        config.validate({"build": {}})
    cfg = config.validate({"install": {"managers": ["pnpm"]}, "ci": {"reps": 2}})
    assert cfg.install is not None and cfg.install.managers == ["pnpm"]
