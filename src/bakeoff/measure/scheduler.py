"""Scheduling: warm-ups, then contestants interleaved in randomized blocks (every block runs each
contestant once, in a fresh random order), with adaptive stopping.

A case stops when every contestant's median has a 95% CI half-width within the precision target
(after at least ``min_runs``), or at ``max_runs``, or when its share of the time budget is spent,
or on Ctrl-C. The outcome says which. A case that feeds a decision passes a ``settle`` check
instead of the precision target: it is asked after every block (from ``min_runs`` on) and stops
the case as soon as every decision it feeds is settled (``bakeoff.plan.sequential``).

Noise watch: after every block the scheduler asks a ``NoiseWatch`` (``bakeoff.measure.noisewatch``)
whether the machine was busy during it. The rule for a noisy block: its samples (every
contestant's, so the interleaving stays fair) are dropped and the block is run again, at most
``max(2, max_runs // 5)`` times per case; after that, noisy blocks are kept and annotated, so a
machine that is busy all the time still finishes, with the noise on record (``CaseOutcome.noise``).

Outliers: a block where some run took more than 5× (or under a fifth of) the median of its
contestant's earlier runs — a registry stall in an install, a machine hiccup — is re-run the same
way (two such re-runs per case, apart from the noise watch's), and kept, annotated, when it
recurs.

A contestant whose warm-up fails, or that fails
``max_failures`` measured runs, is dropped from the case and its failures are kept as evidence.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from bakeoff.events import Event, OnEvent, ignore
from bakeoff.measure.noisewatch import BlockNoise, NoiseWatch, SystemNoiseWatch
from bakeoff.measure.process import Command, Executor, LauncherExecutor, ProcessResult
from bakeoff.plan.stopping import Settle, StopRule, precise_enough


@dataclass(frozen=True)
class Cell:
    """One contestant in one case: the command to measure and an optional ``prepare`` step that
    runs before every sample, outside the timed region (e.g. emptying a runtime's cache)."""

    contestant: str
    command: Command
    prepare: Callable[[], None] | None = None


@dataclass
class CellOutcome:
    contestant: str
    results: list[ProcessResult] = field(default_factory=list)
    blocks: list[int] = field(default_factory=list)
    failures: list[ProcessResult] = field(default_factory=list)
    dropped: str | None = None  # why the contestant was dropped from this case
    # a run the time budget stopped (neither a sample nor a failure): kept for its output
    stopped: ProcessResult | None = None
    set_aside: list[tuple[int, ProcessResult]] = field(default_factory=list)  # noisy, re-run
    settled_at: int | None = None  # blocks after which its decision settled (no more samples)

    @property
    def wall_ms(self) -> list[float]:
        return [r.wall_ms for r in self.results]


@dataclass
class CaseOutcome:
    case: str
    cells: dict[str, CellOutcome]
    stop_reason: str = ""
    blocks_run: int = 0
    elapsed_s: float = 0.0
    order: list[list[str]] = field(default_factory=list)
    noise: list[BlockNoise] = field(default_factory=list)  # the noisy blocks only
    blocks_watched: int = 0
    blocks_rerun: int = 0
    outlier_reruns: int = 0

    def noise_info(self) -> dict[str, object]:
        """What the noise watch saw, for ``doc.suites[...]``: counts and the noisy blocks."""
        kept = sum(1 for b in self.noise if b.action.startswith("kept"))
        return {
            "blocks_watched": self.blocks_watched,
            "blocks_noisy": len(self.noise),
            "blocks_rerun": self.blocks_rerun,
            "blocks_kept_noisy": kept,
            "noisy_blocks": [b.to_dict() for b in self.noise],
        }

    def noise_note(self) -> str | None:
        """One line for the measurements' notes, or None when no block was noisy."""
        if not self.noise:
            return None
        kept = sum(1 for b in self.noise if b.action.startswith("kept"))
        return (
            f"noise watch: {len(self.noise)} of {self.blocks_watched} blocks ran under noise; "
            f"{self.blocks_rerun} re-run, {kept} kept"
        )

    @property
    def interrupted(self) -> bool:
        return self.stop_reason == "interrupted"


OUTLIER_FACTOR = 5.0  # a run this many times off its contestant's median makes the block odd
MAX_OUTLIER_RERUNS = 2  # per case


def outliers(out: CaseOutcome, block: int) -> list[str]:
    """Runs of ``block`` more than ``OUTLIER_FACTOR`` times slower (or faster) than the median
    of their contestant's earlier runs (at least two): a registry stall during an install, a
    machine hiccup — not the contestant's speed. The block is then treated like a noisy one:
    re-run (up to the re-run limit), and kept with the note when it recurs, so a contestant
    that really is that erratic is still measured as it is."""
    found = []
    for name, co in out.cells.items():
        earlier = [r.wall_ms for r, b in zip(co.results, co.blocks, strict=True) if b < block]
        now = [r.wall_ms for r, b in zip(co.results, co.blocks, strict=True) if b == block]
        if len(earlier) < 2 or not now:
            continue
        ref = statistics.median(earlier)
        for x in now:
            if ref > 0 and (x > OUTLIER_FACTOR * ref or x * OUTLIER_FACTOR < ref):
                found.append(f"outlier: {name} took {x / ref:.1f}× its median of earlier runs")
    return found


class Scheduler:
    def __init__(
        self,
        executor: Executor,
        rule: StopRule,
        seed: int | None = None,
        on_event: OnEvent = ignore,
        clock: Callable[[], float] = time.monotonic,
        suite: str = "",
        watch: NoiseWatch | str | None = "auto",
    ) -> None:
        self.executor = executor
        self.rule = rule
        self.seed = seed if seed is not None else random.SystemRandom().randrange(2**32)
        self.rng = random.Random(self.seed)
        self.on_event = on_event
        self.clock = clock
        self.suite = suite
        # "auto": watch the machine when measuring real processes; a fake executor measures
        # nothing real, so there is no machine noise to attribute to its blocks.
        if watch == "auto":
            watch = SystemNoiseWatch() if isinstance(executor, LauncherExecutor) else None
        self.watch: NoiseWatch | None = watch if not isinstance(watch, str) else None

    def _run(self, cell: Cell) -> ProcessResult:
        if cell.prepare is not None:
            cell.prepare()
        return self.executor.run(cell.command)

    def run_case(
        self,
        case: str,
        cells: Sequence[Cell],
        budget_s: float | None = None,
        settle: Settle | None = None,
        expect_block_s: float | None = None,
    ) -> CaseOutcome:
        """Run ``cells`` in interleaved blocks until the rule stops them. ``expect_block_s``:
        what one block is expected to take before any has run (a similar case's pace); with a
        budget, a first block expected not to fit is not started."""
        rule = self.rule
        start = self.clock()
        out = CaseOutcome(case, {c.contestant: CellOutcome(c.contestant) for c in cells})
        total = rule.max_runs * len(cells)
        self.on_event(Event("case_start", self.suite, case, total=total))
        deadline = None if budget_s is None else start + budget_s
        try:
            if not self._warm_up(case, cells, out, deadline, expect_block_s):
                out.stop_reason = "budget"
                raise _Cut
            blocks_began = self.clock()
            if self.watch is not None:
                self.watch.start()
            active = [c for c in cells if out.cells[c.contestant].dropped is None]
            while active:
                if out.blocks_run >= rule.max_runs:
                    out.stop_reason = "max_runs"
                    break
                if out.blocks_run >= rule.min_runs:
                    if settle is not None:
                        state = settle(
                            {c.contestant: out.cells[c.contestant].wall_ms for c in active}
                        )
                        for c in active:
                            if c.contestant in state.retire:
                                out.cells[c.contestant].settled_at = out.blocks_run
                        active = [c for c in active if c.contestant not in state.retire]
                        if state.done or not active:
                            out.stop_reason = "settled"
                            break
                    elif all(
                        precise_enough(out.cells[c.contestant].wall_ms, rule.precision)
                        for c in active
                    ):
                        out.stop_reason = "precision"
                        break
                now = self.clock()
                if budget_s is not None and not _fits(
                    now - start, now - blocks_began, out, budget_s, expect_block_s
                ):
                    out.stop_reason = "budget"
                    if out.blocks_run < rule.min_runs:
                        # no time for the re-runs: a noisy block, annotated, beats no sample
                        self._restore_set_aside(out, "kept (no time left in the budget to re-run)")
                    break
                order = list(active)
                self.rng.shuffle(order)
                out.order.append([c.contestant for c in order])
                cut = False
                until = self._until(deadline)
                for cell in order:
                    # after a cut, the block's other runs are not started: they would only
                    # overrun the budget further
                    if cut:
                        out.cells[cell.contestant].dropped = _NOT_STARTED
                    elif self._measure(case, cell, out, total, until):
                        cut = True
                if cut:  # a run outlived the budget: the case ends, what it measured stays
                    out.stop_reason = "budget"
                    if any(out.blocks_run in co.blocks for co in out.cells.values()):
                        out.blocks_run += 1
                    break
                if self._drop_noisy_block(out):
                    continue
                out.blocks_run += 1
                active = [c for c in active if out.cells[c.contestant].dropped is None]
            else:
                out.stop_reason = out.stop_reason or "all contestants failed"
        except _Cut:
            pass
        except KeyboardInterrupt:
            out.stop_reason = "interrupted"
            self._restore_set_aside(out, "kept (interrupted before its re-run)")
        out.elapsed_s = self.clock() - start
        self.on_event(
            Event("case_end", self.suite, case, detail=out.stop_reason, done=out.blocks_run)
        )
        return out

    def _drop_noisy_block(self, out: CaseOutcome) -> bool:
        """Ask the noise watch about the block just run, and look for a run far off its own
        contestant's other runs (an outlier); drop the block's samples when the rule says
        re-run. Returns True when the block was dropped."""
        block = out.blocks_run
        odd = outliers(out, block)
        if self.watch is None and not odd:
            return False
        if self.watch is not None:
            cpu_s = sum(
                r.cpu_ms
                for co in out.cells.values()
                for r, b in zip(co.results, co.blocks, strict=True)
                if b == block
            )
            reading = self.watch.block_done(block, cpu_s / 1000)
            out.blocks_watched += 1
        else:
            reading = BlockNoise(block, 0.0, 0.0, 0.0, None, False)
        if odd:
            reading.noisy = True
            reading.reasons += odd
        if not reading.noisy:
            return False
        out.noise.append(reading)
        # outliers have their own re-run allowance: a busy machine must not use it up
        if odd and out.outlier_reruns < MAX_OUTLIER_RERUNS:
            out.outlier_reruns += 1
        elif out.blocks_rerun >= self.rule.max_reruns:
            reading.action = "kept"
            return False
        else:
            out.blocks_rerun += 1
        reading.action = "rerun"
        for co in out.cells.values():
            while co.blocks and co.blocks[-1] == block:
                co.set_aside.append((co.blocks.pop(), co.results.pop()))
        return True

    @staticmethod
    def _restore_set_aside(out: CaseOutcome, action: str) -> None:
        """When the case stops before its re-runs (Ctrl-C, the budget): put the noisy samples
        back (they stay annotated, with ``action``) rather than lose them."""
        blocks: set[int] = set()
        for co in out.cells.values():
            blocks |= set(co.blocks) | {b for b, _ in co.set_aside}
            if not co.set_aside:
                continue
            pairs = sorted(
                [*zip(co.blocks, co.results, strict=True), *co.set_aside], key=lambda p: p[0]
            )
            co.blocks = [b for b, _ in pairs]
            co.results = [r for _, r in pairs]
            co.set_aside = []
        for reading in out.noise:
            if reading.action == "rerun":
                reading.action = action
        out.blocks_rerun = 0
        out.blocks_run = max(out.blocks_run, len(blocks))

    def _until(self, deadline: float | None) -> float | None:
        """When the runs of a block starting now must end: the budget's deadline, but at least
        ``BUDGET_RUN_FLOOR_S`` after the block's start — so a block started just before the
        budget ran out may overrun it by that floor at most, whatever its number of runs."""
        if deadline is None:
            return None
        return max(deadline, self.clock() + BUDGET_RUN_FLOOR_S)

    def _warm_up(
        self,
        case: str,
        cells: Sequence[Cell],
        out: CaseOutcome,
        deadline: float | None = None,
        expect_block_s: float | None = None,
    ) -> bool:
        """Run the warm-ups, in the cells' order (the contestants' order): they are not measured,
        so their order biases nothing. With a budget they run only when they and one measured
        block are expected to fit (``expect_block_s``: a similar case's pace per block;
        unknown: when any budget is left); a warm-up still going when the budget runs out is
        cut, and one taking ``WARMUP_SLOW_FACTOR`` times the slowest other contestant's
        warm-up (at least ``WARMUP_SLOW_FLOOR_S``) is stopped so the others still get their
        turn (express: mocha on Bun never ended, and Node's 3 s run never came). Returns False
        when the case cannot go on within the budget."""
        if self.rule.warmups == 0:
            return True
        if deadline is not None:
            need = (self.rule.warmups + 1) * (expect_block_s or 0.0)
            if self.clock() + need > deadline or self.clock() >= deadline:
                return False
        until = self._until(deadline)
        took: dict[str, float] = {}  # the slowest warm-up of each contestant, in seconds
        for i in range(self.rule.warmups):
            # the draw a shuffled warm-up order took: a --seed keeps giving the block orders
            # (and so the samples) it gave before warm-ups ran in order
            self.rng.shuffle(list(cells))
            for cell in cells:
                co = out.cells[cell.contestant]
                if co.dropped:
                    continue
                self.on_event(
                    Event(
                        "warmup",
                        self.suite,
                        case,
                        cell.contestant,
                        done=i + 1,
                        total=self.rule.warmups,
                    )
                )
                left = None if until is None else until - self.clock()
                if left is not None and left <= MIN_RUN_LEFT_S:
                    co.dropped = _NOT_STARTED
                    return False
                others = [v for k, v in took.items() if k != cell.contestant]
                slow = (
                    max(WARMUP_SLOW_FLOOR_S, WARMUP_SLOW_FACTOR * max(others))
                    if deadline is not None and others
                    else None
                )
                limit = min(x for x in (cell.command.timeout_s, left, slow) if x is not None)
                run_cell = cell
                if limit != cell.command.timeout_s:
                    run_cell = replace(cell, command=replace(cell.command, timeout_s=limit))
                res = self._run(run_cell)
                if res.timed_out and left is not None and limit == left:
                    co.dropped, co.stopped = _cut_note(res, "warm-up"), res
                    return False
                if res.timed_out and slow is not None and limit == slow:
                    co.stopped = res
                    co.dropped = (
                        f"stopped in its warm-up after {res.wall_ms / 1000:.0f} s, "
                        f"{WARMUP_SLOW_FACTOR:g}× the slowest other contestant's "
                        f"({max(others):.1f} s), so the others keep their share of the time "
                        "budget (not a failure; run without --quick or raise --budget)"
                    )
                    continue
                if not res.ok_for(cell.command):
                    co.failures.append(res)
                    co.dropped = f"warm-up failed: {res.failure()}"
                    continue
                took[cell.contestant] = max(took.get(cell.contestant, 0.0), res.wall_ms / 1000)
        return True

    def _measure(
        self, case: str, cell: Cell, out: CaseOutcome, total: int, deadline: float | None = None
    ) -> bool:
        """Run one sample. Returns True when the run was stopped because the time budget ran
        out (``deadline``): then it is neither a sample nor a failure — the case is cut."""
        co = out.cells[cell.contestant]
        cap = hang_limit(out, cell.contestant)
        limit = cell.command.timeout_s
        capped = cap is not None and cap < limit
        if cap is not None and capped:
            limit = cap
        left = None if deadline is None else deadline - self.clock()
        if left is not None and left <= MIN_RUN_LEFT_S:  # its turn came after the budget
            co.dropped = _NOT_STARTED
            self.on_event(Event("run", self.suite, case, cell.contestant, total=total))
            return True
        by_budget = left is not None and left < limit
        if left is not None and by_budget:
            limit = left
        if limit != cell.command.timeout_s:
            cell = replace(cell, command=replace(cell.command, timeout_s=limit))
        res = self._run(cell)
        if by_budget and res.timed_out:
            co.dropped, co.stopped = _cut_note(res, "run"), res
            self.on_event(Event("run", self.suite, case, cell.contestant, total=total))
            return True
        if cap is not None and capped and res.timed_out:
            res = replace(
                res,
                timeout_note=f"{HANG_FACTOR:g}× the slowest other contestant's median "
                f"({cap / HANG_FACTOR:.1f} s): treated as a hang",
            )
        if res.ok_for(cell.command):
            co.results.append(res)
            co.blocks.append(out.blocks_run)
        else:
            co.failures.append(res)
            if res.timed_out:  # a hang is not noise: running it again only waits again
                co.dropped = f"timed out, not run again: {res.failure()}"
            elif len(co.failures) >= self.rule.max_failures:
                co.dropped = f"{len(co.failures)} runs failed; last: {res.failure()}"
        done = sum(len(c.results) + len(c.failures) for c in out.cells.values())
        self.on_event(Event("run", self.suite, case, cell.contestant, done=done, total=total))
        return False


# A run that takes HANG_FACTOR times the slowest other contestant's median (and at least
# HANG_FLOOR_S) is stopped as a hang, before its command's own (generous) time limit: a test
# runner that never exits must not eat a quick run's whole budget.
HANG_FACTOR = 20.0
HANG_FLOOR_S = 120.0
# With a time budget, no block may outlive it by more than this floor: a run still going when
# the budget runs out is stopped and the case cut (a quick run's hung test runner), and a run
# whose turn comes after that is not started
BUDGET_RUN_FLOOR_S = 30.0
MIN_RUN_LEFT_S = 1.0  # a run with less time than this left is not started
# With a time budget, a warm-up this many times the slowest other contestant's is stopped
WARMUP_SLOW_FACTOR = 10.0
WARMUP_SLOW_FLOOR_S = 30.0
_NOT_STARTED = (
    "not run: the time budget ran out before its turn (not a failure; run without --quick "
    "or raise --budget)"
)


class _Cut(Exception):
    """The case cannot start within the time budget."""


def _cut_note(res: ProcessResult, what: str) -> str:
    return (
        f"cut by the time budget: its {what} was stopped after {res.wall_ms / 1000:.0f} s, "
        "when the budget ran out (not a failure; run without --quick or raise --budget)"
    )


def hang_limit(out: CaseOutcome, contestant: str) -> float | None:
    """The time limit a hang gets in this case: None until another contestant has a run."""
    medians = [
        statistics.median(r.wall_ms for r in co.results) / 1000
        for name, co in out.cells.items()
        if name != contestant and co.results
    ]
    if not medians:
        return None
    return max(HANG_FLOOR_S, HANG_FACTOR * max(medians))


def _fits(
    elapsed: float,
    in_blocks: float,
    out: CaseOutcome,
    budget_s: float,
    expect_block_s: float | None = None,
) -> bool:
    """Whether another block fits the budget: the time spent so far (warm-up included), plus
    one more block at the mean pace of the blocks run (re-run blocks included), stays within
    it. The first block starts when any budget is left — a case with no run at all has
    nothing to report — unless a similar case's pace (``expect_block_s``) says it cannot fit."""
    attempted = out.blocks_run + out.blocks_rerun + out.outlier_reruns
    if attempted == 0:
        if expect_block_s is not None:
            return elapsed + expect_block_s <= budget_s
        return elapsed < budget_s
    return elapsed + in_blocks / attempted <= budget_s
