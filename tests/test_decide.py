"""Per-surface decisions: each rule fires on the evidence it names, inconclusive evidence says
what would settle it, and every rule is documented in the README."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import value_fixture
from bakeoff import decide
from bakeoff.results import Comparison
from bakeoff.value.usage import ValueConfig, resolve
from docjson import raw


def _surface(doc: object, name: str) -> dict[str, object]:
    return next(s for s in raw(doc)["decision"]["surfaces"] if s["surface"] == name)  # type: ignore[attr-defined]


def _candidate(doc: object, surface: str, who: str) -> dict[str, Any]:
    found = _surface(doc, surface)["candidates"]
    return next(c for c in found if c["contestant"] == who)  # type: ignore[attr-defined]


def test_fixture_decisions_and_evidence() -> None:
    doc = value_fixture.build()
    decide.fill(doc)
    assert doc.decision is not None and doc.cost is not None
    pm = _surface(doc, "package_manager")
    assert (pm["decision"], pm["contestant"], pm["rule"]) == ("hybrid", "bun", "hybrid")
    assert pm["effect"]["metric"] == "wall_s" and pm["effect"]["ci"]  # type: ignore[index]
    assert "keep node in production" in str(pm["reason"])
    svc = _surface(doc, "service_runtime")
    # medium preset: two Fargate tasks either way, so the CPU saving does not reach the bill
    assert svc["rule"] == "not-worth-it" and svc["decision"] == "hold"
    assert svc["dollars"]["monthly_saving"]["monthly"] == "0.0000"  # type: ignore[index]
    pkg = _surface(doc, "packaging")
    assert pkg["decision"] == "trial" and pkg["rule"] == "packaging-works"


def test_big_traffic_makes_the_saving_pay_back() -> None:
    doc = value_fixture.build()
    cfg = ValueConfig.model_validate(
        {
            "preset": "medium",
            "traffic": {"peak_rps": 30000, "requests_per_month": 3_000_000_000},
            "deployment": {"min_instances": 0},
            "migration": {"areas": ["http"]},
        }
    )
    decide.fill(doc, cfg)
    svc = _surface(doc, "service_runtime")
    mig = raw(doc)["cost"]["migration"]["bun"]  # type: ignore[index]
    assert mig["payback_months"] is not None and mig["payback_months"] <= 12
    # bun's failing project tests still block the service runtime: a trial, not an adoption
    assert (svc["decision"], svc["rule"]) == ("trial", "blocked")
    assert any("project test" in b for b in svc["blockers"])  # type: ignore[attr-defined]
    assert doc.suites.test and doc.suites.test.parity
    doc.suites.test.parity.diff = []  # bun's failing tests fixed
    decide.fill(doc, cfg)
    svc = _surface(doc, "service_runtime")
    assert (svc["decision"], svc["rule"]) == ("adopt", "pays-back")
    # a tool surface follows the adopted runtime
    assert _surface(doc, "package_manager")["rule"] == "tooling-follows-runtime"


def test_primaries_decide_and_secondaries_do_not() -> None:
    doc = value_fixture.build()
    roles = {(c.suite, c.case, c.metric, c.contestant): c.role for c in doc.comparisons}
    assert roles[("install", "cold-lockfile", "wall_s", "bun")] == "primary"
    assert roles[("install", "warm-cache", "wall_s", "bun")] == "secondary"
    assert roles[("serve", "rate:100", "cpu_ms_per_1k_req", "bun")] == "primary"
    assert roles[("serve", "rate:500", "cpu_ms_per_1k_req", "bun")] == "secondary"
    assert roles[("serve", "rate:100", "latency_p99_ms", "bun")] == "guardrail"
    decide.fill(doc)
    # the warm-cache install (secondary) never decides the package manager
    for c in doc.comparisons:
        if c.suite == "install" and c.case == "warm-cache":
            c.verdict = "worse"
    decide.fill(doc)
    assert _surface(doc, "package_manager")["rule"] == "hybrid"


def test_inconclusive_says_what_would_settle_it() -> None:
    doc = value_fixture.build()
    for c in doc.comparisons:
        if c.suite == "build" and c.role == "primary":
            c.verdict = "inconclusive"
            c.runs_to_settle = 14
    decide.fill(doc, resolve(ValueConfig()))
    b = _surface(doc, "bundler")
    assert b["decision"] == "hold" and b["inconclusive"] and b["rule"] == "inconclusive"
    # names the knob that exists (a bakeoff.toml key and --budget), never a missing option
    settle = str(b["settle"])
    assert "[build] reps" in settle and "14" in settle and "--budget" in settle
    assert "--reps" not in settle and "to confirm" not in str(b["reason"])
    for c in doc.comparisons:
        if c.suite == "build" and c.role == "primary":
            c.runs_to_settle, c.mde = None, 0.07
    decide.fill(doc, resolve(ValueConfig()))
    assert "±7%" in str(_surface(doc, "bundler")["settle"])


def test_failed_suite_is_not_worded_as_not_run() -> None:
    doc = value_fixture.build()
    for m in doc.measurements:
        if m.suite == "build" and m.contestant == "bun":
            m.valid = False
            m.notes = ["the bundle does not work: exit code 1: SyntaxError: Unexpected token"]
    doc.comparisons = [
        c for c in doc.comparisons if not (c.suite == "build" and c.contestant == "bun")
    ]
    decide.fill(doc)
    b = _candidate(doc, "bundler", "bun")
    assert b["rule"] == "failed" and "SyntaxError" in b["failure"]
    assert "run the" not in str(b.get("settle", ""))


def test_worse_and_same_hold() -> None:
    doc = value_fixture.build()
    doc.comparisons = [c for c in doc.comparisons if c.suite != "test"] + [
        Comparison(
            suite="test",
            case="project",
            metric="wall_s",
            baseline="node",
            contestant="bun",
            ratio=1.3,
            ci=[1.2, 1.4],
            p_value=0.001,
            verdict="worse",
            role="primary",
            surface="test_runner",
        ),
        Comparison(
            suite="test",
            case="project",
            metric="wall_s",
            baseline="node",
            contestant="deno",
            ratio=1.0,
            ci=[0.98, 1.02],
            p_value=0.9,
            verdict="same",
            role="primary",
            surface="test_runner",
        ),
    ]
    decide.fill(doc)
    t = _surface(doc, "test_runner")
    assert t["decision"] == "hold"
    rules = {c["contestant"]: c["rule"] for c in t["candidates"]}  # type: ignore[attr-defined]
    assert rules == {"bun": "worse", "deno": "no-difference"}


def test_not_measured_surface() -> None:
    doc = value_fixture.build()
    doc.measurements = [m for m in doc.measurements if m.suite != "install"]
    doc.comparisons = [c for c in doc.comparisons if c.suite != "install"]
    decide.fill(doc)
    pm = _surface(doc, "package_manager")
    assert pm["rule"] == "not-measured" and "install suite" in str(pm["settle"])
    assert "--suite install" in str(pm["settle"])


def test_every_rule_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for rule in decide.RULES:
        assert f"`{rule}`" in readme, rule


def test_a_surface_the_budget_cut_is_not_worded_as_failed() -> None:
    """koa-typescript in a quick run: the frozen installs (the package manager's endpoint) got
    1 run for Bun and none for Node before the budget ran out — nothing failed, yet the
    decision read "could not be decided — no valid measurement" with rule `failed`."""
    doc = value_fixture.build()
    doc.settings.quick = True
    for m in doc.measurements:
        if m.suite == "install" and m.metric == "wall_s" and m.contestant in ("node", "bun"):
            m.valid = False
            m.samples = m.samples[:1] if m.contestant == "bun" else []
            m.notes = [f"only {len(m.samples)} runs (< min 3): stopped by budget"]
    doc.comparisons = [c for c in doc.comparisons if c.suite != "install"]
    decide.fill(doc)
    bun = _candidate(doc, "package_manager", "bun")
    assert bun["rule"] == "cut" and bun["decision"] == "hold"
    assert "bun: 1 run" in bun["failure"] and "node: 0 runs" in bun["failure"]
    assert "run without --quick" in bun["settle"]
    # a real failure among them stays `failed`
    for m in doc.measurements:
        if m.suite == "install" and m.metric == "wall_s" and m.contestant == "bun":
            m.notes = ["3 runs failed; last: exited with code 1"]
    decide.fill(doc)
    bun = _candidate(doc, "package_manager", "bun")
    assert bun["rule"] == "failed"


def test_a_service_the_budget_cut_to_one_load_repetition_is_cut_not_failed() -> None:
    """sqlite-web in a quick run: "time budget: 1 of 4 load repetitions ran", so CPU per
    request at the reference rate had "only 1 valid repetition" — worded as a failure."""
    doc = value_fixture.build()
    info = doc.suites.serve
    assert info is not None and info.reference_case
    info.cut = "time budget: 1 of 4 load repetitions ran"
    for m in doc.measurements:
        if m.suite == "serve" and m.case == info.reference_case and m.metric == "cpu_ms_per_1k_req":
            m.valid, m.samples, m.notes = False, m.samples[:1], ["only 1 valid repetition"]
    doc.comparisons = [c for c in doc.comparisons if c.suite != "serve"]
    decide.fill(doc)
    svc = _surface(doc, "service_runtime")
    rules = {c["contestant"]: c["rule"] for c in svc["candidates"]}  # type: ignore[attr-defined]
    assert set(rules.values()) == {"cut"}, rules
    # without the suite's budget cut, the same notes are a failure to measure
    info.cut = None
    decide.fill(doc)
    svc = _surface(doc, "service_runtime")
    assert {c["rule"] for c in svc["candidates"]} == {"failed"}  # type: ignore[attr-defined]


def test_a_failed_decision_quotes_the_line_that_names_the_cause() -> None:
    """fastify starter: Deno's service decision read "start: server exited with code 1 before
    it was ready" — the line that says why ("exports is not defined") was only in the tails."""
    from bakeoff.results import Failure

    doc = value_fixture.build()
    for m in doc.measurements:
        if m.suite == "serve" and m.contestant == "bun":
            m.valid, m.samples = False, []
            m.failures = [
                Failure(
                    reason="start: server exited with code 1 before it was ready",
                    exit_code=1,
                    stderr_tail="error: Uncaught (in promise) ReferenceError: exports is not "
                    "defined\n    at file:///app/dist/index.js:2:23\n",
                )
            ]
    doc.comparisons = [
        c for c in doc.comparisons if not (c.suite == "serve" and c.contestant == "bun")
    ]
    decide.fill(doc)
    bun = _candidate(doc, "service_runtime", "bun")
    assert bun["rule"] == "failed" and "exports is not defined" in bun["failure"]


def test_a_suite_the_budget_never_started_is_cut_not_not_measured() -> None:
    """sqlite-web: the install suite was "not run: the time budget was spent before this suite
    started"; the package manager decision advised enabling the install suite."""
    doc = value_fixture.build()
    doc.settings.quick = True
    doc.measurements = [m for m in doc.measurements if m.suite != "install"]
    doc.comparisons = [c for c in doc.comparisons if c.suite != "install"]
    doc.suites.ensure(
        "install"
    ).cut = "not run: the time budget was spent before this suite started"
    decide.fill(doc)
    pm = _surface(doc, "package_manager")
    for c in pm["candidates"]:  # type: ignore[attr-defined]
        assert c["rule"] == "cut", c
        assert "before the install suite started" in c["failure"]
        assert "--suite install" not in c["settle"]
