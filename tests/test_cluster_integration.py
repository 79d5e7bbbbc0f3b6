"""``bakeoff run --cluster`` end to end: a Dask scheduler and two workers on loopback, each
advertising its own machine label, run the bundled sample's start-up suite with real runtimes;
one merged document comes back. Killing one worker mid-run leaves the other machine complete
and the lost one recorded as failed. Every process the test starts is stopped by its pid (each
in its own session, so its group id is that pid)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bakeoff import results
from bakeoff.localcluster import BIN, LocalCluster, local_cluster
from bakeoff.suites import catalog
from docjson import raw

pytest.importorskip("distributed")
pytestmark = pytest.mark.integration

LABELS = ("box-a", "box-b")
RUN_TIMEOUT_S = 480  # one quick start-up suite per machine, both on this 2-core machine


Fleet = LocalCluster


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[Fleet]:
    with local_cluster(tmp_path, LABELS) as cluster:
        yield cluster


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The bundled sample's project folder, with the bakeoff.toml `bakeoff init` writes."""
    folder = tmp_path / "sample"
    shutil.copytree(catalog.sample_project(), folder)
    init = [str(BIN / "bakeoff"), "init", str(folder), "-r", "node@lts", "-r", "bun@latest"]
    subprocess.run(init, check=True, capture_output=True, timeout=120)
    return folder


def _run(project: Path, fleet: Fleet, out: Path) -> subprocess.Popen[bytes]:
    argv = [str(BIN / "bakeoff"), "run", "--cluster", fleet.address, "--machines"]
    argv += [",".join(LABELS), "--suite", "startup", "--quick", "--out", str(out)]
    with (fleet.logs / "bakeoff.log").open("wb") as log:
        return subprocess.Popen(argv, cwd=project, stdout=log, stderr=subprocess.STDOUT)


def _finish(proc: subprocess.Popen[bytes], fleet: Fleet) -> int:
    try:
        return proc.wait(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail("bakeoff run --cluster did not finish: " + _log(fleet))


def _log(fleet: Fleet, tail: int = 3000) -> str:
    return (fleet.logs / "bakeoff.log").read_text(errors="replace")[-tail:]


def _machine_ok(run: Any) -> None:
    doc = run.document
    assert doc is not None and doc.status == "complete", run
    assert doc.machine_label == run.label
    assert doc.project and raw(doc)["project"]["name"] == "bakeoff-sample"
    assert {c.name for c in doc.contestants} == {"node", "bun"}
    walls = [c for c in doc.comparisons if c.metric == "wall_ms" and c.contestant == "bun"]
    assert walls and all(c.baseline == "node" for c in walls)
    assert any(c.ratio is not None for c in walls)


def test_two_machines_one_merged_document(project: Path, fleet: Fleet, tmp_path: Path) -> None:
    out = tmp_path / "out"
    rc = _finish(_run(project, fleet, out), fleet)
    assert rc == 0, _log(fleet)
    merged = results.load(out / "results.json")
    assert [m.label for m in merged.machines] == list(LABELS)
    assert merged.status == "complete"
    for run in merged.machines:
        _machine_ok(run)
        assert (out / "machines" / run.label / "results.json").is_file()
    # both workers share this host: the merge says so instead of calling it two machines
    assert any("same machine" in w for w in merged.warnings)
    view = raw(merged)["cross_machine"]
    hello = next(
        r
        for r in view["comparisons"]
        if (r["case"], r["metric"], r["contestant"]) == ("hello", "wall_ms", "bun")
    )
    assert [e["label"] for e in hello["machines"]] == list(LABELS)
    assert hello["pooled"] and hello["pooled"]["k"] == 2
    md = (out / "report.md").read_text()
    assert "## Across machines" in md and "## Machine `box-b`" in md
    log = _log(fleet, tail=0)
    assert "box-a: started on" in log and "box-b: started on" in log


def test_a_killed_worker_is_a_recorded_failure(project: Path, fleet: Fleet, tmp_path: Path) -> None:
    from distributed import Client

    victim = fleet.workers["box-b"]
    killed = threading.Event()

    def on_event(event: tuple[float, dict[str, Any]]) -> None:
        msg = event[1]
        # kill box-b's worker once it is measuring (a run event), not before
        if msg.get("label") == "box-b" and msg.get("kind") == "run" and not killed.is_set():
            killed.set()
            os.kill(victim.pid, signal.SIGKILL)

    out = tmp_path / "out"
    with Client(fleet.address, timeout=30, set_as_default=False) as client:
        client.subscribe_topic("bakeoff-progress", on_event)  # type: ignore[no-untyped-call]
        rc = _finish(_run(project, fleet, out), fleet)
    assert killed.is_set(), "box-b never started measuring: " + _log(fleet)
    assert victim.wait(timeout=10) == -signal.SIGKILL
    assert rc == 0, _log(fleet)
    merged = results.load(out / "results.json")
    assert merged.status == "partial"
    a, b = merged.machines
    _machine_ok(a)
    assert b.label == "box-b" and b.status == "failed" and b.document is None
    assert b.failure is not None and "left the cluster" in b.failure.reason
    assert any("box-b" in w and "left the cluster" in w for w in merged.warnings)
    assert "box-b: failed: worker" in " ".join(_log(fleet, tail=0).split())
