"""The run's context sections of the results document: ``settings`` (what was asked for and the
primary family declared before measuring), ``environment`` (the machine, pyperf-style, with
noise readings before and after), ``fingerprint`` (what makes two documents comparable) and
``project`` (what was measured).

``settings.value`` is the user's ``[value]`` configuration as written (free-form: its schema is
the config's, ``bakeoff.config.value``, which this foundation cannot import), kept as JSON.
"""

from __future__ import annotations

from pydantic import Field, JsonValue

from bakeoff.results.base import Model


class PrimaryEntry(Model):
    """One decision of the primary family: a surface, the measurement that decides it and the
    candidate it decides for."""

    surface: str
    contestant: str
    suite: str
    case: str
    metric: str


class PrimaryPlan(Model):
    """The primary family, declared before the first measurement (``bakeoff.plan.primary``)."""

    baseline: str
    alpha: float
    threshold: float
    family: list[PrimaryEntry] = Field(default_factory=list)
    endpoints: dict[str, str] = Field(default_factory=dict)  # surface -> its endpoint, in words


class ProjectIdentity(Model):
    """The project a run measured: package name (or folder name) and folder."""

    name: str
    path: str = ""


class Settings(Model):
    """What the run was asked to do. Analysis fills ``baseline`` and ``threshold`` (a re-analysis
    with another baseline rewrites them)."""

    baseline: str | None = None
    threshold: float | None = None
    precision: float | None = None
    min_runs: int | None = None
    max_runs: int | None = None
    warmups: int | None = None
    budget_s: float | None = None
    # where the budget's clock started: "the first suite", or "the command's start
    # (preparation included)" (a quick run's default budget)
    budget_counts_from: str | None = None
    timeout_s: float | None = None
    runtimes: list[str] = Field(default_factory=list)
    aa: bool = False
    quick: bool = False
    # the [value] configuration the dollars were priced with (free-form JSON: the config's
    # own schema); re-rendering uses it, not the current folder's bakeoff.toml
    value: dict[str, JsonValue] | None = None
    primary: PrimaryPlan | None = None
    project: ProjectIdentity | None = None


class NoiseSnapshot(Model):
    """A cheap, read-only reading of how busy the machine was."""

    load_avg: list[float] = Field(default_factory=list)  # 1, 5 and 15 minutes
    cpu_freq_mhz: float | None = None
    cpu_times: dict[str, float] = Field(default_factory=dict)  # user, system, idle, steal ...


class Environment(Model):
    """The machine and OS a run measured on, and the noise readings around it."""

    hostname_sha256: str | None = None
    cpu_model: str | None = None
    cores_logical: int | None = None
    cores_physical: int | None = None
    memory_gb: float | None = None
    os: str | None = None
    os_release: str | None = None
    kernel: str | None = None
    arch: str | None = None
    python: str | None = None
    bakeoff_version: str | None = None
    governor: str | None = None
    virtualization: str | None = None
    avx2: bool | None = None
    noise_before: NoiseSnapshot | None = None
    noise_after: NoiseSnapshot | None = None
    steal_fraction: float | None = None
    launcher_floor_kb: int | None = None  # RSS of the spawning process (peak RSS floor)


class MachineFingerprint(Model):
    cpu_model: str | None = None
    cores_logical: int | None = None
    memory_gb: float | None = None
    hostname_sha256: str | None = None
    arch: str | None = None
    virtualization: str | None = None


class RuntimeFingerprint(Model):
    runtime: str
    version: str
    sha256: str


class Fingerprint(Model):
    """What two documents must share to be compared (``bakeoff.results.fingerprint``)."""

    machine: MachineFingerprint = Field(default_factory=MachineFingerprint)
    os: str | None = None
    kernel: str | None = None
    runtimes: dict[str, RuntimeFingerprint] = Field(default_factory=dict)
    bakeoff_version: str | None = None
    config_hash: str | None = None
    # a merged document: machine label -> machine id (its machines keep their own fingerprints)
    machines: dict[str, str] = Field(default_factory=dict)


class ProjectInfo(Model):
    """What a ``bakeoff run`` evaluated (``doc.project``): its package name (else the folder's)
    and version; on a cluster also the shipped sources' hash and file count."""

    name: str | None = None
    version: str | None = None
    sources_sha256: str | None = None
    files: int | None = None
