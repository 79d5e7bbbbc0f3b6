"""Reports show the per-test parity table and every failure's cause in every format (terminal,
Markdown, HTML, JSON); a suite that ran and failed says why instead of "inconclusive (not
measured)"; units are printed once; noise warnings name their metric; text with brackets is not
eaten as Rich markup; `bakeoff compare` refuses documents of two different projects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from bakeoff.analysis import analyze, comparedocs
from bakeoff.cli import main
from bakeoff.errors import NotComparableError
from bakeoff.render import html, markdown, terminal
from bakeoff.results import Contestant, Failure, Measurement, ResultsDocument, save

CAUSE = "Missing environment variables: DATABASE_URL"


def _doc(project: str = "orders-api") -> ResultsDocument:
    doc = ResultsDocument(
        contestants=[
            Contestant(name=n, runtime=n, version="1", binary=f"/opt/{n}", sha256="0" * 64)
            for n in ("node", "deno")
        ],
        settings={"project": {"name": project, "path": f"/src/{project}"}},
    )
    doc.measurements += [
        Measurement(
            suite="test",
            case="tests",
            metric="wall_s",
            contestant="node",
            unit="s",
            samples=[1.0, 1.1, 0.9, 1.05, 1.0],
        ),
        Measurement(
            suite="test",
            case="tests",
            metric="wall_s",
            contestant="deno",
            unit="s",
            valid=False,
            failures=[
                Failure(
                    reason="the suite did not run: deno wrote no report",
                    exit_code=1,
                    command="/opt/deno test --allow-all src/a.test.ts",
                    stdout_tail=f"starting\n{CAUSE}\nExiting with error code 1\n",
                    stderr_tail="",
                )
            ],
        ),
    ]
    test = {
        "command": {"script": "node --test src/*.test.ts", "source": "package.json"},
        "runs": {
            "node": {"runner": "node --test (node 1)", "command": "/opt/node --test src/a.test.ts"},
            "deno": {"runner": "deno test (deno 1)", "command": "/opt/deno test src/a.test.ts"},
        },
        "parity": {
            "tests": 2,
            "summary": {
                "node": {"passed": 1, "failed": 1, "runner_totals": {"tests": 2, "fail": 1}},
                "deno": {"not run": 2, "runner_totals": {}},
            },
            "findings": {
                "deno": {"kind": "no report", "reason": "deno wrote no report: [value.prices] kept"}
            },
            "diff": [
                {
                    "file": "src/a.test.ts",
                    "test": "GET /users/:id > returns 200",
                    "status": {"node": "passed", "deno": "not run"},
                    "why": {"deno": "the suite did not run (see its finding)"},
                },
                {
                    "file": "src/a.test.ts",
                    "test": "POST /users [admin]",
                    "status": {"node": "failed", "deno": "not run"},
                },
            ],
            "rows": [],
        },
    }
    test["parity"]["rows"] = test["parity"]["diff"]  # type: ignore[index]
    doc.suites.put("test", test)
    analyze.analyze(doc, "node")
    return doc


def _term(doc: ResultsDocument) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(terminal.render(doc))
    return console.export_text()


def test_every_format_carries_the_failures_cause() -> None:
    doc = _doc()
    md = markdown.render(doc)
    page = html.render(doc)
    text = _term(doc)
    for out in (md, page, text):
        assert CAUSE in out  # the telling line, not "Exiting with error code 1"
        assert "/opt/deno test --allow-all src/a.test.ts" in out
        assert "exit code 1" in out
        assert "inconclusive (not measured)" not in out
    assert "deno: test did not complete" in text
    # the HTML measurement cell says why, not a bare "failed"
    assert "failed</span> <small>the suite did not run" in page
    loaded = ResultsDocument.model_validate_json(doc.to_json())
    assert loaded.measurements[1].failures[0].command.startswith("/opt/deno")


def test_parity_table_in_every_format() -> None:
    doc = _doc()
    text = _term(doc)
    assert "test parity — 2 tests compared" in text
    assert "deno: the suite did not run — deno wrote no report: [value.prices] kept" in text
    md = markdown.render(doc)
    assert "## Test parity — 2 tests compared" in md
    assert "| src/a.test.ts › POST /users [admin] | failed | not run |" in md
    assert "<summary>Every test, per runner</summary>" in md
    page = html.render(doc)
    assert 'id="parity"' in page and "POST /users [admin]" in page


def test_units_once_and_noise_notes_name_their_metric() -> None:
    doc = _doc()
    m = Measurement(
        suite="install",
        case="cold",
        metric="wall_s",
        contestant="node",
        unit="s",
        samples=[1.0, 2.0, 1.0, 3.0],
    )
    cpu = m.model_copy(update={"metric": "cpu_s"})
    doc.measurements += [m, cpu]
    analyze.analyze(doc, "node")
    text = _term(doc)
    assert "wall s (s)" not in text and "wall time (s)" in text
    assert "node · wall time: unstable" in text and "node · CPU time: unstable" in text


def test_compare_refuses_two_projects_unless_forced(tmp_path: Path) -> None:
    a, b = _doc("orders-api"), _doc("billing")
    with pytest.raises(NotComparableError, match=r"'orders-api'.*'billing'"):
        comparedocs.compare_docs(a, b)
    forced = comparedocs.compare_docs(a, b, force=True)
    assert any(d.field == "project" for d in forced.differences)
    save(a, tmp_path / "a.json")
    save(b, tmp_path / "b.json")
    assert main(["compare", str(tmp_path / "a.json"), str(tmp_path / "b.json")]) == 2


def test_project_identity_is_the_package_name(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"name": "orders-api"}))
    assert comparedocs.project_identity(tmp_path).name == "orders-api"
    other = tmp_path / "checkout-2"
    other.mkdir()
    assert comparedocs.project_identity(other).name == "checkout-2"
