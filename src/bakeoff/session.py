"""One evaluation, end to end: provision the contestants, stamp the environment, run the enabled
suites, analyse. The results document is created first and filled as work completes, so a
caller can save it at any point (on Ctrl-C or failure it holds everything measured so far)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bakeoff import decide, tempdirs
from bakeoff.analysis import analyze, calibration
from bakeoff.analysis.calibration import AA_SUFFIX
from bakeoff.analysis.stats import DEFAULT_THRESHOLD
from bakeoff.errors import UsageError
from bakeoff.events import Event, OnEvent, download, ignore
from bakeoff.measure import environment
from bakeoff.measure.containment import run_tmpdir
from bakeoff.measure.process import LauncherExecutor
from bakeoff.plan.contestants import Contender, name_contenders
from bakeoff.plan.primary import DecisionPlan, Primary
from bakeoff.plan.stopping import StopRule
from bakeoff.plan.toolchains import ToolchainSet
from bakeoff.results import ResultsDocument, fingerprint
from bakeoff.results.sections import Environment, NoiseSnapshot, PrimaryPlan
from bakeoff.runtimes.provision import DownloadProgress, Provisioner
from bakeoff.suites.base import Suite, SuiteContext
from bakeoff.value.usage import ValueConfig

Status = Literal["complete", "partial", "interrupted", "failed"]


# Relative share of a time budget per suite: what each typically needs on a real project (a
# load ladder, installs and test runs take minutes; start-up cases and probes seconds).
BUDGET_WEIGHTS: dict[str, float] = {
    "startup": 1.0,
    "serve": 3.0,
    "soak": 3.0,
    "install": 3.0,
    "test": 2.0,
    "build": 2.0,
    "ci": 2.0,
    "compat": 1.0,
}


def budget_share(left_s: float, names: Sequence[str]) -> float:
    """The share of ``left_s`` seconds for the first of the suites ``names`` still to run."""
    weights = [BUDGET_WEIGHTS.get(n, 1.0) for n in names]
    return max(0.0, left_s * weights[0] / sum(weights))


@dataclass(frozen=True)
class Settings:
    """How to measure, whatever is measured: the stopping rule, the smallest effect that
    counts, the time budget and timeouts, the baseline, the seed, usage and prices for the
    cost model. From ``[measure]`` in bakeoff.toml with the command line on top
    (``bakeoff.cli.common.settings_from``)."""

    rule: StopRule = field(default_factory=StopRule)
    baseline: str | None = None
    budget_s: float | None = None
    # when the budget's clock started (time.monotonic()); None: at the first suite. A quick
    # run's default budget counts from the command's start, preparation and downloads included
    budget_from: float | None = None
    timeout_s: float = 30.0
    threshold: float = DEFAULT_THRESHOLD
    seed: int | None = None
    offline: bool = False
    value: ValueConfig | None = None  # usage and prices for the cost model (None: medium)
    aa: bool = False  # A/A self-check: the first contestant also runs as a second arm


@dataclass
class Options:
    """One evaluation: the contestants, the suites, and the settings to measure them with."""

    runtimes: Sequence[str]
    suites: Sequence[Suite]
    settings: Settings = field(default_factory=Settings)
    quick: bool = False
    project: dict[str, Any] | None = None  # what is measured (bakeoff.projectrun.identity)
    machine_label: str | None = None  # the machine's label in a fleet (bakeoff.cluster)

    # the settings, read through (the session reads them often)
    @property
    def rule(self) -> StopRule:
        return self.settings.rule

    @property
    def baseline(self) -> str | None:
        return self.settings.baseline

    @property
    def budget_s(self) -> float | None:
        return self.settings.budget_s

    @property
    def timeout_s(self) -> float:
        return self.settings.timeout_s

    @property
    def threshold(self) -> float:
        return self.settings.threshold

    @property
    def seed(self) -> int | None:
        return self.settings.seed

    @property
    def offline(self) -> bool:
        return self.settings.offline

    @property
    def value(self) -> ValueConfig | None:
        return self.settings.value

    @property
    def aa(self) -> bool:
        return self.settings.aa


class Evaluation:
    def __init__(
        self,
        options: Options,
        on_event: OnEvent = ignore,
        provisioner: Provisioner | None = None,
        command: Sequence[str] = (),
    ) -> None:
        self.options = options
        self.on_event = on_event
        self.provisioner = provisioner or Provisioner(
            offline=options.offline, on_progress=self._download_event
        )
        self.doc = ResultsDocument(
            status="partial",
            command=list(command),
            project=options.project,
            machine_label=options.machine_label,
        )
        self.contenders: list[Contender] = []
        self.decision: DecisionPlan | None = None

    def _download_event(self, p: DownloadProgress) -> None:
        self.on_event(download(p))

    def provision(self) -> list[Contender]:
        runtimes = []
        for spec in self.options.runtimes:
            self.on_event(Event("message", detail=f"provisioning {spec}"))
            runtimes.append(self.provisioner.ensure(spec))
        self.contenders = name_contenders(runtimes)
        if self.options.aa and self.contenders:
            first = self.contenders[0]
            self.contenders.append(Contender(first.name + AA_SUFFIX, first.runtime))
        self.doc.contestants = [c.to_result() for c in self.contenders]
        names = [c.name for c in self.contenders]
        base = self.options.baseline or names[0]
        if base not in names:
            raise UsageError(
                f"baseline '{base}' is not a contestant (contestants: {', '.join(names)})"
            )
        self.doc.settings.baseline = base
        for suite in self.options.suites:  # a toolchain on no contestant fails now, not later
            source = getattr(suite, "source", None)
            if isinstance(source, ToolchainSet):
                source.check(self.contenders)
        return self.contenders

    def declare(self) -> DecisionPlan:
        """The primary family — every decision the enabled suites will measure — fixed before
        the first measurement and written into the document (``settings.primary``)."""
        base = self.doc.settings.baseline or self.contenders[0].name
        family: list[Primary] = []
        for suite in self.options.suites:
            declare = getattr(suite, "primaries", None)
            if declare is not None:
                family += declare(self.contenders, base)
        plan = DecisionPlan(base, family, threshold=self.options.threshold)
        self.doc.settings.primary = PrimaryPlan.model_validate(plan.to_dict())
        return plan

    def run(self) -> ResultsDocument:
        """Run everything. Returns the analysed document; its ``status`` says whether it is
        complete or was interrupted."""
        o = self.options
        doc = self.doc
        doc.environment = Environment.model_validate(environment.environment())
        s = doc.settings
        s.precision, s.min_runs, s.max_runs = o.rule.precision, o.rule.min_runs, o.rule.max_runs
        s.warmups, s.budget_s, s.timeout_s = o.rule.warmups, o.budget_s, o.timeout_s
        s.budget_counts_from = (
            "the first suite"
            if o.settings.budget_from is None
            else "the command's start (preparation included)"
        )
        s.threshold, s.runtimes, s.aa, s.quick = o.threshold, list(o.runtimes), o.aa, o.quick
        # what the dollars are priced with: re-rendering uses it, not the folder's config
        s.value = (o.value or ValueConfig()).model_dump(mode="json", exclude_unset=True)
        if not self.contenders:
            self.provision()
        self.decision = self.declare()
        before = environment.noise_snapshot()
        doc.environment.noise_before = NoiseSnapshot.model_validate(before)
        swept = tempdirs.sweep()  # what killed runs (SIGKILL, OOM) could not remove
        if swept.folders:
            self.on_event(
                Event(
                    "message",
                    detail=f"removed {swept.folders} temporary folder(s), {swept.mb:g} MB, "
                    "left by bakeoff runs that were killed",
                )
            )
        workdir = tempdirs.make("bakeoff-work-")
        status: Status = "complete"
        try:
            # every process of the run keeps its temporary files in the work folder
            with run_tmpdir(workdir / "tmp"), LauncherExecutor() as executor:
                doc.environment.launcher_floor_kb = executor.floor_kb
                if not self._run_suites(executor, workdir):
                    status = "interrupted"
        except KeyboardInterrupt:
            status = "interrupted"
        except BaseException:
            status = "failed"
            raise
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
            self._finish(before, status)
        return doc

    def _run_suites(self, executor: LauncherExecutor, workdir: Path) -> bool:
        """Run each suite in turn; the time budget is shared out over the suites still to
        run in proportion to their weight (``BUDGET_WEIGHTS``: what a suite typically needs),
        so an early suite that finishes under its share leaves more for later ones."""
        o = self.options
        began = o.settings.budget_from or time.monotonic()
        self._prepare(executor, workdir)
        for index, suite in enumerate(o.suites):
            share = None
            if o.budget_s is not None:
                left = o.budget_s - (time.monotonic() - began)
                share = budget_share(left, [s.name for s in o.suites[index:]])
            if share is not None and share < 1.0:
                self.doc.suites.ensure(
                    suite.name
                ).cut = "not run: the time budget was spent before this suite started"
                continue
            ctx = self._context(executor, workdir / suite.name, share)
            bound: dict[str, object] = {}
            if o.budget_s is not None:  # an honest bound on what measuring has left
                bound["budget_left_s"] = max(0.0, o.budget_s - (time.monotonic() - began))
            self.on_event(
                Event("suite_start", suite=suite.name, done=index, total=len(o.suites), data=bound)
            )
            started = time.monotonic()
            completed = suite.run(ctx, self.doc)
            info = self.doc.suites.ensure(suite.name)
            info.elapsed_s = round(time.monotonic() - started, 3)
            info.budget_s = None if share is None else round(share, 3)
            self.on_event(Event("suite_end", suite=suite.name, done=index + 1, total=len(o.suites)))
            if not completed:
                return False
        return True

    def _context(
        self, executor: LauncherExecutor, folder: Path, budget_s: float | None
    ) -> SuiteContext:
        """What a suite (or the shared preparation) gets: the evaluation's settings, its own
        work folder (created) and its share of the budget."""
        o = self.options
        folder.mkdir(parents=True, exist_ok=True)
        return SuiteContext(
            contenders=self.contenders,
            executor=executor,
            workdir=folder,
            rule=o.rule,
            on_event=self.on_event,
            timeout_s=o.timeout_s,
            seed=o.seed,
            budget_s=budget_s,
            quick=o.quick,
            offline=o.offline,
            decision=self.decision,
        )

    def _prepare(self, executor: LauncherExecutor, workdir: Path) -> None:
        """The untimed set-up the suites share (each toolchain's installed copy of the project),
        done before the budget is shared out: with a budget, every suite's share is then for
        measuring. The budget still counts this time (a quick run's from the command's start)."""
        ctx = self._context(executor, workdir / "prepared", None)
        for suite in self.options.suites:
            prepare = getattr(suite, "prepare", None)
            if prepare is not None:
                prepare(ctx)

    def _finish(self, before: dict[str, Any], status: Status) -> None:
        doc = self.doc
        after = environment.noise_snapshot()
        doc.environment.noise_after = NoiseSnapshot.model_validate(after)
        steal = environment.steal_fraction(before, after)
        doc.environment.steal_fraction = steal
        cores = doc.environment.cores_logical or 1
        # Only the load before the run says something about other work: afterwards the
        # load average mostly reflects the run itself.
        load1 = before["load_avg"][0]
        if load1 > 0.5 * cores:
            doc.warnings.append(
                f"machine busy before the run: load average {load1} on {cores} cores — "
                "other work competes with the measurements"
            )
        if steal is not None and steal > 0.05:
            doc.warnings.append(f"hypervisor stole {steal:.0%} of CPU time during the run")
        noisy = kept = watched = 0
        for _, info in doc.suites.items():
            for case in info.cases.values():
                if case.noise is not None:
                    noisy += case.noise.blocks_noisy
                    kept += case.noise.blocks_kept_noisy
                    watched += case.noise.blocks_watched
        if kept:
            doc.warnings.append(
                f"noise watch: {noisy} of {watched} blocks ran while other processes, steal or "
                f"frequency changes disturbed the machine; {kept} were kept after the re-run "
                "limit — expect wider CIs (see each case's minimum detectable effect)"
            )
        doc.status = status
        analyze.analyze(doc, doc.settings.baseline, self.options.threshold)
        if doc.contestants and doc.measurements:
            decide.fill(doc, self.options.value)
        doc.fingerprint = fingerprint.fingerprint(doc)
        if self.options.aa:
            doc.suites.aa = calibration.aa_summary(doc)
