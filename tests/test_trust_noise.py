"""The noise watch: the rule that calls a block noisy, and what the scheduler does with it
(re-run up to a limit, then keep and annotate; Ctrl-C keeps the samples set aside)."""

from __future__ import annotations

from collections.abc import Iterator

from bakeoff.measure.fake import FakeExecutor, lognormal
from bakeoff.measure.noisewatch import BlockNoise, CpuReading, NoiseLimits, SystemNoiseWatch, judge
from bakeoff.measure.process import Command
from bakeoff.measure.scheduler import Cell, Scheduler
from bakeoff.plan.stopping import StopRule


def reading(
    wall: float, busy: float, steal: float = 0.0, own: float = 0.0, freq: float | None = 2000.0
) -> CpuReading:
    return CpuReading(
        wall=wall,
        busy=busy,
        steal=steal,
        total=2 * wall,
        own=own,
        kids=0.0,
        freq_mhz=freq,
        load1=0.5,
    )


def test_judge_other_processes() -> None:
    limits = NoiseLimits()
    quiet = judge(reading(0, 0), reading(1, 0.6), 0.5, 2000.0, limits)
    assert quiet[2] == [] and abs(quiet[0] - 0.1) < 1e-9
    busy = judge(reading(0, 0), reading(1, 1.5), 0.5, 2000.0, limits)
    assert busy[2] == ["other processes used 1.00 cores"]


def test_judge_steal_and_frequency() -> None:
    limits = NoiseLimits()
    _, steal, reasons = judge(reading(0, 0), reading(1, 0.2, steal=0.2), 0.2, 2000.0, limits)
    assert steal == 0.1 and any("stole" in r for r in reasons)
    _, _, reasons = judge(reading(0, 0), reading(1, 0.2, freq=1500.0), 0.2, 2000.0, limits)
    assert any("frequency" in r for r in reasons)


def test_system_watch_with_injected_readings() -> None:
    readings: Iterator[CpuReading] = iter([reading(0, 0), reading(1, 0.1), reading(2, 1.9)])
    watch = SystemNoiseWatch(reader=lambda: next(readings), others=lambda: ["yes"])
    watch.start()
    first = watch.block_done(0, 0.1)
    second = watch.block_done(1, 0.1)
    assert not first.noisy and first.busy == []
    assert second.noisy and second.busy == ["yes"]


class ScriptedWatch:
    """Calls the blocks listed in ``noisy`` (by watch call number) noisy."""

    def __init__(self, noisy: set[int] | None = None, always: bool = False) -> None:
        self.noisy = noisy or set()
        self.always = always
        self.calls = 0

    def start(self) -> None:
        pass

    def block_done(self, block: int, children_cpu_s: float) -> BlockNoise:
        n = self.calls
        self.calls += 1
        noisy = self.always or n in self.noisy
        return BlockNoise(
            block,
            0.0,
            1.5 if noisy else 0.0,
            0.0,
            None,
            noisy,
            ["other processes used 1.50 cores"] if noisy else [],
        )


def cells() -> list[Cell]:
    return [Cell("A", Command(("a",))), Cell("B", Command(("b",)))]


def test_noisy_block_is_dropped_and_rerun() -> None:
    ex = FakeExecutor(lognormal({"a": 10.0, "b": 10.0}))
    rule = StopRule(min_runs=5, max_runs=5, warmups=0)
    out = Scheduler(ex, rule, seed=1, watch=ScriptedWatch({1, 3})).run_case("c", cells())
    assert out.blocks_run == 5 and out.blocks_rerun == 2 and out.blocks_watched == 7
    assert len(ex.calls) == 14  # 7 blocks × 2 contestants
    for co in out.cells.values():
        assert len(co.results) == 5 and co.blocks == [0, 1, 2, 3, 4]
    assert [b.action for b in out.noise] == ["rerun", "rerun"]
    assert out.noise_note() == "noise watch: 2 of 7 blocks ran under noise; 2 re-run, 0 kept"


def test_persistent_noise_is_kept_after_the_rerun_limit() -> None:
    ex = FakeExecutor(lognormal({"a": 10.0, "b": 10.0}))
    rule = StopRule(min_runs=10, max_runs=10, warmups=0)
    out = Scheduler(ex, rule, seed=1, watch=ScriptedWatch(always=True)).run_case("c", cells())
    assert rule.max_reruns == 2
    assert out.blocks_run == 10 and out.blocks_rerun == 2
    info = out.noise_info()
    assert info["blocks_noisy"] == 12 and info["blocks_kept_noisy"] == 10


def test_rerun_can_be_turned_off() -> None:
    ex = FakeExecutor(lognormal({"a": 10.0, "b": 10.0}))
    rule = StopRule(min_runs=4, max_runs=4, warmups=0, rerun_noisy=False)
    out = Scheduler(ex, rule, seed=1, watch=ScriptedWatch(always=True)).run_case("c", cells())
    assert out.blocks_rerun == 0 and all(b.action == "kept" for b in out.noise)


def test_ctrl_c_keeps_samples_set_aside() -> None:
    calls = {"n": 0}
    base = lognormal({"a": 10.0, "b": 10.0})

    def behave(cmd: Command, i: int):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 7:
            raise KeyboardInterrupt
        return base(cmd, i)

    ex = FakeExecutor(behave)
    rule = StopRule(min_runs=10, max_runs=10, warmups=0)
    out = Scheduler(ex, rule, seed=1, watch=ScriptedWatch({0, 1})).run_case("c", cells())
    assert out.interrupted
    # blocks 0 and 1 were set aside for re-runs; on Ctrl-C they come back
    assert sum(len(c.results) for c in out.cells.values()) == 6
    assert all(b.action.startswith("kept") for b in out.noise)


def test_fake_executor_is_not_watched() -> None:
    ex = FakeExecutor(lognormal({"a": 10.0}))
    assert Scheduler(ex, StopRule()).watch is None
