"""The soak: the RSS trend estimator (batch means) and, with real node and k6, a server that
leaks memory flagged as growing."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bakeoff.errors import OfflineError
from bakeoff.measure.loadgen import Request, find_k6
from bakeoff.measure.process import LauncherExecutor
from bakeoff.measure.server import Readiness
from bakeoff.plan.contestants import name_contenders
from bakeoff.results import ResultsDocument
from bakeoff.runtimes.provision import Provisioner
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.serve import ServeSpec
from bakeoff.suites.soak import SoakSpec, SoakSuite, rss_trend
from docjson import raw

LEAK_SERVER = """
import http from 'node:http';
const kept = [];
http.createServer((req, res) => {
  if (req.url === '/leak') kept.push(Buffer.alloc(64 * 1024, 1));
  res.end('ok');
}).listen(Number(process.env.PORT), '127.0.0.1');
"""


def _series(
    slope_per_min: float, noise: float, seconds: int, seed: int
) -> list[tuple[float, float]]:
    """RSS under steady load: a level that wanders back to itself (AR(1), phi 0.95, so
    neighbouring readings are strongly correlated), a GC sawtooth, a trend, and reading noise."""
    rng = random.Random(seed)
    wander, out = 0.0, []
    for t in range(seconds):
        wander = 0.95 * wander + rng.gauss(0, noise)
        saw = 1.5 * ((t % 17) / 17)  # the heap fills, a collection empties it
        out.append((float(t), 50.0 + wander + saw + slope_per_min * t / 60 + rng.gauss(0, noise)))
    return out


def test_a_steady_leak_is_growing_and_its_ci_holds_the_rate() -> None:
    trend = rss_trend(_series(2.0, 0.05, 600, 1), warmup_s=60)
    assert trend is not None and trend.growing
    assert trend.lo < 2.0 < trend.hi and trend.segments == 10


def test_flat_memory_is_rarely_flagged() -> None:
    flagged = 0
    for seed in range(200):
        trend = rss_trend(_series(0.0, 0.05, 600, seed), warmup_s=60)
        assert trend is not None
        flagged += trend.growing
    # one-sided 2.5% in theory; stretch means are nearly but not quite independent
    assert flagged / 200 < 0.08


def test_too_short_a_series_gives_no_trend() -> None:
    assert rss_trend([(float(t), 50.0) for t in range(15)], warmup_s=10) is None


@pytest.mark.integration
def test_soak_flags_a_leaking_server(session_cache: Path, tmp_path: Path) -> None:
    try:
        k6 = find_k6()
        node = Provisioner(cache_dir=session_cache).ensure("node@lts")
    except OfflineError as exc:
        pytest.skip(f"registry unreachable: {exc}")
    assert k6.path.exists()
    (tmp_path / "leak.mjs").write_text(LEAK_SERVER)
    serve = ServeSpec(
        entry="leak.mjs",
        cwd=str(tmp_path),
        readiness=Readiness("tcp"),
        mix=[Request("/leak")],
    )
    spec = SoakSpec(serve, duration_s=16.0, rate=100.0, interval_s=0.2)
    contenders = name_contenders([node])
    doc = ResultsDocument(contestants=[c.to_result() for c in contenders])
    with LauncherExecutor() as ex:
        ctx = SuiteContext(contenders, ex, tmp_path / "work", seed=1)
        ctx.workdir.mkdir()
        assert SoakSuite(spec).run(ctx, doc)
    m = doc.measurement("soak", "rate:100", "rss_slope_mb_per_min", "node")
    # 100 req/s × 64 KB kept = about 375 MB/min
    assert m.median is not None and m.median > 50, m.notes
    assert any(n.startswith("growing") for n in m.notes), m.notes
    assert raw(doc)["suites"]["soak"]["timeline"]["node"]
