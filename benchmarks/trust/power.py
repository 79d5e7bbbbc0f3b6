"""Experiment 2 — power: is a known slowdown detected?

A and B run the same start-up script with a wait (a busy ``process.hrtime`` loop, or with
``--wait sleep`` an ``Atomics.wait``): 0 ms for A, and for B a known fraction of A's median
start-up (5% and 10%, sized from a calibration of 21 runs of A). Each trial is one interleaved
comparison at the default precision (StopRule defaults: ±2%, 10–60 runs) through the real
pipeline; B is *detected* when the wall-time verdict is ``worse``. Targets: 5% in ≥ 80% of
trials, 10% in ≥ 95%. It also prints the effect actually injected (the wait over A's median in
each trial) and the ratio measured, since on a loaded machine both can differ from the nominal.

    .venv/bin/python benchmarks/trust/power.py --trials 20
"""

from __future__ import annotations

import time

from _trust import (
    args,
    baseline_ms,
    command,
    compare,
    median,
    runtime,
    wait_script,
    wilson,
    workdir,
)

from bakeoff.measure.process import LauncherExecutor

EFFECTS = (0.05, 0.10)
TARGETS = {0.05: 0.80, 0.10: 0.95}


def main() -> None:
    a = args(20, __doc__ or "")
    rt = runtime(a.runtime)
    d = workdir()
    base = command(rt, wait_script(d, 0.0, a.wait))
    started = time.monotonic()
    lines = []
    with LauncherExecutor() as ex:
        for effect in EFFECTS:
            ms = baseline_ms(ex, base)
            extra = effect * ms
            slow = command(rt, wait_script(d, extra, a.wait))
            print(f"{effect:.0%}: baseline median {ms:.1f} ms, {a.wait} wait {extra:.2f} ms")
            trials = []
            injected = []
            for i in range(a.trials):
                t = compare(ex, base, slow, seed=2000 + i)
                trials.append(t)
                # the effect actually injected, relative to A's median in this trial
                injected.append(extra / median(t.outcome.cells["A"].wall_ms))
                print(
                    f"  trial {i + 1:3d}: ratio {t.ratio:.3f}  verdict {t.verdict:12s} "
                    f"n={t.runs} MDE {t.mde or float('nan'):.1%}",
                    flush=True,
                )
            hit = sum(t.verdict == "worse" for t in trials)
            wrong = sum(t.verdict == "better" for t in trials)
            lo, hi = wilson(hit, len(trials))
            lines.append(
                f"{effect:.0%} slower: detected {hit}/{len(trials)} = {hit / len(trials):.0%} "
                f"(95% CI {lo:.0%}–{hi:.0%}; target ≥ {TARGETS[effect]:.0%}); "
                f"wrong direction {wrong}; injected effect vs A's median in the trial "
                f"{median(injected):.1%}; median measured ratio "
                f"{median([t.ratio for t in trials]):.3f}; median MDE "
                f"{median([t.mde for t in trials if t.mde is not None]):.1%}; "
                f"median runs/arm {median([t.runs for t in trials]):.0f}; noisy blocks "
                f"{sum(t.blocks_noisy for t in trials)}/{sum(t.blocks_watched for t in trials)}"
            )
    print()
    print(f"power: {rt.name} {rt.version} hello start-up, {a.wait} wait, default precision")
    print("\n".join(lines))
    print(f"elapsed {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main()
