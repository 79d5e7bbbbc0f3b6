"""The test, build and CI suites: a toolchain's test runner, bundler and whole pipeline on the
project, each in its own fresh copy with its own caches.

* **test** — the project's tests under each toolchain's runner, timed (interleaved, repeated),
  with per-test outcomes parsed from the runner's report and a **parity** table: which tests ran
  and passed under each runner, and a per-test diff where they differ. A runner that ran fewer
  tests than another is not faster: its timing is marked invalid.
* **build** — bundle the entry with the toolchain's bundler (esbuild, ``bun build``,
  ``deno bundle``), timed; output size; and a smoke run of the bundle whose output must match
  the unbundled entry's.
* **ci** — the pipeline on a clean copy: install (empty cache, lockfile, frozen) → build →
  test, per toolchain; per-phase and total durations and billable minutes (the job rounded up
  to a whole minute, as CI providers bill).
"""

from __future__ import annotations

import json
import math
import random
import shutil
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal

from bakeoff.events import Event
from bakeoff.measure.process import Command
from bakeoff.measure.record import measurements_from
from bakeoff.measure.scheduler import Cell, CellOutcome, Scheduler
from bakeoff.measure.workspace import LOCKFILES, copy_project, reuse_install, tool_env
from bakeoff.plan.contestants import Contender
from bakeoff.plan.primary import Primary
from bakeoff.plan.stopping import Settle, StopRule
from bakeoff.plan.toolchains import Toolchain, ToolchainSet, candidates, resolve
from bakeoff.results import Failure, Measurement, ResultsDocument
from bakeoff.results.suites import Parity
from bakeoff.results.tails import telling_line
from bakeoff.suites import testparity, testreport
from bakeoff.suites.base import SuiteContext, section
from bakeoff.suites.install import install_argv, skipped_scripts
from bakeoff.suites.testrun import RunnerCommand, TestPlanner, to_failure


def module_format(project: Path, entry: str) -> Literal["esm", "cjs"]:
    """How the entry is loaded: by extension, else the package.json ``type``."""
    if entry.endswith((".mjs", ".mts")):
        return "esm"
    if entry.endswith((".cjs", ".cts")):
        return "cjs"
    try:
        kind = json.loads((project / "package.json").read_text()).get("type")
    except (OSError, ValueError):
        kind = None
    return "esm" if kind == "module" else "cjs"


def bundle_name(fmt: str) -> str:
    return "bundle.mjs" if fmt == "esm" else "bundle.cjs"


def build_argv(tc: Toolchain, entry: str, out: Path) -> list[str]:
    b = tc.bundler
    fmt = "cjs" if out.suffix == ".cjs" else "esm"
    if b == "esbuild":
        return [
            str(tc.tools["esbuild"].binary),
            entry,
            "--bundle",
            "--platform=node",
            f"--format={fmt}",
            "--minify",
            "--log-level=error",
            f"--outfile={out}",
        ]
    if b == "bun":
        return [
            tc.binary("bun"),
            "build",
            entry,
            "--target=node",
            f"--format={fmt}",
            "--minify",
            f"--outfile={out}",
        ]
    if b == "deno":
        return [tc.binary("deno"), "bundle", "--platform=deno", "--minify", entry, "-o", str(out)]
    raise ValueError(f"toolchain {tc.name} has no bundler")


def script_argv(tc: Toolchain, script: str) -> list[str] | None:
    """The project's own package.json script (its build) under a toolchain: npm/pnpm/yarn
    ``run`` on Node, ``bun --bun run`` (Bun runs the script's Node tools as Bun); None for
    Deno, whose ``deno task`` would run those Node tools on whatever ``node`` is on PATH."""
    if tc.runtime.family == "deno":
        return None
    if tc.runtime.family == "bun" or tc.manager == "bun":
        return [tc.binary("bun"), "--bun", "run", script]
    if tc.manager in ("npm", "pnpm", "yarn"):
        return [tc.node(), str(tc.tools[tc.manager].binary), "run", script]
    return [tc.node(), str(tc.tools["npm"].binary), "run", script]


def run_argv(tc: Toolchain, script: str, args: Sequence[str] = ()) -> list[str]:
    fam = tc.runtime.family
    if fam == "deno":
        return [tc.runtime.binary, "run", "--allow-all", script, *args]
    return [tc.runtime.binary, script, *args]


