"""Compat logic without runtimes: probe output parsing, the matrix, the project scan, the suite
wiring (with a fake executor) and rendering."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bakeoff.compat import matrix
from bakeoff.compat.probes import (
    AREAS_DIR,
    PREFIX,
    all_areas,
    declared_checks,
    parse_output,
    probe_argv,
)
from bakeoff.errors import UsageError
from bakeoff.measure.fake import FakeExecutor, result
from bakeoff.measure.process import Command, ProcessResult
from bakeoff.plan.contestants import Contender
from bakeoff.project.scan import scan
from bakeoff.render import markdown, terminal
from bakeoff.results import CompatResult, ResultsDocument
from bakeoff.runtimes.provision import Runtime
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.compat import CompatSuite
from docjson import raw

FIXTURE = Path(__file__).parent / "fixtures" / "compat_project"


def line(**obj: object) -> str:
    return PREFIX + json.dumps(obj)


# -- parsing -------------------------------------------------------------------------------
def test_parse_reads_prefixed_lines_and_ignores_noise() -> None:
    out = "\n".join(
        [
            "random console output",
            line(area="fs", event="start", total=2),
            line(area="fs", check="a", status="pass", detail=""),
            line(area="fs", check="b", status="fail", detail="expected 1, got 2"),
            PREFIX + "{not json",
            line(area="fs", check="c", status="bogus"),
            line(area="fs", event="end"),
        ]
    )
    run = parse_output("fs", "bun", out, result(10), ["a", "b", "c"])
    assert run.status == "ok"
    assert [(r.check, r.status) for r in run.results] == [("a", "pass"), ("b", "fail")]
    assert run.results[1].detail == "expected 1, got 2"
    assert all(r.contestant == "bun" and r.area == "fs" for r in run.results)


def test_crash_marks_unreported_checks_as_error_with_stderr() -> None:
    out = line(area="vm", check="a", status="pass")
    proc = result(5, exit_code=134, stderr="line\nSegmentation fault (core dumped)\n")
    run = parse_output("vm", "deno", out, proc, ["a", "b", "c"])
    assert run.status == "crashed"
    statuses = {r.check: r.status for r in run.results}
    assert statuses == {"a": "pass", "b": "error", "c": "error"}
    assert "exited with code 134" in run.results[1].detail
    assert "Segmentation fault" in run.results[1].detail


def test_hang_marks_unreported_checks_as_timeout() -> None:
    run = parse_output("http2", "bun", "", result(60000, timed_out=True), ["x"])
    assert run.status == "timeout"
    assert run.results[0].status == "timeout"
    assert "timed out" in run.results[0].detail


def test_crash_without_declared_checks_still_reports_the_area() -> None:
    run = parse_output("x", "node", "", result(1, exit_code=1), None)
    assert [(r.check, r.status) for r in run.results] == [("(area)", "error")]


def test_stray_errors_are_kept() -> None:
    out = "\n".join([line(area="a", event="stray", detail="boom"), line(area="a", event="end")])
    assert parse_output("a", "node", out, result(1), []).stray == ["boom"]


def test_declared_checks_match_the_area_scripts() -> None:
    names = declared_checks(AREAS_DIR / "path.mjs")
    assert "join normalizes . and .. segments" in names
    assert len(names) == len(set(names)), "duplicate check names in path.mjs"


def test_probe_suite_size() -> None:
    areas = all_areas()
    counts = {a: len(declared_checks(AREAS_DIR / f"{a}.mjs")) for a in areas}
    assert len(areas) >= 30
    assert sum(counts.values()) >= 300
    for area, n in counts.items():
        assert n >= 5, f"area {area} has only {n} checks"
        names = declared_checks(AREAS_DIR / f"{area}.mjs")
        assert len(names) == len(set(names)), f"duplicate check names in {area}"


def test_probe_argv_per_family() -> None:
    p = Path("/x/a.mjs")
    assert probe_argv("node", "/n", p) == ["/n", "/x/a.mjs"]
    assert probe_argv("bun", "/b", p) == ["/b", "/x/a.mjs"]
    assert probe_argv("deno", "/d", p)[:3] == ["/d", "run", "--allow-all"]


# -- matrix -------------------------------------------------------------------------------
def _results() -> list[CompatResult]:
    R = CompatResult
    return [
        R(area="fs", check="a", contestant="node", status="pass"),
        R(area="fs", check="a", contestant="bun", status="fail", detail="d"),
        R(area="fs", check="b", contestant="node", status="fail", detail="wrong check"),
        R(area="fs", check="b", contestant="bun", status="fail", detail="d2"),
        R(area="vm", check="c", contestant="node", status="pass"),
        R(area="vm", check="c", contestant="bun", status="timeout"),
        R(area="vm", check="d", contestant="bun", status="skip"),
    ]


def test_matrix_counts_by_area_and_contestant() -> None:
    m = matrix.matrix(_results())
    assert m["fs"]["node"]["pass"] == 1 and m["fs"]["node"]["total"] == 2
    assert m["vm"]["bun"]["timeout"] == 1 and m["vm"]["bun"]["skip"] == 1


def test_totals_exclude_skips_from_the_rate() -> None:
    t = matrix.totals(_results())
    assert t["node"]["pass_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert t["bun"]["pass_rate"] == 0.0
    assert t["bun"]["total"] == 4


def test_failures_and_real_gaps() -> None:
    f = matrix.failures(_results())
    assert [x["check"] for x in f] == ["a", "b", "b", "c"]
    gaps = matrix.only_failing_for(_results(), "node")
    assert {(g.check, g.contestant) for g in gaps} == {("a", "bun"), ("c", "bun")}


# -- scan ---------------------------------------------------------------------------------
@pytest.fixture
def risky_project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(FIXTURE, root)
    addon = root / "node_modules" / "fast-native"  # package.json + binding.gyp are in git
    (addon / "prebuilds" / "linux-x64").mkdir(parents=True)
    (addon / "prebuilds" / "linux-x64" / "fast-native.node").write_bytes(b"\x7fELF")
    return root


def test_scan_reports_every_risk_of_the_fixture(risky_project: Path) -> None:
    report = scan(risky_project)
    ids = [r.id for r in report.risks()]
    for expected in (
        "vm",
        "worker_threads.resourceLimits",
        "native:fast-native",
        "jest.mock",
        "jest.requireActual",
        "telemetry:Datadog APM",
        "install-script:fast-native",
    ):
        assert expected in ids, f"{expected} not reported: {ids}"
    native = next(r for r in report.risks() if r.id == "native:fast-native")
    assert (
        "binding.gyp" in native.why
        and ".node binary" in native.why
        and "node-gyp-build" in native.why
    )
    assert {"vm", "worker_threads", "crypto", "fs"} <= set(report.builtins)
    assert report.builtins["worker_threads"][0] == "src/sandbox.js:2"


def test_scan_orders_risks_by_severity(risky_project: Path) -> None:
    sev = [r.severity for r in scan(risky_project).risks()]
    order = {"high": 0, "medium": 1, "low": 2}
    assert sev == sorted(sev, key=order.__getitem__)
    assert sev[0] == "high"


def test_scan_maps_risks_to_probe_areas(risky_project: Path) -> None:
    report = scan(risky_project)
    known = set(all_areas()) | {"native"}
    assert {"vm", "worker_threads"} <= set(report.areas())
    assert set(report.areas()) <= known


def test_scan_of_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        scan(tmp_path / "nope")


def test_scan_ignores_node_modules_sources(tmp_path: Path) -> None:
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "i.js").write_text("require('cluster')")
    (tmp_path / "a.js").write_text("import path from 'node:path'\n")
    report = scan(tmp_path)
    assert report.files_scanned == 1
    assert list(report.builtins) == ["path"]
    assert report.risks() == []


# -- suite with a fake executor -----------------------------------------------------------
def _contender(tmp_path: Path, family: str) -> Contender:
    binary = tmp_path / family
    binary.write_text("")
    return Contender(
        family,
        Runtime(
            name=family,
            version="1.0.0",
            binary=binary,
            sha256="0" * 64,
            spec=family,
            source="test",
            package=None,
        ),
    )


def test_suite_records_results_and_crashes(tmp_path: Path) -> None:
    def behave(cmd: Command, _: int) -> ProcessResult:
        area = Path(cmd.argv[-1]).stem
        names = declared_checks(AREAS_DIR / f"{area}.mjs")
        if cmd.argv[0].endswith("bun"):
            return result(10, exit_code=139, stderr="Segmentation fault")
        out = "\n".join(line(area=area, check=n, status="pass") for n in names)
        r = result(10)
        return ProcessResult(**{**r.__dict__, "stdout": out + "\n" + line(area=area, event="end")})

    fake = FakeExecutor(behave)
    suite = CompatSuite(
        areas=["path", "os"], packages=[], project=None, cli_entry=None, executor=fake
    )
    ctx = SuiteContext(
        contenders=[_contender(tmp_path, "node"), _contender(tmp_path, "bun")],
        executor=fake,
        workdir=tmp_path / "w",
    )
    doc = ResultsDocument()
    assert suite.run(ctx, doc)
    assert not fake.closed  # the suite does not close an executor it was given
    sec = raw(doc)["suites"]["compat"]
    assert sec["totals"]["node"]["pass_rate"] == 1.0
    assert sec["totals"]["bun"]["error"] == sec["totals"]["bun"]["total"] > 0
    assert all(r["status"] == "crashed" for r in sec["area_runs"] if r["contestant"] == "bun")
    text = markdown.render(doc)
    assert "compat · probe matrix" in text and "Segmentation fault" in text
    terminal.render(doc)  # renders without error


def test_suite_copies_project_tests_when_present(tmp_path: Path) -> None:
    fake = FakeExecutor(lambda c, i: result(1))
    suite = CompatSuite(areas=["path"], packages=[], project=None, cli_entry=None, executor=fake)
    ctx = SuiteContext(
        contenders=[_contender(tmp_path, "node")], executor=fake, workdir=tmp_path / "w"
    )
    doc = ResultsDocument()
    doc.suites.put("test", {"parity": {"rows": [{"test": "t1", "status": {"node": "passed"}}]}})
    suite.run(ctx, doc)
    assert raw(doc)["suites"]["compat"]["project_tests"] == raw(doc)["suites"]["test"]


def test_unknown_area_is_rejected(tmp_path: Path) -> None:
    fake = FakeExecutor(lambda c, i: result(1))
    suite = CompatSuite(areas=["nope"], packages=[], executor=fake)
    ctx = SuiteContext(contenders=[_contender(tmp_path, "node")], executor=fake, workdir=tmp_path)
    with pytest.raises(Exception, match="unknown probe area"):
        suite.run(ctx, ResultsDocument())


def test_factories() -> None:
    quick = CompatSuite.for_demo(quick=True)
    full = CompatSuite.for_demo()
    assert len(quick.areas) < len(full.areas) and quick.packages == [] and full.packages
    assert full.cli_entry is not None and full.cli_entry.is_file()
    proj = CompatSuite.for_project(FIXTURE, quick=True)
    assert proj.project == FIXTURE and proj.cli_entry is None


def test_failures_in_areas_the_project_uses_come_first(tmp_path: Path) -> None:
    def behave(cmd: Command, _: int) -> ProcessResult:
        area = Path(cmd.argv[-1]).stem
        status = "fail" if cmd.argv[0].endswith("bun") else "pass"
        out = line(area=area, check="c1", status=status, detail="boom") + "\n"
        out += line(area=area, event="end")
        return ProcessResult(**{**result(1).__dict__, "stdout": out})

    fake = FakeExecutor(behave)
    suite = CompatSuite(areas=["vm", "path"], packages=[], project=FIXTURE, executor=fake)
    ctx = SuiteContext(
        contenders=[_contender(tmp_path, "node"), _contender(tmp_path, "bun")],
        executor=fake,
        workdir=tmp_path / "w",
    )
    doc = ResultsDocument()
    suite.run(ctx, doc)
    sec = raw(doc)["suites"]["compat"]
    assert [f["area"] for f in sec["failures"]] == ["path", "vm"]
    assert [f["area"] for f in sec["relevant_failures"]] == ["vm"]
    assert "Failures in areas this project uses" in markdown.render(doc)


def test_compat_config_section_and_factory(tmp_path: Path) -> None:
    from bakeoff import config
    from bakeoff.errors import ConfigError

    cfg = config.validate(
        {"compat": {"areas": ["vm"], "packages": False, "cli_entry": "src/cli.mjs"}}
    )
    suite = CompatSuite.from_config(cfg.compat, tmp_path)
    assert suite.areas == ["vm"] and suite.packages == []
    assert suite.cli_entry == tmp_path / "src/cli.mjs"
    with pytest.raises(ConfigError, match=r"compat\.areas: unknown probe area"):
        config.validate({"compat": {"areas": ["nope"]}})
    with pytest.raises(ConfigError, match=r"unknown key 'compat\.bogus'"):
        config.validate({"compat": {"bogus": 1}})
