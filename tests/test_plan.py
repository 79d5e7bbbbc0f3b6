from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from bakeoff.measure.fake import FakeExecutor, result
from bakeoff.measure.process import Command, ProcessResult
from bakeoff.measure.scheduler import BUDGET_RUN_FLOOR_S, Cell, Scheduler
from bakeoff.plan.stopping import StopRule


def cells(*names: str) -> list[Cell]:
    return [Cell(n, Command((n,))) for n in names]


def test_blocks_interleave_every_contestant_once_in_random_order(
    fake_factory: Callable[..., FakeExecutor],
) -> None:
    ex = fake_factory({"a": 10, "b": 20, "c": 30})
    sched = Scheduler(ex, StopRule(min_runs=8, max_runs=8, warmups=1), seed=7)
    out = sched.run_case("x", cells("a", "b", "c"))
    assert out.stop_reason == "max_runs"
    assert out.blocks_run == 8
    for block in out.order:
        assert sorted(block) == ["a", "b", "c"]
    assert len({tuple(b) for b in out.order}) > 1, "order must be shuffled between blocks"
    # 1 warm-up each + 8 measured each
    assert len(ex.calls) == 3 * 9
    assert all(len(c.results) == 8 for c in out.cells.values())
    assert out.cells["a"].blocks == list(range(8))


def test_same_seed_same_order(fake_factory: Callable[..., FakeExecutor]) -> None:
    orders = []
    for _ in range(2):
        sched = Scheduler(fake_factory({"a": 1, "b": 2}), StopRule(min_runs=5, max_runs=5), seed=42)
        orders.append(sched.run_case("x", cells("a", "b")).order)
    assert orders[0] == orders[1]


def test_stops_on_precision_when_samples_are_tight(
    fake_factory: Callable[..., FakeExecutor],
) -> None:
    ex = fake_factory({"a": 10, "b": 20}, sigma=0.002)
    out = Scheduler(ex, StopRule(precision=0.02, min_runs=5, max_runs=100), seed=1).run_case(
        "x", cells("a", "b")
    )
    assert out.stop_reason == "precision"
    assert out.blocks_run == 5


def test_noisy_samples_run_longer_then_hit_max(fake_factory: Callable[..., FakeExecutor]) -> None:
    ex = fake_factory({"a": 10, "b": 20}, sigma=0.5)
    out = Scheduler(ex, StopRule(precision=0.01, min_runs=5, max_runs=12), seed=1).run_case(
        "x", cells("a", "b")
    )
    assert out.stop_reason == "max_runs"
    assert out.blocks_run == 12


def test_budget_stops_the_case() -> None:
    ticks = itertools.count()
    ex = FakeExecutor(lambda c, i: result(10 + (i % 7)))
    sched = Scheduler(
        ex,
        StopRule(precision=0.0001, min_runs=2, max_runs=1000),
        seed=1,
        clock=lambda: float(next(ticks)),
    )
    out = sched.run_case("x", cells("a"), budget_s=20)
    assert out.stop_reason == "budget"
    assert out.blocks_run < 1000


def test_failing_warmup_drops_contestant_and_keeps_evidence() -> None:
    def behave(cmd: Command, i: int) -> ProcessResult:
        if cmd.argv[0] == "bad":
            return result(5, exit_code=3, stderr="boom: missing module")
        return result(10)

    out = Scheduler(FakeExecutor(behave), StopRule(min_runs=3, max_runs=3), seed=1).run_case(
        "x", cells("good", "bad")
    )
    bad = out.cells["bad"]
    assert bad.dropped and "exited with code 3" in bad.dropped
    assert bad.results == []
    assert bad.failures[0].stderr_tail == "boom: missing module"
    assert len(out.cells["good"].results) == 3


def test_intermittent_failures_drop_after_max_failures() -> None:
    def behave(cmd: Command, i: int) -> ProcessResult:
        if cmd.argv[0] == "flaky" and i > 2:
            return result(5, exit_code=3)
        return result(10)

    rule = StopRule(min_runs=10, max_runs=10, max_failures=3)
    out = Scheduler(FakeExecutor(behave), rule, seed=1).run_case("x", cells("ok", "flaky"))
    flaky = out.cells["flaky"]
    assert flaky.dropped and "3 runs failed" in flaky.dropped and "code 3" in flaky.dropped
    assert len(out.cells["ok"].results) == 10


