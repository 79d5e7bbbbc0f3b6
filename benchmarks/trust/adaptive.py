"""Experiment 4 — adaptive stopping vs a fixed 10-run schedule.

Per trial: bakeoff's scheduler measures node hello (and a second arm of the same, as in any
comparison) until each median's 95% CI half-width is within ±2% (StopRule defaults, but
max_runs raised to 150 so the target can be reached); then a fixed schedule of exactly 10
interleaved runs is measured and checked against the same ±2% target.

    .venv/bin/python benchmarks/trust/adaptive.py --trials 10
"""

from __future__ import annotations

import time

from _trust import args, command, median, runtime, workdir

from bakeoff.analysis.stats import median_ci
from bakeoff.measure.process import LauncherExecutor
from bakeoff.measure.scheduler import Cell, Scheduler
from bakeoff.plan.stopping import StopRule

ADAPTIVE = StopRule(precision=0.02, max_runs=150)
FIXED10 = StopRule(precision=1e-6, min_runs=10, max_runs=10)


def main() -> None:
    a = args(10, __doc__ or "")
    rt = runtime(a.runtime)
    d = workdir()
    cmd = command(rt, d / "hello.mjs")
    started = time.monotonic()
    needed: list[int] = []
    reached_flags: list[bool] = []
    reached = 0
    fixed_ok = 0
    fixed_hw: list[float] = []
    with LauncherExecutor() as ex:
        for i in range(a.trials):
            cells = [Cell("A", cmd), Cell("B", cmd)]
            ad = Scheduler(ex, ADAPTIVE, seed=4000 + i).run_case("adaptive", cells)
            fx = Scheduler(ex, FIXED10, seed=4100 + i).run_case("fixed", cells)
            hw = max(median_ci(c.wall_ms).half_width_rel for c in fx.cells.values())
            ok = ad.stop_reason == "precision"
            reached += ok
            fixed_ok += hw <= 0.02
            fixed_hw.append(hw)
            needed.append(ad.blocks_run)
            reached_flags.append(ok)
            print(
                f"  trial {i + 1}: adaptive {ad.blocks_run} runs/arm ({ad.stop_reason}); "
                f"fixed 10 runs: ±{hw:.1%} {'reached' if hw <= 0.02 else 'NOT reached'} ±2%",
                flush=True,
            )
    print()
    print(f"adaptive stopping: {rt.name} {rt.version} hello start-up, {a.trials} trials")
    got = [n for n, r in zip(needed, reached_flags, strict=True) if r]
    print(
        f"adaptive: reached ±2% in {reached}/{a.trials} trials, median {median(got):.0f} "
        f"runs/arm when reached (range {min(got, default=0)}–{max(got, default=0)}); the rest "
        f"stopped at max_runs {ADAPTIVE.max_runs}; median over all trials {median(needed):.0f}"
    )
    print(
        f"fixed 10 runs: reached ±2% in {fixed_ok}/{a.trials} trials; median CI half-width "
        f"±{median(fixed_hw):.1%}"
    )
    print(f"elapsed {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main()
