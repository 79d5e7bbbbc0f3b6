"""The ``[value]`` section's schema: usage keys (traffic, deployment, CI, team, migration),
price overrides and machine prices. Part of the configuration; ``bakeoff.value`` resolves presets
and computes the cost lines from it."""

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
