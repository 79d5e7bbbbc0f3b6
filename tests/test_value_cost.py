"""Every cost line against hand-computed figures: GitHub per-job rounding, Lambda tiers and free
tiers, Fargate, Cloud Run, Azure Functions' measured-memory buckets, Container Apps, EC2,
developer waiting (time, not cash), savings ranges and migration payback."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from bakeoff.analysis import analyze
from bakeoff.config import prices as pricebook
from bakeoff.results import CompatResult, Contestant, Measurement, ResultsDocument
from bakeoff.value import model
from bakeoff.value.usage import Usage, ValueConfig, resolve


def doc_with(
    values: dict[tuple[str, str, str], dict[str, float]], spread: float = 0.0
) -> ResultsDocument:
    """A document whose samples are exactly ``value`` (or ±spread around it)."""
    names = sorted({n for v in values.values() for n in v}, key=lambda n: n != "node")
    doc = ResultsDocument(
        contestants=[
            Contestant(name=n, runtime=n, version="1", binary="/x", sha256="0" * 64) for n in names
        ]
    )
    for (suite, case, metric), by in values.items():
        for n, v in by.items():
            samples = [v] * 9 if not spread else [v * (1 + spread * k / 4) for k in range(-4, 5)]
            doc.measurements.append(
                Measurement(
                    suite=suite, case=case, metric=metric, contestant=n, unit="x", samples=samples
                )
            )
    analyze.analyze(doc, "node")
    return doc


def usage(**sections: dict[str, Any]) -> Usage:
    return resolve(ValueConfig.model_validate({"preset": "medium", **sections}))


def book(**overrides: Any) -> pricebook.PriceBook:
    return pricebook.load(overrides)


def line(cost: dict[str, Any], who: str, name: str) -> dict[str, Any]:
    return next(x for x in cost["contestants"][who]["lines"] if x["name"] == name)


def D(x: str | None) -> Decimal:
    assert x is not None
    return Decimal(x)


SERVE = ("serve", "rate:100", "cpu_ms_per_1k_req")
LAT = ("serve", "rate:100", "latency_p50_ms")
RSS = ("serve", "rate:100", "peak_rss_mb")
READY = ("serve", "ready", "ready_ms")


def test_github_rounds_each_job_up_to_a_whole_minute() -> None:
    doc = doc_with({("ci", "total", "wall_s"): {"node": 50.0, "bun": 30.0, "deno": 70.0}})
    u = usage(ci={"pipelines_per_month": 100, "jobs_per_pipeline": 2, "job_overhead_s": 0})
    cost = model.compute(doc, u, book()).model_dump()
    # 50 s -> 1 min, 30 s -> 1 min, 70 s -> 2 min; × 2 jobs × 100 pipelines × $0.006
    assert line(cost, "node", "CI minutes")["quantity"] == 200
    assert D(line(cost, "node", "CI minutes")["monthly"]) == Decimal("1.2000")
    assert D(line(cost, "bun", "CI minutes")["monthly"]) == Decimal("1.2000")
    assert D(line(cost, "deno", "CI minutes")["monthly"]) == Decimal("2.4000")
    # 20 s saved per job is no billed minute saved, only waiting
    assert D(cost["savings"]["bun"]["cash"]["monthly"]) == 0
    assert cost["savings"]["bun"]["hours"]["monthly"] == pytest.approx(100 * 20 / 3600)


def test_ci_falls_back_to_install_build_test_sum() -> None:
    doc = doc_with(
        {
            ("install", "cold-lockfile", "wall_s"): {"node": 30.0, "bun": 5.0},
            ("test", "project", "wall_s"): {"node": 20.0, "bun": 10.0},
        }
    )
    u = usage(ci={"pipelines_per_month": 10, "jobs_per_pipeline": 1, "job_overhead_s": 20})
    cost = model.compute(doc, u, book()).model_dump()
    ci = line(cost, "node", "CI minutes")
    assert ci["quantity"] == 10 * 2  # 30 + 20 + 20 overhead = 70 s -> 2 min
    assert "install + test" in ci["note"]
    assert line(cost, "bun", "CI minutes")["quantity"] == 10 * 1  # 35 s -> 1 min


def _lambda_doc(cpu_1k: float = 2000.0, lat: float = 1.5, ready: float = 120.0) -> ResultsDocument:
    return doc_with(
        {
            SERVE: {"node": cpu_1k, "bun": cpu_1k},
            LAT: {"node": lat, "bun": lat},
            RSS: {"node": 60.0, "bun": 50.0},
            READY: {"node": ready, "bun": ready},
        }
    )


def test_lambda_duration_requests_and_free_tier() -> None:
    u = usage(
        traffic={"requests_per_month": 10_000_000, "peak_rps": 100},
        deployment={"platform": "lambda", "memory_mb": 1024, "cold_start_rate": 0.0},
    )
    cost = model.compute(_lambda_doc(), u, book()).model_dump()
    dur = line(cost, "node", "Lambda duration")
    # 2 ms CPU at 1024/1769 vCPU = 3.455 ms > 1.5 ms latency -> 4 ms billed; 10M × 4 ms × 1 GB
    assert dur["quantity"] == pytest.approx(40_000)
    assert D(dur["monthly"]) == 0  # inside the 400,000 GB-s free tier
    assert D(line(cost, "node", "Lambda requests")["monthly"]) == Decimal("1.8000")  # 9M × $0.20/1M
    u2 = usage(
        traffic={"requests_per_month": 10_000_000, "peak_rps": 100},
        deployment={
            "platform": "lambda",
            "memory_mb": 1024,
            "cold_start_rate": 0.0,
            "apply_free_tier": False,
        },
    )
    cost2 = model.compute(_lambda_doc(), u2, book()).model_dump()
    assert D(line(cost2, "node", "Lambda duration")["monthly"]) == Decimal(
        "0.6667"
    )  # 40,000 × 0.0000166667
    assert D(line(cost2, "node", "Lambda requests")["monthly"]) == Decimal("2.0000")


def test_lambda_second_price_tier() -> None:
    assert book().prices["aws.lambda.duration.x86"].up_to == 6_000_000_000
    u = usage(
        traffic={"requests_per_month": 2_000_000_000, "peak_rps": 1000},
        deployment={
            "platform": "lambda",
            "memory_mb": 1024,
            "apply_free_tier": False,
            "cold_start_rate": 0.0,
        },
    )
    # the shipped boundary is 6B GB-s; move it to 5M to exercise the tier with the real prices
    b = book(**{"aws.lambda.duration.x86": {"amount": "0.0000166667", "up_to": 5_000_000}})
    cost = model.compute(_lambda_doc(), u, b).model_dump()
    # 2B × 4 ms × 1 GB = 8M GB-s: 5M × 0.0000166667 + 3M × 0.000015
    assert D(line(cost, "node", "Lambda duration")["monthly"]) == Decimal("128.3335")


def test_lambda_arm_price_and_cold_starts() -> None:
    u = usage(
        traffic={"requests_per_month": 10_000_000, "peak_rps": 100},
        deployment={
            "platform": "lambda",
            "arch": "arm",
            "memory_mb": 1024,
            "apply_free_tier": False,
            "cold_start_rate": 0.01,
        },
    )
    cost = model.compute(_lambda_doc(), u, book()).model_dump()
    cold = line(cost, "node", "Lambda INIT (cold starts)")
    # 100,000 cold starts × 120 ms × 1 GB = 12,000 GB-s, after 40,000 GB-s of invocations
    assert cold["quantity"] == pytest.approx(12_000)
    assert D(cold["monthly"]) == Decimal("0.1600")  # 12,000 × 0.0000133334
    assert cold["refs"][0]["metric"] == "ready_ms"


def test_fargate_instances_from_cpu_per_request() -> None:
    doc = doc_with({SERVE: {"node": 3000.0, "bun": 1000.0}, RSS: {"node": 80.0, "bun": 60.0}})
    u = usage(
        traffic={"peak_rps": 250},
        deployment={"platform": "fargate", "min_instances": 0, "vcpu": 0.5, "memory_mb": 1024},
    )
    cost = model.compute(doc, u, book()).model_dump()
    # node: 250 rps × 3 ms / (0.5 vCPU × 60%) = 2.5 -> 3 tasks; bun: 0.83 -> 1 task
    assert line(cost, "node", "Fargate vCPU")["quantity"] == 3 * 730 * 0.5
    assert D(line(cost, "node", "Fargate vCPU")["monthly"]) == Decimal("44.3256")
    assert D(line(cost, "node", "Fargate memory")["monthly"]) == Decimal("9.7346")  # 2190 GB-h
    assert D(line(cost, "bun", "Fargate vCPU")["monthly"]) == Decimal("14.7752")
    assert D(cost["savings"]["bun"]["cash"]["monthly"]) == Decimal("29.5504") + Decimal("6.4897")
    mem = line(cost, "bun", "Fargate memory")
    assert "lower RSS saves money only if you lower the setting" in mem["note"]
    assert mem["refs"][0]["metric"] == "peak_rss_mb"


def test_fargate_right_sized_memory_lets_lower_rss_save() -> None:
    doc = doc_with({SERVE: {"node": 1000.0, "bun": 1000.0}, RSS: {"node": 600.0, "bun": 300.0}})
    u = usage(
        deployment={
            "platform": "fargate",
            "min_instances": 1,
            "right_size_memory": True,
            "memory_headroom": 0.3,
        }
    )
    cost = model.compute(doc, u, book()).model_dump()
    # node 600 × 1.3 = 780 MB -> 1024 MB; bun 390 MB -> 512 MB (Fargate steps of 512)
    assert "1024 MB" in line(cost, "node", "Fargate memory")["note"]
    assert "512 MB" in line(cost, "bun", "Fargate memory")["note"]
    saving = D(cost["savings"]["bun"]["cash"]["monthly"])
    assert saving == (Decimal(730) * Decimal("0.5") * Decimal("0.004445")).quantize(
        Decimal("0.0001")
    )


def test_cloud_run_cpu_bound_instance_time_and_free_tier() -> None:
    doc = doc_with(
        {
            SERVE: {"node": 2000.0, "bun": 2000.0},
            LAT: {"node": 10.0, "bun": 10.0},
            RSS: {"node": 100.0, "bun": 100.0},
        }
    )
    u = usage(
        traffic={"requests_per_month": 100_000_000},
        deployment={
            "platform": "cloud_run",
            "vcpu": 1.0,
            "memory_mb": 512,
            "target_utilisation": 0.5,
            "concurrency": 80,
            "cold_start_rate": 0.0,
        },
    )
    cost = model.compute(doc, u, book()).model_dump()
    # max(100M × 10 ms / 80 = 12,500 s, 100M × 2 ms / 0.5 = 400,000 s) = 400,000 instance-s
    assert line(cost, "node", "Cloud Run vCPU")["quantity"] == pytest.approx(400_000)
    assert D(line(cost, "node", "Cloud Run vCPU")["monthly"]) == Decimal(
        "5.2800"
    )  # (400k-180k) × 0.000024
    assert D(line(cost, "node", "Cloud Run memory")["monthly"]) == 0  # 200k GiB-s < 360k free
    assert D(line(cost, "node", "Cloud Run requests")["monthly"]) == Decimal(
        "39.2000"
    )  # 98M × 0.40/1M


def test_azure_functions_bill_measured_memory_in_128_mb_buckets() -> None:
    doc = doc_with(
        {
            SERVE: {"node": 2000.0, "bun": 2000.0},
            LAT: {"node": 1.5, "bun": 1.5},
            RSS: {"node": 130.0, "bun": 100.0},
        }
    )
    u = usage(
        traffic={"requests_per_month": 10_000_000},
        deployment={"platform": "azure_functions", "cold_start_rate": 0.0},
    )
    cost = model.compute(doc, u, book()).model_dump()
    # 10M × 2 ms × 256 MB bucket = 5,000 GB-s × $0.000016; bun's 100 MB fits the 128 MB bucket
    assert D(line(cost, "node", "Functions execution")["monthly"]) == Decimal("0.0800")
    assert D(line(cost, "bun", "Functions execution")["monthly"]) == Decimal("0.0400")
    assert D(line(cost, "node", "Functions executions")["monthly"]) == Decimal("2.0000")
    assert "lowers the bill by itself" in line(cost, "bun", "memory")["note"]
    assert D(cost["savings"]["bun"]["cash"]["monthly"]) == Decimal("0.0400")


def test_container_apps_free_grant() -> None:
    doc = doc_with({SERVE: {"node": 1000.0, "bun": 1000.0}, RSS: {"node": 100.0, "bun": 100.0}})
    u = usage(
        traffic={"requests_per_month": 1_000_000, "peak_rps": 10},
        deployment={
            "platform": "container_apps",
            "min_instances": 2,
            "vcpu": 0.5,
            "memory_mb": 1024,
        },
    )
    cost = model.compute(doc, u, book()).model_dump()
    # 2 replicas × 2,628,000 s × 0.5 vCPU = 2,628,000 vCPU-s - 180,000 free
    assert D(line(cost, "node", "Container Apps vCPU")["monthly"]) == Decimal("58.7520")
    assert D(line(cost, "node", "Container Apps memory")["monthly"]) == Decimal("14.6880")
    assert D(line(cost, "node", "Container Apps requests")["monthly"]) == 0  # under 2M free


def test_ec2_instances_and_memory_bound_note() -> None:
    doc = doc_with({SERVE: {"node": 1000.0, "bun": 1000.0}, RSS: {"node": 100.0, "bun": 2000.0}})
    u = usage(
        traffic={"peak_rps": 1000},
        deployment={"platform": "ec2", "instance_type": "c7g.large", "min_instances": 1},
    )
    cost = model.compute(doc, u, book()).model_dump()
    # 1000 rps × 1 ms / 60% = 2 processes; c7g.large holds 2 -> 1 instance × 730 h × $0.0725
    assert D(line(cost, "node", "EC2 c7g.large")["monthly"]) == Decimal("52.9250")
    # bun's 2,000 MB (+30%) fits once in 4 GiB: memory-bound, 2 instances
    assert D(line(cost, "bun", "EC2 c7g.large")["monthly"]) == Decimal("105.8500")
    assert "memory decides" in line(cost, "bun", "memory")["note"]


def test_developer_waiting_is_time_first_and_never_cash() -> None:
    doc = doc_with({("test", "project", "wall_s"): {"node": 18.0, "bun": 9.0}})
    u = usage(
        team={
            "engineers": 2,
            "test_runs_per_day": 10,
            "working_days_per_month": 20,
            "hourly_rate": 100,
        }
    )
    u.ci.someone_waits = False
    cost = model.compute(doc, u, book()).model_dump()
    wait = line(cost, "node", "local test runs")
    assert wait["kind"] == "time"
    assert wait["hours"] == pytest.approx(2.0)  # 400 runs × 18 s
    assert D(wait["monthly"]) == Decimal("200.0000")
    assert cost["savings"]["bun"]["hours"]["monthly"] == pytest.approx(1.0)
    assert D(cost["savings"]["bun"]["time_value"]) == Decimal("100.0000")
    # CI minutes are the only cash here; the waiting never enters it
    assert D(cost["contestants"]["node"]["cash"]["monthly"]) == D(
        line(cost, "node", "CI minutes")["monthly"]
    )


def test_savings_range_comes_from_the_measurement_cis() -> None:
    doc = doc_with(
        {
            SERVE: {"node": 2000.0, "bun": 1500.0},
            LAT: {"node": 10.0, "bun": 10.0},
            RSS: {"node": 100.0, "bun": 100.0},
        },
        spread=0.08,
    )
    u = usage(
        traffic={"requests_per_month": 500_000_000},
        deployment={"platform": "cloud_run", "vcpu": 1.0, "cold_start_rate": 0.0},
    )
    cost = model.compute(doc, u, book()).model_dump()
    sav = cost["savings"]["bun"]["cash"]
    assert D(sav["low"]) < D(sav["monthly"]) < D(sav["high"])
    ref = line(cost, "bun", "Cloud Run vCPU")["refs"][0]
    assert (ref["suite"], ref["case"], ref["metric"]) == SERVE and ref["ratio_ci"]


def test_missing_price_is_unknown_not_zero() -> None:
    doc = doc_with({("ci", "total", "wall_s"): {"node": 50.0, "bun": 30.0}})
    b = book()
    cost = model.compute(doc, usage(ci={"runner": "linux_64core"}), b).model_dump()
    assert line(cost, "node", "CI minutes")["monthly"] is None
    assert cost["contestants"]["node"]["complete"] is False
    assert cost["contestants"]["node"]["cash"]["monthly"] is None
    assert any("github.actions.linux_64core" in w for w in cost["warnings"])


def test_migration_cost_payback_and_statement() -> None:
    doc = doc_with({SERVE: {"node": 3000.0, "bun": 1000.0}, RSS: {"node": 100.0, "bun": 100.0}})
    doc.compat = [
        CompatResult(area="worker_threads", check="a", contestant="bun", status="fail"),
        CompatResult(area="worker_threads", check="a", contestant="node", status="pass"),
        CompatResult(area="http2", check="b", contestant="bun", status="error"),
        CompatResult(area="http2", check="b", contestant="node", status="pass"),
        CompatResult(area="intl", check="c", contestant="bun", status="fail"),
        CompatResult(area="intl", check="c", contestant="node", status="fail"),  # fails on both
    ]
    # bun fails 4 project tests, one of which fails under node too: 3 count
    rows = [{"test": f"t{i}", "status": {"node": "passed", "bun": "failed"}} for i in range(3)]
    rows.append({"test": "t3", "status": {"node": "failed", "bun": "failed"}})
    doc.suites.put("test", {"parity": {"tests": 4, "diff": rows[:3]}})
    u = usage(
        traffic={"peak_rps": 250},
        deployment={"platform": "fargate", "min_instances": 0, "vcpu": 0.5},
        migration={
            "fixed_hours": 10,
            "hours_per_failing_check": 5,
            "hours_per_failing_test": 2,
            "hourly_rate": 50,
            "areas": ["worker_threads", "http2", "intl"],
        },
    )
    cost = model.compute(doc, u, book()).model_dump()
    mig = cost["migration"]["bun"]
    assert len(mig["findings"]) == 2 and mig["failing_tests"] == 3
    assert mig["hours"] == 10 + 2 * 5 + 3 * 2
    assert D(mig["cost"]) == Decimal(26 * 50)
    saving = D(cost["savings"]["bun"]["cash"]["monthly"])
    assert mig["payback_months"] == pytest.approx(float(Decimal(1300) / saving))
    assert "67% less CPU per request" in mig["statement"]
    assert f"payback {mig['payback_months']:.0f} months" in mig["statement"]
    assert mig["statement"].endswith("not worth migrating now") == (mig["payback_months"] > 12)
    only_http2 = usage(
        traffic={"peak_rps": 250},
        deployment={"platform": "fargate"},
        migration={"areas": ["http2"]},
    )
    assert (
        len(model.compute(doc, only_http2, book()).model_dump()["migration"]["bun"]["findings"])
        == 1
    )


def test_not_worth_migrating_statement() -> None:
    doc = doc_with({SERVE: {"node": 3000.0, "bun": 1000.0}, RSS: {"node": 100.0, "bun": 100.0}})
    u = usage(
        traffic={"peak_rps": 250},
        deployment={"platform": "fargate", "min_instances": 0},
        migration={"fixed_hours": 200},
    )
    mig = model.compute(doc, u, book()).model_dump()["migration"]["bun"]
    assert mig["worth"] is False
    assert (
        mig["statement"].endswith("not worth migrating now")
        or "not worth migrating now" in mig["statement"]
    )


def _fail(doc: ResultsDocument, suite: str, who: str, why: str) -> None:
    """``who``'s measurements of ``suite`` ran and failed (invalid, with the failure)."""
    from bakeoff.results import Failure

    for m in doc.measurements:
        if m.suite == suite and m.contestant == who:
            m.valid, m.samples, m.median, m.ci = False, [], None, None
            m.failures = [Failure(reason=why, exit_code=1, command=f"{who} test")]


