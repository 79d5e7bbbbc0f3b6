"""The verdict rule on synthetic samples with known effects (fake executor): identical
distributions never get a better/worse verdict; known effects are found; every case has a
minimum detectable effect."""

from __future__ import annotations

import math

import pytest

from bakeoff.analysis import analyze, stats
from bakeoff.measure.fake import FakeExecutor, lognormal
from bakeoff.measure.process import Command
from bakeoff.measure.record import measurements_from
from bakeoff.measure.scheduler import Cell, Scheduler
from bakeoff.plan.stopping import StopRule
from bakeoff.results import ResultsDocument
from docjson import raw


def run_pair(a_ms: float, b_ms: float, seed: int, sigma: float = 0.03) -> ResultsDocument:
    ex = FakeExecutor(lognormal({"a": a_ms, "b": b_ms}, sigma, seed))
    rule = StopRule()
    out = Scheduler(ex, rule, seed=seed).run_case(
        "case", [Cell("A", Command(("a",))), Cell("B", Command(("b",)))]
    )
    doc = ResultsDocument()
    doc.measurements = measurements_from("startup", "case", out, rule.min_runs)
    return analyze.analyze(doc, "A")


def wall(doc: ResultsDocument) -> str:
    return next(c.verdict for c in doc.comparisons if c.metric == "wall_ms")


def test_identical_distributions_never_flip() -> None:
    verdicts = [wall(run_pair(30.0, 30.0, seed)) for seed in range(30)]
    assert not [v for v in verdicts if v in ("better", "worse")], verdicts


@pytest.mark.parametrize(("b_ms", "expected"), [(33.0, "worse"), (27.0, "better")])
def test_known_ten_percent_effects_are_found(b_ms: float, expected: str) -> None:
    verdicts = [wall(run_pair(30.0, b_ms, seed)) for seed in range(10)]
    assert verdicts == [expected] * 10


def test_effect_under_threshold_is_same() -> None:
    verdicts = {wall(run_pair(30.0, 30.3, seed, sigma=0.005)) for seed in range(5)}
    assert verdicts == {"same"}


def test_every_comparison_and_case_has_an_mde() -> None:
    doc = run_pair(30.0, 33.0, seed=1)
    comp = next(c for c in doc.comparisons if c.metric == "wall_ms")
    assert comp.mde is not None and comp.mde >= stats.DEFAULT_THRESHOLD
    assert raw(doc)["suites"]["startup"]["mde"]["case"]["wall_ms"] == comp.mde


def test_noisier_samples_have_larger_mde() -> None:
    quiet = run_pair(30.0, 30.0, seed=3, sigma=0.01)
    noisy = run_pair(30.0, 30.0, seed=3, sigma=0.15)
    q = raw(quiet)["suites"]["startup"]["mde"]["case"]["wall_ms"]
    n = raw(noisy)["suites"]["startup"]["mde"]["case"]["wall_ms"]
    assert n > q


def test_single_contestant_case_still_gets_an_mde() -> None:
    ex = FakeExecutor(lognormal({"a": 30.0}, 0.05, 1))
    out = Scheduler(ex, StopRule(), seed=1).run_case("solo", [Cell("A", Command(("a",)))])
    doc = ResultsDocument()
    doc.measurements = measurements_from("startup", "solo", out, 10)
    analyze.analyze(doc, "A")
    assert doc.comparisons == []
    assert raw(doc)["suites"]["startup"]["mde"]["solo"]["wall_ms"] > 0


def test_mde_formula() -> None:
    assert stats.mde(0.95, 1.05) == pytest.approx(0.05 * 1.4294, rel=1e-3)
    assert stats.mde(0.999, 1.001) == stats.DEFAULT_THRESHOLD
    assert math.isinf(stats.mde(math.nan, 1.0))
