"""A fixture results document with every suite the cost model reads (startup, serve, install,
test, build, ci, compat), built from fixed synthetic samples and analysed — test data for the
cost, decision and report tests, never presented as a measurement."""

from __future__ import annotations

from bakeoff.analysis import analyze
from bakeoff.plan import primary
from bakeoff.results import CompatResult, Contestant, Measurement, ResultsDocument
from bakeoff.results.sections import PrimaryPlan

NAMES = ("node", "bun", "deno")


PATTERN = (0.97, 1.01, 0.99, 1.03, 1.0, 0.98, 1.02, 1.0, 0.995, 1.005)


def _samples(median: float, n: int, shift: int) -> list[float]:
    """``n`` fixed samples spread ±3% around ``median`` (no randomness: golden files stay put)."""
    return [round(median * PATTERN[(i + shift) % len(PATTERN)], 4) for i in range(n)]


def build(names: tuple[str, ...] = NAMES, seed: int = 7) -> ResultsDocument:
    doc = ResultsDocument(created="2026-11-24T10:00:00+00:00", bakeoff_version="0.1.0")
    versions = {"node": "26.10.0", "bun": "1.4.5", "deno": "2.9.6"}
    doc.contestants = [
        Contestant(
            name=n,
            runtime=n,
            version=versions.get(n, "1.0.0"),
            binary=f"/opt/{n}",
            sha256="ab" * 32,
        )
        for n in names
    ]
    doc.environment = {
        "cpu_model": "Fixture CPU",
        "cores_logical": 2,
        "memory_gb": 8,
        "os": "Linux",
        "kernel": "6.1",
    }
    # per contestant: startup wall, startup rss, ready, idle rss, cpu/1k at 100 and 500 rps,
    # p50, p99, rss peak, install cold-lockfile, install warm, test, build, ci total
    table = {
        "node": (40.0, 45.0, 120.0, 48.0, 420.0, 300.0, 1.2, 4.0, 70.0, 30.0, 8.0, 20.0, 6.0, 80.0),
        "bun": (12.0, 30.0, 45.0, 32.0, 250.0, 180.0, 0.8, 3.0, 52.0, 6.0, 1.5, 7.0, 2.0, 45.0),
        "deno": (30.0, 40.0, 90.0, 44.0, 410.0, 295.0, 1.1, 4.1, 66.0, 18.0, 4.0, 19.5, 5.5, 70.0),
    }
    specs = [
        ("startup", "hello", "wall_ms", "ms", 0),
        ("startup", "hello", "cpu_ms", "ms", 0),
        ("startup", "hello", "peak_rss_mb", "MB", 1),
        ("serve", "ready", "ready_ms", "ms", 2),
        ("serve", "ready", "idle_rss_mb", "MB", 3),
        ("serve", "rate:100", "cpu_ms_per_1k_req", "ms", 4),
        ("serve", "rate:500", "cpu_ms_per_1k_req", "ms", 5),
        ("serve", "rate:100", "latency_p50_ms", "ms", 6),
        ("serve", "rate:500", "latency_p50_ms", "ms", 6),
        ("serve", "rate:100", "latency_p99_ms", "ms", 7),
        ("serve", "rate:500", "latency_p99_ms", "ms", 7),
        ("serve", "rate:100", "peak_rss_mb", "MB", 8),
        ("serve", "rate:500", "peak_rss_mb", "MB", 8),
        ("install", "cold-lockfile", "wall_s", "s", 9),
        ("install", "warm-cache", "wall_s", "s", 10),
        ("test", "project", "wall_s", "s", 11),
        ("build", "bundle", "wall_s", "s", 12),
        ("ci", "total", "wall_s", "s", 13),
    ]
    for suite, case, metric, unit, col in specs:
        for n in names:
            base = table[n][col] * (0.9 if metric == "cpu_ms" else 1.0)
            doc.measurements.append(
                Measurement(
                    suite=suite,
                    case=case,
                    metric=metric,
                    contestant=n,
                    unit=unit,
                    samples=_samples(base, 20, seed + col),
                )
            )
    for n in names:
        doc.measurements.append(
            Measurement(
                suite="serve",
                case="saturation",
                metric="throughput_rps",
                contestant=n,
                unit="rps",
                samples=_samples(1000 / table[n][5] * 800, 5, seed),
                lower_is_better=False,
            )
        )
    serve: dict[str, object] = {"rss_timeline": {}, "latency_curve": {}}
    for i, n in enumerate(names):
        rss = table[n][8]
        serve["rss_timeline"][n] = {  # type: ignore[index]
            "rate:500": [
                [t * 0.5, round(rss * (0.7 + 0.3 * min(1, t / 20)) + (t % 3), 2)] for t in range(60)
            ]
        }
        p50, p99 = table[n][6], table[n][7]
        curve = [
            [p, round(p50 * (1 + (p99 / p50 - 1) * (p / 99) ** 6), 3)]
            for p in (1, 10, 25, 50, 75, 90, 95, 99, 99.9)
        ]
        serve["latency_curve"][n] = {
            "rate:100": curve,
            "rate:500": [[p, ms * (1.1 + 0.05 * i)] for p, ms in curve],
        }  # type: ignore[index]
    doc.suites.put(
        "test",
        {
            "parity": {
                "tests": 40,
                "summary": {
                    "node": {"passed": 40},
                    "bun": {"passed": 38, "failed": 2},
                    "deno": {"passed": 40},
                },
                "diff": [
                    {"test": t, "status": {"node": "passed", "bun": "failed", "deno": "passed"}}
                    for t in ("a", "b")
                ],
            }
        },
    )
    checks = [
        ("http", "keep-alive", {"node": "pass", "bun": "pass", "deno": "pass"}),
        ("worker_threads", "transferList", {"node": "pass", "bun": "fail", "deno": "pass"}),
        ("native-addons", "napi v9", {"node": "pass", "bun": "pass", "deno": "fail"}),
        ("test-runner", "mock timers", {"node": "pass", "bun": "pass", "deno": "pass"}),
        ("packaging", "single-file executable", {"node": "pass", "bun": "pass", "deno": "pass"}),
    ]
    for area, check, by in checks:
        for n in names:
            doc.compat.append(
                CompatResult(area=area, check=check, contestant=n, status=by.get(n, "skip"))
            )  # type: ignore[arg-type]
    # the primary family a real run declares before measuring (bakeoff.plan.primary)
    serve["reference_case"] = "rate:100"
    doc.suites.put("serve", serve)
    family = [
        ("service_runtime", "serve", primary.REFERENCE, "cpu_ms_per_1k_req"),
        ("package_manager", "install", "cold-lockfile", "wall_s"),
        ("test_runner", "test", "project", "wall_s"),
        ("bundler", "build", "bundle", "wall_s"),
    ]
    doc.settings.primary = PrimaryPlan.model_validate(
        {
            "baseline": names[0],
            "alpha": 0.05,
            "threshold": 0.02,
            "family": [
                {"surface": sf, "suite": su, "case": ca, "metric": me, "contestant": n}
                for sf, su, ca, me in family
                for n in names[1:]
            ],
        }
    )
    analyze.analyze(doc, names[0])
    return doc
