"""The CLI: error messages and exit codes, report rendering from a saved document."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bakeoff import results
from bakeoff.analysis import analyze
from bakeoff.cli import main
from bakeoff.measure.fake import FakeExecutor
from bakeoff.plan.contestants import name_contenders
from bakeoff.plan.stopping import StopRule
from bakeoff.results import ResultsDocument
from bakeoff.runtimes.provision import Runtime
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.startup import BUILTIN_CASES, StartupSuite


@pytest.fixture
def saved_doc(tmp_path: Path, fake_factory: Callable[..., FakeExecutor]) -> Path:
    rts = [
        Runtime(n, f"{n}@x", v, Path(f"/opt/{n}"), "0" * 64, "registry")
        for n, v in (("node", "26.10.0"), ("bun", "1.4.5"))
    ]
    contenders = name_contenders(rts)
    work = tmp_path / "work"
    doc = ResultsDocument(contestants=[c.to_result() for c in contenders])
    ex = fake_factory({"/opt/node": 21.0, "/opt/bun": 4.0})
    ctx = SuiteContext(contenders, ex, work, StopRule(min_runs=10, max_runs=10), seed=1)
    StartupSuite([BUILTIN_CASES["hello"]]).run(ctx, doc)
    analyze.analyze(doc, "node")
    path = tmp_path / "results.json"
    results.save(doc, path)
    return path


def test_report_markdown_from_saved_file(
    saved_doc: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(saved_doc), "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# bakeoff results")
    assert "bun started" in md and "faster than node" in md
    assert "| bun | 1.4.5 |" in md


def test_report_rebaselines(saved_doc: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert (
        main(["report", str(saved_doc), "--format", "json", "--baseline", "bun", "-o", str(out)])
        == 0
    )
    doc = json.loads(out.read_text())
    assert {c["baseline"] for c in doc["comparisons"]} == {"bun"}
    assert next(c for c in doc["comparisons"] if c["metric"] == "wall_ms")["verdict"] == "worse"


def test_report_term(saved_doc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(saved_doc)]) == 0
    assert "startup · hello" in capsys.readouterr().out


def test_report_of_missing_file_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(tmp_path / "nope.json")]) == 2
    assert "results file not found" in capsys.readouterr().err


def test_unknown_runtime_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["startup", "-r", "nod@24", "--case", "hello", "--offline"]) == 2
    err = capsys.readouterr().err
    assert "unknown runtime 'nod'" in err


def test_malformed_config_names_the_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bakeoff.toml").write_text("[measure]\nmax_runs = 'lots'\n")
    monkeypatch.chdir(tmp_path)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "measure.max_runs" in err and "'lots'" in err


def test_run_without_config_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run"]) == 2
    assert "no bakeoff.toml" in capsys.readouterr().err


def test_bad_option_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["startup", "--precision", "lots", "--case", "hello"]) == 2
    assert "invalid option value" in capsys.readouterr().err
    assert main(["startup", "--min-runs", "9", "--max-runs", "3", "--case", "hello"]) == 2


def test_runtimes_which_uncached_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAKEOFF_CACHE_DIR", str(tmp_path))
    assert main(["runtimes", "which", "bun@0.1"]) == 3
    assert "bakeoff runtimes install bun@0.1" in capsys.readouterr().err
    assert main(["runtimes", "list"]) == 0
    assert "no runtimes installed" in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert "bakeoff" in capsys.readouterr().out


def test_report_formats_are_the_exporter_registry() -> None:
    """`bakeoff report --format` offers exactly the registered exporters (plus the terminal),
    so a new format is added in one place."""
    import click

    from bakeoff.cli.app import cli
    from bakeoff.render.exporters import EXPORTERS

    command = cli.get_command(click.Context(cli), "report")
    assert command is not None
    choice = next(p for p in command.params if p.name == "fmt").type
    assert isinstance(choice, click.Choice)
    assert sorted(choice.choices) == sorted(["term", *EXPORTERS])