@dataclass
class Prepared:
    tc: Toolchain
    project: Path
    cache: Path
    failure: Failure | None = None
    skipped_scripts: list[str] = field(default_factory=list)  # what its install did not run

    def env(self) -> dict[str, str]:
        """The environment to run the toolchain's tools in this copy."""
        return self.tc.path_env(tool_env(self.cache))


def ready_copies(
    ctx: SuiteContext,
    doc: ResultsDocument,
    suite: str,
    case: str,
    toolchains: Sequence[Toolchain],
    project: Path,
    source: ToolchainSet | Sequence[Toolchain],
) -> list[Prepared]:
    """The installed copy for each toolchain; a toolchain whose install failed is recorded as an
    invalid measurement of ``suite``/``case`` (with the install's error) and left out."""
    out = []
    for tc in toolchains:
        prep = prepared(ctx, tc, project, source)
        if prep.failure:
            doc.measurements.append(
                _invalid(suite, case, tc.name, prep.failure.reason, prep.failure)
            )
        else:
            out.append(prep)
    return out


def prepare(ctx: SuiteContext, tc: Toolchain, source: Path, folder: Path) -> Prepared:
    """A copy of ``source`` with dependencies installed by the toolchain's manager (untimed),
    from the project's own lockfile when the manager is the one that wrote it (the project's
    tests and build run against the versions it has locked, not a fresh resolution)."""
    project = copy_project(source, folder / "project", keep=LOCKFILES.get(tc.manager))
    cache = folder / "cache"
    env = tc.path_env(tool_env(cache))
    argv = install_argv(tc, False, cache)
    if reuse_install(source, project, argv):
        ctx.on_event(
            Event(
                "message",
                detail=f"{tc.name}: copied the working copy's dependencies (installed by the "
                "same Node and package manager)",
            )
        )
        return Prepared(tc, project, cache)
    ctx.on_event(Event("message", detail=f"installing dependencies for {tc.name} (untimed)"))
    res = ctx.executor.run(
        Command(
            tuple(argv),
            cwd=str(project),
            env=env,
            timeout_s=max(ctx.timeout_s, 300.0),
        )
    )
    failure = None if res.ok else to_failure(res, f"install with {tc.manager} failed", argv)
    skipped = skipped_scripts(tc.manager, res.stdout_tail + res.stderr_tail) if res.ok else []
    return Prepared(tc, project, cache, failure, skipped)


# The installed copies of each toolchain set (the suites built from one ToolchainSet share them);
# weak keys: they go with the set at the end of the evaluation.
_COPIES: weakref.WeakKeyDictionary[ToolchainSet, dict[tuple[str, str], Prepared]] = (
    weakref.WeakKeyDictionary()
)


def prepared(
    ctx: SuiteContext,
    tc: Toolchain,
    project: Path,
    source: ToolchainSet | Sequence[Toolchain],
) -> Prepared:
    """``prepare`` once per toolchain and project for the whole evaluation: the test, build
    and CI suites share the installed copy (it lives under the first suite's work folder, which
    the session removes at the end), so a project's dependencies are not installed three
    times per toolchain."""
    cache = _COPIES.setdefault(source, {}) if isinstance(source, ToolchainSet) else None
    key = (tc.name, str(project))
    if cache is not None and key in cache:
        hit: Prepared = cache[key]
        if hit.failure is not None or hit.project.is_dir():
            return hit
    prep = prepare(ctx, tc, project, ctx.workdir / tc.name)
    if cache is not None:
        cache[key] = prep
    return prep


def prepare_all(
    ctx: SuiteContext,
    toolchains: Sequence[Toolchain],
    project: Path,
    source: ToolchainSet | Sequence[Toolchain],
) -> None:
    """Install every toolchain's shared copy now (``prepared``): the session calls a suite's
    ``prepare`` before it shares out the time budget, so a suite's share is spent measuring,
    not installing (koa-typescript: the installs ate the test suite's whole share)."""
    for tc in toolchains:
        prepared(ctx, tc, project, source)


def billable_minutes(wall_ms: float) -> float:
    """What a CI provider bills for one job: its duration rounded up to a whole minute, and at
    least one minute for any job that ran."""
    return float(max(1, math.ceil(wall_ms / 60000)))


def _unlink(path: Path) -> None:
    path.unlink(missing_ok=True)


def _rmtree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


MIN_REPS = 3  # first look of a deciding case (bakeoff.plan.sequential)


