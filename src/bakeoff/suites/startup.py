"""The startup suite: how long a runtime takes to start, run a script and exit.

Cases: the runtime floor (``--version``), an empty script, hello world, an import-heavy module
graph and a TypeScript file, plus the user's own scripts. Cases sensitive to runtime caches come
in two labelled states: ``cold`` (caches emptied before every sample, outside the timed region)
and ``warm`` (caches filled by the warm-up runs). The OS file cache is always warm: bakeoff never
drops it. Each sample records wall time, CPU time (user+sys) and peak RSS.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from bakeoff.contestants import Contender
from bakeoff.invoke import base_env, cache_env, script_argv, supports_typescript
from bakeoff.measure.process import Command, ProcessResult
from bakeoff.plan import CaseOutcome, Cell, Scheduler
from bakeoff.results import Failure, Measurement, ResultsDocument
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.modgraph import write_graph

# the case table lives in a module with no heavy imports (the CLI lists it in --help)
from bakeoff.suites.startup_cases import BUILTIN_CASES as BUILTIN_CASES
from bakeoff.suites.startup_cases import DEFAULT_CASES as DEFAULT_CASES
from bakeoff.suites.startup_cases import QUICK_CASES as QUICK_CASES
from bakeoff.suites.startup_cases import StartupCase as StartupCase
from bakeoff.suites.startup_cases import user_case as user_case

SUITE = "startup"


def prepare_workdir(workdir: Path) -> None:
    """Copy the bundled start-up scripts into ``workdir`` and generate the module graph."""
    workdir.mkdir(parents=True, exist_ok=True)
    src = resources.files("bakeoff") / "sample" / "startup"
    for entry in src.iterdir():
        if entry.is_file():
            (workdir / entry.name).write_bytes(entry.read_bytes())
    write_graph(workdir / "graph")


def _reset(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)


class StartupSuite:
    name = SUITE

    def __init__(self, cases: Sequence[StartupCase]) -> None:
        self.cases = list(cases)

    def _cell(self, ctx: SuiteContext, case: StartupCase, who: Contender) -> Cell:
        cache_dir = ctx.workdir / "caches" / who.name / case.name.replace(":", "-")
        cache_dir.mkdir(parents=True, exist_ok=True)
        env = base_env(cache_env(who.family, cache_dir, warm=case.cache != "cold"))
        script = None
        if case.script is not None:
            script = str(
                Path(case.script) if Path(case.script).is_absolute() else ctx.workdir / case.script
            )
        argv = script_argv(who.family, who.binary, script, case.args)
        cmd = Command(
            tuple(argv),
            cwd=case.cwd or str(ctx.workdir),
            env=env,
            timeout_s=ctx.timeout_s,
            capture=False,
        )
        prepare = (lambda d=cache_dir: _reset(d)) if case.cache == "cold" else None
        return Cell(who.name, cmd, prepare)

    def run(self, ctx: SuiteContext, doc: ResultsDocument) -> bool:
        """Measure every case into ``doc``. Returns False when interrupted (Ctrl-C)."""
        prepare_workdir(ctx.workdir)
        scheduler = Scheduler(
            ctx.executor, ctx.rule, seed=ctx.seed, on_event=ctx.on_event, suite=SUITE
        )
        budget_s = ctx.budget_s
        info: dict[str, dict[str, object]] = {}
        doc.suites.setdefault(SUITE, {})["cases"] = info
        spent = 0.0
        for index, case in enumerate(self.cases):
            runnable: list[Contender] = []
            for who in ctx.contenders:
                if case.typescript and not supports_typescript(who.family, who.runtime.version):
                    doc.measurements.append(
                        Measurement(
                            suite=SUITE,
                            case=case.name,
                            metric="wall_ms",
                            contestant=who.name,
                            unit="ms",
                            valid=False,
                            notes=[
                                f"{who.family} {who.runtime.version} cannot run .ts files "
                                "directly (Node needs >= 22.18)"
                            ],
                        )
                    )
                else:
                    runnable.append(who)
            if not runnable:
                continue
            share = None
            if budget_s is not None:
                share = max(0.0, (budget_s - spent) / (len(self.cases) - index))
            outcome = scheduler.run_case(
                case.name, [self._cell(ctx, case, who) for who in runnable], budget_s=share
            )
            info[case.name] = {
                "description": case.description,
                "stop_reason": outcome.stop_reason,
                "blocks": outcome.blocks_run,
                "elapsed_s": round(outcome.elapsed_s, 3),
                "cache": case.cache,
                "seed": scheduler.seed,
                "noise": outcome.noise_info(),
                "cpu_split": cpu_split(outcome),
            }
            spent += outcome.elapsed_s
            doc.measurements.extend(measurements_from(SUITE, case.name, outcome, ctx.rule.min_runs))
            if outcome.interrupted:
                return False
        return True


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
        valid = cell.dropped is None and len(cell.results) >= 2
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
