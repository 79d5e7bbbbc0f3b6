"""``bakeoff.toml``: the schema, defaults and validation.

Every error names the field (``measure.precision``), what was expected and what was found.
Unknown keys are errors too (a typo must not silently fall back to a default).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bakeoff.errors import ConfigError
from bakeoff.value.usage import ValueConfig

CONFIG_NAME = "bakeoff.toml"
DEFAULT_RUNTIMES = ["node@lts", "bun@latest", "deno@latest"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, None: 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}


def parse_duration(value: Any) -> float:
    """Seconds from ``90``, ``"90s"``, ``"5m"``, ``"1.5h"``, ``"500ms"``."""
    if isinstance(value, bool):
        raise ValueError("expected a duration like 90, '90s', '5m' or '1h'")
    if isinstance(value, int | float):
        if value <= 0:
            raise ValueError("expected a positive duration")
        return float(value)
    if isinstance(value, str):
        m = _DURATION.match(value)
        if m:
            seconds = float(m.group(1)) * _UNITS[m.group(2)]
            if seconds > 0:
                return seconds
    raise ValueError("expected a duration like 90, '90s', '5m' or '1h'")


def parse_fraction(value: Any) -> float:
    """A fraction from ``0.02``, ``"0.02"`` (a command-line value) or ``"2%"``."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            raise ValueError("expected a fraction like 0.02 or a percentage like '2%'") from None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise ValueError("expected a fraction between 0 and 1, like 0.02 or '2%'")
    return float(value)


Duration = Annotated[float, BeforeValidator(parse_duration)]
Fraction = Annotated[float, BeforeValidator(parse_fraction)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GeneralConfig(_Strict):
    runtimes: list[str] = Field(default_factory=lambda: list(DEFAULT_RUNTIMES), min_length=1)
    baseline: str | None = None
    out: str = "bakeoff-results"
    # the baseline toolchain's package manager, e.g. "pnpm@10.8.1" (default: package.json
    # "packageManager", else the lockfile's manager, else npm)
    package_manager: str | None = Field(
        default=None, pattern=r"^(npm|pnpm|yarn|bun)(@[0-9A-Za-z.+~^<>=*|-]+)?$"
    )


class MeasureConfig(_Strict):
    precision: Fraction = 0.02
    min_runs: int = Field(default=10, ge=2)
    max_runs: int = Field(default=60, ge=2)
    warmups: int = Field(default=1, ge=0)
    budget: Duration | None = None
    timeout: Duration = 30.0
    threshold: Fraction = 0.02
    seed: int | None = None


class ScriptConfig(_Strict):
    name: str = Field(min_length=1)
    script: str = Field(min_length=1)
    args: list[str] = Field(default_factory=list)
    cache: Literal["cold", "warm"] | None = None


class StartupConfig(_Strict):
    enabled: bool = True
    cases: list[str] | None = None  # None: the built-in defaults
    scripts: list[ScriptConfig] = Field(default_factory=list)


class RequestConfig(_Strict):
    path: str = Field(min_length=1, pattern=r"^/")
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] = "GET"
    weight: int = Field(default=1, ge=0)
    headers: dict[str, str] = Field(default_factory=dict)
    body: str | None = None
    json_body: Any = Field(default=None, alias="json")
    name: str = ""
    expect_status: int | None = Field(default=None, ge=100, le=599)


class ReadinessConfig(_Strict):
    kind: Literal["http", "tcp"] = "http"
    path: str = Field(default="/health", pattern=r"^/")


class ServeConfig(_Strict):
    enabled: bool = True
    entry: str | None = None  # a script run as `<runtime> ENTRY` (deno: `deno run -A ENTRY`)
    command: str | None = None  # or a template: {run}, {runtime}, {port}
    args: list[str] = Field(default_factory=list)  # after the entry; "{port}" is the port
    # Node flags from the project's start script (--import tsx, -r dotenv/config); Bun and Deno
    # get the equivalents they have, the rest are dropped and listed in the results
    node_flags: list[str] = Field(default_factory=list)
    # package.json scripts run once (untimed, the project's package manager on Node) in the
    # working copy before the service starts, e.g. the build that writes the entry
    build: list[str] = Field(default_factory=list)
    cwd: str = "."
    env: dict[str, str] = Field(default_factory=dict)
    port: int | None = Field(default=None, ge=1, le=65535)
    port_env: str = "PORT"
    readiness: ReadinessConfig = Field(default_factory=ReadinessConfig)
    requests: list[RequestConfig] = Field(default_factory=list)
    k6_script: str | None = None  # your own k6 script (default function) instead of requests
    compare: Literal["body", "shape", "status"] = "body"
    rates: list[float] | None = None
    ladder: list[Fraction] = Field(default_factory=lambda: [0.25, 0.5, 0.75], min_length=1)
    reps: int = Field(default=6, ge=1)  # most load repetitions (they stop once settled)
    ready_samples: int = Field(default=10, ge=2)
    phase: Duration = 5.0
    warmup: Duration = 2.0
    saturation: Duration | None = 3.0  # None/false-y: skip the saturation step
    connections: int = Field(default=64, ge=1)
    ready_timeout: Duration = 30.0
    pin: bool = False


