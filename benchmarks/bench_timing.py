"""Benchmark 1: bakeoff's wall-time median vs hyperfine's (``hyperfine -N``), same run.

For /bin/true and node/bun/deno hello world, alternate rounds of hyperfine and bakeoff (so
drift hits both), then compare the medians of all samples. Targets: ratio 1.00 ± 0.03, and
/bin/true overhead at most +0.3 ms.

    .venv/bin/python benchmarks/bench_timing.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics

from bakeoff.measure.process import Command, LauncherExecutor
from bakeoff.measure.scheduler import Cell, Scheduler
from bakeoff.plan.stopping import StopRule
from common import argv_for, hyperfine_times, need, runtimes, script_dir, table


def bakeoff_times(ex: LauncherExecutor, argv: list[str], runs: int) -> list[float]:
    rule = StopRule(min_runs=runs, max_runs=runs, warmups=3)
    out = Scheduler(ex, rule, seed=1).run_case(
        "x", [Cell("x", Command(tuple(argv), capture=False))]
    )
    return out.cells["x"].wall_ms


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    need("hyperfine", "apt-get install hyperfine")
    d = script_dir()
    targets: list[tuple[str, list[str], int]] = [("/bin/true", ["/bin/true"], 300)]
    for rt in runtimes():
        targets.append((f"{rt.name} {rt.version} hello", argv_for(rt, d / "hello.mjs"), 40))
    rows = []
    with LauncherExecutor() as ex:
        for label, argv, runs in targets:
            hf: list[float] = []
            bo: list[float] = []
            for _ in range(args.rounds):
                hf += hyperfine_times(argv, runs)
                bo += bakeoff_times(ex, argv, runs)
            mh, mb = statistics.median(hf), statistics.median(bo)
            ratio = mb / mh
            ok = abs(ratio - 1) <= 0.03 and (label != "/bin/true" or mb - mh <= 0.3)
            rows.append(
                (
                    label,
                    len(hf),
                    f"{mh:.3f}",
                    f"{mb:.3f}",
                    f"{ratio:.3f}",
                    f"{mb - mh:+.3f}",
                    "ok" if ok else "MISS",
                )
            )
    print(
        table(
            rows,
            ("command", "n each", "hyperfine ms", "bakeoff ms", "ratio", "overhead ms", "target"),
        )
    )
    print("targets: ratio within 1.00 ± 0.03; /bin/true overhead <= +0.3 ms")


if __name__ == "__main__":
    main()
