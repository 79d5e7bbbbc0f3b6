"""Which suites exist, and how each is built from ``bakeoff.toml`` (``bakeoff run``) or for the
bundled sample project (``bakeoff demo``). The one place that knows every suite."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path

from bakeoff import config
from bakeoff.errors import ConfigError, UsageError
from bakeoff.plan.toolchains import (
    ProjectManager,
    ToolchainSet,
    ToolchainSpec,
    parse_package_manager,
)
from bakeoff.suites.base import Suite
from bakeoff.suites.compat import CompatSuite
from bakeoff.suites.devloop import BuildSuite, CISuite, TestSuite
from bakeoff.suites.install import STATES, InstallSuite
from bakeoff.suites.names import DEVLOOP as DEVLOOP
from bakeoff.suites.names import NAMES as NAMES
from bakeoff.suites.serve import ServeSuite, sample_spec, spec_from_config
from bakeoff.suites.startup import (
    BUILTIN_CASES,
    DEFAULT_CASES,
    QUICK_CASES,
    StartupCase,
    StartupSuite,
    user_case,
)
from bakeoff.suites.testrun import TestPlanner
from bakeoff.value.usage import ValueConfig, preset, resolve

SAMPLE_CLI = "src/report-cli.mjs"
SAMPLE_CLI_ARGS = ("--limit", "300")


def sample_project() -> Path:
    """The bundled sample project's folder."""
    return Path(str(resources.files("bakeoff") / "sample" / "project"))


# A quick run's order: what is cheap and tells whether the project works on each runtime
# (start-up, its own tests, its build, the compat checks) before the long measurements
# (the load ladder, installs), so a slow install cannot leave no time for the tests.
QUICK_ORDER = ("startup", "test", "build", "compat", "serve", "install", "ci")


def quick_order(suites: Sequence[Suite]) -> list[Suite]:
    """``suites`` in ``QUICK_ORDER`` (others after, as they were)."""
    rank = {n: i for i, n in enumerate(QUICK_ORDER)}
    return sorted(suites, key=lambda s: rank.get(s.name, len(rank)))


# A quick run leaves out the whole-CI suite unless --suite names it: its parts (install, build,
# test) are measured anyway, and the CI-minute line sums them.
QUICK_NAMES = tuple(n for n in NAMES if n != "ci")


def parse_names(text: str | None, default: Collection[str] = NAMES) -> list[str]:
    """``"startup,serve"`` → the suites, in canonical order; unknown names are an error."""
    if not text:
        return [n for n in NAMES if n in default]
    wanted = {x.strip() for x in text.split(",") if x.strip()}
    unknown = wanted - set(NAMES)
    if unknown:
        raise UsageError(
            f"unknown suite(s): {', '.join(sorted(unknown))} (available: {', '.join(NAMES)})"
        )
    return [n for n in NAMES if n in wanted]


def demo_suites(wanted: Collection[str], quick: bool) -> list[Suite]:
    suites: list[Suite] = []
    if "startup" in wanted:
        cases = QUICK_CASES if quick else DEFAULT_CASES
        suites.append(StartupSuite([BUILTIN_CASES[c] for c in cases]))
    if "serve" in wanted:
        spec = sample_spec(sample_project(), quick)
        suites.append(ServeSuite(replace(spec, reference_rps=peak_rps(None))))
    hybrid = ToolchainSpec("bun+node", "node", manager="bun", test_runner="node", bundler="bun")
    common = ToolchainSet(extra=[hybrid])
    installs = ToolchainSet(extra=[hybrid, ToolchainSpec("pnpm", "node", manager="pnpm")])
    suites += _devloop(
        wanted,
        sample_project(),
        installs,
        common,
        build_entry=(SAMPLE_CLI, list(SAMPLE_CLI_ARGS)),
        reps=REPS["quick" if quick else "full"],
    )
    if "compat" in wanted:
        suites.append(CompatSuite.for_demo(quick))
    return suites


