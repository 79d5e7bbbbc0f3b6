"""The project's own test command read as its shell and package manager run it: steps, npm run /
run-s indirection, env assignments, checks left out, build steps kept, globs expanded the way
``sh -c`` expands them, and the files ``node --test`` selects (minimal projects written here)."""

from __future__ import annotations

import json
from pathlib import Path

from bakeoff.suites import testcmd
from bakeoff.suites.testcmd import Word, split_words
from bakeoff.suites.testfiles import mocha_files, node_test_files, strips_types


def _project(tmp_path: Path, scripts: dict[str, str], files: list[str]) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "package.json").write_text(json.dumps({"name": "p", "scripts": scripts}))
    for f in files:
        path = tmp_path / f
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("// test\n")
    return tmp_path


def test_words_keep_quotes_and_mark_unquoted_globs() -> None:
    got = split_words("""node --test 'a b.js' "src/*.ts" src/*.ts x\\ y && echo ok""")
    assert got == [
        Word("node"),
        Word("--test"),
        Word("a b.js"),
        Word("src/*.ts"),  # quoted: the shell passes it on as written
        Word("src/*.ts", glob=True),
        Word("x y"),
        "&&",
        Word("echo"),
        Word("ok"),
    ]


def test_a_glob_in_the_script_selects_the_files_the_shell_would(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {"test": "node --experimental-strip-types --test src/*.test.ts"},
        ["src/a.test.ts", "src/b.test.ts", "src/helper.ts", "test/other.test.ts"],
    )
    cmd = testcmd.from_project(root)
    assert cmd is not None and cmd.framework == "node"
    assert cmd.runtime_flags == ["--experimental-strip-types"]
    assert cmd.paths == ["src/a.test.ts", "src/b.test.ts"]
    # a bare `node --test` would also have run test/other.test.ts
    assert node_test_files(cmd.paths, root, True) == ["src/a.test.ts", "src/b.test.ts"]
    assert "test/other.test.ts" in node_test_files([], root, True)


def test_shell_globs_do_not_recurse_and_unmatched_ones_stay_as_written(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {"test": "node --test test/**/*.test.js spec/*.js"},
        ["test/a.test.js", "test/deep/b.test.js", "test/deep/more/c.test.js"],
    )
    cmd = testcmd.from_project(root)
    assert cmd is not None
    # sh has no globstar: ** is *, so only one folder level below test/
    assert cmd.paths == ["test/deep/b.test.js", "spec/*.js"]


def test_a_quoted_glob_is_left_to_node_which_recurses(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {"test": 'node --test "test/**/*.test.js"'},
        ["test/a.test.js", "test/deep/b.test.js", "node_modules/x/c.test.js"],
    )
    cmd = testcmd.from_project(root)
    assert cmd is not None and cmd.paths == ["test/**/*.test.js"]
    assert node_test_files(cmd.paths, root, False) == ["test/a.test.js", "test/deep/b.test.js"]


def test_node_default_patterns(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {"test": "node --test"},
        [
            "spec/foo.js",
            "spec/foo.test.js",
            "test/helper.js",
            "test/t.ts",
            "x.test.ts",
            "test-y.mjs",
            ".hidden.test.js",
            "node_modules/x/a.test.js",
        ],
    )
    assert node_test_files([], root, False) == ["spec/foo.test.js", "test-y.mjs", "test/helper.js"]
    assert node_test_files([], root, True) == [
        "spec/foo.test.js",
        "test-y.mjs",
        "test/helper.js",
        "test/t.ts",
        "x.test.ts",
    ]
    assert node_test_files(["spec"], root, False) == ["spec/foo.test.js"]
    assert strips_types(26, []) and not strips_types(22, [])
    assert strips_types(22, ["--experimental-strip-types"])
    assert not strips_types(26, ["--no-experimental-strip-types"])


def test_npm_run_indirection_env_and_checks(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "test": "npm run lint && npm run test:unit -- --bail",
            "lint": "eslint .",
            "test:unit": "cross-env TZ=UTC NODE_ENV=test jest --runInBand",
        },
        [],
    )
    cmd = testcmd.from_project(root)
    assert cmd is not None and cmd.framework == "jest"
    assert cmd.env == {"TZ": "UTC", "NODE_ENV": "test"}
    assert cmd.args == ["--runInBand", "--bail"]
    assert cmd.before == []
    assert any("eslint" in n and "check" in n for n in cmd.not_run)


def test_run_s_build_steps_and_steps_after(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "test": "run-s build test:lib && npm run check:types",
            "build": "tsc -p .",
            "test:lib": "node --test dist/",
            "check:types": "tsc --noEmit",
        },
        [],
    )
    cmd = testcmd.from_project(root)
    assert cmd is not None and cmd.framework == "node"
    assert [s.text for s in cmd.before] == ["tsc -p ."]
    assert cmd.paths == ["dist/"]
    assert any("tsc --noEmit" in n and "after" in n for n in cmd.not_run)


def test_vitest_mocha_and_unknown_runners(tmp_path: Path) -> None:
    root = _project(tmp_path, {"test": "pnpm lint && vitest run --typecheck"}, [])
    cmd = testcmd.from_project(root)
    assert cmd is not None and cmd.framework == "vitest" and cmd.args == ["--typecheck"]
    assert testcmd.parse("mocha --reporter spec --check-leaks test/", "x", root).args == [
        "--reporter",
        "spec",
        "--check-leaks",
        "test/",
    ]
    unknown = testcmd.parse("xo && tap test/*.js", "x", root)
    assert unknown.framework is None and unknown.notes
    none = _project(tmp_path / "m", {"test": 'echo "Error: no test specified" && exit 1'}, [])
    assert testcmd.from_project(none) is None


def test_bunx_and_npx_wrappers(tmp_path: Path) -> None:
    assert testcmd.parse("bunx jest --ci", "x", tmp_path).framework == "jest"
    assert testcmd.parse("npx vitest", "x", tmp_path).framework == "vitest"
    assert testcmd.parse("c8 --reporter=lcov node --test", "x", tmp_path).framework == "node"


def test_mocha_spec_files(tmp_path: Path) -> None:
    root = _project(tmp_path, {}, ["test/a.js", "test/sub/b.js", "test/support/env.js"])
    assert mocha_files([], root, False) == ["test/a.js"]
    assert mocha_files(["test/"], root, True) == [
        "test/a.js",
        "test/sub/b.js",
        "test/support/env.js",
    ]


def test_run_s_globs_name_scripts(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "test": "run-s lint test:lib",
            "lint": "run-s lint:*",
            "lint:code": "biome check",
            "lint:docs": "prettier --check docs/",
            "test:lib": "jest",
        },
        [],
    )
    cmd = testcmd.from_project(root)
    assert cmd is not None and cmd.framework == "jest" and cmd.before == []
    assert len(cmd.not_run) == 2 and all("check" in n for n in cmd.not_run)