class ToolchainConfig(_Strict):
    name: str = Field(min_length=1)
    runtime: str = Field(min_length=1)  # a contestant name or family: node, bun, deno
    manager: Literal["npm", "pnpm", "yarn", "bun", "deno"] | None = None
    test_runner: Literal["node", "bun", "deno", "jest", "vitest", "mocha"] | None = None
    bundler: Literal["esbuild", "bun", "deno", "none"] | None = None


InstallState = Literal["cold", "cold-lockfile", "warm-cache"]


def _all_states() -> list[InstallState]:
    return ["cold", "cold-lockfile", "warm-cache"]


class InstallConfig(_Strict):
    enabled: bool = True
    states: list[InstallState] = Field(default_factory=_all_states, min_length=1)
    reps: int = Field(default=8, ge=2)  # most repetitions of the deciding state
    managers: list[Literal["npm", "pnpm", "yarn", "bun", "deno"]] = Field(default_factory=list)


class TestConfig(_Strict):
    enabled: bool = True
    runner: Literal["jest", "vitest", "mocha"] | None = None  # the project's runner under Node
    reps: int = Field(default=10, ge=2)  # most repetitions (they stop once settled)


class BuildConfig(_Strict):
    enabled: bool = True
    entry: str | None = Field(default=None, min_length=1)  # bundled by each toolchain's bundler
    args: list[str] = Field(default_factory=list)  # for the smoke run of the bundle
    # or the project's own build: a package.json script each toolchain runs (npm/pnpm/yarn run
    # on Node, `bun --bun run` on Bun)
    script: str | None = Field(default=None, min_length=1)
    reps: int = Field(default=10, ge=2)  # most repetitions (they stop once settled)

    @model_validator(mode="after")
    def _one_of(self) -> BuildConfig:
        if (self.entry is None) == (self.script is None):
            raise ValueError(
                "expected build.entry (a file to bundle) or build.script (a package.json script)"
            )
        return self


class CIConfig(_Strict):
    enabled: bool = True
    reps: int = Field(default=3, ge=2)


class CompatConfig(_Strict):
    """``[compat]``: the compatibility suite (probe areas, package smoke tests, packaging)."""

    enabled: bool = True
    areas: list[str] | None = None  # None: every probe area
    packages: bool = True  # install and smoke-test the common packages (needs npm registry)
    cli_entry: str | None = None  # script to package as a single-file executable
    cli_args: list[str] = Field(default_factory=list)

    @field_validator("areas")
    @classmethod
    def _known_areas(cls, value: list[str] | None) -> list[str] | None:
        from bakeoff.compat.probes import all_areas

        if value is not None:
            unknown = sorted(set(value) - set(all_areas()))
            if unknown:
                raise ValueError(
                    f"unknown probe area(s) {unknown}; known: {', '.join(all_areas())}"
                )
        return value


class Config(_Strict):
    bakeoff: GeneralConfig = Field(default_factory=GeneralConfig)
    measure: MeasureConfig = Field(default_factory=MeasureConfig)
    startup: StartupConfig = Field(default_factory=StartupConfig)
    serve: ServeConfig | None = None
    toolchains: list[ToolchainConfig] = Field(default_factory=list)
    install: InstallConfig | None = None
    test: TestConfig | None = None
    build: BuildConfig | None = None
    ci: CIConfig | None = None
    value: ValueConfig = Field(default_factory=ValueConfig)
    compat: CompatConfig = Field(default_factory=CompatConfig)


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def validate(data: dict[str, Any], source: str = CONFIG_NAME) -> Config:
    try:
        cfg = Config.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            raise ConfigError(
                f"{source}: unknown key '{where}'",
                "check the spelling; see the README for every key",
            ) from None
        found = f", found {_describe(err['input'])}" if "input" in err else ""
        if err["type"] == "missing":
            found = ""
        raise ConfigError(f"{source}: {where}: {msg}{found}") from None
    if cfg.measure.max_runs < cfg.measure.min_runs:
        raise ConfigError(
            f"{source}: measure.max_runs: expected >= measure.min_runs "
            f"({cfg.measure.min_runs}), found {cfg.measure.max_runs}"
        )
    return cfg


def load(path: Path) -> Config:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"config file not found: {path}", "run `bakeoff init` to write one"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return validate(data, str(path))


def find(start: Path) -> Path | None:
    """The nearest bakeoff.toml in ``start`` or its parents."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None
