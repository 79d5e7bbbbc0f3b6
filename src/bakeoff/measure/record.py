"""From a case's raw process results to result measurements: wall time, CPU time and peak RSS
per contestant (in ms, or in seconds for long-running steps), each run's failure kept with its
evidence. Every suite that runs commands through the scheduler records with this."""

from __future__ import annotations

from bakeoff.measure.process import ProcessResult
from bakeoff.measure.scheduler import CaseOutcome
from bakeoff.results import Failure, Measurement


def _failure(res: ProcessResult) -> Failure:
    return Failure(
        reason=res.failure(),
        exit_code=res.exit_code,
        signal=res.signal,
        timed_out=res.timed_out,
        stderr_tail=res.stderr_tail[-1000:],
        stdout_tail=res.stdout_tail[-1000:],
    )


def cpu_split(outcome: CaseOutcome) -> dict[str, dict[str, list[float]]]:
    """User and system CPU ms per sample and contestant (for exports such as hyperfine's)."""
    return {
        name: {
            "user_ms": [r.user_ns / 1e6 for r in cell.results],
            "sys_ms": [r.sys_ns / 1e6 for r in cell.results],
        }
        for name, cell in outcome.cells.items()
    }


def measurements_from(
    suite: str, case: str, outcome: CaseOutcome, min_runs: int, seconds: bool = False
) -> list[Measurement]:
    """Turn a case's raw process results into wall, CPU and peak-RSS measurements (wall and
    CPU in ms, or in seconds — ``wall_s``/``cpu_s`` — for long-running steps)."""
    out: list[Measurement] = []
    for name, cell in outcome.cells.items():
        notes: list[str] = []
        # a case planned as one run (a quick run's secondary install states) is valid with
        # it: a median without a CI, never a verdict
        valid = cell.dropped is None and len(cell.results) >= min(2, max(1, min_runs))
        if cell.dropped:
            notes.append(f"dropped: {cell.dropped}")
        if outcome.noise_note():
            notes.append(str(outcome.noise_note()))
        if cell.failures and not cell.dropped:
            notes.append(f"{len(cell.failures)} failed runs excluded")
        if outcome.stop_reason in ("budget", "interrupted") and len(cell.results) < min_runs:
            notes.append(
                f"only {len(cell.results)} runs (< min {min_runs}): "
                f"stopped by {outcome.stop_reason}"
            )
        failures = [_failure(r) for r in cell.failures]
        if cell.stopped is not None and cell.dropped:  # why, with what it printed until then
            failures.append(_failure(cell.stopped).model_copy(update={"reason": cell.dropped}))
        floor = [r for r in cell.results if r.rss_at_floor]
        metrics: list[tuple[str, str, list[float], list[str]]] = [
            (
                "wall_s" if seconds else "wall_ms",
                "s" if seconds else "ms",
                [r.wall_ms / 1000 if seconds else r.wall_ms for r in cell.results],
                [],
            ),
            (
                "cpu_s" if seconds else "cpu_ms",
                "s" if seconds else "ms",
                [r.cpu_ms / 1000 if seconds else r.cpu_ms for r in cell.results],
                [],
            ),
            (
                "peak_rss_mb",
                "MB",
                [r.peak_rss_mb for r in cell.results],
                [f"{len(floor)} RSS readings at the launcher's floor: the true peak may be lower"]
                if floor
                else [],
            ),
        ]
        for metric, unit, samples, extra in metrics:
            out.append(
                Measurement(
                    suite=suite,
                    case=case,
                    metric=metric,
                    contestant=name,
                    unit=unit,
                    samples=samples,
                    valid=valid,
                    notes=[*notes, *extra],
                    blocks=list(cell.blocks),
                    stop_reason=outcome.stop_reason,
                    failures=failures if metric in ("wall_ms", "wall_s") else [],
                )
            )
    return out
