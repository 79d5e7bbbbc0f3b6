"""Benchmark 3: runs bakeoff needs to reach ±2% vs hyperfine's default of 10 runs.

bakeoff runs node/bun/deno hello interleaved with adaptive stopping (precision 2%) and reports
the runs each needed. hyperfine runs each with its defaults; we report how many runs it did and
whether its first 10 runs actually reached a ±2% 95% CI on the median.

    .venv/bin/python benchmarks/bench_precision.py
"""

from __future__ import annotations

from bakeoff.analysis.stats import median_ci
from bakeoff.measure.process import Command, LauncherExecutor
from bakeoff.measure.scheduler import Cell, Scheduler
from bakeoff.plan.stopping import StopRule
from common import argv_for, hyperfine_times, need, runtimes, script_dir, table


def main() -> None:
    need("hyperfine", "apt-get install hyperfine")
    d = script_dir()
    rts = runtimes()
    rule = StopRule(precision=0.02, min_runs=5, max_runs=200, warmups=2)
    with LauncherExecutor() as ex:
        cells = [
            Cell(rt.name, Command(tuple(argv_for(rt, d / "hello.mjs")), capture=False))
            for rt in rts
        ]
        out = Scheduler(ex, rule, seed=1).run_case("hello", cells)
    rows = []
    for rt in rts:
        co = out.cells[rt.name]
        est = median_ci(co.wall_ms)
        hf = hyperfine_times(argv_for(rt, d / "hello.mjs"), runs=None)
        hf10 = median_ci(hf[:10])
        rows.append(
            (
                f"{rt.name} {rt.version}",
                len(co.results),
                f"±{est.half_width_rel:.1%}",
                len(hf),
                f"±{hf10.half_width_rel:.1%}",
                "yes" if hf10.half_width_rel <= 0.02 else "no",
            )
        )
    print(
        table(
            rows,
            (
                "runtime",
                "bakeoff runs",
                "bakeoff CI",
                "hyperfine default runs",
                "CI after 10",
                "10 runs reach ±2%?",
            ),
        )
    )
    print(f"bakeoff stop reason: {out.stop_reason} after {out.blocks_run} interleaved blocks")


if __name__ == "__main__":
    main()
