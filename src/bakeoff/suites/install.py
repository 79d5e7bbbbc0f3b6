"""The install suite: how long each toolchain's package manager takes to install the project,
in three labelled states, and whether the tree it leaves works.

States (each measured in its own copy of the project, with the manager's own cache folder;
before every sample ``node_modules`` and lockfiles are removed and ``package.json`` restored —
the ``hyperfine --prepare 'rm -rf node_modules'`` method, which ``benchmarks/bench_install.py``
checks bakeoff against):

* ``cold`` — empty cache, no ``node_modules``, no lockfile (the manager resolves everything);
* ``cold-lockfile`` — empty cache, the lockfile this manager wrote in the cold state, frozen
  install (``npm ci``, ``bun install --frozen-lockfile``, ...): what CI sees;
* ``warm-cache`` — the cache filled by a warm-up install, lockfile present, no ``node_modules``.

Runs are interleaved across toolchains. After each state the outcome is checked: which
version each top-level dependency resolved to (differences are reported) and which packages'
install scripts a manager skipped (Bun runs lifecycle scripts only for trusted packages; pnpm
10 only for allowed ones), because a faster install that leaves a broken tree is no win.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bakeoff.measure.process import Command
from bakeoff.measure.record import measurements_from
from bakeoff.measure.scheduler import Cell, Scheduler
from bakeoff.measure.workspace import (
    LOCKFILES,
    clear_install,
    copy_project,
    installed_versions,
    reset,
    tool_env,
    tree_size,
    with_scripts,
)
from bakeoff.plan.contestants import Contender
from bakeoff.plan.primary import Primary
from bakeoff.plan.stopping import StopRule
from bakeoff.plan.toolchains import Toolchain, ToolchainSet, candidates, resolve
from bakeoff.results import Measurement, ResultsDocument
from bakeoff.suites.base import SuiteContext, section

SUITE = "install"
STATES = ("cold", "cold-lockfile", "warm-cache")
STATE_TEXT = {
    "cold": "empty cache, no node_modules, no lockfile",
    "cold-lockfile": "empty cache, lockfile, frozen install (what CI sees)",
    "warm-cache": "cache filled, lockfile, no node_modules",
}
MIN_REPS = 3  # first look of the decision case (bakeoff.plan.sequential)


def primary_state(states: Sequence[str], project: Path | None = None) -> str:
    """The state that decides the package manager: what CI does — cold cache + lockfile when
    it is measured, but the cold state for a project whose ``.npmrc`` turns lockfiles off (its
    CI installs without one) — else the first measured state."""
    if project is not None and "cold" in states and lockfiles_off(project):
        return "cold"
    return "cold-lockfile" if "cold-lockfile" in states else states[0]


_NO_LOCKFILE = re.compile(r"^\s*(package-lock|lockfile)\s*=\s*false\s*$", re.MULTILINE | re.I)


def lockfiles_off(project: Path) -> str | None:
    """The ``.npmrc`` line that turns lockfiles off (npm's ``package-lock=false``, pnpm's
    ``lockfile=false``; expressjs/express has the first), else None."""
    try:
        m = _NO_LOCKFILE.search((project / ".npmrc").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return m.group(0).strip() if m else None


def install_argv(tc: Toolchain, frozen: bool, cache: Path) -> list[str]:
    m = tc.manager
    if m == "npm":
        npm = str(tc.tools["npm"].binary)
        verb = ["ci"] if frozen else ["install"]
        return [tc.node(), npm, *verb, "--no-audit", "--no-fund", "--loglevel=error"]
    if m == "pnpm":
        pnpm = str(tc.tools["pnpm"].binary)
        flag = "--frozen-lockfile" if frozen else "--no-frozen-lockfile"
        return [tc.node(), pnpm, "install", flag, "--store-dir", str(cache / "pnpm-store")]
    if m == "yarn":
        yarn = str(tc.tools["yarn"].binary)
        extra = ["--frozen-lockfile"] if frozen else []
        return [
            tc.node(),
            yarn,
            "install",
            *extra,
            "--cache-folder",
            str(cache / "yarn"),
            "--non-interactive",
            "--no-progress",
        ]
    if m == "bun":
        return [tc.binary("bun"), "install", *(["--frozen-lockfile"] if frozen else [])]
    if m == "deno":
        return [tc.binary("deno"), "install", *(["--frozen"] if frozen else [])]
    raise ValueError(f"unknown package manager {m}")


@dataclass
class _Slot:
    tc: Toolchain
    folder: Path
    project: Path
    cache: Path
    lockfile: Path | None = None
    no_lockfile: str = "no lockfile from the cold install"  # why, when lockfile is None


class InstallSuite:
    name = SUITE

    def __init__(
        self,
        project: Path,
        toolchains: ToolchainSet | Sequence[Toolchain],
        states: Sequence[str] = STATES,
        reps: int = 3,
        secondary_reps: int | None = None,
    ) -> None:
        self.project = project
        self.source = toolchains
        self.toolchains: list[Toolchain] = []
        self.states = [s for s in STATES if s in states]
        self.reps = reps  # the most repetitions the deciding state may take
        # fixed repetitions of the other states (default: as many as ``reps``)
        self.secondary_reps = reps if secondary_reps is None else secondary_reps

    def _toolchains(self, ctx: SuiteContext) -> list[Toolchain]:
        return resolve(self.source, ctx.contenders)

    def primaries(self, contenders: Sequence[Contender], baseline: str) -> list[Primary]:
        if not self.states:
            return []
        state = primary_state(self.states, self.project)
        tcs = resolve(self.source, contenders)
        return [
            Primary("package_manager", n, case=state) for n in candidates(tcs, baseline, "manager")
        ]

    def run(self, ctx: SuiteContext, doc: ResultsDocument) -> bool:
        with section(doc, SUITE) as info:
            return self._run(ctx, doc, info)

    def _run(self, ctx: SuiteContext, doc: ResultsDocument, info: dict[str, Any]) -> bool:
        self.toolchains = self._toolchains(ctx)
        info["toolchains"] = {tc.name: tc.describe() for tc in self.toolchains}
        info["states"] = {s: STATE_TEXT[s] for s in self.states}
        off = lockfiles_off(self.project)
        if off and "cold" in self.states:
            info["states"]["cold"] += (
                f" — decides the package manager: the project's .npmrc says `{off}`, so its "
                "CI installs without a lockfile"
            )
        info.setdefault("cases", {})
        decides = primary_state(self.states, self.project)
        slots = {
            tc.name: _Slot(
                tc,
                ctx.workdir / tc.name,
                ctx.workdir / tc.name / "project",
                ctx.workdir / tc.name / "cache",
            )
            for tc in self.toolchains
        }
        deps = top_level_deps(self.project / "package.json", info)
        pace: float | None = None  # seconds per block of the cold state, once it ran
        for state in self.states:
            cells = []
            for slot in slots.values():
                if state != "cold" and slot.lockfile is None:
                    doc.measurements.append(
                        Measurement(
                            suite=SUITE,
                            case=state,
                            metric="wall_s",
                            contestant=slot.tc.name,
                            unit="s",
                            valid=False,
                            notes=[f"state skipped: {slot.no_lockfile}"],
                        )
                    )
                    continue
                cells.append(self._cell(ctx, slot, state))
            if not cells:
                continue
            deciding = state == decides
            seq = (
                ctx.sequential("package_manager", MIN_REPS, max(MIN_REPS, self.reps))
                if deciding
                else None
            )
            # a state that decides nothing may run once (a quick run); the deciding one twice
            reps = max(2, self.reps) if deciding else max(1, self.secondary_reps)
            rule = StopRule(
                precision=ctx.rule.precision,
                min_runs=seq[0].min_n if seq else reps,
                max_runs=seq[0].max_n if seq else reps,
                warmups=1 if state == "warm-cache" else 0,
                max_failures=2,
            )
            scheduler = Scheduler(
                ctx.executor, rule, seed=ctx.seed, on_event=ctx.on_event, suite=SUITE
            )
            outcome = scheduler.run_case(
                state,
                cells,
                budget_s=ctx.time_left(),
                settle=seq[1] if seq else None,
                # a cold install's pace predicts the frozen one's (the same downloads) and
                # bounds the warm-cache state's (its warm-up and block; no longer than cold)
                expect_block_s=pace if state != "cold" else None,
            )
            if outcome.blocks_run and state == "cold":
                pace = outcome.elapsed_s / outcome.blocks_run
            if state == "cold" and outcome.stop_reason == "budget":
                for name, co in outcome.cells.items():
                    if not co.results:
                        slots[name].no_lockfile = (
                            "the cold install that writes its lockfile did not run within the "
                            "time budget (not a failure)"
                        )
            info["cases"][state] = {
                **({"design": seq[0].to_dict()} if seq else {}),
                "description": STATE_TEXT[state],
                "stop_reason": outcome.stop_reason,
                "blocks": outcome.blocks_run,
                # network is part of install time: how far apart the repeats were
                "spread": {
                    name: spread(co.wall_ms) for name, co in outcome.cells.items() if co.results
                },
            }
            doc.measurements.extend(
                measurements_from(SUITE, state, outcome, rule.min_runs, seconds=True)
            )
            self._outcome(ctx, doc, info, slots, state, deps, outcome.cells)
            if outcome.interrupted:
                return False
        return True

    def _cell(self, ctx: SuiteContext, slot: _Slot, state: str) -> Cell:
        tc = slot.tc
        frozen = state != "cold"
        env = tc.path_env(tool_env(slot.cache))
        copy_project(self.project, slot.project)  # one working copy per toolchain and state

        def prepare() -> None:
            clear_install(self.project, slot.project)
            if state != "warm-cache":
                reset(slot.cache)
                # the toolchain's PATH too: lifecycle scripts calling `bun` or `node` must get
                # the contestant's binaries in every state, not the machine's (or none: 127)
                env.update(tc.path_env(tool_env(slot.cache)))
            if frozen and slot.lockfile is not None:
                shutil.copy2(slot.lockfile, slot.project / slot.lockfile.name)

        argv = install_argv(tc, frozen, slot.cache)
        cmd = Command(
            tuple(argv), cwd=str(slot.project), env=env, timeout_s=max(ctx.timeout_s, 300.0)
        )
        return Cell(tc.name, cmd, prepare)

    def _outcome(
        self,
        ctx: SuiteContext,
        doc: ResultsDocument,
        info: dict[str, Any],
        slots: dict[str, _Slot],
        state: str,
        deps: list[str],
        cells: dict[str, Any],
    ) -> None:
        outcome: dict[str, Any] = info.setdefault("outcome", {})
        versions: dict[str, dict[str, str | None]] = {}
        for name, slot in slots.items():
            co = cells.get(name)
            if co is None or not co.results:
                continue
            lock = slot.project / LOCKFILES[slot.tc.manager]
            if state == "cold" and lock.is_file():
                keep = slot.folder / lock.name
                shutil.copy2(lock, keep)
                slot.lockfile = keep
            size_mb, files = tree_size(slot.project / "node_modules")
            versions[name] = installed_versions(slot.project, deps)
            last = co.results[-1]
            skipped = skipped_scripts(slot.tc.manager, last.stdout_tail + last.stderr_tail)
            if skipped and slot.tc.manager == "bun":
                skipped = _bun_untrusted(ctx, slot) or skipped
            outcome.setdefault(name, {})[state] = {
                "node_modules_mb": round(size_mb, 2),
                "node_modules_files": files,
                "lockfile": lock.name if lock.is_file() else None,
                "versions": versions[name],
                "packages_with_install_scripts": with_scripts(slot.project),
                "skipped_scripts": skipped,
            }
            for metric, unit, value in (
                ("node_modules_mb", "MB", size_mb),
                ("node_modules_files", "files", float(files)),
            ):
                doc.measurements.append(
                    Measurement(
                        suite=SUITE,
                        case=state,
                        metric=metric,
                        contestant=name,
                        unit=unit,
                        samples=[round(value, 3)],
                        comparable=False,
                        notes=[],
                    )
                )
        diffs = version_differences(versions)
        if diffs:
            info.setdefault("version_differences", {})[state] = diffs
        incomplete(doc, state, versions)


def incomplete(
    doc: ResultsDocument, state: str, versions: dict[str, dict[str, str | None]]
) -> None:
    """An install that exited 0 but left top-level dependencies out that another manager
    installed is not a faster install: its time is marked invalid, with what is missing
    (pnpm-monorepo-template: deno "installed" its catalog: dependencies in 15 ms — none)."""
    have = {d for v in versions.values() for d, got in v.items() if got is not None}
    for name, v in versions.items():
        missing = sorted(d for d, got in v.items() if got is None and d in have)
        if not missing:
            continue
        try:
            m = doc.measurement(SUITE, state, "wall_s", name)
        except KeyError:
            continue
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        m.valid = False
        m.notes.append(
            f"the install left {len(missing)} of {len(v)} top-level dependencies out that "
            f"another manager installed ({shown}): an incomplete tree is not a faster install"
        )


def spread(samples: Sequence[float]) -> dict[str, float]:
    """How noisy repeated installs were: slowest/fastest ratio and coefficient of variation."""
    if not samples:
        return {}
    lo, hi = min(samples), max(samples)
    mean = sum(samples) / len(samples)
    var = sum((x - mean) ** 2 for x in samples) / (len(samples) - 1) if len(samples) > 1 else 0.0
    return {
        "max_over_min": round(hi / lo, 3) if lo > 0 else 0.0,
        "cv": round(var**0.5 / mean, 3) if mean > 0 else 0.0,
    }


def top_level_deps(package_json: Path, info: dict[str, Any]) -> list[str]:
    """The project's direct dependencies. A missing or malformed package.json is recorded in
    ``info["package_json_error"]`` (every manager's install then fails and is recorded with
    its error tail) instead of aborting the run."""
    try:
        meta = json.loads(package_json.read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError("expected a JSON object")
    except (OSError, ValueError) as exc:
        info["package_json_error"] = f"{package_json}: {exc}"
        return []
    deps: list[str] = []
    for key in ("dependencies", "devDependencies"):
        section = meta.get(key)
        if isinstance(section, dict):
            deps += [str(d) for d in section]
    return deps


_PNPM_IGNORED = re.compile(r"Ignored build scripts?:\s*([^\n.]+)")


def skipped_scripts(manager: str, output: str) -> list[str]:
    """Packages whose install scripts the manager reports it did not run."""
    if manager == "pnpm":
        m = _PNPM_IGNORED.search(output)
        if m:
            return [p.strip() for p in m.group(1).split(",") if p.strip()]
    if manager == "bun":
        # bun prints "Blocked N postinstall(s). Run `bun pm untrusted` for details."
        m2 = re.search(r"Blocked (\d+) postinstall", output)
        if m2:
            return [f"{m2.group(1)} blocked postinstall script(s) (see `bun pm untrusted`)"]
    if manager == "deno":
        # deno prints "Ignored build scripts for packages:" then "│  npm:sqlite3@5.1.7" lines
        plain = _ANSI.sub("", output)
        at = plain.find("Ignored build scripts for packages:")
        if at >= 0:
            names = _DENO_IGNORED.findall(plain[at:].split("deno approve-scripts", 1)[0])
            return [f"{n} (deno ran no build script: `deno approve-scripts`)" for n in names]
    return []


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_DENO_IGNORED = re.compile(r"npm:((?:@[^/\s]+/)?[^@\s]+)@\S+")


_BUN_UNTRUSTED = re.compile(r"^\./node_modules/(\S+)", re.MULTILINE)


def parse_bun_untrusted(output: str) -> list[str]:
    """Package names from ``bun pm untrusted`` (lines like ``./node_modules/foo @1.0.0``)."""
    return _BUN_UNTRUSTED.findall(output)


def _bun_untrusted(ctx: SuiteContext, slot: _Slot) -> list[str]:
    """Name the packages whose lifecycle scripts Bun blocked (untimed, after the install)."""
    tc = slot.tc
    res = ctx.executor.run(
        Command(
            (tc.binary("bun"), "pm", "untrusted"),
            cwd=str(slot.project),
            env=tc.path_env(tool_env(slot.cache)),
            timeout_s=60.0,
            capture=True,
        )
    )
    names = parse_bun_untrusted(res.stdout_tail + res.stderr_tail) if res.ok else []
    return [f"{n} (blocked by bun: not in trustedDependencies)" for n in names]


def version_differences(
    versions: dict[str, dict[str, str | None]],
) -> dict[str, dict[str, str | None]]:
    """Top-level dependencies that resolved differently across toolchains."""
    names = sorted({d for v in versions.values() for d in v})
    out: dict[str, dict[str, str | None]] = {}
    for dep in names:
        got = {tc: v.get(dep) for tc, v in versions.items()}
        if len(set(got.values())) > 1:
            out[dep] = got
    return out
