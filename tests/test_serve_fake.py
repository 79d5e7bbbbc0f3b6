"""The serve suite's logic — the rate ladder, the generator cap, validity, the time budget,
settling, crashes and correctness — driven through its seams with fake servers and fake load
generators (``measure.fake.FakeFleet``): no runtime, no k6."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bakeoff.analysis import analyze
from bakeoff.measure.fake import FakeExecutor, FakeFleet, FakeService
from bakeoff.measure.loadgen import Request
from bakeoff.plan.contestants import name_contenders
from bakeoff.plan.primary import DecisionPlan, Primary
from bakeoff.results import ResultsDocument
from bakeoff.results.sections import PrimaryPlan
from bakeoff.runtimes.provision import Runtime
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.serve import Engines, Seams, ServeSpec, ServeSuite, ladder
from bakeoff.suites.serve.suite import enough_time
from docjson import raw

NAMES = ("node", "bun", "deno")


def _runtimes() -> list[Runtime]:
    return [Runtime(n, f"{n}@x", "1.0.0", Path(f"/opt/{n}"), "0" * 64, "registry") for n in NAMES]


def _suite(
    fleet: FakeFleet, spec: ServeSpec | None = None, answers: dict[str, Any] | None = None
) -> ServeSuite:
    def fetch(host: str, port: int, req: Request) -> tuple[int, Any]:
        binary = fleet.servers[port].argv[0]
        body = (answers or {}).get(binary, {"path": req.path})
        return 200, body

    seams = Seams(
        launcher=fleet.launch,
        engines=lambda ctx, spec, cpus: Engines(
            fleet, fleet, False, {"fixed_rate": "fake", "saturation": "fake"}
        ),
        fetch=fetch,
        sleep=lambda s: None,
    )
    spec = spec or ServeSpec(
        entry="server.js",
        mix=[Request("/a"), Request("/b")],
        ready_samples=3,
        reps=6,
        phase_s=2.0,
        warmup_s=1.0,
        saturation_s=1.0,
        probe_s=1.0,
        reference_rps=100.0,
    )
    return ServeSuite(spec, seams)


def _run(suite: ServeSuite, tmp_path: Path, budget_s: float | None = None) -> ResultsDocument:
    contenders = name_contenders(_runtimes())
    ex = FakeExecutor(lambda cmd, i: pytest.fail("the serve suite runs no command here"))
    plan = DecisionPlan("node", [Primary("service_runtime", n) for n in NAMES[1:]])
    ctx = SuiteContext(contenders, ex, tmp_path / "work", seed=7, budget_s=budget_s, decision=plan)
    doc = ResultsDocument(contestants=[c.to_result() for c in contenders])
    doc.settings.primary = PrimaryPlan.model_validate(plan.to_dict())
    assert suite.run(ctx, doc)
    analyze.analyze(doc, "node")
    return doc


def _fleet(**over: FakeService) -> FakeFleet:
    services = {
        "/opt/node": FakeService(cpu_ms_per_req=1.0, saturation_rps=2000, ready_ms=120),
        "/opt/bun": FakeService(cpu_ms_per_req=0.4, saturation_rps=5000, ready_ms=40),
        "/opt/deno": FakeService(cpu_ms_per_req=0.8, saturation_rps=3000, ready_ms=80),
    }
    services.update({f"/opt/{k}": v for k, v in over.items()})
    return FakeFleet(services, seed=3)


def test_rates_come_from_the_slowest_probe_and_cpu_settles_early(tmp_path: Path) -> None:
    fleet = _fleet()
    doc = _run(_suite(fleet), tmp_path)
    info = raw(doc)["suites"]["serve"]
    # the slowest (node, ~2000 req/s) × the 25/50/75% ladder, the same rates for everyone
    assert info["rates"]["slowest"] == "node"
    assert [round(r, -2) for r in info["rates"]["rps"]] == [500, 1000, 1500]
    # the reference rate is the ladder rate nearest the usage's peak (100 req/s)
    ref = info["reference_case"]
    assert ref == f"rate:{info['rates']['rps'][0]:g}"
    # a 2.5× CPU difference settles at the first look: 3 repetitions, not the maximum 6
    case = info["cases"][ref]
    assert case["stop_reason"] == "settled" and case["blocks"] == 3
    bun = next(c for c in doc.comparisons if c.contestant == "bun" and c.role == "primary")
    assert bun.metric == "cpu_ms_per_1k_req" and bun.verdict == "better"
    assert bun.ratio == pytest.approx(0.4, rel=0.1)
    ready = doc.measurement("serve", "ready", "ready_ms", "bun")
    assert ready.samples == [40.0, 40.0, 40.0]
    assert doc.measurement("serve", ref, "latency_p99_ms", "deno").valid
    assert all(s.stopped for s in fleet.launched)  # every server the suite started is stopped


def test_the_generator_cap_scales_the_ladder_down() -> None:
    rates, rec = ladder.ladder_rates({"a": 4000.0, "b": 9000.0}, (0.25, 0.5, 0.75), (1500.0, 80))
    assert rates == [500, 1000, 1500] and "scaled down" in rec["capped"]
    rates, rec = ladder.ladder_rates({"a": 4000.0}, (0.5,), (5000.0, 20))
    assert rates == [2000] and "capped" not in rec
    cap = ladder.generator_cap((50, 0.10), (2000, 0.20))
    assert cap is not None and cap[1] == pytest.approx(0.1 / 1950 * 1e6)
    assert ladder.generator_cap((50, 0.2), (40, 0.1)) is None
    assert ladder.reference_rate([100, 300, 900], 250) == 300
    assert ladder.reference_rate([100, 300, 900], None) == 900


def test_a_phase_the_generator_could_not_keep_is_invalid_and_left_out(tmp_path: Path) -> None:
    fleet = _fleet()
    fleet.generator_limit_rps = 1200  # the top rung (about 1500 req/s) falls behind
    doc = _run(_suite(fleet), tmp_path)
    top = f"rate:{raw(doc)['suites']['serve']['rates']['rps'][-1]:g}"
    p99 = doc.measurement("serve", top, "latency_p99_ms", "bun")
    assert not p99.valid and any("fell behind" in n for n in p99.notes)
    assert not any(c.case == top and c.ratio is not None for c in doc.comparisons)
    low = f"rate:{raw(doc)['suites']['serve']['rates']['rps'][0]:g}"
    assert doc.measurement("serve", low, "latency_p99_ms", "bun").valid


def test_the_time_budget_cuts_the_load_repetitions(tmp_path: Path) -> None:
    doc = _run(_suite(_fleet()), tmp_path, budget_s=0.0)
    info = raw(doc)["suites"]["serve"]
    case = info["cases"][info["reference_case"]]
    assert case["stop_reason"] == "budget" and case["blocks"] == 1
    assert "time budget" in info["cut"]
    assert not enough_time(10.0, 6.0, 2) and enough_time(None, 6.0, 2) and enough_time(12, 6, 2)


def test_a_server_that_crashes_under_load_is_recorded_and_dropped(tmp_path: Path) -> None:
    fleet = _fleet(deno=FakeService(crash_under_load=True, saturation_rps=3000))
    doc = _run(_suite(fleet), tmp_path)
    ready = doc.measurement("serve", "ready", "ready_ms", "deno")
    assert any("under load" in f.reason and "code 137" in f.reason for f in ready.failures)
    assert "crashed" in ready.failures[0].stderr_tail
    ref = raw(doc)["suites"]["serve"]["reference_case"]
    assert not any(m.contestant == "deno" and m.case == ref and m.valid for m in doc.measurements)
    bun = next(c for c in doc.comparisons if c.contestant == "bun" and c.role == "primary")
    assert bun.verdict == "better"  # the others are measured as if nothing happened


def test_a_server_that_never_becomes_ready_is_a_result(tmp_path: Path) -> None:
    fleet = _fleet(bun=FakeService(fail_start=True))
    doc = _run(_suite(fleet), tmp_path)
    ready = doc.measurement("serve", "ready", "ready_ms", "bun")
    assert not ready.valid and ready.failures
    assert "before it was ready" in ready.failures[0].reason
    # dropped after two failures: no probe, no load for it
    assert all(b != "/opt/bun" for b, _r, _d in fleet.phases)


def test_a_different_answer_makes_its_latencies_unusable(tmp_path: Path) -> None:
    fleet = _fleet()
    suite = _suite(fleet, answers={"/opt/deno": {"path": "/elsewhere"}})
    doc = _run(suite, tmp_path)
    assert raw(doc)["suites"]["serve"]["correctness"]["contestants"]["deno"] == [
        'GET /a: body differs: {"path": "/elsewhere"} vs reference {"path": "/a"}',
        'GET /b: body differs: {"path": "/elsewhere"} vs reference {"path": "/b"}',
    ]
    ref = raw(doc)["suites"]["serve"]["reference_case"]
    p99 = doc.measurement("serve", ref, "latency_p99_ms", "deno")
    assert not p99.valid and any("differ from the reference" in n for n in p99.notes)