def _rule(
    ctx: SuiteContext, reps: int, warmups: int, surface: str | None = None
) -> tuple[StopRule, Settle | None, dict[str, Any]]:
    """The stop rule of a case: for a case that decides ``surface``, sample until settled
    (``MIN_REPS`` … ``reps`` blocks); otherwise exactly ``reps`` blocks. Also the design to
    record with the case."""
    seq = ctx.sequential(surface, MIN_REPS, max(MIN_REPS, reps)) if surface else None
    lo, hi = (seq[0].min_n, seq[0].max_n) if seq else (max(2, reps), max(2, reps))
    rule = StopRule(
        precision=ctx.rule.precision, min_runs=lo, max_runs=hi, warmups=warmups, max_failures=2
    )
    return rule, seq[1] if seq else None, {"design": seq[0].to_dict()} if seq else {}


def _first(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return (lines[0][:80] + (" …" if len(lines) > 1 else "")) if lines else ""


def _invalid(suite: str, case: str, name: str, note: str, failure: Failure | None) -> Measurement:
    return Measurement(
        suite=suite,
        case=case,
        metric="wall_s",
        contestant=name,
        unit="s",
        valid=False,
        notes=[note],
        failures=[failure] if failure else [],
    )


# -- test -------------------------------------------------------------------------------------
class TestSuite:
    """The project's own test command under each toolchain's runner (``suites.testrun``),
    timed, with per-test parity (``suites.testparity``)."""

    name = "test"
    __test__ = False  # not a pytest class

    def __init__(
        self,
        project: Path,
        toolchains: ToolchainSet | Sequence[Toolchain],
        reps: int = 5,
        planner: TestPlanner | None = None,
    ) -> None:
        self.project = project
        self.source = toolchains
        self.toolchains: list[Toolchain] = []
        self.reps = reps
        self.planner = planner or TestPlanner(project)

    def _toolchains(self, ctx: SuiteContext) -> list[Toolchain]:
        return resolve(self.source, ctx.contenders)

    def primaries(self, contenders: Sequence[Contender], baseline: str) -> list[Primary]:
        tcs = resolve(self.source, contenders)
        return [Primary("test_runner", n) for n in candidates(tcs, baseline, "test_runner")]

    def prepare(self, ctx: SuiteContext) -> None:
        cmd = self.planner.command()
        if cmd is None or cmd.framework is not None:  # a script it cannot run needs no copy
            prepare_all(ctx, self._toolchains(ctx), self.project, self.source)

    def run(self, ctx: SuiteContext, doc: ResultsDocument) -> bool:
        with section(doc, self.name) as info:
            return self._run(ctx, doc, info)

    def _run(self, ctx: SuiteContext, doc: ResultsDocument, info: dict[str, Any]) -> bool:
        self.toolchains = self._toolchains(ctx)
        info["runners"] = {tc.name: tc.test_runner for tc in self.toolchains}
        cmd = self.planner.command()
        info["command"] = (
            cmd.describe()
            if cmd
            else {"script": None, "note": "no test script: each runner used its own discovery"}
        )
        if cmd is not None and cmd.framework is None:
            reason = (
                f"not run: the test script `{cmd.script}` runs no test runner bakeoff can "
                "translate (node --test, jest, vitest, mocha, bun test, deno test)"
            )
            info["not_run"] = reason
            for tc in self.toolchains:
                doc.measurements.append(_invalid(self.name, "tests", tc.name, reason, None))
            return True
        copies = ready_copies(
            ctx, doc, self.name, "tests", self.toolchains, self.project, self.source
        )
        timeout = max(ctx.timeout_s, 300.0)
        setups: dict[str, list[Failure]] = {}
        for prep in copies:
            done = self.planner.setup(ctx.executor, prep.project, prep.env(), timeout)
            failed = [s.failure for s in done if s.failure is not None]
            if failed:
                setups[prep.tc.name] = failed
        if setups:
            info["setup_failures"] = {k: [f.model_dump() for f in v] for k, v in setups.items()}
        lister = next((p for p in copies if p.tc.runtime.family == "node"), None) or next(
            (p for p in copies if "node" in p.tc.tools), None
        )
        self.planner.files(
            ctx.executor,
            lister.tc if lister else None,
            lister.project if lister else None,
            lister.env() if lister else {},
            timeout,
        )
        info["files"] = {"how": self.planner.listing.get("how", ""), "count": None}
        if self.planner.listing.get("listing_failed"):
            info["files"]["listing_failed"] = self.planner.listing["listing_failed"]
        if self.planner.listing.get("none") and cmd is not None:
            info["files"]["count"] = 0
            reason = (
                f"not run: the project has no tests — {cmd.framework} lists no test file "
                f"(`{self.planner.listing.get('how', '')}`)"
            )
            info["not_run"] = reason
            for tc in self.toolchains:
                doc.measurements.append(_invalid(self.name, "tests", tc.name, reason, None))
            return True
        cells: list[Cell] = []
        plans: dict[str, tuple[Path, RunnerCommand, Command]] = {}
        for prep in copies:
            tc = prep.tc
            report = ctx.workdir / tc.name / "report.out"
            report.parent.mkdir(parents=True, exist_ok=True)  # the copy may live elsewhere
            rc = self.planner.command_for(tc, prep.project, report)
            if rc.files is not None:
                info["files"]["count"] = len(rc.files)
            command = Command(
                tuple(rc.argv),
                cwd=str(prep.project),
                env=self.planner.step_env(prep.project, {**prep.env(), **rc.env}),
                timeout_s=timeout,
                # failing tests are a result, not a crash (mocha exits with the failure count)
                ok_exit_codes=frozenset(range(256))
                if tc.test_runner in ("mocha", "ava")
                else frozenset({0, 1}),
                keep_output=True,
            )
            plans[tc.name] = (report, rc, command)
            cells.append(Cell(tc.name, command, partial(_unlink, report)))
        info["runs"] = {name: rc.describe() for name, (_, rc, _) in plans.items()}
        if not cells:
            return True
        rule, settle, design = _rule(ctx, self.reps, 1, "test_runner")
        scheduler = Scheduler(
            ctx.executor, rule, seed=ctx.seed, on_event=ctx.on_event, suite=self.name
        )
        outcome = scheduler.run_case("tests", cells, budget_s=ctx.time_left(), settle=settle)
        ms = measurements_from(self.name, "tests", outcome, rule.min_runs, seconds=True)
        results = [
            _runner_result(
                name, report, rc, command, outcome.cells.get(name), prep_root, outcome.stop_reason
            )
            for (name, (report, rc, command)), prep_root in zip(
                plans.items(), [p.project for p in copies], strict=True
            )
        ]
        # a toolchain whose install failed ran no test: every test is "not run" for it
        for tc in self.toolchains:
            if tc.name not in plans:
                prep = prepared(ctx, tc, self.project, self.source)
                f = prep.failure or Failure(reason="its working copy could not be prepared")
                results.append(
                    testparity.RunnerResult(
                        tc.name,
                        None,
                        command=f.command,
                        exit_code=f.exit_code,
                        stdout_tail=f.stdout_tail,
                        stderr_tail=f.stderr_tail,
                        error=f.reason,
                    )
                )
        base = doc.settings.baseline or (results[0].name if results else "")
        par = testparity.compare(results, base if base in plans else None)
        for prep in copies:  # a native addon whose build the install skipped: say so
            finding = par.findings.get(prep.tc.name)
            if finding is not None and prep.skipped_scripts:
                finding.reason += (
                    f" — its {prep.tc.manager} install ran no build script for "
                    + ", ".join(prep.skipped_scripts)
                )
        info["parity"] = par
        info["cases"] = {
            "tests": {"stop_reason": outcome.stop_reason, "blocks": outcome.blocks_run, **design}
        }
        for m in ms:
            _judge(m, par, plans[m.contestant][2], setups.get(m.contestant, []))
        doc.measurements.extend(ms)
        return not outcome.interrupted


def _runner_result(
    name: str,
    report: Path,
    rc: RunnerCommand,
    command: Command,
    cell: CellOutcome | None,
    root: Path,
    stop_reason: str = "",
) -> testparity.RunnerResult:
    """What one toolchain's last test run left: its report (parsed) or why there is none."""
    runs = (cell.results or cell.failures) if cell else []
    last = runs[-1] if runs else None
    # a run the budget stopped is neither: its output until then is the evidence
    shown = last or (cell.stopped if cell else None)
    result = testparity.RunnerResult(
        name,
        None,
        command=command.display(),
        exit_code=last.exit_code if last else None,
        stdout_tail=shown.stdout_tail if shown else "",
        stderr_tail=shown.stderr_tail if shown else "",
        files=rc.files,
    )
    if last is None:
        if cell is not None and cell.dropped:
            said = telling_line(result.stderr_tail, result.stdout_tail)
            result.error = cell.dropped + (f"; last output: {said}" if said else "")
        elif stop_reason == "budget":
            result.error = (
                "not run: the time budget ran out before its first run (not a failure; run "
                "without --quick or raise --budget)"
            )
        else:
            result.error = "the test command never ran"
        return result
    output = (last.stdout or last.stdout_tail) + "\n" + (last.stderr or last.stderr_tail)
    result.output_errors = testreport.output_file_errors(output, _family(rc), root)
    if cell is not None and not cell.results:
        result.error = (
            f"{rc.runner}: {last.failure() or 'failed'}; {testreport.suite_error(output)}"
        )
        return result
    if rc.kind == "tap":  # the report is the run's stdout
        result.report = testreport.parse_tap(last.stdout or last.stdout_tail)
        if not result.report.tests:
            result.error = testreport.suite_error(output) or f"{rc.runner} reported no tests"
        return result
    if not report.is_file():
        result.error = (
            f"{rc.runner} {last.failure() or 'exited with code 0'} and wrote no report: "
            + (testreport.suite_error(output) or "no output")
        )
        return result
    try:
        result.report = testreport.parse_report(report, rc.kind, root)
    except ValueError as exc:
        result.error = f"{rc.runner} wrote an unreadable report ({exc})"
    if result.report is not None and not result.report.tests and not result.error:
        result.error = testreport.suite_error(output) or f"{rc.runner} reported no tests"
    return result


def _family(rc: RunnerCommand) -> str:
    head = rc.runner.split(" ", 1)[0]
    if head in ("node", "bun", "deno"):
        return head
    return rc.runner.rsplit(" on ", 1)[-1].split(" ", 1)[0] if " on " in rc.runner else head


def _judge(m: Measurement, par: Parity, command: Command, setup: list[Failure]) -> None:
    """Mark a runner's timing invalid when it did not run the same tests as the others, and say
    why; note failing tests (a result, not a reason to drop the timing)."""
    who = m.contestant
    s = par.summary.get(who)
    finding = par.findings.get(who)
    total = par.tests
    for f in m.failures:
        f.command = f.command or command.display()
    if setup and m.metric == "wall_s":
        m.notes += [f"before the tests: {f.reason}" for f in setup]
    if finding is not None:
        m.valid = False
        if m.metric != "wall_s":
            m.notes.append(f"the suite did not run: {finding.reason}")
        else:  # the failure carries the reason (and its evidence) for the wall time
            m.failures.append(
                Failure(
                    reason=f"the suite did not run: {finding.reason}",
                    exit_code=finding.exit_code,
                    stdout_tail=finding.stdout_tail,
                    stderr_tail=finding.stderr_tail,
                    command=finding.command,
                )
            )
        return
    if s is None:
        return
    missing = s.not_run + s.not_collected
    if missing:
        m.valid = False
        m.notes.append(
            f"ran {total - missing} of {total} tests ({s.not_run} not run, "
            f"{s.not_collected} not collected): not comparable (a runner that runs "
            "fewer tests is not faster)"
        )
    elif s.failed:
        ran = total - s.skipped
        m.notes.append(f"{s.failed} of {ran} tests failed under this runner")


# -- build ------------------------------------------------------------------------------------
class BuildSuite:
    name = "build"

    def __init__(
        self,
        project: Path,
        toolchains: ToolchainSet | Sequence[Toolchain],
        entry: str,
        smoke_args: Sequence[str] = (),
        reps: int = 5,
        script: str | None = None,
    ) -> None:
        self.project = project
        self.source = toolchains
        self.toolchains: list[Toolchain] = []
        self.entry = entry
        self.smoke_args = list(smoke_args)
        self.reps = reps
        self.script = script  # the project's build script instead of bundling an entry

    def _toolchains(self, ctx: SuiteContext) -> list[Toolchain]:
        return [tc for tc in resolve(self.source, ctx.contenders) if tc.bundler != "none"]

    def primaries(self, contenders: Sequence[Contender], baseline: str) -> list[Primary]:
        tcs = [tc for tc in resolve(self.source, contenders) if tc.bundler != "none"]
        # the project's own build script, when it has one, is what its build takes
        case = "script" if self.script else None
        return [Primary("bundler", n, case=case) for n in candidates(tcs, baseline, "bundler")]

    def prepare(self, ctx: SuiteContext) -> None:
        script = self.script
        tcs = (
            [t for t in resolve(self.source, ctx.contenders) if script_argv(t, script)]
            if script
            else self._toolchains(ctx)
        )
        prepare_all(ctx, tcs, self.project, self.source)

    def _run_script(
        self, ctx: SuiteContext, doc: ResultsDocument, script: str, info: dict[str, Any]
    ) -> bool:
        """Time the project's own build script under each toolchain (a fresh copy each, no
        smoke run: the script's exit code says whether it worked)."""
        tcs = resolve(self.source, ctx.contenders)
        info["script"] = script
        cells: list[Cell] = []
        live = []
        for tc in tcs:
            argv = script_argv(tc, script)
            if argv is None:
                doc.measurements.append(
                    _invalid(
                        self.name,
                        "script",
                        tc.name,
                        f"not run: `deno task {script}` would run the script's Node tools on "
                        "the machine's node, not on Deno",
                        None,
                    )
                )
            else:
                live.append((tc, argv))
        copies = ready_copies(
            ctx, doc, self.name, "script", [t for t, _ in live], self.project, self.source
        )
        argvs = {tc.name: argv for tc, argv in live}
        for prep in copies:
            cmd = Command(
                tuple(argvs[prep.tc.name]),
                cwd=str(prep.project),
                env=prep.env(),
                timeout_s=max(ctx.timeout_s, 300.0),
            )
            cells.append(Cell(prep.tc.name, cmd))
        info["commands"] = {
            name: " ".join(Path(a).name for a in argv) for name, argv in argvs.items()
        }
        if not cells:
            return True
        rule, settle, design = _rule(ctx, self.reps, 1, "bundler")
        scheduler = Scheduler(
            ctx.executor, rule, seed=ctx.seed, on_event=ctx.on_event, suite=self.name
        )
        outcome = scheduler.run_case("script", cells, budget_s=ctx.time_left(), settle=settle)
        info["cases"] = {
            "script": {
                "stop_reason": outcome.stop_reason,
                "blocks": outcome.blocks_run,
                **design,
            }
        }
        doc.measurements.extend(
            measurements_from(self.name, "script", outcome, rule.min_runs, seconds=True)
        )
        return not outcome.interrupted

    def run(self, ctx: SuiteContext, doc: ResultsDocument) -> bool:
        with section(doc, self.name) as info:
            if self.script:
                return self._run_script(ctx, doc, self.script, info)
            return self._run_bundlers(ctx, doc, info)

    def _run_bundlers(self, ctx: SuiteContext, doc: ResultsDocument, info: dict[str, Any]) -> bool:
        self.toolchains = self._toolchains(ctx)
        info["entry"] = self.entry
        info["bundlers"] = {tc.name: tc.describe()["bundler"] for tc in self.toolchains}
        cells: list[Cell] = []
        outputs: dict[str, tuple[Prepared, Path]] = {}
        copies = ready_copies(
            ctx, doc, self.name, "bundle", self.toolchains, self.project, self.source
        )
        for prep in copies:
            tc = prep.tc
            fmt = module_format(prep.project, self.entry)
            out = prep.project / "bakeoff-dist" / bundle_name(fmt)
            cmd = Command(
                tuple(build_argv(tc, self.entry, out)),
                cwd=str(prep.project),
                env=prep.env(),
                timeout_s=max(ctx.timeout_s, 300.0),
            )
            outputs[tc.name] = (prep, out)
            cells.append(Cell(tc.name, cmd, partial(_rmtree, out.parent)))
        if not cells:
            return True
        rule, settle, design = _rule(ctx, self.reps, 1, "bundler")
        scheduler = Scheduler(
            ctx.executor, rule, seed=ctx.seed, on_event=ctx.on_event, suite=self.name
        )
        outcome = scheduler.run_case("bundle", cells, budget_s=ctx.time_left(), settle=settle)
        ms = measurements_from(self.name, "bundle", outcome, rule.min_runs, seconds=True)
        smoke: dict[str, Any] = {}
        reference, ref_failure = self._reference(ctx, [prep for prep, _ in outputs.values()])
        for m in ms:
            for f in m.failures:  # the bundler itself failed: say what ran
                f.command = f.command or " ".join(
                    build_argv(outputs[m.contestant][0].tc, self.entry, outputs[m.contestant][1])
                )
        for name, (prep, out) in outputs.items():
            if not out.is_file():
                continue
            size_kb = out.stat().st_size / 1024
            doc.measurements.append(
                Measurement(
                    suite=self.name,
                    case="bundle",
                    metric="output_kb",
                    contestant=name,
                    unit="KB",
                    samples=[round(size_kb, 2)],
                    comparable=False,
                )
            )
            argv = run_argv(prep.tc, str(out), self.smoke_args)
            res = ctx.executor.run(
                Command(
                    tuple(argv),
                    cwd=str(prep.project),
                    env=prep.env(),
                    timeout_s=ctx.timeout_s,
                    capture=True,
                )
            )
            got = res.stdout_tail.strip()
            same = res.ok and reference is not None and got == reference
            failure: Failure | None = None
            if same:
                detail = "output matches the unbundled entry"
            elif reference is None and ref_failure is not None:
                detail = f"not checked: {ref_failure.reason}"
                failure = ref_failure
            elif not res.ok:
                failure = to_failure(res, "the bundle does not work", argv)
                detail = failure.reason
            else:
                detail = (
                    "the bundle's output differs from the unbundled entry's: expected "
                    f"{_first(reference)!r}, got {_first(got)!r}"
                )
                failure = to_failure(res, detail, argv)
            smoke[name] = {"ok": bool(same), "exit_code": res.exit_code, "detail": detail}
            if failure is not None:
                for m in ms:
                    if m.contestant == name:
                        m.valid = False
                        m.notes.append(
                            f"the bundle was not checked: {detail[:200]}"
                            if reference is None
                            else f"the bundle does not work: {detail[:200]}"
                        )
                        if m.metric == "wall_s":
                            m.failures.append(failure)
        info["smoke"] = smoke
        info["cases"] = {
            "bundle": {"stop_reason": outcome.stop_reason, "blocks": outcome.blocks_run, **design}
        }
        doc.measurements.extend(ms)
        return not outcome.interrupted

    def _reference(
        self, ctx: SuiteContext, copies: list[Prepared]
    ) -> tuple[str | None, Failure | None]:
        """The unbundled entry's output in the first Node toolchain's installed copy (or the
        first one's), or why there is none."""
        if not copies:
            return None, Failure(reason="no installed copy to run the unbundled entry in")
        prep = next((p for p in copies if p.tc.runtime.family == "node"), copies[0])
        tc = prep.tc
        argv = run_argv(tc, self.entry, self.smoke_args)
        res = ctx.executor.run(
            Command(
                tuple(argv),
                cwd=str(prep.project),
                env=prep.env(),
                timeout_s=ctx.timeout_s,
                capture=True,
            )
        )
        if res.ok:
            return res.stdout_tail.strip(), None
        return None, to_failure(res, f"the unbundled entry failed under {tc.name}", argv)


# -- ci ---------------------------------------------------------------------------------------
class CISuite:
    name = "ci"

    def __init__(
        self,
        project: Path,
        toolchains: ToolchainSet | Sequence[Toolchain],
        entry: str | None,
        reps: int = 3,
        planner: TestPlanner | None = None,
    ) -> None:
        self.project = project
        self.source = toolchains
        self.toolchains: list[Toolchain] = []
        self.entry = entry
        self.reps = reps
        self.planner = planner or TestPlanner(project)

    def _toolchains(self, ctx: SuiteContext) -> list[Toolchain]:
        return resolve(self.source, ctx.contenders)

    def prepare(self, ctx: SuiteContext) -> None:
        prepare_all(ctx, self._toolchains(ctx), self.project, self.source)

    def run(self, ctx: SuiteContext, doc: ResultsDocument) -> bool:
        with section(doc, self.name) as info:
            return self._run(ctx, doc, info)

    def _run(self, ctx: SuiteContext, doc: ResultsDocument, info: dict[str, Any]) -> bool:
        self.toolchains = self._toolchains(ctx)
        info["pipeline"] = ["install (empty cache, lockfile, frozen)", "build", "test"]
        # each toolchain commits its own lockfile: generate it once, untimed
        locks: dict[str, Path] = {}
        for tc in self.toolchains:
            prep = prepared(ctx, tc, self.project, self.source)
            lock = prep.project / LOCKFILES[tc.manager]
            if prep.failure is None:
                # a project without dependencies may get no lockfile: then CI installs unfrozen
                locks[tc.name] = lock
            else:
                doc.measurements.append(
                    _invalid(
                        self.name, "total", tc.name, "could not produce a lockfile", prep.failure
                    )
                )
        self._list_files(ctx)
        phases: dict[str, dict[str, list[float]]] = {}
        failures: dict[str, list[Failure]] = {}
        rng = random.Random(ctx.seed)
        live = [tc for tc in self.toolchains if tc.name in locks]
        total = self.reps * len(live)
        ctx.on_event(Event("case_start", suite=self.name, case="pipeline", total=total))
        done = 0
        try:
            for rep in range(self.reps):
                order = list(live)
                rng.shuffle(order)
                for tc in order:
                    got = self._pipeline(ctx, tc, locks[tc.name], rep)
                    if isinstance(got, Failure):
                        failures.setdefault(tc.name, []).append(got)
                    else:
                        for phase, ms_value in got.items():
                            phases.setdefault(tc.name, {}).setdefault(phase, []).append(ms_value)
                    done += 1
                    ctx.on_event(
                        Event(
                            "run", suite=self.name, case="pipeline", contestant=tc.name, done=done
                        )
                    )
        except KeyboardInterrupt:
            self._record(doc, phases, failures)
            return False
        ctx.on_event(Event("case_end", suite=self.name, case="pipeline", detail="done"))
        self._record(doc, phases, failures)
        return True

    def _list_files(self, ctx: SuiteContext) -> None:
        """The test files every runner gets (shared with the test suite when it ran first)."""
        live = [
            p
            for tc in self.toolchains
            if (p := prepared(ctx, tc, self.project, self.source)).failure is None
        ]
        lister = next((p for p in live if p.tc.runtime.family == "node"), None) or next(
            (p for p in live if "node" in p.tc.tools), None
        )
        if lister is None or self.planner.listed:
            return
        timeout = max(ctx.timeout_s, 300.0)
        self.planner.setup(ctx.executor, lister.project, lister.env(), timeout)
        self.planner.files(ctx.executor, lister.tc, lister.project, lister.env(), timeout)

    def _pipeline(
        self, ctx: SuiteContext, tc: Toolchain, lock: Path, rep: int
    ) -> dict[str, float] | Failure:
        folder = ctx.workdir / tc.name / f"run-{rep}"
        project = copy_project(self.project, folder / "project")
        if lock.is_file():
            shutil.copy2(lock, project / lock.name)
        cache = folder / "cache"
        env = tc.path_env(tool_env(cache))
        steps: list[tuple[str, list[str], frozenset[int]]] = [
            ("install", install_argv(tc, lock.is_file(), cache), frozenset({0}))
        ]
        if self.entry and tc.bundler != "none":
            out = project / "bakeoff-dist" / bundle_name(module_format(project, self.entry))
            steps.append(("build", build_argv(tc, self.entry, out), frozenset({0})))
        # the project's own test script: its build steps, then its test step for this runner
        steps += [("test", argv, frozenset({0})) for _, argv in self.planner.setup_argv()]
        script = self.planner.command()
        if script is None or script.framework is not None:
            rc = self.planner.command_for(tc, project, folder / "report.out")
            steps.append(("test", rc.argv, frozenset({0})))
        times: dict[str, float] = {}
        for phase, argv, ok in steps:
            res = ctx.executor.run(
                Command(
                    tuple(argv),
                    cwd=str(project),
                    env=self.planner.step_env(project, env) if phase == "test" else env,
                    timeout_s=max(ctx.timeout_s, 600.0),
                    ok_exit_codes=ok,
                )
            )
            if not res.ok_for(Command(tuple(argv), ok_exit_codes=ok)):
                shutil.rmtree(folder, ignore_errors=True)
                return to_failure(res, f"{phase} step failed", argv)
            times[phase] = times.get(phase, 0.0) + res.wall_ms
        times["total"] = sum(times.values())
        shutil.rmtree(folder, ignore_errors=True)
        return times

    def _record(
        self,
        doc: ResultsDocument,
        phases: dict[str, dict[str, list[float]]],
        failures: dict[str, list[Failure]],
    ) -> None:
        for tc in self.toolchains:
            got = phases.get(tc.name, {})
            fails = failures.get(tc.name, [])
            for phase in ("install", "build", "test", "total"):
                samples = got.get(phase, [])
                if not samples and phase != "total":
                    continue
                doc.measurements.append(
                    Measurement(
                        suite=self.name,
                        case=phase,
                        metric="wall_s",
                        contestant=tc.name,
                        unit="s",
                        samples=[round(x / 1000, 4) for x in samples],
                        valid=len(samples) >= 2,
                        notes=[f"{len(fails)} pipeline runs failed"] if fails else [],
                        failures=fails if phase == "total" else [],
                    )
                )
            totals = got.get("total", [])
            if totals:
                doc.measurements.append(
                    Measurement(
                        suite=self.name,
                        case="total",
                        metric="billable_min",
                        contestant=tc.name,
                        unit="min",
                        samples=[billable_minutes(t) for t in totals],
                        valid=len(totals) >= 2,
                        notes=["each job rounded up to a whole minute"],
                    )
                )
