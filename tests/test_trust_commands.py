"""The trust commands end to end: ``calibrate`` / ``--aa`` (with a fake runtime script),
``doctor``, and the hyperfine export checked against hyperfine's own JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from bakeoff import doctor
from bakeoff.cli import main
from bakeoff.measure.fake import FakeExecutor
from bakeoff.plan.contestants import name_contenders
from bakeoff.plan.stopping import StopRule
from bakeoff.render import hyperfine, markdown
from bakeoff.results import ResultsDocument
from bakeoff.runtimes.provision import Runtime
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.startup import BUILTIN_CASES, StartupSuite

FAKE_NODE = """#!/bin/sh
if [ "$1" = "--version" ]; then echo v24.11.0; exit 0; fi
exit 0
"""


def fake_node(tmp_path: Path) -> Path:
    node = tmp_path / "bin" / "node"
    node.parent.mkdir()
    node.write_text(FAKE_NODE)
    node.chmod(0o755)
    return node


def test_calibrate_runs_two_arms_and_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    node = fake_node(tmp_path)
    out = tmp_path / "out"
    code = main(
        [
            "calibrate",
            "-r",
            str(node),
            "--case",
            "hello",
            "--min-runs",
            "4",
            "--max-runs",
            "4",
            "--warmups",
            "0",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    doc = json.loads((out / "results.json").read_text())
    assert [c["name"] for c in doc["contestants"]] == ["node", "node (A/A)"]
    aa = doc["suites"]["aa"]
    assert aa["comparisons"] == 3 and aa["false_positives"] is not None
    assert doc["fingerprint"]["runtimes"]["node (A/A)"]["sha256"]
    assert doc["suites"]["startup"]["mde"]["hello"]["wall_ms"] is not None
    text = capsys.readouterr().out
    assert "false positives:" in text and "minimum detectable effect" in text
    assert "A/A self-check" in (out / "report.md").read_text()


def test_aa_flag_on_startup(tmp_path: Path) -> None:
    node = fake_node(tmp_path)
    out = tmp_path / "out"
    assert (
        main(
            [
                "startup",
                "-r",
                str(node),
                "--case",
                "empty",
                "--min-runs",
                "3",
                "--max-runs",
                "3",
                "--warmups",
                "0",
                "--aa",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    doc = json.loads((out / "results.json").read_text())
    assert doc["settings"]["aa"] is True
    assert {c["contestant"] for c in doc["comparisons"]} == {"node (A/A)"}


def test_doctor_is_read_only_and_explains(capsys: pytest.CaptureFixture[str]) -> None:
    checks = doctor.run_checks(steal_sample_s=0.05)
    assert {c.name for c in checks} == {
        "CPU governor",
        "turbo boost",
        "load average",
        "CPU steal",
        "cores",
        "memory",
        "virtualization",
    }
    assert all(c.meaning and c.status in ("ok", "warn", "info") for c in checks)
    assert main(["doctor"]) == 0
    assert "read-only" in capsys.readouterr().out


@pytest.fixture
def startup_doc(tmp_path: Path, fake_factory: Callable[..., FakeExecutor]) -> ResultsDocument:
    rts = [Runtime("node", "node@x", "26.10.0", Path("/opt/node"), "0" * 64, "registry")]
    doc = ResultsDocument(contestants=[c.to_result() for c in name_contenders(rts)])
    ctx = SuiteContext(
        name_contenders(rts),
        fake_factory({"/opt/node": 21.0}),
        tmp_path / "w",
        StopRule(min_runs=5, max_runs=5),
        seed=1,
    )
    StartupSuite([BUILTIN_CASES["hello"], BUILTIN_CASES["empty"]]).run(ctx, doc)
    return doc


def test_hyperfine_export_values(startup_doc: ResultsDocument) -> None:
    data = hyperfine.export(startup_doc)
    assert [r["command"] for r in data["results"]] == ["node hello", "node empty"]
    r = data["results"][0]
    wall = startup_doc.measurement("startup", "hello", "wall_ms", "node").samples
    assert r["times"] == [t / 1000 for t in wall]
    assert r["min"] == min(r["times"]) and r["exit_codes"] == [0] * 5
    assert r["user"] > r["system"] > 0  # the fake splits CPU 80/20


def test_report_format_hyperfine(tmp_path: Path, startup_doc: ResultsDocument) -> None:
    from bakeoff import results

    path = tmp_path / "r.json"
    results.save(startup_doc, path)
    out = tmp_path / "hf.json"
    assert main(["report", str(path), "--format", "hyperfine", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["results"][0]["command"] == "node hello"


@pytest.mark.skipif(shutil.which("hyperfine") is None, reason="hyperfine not on PATH")
def test_hyperfine_export_matches_hyperfines_schema(
    tmp_path: Path, startup_doc: ResultsDocument
) -> None:
    target = tmp_path / "theirs.json"
    subprocess.run(
        ["hyperfine", "-N", "--runs", "3", "--style", "none", "--export-json", str(target), "true"],
        check=True,
        capture_output=True,
    )
    theirs = json.loads(target.read_text())
    ours = hyperfine.export(startup_doc)
    assert set(theirs) == set(ours)
    t, o = theirs["results"][0], ours["results"][0]
    for key, value in t.items():
        assert key in o, key
        assert type(o[key]) is type(value) or (
            isinstance(value, int | float) and isinstance(o[key], int | float)
        ), key


def test_markdown_states_the_mde(startup_doc: ResultsDocument) -> None:
    from bakeoff.analysis import analyze

    analyze.analyze(startup_doc, "node")
    assert "could not be detected on this run" in markdown.render(startup_doc)
