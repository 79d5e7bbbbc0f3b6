"""The ``suites`` section of the results document: what each suite recorded about how it ran,
beside its measurements — the cases and why they stopped, the serve suite's latency histograms
and phases, the test suite's per-test parity, the compat suite's matrix, scan, packaging ...

One model per suite (``StartupInfo``, ``ServeInfo``, ...), each a ``SuiteInfo`` (the fields
every suite has: elapsed time, budget share, cases, minimum detectable effects); ``Suites``
holds them under the suite's name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar, Literal, TypeVar

from pydantic import Field

from bakeoff.results.base import Model
from bakeoff.results.records import CompatResult, Failure

# -- what every suite has ---------------------------------------------------------------------


class SequentialDesign(Model):
    """The sequential design a deciding case ran under (``bakeoff.plan.sequential``)."""

    alpha: float
    family: int
    min_n: int
    max_n: int
    threshold: float | None = None


class NoisyBlock(Model):
    """A block the noise watch found disturbed, and what the scheduler did with it."""

    block: int
    load1: float
    other_cores: float
    steal: float
    freq_mhz: float | None = None
    noisy: bool = True
    reasons: list[str] = Field(default_factory=list)
    busy: list[str] = Field(default_factory=list)  # other processes running at the time
    action: str = ""  # kept, rerun, ...


class NoiseWatch(Model):
    blocks_watched: int = 0
    blocks_noisy: int = 0
    blocks_rerun: int = 0
    blocks_kept_noisy: int = 0
    noisy_blocks: list[NoisyBlock] = Field(default_factory=list)


class CpuSplit(Model):
    """User and system CPU ms of each sample (hyperfine's export reads them)."""

    user_ms: list[float] = Field(default_factory=list)
    sys_ms: list[float] = Field(default_factory=list)


class Spread(Model):
    """How far apart repeated runs were (network-bound installs)."""

    max_over_min: float
    cv: float


class CaseInfo(Model):
    """How one case ran: why it stopped, how many blocks, under which design."""

    description: str = ""
    stop_reason: str | None = None
    blocks: int | None = None
    elapsed_s: float | None = None
    cache: str | None = None  # startup: cold or warm runtime caches
    seed: int | None = None
    noise: NoiseWatch | None = None
    cpu_split: dict[str, CpuSplit] = Field(default_factory=dict)  # contestant -> split
    design: SequentialDesign | None = None
    spread: dict[str, Spread] = Field(default_factory=dict)  # contestant -> spread


class SuiteInfo(Model):
    """What every suite records: its time, its share of the budget, a cut or skip reason, its
    cases and, per case and metric, the minimum detectable effect (filled by the analysis)."""

    NAME: ClassVar[str] = ""

    elapsed_s: float | None = None
    budget_s: float | None = None
    cut: str | None = None  # what the time budget cut short
    skipped: str | None = None  # why the suite did not run
    cases: dict[str, CaseInfo] = Field(default_factory=dict)
    mde: dict[str, dict[str, float | None]] = Field(default_factory=dict)


# -- startup, package -------------------------------------------------------------------------


class StartupInfo(SuiteInfo):
    NAME: ClassVar[str] = "startup"


class PackageInfo(SuiteInfo):
    """The single-file executables' start-up (measured by the compat suite's packaging)."""

    NAME: ClassVar[str] = "package"


# -- serve ------------------------------------------------------------------------------------

Histogram = dict[int, int]  # bucket index -> count (bakeoff.results.latency)


class MixEntry(Model):
    request: str
    weight: int = 1


class ServeSpecInfo(Model):
    entry: str | None = None
    command: str | None = None
    args: list[str] = Field(default_factory=list)
    node_flags: list[str] = Field(default_factory=list)  # the project's Node flags
    flags_dropped: dict[str, list[str]] = Field(default_factory=dict)  # runtime -> not passed
    cwd: str | None = None
    readiness: str = ""
    mix: list[MixEntry] = Field(default_factory=list)
    k6_script: str | None = None
    reps: int = 0
    ready_samples: int = 0
    phase_s: float = 0.0
    warmup_s: float = 0.0
    saturation_s: float = 0.0
    ladder: list[float] = Field(default_factory=list)
    connections: int = 0
    compare: str = ""


class Pinning(Model):
    server_cpus: list[int] | None = None
    generator_cpus: list[int] | None = None
    requested: bool | None = None
    note: str | None = None


class Correctness(Model):
    """Whether every contestant answered the request mix as the reference did."""

    checked: bool = True
    why: str | None = None  # not checked: why
    reference: str | None = None  # the first contestant that answered
    compare: str | None = None  # how bodies were compared
    # contestant -> its mismatches, or "same as the reference"
    contestants: dict[str, list[str] | str] = Field(default_factory=dict)
    reference_errors: list[str] = Field(default_factory=list)


class Rates(Model):
    """Where the fixed rates came from: the config, or each contestant's saturation probe
    scaled by the ladder (and capped by what the load generator can send)."""

    source: Literal["config", "probe"]
    rps: list[float] = Field(default_factory=list)
    error: str | None = None
    probe_rps: dict[str, float] = Field(default_factory=dict)
    slowest: str | None = None
    ladder: list[float] = Field(default_factory=list)
    generator_us_per_req: float | None = None
    generator_cap_rps: float | None = None
    capped: str | None = None


class Phase(Model):
    """One fixed-rate phase of one load repetition."""

    target_rps: float
    achieved_rps: float
    requests: int
    errors: int = 0
    dropped: int = 0
    statuses: dict[str, int] = Field(default_factory=dict)
    generator_cpu: float = 0.0  # fraction of a core
    lateness_p99_ms: float = 0.0
    p99_from_send_ms: float | None = None
    cpu_ms_per_1k_req: float = 0.0
    rss_steady_mb: float = 0.0
    peak_rss_mb: float = 0.0
    problems: list[str] = Field(default_factory=list)
    rep: int = 0


class ServeInfo(SuiteInfo):
    """The serve suite: its spec and engines, the rates, and per contestant and rate case the
    valid repetitions' per-second latency histograms (the analysis reads percentiles and their
    block-bootstrap CIs from them), the latency curve, the phases and the RSS timeline."""

    NAME: ClassVar[str] = "serve"

    spec: ServeSpecInfo | None = None
    failed: str | None = None  # why the suite could not start (no server entry, ...)
    engines: dict[str, str] = Field(default_factory=dict)  # fixed_rate, saturation -> tool
    pinning: Pinning | None = None
    correctness: Correctness | None = None
    rates: Rates | None = None
    reference_case: str | None = None
    # contestant -> case -> valid repetitions -> one-second windows
    histograms: dict[str, dict[str, list[list[Histogram]]]] = Field(default_factory=dict)
    # contestant -> case -> [percentile, ms] pairs of the merged histogram
    latency_curve: dict[str, dict[str, list[tuple[float, float | None]]]] = Field(
        default_factory=dict
    )
    phases: dict[str, dict[str, list[Phase]]] = Field(default_factory=dict)
    # contestant -> case -> [seconds, MB] of the first repetition
    rss_timeline: dict[str, dict[str, list[tuple[float, float]]]] = Field(default_factory=dict)

    def windows(self, contestant: str, case: str) -> list[Histogram]:
        """Every one-second window of ``contestant``'s valid repetitions of ``case``."""
        reps = self.histograms.get(contestant, {}).get(case, [])
        return [w for rep in reps for w in rep]


class SoakInfo(SuiteInfo):
    NAME: ClassVar[str] = "soak"

    rate_rps: float | None = None
    duration_s: float | None = None
    warmup_s: float | None = None
    segments: int | None = None
    method: str = ""
    order: list[str] = Field(default_factory=list)
    timeline: dict[str, list[tuple[float, float]]] = Field(default_factory=dict)


# -- install, test, build, ci -----------------------------------------------------------------


class ToolchainInfo(Model):
    runtime: str
    package_manager: str
    test_runner: str
    bundler: str


class InstallOutcome(Model):
    """What one install left behind."""

    node_modules_mb: float
    node_modules_files: int
    lockfile: str | None = None
    versions: dict[str, str | None] = Field(default_factory=dict)  # top-level dependencies
    packages_with_install_scripts: list[str] = Field(default_factory=list)
    skipped_scripts: list[str] = Field(default_factory=list)


class InstallInfo(SuiteInfo):
    NAME: ClassVar[str] = "install"

    toolchains: dict[str, ToolchainInfo] = Field(default_factory=dict)
    states: dict[str, str] = Field(default_factory=dict)  # cache state -> what it means
    outcome: dict[str, dict[str, InstallOutcome]] = Field(default_factory=dict)  # who -> state
    # state -> dependency -> toolchain -> version, where toolchains resolved differently
    version_differences: dict[str, dict[str, dict[str, str | None]]] = Field(default_factory=dict)
    package_json_error: str | None = None


class TestCommandInfo(Model):
    """The project's test script as bakeoff followed it (``bakeoff.suites.testcmd``)."""

    __test__: ClassVar[bool] = False

    script: str | None = None
    source: str = ""
    framework: str | None = None
    step: str = ""
    env: dict[str, str] = Field(default_factory=dict)
    before: list[str] = Field(default_factory=list)
    not_run: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    note: str = ""


class TestFiles(Model):
    __test__: ClassVar[bool] = False

    how: str = ""
    count: int | None = None
    listing_failed: Failure | None = None  # why the runner could not list its files


class TestRunInfo(Model):
    """One toolchain's test command."""

    __test__: ClassVar[bool] = False

    runner: str
    command: str
    files: int | None = None
    env: dict[str, str] = Field(default_factory=dict)
    translated: list[str] = Field(default_factory=list)


class ParitySummary(Model):
    """One runner's tests by class, beside its own count."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    not_run: int = Field(default=0, alias="not run")
    not_collected: int = Field(default=0, alias="not collected")
    reported: int = 0
    runner_totals: dict[str, int] = Field(default_factory=dict)
    files_given: int | None = None
    files_not_loaded: int = 0

    def count(self, cls: str) -> int:
        """The count of a class by its name (``"not run"``, ``"passed"``, ...)."""
        return int(getattr(self, cls.replace(" ", "_")))


class ParityRow(Model):
    """One test (file and name path) and its class under each runner."""

    file: str | None = None
    test: str
    status: dict[str, str] = Field(default_factory=dict)  # runner -> class
    why: dict[str, str] = Field(default_factory=dict)  # runner -> why it did not run


class FailedTest(Model):
    file: str | None = None
    test: str
    message: str = ""


class SuiteFinding(Model):
    """The whole suite did not run under a runner: one finding with its evidence."""

    kind: str
    reason: str
    command: str = ""
    exit_code: int | None = None
    stdout_tail: str = ""
    stderr_tail: str = ""
    files_failed: int = 0


class Parity(Model):
    """Per-test parity across runners (``bakeoff.suites.testparity``)."""

    tests: int = 0
    baseline: str | None = None
    # runner -> how many compared tests it reported as one while another reported subtests
    whole_tests: dict[str, int] = Field(default_factory=dict)
    classes: list[str] = Field(default_factory=list)
    summary: dict[str, ParitySummary] = Field(default_factory=dict)
    diff: list[ParityRow] = Field(default_factory=list)  # rows whose classes differ
    rows: list[ParityRow] = Field(default_factory=list)
    rows_truncated: bool = False
    failures: dict[str, list[FailedTest]] = Field(default_factory=dict)
    file_errors: dict[str, dict[str, str]] = Field(default_factory=dict)  # runner -> file -> why
    findings: dict[str, SuiteFinding] = Field(default_factory=dict)


class TestInfo(SuiteInfo):
    """The test suite: the command, each runner's command and the per-test parity."""

    __test__: ClassVar[bool] = False
    NAME: ClassVar[str] = "test"

    runners: dict[str, str] = Field(default_factory=dict)
    command: TestCommandInfo | None = None
    not_run: str | None = None
    setup_failures: dict[str, list[Failure]] = Field(default_factory=dict)
    files: TestFiles | None = None
    runs: dict[str, TestRunInfo] = Field(default_factory=dict)
    parity: Parity | None = None


class Smoke(Model):
    """Whether a bundle runs and prints what the unbundled entry prints."""

    ok: bool
    exit_code: int | None = None
    detail: str = ""


class BuildInfo(SuiteInfo):
    NAME: ClassVar[str] = "build"

    entry: str | None = None
    script: str | None = None  # the project's own build script, when it has one
    commands: dict[str, str] = Field(default_factory=dict)  # toolchain -> the script's command
    bundlers: dict[str, str] = Field(default_factory=dict)
    smoke: dict[str, Smoke] = Field(default_factory=dict)


class CiInfo(SuiteInfo):
    NAME: ClassVar[str] = "ci"

    pipeline: list[str] = Field(default_factory=list)


# -- compat -----------------------------------------------------------------------------------


class Risk(Model):
    """A finding of the source scan (``bakeoff.project.scan``)."""

    id: str
    kind: str
    severity: str
    areas: list[str] = Field(default_factory=list)
    why: str = ""
    locations: list[str] = Field(default_factory=list)  # "file:line"


class ScanInfo(Model):
    root: str
    files_scanned: int = 0
    builtins: dict[str, list[str]] = Field(default_factory=dict)  # built-in -> locations
    dependencies: list[str] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)
    areas: list[str] = Field(default_factory=list)  # the probe areas the project uses


