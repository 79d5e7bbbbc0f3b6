"""Serve suite logic without runtimes: latency histograms, k6 output parsing, validity rules,
the request mix, correctness comparison, config → spec."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from bakeoff import config
from bakeoff.errors import ConfigError
from bakeoff.measure import latency
from bakeoff.measure.loadgen import PhaseResult, Request, parse_k6_csv, weighted_order
from bakeoff.suites.serve import _differs, spec_from_config


def test_histogram_percentiles_within_one_percent() -> None:
    rng = random.Random(1)
    values = [rng.lognormvariate(0, 1) for _ in range(20000)]
    h = latency.histogram(values)
    exact = sorted(values)
    for q in (50, 90, 99):
        got = latency.percentiles(h, [q])[0]
        want = exact[math.ceil(q / 100 * len(exact)) - 1]
        assert abs(got / want - 1) < 0.011, (q, got, want)


def test_merging_histograms_is_not_averaging_percentiles() -> None:
    fast = latency.histogram([1.0] * 990 + [2.0] * 10)
    slow = latency.histogram([1.0] * 850 + [100.0] * 150)
    merged = latency.merge([fast, slow])
    p95 = latency.percentiles(merged, [95])[0]
    # pooled: 150 of 2000 values are 100 ms, so p95 (rank 1900) is 100 ms; the per-run p95s
    # are 1 ms and 100 ms, whose average (50.5 ms) describes no request at all
    assert p95 == pytest.approx(100, rel=0.011)
    averaged = (latency.percentiles(fast, [95])[0] + latency.percentiles(slow, [95])[0]) / 2
    assert abs(averaged - p95) > 40


def test_histograms_survive_json_string_keys() -> None:
    h = latency.histogram([1.0, 2.0, 3.0])
    as_json = {str(k): v for k, v in h.items()}
    assert latency.percentiles(as_json, [50]) == latency.percentiles(h, [50])  # type: ignore[arg-type]


def test_ratio_ci_finds_a_real_difference_and_not_a_fake_one() -> None:
    rng = random.Random(2)
    a = [latency.histogram(rng.gauss(10, 1) for _ in range(200)) for _ in range(12)]
    b = [latency.histogram(rng.gauss(10, 1) for _ in range(200)) for _ in range(12)]
    c = [latency.histogram(rng.gauss(13, 1) for _ in range(200)) for _ in range(12)]
    _, lo, hi, _ = latency.ratio_ci(a, b, 50)
    assert lo <= 1 <= hi
    ratio, lo, hi, p = latency.ratio_ci(a, c, 50)
    assert 1.2 < lo <= ratio <= hi < 1.4 and p < 0.01


def test_quantile_of_metric_names() -> None:
    assert latency.quantile_of("latency_p95_ms") == 95
    assert latency.quantile_of("latency_max_ms") == 100
    assert latency.quantile_of("latency_p999_ms") == pytest.approx(99.9)
    assert latency.quantile_of("cpu_ms") is None


def test_weighted_order_is_deterministic_and_proportional() -> None:
    mix = [Request("/a", weight=3), Request("/b", weight=1), Request("/c", weight=0)]
    order = weighted_order(mix)
    assert order == weighted_order(mix)
    assert order.count(0) == 3 and order.count(1) == 1 and 2 not in order
    with pytest.raises(ValueError):
        weighted_order([Request("/a", weight=0)])


def _csv(tmp_path: Path, rows: list[tuple[int, float, str, int]], dropped: int = 0) -> Path:
    lines = ["metric_name,timestamp,metric_value,status,extra_tags,metadata"]
    for end_ns, dur_ms, status, i in rows:
        lines.append(f"http_reqs,{end_ns},1.000000,{status},i={i},")
        lines.append(f"http_req_duration,{end_ns},{dur_ms:.6f},{status},i={i},")
    if dropped:
        lines.append(f"dropped_iterations,{rows[-1][0]},{dropped},,,")
    path = tmp_path / "k6.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_latency_is_measured_from_the_intended_send_time(tmp_path: Path) -> None:
    # 10 req/s: request i intended at t0 + i*100 ms. Requests 0-4 are on time and take 1 ms;
    # request 5 is sent 50 ms late (the generator or a stall held it) and takes 1 ms.
    t0 = 1_000_000_000_000
    rows = []
    for i in range(10):
        late_ms = 50.0 if i == 5 else 0.0
        start = t0 + i * 100_000_000 + int(late_ms * 1e6)
        rows.append((start + 1_000_000, 1.0, "200", i))
    res = PhaseResult(10, 1.0)
    parse_k6_csv(_csv(tmp_path, rows), 10, res)
    merged = latency.merge(res.windows)
    assert res.requests == 10 and res.errors == 0
    assert latency.percentiles(merged, [50])[0] == pytest.approx(1.0, rel=0.011)
    assert latency.percentiles(merged, [100])[0] == pytest.approx(51.0, rel=0.011)
    assert res.lateness_p99_ms == pytest.approx(50.0, abs=0.01)


def test_validity_rules(tmp_path: Path) -> None:
    rows = [(10**12 + i * 10**8 + 10**6, 1.0, "500" if i == 3 else "200", i) for i in range(9)]
    res = PhaseResult(10, 1.0, generator_cpu=0.95)
    parse_k6_csv(_csv(tmp_path, rows, dropped=1), 10, res)
    res.check()
    text = " | ".join(res.problems)
    assert not res.valid
    assert "dropped 1" in text
    assert "< 99% of the target" in text
    assert "95% of a core" in text
    assert "1 requests failed (status 500: 1)" in text
    ok = PhaseResult(10, 1.0, generator_cpu=0.2)
    parse_k6_csv(_csv(tmp_path, [(10**12 + i * 10**8, 1.0, "200", i) for i in range(10)]), 10, ok)
    ok.check()
    assert ok.valid, ok.problems


def test_correctness_comparison_modes() -> None:
    assert _differs(200, {"a": 1}, 200, {"a": 1}, "body") == ""
    assert "body differs" in _differs(200, {"a": 1}, 200, {"a": 2}, "body")
    assert _differs(200, {"a": 1}, 200, {"a": 2}, "shape") == ""
    assert "shape" in _differs(200, {"a": 1}, 200, {"a": "x"}, "shape")
    assert "status 500" in _differs(200, {}, 500, {}, "status")


def test_spec_from_config(tmp_path: Path) -> None:
    cfg = config.validate(
        {
            "serve": {
                "entry": "src/app.js",
                "cwd": "svc",
                "requests": [
                    {"path": "/items", "weight": 3},
                    {"path": "/orders", "method": "POST", "json": {"id": 1}},
                ],
                "rates": [100, 200],
                "phase": "3s",
            }
        }
    )
    assert cfg.serve is not None
    spec = spec_from_config(cfg.serve, tmp_path / "bakeoff.toml")
    assert spec.cwd == str((tmp_path / "svc").resolve())
    assert spec.rates == [100, 200] and spec.phase_s == 3.0
    post = spec.mix[1]
    assert post.body == '{"id": 1}' and post.headers["content-type"] == "application/json"
    quick = spec_from_config(cfg.serve, tmp_path / "bakeoff.toml", quick=True)
    assert quick.phase_s <= 2.0 and quick.reps <= 4


def test_serve_config_errors_name_the_field() -> None:
    with pytest.raises(ConfigError, match=r"serve\.requests\.0\.path"):
        config.validate({"serve": {"entry": "a.js", "requests": [{"path": "no-slash"}]}})
    with pytest.raises(ConfigError, match=r"serve\.phase"):
        config.validate({"serve": {"entry": "a.js", "phase": "soon"}})


def test_a_generator_that_falls_behind_its_schedule_invalidates_the_phase(
    tmp_path: Path,
) -> None:
    t0 = 1_000_000_000_000

    def phase(late_ms: float) -> PhaseResult:
        rows = []
        for i in range(200):  # 100 req/s for 2 s; every 10th request sent `late_ms` late
            late = late_ms if i % 10 == 5 else 0.0
            start = t0 + i * 10_000_000 + int(late * 1e6)
            rows.append((start + 2_000_000, 2.0, "200", i))
        res = PhaseResult(100, 2.0, generator_cpu=0.2)
        parse_k6_csv(_csv(tmp_path, rows), 100, res)
        res.check()
        return res

    assert phase(1.0).valid
    behind = phase(30.0)
    assert not behind.valid
    assert "fell behind its own schedule" in behind.problems[0]
    intended, sent = behind.schedule_distortion()
    assert sent == pytest.approx(2.0, rel=0.02) and intended == pytest.approx(32.0, rel=0.02)


def test_percentile_cis_bracket_their_point_estimates() -> None:
    rng = random.Random(3)
    windows = [latency.histogram(rng.lognormvariate(0, 0.5) for _ in range(300)) for _ in range(10)]
    got = latency.percentile_cis(windows, [50, 99])
    assert len(got) == 2
    for point, lo, hi in got:
        assert lo <= point <= hi
    assert got[0][0] < got[1][0]
    one = latency.percentile_cis(windows[:1], [50])[0]
    assert math.isnan(one[1]) and math.isnan(one[2])  # one window: no interval
