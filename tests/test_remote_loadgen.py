"""Serve with the load generator on another Dask worker (``serve --loadgen``): a local
scheduler and a worker advertising ``loadgen=1`` run k6 against a server with a known stall on
this host; latency is timed by k6 on the worker, server CPU here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bakeoff.errors import OfflineError
from bakeoff.localcluster import LocalCluster, local_cluster
from bakeoff.measure.loadgen import Request, find_k6
from bakeoff.measure.process import LauncherExecutor
from bakeoff.measure.server import Readiness
from bakeoff.plan.contestants import name_contenders
from bakeoff.results import ResultsDocument
from bakeoff.runtimes.provision import Provisioner
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.serve import ServeSpec, ServeSuite
from bakeoff.suites.serve.remote import remote_engines
from bakeoff.suites.serve.suite import Seams
from docjson import raw

pytest.importorskip("distributed")
pytestmark = pytest.mark.integration
DATA = Path(__file__).parent / "data"


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[LocalCluster]:
    try:
        find_k6()  # provisioned once here, reused by the worker (same cache)
    except OfflineError as exc:
        pytest.skip(f"k6 cannot be provisioned: {exc}")
    with local_cluster(tmp_path, ["loadgen"]) as c:
        yield c


def test_a_remote_generator_measures_the_stall(
    cluster: LocalCluster, session_cache: Path, tmp_path: Path
) -> None:
    node = Provisioner(cache_dir=session_cache).ensure("node@lts")
    spec = ServeSpec(
        entry=str(DATA / "stall_server.mjs"),
        cwd=str(tmp_path),
        env={"STALL_MS": "100"},
        readiness=Readiness("tcp"),
        mix=[Request("/")],
        rates=[200.0],
        reps=1,
        ready_samples=2,
        phase_s=4.0,
        warmup_s=1.0,
        saturation=False,
    )
    suite = ServeSuite(spec, Seams(engines=remote_engines(cluster.address, "loadgen")))
    contenders = name_contenders([node])
    doc = ResultsDocument(contestants=[c.to_result() for c in contenders])
    with LauncherExecutor() as ex:
        assert suite.run(ctx := SuiteContext(contenders, ex, tmp_path / "work", seed=1), doc)
    assert ctx.workdir.exists()
    info = raw(doc)["suites"]["serve"]
    assert info["skipped"] is None, info["skipped"]
    assert "Dask worker" in info["engines"]["fixed_rate"]
    phase = info["phases"]["node"]["rate:200"][0]
    assert phase["requests"] >= 700, phase
    # about 10% of requests arrive during a 100 ms stall each second: p99 far above p50
    p99 = doc.measurement("serve", "rate:200", "latency_p99_ms", "node")
    p50 = doc.measurement("serve", "rate:200", "latency_p50_ms", "node")
    assert p99.samples and p99.samples[0] > 40 and p50.samples[0] < p99.samples[0] / 4
    cpu = doc.measurement("serve", "rate:200", "cpu_ms_per_1k_req", "node")
    assert cpu.samples and cpu.samples[0] > 0  # read on this host, around the remote phase


def test_no_worker_with_the_resource_skips_the_suite_saying_why(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    spec = ServeSpec(entry="x.js", mix=[Request("/")])
    engines = remote_engines(cluster.address, "nobody-has-this")
    ctx = SuiteContext([], LauncherExecutor(), tmp_path)
    reason = engines(ctx, spec, None)
    ctx.executor.close()
    assert isinstance(reason, str) and "advertises the resource 'nobody-has-this'" in reason