class AreaRunInfo(Model):
    """How one probe script ran under one contestant."""

    area: str
    contestant: str
    status: str
    detail: str = ""
    wall_ms: float = 0.0
    stray: list[str] = Field(default_factory=list)
    restarts: int = 0


class PackagesInfo(Model):
    """The smoke-test packages: installed once with node + npm, then probed per contestant."""

    packages: list[str] = Field(default_factory=list)
    skipped: str | None = None
    npm: str | None = None
    installed_with: str | None = None
    install_s: float | None = None
    versions: dict[str, str] = Field(default_factory=dict)
    install_ok: bool | None = None
    install_detail: str = ""
    runs: list[AreaRunInfo] = Field(default_factory=list)


class LoadResult(Model):
    status: str
    detail: str = ""


class AddonClassification(Model):
    format: str
    machine: str = ""
    api: str = "unknown"
    napi_imports: int = 0
    cxx_imports: int = 0
    entry: str | None = None
    evidence: list[str] = Field(default_factory=list)
    note: str = ""


class AddonFileInfo(Model):
    file: str
    classification: AddonClassification
    loadable_here: bool = False
    loads: dict[str, LoadResult] = Field(default_factory=dict)  # contestant -> result


class NativePackageInfo(Model):
    package: str
    version: str
    api: str = "unknown"
    files: list[AddonFileInfo] = Field(default_factory=list)
    require: dict[str, LoadResult] = Field(default_factory=dict)  # contestant -> result
    # why npm would not install it on this machine (its os/cpu/libc fields): not loaded
    not_for_here: str | None = None


