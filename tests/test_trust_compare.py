"""``bakeoff compare``: exit codes on fixture documents, and the comparability guard."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bakeoff import results
from bakeoff.analysis import analyze
from bakeoff.cli import main
from bakeoff.results import Contestant, Measurement, ResultsDocument, fingerprint

ENV = {
    "cpu_model": "Test CPU",
    "cores_logical": 2,
    "memory_gb": 8.0,
    "hostname_sha256": "abc",
    "arch": "x86_64",
    "os_release": "Debian 12",
    "kernel": "6.1",
}


def fixture_doc(scale: float, seed: int, sha: str = "1" * 64, **env: object) -> ResultsDocument:
    rng = random.Random(seed)
    doc = ResultsDocument(
        environment=ENV | env,
        contestants=[
            Contestant(name="node", runtime="node", version="24.1.0", binary="/n", sha256=sha)
        ],
    )
    for case in ("hello", "empty"):
        doc.measurements.append(
            Measurement(
                suite="startup",
                case=case,
                metric="wall_ms",
                contestant="node",
                unit="ms",
                samples=[30.0 * scale * rng.lognormvariate(0, 0.02) for _ in range(40)],
            )
        )
    analyze.analyze(doc, "node")
    doc.fingerprint = fingerprint.fingerprint(doc)
    return doc


def save(doc: ResultsDocument, path: Path) -> str:
    results.save(doc, path)
    return str(path)


def test_injected_ten_percent_regression_exits_1(tmp_path: Path) -> None:
    base = save(fixture_doc(1.0, 1), tmp_path / "base.json")
    new = save(fixture_doc(1.10, 2), tmp_path / "new.json")
    assert main(["compare", base, new]) == 1


def test_aa_pair_exits_0(tmp_path: Path) -> None:
    base = save(fixture_doc(1.0, 1), tmp_path / "base.json")
    new = save(fixture_doc(1.0, 2), tmp_path / "new.json")
    assert main(["compare", base, new]) == 0


def test_regression_under_fail_on_passes(tmp_path: Path) -> None:
    base = save(fixture_doc(1.0, 1), tmp_path / "base.json")
    new = save(fixture_doc(1.10, 2), tmp_path / "new.json")
    assert main(["compare", base, new, "--fail-on", "20%"]) == 0


def test_improvement_is_not_a_regression(tmp_path: Path) -> None:
    base = save(fixture_doc(1.10, 1), tmp_path / "base.json")
    new = save(fixture_doc(1.0, 2), tmp_path / "new.json")
    assert main(["compare", base, new]) == 0


def test_different_runtime_build_refused_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = save(fixture_doc(1.0, 1), tmp_path / "base.json")
    new = save(fixture_doc(1.0, 2, sha="2" * 64), tmp_path / "new.json")
    assert main(["compare", base, new]) == 2
    assert "runtimes.node.sha256" in capsys.readouterr().err
    assert main(["compare", base, new, "--force"]) == 0


def test_different_machine_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = save(fixture_doc(1.0, 1), tmp_path / "base.json")
    new = save(fixture_doc(1.0, 2, cpu_model="Other CPU"), tmp_path / "new.json")
    assert main(["compare", base, new]) == 2
    assert "machine.cpu_model" in capsys.readouterr().err


def test_kernel_change_is_listed_but_not_blocking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = save(fixture_doc(1.0, 1), tmp_path / "base.json")
    new = save(fixture_doc(1.0, 2, kernel="6.2"), tmp_path / "new.json")
    assert main(["compare", base, new]) == 0
    assert "kernel: 6.1 → 6.2" in capsys.readouterr().err


def test_compare_json_and_md_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = save(fixture_doc(1.0, 1), tmp_path / "base.json")
    new = save(fixture_doc(1.10, 2), tmp_path / "new.json")
    assert main(["compare", base, new, "--format", "json"]) == 1
    assert '"regressions": 2' in capsys.readouterr().out
    assert main(["compare", base, new, "--format", "md"]) == 1
    assert "**regression**" in capsys.readouterr().out


def test_bad_fail_on_is_usage_error(tmp_path: Path) -> None:
    base = save(fixture_doc(1.0, 1), tmp_path / "base.json")
    assert main(["compare", base, base, "--fail-on", "lots"]) == 2


def test_fingerprint_differences() -> None:
    a = fingerprint.fingerprint(fixture_doc(1.0, 1))
    b = fingerprint.fingerprint(fixture_doc(1.0, 1, memory_gb=16.0, kernel="7"))
    diffs = {d.field: d.matters for d in fingerprint.differences(a, b)}
    assert diffs == {"machine.memory_gb": True, "kernel": False}
    assert fingerprint.differences(a, a) == []


def test_old_documents_without_fingerprint_are_derived() -> None:
    doc = fixture_doc(1.0, 1)
    doc.fingerprint = None
    assert fingerprint.of(doc).runtimes["node"].version == "24.1.0"
