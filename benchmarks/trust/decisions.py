"""Experiment 5 — the decision family: A/A error, power, peeking and time to a settled decision.

The demo's primary family (every surface × candidate a run declares before measuring) is
replayed through bakeoff's real pipeline — Scheduler with the settle check after every block,
measurements, ``analyze`` — with a fake executor whose run times are drawn from **real samples**
of a saved run: per deciding case, the log residuals of every arm around its own mean (scaled by
sqrt(n/(n−1))), resampled, times the case's baseline median. Nothing else is simulated.

* A/A: every arm of every case drawn from the same noise → any better/worse on any primary
  comparison is a family-wise false positive (target ≤ 5%). The settle check looks after every
  block, so this is also the false-positive rate under peeking.
* power: one candidate per surface made 10% slower → share of runs where that comparison is
  "worse" within the maximum (target ≥ 90%), and 3× faster → share settled "better" within
  3 blocks (target ≥ 95%).
* time to a settled decision: median blocks per surface, and seconds (blocks × the arms'
  median times), for the quick and the full maxima.

    .venv/bin/python benchmarks/trust/decisions.py RESULTS.json [--runs 200]

RESULTS.json: a saved ``bakeoff demo`` (or ``run``) document; without one, ``bakeoff demo
--quick`` is run first (about two minutes) and its document used.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from _trust import wilson

from bakeoff import analyze
from bakeoff import results as results_mod
from bakeoff.measure.fake import FakeExecutor, result
from bakeoff.measure.process import Command, ProcessResult
from bakeoff.plan import Cell, Scheduler, StopRule
from bakeoff.primary import REFERENCE, DecisionPlan, Primary
from bakeoff.results import Measurement, ResultsDocument
from bakeoff.sequential import SettleState, settle_state
from bakeoff.suites.catalog import REPS

# The most blocks a deciding case may take, per suite (bakeoff.suites.catalog.REPS; serve
# and packaging use their own specs).
MAX_N = {
    "quick": {**{k: REPS["quick"][k] for k in ("install", "test", "build")}, "serve": 4},
    "full": {**{k: REPS["full"][k] for k in ("install", "test", "build")}, "serve": 6},
}
MIN_N = 3


@dataclass
class Case:
    """A deciding case of the saved run: its arms, their real noise, the baseline median."""

    surface: str
    suite: str
    case: str
    metric: str
    candidates: list[str]
    residuals: list[float]  # pooled log residuals of every arm
    base_median: float
    arm_medians: dict[str, float]


def cases_of(doc: ResultsDocument) -> list[Case]:
    plan = doc.settings.get("primary") or {}
    base = str(plan.get("baseline") or doc.settings.get("baseline"))
    ref = (doc.suites.get("serve") or {}).get("reference_case")
    by_case: dict[tuple[str, str, str, str], list[str]] = {}
    for p in plan.get("family") or []:
        case = ref if p["case"] == REFERENCE else p["case"]
        if case is None:
            continue
        key = (p["surface"], p["suite"], case, p["metric"])
        by_case.setdefault(key, []).append(p["contestant"])
    out = []
    for (surface, suite, case, metric), cands in by_case.items():
        arms: dict[str, Measurement] = {
            m.contestant: m
            for m in doc.measurements
            if (m.suite, m.case, m.metric) == (suite, case, metric)
            and m.valid
            and len(m.samples) >= 2
            and min(m.samples) > 0
        }
        if base not in arms:
            continue
        residuals: list[float] = []
        for m in arms.values():
            logs = [math.log(x) for x in m.samples]
            mu = statistics.fmean(logs)
            scale = math.sqrt(len(logs) / (len(logs) - 1))
            residuals += [(v - mu) * scale for v in logs]
        out.append(
            Case(
                surface,
                suite,
                case,
                metric,
                [c for c in cands if c in arms],
                residuals,
                statistics.median(arms[base].samples),
                {k: statistics.median(m.samples) for k, m in arms.items()},
            )
        )
    return out


def replay(
    case: Case,
    baseline: str,
    plan: DecisionPlan,
    max_n: int,
    effects: dict[str, float],
    rng: random.Random,
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """One run of the case through the Scheduler with the settle check; every arm's times are
    the baseline median × a resampled real residual × its injected effect (1 = A/A)."""
    names = [baseline, *case.candidates]

    def behave(cmd: Command, _i: int) -> ProcessResult:
        who = cmd.argv[0]
        x = case.base_median * math.exp(rng.choice(case.residuals)) * effects.get(who, 1.0)
        return result(x * 1000 if case.metric.endswith("_s") else x)

    design = plan.design(MIN_N, max_n)

    def settle(samples: dict[str, list[float]]) -> SettleState:
        return settle_state(design, samples, baseline, case.candidates)

    rule = StopRule(min_runs=design.min_n, max_runs=design.max_n, warmups=0)
    sched = Scheduler(FakeExecutor(behave), rule, seed=rng.randrange(2**31), watch=None)
    out = sched.run_case(case.case, [Cell(n, Command((n,))) for n in names], settle=settle)
    stopped = {n: out.cells[n].settled_at or out.blocks_run for n in case.candidates}
    return {n: out.cells[n].wall_ms for n in names}, stopped


def verdicts(
    cases: Sequence[Case],
    baseline: str,
    plan: DecisionPlan,
    mode: str,
    effects: dict[tuple[str, str], float],
    rng: random.Random,
) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], int]]:
    """Every primary comparison's verdict for one replayed evaluation, and the blocks after
    which each was settled (or the case stopped)."""
    doc = ResultsDocument(settings={"primary": plan.to_dict()})
    doc.suites["serve"] = {
        "reference_case": next((c.case for c in cases if c.suite == "serve"), "")
    }
    blocks: dict[tuple[str, str], int] = {}
    for case in cases:
        max_n = MAX_N[mode].get(case.suite, 10)
        eff = {who: e for (surface, who), e in effects.items() if surface == case.surface}
        samples, stopped = replay(case, baseline, plan, max_n, eff, rng)
        blocks.update({(case.surface, who): n for who, n in stopped.items()})
        doc.suites.setdefault(case.suite, {}).setdefault("cases", {})[case.case] = {
            "design": plan.design(MIN_N, max_n).to_dict()
        }
        for who in [baseline, *case.candidates]:
            doc.measurements.append(
                Measurement(
                    suite=case.suite,
                    case=case.case,
                    metric=case.metric,
                    contestant=who,
                    unit="ms",
                    samples=samples[who],
                )
            )
    analyze.analyze(doc, baseline)
    got = {
        (str(c.surface), c.contestant): c.verdict for c in doc.comparisons if c.role == "primary"
    }
    return got, blocks


def load(path: str | None) -> ResultsDocument:
    if path:
        return results_mod.load(Path(path))
    out = Path(tempfile.mkdtemp(prefix="bakeoff-decisions-"))
    bakeoff = Path(sys.executable).parent / "bakeoff"
    print(f"running `bakeoff demo --quick` for real samples (into {out}) ...", flush=True)
    subprocess.run([str(bakeoff), "demo", "--quick", "--out", str(out)], check=True)
    return results_mod.load(out / "results.json")


def real_aa(n: int, extra: Sequence[str]) -> None:
    """``bakeoff demo --quick --aa`` n times: every primary verdict between the baseline and
    its A/A twin that is better or worse is a false positive."""
    bakeoff = Path(sys.executable).parent / "bakeoff"
    wrong_runs, compared, wrong, blocks = 0, 0, 0, []
    for i in range(n):
        out = Path(tempfile.mkdtemp(prefix=f"bakeoff-aa-{i}-"))
        started = time.monotonic()
        subprocess.run(
            [str(bakeoff), "demo", "--quick", "--aa", "--out", str(out), *extra],
            check=False,
            stdout=subprocess.DEVNULL,
        )
        doc = results_mod.load(out / "results.json")
        twin = [
            c for c in doc.comparisons if c.role == "primary" and c.contestant.endswith("(A/A)")
        ]
        bad = [c for c in twin if c.verdict in ("better", "worse")]
        compared += len(twin)
        wrong += len(bad)
        wrong_runs += bool(bad)
        blocks += [c.n for c in twin if c.n]
        print(
            f"  run {i + 1}: {len(twin)} A/A primaries, {len(bad)} better/worse "
            + ", ".join(f"{c.surface} {c.verdict}" for c in twin)
            + f" ({time.monotonic() - started:.0f} s)",
            flush=True,
        )
    lo, hi = wilson(wrong_runs, n)
    print(
        f"real A/A: {wrong_runs}/{n} runs with a wrong primary verdict "
        f"(95% CI {lo:.0%}–{hi:.0%}); {wrong}/{compared} comparisons; "
        f"median runs per A/A comparison {statistics.median(blocks) if blocks else math.nan:.0f}"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("results", nargs="?", help="a saved results.json (default: run the quick demo)")
    p.add_argument("--runs", type=int, default=200, help="replayed evaluations per experiment")
    p.add_argument("--seed", type=int, default=20261201)
    p.add_argument(
        "--real",
        type=int,
        default=0,
        metavar="N",
        help="instead: run `bakeoff demo --quick --aa` N times and count wrong A/A verdicts",
    )
    a = p.parse_args()
    if a.real:
        real_aa(a.real, ["--suite", "serve,install,test,build,compat"])
        return
    doc = load(a.results)
    plan_raw = doc.settings.get("primary") or {}
    if not plan_raw.get("family"):
        sys.exit("the document declares no primary family (made before bakeoff 0.2?)")
    baseline = str(plan_raw["baseline"])
    cases = cases_of(doc)
    family = [Primary(c.surface, who) for c in cases for who in c.candidates]
    plan = DecisionPlan(baseline, family, threshold=float(plan_raw.get("threshold", 0.02)))
    rng = random.Random(a.seed)
    print(f"decision family from {doc.created}: {len(family)} primary comparisons")
    for c in cases:
        spread = statistics.pstdev(c.residuals)
        print(
            f"  {c.surface:16s} {c.suite}·{c.case}·{c.metric}: {', '.join(c.candidates)}; "
            f"real noise {spread:.1%} (log sd, {len(c.residuals)} residuals)"
        )
    print()
    for mode in ("quick", "full"):
        # A/A (peeking after every block)
        fw, per = 0, 0
        blocks: dict[str, list[int]] = {}
        for _ in range(a.runs):
            got, b = verdicts(cases, baseline, plan, mode, {}, rng)
            wrong = [v for v in got.values() if v in ("better", "worse")]
            fw += bool(wrong)
            per += len(wrong)
            for (surface, _who), n in b.items():
                blocks.setdefault(surface, []).append(n)
        lo, hi = wilson(fw, a.runs)
        print(f"[{mode}] A/A, {a.runs} evaluations, look after every block:")
        print(
            f"  family-wise false better/worse: {fw}/{a.runs} = {fw / a.runs:.1%} "
            f"(95% CI {lo:.1%}–{hi:.1%}); target ≤ 5%"
        )
        print(
            f"  per comparison: {per}/{a.runs * len(family)} = {per / (a.runs * len(family)):.2%}"
        )
        print(
            "  blocks to stop (A/A, median): "
            + ", ".join(f"{s} {statistics.median(n):.0f}" for s, n in blocks.items())
        )
        # power: 10% slower, and 3x faster, one candidate per surface at a time
        for label, factor, want in (("10% slower", 1.10, "worse"), ("3× faster", 1 / 3, "better")):
            print(f"[{mode}] power, {label} injected on one candidate per surface:")
            for c in cases:
                who = c.candidates[0]
                hit, fast, nblocks = 0, 0, []
                for _ in range(max(40, a.runs // 4)):
                    got, b = verdicts([c], baseline, plan, mode, {(c.surface, who): factor}, rng)
                    hit += got.get((c.surface, who)) == want
                    fast += got.get((c.surface, who)) == want and b[(c.surface, who)] <= 3
                    nblocks.append(b[(c.surface, who)])
                trials = max(40, a.runs // 4)
                secs = statistics.median(nblocks) * (c.base_median * (1 + factor))
                unit = "s" if c.metric.endswith("_s") else "ms"
                print(
                    f"  {c.surface:16s} {who}: {want} in {hit}/{trials} = {hit / trials:.0%}"
                    + (f", within 3 blocks {fast / trials:.0%}" if factor < 1 else "")
                    + f"; median blocks to settle {statistics.median(nblocks):.0f} "
                    f"(≈ {secs:.3g} {unit} of baseline + candidate runs)"
                )
        print()
    # the real run itself
    print("time to a settled decision in the saved run itself:")
    for suite, info in doc.suites.items():
        for case, ci in (info.get("cases") or {}).items() if isinstance(info, dict) else []:
            if isinstance(ci, dict) and ci.get("design"):
                print(
                    f"  {suite}·{case}: {ci.get('stop_reason')} after {ci.get('blocks')} blocks "
                    f"(max {ci['design']['max_n']}); suite took {info.get('elapsed_s')} s"
                )


if __name__ == "__main__":
    main()