class NativeRoot(Model):
    root: str  # "project" or "smoke packages"
    path: str
    skipped: str | None = None
    packages: list[NativePackageInfo] = Field(default_factory=list)


class SeenProcessInfo(Model):
    pid: int
    exe: str
    family: str
    cmdline: str


class IdentityVerdict(Model):
    """Whether the contestant really ran its children (the process-tree watch)."""

    contestant_family: str
    really_tested: bool
    families: list[str] = Field(default_factory=list)
    detail: str = ""
    seen: list[SeenProcessInfo] = Field(default_factory=list)


class ScriptPrediction(Model):
    """Which runtime a package.json script's bin really runs under, per contestant."""

    script: str
    bin: str
    interpreter: str | None = None
    contestants: dict[str, str] = Field(default_factory=dict)


class IdentityInfo(Model):
    probe: dict[str, IdentityVerdict] = Field(default_factory=dict)
    scripts: list[ScriptPrediction] = Field(default_factory=list)


class PackageBuildInfo(Model):
    """One contestant's single-file executable (``bakeoff.compat.packaging``)."""

    contestant: str
    family: str
    method: str
    ok: bool
    detail: str = ""
    build_s: float | None = None
    binary_mb: float | None = None
    start_ms: list[float] = Field(default_factory=list)
    start_cpu_ms: list[float] = Field(default_factory=list)
    start_rss_mb: list[float] = Field(default_factory=list)
    same_output: bool | None = None
    runtime_mb: float | None = None
    app_mb: float | None = None
    node_modules_mb: float | None = None
    image_estimate_mb: float | None = None


