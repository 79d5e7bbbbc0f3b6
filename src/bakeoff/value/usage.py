"""The usage model, kept apart from prices: how much traffic, which deployment, how much CI and
how many people wait on tools. Presets (small / medium / large) give a first number at once;
``[value]`` in ``bakeoff.toml`` overrides any key. ``commented_block`` writes that block with a
comment on every key (``bakeoff init`` uses it).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Preset = Literal["small", "medium", "large"]
Platform = Literal["lambda", "fargate", "cloud_run", "azure_functions", "container_apps", "ec2"]
PRESETS: tuple[Preset, ...] = ("small", "medium", "large")


class _Strict(BaseModel):
    # strict: no booleans as numbers; no nan/inf (a cost of inf is not a cost)
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class Traffic(_Strict):
    requests_per_month: int = Field(default=50_000_000, ge=0)
    peak_rps: float = Field(default=100.0, ge=0)


class Deployment(_Strict):
    platform: Platform = "fargate"
    arch: Literal["x86", "arm"] = "x86"
    memory_mb: int = Field(default=1024, ge=128, le=122_880)
    vcpu: float = Field(default=0.5, gt=0, le=16)
    instance_type: str = "c7g.large"
    concurrency: int = Field(default=80, ge=1, le=1000)
    min_instances: int = Field(default=2, ge=0)
    cold_start_rate: float = Field(default=0.01, ge=0, le=1)
    target_utilisation: float = Field(default=0.6, gt=0, le=1)
    right_size_memory: bool = False
    memory_headroom: float = Field(default=0.3, ge=0, le=5)
    apply_free_tier: bool = True


class CI(_Strict):
    pipelines_per_month: int = Field(default=600, ge=0)
    jobs_per_pipeline: int = Field(default=2, ge=1)
    job_overhead_s: float = Field(default=20.0, ge=0)
    runner: str = "linux_2core"
    someone_waits: bool = True


class Team(_Strict):
    engineers: int = Field(default=8, ge=0)
    installs_per_day: float = Field(default=2.0, ge=0)
    test_runs_per_day: float = Field(default=15.0, ge=0)
    builds_per_day: float = Field(default=5.0, ge=0)
    working_days_per_month: float = Field(default=21.0, ge=0, le=31)
    hourly_rate: float = Field(default=100.0, ge=0)


class Migration(_Strict):
    hours_per_failing_check: float = Field(default=4.0, ge=0)
    hours_per_failing_test: float = Field(default=1.0, ge=0)
    fixed_hours: float = Field(default=16.0, ge=0)
    hourly_rate: float | None = Field(default=None, ge=0)
    areas: list[str] | None = None
    payback_limit_months: float = Field(default=12.0, gt=0)


class ValueConfig(_Strict):
    """The ``[value]`` section of bakeoff.toml: a preset, usage keys and price overrides."""

    preset: Preset = "medium"
    traffic: Traffic = Field(default_factory=Traffic)
    deployment: Deployment = Field(default_factory=Deployment)
    ci: CI = Field(default_factory=CI)
    team: Team = Field(default_factory=Team)
    migration: Migration = Field(default_factory=Migration)
    prices: dict[str, Any] = Field(default_factory=dict)
    # merged documents: machine label -> instance type or CI runner (bakeoff.value.machines)
    machines: dict[str, str] = Field(default_factory=dict)


PRESET_VALUES: dict[Preset, dict[str, dict[str, Any]]] = {
    "small": {
        "traffic": {"requests_per_month": 2_000_000, "peak_rps": 10.0},
        "deployment": {
            "platform": "lambda",
            "memory_mb": 512,
            "vcpu": 0.25,
            "min_instances": 1,
            "concurrency": 20,
        },
        "ci": {"pipelines_per_month": 150, "jobs_per_pipeline": 1},
        "team": {"engineers": 3, "test_runs_per_day": 10.0},
    },
    "medium": {},
    "large": {
        "traffic": {"requests_per_month": 1_500_000_000, "peak_rps": 2000.0},
        "deployment": {"platform": "ec2", "min_instances": 3, "memory_mb": 2048, "vcpu": 1.0},
        "ci": {"pipelines_per_month": 4000, "jobs_per_pipeline": 4, "runner": "linux_4core"},
        "team": {"engineers": 40, "test_runs_per_day": 20.0},
    },
}

SECTIONS = ("traffic", "deployment", "ci", "team", "migration")


class Usage(_Strict):
    """Resolved usage: the preset's values with the user's keys on top."""

    preset: Preset = "medium"
    traffic: Traffic = Field(default_factory=Traffic)
    deployment: Deployment = Field(default_factory=Deployment)
    ci: CI = Field(default_factory=CI)
    team: Team = Field(default_factory=Team)
    migration: Migration = Field(default_factory=Migration)

    @property
    def migration_rate(self) -> float:
        m = self.migration
        return m.hourly_rate if m.hourly_rate is not None else self.team.hourly_rate


def preset(name: Preset) -> Usage:
    return resolve(ValueConfig(preset=name))


def resolve(cfg: ValueConfig) -> Usage:
    """Apply the preset, then every key the user set explicitly."""
    data: dict[str, Any] = {"preset": cfg.preset}
    base = PRESET_VALUES[cfg.preset]
    for section in SECTIONS:
        model: BaseModel = getattr(cfg, section)
        merged = dict(base.get(section, {}))
        merged.update(model.model_dump(exclude_unset=True))
        data[section] = merged
    return Usage.model_validate(data)


COMMENTS: dict[str, dict[str, str]] = {
    "traffic": {
        "requests_per_month": "requests the service serves in a month",
        "peak_rps": "busiest requests per second; sizes always-on instances",
    },
    "deployment": {
        "platform": "lambda | fargate | cloud_run | azure_functions | container_apps | ec2",
        "arch": "x86 | arm (Lambda and Fargate price them differently)",
        "memory_mb": "configured memory per function/task/instance (billed as configured)",
        "vcpu": "vCPUs per task/instance (fargate, cloud_run, container_apps)",
        "instance_type": "EC2 type when platform = ec2 (c7g.large, m7g.large, m7i.large)",
        "concurrency": "requests one instance serves at once (cloud_run)",
        "min_instances": "instances kept running even when idle (fargate, container_apps, ec2)",
        "cold_start_rate": "share of serverless invocations that cold-start (AWS: under 1%)",
        "target_utilisation": "CPU share you run instances at before adding one (0-1)",
        "right_size_memory": "true: each runtime gets the smallest memory setting that holds "
        "its peak RSS + headroom (lower RSS then saves money)",
        "memory_headroom": "headroom over measured peak RSS when right-sizing (0.3 = 30%)",
        "apply_free_tier": "subtract the platform's monthly free tier",
    },
    "ci": {
        "pipelines_per_month": "CI pipeline runs per month",
        "jobs_per_pipeline": "jobs per pipeline, each rounded up to a whole billed minute",
        "job_overhead_s": "per-job time bakeoff does not measure (checkout, setup)",
        "runner": "GitHub runner: linux_2core | linux_2core_arm | linux_4core | linux_8core",
        "someone_waits": "true when a developer waits for the pipeline to finish",
    },
    "team": {
        "engineers": "engineers who run installs/tests/builds locally",
        "installs_per_day": "local installs per engineer per working day",
        "test_runs_per_day": "local test-suite runs per engineer per working day",
        "builds_per_day": "local builds per engineer per working day",
        "working_days_per_month": "working days in a month",
        "hourly_rate": "value of an engineer hour in USD (time is shown first, value second)",
    },
    "migration": {
        "hours_per_failing_check": "effort to fix one failing compatibility check",
        "hours_per_failing_test": "effort to fix one project test that fails",
        "fixed_hours": "effort any switch takes (CI, images, docs, review)",
        "hourly_rate": "USD per migration hour (default: team.hourly_rate)",
        "areas": "compat areas that count (default: those the compat scan finds in use)",
        "payback_limit_months": "longest payback still worth migrating for",
    },
}


# Keys whose default is "not set": the block shows an example value instead.
EXAMPLES: dict[str, Any] = {"hourly_rate": 120.0, "areas": ["worker_threads", "http"]}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, int):
        return f"{value:_}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def commented_block(name: Preset = "medium") -> str:
    """The ``[value]`` block of bakeoff.toml for preset ``name``, every key with a comment.
    Keys at their preset value are commented out so changing ``preset`` still applies."""
    usage = preset(name)
    out = [
        "# What a result is worth: usage for the cost model (see README, 'Dollars and decisions').",
        f"# preset fills every key below; uncomment a key to override it ({' | '.join(PRESETS)}).",
        "[value]",
        f'preset = "{name}"',
    ]
    for section in SECTIONS:
        out += ["", f"[value.{section}]"]
        model: BaseModel = getattr(usage, section)
        for key, text in COMMENTS[section].items():
            value = getattr(model, key)
            shown = value if value is not None else EXAMPLES[key]
            line = f"{key} = {_toml_value(shown)}"
            out.append(f"# {line:<34}  # {'e.g. ' if value is None else ''}{text}")
    out += [
        "",
        "# Your own prices win over the shipped list prices, e.g.:",
        "[value.prices]",
        '# "aws.lambda.requests" = 0.20                     # USD per 1M requests',
        '# "github.actions.linux_2core" = { amount = 0.006, source = "our invoice", '
        'date = "2026-11-01" }',
    ]
    return "\n".join(out) + "\n"