def test_a_suite_that_failed_for_the_candidate_makes_waiting_unknown_not_smaller() -> None:
    doc = doc_with(
        {
            ("test", "tests", "wall_s"): {"node": 18.0, "bun": 9.0, "deno": 1.0},
            ("install", "cold-lockfile", "wall_s"): {"node": 30.0, "bun": 6.0, "deno": 10.0},
        }
    )
    _fail(doc, "test", "deno", "the suite did not run: require is not defined")
    cost = model.compute(doc, usage(), book()).model_dump()
    wait = line(cost, "deno", "local test runs")
    assert wait["hours"] is None and wait["monthly"] is None
    assert "require is not defined" in wait["note"]
    assert cost["contestants"]["deno"]["hours"]["monthly"] is None
    sav = cost["savings"]["deno"]
    assert sav["hours"]["monthly"] is None and sav["time_value"] is None
    # the CI job (install + test, no ci suite) is unknown too: never install alone
    assert line(cost, "deno", "CI minutes")["monthly"] is None
    assert sav["cash"]["monthly"] is None
    assert any("require is not defined" in u for u in sav["unknown"]["waiting"])
    stmt = cost["migration"]["deno"]["statement"]
    assert "waiting time unknown (the same cause)" in stmt and "cash savings unknown" in stmt
    assert "migration $" in stmt  # the effort is still stated when the saving is unknown
    # bun ran everything: its savings stay known
    assert cost["savings"]["bun"]["hours"]["monthly"] is not None


def test_a_suite_that_failed_for_the_baseline_makes_savings_unknown() -> None:
    doc = doc_with({("test", "tests", "wall_s"): {"node": 18.0, "bun": 9.0}})
    _fail(doc, "test", "node", "exit code 2")
    cost = model.compute(doc, usage(), book()).model_dump()
    assert cost["savings"]["bun"]["hours"]["monthly"] is None
    assert cost["savings"]["bun"]["unknown"]["waiting"]


def test_an_unusable_measurement_is_explained_by_its_reason_not_its_noise() -> None:
    doc = doc_with({("test", "tests", "wall_s"): {"node": 18.0, "bun": 9.0}})
    bun = next(m for m in doc.measurements if m.contestant == "bun")
    bun.valid = False
    bun.notes = ["ran 15 of 21 tests: not comparable", "outliers: min -11% / max +148%"]
    cost = model.compute(doc, usage(), book()).model_dump()
    assert "ran 15 of 21 tests" in line(cost, "bun", "local test runs")["note"]