class PackagingInfo(Model):
    entry: str
    args: list[str] = Field(default_factory=list)
    builds: list[PackageBuildInfo] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class StatusCounts(Model):
    """Checks by status (and their total) for one area and contestant."""

    pass_: int = Field(default=0, alias="pass")
    fail: int = 0
    error: int = 0
    timeout: int = 0
    skip: int = 0
    total: int = 0


class StatusTotals(StatusCounts):
    pass_rate: float | None = None  # over the checks that ran (not skipped)


class CompatInfo(SuiteInfo):
    NAME: ClassVar[str] = "compat"

    runners: dict[str, str] = Field(default_factory=dict)  # contestant -> probe command
    scan: ScanInfo | None = None
    area_runs: list[AreaRunInfo] = Field(default_factory=list)
    packages: PackagesInfo | None = None
    native: list[NativeRoot] = Field(default_factory=list)
    identity: IdentityInfo | None = None
    packaging: PackagingInfo | None = None
    matrix: dict[str, dict[str, StatusCounts]] = Field(default_factory=dict)  # area -> who
    totals: dict[str, StatusTotals] = Field(default_factory=dict)
    failures: list[CompatResult] = Field(default_factory=list)
    relevant_failures: list[CompatResult] = Field(default_factory=list)  # areas the project uses
    project_tests: TestInfo | None = None  # the test suite's section, when it ran