def test_all_failing_contestants_end_the_case() -> None:
    ex = FakeExecutor(lambda c, i: result(1, exit_code=1))
    out = Scheduler(ex, StopRule(min_runs=3, max_runs=5), seed=1).run_case("x", cells("a"))
    assert out.stop_reason == "all contestants failed"


def test_keyboard_interrupt_is_an_outcome_not_a_crash() -> None:
    def behave(cmd: Command, i: int) -> ProcessResult:
        if i == 6:
            raise KeyboardInterrupt
        return result(10)

    out = Scheduler(FakeExecutor(behave), StopRule(min_runs=5, max_runs=50), seed=1).run_case(
        "x", cells("a", "b")
    )
    assert out.interrupted
    assert sum(len(c.results) for c in out.cells.values()) == 4  # 2 warm-ups + 4 measured


def test_prepare_runs_before_every_sample() -> None:
    prepared = []
    ex = FakeExecutor(lambda c, i: result(10))
    cell = Cell("a", Command(("a",)), prepare=lambda: prepared.append(1))
    Scheduler(ex, StopRule(min_runs=4, max_runs=4, warmups=2), seed=1).run_case("x", [cell])
    assert len(prepared) == 6


@pytest.mark.parametrize(
    "kw", [{"precision": 0}, {"min_runs": 0}, {"min_runs": 5, "max_runs": 4}, {"warmups": -1}]
)
def test_stop_rule_rejects_nonsense(kw: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        StopRule(**kw)  # type: ignore[arg-type]


def test_a_block_that_would_overrun_the_budget_does_not_start() -> None:
    """Each run takes 10 s: with 25 s, two blocks fit (10, then 20 — a third would end at 30)."""
    now = [0.0]

    def behave(cmd: Command, i: int) -> ProcessResult:
        now[0] += 10.0
        return result(10 + (i % 7))

    sched = Scheduler(
        FakeExecutor(behave),
        StopRule(precision=0.0001, min_runs=2, max_runs=100, warmups=0),
        seed=1,
        clock=lambda: now[0],
    )
    out = sched.run_case("x", cells("a"), budget_s=25)
    assert out.stop_reason == "budget"
    assert out.blocks_run == 2
    assert now[0] <= 25


class _AlwaysNoisy:
    """A noise watch that calls every block noisy (a loaded machine)."""

    def start(self) -> None:
        pass

    def block_done(self, block: int, cpu_s: float) -> object:
        from bakeoff.measure.noisewatch import BlockNoise

        return BlockNoise(block, 9.0, 1.0, 0.0, None, True, ["load 9"])


def test_a_noisy_block_the_budget_cannot_re_run_is_kept_annotated() -> None:
    """A first block called noisy is set aside for a re-run; when the budget has no room for
    it, its samples come back (annotated) instead of the case ending with none."""
    now = [0.0]

    def behave(cmd: Command, i: int) -> ProcessResult:
        now[0] += 30.0
        return result(30_000 + i)

    sched = Scheduler(
        FakeExecutor(behave),
        StopRule(precision=0.0001, min_runs=3, max_runs=5, warmups=0),
        seed=1,
        clock=lambda: now[0],
        watch=_AlwaysNoisy(),  # type: ignore[arg-type]
    )
    out = sched.run_case("x", cells("a", "b"), budget_s=70)
    assert out.stop_reason == "budget"
    assert out.blocks_run >= 1
    assert all(len(co.results) >= 1 for co in out.cells.values())
    assert any(n.action.startswith("kept (no time left") for n in out.noise)


def test_a_hang_is_stopped_relative_to_the_others_and_not_run_again() -> None:
    """A contestant whose run takes 20x the others' (and 2 min or more) is stopped as a hang
    before its command's 300 s limit, dropped at once with the reason, and never run again;
    the others go on."""
    seen_limits: list[float | None] = []

    def behave(cmd: Command, i: int) -> ProcessResult:
        if cmd.argv[0] == "hangs":
            seen_limits.append(cmd.timeout_s)
            return ProcessResult(**{**result(cmd.timeout_s * 1000).__dict__, "timed_out": True})
        return result(10_000 + (i % 3) * 100)  # 10 s test runs

    cells = [
        Cell("ok", Command(("ok",), timeout_s=300)),
        Cell("hangs", Command(("hangs",), timeout_s=300)),
    ]
    sched = Scheduler(
        FakeExecutor(behave), StopRule(min_runs=3, max_runs=3, warmups=0), seed=5, watch=None
    )
    out = sched.run_case("tests", cells)
    hung = out.cells["hangs"]
    assert len(hung.failures) == 1 and hung.dropped and "not run again" in hung.dropped
    assert len(out.cells["ok"].results) == 3
    assert seen_limits == [200.0]  # with this seed "ok" runs first: 20 x 10 s
    assert "treated as a hang" in hung.failures[0].failure()


def test_a_first_block_expected_not_to_fit_is_not_started() -> None:
    """With a similar case's pace known (a cold install took 70 s a block), a frozen install
    with 50 s of budget left does not start a block it cannot finish; without one it does."""
    now = [0.0]

    def behave(cmd: Command, i: int) -> ProcessResult:
        now[0] += 35.0
        return result(35_000 + i)

    def sched() -> Scheduler:
        rule = StopRule(precision=0.0001, min_runs=3, max_runs=5, warmups=0)
        return Scheduler(FakeExecutor(behave), rule, seed=1, clock=lambda: now[0], watch=None)

    skipped = sched().run_case("x", cells("a", "b"), budget_s=50, expect_block_s=70)
    assert skipped.stop_reason == "budget" and skipped.blocks_run == 0 and now[0] == 0
    ran = sched().run_case("x", cells("a", "b"), budget_s=50)
    assert ran.blocks_run == 1


def test_a_run_still_going_when_the_budget_runs_out_is_cut_not_failed() -> None:
    """A hung test runner that happens to run first (no other contestant's pace known yet)
    must not hold a quick run for its 300 s limit: it is stopped when the budget runs out,
    recorded as cut by the budget — not as a failure — and the case ends."""
    now = [0.0]
    limits: dict[str, float] = {}

    def behave(cmd: Command, i: int) -> ProcessResult:
        limits[cmd.argv[0]] = cmd.timeout_s
        if cmd.argv[0] == "hangs":
            now[0] += cmd.timeout_s
            return ProcessResult(**{**result(cmd.timeout_s * 1000).__dict__, "timed_out": True})
        now[0] += 5.0
        return result(5_000 + i)

    sched = Scheduler(
        FakeExecutor(behave),
        StopRule(min_runs=3, max_runs=5, warmups=0),
        seed=2,  # "hangs" runs first in the first block
        clock=lambda: now[0],
        watch=None,
    )
    cells = [
        Cell("ok", Command(("ok",), timeout_s=300)),
        Cell("hangs", Command(("hangs",), timeout_s=300)),
    ]
    out = sched.run_case("tests", cells, budget_s=70)
    assert out.order[0][0] == "hangs"
    assert limits["hangs"] == 70  # the budget's time left, not the 300 s limit
    hung = out.cells["hangs"]
    assert not hung.failures and hung.dropped and "cut by the time budget" in hung.dropped
    assert out.stop_reason == "budget" and now[0] <= 80


def _clocked(
    took: dict[str, float], rule: StopRule, seed: int
) -> tuple[Scheduler, list[float], list[str]]:
    """A scheduler on a fake clock (``now[0]``) whose runs take ``took[name]`` seconds — or
    their limit, then timed out, when that is shorter — and the names of the runs, in order."""
    now = [0.0]
    ran: list[str] = []

    def behave(cmd: Command, i: int) -> ProcessResult:
        name = cmd.argv[0]
        ran.append(name)
        dur = took[name]
        if cmd.timeout_s is not None and cmd.timeout_s < dur:
            now[0] += cmd.timeout_s
            return ProcessResult(**{**result(cmd.timeout_s * 1000).__dict__, "timed_out": True})
        now[0] += dur
        return result(dur * 1000 + i)

    sched = Scheduler(FakeExecutor(behave), rule, seed=seed, clock=lambda: now[0], watch=None)
    return sched, now, ran


def test_a_block_overruns_the_budget_by_the_floor_at_most_and_stops_at_a_cut() -> None:
    """koa-typescript's frozen installs: three slow installs in a block that began with little
    budget left ran 30 s each (the floor applied per run). Now the floor bounds the whole
    block: the run that outlives it is cut and the block's remaining runs are not started."""
    took = {"a": 25.0, "b": 25.0, "c": 25.0}
    sched, now, ran = _clocked(took, StopRule(min_runs=3, max_runs=5, warmups=0), seed=3)
    cells = [Cell(n, Command((n,), timeout_s=300)) for n in took]
    out = sched.run_case("cold-lockfile", cells, budget_s=10)
    assert len(ran) == 2, ran  # the first ran whole, the second was cut, the third not started
    assert now[0] <= 10 + BUDGET_RUN_FLOOR_S
    assert out.stop_reason == "budget"
    first, second, third = (out.cells[n] for n in out.order[0])
    assert len(first.results) == 1 and first.dropped is None
    assert second.dropped and "cut by the time budget" in second.dropped
    assert third.dropped and third.dropped.startswith("not run: the time budget ran out")
    assert not (first.failures or second.failures or third.failures)


def test_warm_ups_that_cannot_fit_the_budget_do_not_run() -> None:
    """A warm-cache install state (one warm-up, then a block) with the cold state's pace known:
    when warm-up plus a block cannot fit what is left, nothing runs — 0 blocks after 17 s of
    warm-ups was the old behaviour."""
    sched, _now, ran = _clocked(
        {"a": 20.0, "b": 20.0}, StopRule(min_runs=1, max_runs=1, warmups=1), seed=1
    )
    out = sched.run_case("warm-cache", cells("a", "b"), budget_s=30, expect_block_s=40)
    assert ran == [] and out.stop_reason == "budget" and out.blocks_run == 0
    # with room for warm-up and block, both run
    out = sched.run_case("warm-cache", cells("a", "b"), budget_s=200, expect_block_s=40)
    assert len(ran) == 4 and out.blocks_run == 1


def test_a_warm_up_still_going_when_the_budget_runs_out_is_cut() -> None:
    sched, now, _ran = _clocked(
        {"a": 5.0, "b": 500.0}, StopRule(min_runs=1, max_runs=1, warmups=1), seed=1
    )
    out = sched.run_case(
        "warm-cache", [Cell(n, Command((n,), timeout_s=900)) for n in "ab"], budget_s=20
    )
    assert now[0] <= 20 + BUDGET_RUN_FLOOR_S and out.stop_reason == "budget"
    assert out.blocks_run == 0
    b = out.cells["b"]
    assert b.dropped and "warm-up was stopped" in b.dropped and not b.failures


def test_a_warm_up_far_slower_than_the_others_is_stopped_so_they_keep_their_turn() -> None:
    """express: mocha on Bun never ended in its warm-up (300 s), so Node's 3 s test run never
    came in a quick run. With a budget, warm-ups run in the cells' order (the baseline first),
    and one taking 10× the slowest other's (at least 30 s) is stopped: the others run."""
    sched, _now, ran = _clocked(
        {"node": 3.0, "bun": 900.0, "deno": 5.0},
        StopRule(min_runs=1, max_runs=1, warmups=1),
        seed=1,
    )
    cells_ = [Cell(n, Command((n,), timeout_s=300)) for n in ("node", "bun", "deno")]
    out = sched.run_case("tests", cells_, budget_s=100)
    assert ran[:3] == ["node", "bun", "deno"]  # warm-ups in order
    bun = out.cells["bun"]
    assert bun.dropped and "stopped in its warm-up after 30 s" in bun.dropped and not bun.failures
    assert out.blocks_run == 1
    assert len(out.cells["node"].results) == 1 and len(out.cells["deno"].results) == 1
    # without a budget, the command's own limit applies
    took = {"node": 3.0, "bun": 900.0, "deno": 5.0}
    rule = StopRule(min_runs=1, max_runs=1, warmups=1)
    out = _clocked(took, rule, seed=1)[0].run_case("tests", cells_)
    assert out.cells["bun"].dropped and "warm-up failed: timed out" in out.cells["bun"].dropped
