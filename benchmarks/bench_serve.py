"""The serve suite's load engine against independent expectations, in one run.

1. Stall server (blocks its event loop STALL ms every second) at a fixed rate: the true latency
   distribution follows from the pattern (a request arriving during a stall waits for the rest
   of it: a fraction STALL/1000 of requests wait U(0, STALL)), so the true p95 and p99 are known.
   bakeoff's k6 engine (latency from the intended send time) is compared with that truth (target
   within 15%).
   The same server without stalls must report p99 under 10 ms.
2. Saturation: bakeoff's figure (its wrk engine, Lua request mix, JSON from a `done` hook) vs a
   raw `wrk` run against the same server, interleaved in the same run (target ratio >= 0.95);
   and k6's figure with its CPU, to show when k6 is generator-bound.

Usage: .venv/bin/python benchmarks/bench_serve.py [--rate 2000] [--seconds 20]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import tempfile
from pathlib import Path

from bakeoff.measure import latency
from bakeoff.measure.loadgen import K6, Request, Wrk, find_k6
from bakeoff.measure.server import Readiness, ServerProcess, free_port
from bakeoff.suites.catalog import sample_project
from bakeoff.suites.serve import sample_spec
from common import need, runtimes

ROOT = Path(__file__).resolve().parents[1]


def true_percentile(q: float, stall_ms: float) -> float:
    """Latency percentile of the stall pattern (service time ~0): the slowest fraction
    stall/1000 of requests wait uniformly between 0 and stall ms."""
    f = stall_ms / 1000
    tail = 1 - q / 100
    if tail >= f:
        return 0.0
    return stall_ms * (1 - tail / f)


def wrk_percentiles(url: str, seconds: int) -> dict[str, float]:
    out = subprocess.run(
        [need("wrk", "apt-get install wrk"), "-t1", "-c16", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found: dict[str, float] = {}
    for pct, value, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
        found[pct] = float(value) * scale
    return found


def raw_wrk_rps(url: str, seconds: int, connections: int = 64, threads: int = 2) -> float:
    out = subprocess.run(
        [
            need("wrk", "apt-get install wrk"),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if m is None:
        raise SystemExit(f"cannot read wrk's output:\n{out}")
    return float(m.group(1))


def stall_phase(
    node: Path, k6_path: str, work: Path, stall_ms: int, rate: int, seconds: int, pin: bool
) -> tuple[list[float], bool, list[str]]:
    port = free_port()
    srv = ServerProcess(
        [str(node), str(ROOT / "tests/data/stall_server.mjs")],
        cwd=str(work),
        env={"PORT": str(port), "STALL_MS": str(stall_ms)},
        logdir=work / f"stall-{stall_ms}",
        cpus={0} if pin else None,
    )
    with srv:
        srv.wait_ready("127.0.0.1", port, Readiness("tcp"), 10)
        phase = K6(k6_path, work / f"k6-{stall_ms}", cpus={1} if pin else None).fixed_rate(
            f"http://127.0.0.1:{port}", [Request("/")], rate, seconds
        )
    got = latency.percentiles(latency.merge(phase.windows), [50, 95, 99])
    got += latency.percentiles(latency.merge(phase.sent_windows), [50, 95, 99])
    notes = [
        *phase.problems,
        f"generator {phase.generator_cpu:.0%} of a core, sends p99 "
        f"{phase.lateness_p99_ms:.2f} ms behind schedule",
    ]
    return got, phase.valid, notes


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=int, default=2000)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--stall", type=int, default=100)
    ap.add_argument("--sat-seconds", type=int, default=5)
    ap.add_argument("--sat-rounds", type=int, default=3)
    ap.add_argument("--pin", action="store_true", help="server on CPU 0, k6 on CPU 1")
    a = ap.parse_args()
    k6_path = str(find_k6().path)  # the pinned k6 from bakeoff's cache (downloaded once)
    node = runtimes(["node@lts"])[0].binary
    work = Path(tempfile.mkdtemp(prefix="bakeoff-bench-serve-"))

    print(f"1. stall server ({a.stall} ms every second) at {a.rate} req/s for {a.seconds} s")
    got, valid, problems = stall_phase(node, k6_path, work, a.stall, a.rate, a.seconds, a.pin)
    print(f"   phase valid: {valid}; {'; '.join(problems)}")
    print(
        f"   {'':>5} {'truth':>9} {'intended':>10} {'ratio':>6}  target      "
        f"{'sent':>9} {'ratio':>6}"
    )
    for q, v, w in zip((50, 95, 99), got[:3], got[3:], strict=True):
        t = true_percentile(q, a.stall)
        if t:
            ok = "ok" if abs(v / t - 1) <= 0.15 else "MISSED"
            print(
                f"   p{q:<4} {t:>7.1f}ms {v:>8.2f}ms {v / t:>6.2f}  15%: {ok:<6} "
                f"{w:>7.2f}ms {w / t:>6.2f}"
            )
        else:
            print(f"   p{q:<4} {'~0':>9} {v:>8.2f}ms {'–':>6}  {'':<11} {w:>7.2f}ms")
    got0, valid0, problems0 = stall_phase(node, k6_path, work, 0, a.rate, a.seconds, a.pin)
    ok0 = "ok" if got0[2] < 10 else "MISSED"
    print(
        "   ('intended' = latency from the intended send time, bakeoff's figure; 'sent' = "
        "from the actual send, shown to separate the generator's own lag)"
    )
    print(
        f"   same server without stalls: p50 {got0[0]:.2f} ms, p95 {got0[1]:.2f} ms, "
        f"p99 {got0[2]:.2f} ms (target p99 < 10 ms: {ok0}); valid: {valid0}; {'; '.join(problems0)}"
    )
    wrk = wrk_percentiles_stall(node, work, a.stall, a.seconds)
    print(
        "   for contrast, closed-loop wrk on the stall server: "
        f"p99 {wrk.get('99', float('nan')):.2f} ms"
    )

    print(
        f"2. saturation of the sample service's /health (node), 64 connections, "
        f"{a.sat_seconds} s, {a.sat_rounds} interleaved rounds"
    )
    spec = sample_spec(sample_project())
    port = free_port()
    srv = ServerProcess(
        [str(node), spec.entry or ""], cwd=spec.cwd, env={"PORT": str(port)}, logdir=work / "s"
    )
    raw: list[float] = []
    ours: list[float] = []
    k6s: list[float] = []
    with srv:
        srv.wait_ready("127.0.0.1", port, Readiness(), 10)
        base = f"http://127.0.0.1:{port}"
        engine = Wrk(need("wrk", "apt-get install wrk"), work / "wrk")
        mix = [Request("/health")]
        for _ in range(a.sat_rounds):
            raw.append(raw_wrk_rps(base + "/health", a.sat_seconds))
            ours.append(engine.saturate(base, mix, a.sat_seconds).throughput_rps)
        k = K6(k6_path, work / "k6s").saturate(base, mix, a.sat_seconds)
        k6s.append(k.throughput_rps)
    r, o = statistics.median(raw), statistics.median(ours)
    ok = "ok" if o / r >= 0.95 else "MISSED"
    print(f"   raw wrk        {r:>9,.0f} req/s (median of {raw and len(raw)})")
    print(f"   bakeoff (wrk)  {o:>9,.0f} req/s   ratio {o / r:.3f} (target >= 0.95: {ok})")
    print(
        f"   bakeoff (k6)   {k6s[0]:>9,.0f} req/s   k6 used {k.generator_cpu:.0%} of a core: "
        "generator-bound, which is why wrk is preferred for saturation"
    )


def wrk_percentiles_stall(node: Path, work: Path, stall: int, seconds: int) -> dict[str, float]:
    port = free_port()
    srv = ServerProcess(
        [str(node), str(ROOT / "tests/data/stall_server.mjs")],
        cwd=str(work),
        env={"PORT": str(port), "STALL_MS": str(stall)},
        logdir=work / "stall-wrk",
    )
    with srv:
        srv.wait_ready("127.0.0.1", port, Readiness("tcp"), 10)
        return wrk_percentiles(f"http://127.0.0.1:{port}/", seconds)


if __name__ == "__main__":
    main()
