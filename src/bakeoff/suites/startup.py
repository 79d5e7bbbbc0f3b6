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

from bakeoff.measure.invoke import base_env, cache_env, script_argv, supports_typescript
from bakeoff.measure.process import Command
from bakeoff.measure.record import cpu_split, measurements_from
from bakeoff.measure.scheduler import Cell, Scheduler
from bakeoff.plan.contestants import Contender
from bakeoff.results import Measurement, ResultsDocument
from bakeoff.results.suites import CaseInfo, StartupInfo
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
        info = doc.suites.of(StartupInfo).cases
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
            info[case.name] = CaseInfo.model_validate(
                {
                    "description": case.description,
                    "stop_reason": outcome.stop_reason,
                    "blocks": outcome.blocks_run,
                    "elapsed_s": round(outcome.elapsed_s, 3),
                    "cache": case.cache,
                    "seed": scheduler.seed,
                    "noise": outcome.noise_info(),
                    "cpu_split": cpu_split(outcome),
                }
            )
            spent += outcome.elapsed_s
            doc.measurements.extend(measurements_from(SUITE, case.name, outcome, ctx.rule.min_runs))
            if outcome.interrupted:
                return False
        return True
