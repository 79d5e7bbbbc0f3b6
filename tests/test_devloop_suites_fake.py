"""The install, test and CI suites driven by a fake executor (no runtimes, no network): the
state each install starts from, outcome checks, parity and invalid-when-fewer-tests, per-phase
CI timing with billable minutes, failures recorded per toolchain, and the CLI's toolchain
syntax."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bakeoff.cli.devloop import parse_toolchain
from bakeoff.errors import UsageError
from bakeoff.measure.fake import FakeExecutor, result
from bakeoff.measure.process import Command, ProcessResult
from bakeoff.plan.contestants import name_contenders
from bakeoff.plan.toolchains import Toolchain
from bakeoff.results import ResultsDocument
from bakeoff.runtimes.provision import Runtime
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.devloop import CISuite, TestSuite, billable_minutes
from bakeoff.suites.install import InstallSuite, spread
from docjson import raw

LOCK = {"npm": "package-lock.json", "bun": "bun.lock"}
VERSION = {"npm": "1.3.0", "bun": "1.3.1"}


def _rt(name: str, path: str) -> Runtime:
    return Runtime(name, name, "1.0.0", Path(path), "0" * 64, "path")


def _toolchains() -> list[Toolchain]:
    node, bun = name_contenders([_rt("node", "/opt/node"), _rt("bun", "/opt/bun")])
    npm = {"npm": _rt("npm", "/t/npm-cli.js"), "esbuild": _rt("esbuild", "/t/esbuild")}
    return [
        Toolchain("node", node, "npm", "node", "esbuild", npm),
        Toolchain("bun", bun, "bun", "bun", "bun", {}),
    ]


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "package.json").write_text(json.dumps({"dependencies": {"left-pad": "^1.3.0"}}))
    (project / "src" / "cli.mjs").write_text("console.log('hi')\n")
    return project


def _manager(cmd: Command) -> str:
    return "npm" if cmd.argv[0] == "/opt/node" else "bun"


def _is_install(cmd: Command) -> bool:
    return "install" in cmd.argv or "ci" in cmd.argv


def _fake_install(cmd: Command, seen: list[dict[str, Any]]) -> ProcessResult:
    """Behaves like a package manager: fills its cache, node_modules and the lockfile, and
    records the state it found."""
    assert cmd.cwd is not None and cmd.env is not None
    cwd, env = Path(cmd.cwd), cmd.env
    m = _manager(cmd)
    cache = Path(env["npm_config_cache"] if m == "npm" else env["BUN_INSTALL_CACHE_DIR"])
    seen.append(
        {
            "manager": m,
            "frozen": "ci" in cmd.argv or "--frozen-lockfile" in cmd.argv,
            "lockfile": (cwd / LOCK[m]).is_file(),
            "cache_filled": cache.is_dir() and any(cache.iterdir()),
            "node_modules": (cwd / "node_modules").exists(),
            "home": env["HOME"],
            "cache": str(cache),
        }
    )
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "left-pad.tgz").write_text("x")
    pkg = cwd / "node_modules" / "left-pad"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "package.json").write_text(json.dumps({"version": VERSION[m]}))
    (cwd / LOCK[m]).write_text("lock")
    return result(100.0)


def test_install_states_start_from_what_they_claim(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []
    ex = FakeExecutor(lambda cmd, _: _fake_install(cmd, seen))
    workdir = tmp_path / "work"
    ctx = SuiteContext([tc.runtime for tc in _toolchains()], ex, workdir, seed=3)
    doc = ResultsDocument()
    assert InstallSuite(_project(tmp_path), _toolchains(), reps=2, secondary_reps=2).run(ctx, doc)

    assert len(seen) == 2 * 2 * 3 + 2  # 2 toolchains x 2 reps x 3 states + warm-cache warm-ups
    for s in seen:
        assert Path(s["home"]).is_relative_to(workdir)  # never the user's home or caches
        assert Path(s["cache"]).is_relative_to(workdir)
        assert not s["node_modules"]  # every state starts without node_modules
    cold, frozen = seen[:4], seen[4:8]
    assert all(not s["lockfile"] and not s["cache_filled"] and not s["frozen"] for s in cold)
    assert all(s["lockfile"] and not s["cache_filled"] and s["frozen"] for s in frozen)
    warm = seen[-4:]
    assert all(s["lockfile"] and s["cache_filled"] for s in warm)

    for state in ("cold", "cold-lockfile", "warm-cache"):
        for name in ("node", "bun"):
            m = doc.measurement("install", state, "wall_s", name)
            assert m.valid and len(m.samples) == 2
            files = doc.measurement("install", state, "node_modules_files", name)
            assert files.samples == [1.0]
    info = raw(doc)["suites"]["install"]
    assert info["version_differences"]["cold"] == {"left-pad": {"node": "1.3.0", "bun": "1.3.1"}}
    assert info["outcome"]["bun"]["cold"]["lockfile"] == "bun.lock"
    assert info["cases"]["cold"]["spread"]["node"]["max_over_min"] == 1.0


def test_a_failing_install_is_recorded_and_the_others_continue(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []

    def behave(cmd: Command, _: int) -> ProcessResult:
        if _manager(cmd) == "bun":
            return result(50.0, exit_code=1, stderr="error: left-pad@^9 failed to resolve")
        return _fake_install(cmd, seen)

    ctx = SuiteContext([], FakeExecutor(behave), tmp_path / "work", seed=1)
    doc = ResultsDocument()
    assert InstallSuite(_project(tmp_path), _toolchains(), reps=2, secondary_reps=2).run(ctx, doc)
    bad = doc.measurement("install", "cold", "wall_s", "bun")
    assert not bad.valid and "failed to resolve" in bad.failures[0].stderr_tail
    skipped = doc.measurement("install", "cold-lockfile", "wall_s", "bun")
    assert not skipped.valid and "no lockfile" in skipped.notes[0]
    assert doc.measurement("install", "warm-cache", "wall_s", "node").valid


def test_malformed_package_json_is_recorded_not_a_crash(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "package.json").write_text("{ not json")
    ex = FakeExecutor(lambda cmd, _: result(10.0, exit_code=1, stderr="EJSONPARSE"))
    ctx = SuiteContext([], ex, tmp_path / "work", seed=1)
    doc = ResultsDocument()
    assert InstallSuite(project, _toolchains(), reps=2, states=["cold"]).run(ctx, doc)
    assert "package.json" in raw(doc)["suites"]["install"]["package_json_error"]
    assert not doc.measurement("install", "cold", "wall_s", "node").valid


def _junit(names: list[str]) -> str:
    cases = "".join(f'<testcase name="{n}" classname="suite"/>' for n in names)
    return (
        f'<?xml version="1.0"?><testsuites><testsuite name="suite">{cases}</testsuite></testsuites>'
    )


def test_a_runner_that_ran_fewer_tests_is_not_faster(tmp_path: Path) -> None:
    def behave(cmd: Command, _: int) -> ProcessResult:
        if _is_install(cmd):
            return result(100.0)
        dest = next(a.split("=", 1)[1] for a in cmd.argv if "-destination=" in a or "outfile=" in a)
        if cmd.argv[0] == "/opt/node":
            Path(dest).write_text(_junit(["adds", "divides", "formats"]))
            return result(300.0)
        Path(dest).write_text(_junit(["adds", "divides"]))
        return result(50.0)

    ctx = SuiteContext([], FakeExecutor(behave), tmp_path / "work", seed=1)
    doc = ResultsDocument()
    assert TestSuite(_project(tmp_path), _toolchains(), reps=2).run(ctx, doc)
    fast = doc.measurement("test", "tests", "wall_s", "bun")
    assert not fast.valid and any("ran 2 of 3" in n for n in fast.notes)
    assert doc.measurement("test", "tests", "wall_s", "node").valid
    parity = raw(doc)["suites"]["test"]["parity"]
    assert parity["diff"] == [
        {
            "file": None,
            "test": "suite > formats",
            "status": {"node": "passed", "bun": "not collected"},
            "why": {
                "bun": "bun ran its files but did not report this test (not defined when it "
                "loaded: tests generated at run time, a condition or a filter)"
            },
        }
    ]
    assert parity["summary"]["bun"]["not collected"] == 1


def test_ci_phases_total_and_billable_minutes(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []

    def behave(cmd: Command, _: int) -> ProcessResult:
        if _is_install(cmd):
            if _manager(cmd) == "bun" and "--frozen-lockfile" in cmd.argv:
                return result(70.0, exit_code=1, stderr="lockfile had changes")
            _fake_install(cmd, seen)
            return result(40_000.0)
        return result(15_000.0)  # build and test

    ctx = SuiteContext([], FakeExecutor(behave), tmp_path / "work", seed=1)
    doc = ResultsDocument()
    assert CISuite(_project(tmp_path), _toolchains(), "src/cli.mjs", reps=2).run(ctx, doc)
    for phase, secs in (("install", 40.0), ("build", 15.0), ("test", 15.0)):
        assert doc.measurement("ci", phase, "wall_s", "node").samples == [secs, secs]
    assert doc.measurement("ci", "total", "wall_s", "node").samples == [70.0, 70.0]
    assert doc.measurement("ci", "total", "billable_min", "node").samples == [2.0, 2.0]
    frozen = [s for s in seen if s["frozen"]]
    assert frozen and all(s["lockfile"] and not s["cache_filled"] for s in frozen)
    bun = doc.measurement("ci", "total", "wall_s", "bun")
    assert not bun.valid and "lockfile had changes" in bun.failures[0].stderr_tail


@pytest.mark.parametrize(
    ("wall_ms", "minutes"),
    [(1.0, 1.0), (59_999.0, 1.0), (60_000.0, 1.0), (60_001.0, 2.0), (185_000.0, 4.0)],
)
def test_billable_minutes_round_each_job_up(wall_ms: float, minutes: float) -> None:
    assert billable_minutes(wall_ms) == minutes


def test_spread_says_how_noisy_installs_were() -> None:
    assert spread([1000.0, 2000.0])["max_over_min"] == 2.0
    assert spread([1000.0, 1000.0])["cv"] == 0.0
    assert spread([]) == {}


def test_toolchain_syntax() -> None:
    tc = parse_toolchain("bun+node=node:bun:node:bun")
    assert (tc.name, tc.runtime, tc.manager, tc.test_runner, tc.bundler) == (
        "bun+node",
        "node",
        "bun",
        "node",
        "bun",
    )
    assert parse_toolchain("pnpm=node:pnpm").test_runner is None
    for bad in ("node", "x=", "x=node:cargo", "x=node:npm:tap", "x=a:b:c:d:e"):
        with pytest.raises(UsageError):
            parse_toolchain(bad)


def test_devloop_command_refuses_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bakeoff.cli import main

    project = tmp_path / "app"
    project.mkdir()
    (project / "package.json").write_text('{"name": "app",')
    assert main(["devloop", str(project)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    (project / "package.json").write_text('{"name": "app"}')
    assert main(["devloop", str(project), "--entry", "nope.mjs"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["devloop", "--suite", "startup"]) == 2
    assert main(["devloop", "--toolchain", "x=node:cargo"]) == 2


def test_failing_tests_are_a_result_with_their_messages(tmp_path: Path) -> None:
    failing = (
        '<?xml version="1.0"?><testsuites><testsuite name="suite">'
        '<testcase name="adds" classname="suite"/>'
        '<testcase name="divides" classname="suite"><failure message="expected 2, got 3"/>'
        "</testcase></testsuite></testsuites>"
    )

    def behave(cmd: Command, _: int) -> ProcessResult:
        if _is_install(cmd):
            return result(100.0)
        dest = next(a.split("=", 1)[1] for a in cmd.argv if "-destination=" in a or "outfile=" in a)
        if cmd.argv[0] == "/opt/node":
            Path(dest).write_text(failing)
            return result(200.0, exit_code=1)
        Path(dest).write_text(_junit(["adds", "divides"]))
        return result(60.0)

    ctx = SuiteContext([], FakeExecutor(behave), tmp_path / "work", seed=1)
    doc = ResultsDocument()
    assert TestSuite(_project(tmp_path), _toolchains(), reps=2).run(ctx, doc)
    node = doc.measurement("test", "tests", "wall_s", "node")
    assert node.valid and len(node.samples) == 2
    assert any("1 of 2 tests failed" in n for n in node.notes)
    parity = raw(doc)["suites"]["test"]["parity"]
    assert parity["diff"] == [
        {
            "file": None,
            "test": "suite > divides",
            "status": {"node": "failed", "bun": "passed"},
            "why": {},
        }
    ]
    assert "expected 2, got 3" in parity["failures"]["node"][0]["message"]


def test_bun_untrusted_output_names_packages() -> None:
    from bakeoff.suites.install import parse_bun_untrusted

    out = (
        "bun pm untrusted v1.4.5\n\n./node_modules/foo @1.0.0\n » [postinstall]: node x.js\n"
        "./node_modules/@scope/bar @2.0.0\n » [install]: node-gyp rebuild\n"
    )
    assert parse_bun_untrusted(out) == ["foo", "@scope/bar"]
    assert parse_bun_untrusted("nothing blocked") == []


def test_clear_install_is_rm_rf_node_modules_plus_lockfiles(tmp_path: Path) -> None:
    from bakeoff.measure.workspace import clear_install, copy_project

    src = _project(tmp_path)
    copy = copy_project(src, tmp_path / "copy")
    (copy / "node_modules" / "x").mkdir(parents=True)
    (copy / "bun.lock").write_text("lock")
    (copy / "package-lock.json").write_text("{}")
    (copy / "package.json").write_text('{"trustedDependencies": ["x"]}')
    clear_install(src, copy)
    assert sorted(p.name for p in copy.iterdir()) == ["package.json", "src"]
    assert (copy / "package.json").read_text() == (src / "package.json").read_text()


def _script_project(tmp_path: Path, script: str, files: list[str]) -> Path:
    project = tmp_path / "scripted"
    project.mkdir()
    (project / "package.json").write_text(json.dumps({"scripts": {"test": script}}))
    for f in files:
        (project / f).parent.mkdir(parents=True, exist_ok=True)
        (project / f).write_text("")
    return project


def _node_junit(files: list[str], root: str) -> str:
    cases = "".join(f'<testcase name="works" classname="test" file="{root}/{f}"/>' for f in files)
    return f"<testsuites>{cases}<!-- tests {len(files)} --></testsuites>"


def _node_reports(
    other: Callable[[Command], ProcessResult], install_stderr: str = ""
) -> Callable[[Command, int], ProcessResult]:
    """Installs succeed (Bun's printing ``install_stderr``); Node's test run passes
    test/a.test.js and writes its JUnit report; any other runner's run is ``other(cmd)``."""

    def behave(cmd: Command, _: int) -> ProcessResult:
        if _is_install(cmd):
            return result(100.0, stderr=install_stderr if cmd.argv[0] == "/opt/bun" else "")
        if cmd.argv[0] != "/opt/node":
            return other(cmd)
        dest = next(a.split("=", 1)[1] for a in cmd.argv if "-destination=" in a or "outfile=" in a)
        assert cmd.cwd is not None
        Path(dest).write_text(_node_junit(["test/a.test.js"], cmd.cwd))
        return result(200.0)

    return behave


def test_every_runner_runs_the_projects_command_and_its_files(tmp_path: Path) -> None:
    project = _script_project(
        tmp_path,
        "node --test test/*.test.mjs",
        ["test/a.test.mjs", "test/b.test.mjs", "test/fixtures/c.test.mjs", "other.test.mjs"],
    )
    ran: dict[str, list[str]] = {}

    def behave(cmd: Command, _: int) -> ProcessResult:
        if _is_install(cmd):
            return result(100.0)
        dest = next(a.split("=", 1)[1] for a in cmd.argv if "-destination=" in a or "outfile=" in a)
        assert cmd.cwd is not None
        files = [a.removeprefix("./") for a in cmd.argv if a.endswith(".mjs")]
        ran[cmd.argv[0]] = files
        Path(dest).write_text(_node_junit(files, cmd.cwd))
        return result(200.0 if cmd.argv[0] == "/opt/node" else 50.0)

    ctx = SuiteContext([], FakeExecutor(behave), tmp_path / "work", seed=1)
    doc = ResultsDocument()
    assert TestSuite(project, _toolchains(), reps=2).run(ctx, doc)
    want = ["test/a.test.mjs", "test/b.test.mjs"]  # the shell's expansion of test/*.test.mjs
    assert ran == {"/opt/node": want, "/opt/bun": want}
    info = raw(doc)["suites"]["test"]
    assert info["command"]["script"] == "node --test test/*.test.mjs"
    assert info["runs"]["bun"]["command"].endswith("./test/a.test.mjs ./test/b.test.mjs")
    assert info["parity"]["tests"] == 2 and info["parity"]["diff"] == []
    assert doc.measurement("test", "tests", "wall_s", "bun").valid


def test_a_runner_that_writes_no_report_is_a_finding_with_its_cause(tmp_path: Path) -> None:
    project = _script_project(tmp_path, "node --test", ["test/a.test.js"])
    behave = _node_reports(
        lambda cmd: result(30.0, exit_code=1, stderr='error: Cannot find module "./setup"')
    )
    ctx = SuiteContext([], FakeExecutor(behave), tmp_path / "work", seed=1)
    doc = ResultsDocument()
    assert TestSuite(project, _toolchains(), reps=2).run(ctx, doc)
    finding = raw(doc)["suites"]["test"]["parity"]["findings"]["bun"]
    assert finding["kind"] == "no report"
    assert "Cannot find module" in finding["reason"] and "Errno" not in finding["reason"]
    bun = doc.measurement("test", "tests", "wall_s", "bun")
    assert not bun.valid
    f = bun.failures[-1]
    assert f.command.startswith("/opt/bun test") and f.exit_code == 1
    assert "Cannot find module" in f.stderr_tail
    assert raw(doc)["suites"]["test"]["parity"]["summary"]["bun"]["not run"] == 1
    assert raw(doc)["suites"]["test"]["parity"]["summary"]["bun"]["failed"] == 0


def test_a_build_step_before_the_tests_runs_once_untimed(tmp_path: Path) -> None:
    project = _script_project(tmp_path, "tsc -p . && node --test dist/", [])
    setups: list[str] = []

    def behave(cmd: Command, _: int) -> ProcessResult:
        if _is_install(cmd):
            return result(100.0)
        if cmd.argv[:2] == ("sh", "-c"):
            setups.append(cmd.argv[2])
            assert cmd.env is not None and "node_modules/.bin" in cmd.env["PATH"]
            return result(10.0, exit_code=2, stderr="error TS2307: Cannot find module 'x'")
        dest = next(a.split("=", 1)[1] for a in cmd.argv if "-destination=" in a or "outfile=" in a)
        Path(dest).write_text("<testsuites/>")
        return result(20.0)

    ctx = SuiteContext([], FakeExecutor(behave), tmp_path / "work", seed=1)
    doc = ResultsDocument()
    assert TestSuite(project, _toolchains(), reps=2).run(ctx, doc)
    assert setups == ["tsc -p .", "tsc -p ."]  # once per toolchain's copy
    failed = raw(doc)["suites"]["test"]["setup_failures"]["node"][0]
    assert "tsc -p ." in failed["reason"] and "TS2307" in failed["stderr_tail"]
    node = doc.measurement("test", "tests", "wall_s", "node")
    assert any("before the tests" in n for n in node.notes)


def test_a_toolchain_whose_install_failed_ran_no_test(tmp_path: Path) -> None:
    project = _script_project(tmp_path, "node --test", ["test/a.test.js"])

    def behave(cmd: Command, _: int) -> ProcessResult:
        if _is_install(cmd):
            if cmd.argv[0] == "/opt/bun":
                return result(10.0, exit_code=1, stderr="error: package 'x' does not exist")
            return result(100.0)
        dest = next(a.split("=", 1)[1] for a in cmd.argv if "-destination=" in a)
        assert cmd.cwd is not None
        Path(dest).write_text(_node_junit(["test/a.test.js"], cmd.cwd))
        return result(200.0)

    ctx = SuiteContext([], FakeExecutor(behave), tmp_path / "work", seed=1)
    doc = ResultsDocument()
    assert TestSuite(project, _toolchains(), reps=2).run(ctx, doc)
    par = raw(doc)["suites"]["test"]["parity"]
    assert par["summary"]["bun"]["not run"] == 1 and par["summary"]["bun"]["failed"] == 0
    assert "install with bun failed" in par["findings"]["bun"]["reason"]
    assert "does not exist" in par["findings"]["bun"]["stderr_tail"]


def test_the_ci_test_phase_is_the_projects_script(tmp_path: Path) -> None:
    project = _script_project(
        tmp_path, "tsc -p . && node --test test/*.test.js", ["test/a.test.js", "test/b.js"]
    )
    steps: list[tuple[str, ...]] = []

    def behave(cmd: Command, _: int) -> ProcessResult:
        if _is_install(cmd):
            assert cmd.cwd is not None
            (Path(cmd.cwd) / LOCK[_manager(cmd)]).write_text("lock")
            return result(1000.0)
        steps.append(cmd.argv)
        if cmd.argv[0] == "/opt/bun" and "test" in cmd.argv:
            return result(500.0, exit_code=1, stderr="error: boom")
        return result(2000.0)

    ctx = SuiteContext([], FakeExecutor(behave), tmp_path / "work", seed=1)
    doc = ResultsDocument()
    assert CISuite(project, _toolchains(), None, reps=2).run(ctx, doc)
    assert ("sh", "-c", "tsc -p .") in steps
    node_test = next(s for s in steps if s[0] == "/opt/node" and "--test" in s)
    assert node_test[-1] == "test/a.test.js"
    bun_test = next(s for s in steps if s[0] == "/opt/bun" and "test" in s)
    assert bun_test[-1] == "./test/a.test.js"
    # the build step and the test step are both the test phase (2 s + 2 s)
    assert doc.measurement("ci", "test", "wall_s", "node").samples == [4.0, 4.0]
    bun = doc.measurement("ci", "total", "wall_s", "bun")
    assert not bun.valid
    f = bun.failures[0]
    assert f.reason.startswith("test step failed") and f.command.startswith("/opt/bun test")
    assert "boom" in f.stderr_tail


def test_a_bundle_that_does_not_work_says_why(tmp_path: Path) -> None:
    from bakeoff.suites.devloop import BuildSuite

    def behave(cmd: Command, _: int) -> ProcessResult:
        if _is_install(cmd):
            return result(100.0)
        if "--bundle" in cmd.argv or "build" in cmd.argv:  # the bundlers
            out = next(a.split("=", 1)[1] for a in cmd.argv if a.startswith("--outfile="))
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            Path(out).write_text("bundle")
            return result(50.0)
        res = result(30.0)
        # the unbundled entry prints "hi"; bun's bundle prints something else
        text = (
            "hello from the bundle\n"
            if "bakeoff-dist" in cmd.argv[1] and cmd.argv[0] == "/opt/bun"
            else "hi\n"
        )
        return ProcessResult(**{**res.__dict__, "stdout_tail": text})

    ctx = SuiteContext([], FakeExecutor(behave), tmp_path / "work", seed=1)
    doc = ResultsDocument()
    assert BuildSuite(_project(tmp_path), _toolchains(), "src/cli.mjs", reps=2).run(ctx, doc)
    assert raw(doc)["suites"]["build"]["smoke"]["node"]["ok"]
    bun = doc.measurement("build", "bundle", "wall_s", "bun")
    assert not bun.valid
    f = bun.failures[-1]
    assert "expected 'hi', got 'hello from the bundle'" in f.reason
    assert f.command.startswith("/opt/bun ") and "bakeoff-dist" in f.command


def test_a_quick_run_installs_secondary_states_once_and_still_reports(tmp_path: Path) -> None:
    """A quick run measures the states that decide nothing once: one sample each, shown
    without a CI, while the deciding state (cold cache + lockfile) gets its runs; nothing in
    analysis or rendering needs a second sample."""
    from bakeoff.analysis import analyze
    from bakeoff.render import markdown, terminal

    seen: list[dict[str, Any]] = []
    ex = FakeExecutor(lambda cmd, _: _fake_install(cmd, seen))
    ctx = SuiteContext([tc.runtime for tc in _toolchains()], ex, tmp_path / "work", seed=3)
    doc = ResultsDocument()
    suite = InstallSuite(_project(tmp_path), _toolchains(), reps=3, secondary_reps=1)
    assert suite.run(ctx, doc)
    for name in ("node", "bun"):
        assert len(doc.measurement("install", "cold", "wall_s", name).samples) == 1
        assert len(doc.measurement("install", "warm-cache", "wall_s", name).samples) == 1
        assert len(doc.measurement("install", "cold-lockfile", "wall_s", name).samples) >= 2
    analyze.analyze(doc, "node")
    once = doc.measurement("install", "cold", "wall_s", "bun")
    assert once.valid and once.median == 0.1  # one planned run: a median, no verdict
    cold = [c for c in doc.comparisons if c.suite == "install" and c.case == "cold"]
    assert cold and all(c.verdict not in ("better", "worse") for c in cold)
    assert "cold-lockfile" in markdown.render(doc)
    terminal.render(doc)


def test_a_project_whose_runner_lists_no_test_file_is_not_run(tmp_path: Path) -> None:
    """koa-typescript: `jest --listTests --json` printed `[]` (the project has no tests); that
    was recorded as "jest could not list its files", every runner was then started on
    jest's default patterns, and the report said "the test command never ran". The runner's
    own empty listing means there is nothing to time: the suite is not run, and says why."""
    project = _script_project(tmp_path, "jest --forceExit --coverage", [])
    ran: list[tuple[str, ...]] = []

    def behave(cmd: Command, _: int) -> ProcessResult:
        ran.append(cmd.argv)
        if _is_install(cmd):
            return result(100.0)
        if "--listTests" in cmd.argv:
            out = result(50.0, stderr="Force exiting Jest\n")
            return ProcessResult(**{**out.__dict__, "stdout": "[]\n", "stdout_tail": "[]\n"})
        raise AssertionError(f"no test run expected: {cmd.argv}")

    ctx = SuiteContext([], FakeExecutor(behave), tmp_path / "work", seed=1)
    doc = ResultsDocument()
    assert TestSuite(project, _toolchains(), reps=2).run(ctx, doc)
    info = raw(doc)["suites"]["test"]
    assert info["files"]["count"] == 0 and info["files"].get("listing_failed") is None
    assert "the project has no tests" in info["not_run"] and "--listTests" in info["not_run"]
    for name in ("node", "bun"):
        m = doc.measurement("test", "tests", "wall_s", name)
        assert not m.valid and "the project has no tests" in m.notes[0]


def test_a_runner_the_budget_left_no_turn_says_so(tmp_path: Path) -> None:
    """A quick run whose test share was spent before the first run: each runner's reason is
    the budget, not "the test command never ran"."""
    project = _script_project(tmp_path, "node --test", ["test/a.test.js"])

    def behave(cmd: Command, _: int) -> ProcessResult:
        if _is_install(cmd):
            return result(100.0)
        raise AssertionError("no test run expected")

    ctx = SuiteContext([], FakeExecutor(behave), tmp_path / "work", seed=1, budget_s=-1.0)
    doc = ResultsDocument()
    assert TestSuite(project, _toolchains(), reps=2).run(ctx, doc)
    findings = raw(doc)["suites"]["test"]["parity"]["findings"]
    assert findings and all("time budget ran out" in f["reason"] for f in findings.values())


def test_the_test_suite_runs_on_the_copies_the_session_prepared_elsewhere(tmp_path: Path) -> None:
    """The session installs the shared copies before sharing out the budget, in its own
    folder; the test suite then reuses them (no second install) and its runners' reports go to
    its own folder (which had been created only as a side effect of installing there)."""
    from bakeoff.plan.toolchains import ToolchainSet

    project = _script_project(tmp_path, "node --test", ["test/a.test.js"])
    installs: list[str] = []

    def behave(cmd: Command, _: int) -> ProcessResult:
        if _is_install(cmd):
            installs.append(cmd.argv[0])
            return result(100.0)
        dest = next(a.split("=", 1)[1] for a in cmd.argv if "-destination=" in a or "outfile=" in a)
        assert cmd.cwd is not None
        Path(dest).write_text(_node_junit(["test/a.test.js"], cmd.cwd))
        return result(200.0)

    chains = ToolchainSet()
    chains._resolved = _toolchains()
    suite = TestSuite(project, chains, reps=2)
    suite.prepare(SuiteContext([], FakeExecutor(behave), tmp_path / "prepared", seed=1))
    assert len(installs) == 2
    ctx = SuiteContext([], FakeExecutor(behave), tmp_path / "work" / "test", seed=1)
    doc = ResultsDocument()
    assert suite.run(ctx, doc)
    assert len(installs) == 2  # the prepared copies were reused
    assert doc.measurement("test", "tests", "wall_s", "node").valid
    assert raw(doc)["suites"]["test"]["parity"]["summary"]["node"]["passed"] == 1


def test_a_project_that_turns_lockfiles_off_is_decided_on_the_cold_state(tmp_path: Path) -> None:
    """expressjs/express has `package-lock=false` in .npmrc: npm never writes a lockfile, so the
    frozen state (the default deciding one) was skipped for the baseline and the package manager
    "failed". Its CI installs without a lockfile: the cold state decides."""
    from bakeoff.suites.install import lockfiles_off, primary_state

    project = _project(tmp_path)
    states = ["cold", "cold-lockfile", "warm-cache"]
    assert primary_state(states, project) == "cold-lockfile" and lockfiles_off(project) is None
    (project / ".npmrc").write_text(
        "min-release-age=7\npackage-lock = false\nignore-scripts=true\n"
    )
    assert lockfiles_off(project) == "package-lock = false"
    assert primary_state(states, project) == "cold"
    assert primary_state(["cold-lockfile"], project) == "cold-lockfile"  # not measured: as before
    suite = InstallSuite(project, _toolchains())
    chosen = suite.primaries([tc.runtime for tc in _toolchains()], "node")
    assert [p.case for p in chosen] == ["cold"]


def test_states_a_budget_left_without_a_lockfile_say_it_was_the_budget(tmp_path: Path) -> None:
    """sqlite-web in a quick run: the cold installs (a native build) did not fit, so the frozen
    states were "skipped: no lockfile from the cold install" — read as a failure by the decision.
    The note now names the time budget."""
    seen: list[dict[str, Any]] = []
    ex = FakeExecutor(lambda cmd, _: _fake_install(cmd, seen))
    ctx = SuiteContext(
        [tc.runtime for tc in _toolchains()], ex, tmp_path / "work", seed=3, budget_s=-1.0
    )
    doc = ResultsDocument()
    InstallSuite(_project(tmp_path), _toolchains(), reps=2).run(ctx, doc)
    assert seen == []
    frozen = doc.measurement("install", "cold-lockfile", "wall_s", "bun")
    assert not frozen.valid and "time budget" in frozen.notes[0]


def test_a_suite_that_did_not_load_names_the_build_scripts_its_install_skipped(
    tmp_path: Path,
) -> None:
    """sqlite-web: under Deno every test file failed with "Could not locate the bindings file"
    — deno install had ignored sqlite3's build script, which only its install output said."""
    project = _script_project(tmp_path, "node --test", ["test/a.test.js"])
    behave = _node_reports(
        lambda cmd: result(30.0, exit_code=1, stderr="Error: Could not locate the bindings file."),
        install_stderr="Blocked 1 postinstall. Run `bun pm untrusted` for details.\n",
    )
    ctx = SuiteContext([], FakeExecutor(behave), tmp_path / "work", seed=1)
    doc = ResultsDocument()
    assert TestSuite(project, _toolchains(), reps=2).run(ctx, doc)
    findings = raw(doc)["suites"]["test"]["parity"]["findings"]
    assert "bindings file" in findings["bun"]["reason"]
    assert "its bun install ran no build script for 1 blocked" in findings["bun"]["reason"]
    assert "node" not in findings


def test_a_projects_build_script_is_the_bundlers_endpoint(tmp_path: Path) -> None:
    """nest starter: the build suite timed `npm run build` and `bun --bun run build` 5 times
    each, yet the bundler decision read "not measured — enable the build suite": the endpoint
    was declared on the bundle case that script mode never runs."""
    from bakeoff.suites.devloop import BuildSuite

    chains = _toolchains()
    who = [tc.runtime for tc in chains]
    project = _project(tmp_path)
    script = BuildSuite(project, chains, entry="", script="build")
    assert [(p.surface, p.contestant, p.case) for p in script.primaries(who, "node")] == [
        ("bundler", "bun", "script")
    ]
    bundle = BuildSuite(project, chains, entry="src/cli.mjs")
    assert [p.case for p in bundle.primaries(who, "node")] == [None]


def test_a_runner_the_budget_stopped_keeps_what_it_printed(tmp_path: Path) -> None:
    """esrap: `bun test` failed tests ("toMatchFileSnapshot is not a function") and then kept
    a core busy; its warm-up was stopped after 30 s and the report showed the stop with empty
    output tails. What it printed until then is the evidence, kept with the reason."""
    project = _script_project(tmp_path, "node --test", ["test/a.test.js"])

    def stuck(cmd: Command) -> ProcessResult:
        late = result(cmd.timeout_s * 1000, timed_out=True)
        said = "TypeError: expect(code).toMatchFileSnapshot is not a function\n(fail) adds\n"
        return ProcessResult(**{**late.__dict__, "stdout_tail": said})

    behave = _node_reports(stuck)
    ctx = SuiteContext([], FakeExecutor(behave), tmp_path / "work", seed=1, budget_s=600.0)
    doc = ResultsDocument()
    assert TestSuite(project, _toolchains(), reps=2).run(ctx, doc)
    finding = raw(doc)["suites"]["test"]["parity"]["findings"]["bun"]
    assert "stopped in its warm-up" in finding["reason"]
    assert "toMatchFileSnapshot is not a function" in finding["reason"]
    bun = doc.measurement("test", "tests", "wall_s", "bun")
    assert any("toMatchFileSnapshot" in f.stdout_tail for f in bun.failures)
    assert all("time budget" in f.reason for f in bun.failures)


def test_an_install_that_leaves_dependencies_out_is_not_faster(tmp_path: Path) -> None:
    """pnpm-monorepo-template: `deno install` exited 0 in 15 ms and installed none of the 15
    top-level (catalog:) dependencies; its 0.015 s stood in the install table as a valid time."""
    seen: list[dict[str, Any]] = []

    def behave(cmd: Command, i: int) -> ProcessResult:
        if _manager(cmd) == "bun":
            assert cmd.cwd is not None
            (Path(cmd.cwd) / "bun.lock").write_text("lock")
            return result(15.0)  # exit 0, nothing installed
        return _fake_install(cmd, seen)

    ctx = SuiteContext([tc.runtime for tc in _toolchains()], FakeExecutor(behave), tmp_path / "w")
    doc = ResultsDocument()
    InstallSuite(_project(tmp_path), _toolchains(), states=["cold"], reps=2).run(ctx, doc)
    bun = doc.measurement("install", "cold", "wall_s", "bun")
    assert not bun.valid and "left 1 of 1 top-level dependencies out" in bun.notes[-1]
    assert "left-pad" in bun.notes[-1]
    assert doc.measurement("install", "cold", "wall_s", "node").valid
