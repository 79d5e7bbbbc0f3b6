"""Experiment 1 — A/A false-positive rate of bakeoff's verdict rule.

Both arms run the same real runtime start-up (node hello world) through the real pipeline
(interleaved blocks, adaptive stopping, noise watch, bootstrap CI, Mann–Whitney + Holm, verdict).
Any ``better``/``worse`` verdict is a false positive. Target: ≤ 5% over ≥ 40 comparisons.

    .venv/bin/python benchmarks/trust/aa.py --trials 40
"""

from __future__ import annotations

import time

from _trust import args, command, compare, median, runtime, wilson, workdir

from bakeoff.measure.process import LauncherExecutor


def main() -> None:
    a = args(40, __doc__ or "")
    rt = runtime(a.runtime)
    d = workdir()
    cmd = command(rt, d / "hello.mjs")
    started = time.monotonic()
    trials = []
    with LauncherExecutor() as ex:
        for i in range(a.trials):
            t = compare(ex, cmd, cmd, seed=1000 + i)
            trials.append(t)
            print(
                f"  trial {i + 1:3d}: ratio {t.ratio:.3f}  verdict {t.verdict:12s} "
                f"n={t.runs} MDE {t.mde or float('nan'):.1%}",
                flush=True,
            )
    fp = sum(t.verdict in ("better", "worse") for t in trials)
    lo, hi = wilson(fp, len(trials))
    noisy = sum(t.blocks_noisy for t in trials)
    watched = sum(t.blocks_watched for t in trials)
    print()
    print(f"A/A: {rt.name} {rt.version} hello start-up, {len(trials)} comparisons")
    print(
        f"false positives: {fp}/{len(trials)} = {fp / len(trials):.1%} "
        f"(95% CI {lo:.1%}–{hi:.1%}); target ≤ 5%"
    )
    print(
        "verdicts: "
        + ", ".join(
            f"{v} {sum(t.verdict == v for t in trials)}"
            for v in ("same", "inconclusive", "better", "worse")
        )
    )
    print(
        f"noise floor: median |ratio − 1| = {median([abs(t.ratio - 1) for t in trials]):.2%}, "
        f"max {max(abs(t.ratio - 1) for t in trials):.2%}"
    )
    print(
        f"median MDE: {median([t.mde for t in trials if t.mde is not None]):.1%}; "
        f"median runs per arm: {median([t.runs for t in trials]):.0f}"
    )
    print(
        f"noise watch: {noisy}/{watched} blocks ran under noise; "
        f"elapsed {time.monotonic() - started:.0f}s"
    )


if __name__ == "__main__":
    main()