# -- calibration ------------------------------------------------------------------------------


class AaCase(Model):
    suite: str
    case: str
    metric: str
    ratio: float | None = None
    ci: list[float] | None = None
    verdict: str = ""
    mde: float | None = None


class AaSummary(Model):
    """The A/A self-check (``bakeoff.analysis.calibration``): a contestant against itself."""

    comparisons: int = 0
    false_positives: int = 0
    false_positive_rate: float | None = None
    noise_floor: float | None = None
    noise_floor_max: float | None = None
    mde_median: float | None = None
    mde_max: float | None = None
    cases: list[AaCase] = Field(default_factory=list)


# -- the section ------------------------------------------------------------------------------

S = TypeVar("S", bound=SuiteInfo)
KINDS: tuple[type[SuiteInfo], ...] = (
    StartupInfo,
    ServeInfo,
    SoakInfo,
    InstallInfo,
    TestInfo,
    BuildInfo,
    CiInfo,
    CompatInfo,
    PackageInfo,
)
NAMES = tuple(k.NAME for k in KINDS)


class Suites(Model):
    """Each suite's section under its name (absent: the suite did not run), and the A/A
    summary of a run with an A/A arm."""

    startup: StartupInfo | None = None
    serve: ServeInfo | None = None
    soak: SoakInfo | None = None
    install: InstallInfo | None = None
    test: TestInfo | None = None
    build: BuildInfo | None = None
    ci: CiInfo | None = None
    compat: CompatInfo | None = None
    package: PackageInfo | None = None
    aa: AaSummary | None = None

    def get(self, name: str) -> SuiteInfo | None:
        """The section of the suite called ``name`` (None: it did not run, or no such suite)."""
        if name not in NAMES:
            return None
        info = getattr(self, name)
        return info if isinstance(info, SuiteInfo) else None

    def of(self, kind: type[S]) -> S:
        """The section of suite ``kind``, created empty when the suite has none yet."""
        info = getattr(self, kind.NAME)
        if not isinstance(info, kind):
            info = kind()
            setattr(self, kind.NAME, info)
        return info

    def ensure(self, name: str) -> SuiteInfo:
        """The section of the suite called ``name``, created when missing."""
        for kind in KINDS:
            if name == kind.NAME:
                return self.of(kind)
        raise KeyError(f"no suite called {name!r} in the results document")

    def put(self, name: str, raw: Mapping[str, object]) -> SuiteInfo:
        """Write the suite called ``name`` from ``raw`` (a section built as a dict while the
        suite ran), validated strictly: a field its model does not declare is an error."""
        for kind in KINDS:
            if name == kind.NAME:
                info = kind.model_validate(raw)
                setattr(self, name, info)
                return info
        raise KeyError(f"no suite called {name!r} in the results document")

    def items(self) -> Iterator[tuple[str, SuiteInfo]]:
        """(name, section) of every suite that ran, in the document's order."""
        for name in NAMES:
            info = getattr(self, name)
            if isinstance(info, SuiteInfo):
                yield name, info

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None
