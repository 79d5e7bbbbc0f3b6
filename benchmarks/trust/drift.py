"""Experiment 3 — drift: background load that starts halfway through a run.

A = node hello after a 0 ms busy wait, B = the same script with a wait of 10% of A's median
(a known ratio). Per trial,
each with a fixed 40 runs per arm:

1. quiet: interleaved, no artificial load → the reference ratio;
2. interleaved: bakeoff's randomized blocks; two CPU-spinning processes start after half the
   blocks;
3. sequential: all of A, then all of B (how a naive script measures); the load starts halfway,
   i.e. as B begins.

It prints each ratio and its distance from the quiet ratio: bakeoff's ratio of medians, and the
median of per-block B/A ratios (which cancels drift between blocks by construction). Target:
interleaved within 3% of quiet, sequential off by more. Noise watch is on, as in any run
(noisy blocks re-run up to its limit, then kept).

    .venv/bin/python benchmarks/trust/drift.py --trials 3
"""

from __future__ import annotations

import statistics
import time

from _trust import (
    Load,
    args,
    baseline_ms,
    command,
    compare,
    median,
    runtime,
    wait_script,
    workdir,
)

from bakeoff.events import Event
from bakeoff.measure.process import Command, LauncherExecutor
from bakeoff.measure.scheduler import CaseOutcome, Cell, Scheduler
from bakeoff.plan.stopping import StopRule

RUNS = 40
# precision no run reaches: the schedule is fixed at RUNS blocks
FIXED = StopRule(precision=1e-6, min_runs=RUNS, max_runs=RUNS)


def interleaved_with_load(
    ex: LauncherExecutor, a: Command, b: Command, seed: int
) -> tuple[float, float]:
    load = Load()

    def on_event(ev: Event) -> None:
        if ev.kind == "run" and ev.done >= RUNS:  # half of 2 × RUNS samples
            load.start()

    with load:
        out = Scheduler(ex, FIXED, seed=seed, on_event=on_event).run_case(
            "drift", [Cell("A", a), Cell("B", b)]
        )
    of_medians = statistics.median(out.cells["B"].wall_ms) / statistics.median(
        out.cells["A"].wall_ms
    )
    return of_medians, paired_ratio(out)


def paired_ratio(out: CaseOutcome) -> float:
    """Median of per-block B/A ratios: each block's two samples ran back to back, under the
    same load, so drift between blocks cancels."""
    a = dict(zip(out.cells["A"].blocks, out.cells["A"].wall_ms, strict=True))
    b = dict(zip(out.cells["B"].blocks, out.cells["B"].wall_ms, strict=True))
    return statistics.median(b[k] / a[k] for k in a if k in b)


def sequential_with_load(ex: LauncherExecutor, a: Command, b: Command) -> float:
    ex.run(a)
    ta = [ex.run(a).wall_ms for _ in range(RUNS)]
    with Load() as load:
        load.start()
        ex.run(b)
        tb = [ex.run(b).wall_ms for _ in range(RUNS)]
    return statistics.median(tb) / statistics.median(ta)


def main() -> None:
    a_ = args(3, __doc__ or "")
    rt = runtime(a_.runtime)
    d = workdir()
    a = command(rt, wait_script(d, 0.0, a_.wait))
    started = time.monotonic()
    rows = []
    with LauncherExecutor() as ex:
        b = command(rt, wait_script(d, 0.10 * baseline_ms(ex, a), a_.wait))
        for i in range(a_.trials):
            quiet_t = compare(ex, a, b, seed=3000 + i, rule=FIXED)
            quiet, quiet_p = quiet_t.ratio, paired_ratio(quiet_t.outcome)
            inter, inter_p = interleaved_with_load(ex, a, b, seed=3100 + i)
            seq = sequential_with_load(ex, a, b)
            rows.append((quiet, inter, seq, quiet_p, inter_p))
            print(
                f"  trial {i + 1}: quiet {quiet:.3f}  interleaved+load {inter:.3f} "
                f"({inter / quiet - 1:+.1%})  sequential+load {seq:.3f} "
                f"({seq / quiet - 1:+.1%})  | block-paired: quiet {quiet_p:.3f} "
                f"interleaved+load {inter_p:.3f} ({inter_p / quiet_p - 1:+.1%})",
                flush=True,
            )
    di = median([abs(r[1] / r[0] - 1) for r in rows])
    ds = median([abs(r[2] / r[0] - 1) for r in rows])
    dp = median([abs(r[4] / r[3] - 1) for r in rows])
    print()
    print(
        f"drift: {rt.name} {rt.version} hello vs hello+10% {a_.wait} wait, {RUNS} runs/arm, "
        f"load = 2 spinning processes from halfway, {len(rows)} trials"
    )
    print(f"median |interleaved/quiet − 1| = {di:.1%} (ratio of medians, as bakeoff reports)")
    print(f"median |interleaved/quiet − 1| = {dp:.1%} (median of per-block ratios)")
    print(f"median |sequential/quiet − 1|  = {ds:.1%}; target: interleaved within 3%")
    print(f"elapsed {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main()
