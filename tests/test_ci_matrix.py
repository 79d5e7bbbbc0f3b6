"""docs/ci/matrix.yml: the documented GitHub Actions matrix is well-formed, prices every runner
with a price the book has, and its merge step — run here with bash on two machines' documents —
produces the merged document and the Markdown it posts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import value_fixture
from bakeoff import results
from bakeoff.analysis import analyze
from bakeoff.config import prices as pricebook
from bakeoff.results import fingerprint

yaml = pytest.importorskip("yaml")
WORKFLOW = Path(__file__).resolve().parent.parent / "docs" / "ci" / "matrix.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return data


def _step(job: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in job["steps"] if s.get("name") == name)


def test_one_job_per_runner_uploads_its_results(workflow: dict[str, Any]) -> None:
    measure = workflow["jobs"]["measure"]
    include = measure["strategy"]["matrix"]["include"]
    assert len(include) >= 2 and len({m["label"] for m in include}) == len(include)
    assert measure["runs-on"] == "${{ matrix.runner }}"
    assert measure["strategy"]["fail-fast"] is False
    book = pricebook.load()
    for m in include:
        assert f"github.actions.{m['price']}" in book.prices or f"aws.ec2.{m['price']}" in (
            book.prices
        )
    upload = next(s for s in measure["steps"] if "upload-artifact" in s.get("uses", ""))
    assert "bakeoff-results/results.json" in upload["with"]["path"]
    assert "bakeoff run" in _step(measure, "measure")["run"]


def test_the_final_job_merges_and_posts(workflow: dict[str, Any]) -> None:
    merge = workflow["jobs"]["merge"]
    assert merge["needs"] == "measure" and merge["if"] == "always()"
    script = _step(merge, "merge")["run"]
    assert "bakeoff merge" in script and "$GITHUB_STEP_SUMMARY" in script
    comment = _step(merge, "comment on the pull request")
    assert "gh pr comment" in comment["run"]
    assert workflow["permissions"]["pull-requests"] == "write"


def _machine_doc(arch: str, cores: int, bun_scale: float) -> results.ResultsDocument:
    doc = value_fixture.build(names=("node", "bun"))
    doc.environment = doc.environment.model_copy(
        update={"arch": arch, "cores_logical": cores, "hostname_sha256": arch}
    )
    doc.project = {"name": "fixture-app"}
    for m in doc.measurements:
        if m.contestant == "bun":
            m.samples = [x * bun_scale for x in m.samples]
    analyze.analyze(doc, "node")
    doc.fingerprint = fingerprint.fingerprint(doc)
    return doc


def test_the_merge_step_runs(workflow: dict[str, Any], tmp_path: Path) -> None:
    include = workflow["jobs"]["measure"]["strategy"]["matrix"]["include"]
    for i, m in enumerate(include):
        folder = tmp_path / "results" / f"bakeoff-{m['label']}"
        folder.mkdir(parents=True)
        results.save(_machine_doc(f"arch{i}", 2 + 2 * i, 1.0 + 0.2 * i), folder / "results.json")
        (folder / "price").write_text(m["price"] + "\n")
    summary = tmp_path / "summary.md"
    env = os.environ | {
        "GITHUB_STEP_SUMMARY": str(summary),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    script = _step(workflow["jobs"]["merge"], "merge")["run"]
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    merged = results.load(tmp_path / "all.json")
    priced = {r.label: r.price and r.price.type for r in merged.machines}
    assert priced == {m["label"]: m["price"] for m in include}
    text = summary.read_text()
    assert "## Across machines" in text and f"## Machine `{include[1]['label']}`" in text
    assert (tmp_path / "all.md").read_text() == text