# Repetitions per dev-loop suite: for install/test/build the most the deciding case may take (it
# stops once settled, from 3 on); "secondary" is the fixed count of the other install states;
# ci is always a fixed count. Quick runs decide with the same rule on a smaller maximum.
REPS: dict[str, dict[str, int]] = {
    "full": {"install": 8, "secondary": 3, "test": 10, "build": 10, "ci": 3},
    "quick": {"install": 5, "secondary": 1, "test": 6, "build": 6, "ci": 2},
}


def peak_rps(value: ValueConfig | None) -> float:
    """The usage's peak request rate (the serve suite's reference rate is the nearest)."""
    return resolve(value).traffic.peak_rps if value else preset("medium").traffic.peak_rps


def devloop_suites(
    project_dir: Path,
    toolchains: Sequence[ToolchainSpec] = (),
    quick: bool = False,
    wanted: Collection[str] = DEVLOOP,
    entry: tuple[str, Sequence[str]] | None = None,
    managers: Sequence[str] = (),
    project_runner: str | None = None,
) -> list[Suite]:
    """The dev-loop suites (install, test, build, ci) for any project folder.

    ``toolchains``: hybrids on top of each contestant's default toolchain; ``managers``:
    extra install-only contestants run on Node (``pnpm``, ``yarn``); ``entry``: the script to
    bundle and smoke-run, with its arguments (no build suite without one); ``project_runner``:
    the project's own test framework under Node (jest, vitest, mocha)."""
    planner = TestPlanner(project_dir)
    # the test script's runner when it names one, else what detection found
    cmd = planner.command()
    project_runner = script_runner(planner) if cmd and cmd.framework else project_runner
    common = ToolchainSet(extra=list(toolchains), project_runner=project_runner)
    extra = [ToolchainSpec(m, "node", manager=m) for m in managers]
    installs = ToolchainSet(extra=[*toolchains, *extra], project_runner=project_runner)
    return _devloop(
        wanted,
        project_dir,
        installs,
        common,
        planner=planner,
        build_entry=(entry[0], list(entry[1])) if entry else None,
        reps=REPS["quick" if quick else "full"],
    )


def script_runner(planner: TestPlanner) -> str | None:
    """jest, vitest or mocha when the project's test script runs one of them."""
    cmd = planner.command()
    fw = cmd.framework if cmd else None
    return fw if fw in ("jest", "vitest", "mocha", "ava") else None


def _devloop(
    wanted: Collection[str],
    project: Path,
    installs: ToolchainSet,
    common: ToolchainSet,
    build_entry: tuple[str, list[str]] | None,
    reps: dict[str, int],
    states: Sequence[str] = STATES,
    planner: TestPlanner | None = None,
    build_script: str | None = None,
) -> list[Suite]:
    out: list[Suite] = []
    planner = planner or TestPlanner(project)
    if "install" in wanted:
        out.append(
            InstallSuite(
                project,
                installs,
                states=states,
                reps=reps["install"],
                secondary_reps=reps["secondary"],
            )
        )
    if "test" in wanted:
        out.append(TestSuite(project, common, reps=reps["test"], planner=planner))
    if "build" in wanted and build_script is not None:
        out.append(BuildSuite(project, common, "", reps=reps["build"], script=build_script))
    elif "build" in wanted and build_entry is not None:
        out.append(BuildSuite(project, common, build_entry[0], build_entry[1], reps=reps["build"]))
    if "ci" in wanted:
        out.append(
            CISuite(
                project,
                common,
                build_entry[0] if build_entry else None,
                reps=reps["ci"],
                planner=planner,
            )
        )
    return out


