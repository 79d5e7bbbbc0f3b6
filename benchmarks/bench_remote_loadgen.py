"""The load generator on another worker vs on the same host, against the stall server's known
latency distribution, interleaved in one run.

The stall server blocks its event loop STALL ms every second, so a fraction STALL/1000 of
requests waits U(0, STALL): its true p95 and p99 are known (``bench_serve.true_percentile``).
At a rate where k6 on the server's host falls behind its own schedule (the phase is marked
invalid), k6 on a Dask worker pinned to the other CPU (``serve --loadgen``) should measure p95
and p99 within 10% of the truth. The server is pinned to CPU 0 in both; the same-host k6 is not
pinned (as a plain run is), the worker is pinned to CPU 1 with taskset.

Usage: .venv/bin/python benchmarks/bench_remote_loadgen.py [--rate 2000] [--seconds 10]
       [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from bakeoff.localcluster import local_cluster
from bakeoff.measure.loadgen import K6, PhaseResult, Request, find_k6
from bakeoff.measure.server import Readiness, ServerProcess, free_port
from bakeoff.results import latency
from bakeoff.suites.serve.remote import remote_engines
from bench_serve import true_percentile
from common import runtimes

ROOT = Path(__file__).resolve().parents[1]
STALL = ROOT / "tests" / "data" / "stall_server.mjs"


def phase(
    gen: object, node: Path, work: Path, stall_ms: int, rate: int, seconds: int
) -> PhaseResult:
    port = free_port()
    srv = ServerProcess(
        [str(node), str(STALL)],
        cwd=str(work),
        env={"PORT": str(port), "STALL_MS": str(stall_ms)},
        logdir=work / f"logs-{port}",
        cpus={0},
    )
    with srv:
        srv.wait_ready("127.0.0.1", port, Readiness("tcp"), 15)
        base = f"http://127.0.0.1:{port}"
        gen.fixed_rate(base, [Request("/")], rate, 1.0)  # type: ignore[attr-defined]
        result: PhaseResult = gen.fixed_rate(base, [Request("/")], rate, seconds)  # type: ignore[attr-defined]
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--rate", type=int, default=2000)
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--stall", type=int, default=100)
    a = p.parse_args()
    if len(os.sched_getaffinity(0)) < 2:
        raise SystemExit("needs 2 CPUs: the server on one, the remote generator on the other")
    node = runtimes(["node@lts"])[0].binary
    truth = {q: true_percentile(q, a.stall) for q in (95, 99)}
    print(f"stall server: {a.stall} ms per second, {a.rate} req/s, {a.seconds} s phases")
    print(f"analytic p95 {truth[95]:.1f} ms, p99 {truth[99]:.1f} ms")
    work = Path(tempfile.mkdtemp(prefix="bakeoff-bench-remote-"))
    local = K6(str(find_k6().path), work / "k6")
    with local_cluster(work, ["loadgen"], cpus={"loadgen": "1"}) as cluster:
        engines = remote_engines(cluster.address, "loadgen")(None, None, None)  # type: ignore[arg-type]
        if isinstance(engines, str):
            raise SystemExit(engines)
        remote = engines.fixed
        rows: dict[str, list[tuple[float, float, bool]]] = {"same host": [], "remote worker": []}
        try:
            for r in range(a.rounds):
                for name, gen in (("same host", local), ("remote worker", remote)):
                    ph = phase(gen, node, work, a.stall, a.rate, a.seconds)
                    ph.check()
                    p95, p99 = latency.percentiles(latency.merge(ph.windows), [95, 99])
                    rows[name].append((p95, p99, ph.valid))
                    state = "valid" if ph.valid else "INVALID: " + "; ".join(ph.problems)[:90]
                    print(
                        f"  round {r + 1} {name:13s}: p95 {p95:6.1f} ms ({p95 / truth[95]:.2f}×) "
                        f"p99 {p99:6.1f} ms ({p99 / truth[99]:.2f}×)  {state}",
                        flush=True,
                    )
        finally:
            if engines.close:
                engines.close()
    print()
    for name, got in rows.items():
        p95 = sorted(x[0] for x in got)[len(got) // 2]
        p99 = sorted(x[1] for x in got)[len(got) // 2]
        valid = sum(x[2] for x in got)
        ok = abs(p95 / truth[95] - 1) <= 0.10 and abs(p99 / truth[99] - 1) <= 0.10
        print(
            f"{name:13s}: median p95 {p95:.1f} ms = {p95 / truth[95]:.3f}× truth, "
            f"p99 {p99:.1f} ms = {p99 / truth[99]:.3f}×; valid {valid}/{len(got)}; "
            f"within 10%: {'yes' if ok else 'NO'}"
        )


if __name__ == "__main__":
    main()