def from_config(
    cfg: config.Config, path: Path, wanted: Collection[str], quick: bool
) -> tuple[list[Suite], list[str]]:
    """The suites ``bakeoff.toml`` enables, among ``wanted``; also the reasons any wanted
    suite was left out (disabled or not configured)."""
    suites: list[Suite] = []
    skipped: list[str] = []
    if "startup" in wanted:
        if cfg.startup.enabled:
            suites.append(StartupSuite(_startup_cases(cfg, path, quick)))
        else:
            skipped.append("startup: disabled in bakeoff.toml")
    if "serve" in wanted:
        if cfg.serve is None:
            skipped.append("serve: no [serve] section in bakeoff.toml")
        elif not cfg.serve.enabled:
            skipped.append("serve: disabled in bakeoff.toml")
        elif not (cfg.serve.entry or cfg.serve.command):
            raise ConfigError(f"{path}: serve: expected `entry` or `command`, found neither")
        else:
            spec = spec_from_config(cfg.serve, path, quick)
            suites.append(ServeSuite(replace(spec, reference_rps=peak_rps(cfg.value))))
    project = path.parent
    specs = [
        ToolchainSpec(t.name, t.runtime, t.manager, t.test_runner, t.bundler)
        for t in cfg.toolchains
    ]
    planner = TestPlanner(project, cfg.test.command if cfg.test else None)
    runner = (cfg.test.runner if cfg.test else None) or script_runner(planner)
    pm = project_manager(project, cfg.bakeoff.package_manager)
    common = ToolchainSet(extra=specs, project_runner=runner, project_manager=pm)
    extra_installs = [
        ToolchainSpec(m, "node", manager=m)
        for m in (cfg.install.managers if cfg.install else [])
        if pm is None or m != pm.name  # the baseline already installs with it
    ]
    installs = ToolchainSet(
        extra=[*specs, *extra_installs], project_runner=runner, project_manager=pm
    )
    sections = {"install": cfg.install, "test": cfg.test, "build": cfg.build, "ci": cfg.ci}
    chosen: set[str] = set()
    for name, section in sections.items():
        if name not in wanted:
            continue
        if section is None:
            skipped.append(f"{name}: no [{name}] section in bakeoff.toml")
        elif not section.enabled:
            skipped.append(f"{name}: disabled in bakeoff.toml")
        else:
            chosen.add(name)

    caps = REPS["quick" if quick else "full"]

    def reps(section: object, name: str) -> int:
        value = int(getattr(section, "reps", caps[name]))
        return min(value, caps[name]) if quick else value

    suites += _devloop(
        chosen,
        project,
        installs,
        common,
        build_entry=(cfg.build.entry, list(cfg.build.args))
        if cfg.build and cfg.build.entry
        else None,
        build_script=cfg.build.script if cfg.build else None,
        reps={
            "install": reps(cfg.install, "install"),
            "secondary": caps["secondary"],
            "test": reps(cfg.test, "test"),
            "build": reps(cfg.build, "build"),
            "ci": reps(cfg.ci, "ci"),
        },
        states=cfg.install.states if cfg.install else STATES,
        planner=planner,
    )
    if "compat" in wanted:
        if cfg.compat.enabled:
            suites.append(CompatSuite.from_config(cfg.compat, project, quick))
        else:
            skipped.append("compat: disabled in bakeoff.toml")
    return suites, skipped


def project_manager(project: Path, override: str | None = None) -> ProjectManager | None:
    """The project's own package manager for the baseline toolchain: ``override`` (the
    config's ``bakeoff.package_manager``), else package.json ``packageManager``, else its
    lockfile's manager (unpinned); None: npm."""
    from bakeoff.project.detect import package_manager_spec

    if override:
        pm = parse_package_manager(override)
        if pm is None:
            raise ConfigError(
                f"bakeoff.package_manager: expected npm, pnpm, yarn or bun (with @version), "
                f"found {override!r}"
            )
        return pm
    return package_manager_spec(project)


def _startup_cases(cfg: config.Config, path: Path, quick: bool) -> list[StartupCase]:
    names = (
        cfg.startup.cases
        if cfg.startup.cases is not None
        else (QUICK_CASES if quick else DEFAULT_CASES)
    )
    for n in names:
        if n not in BUILTIN_CASES:
            raise ConfigError(
                f"{path}: startup.cases: unknown case {n!r} "
                f"(expected one of {', '.join(BUILTIN_CASES)})"
            )
    cases = [BUILTIN_CASES[n] for n in names]
    cases += [
        user_case(sc.name, str(path.parent / sc.script), sc.args, cache=sc.cache)
        for sc in cfg.startup.scripts
    ]
    return cases
