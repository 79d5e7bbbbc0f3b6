"""``bakeoff.toml``: the schema, defaults and validation — all of it before anything is
measured, so an accepted file cannot fail halfway through a run.

Every error is one line that names the file and the field (``measure.precision``), what was
expected and what was found. Unknown keys are errors too (a typo must not silently fall back to
a default). Numbers are strict: no booleans as numbers (``port = true`` is not port 1), no
``nan``/``inf``, and every count, duration and rate has a range that can actually run. Strings
that reach a process (commands, paths, environment) are checked the way the OS will check them
(no NUL bytes, ``=`` in environment names, unbalanced quotes), and ``[value.prices]`` is
priced once at load time.
"""

from __future__ import annotations

import json
import math
import re
import shlex
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bakeoff.config.value import ValueConfig
from bakeoff.errors import BakeoffError, ConfigError
from bakeoff.limits import (  # shared with the CLI, which must not load pydantic
    MAX_DEPTH,
    MAX_DURATION_S,
    MAX_FILE_BYTES,
    MAX_ITEMS,
    MAX_PRICE_NUMBER,
    MAX_RATE,
    MAX_REPS,
    MAX_RUNS,
    MAX_TOTAL_WEIGHT,
    MAX_WEIGHT,
    MIN_DURATION_S,
)

CONFIG_NAME = "bakeoff.toml"
DEFAULT_RUNTIMES = ["node@lts", "bun@latest", "deno@latest"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, None: 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}
_DURATION_HELP = "expected a duration like 90, '90s', '5m' or '1h'"
_URL_PATH = r"^/[^\s\x00-\x1f\x7f]*$"  # what an HTTP request line can carry
_ENV_NAME = r"^[^=\x00]+$"
_HEADER_NAME = r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"
_VAR_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
_CONTESTANT = r"^(node|bun|deno)(@[0-9A-Za-z.+-]+)?'*$"


def parse_duration(value: Any) -> float:
    """Seconds from ``90``, ``"90s"``, ``"5m"``, ``"1.5h"``, ``"500ms"``; between 1 ms and a
    week (a longer timer cannot be armed everywhere, and nothing bakeoff runs needs one)."""
    if isinstance(value, bool):
        raise ValueError(_DURATION_HELP)
    if isinstance(value, int | float):
        seconds = float(value)
        if not math.isfinite(seconds) or seconds <= 0:
            raise ValueError("expected a positive, finite duration")
    elif isinstance(value, str) and (m := _DURATION.match(value)):
        seconds = float(m.group(1)) * _UNITS[m.group(2)]
    else:
        raise ValueError(_DURATION_HELP)
    if not MIN_DURATION_S <= seconds <= MAX_DURATION_S:
        raise ValueError("expected a duration between 1 ms and 7 days")
    return seconds


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


def parse_rate(value: Any) -> float:
    """A request rate in req/s: a positive, finite number up to ``MAX_RATE``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("expected a rate in requests per second, like 500")
    rate = float(value)
    if not math.isfinite(rate) or not 0 < rate <= MAX_RATE:
        raise ValueError(f"expected a rate above 0 and at most {MAX_RATE:,.0f} req/s")
    return rate


def _optional_duration(value: Any) -> Any:
    return None if value is False else parse_duration(value)


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("contains a NUL byte")
    return value


def _command(value: str) -> str:
    try:
        argv = shlex.split(value)
    except ValueError as exc:
        raise ValueError(f"cannot be split into arguments: {exc}") from None
    if not argv:
        raise ValueError("is empty")
    return value


def _runtime_spec(value: str) -> str:
    from bakeoff.runtimes.spec import parse_spec

    try:
        parse_spec(value)
    except BakeoffError as exc:
        raise ValueError(exc.message) from None
    return value


Duration = Annotated[float, BeforeValidator(parse_duration)]
Fraction = Annotated[float, BeforeValidator(parse_fraction)]
Rate = Annotated[float, BeforeValidator(parse_rate)]
Text = Annotated[str, AfterValidator(_no_nul)]
NonEmpty = Annotated[str, Field(min_length=1), AfterValidator(_no_nul)]
UrlPath = Annotated[str, Field(pattern=_URL_PATH, max_length=8000)]
Spec = Annotated[str, AfterValidator(_runtime_spec)]
Runs = Annotated[int, Field(ge=2, le=MAX_RUNS)]
Reps = Annotated[int, Field(ge=2, le=MAX_REPS)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class GeneralConfig(_Strict):
    runtimes: list[Spec] = Field(
        default_factory=lambda: list(DEFAULT_RUNTIMES), min_length=1, max_length=32
    )
    baseline: NonEmpty | None = None
    out: NonEmpty = "bakeoff-results"
    # the baseline toolchain's package manager, e.g. "pnpm@10.8.1" (default: package.json
    # "packageManager", else the lockfile's manager, else npm)
    package_manager: str | None = Field(
        default=None, pattern=r"^(npm|pnpm|yarn|bun)(@[0-9A-Za-z.+~^<>=*|-]+)?$"
    )


class MeasureConfig(_Strict):
    precision: Fraction = 0.02
    min_runs: Runs = 10
    max_runs: Runs = 60
    warmups: int = Field(default=1, ge=0, le=MAX_REPS)
    budget: Duration | None = None
    timeout: Duration = 30.0
    threshold: Fraction = 0.02
    seed: int | None = Field(default=None, ge=0, le=2**63 - 1)


class ScriptConfig(_Strict):
    name: NonEmpty
    script: NonEmpty
    args: list[Text] = Field(default_factory=list)
    cache: Literal["cold", "warm"] | None = None


class StartupConfig(_Strict):
    enabled: bool = True
    cases: list[str] | None = None  # None: the built-in defaults
    scripts: list[ScriptConfig] = Field(default_factory=list)


class RequestConfig(_Strict):
    path: UrlPath
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] = "GET"
    weight: int = Field(default=1, ge=0, le=MAX_WEIGHT)
    headers: dict[Annotated[str, Field(pattern=_HEADER_NAME)], str] = Field(default_factory=dict)
    body: Text | None = None
    json_body: Any = Field(default=None, alias="json")
    name: Text = ""
    expect_status: int | None = Field(default=None, ge=100, le=599)

    @field_validator("headers")
    @classmethod
    def _header_values(cls, value: dict[str, str]) -> dict[str, str]:
        for name, text in value.items():
            if re.search(r"[\x00-\x08\x0a-\x1f\x7f]", text):
                raise ValueError(f"header {name!r} has a line break or control character")
        return value

    @field_validator("json_body")
    @classmethod
    def _json(cls, value: Any) -> Any:
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            raise ValueError("expected strings, numbers, booleans, arrays and tables") from None
        return value

    @model_validator(mode="after")
    def _one_body(self) -> RequestConfig:
        if self.body is not None and self.json_body is not None:
            raise ValueError("give `body` or `json`, not both")
        return self


class ReadinessConfig(_Strict):
    kind: Literal["http", "tcp"] = "http"
    path: UrlPath = "/health"


class ServeConfig(_Strict):
    enabled: bool = True
    entry: NonEmpty | None = None  # a script run as `<runtime> ENTRY` (deno: `deno run -A ENTRY`)
    # or a template: {run}, {runtime}, {port}
    command: Annotated[NonEmpty, AfterValidator(_command)] | None = None
    args: list[Text] = Field(default_factory=list, max_length=MAX_ITEMS)  # "{port}": the port
    # Node flags from the project's start script (--import tsx, -r dotenv/config); Bun and Deno
    # get the equivalents they have, the rest are dropped and listed in the results
    node_flags: list[Text] = Field(default_factory=list, max_length=MAX_ITEMS)
    # package.json scripts run once (untimed, the project's package manager on Node) in the
    # working copy before the service starts, e.g. the build that writes the entry
    build: list[NonEmpty] = Field(default_factory=list, max_length=MAX_ITEMS)
    cwd: NonEmpty = "."
    env: dict[Annotated[str, Field(pattern=_ENV_NAME)], Text] = Field(default_factory=dict)
    port: int | None = Field(default=None, ge=1, le=65535)
    port_env: Annotated[str, Field(pattern=_VAR_NAME)] = "PORT"
    readiness: ReadinessConfig = Field(default_factory=ReadinessConfig)
    requests: list[RequestConfig] = Field(default_factory=list, max_length=100)
    k6_script: NonEmpty | None = None  # your own k6 script (default function) instead of requests
    compare: Literal["body", "shape", "status"] = "body"
    rates: list[Rate] | None = Field(default=None, min_length=1, max_length=20)
    ladder: list[Fraction] = Field(
        default_factory=lambda: [0.25, 0.5, 0.75], min_length=1, max_length=20
    )
    reps: int = Field(
        default=6, ge=1, le=MAX_REPS
    )  # most load repetitions (they stop once settled)
    ready_samples: int = Field(default=10, ge=2, le=MAX_REPS)
    phase: Duration = 5.0
    warmup: Duration = 2.0
    # false: skip the saturation step
    saturation: Annotated[float | None, BeforeValidator(_optional_duration)] = 3.0
    connections: int = Field(default=64, ge=1, le=10_000)
    ready_timeout: Duration = 30.0
    pin: bool = False

    @field_validator("requests")
    @classmethod
    def _weights(cls, value: list[RequestConfig]) -> list[RequestConfig]:
        total = sum(r.weight for r in value)
        if value and total == 0:
            raise ValueError("every request has weight 0: at least one needs a weight above 0")
        if total > MAX_TOTAL_WEIGHT:
            raise ValueError(f"the weights add up to {total}: at most {MAX_TOTAL_WEIGHT}")
        return value


class ToolchainConfig(_Strict):
    name: NonEmpty
    # a contestant name or family: node, bun, deno (or node@24.1.0 when node runs twice)
    runtime: Annotated[str, Field(pattern=_CONTESTANT)]
    manager: Literal["npm", "pnpm", "yarn", "bun", "deno"] | None = None
    test_runner: Literal["node", "bun", "deno", "jest", "vitest", "mocha", "ava"] | None = None
    bundler: Literal["esbuild", "bun", "deno", "none"] | None = None


InstallState = Literal["cold", "cold-lockfile", "warm-cache"]


def _all_states() -> list[InstallState]:
    return ["cold", "cold-lockfile", "warm-cache"]


class InstallConfig(_Strict):
    enabled: bool = True
    states: list[InstallState] = Field(default_factory=_all_states, min_length=1)
    reps: Reps = 8  # most repetitions of the deciding state
    managers: list[Literal["npm", "pnpm", "yarn", "bun", "deno"]] = Field(default_factory=list)


class TestConfig(_Strict):
    enabled: bool = True
    runner: Literal["jest", "vitest", "mocha", "ava"] | None = None  # the project's runner
    # the project's test command (default: package.json "scripts.test"), e.g.
    # "node --experimental-strip-types --test src/*.test.ts"; each runner runs its files
    command: NonEmpty | None = None
    reps: Reps = 10  # most repetitions (they stop once settled)


class BuildConfig(_Strict):
    enabled: bool = True
    entry: NonEmpty | None = None  # bundled by each toolchain's bundler
    args: list[Text] = Field(default_factory=list)  # for the smoke run of the bundle
    # or the project's own build: a package.json script each toolchain runs (npm/pnpm/yarn run
    # on Node, `bun --bun run` on Bun)
    script: NonEmpty | None = None
    reps: Reps = 10  # most repetitions (they stop once settled)

    @model_validator(mode="after")
    def _one_of(self) -> BuildConfig:
        if (self.entry is None) == (self.script is None):
            raise ValueError(
                "expected build.entry (a file to bundle) or build.script (a package.json script)"
            )
        return self


class CIConfig(_Strict):
    enabled: bool = True
    reps: Reps = 3


class CompatConfig(_Strict):
    """``[compat]``: the compatibility suite (probe areas, package smoke tests, packaging)."""

    enabled: bool = True
    areas: list[str] | None = None  # None: every probe area
    packages: bool = True  # install and smoke-test the common packages (needs npm registry)
    cli_entry: NonEmpty | None = None  # script to package as a single-file executable
    cli_args: list[Text] = Field(default_factory=list)
    native: bool = True  # classify and load the project's own .node addons under each runtime

    @field_validator("areas")
    @classmethod
    def _known_areas(cls, value: list[str] | None) -> list[str] | None:
        from bakeoff.probes import all_areas

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


_PATTERNS = {
    _URL_PATH: "expected a path starting with '/' without spaces or control characters",
    _ENV_NAME: "an environment variable name cannot be empty or contain '=' or a NUL byte",
    _HEADER_NAME: "expected an HTTP header name (letters, digits and -!#$%&'*+.^_`|~)",
    _VAR_NAME: "expected an environment variable name like PORT",
    _CONTESTANT: "expected a contestant: node, bun, deno (or node@24.1.0 when node runs twice)",
}


def _shape(value: Any, where: str, depth: int = 0) -> tuple[str, str] | None:
    """The first structural problem of the raw TOML data (too deep, too many entries, a NUL
    byte) as ``(where, what)``; these would otherwise fail deep inside the validator or an OS
    call."""
    if depth > MAX_DEPTH:
        return where, f"nested more than {MAX_DEPTH} levels deep"
    if isinstance(value, str):
        return (where, "contains a NUL byte") if "\x00" in value else None
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS:
            return where, f"has more than {MAX_ITEMS} entries"
        for key, item in value.items():
            at = f"{where}.{_key(key)}" if where else _key(key)
            if "\x00" in key:
                return at, "the key contains a NUL byte"
            if problem := _shape(item, at, depth + 1):
                return problem
    elif isinstance(value, list):
        if len(value) > MAX_ITEMS:
            return where, f"has more than {MAX_ITEMS} entries"
        for i, item in enumerate(value):
            if problem := _shape(item, f"{where}.{i}", depth + 1):
                return problem
    return None


def _message(err: Any) -> str:
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "string_pattern_mismatch":
        pattern = str((err.get("ctx") or {}).get("pattern"))
        msg = _PATTERNS.get(pattern, msg)
    return msg


def _key(part: Any) -> str:
    text = str(part)
    return text if text.isprintable() else repr(text)


def error_text(exc: ValidationError) -> str:
    """``field: what was expected, found X`` for the first error of a validation."""
    err = exc.errors()[0]
    where = ".".join(_key(p) for p in err["loc"]) or "(top level)"
    found = (
        f", found {_describe(err['input'])}" if "input" in err and err["type"] != "missing" else ""
    )
    return f"{where}: {_message(err)}{found}"


def check_url_path(path: str) -> str:
    """``path`` when an HTTP request line can carry it, else ``ValueError``."""
    if not re.fullmatch(_URL_PATH, path) or len(path) > 8000:
        raise ValueError(_PATTERNS[_URL_PATH])
    return path


def validate(data: dict[str, Any], source: str = CONFIG_NAME) -> Config:
    """The checked configuration, or ``ConfigError`` naming ``source`` and the field."""
    problem = _shape(data, "")
    if problem:
        raise ConfigError(f"{source}: {problem[0] or '(top level)'}: {problem[1]}")
    try:
        cfg = Config.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(_key(p) for p in err["loc"]) or "(top level)"
        if err["type"] == "extra_forbidden":
            raise ConfigError(
                f"{source}: unknown key '{where}'",
                "check the spelling; see the README for every key",
            ) from None
        raise ConfigError(f"{source}: {error_text(exc)}") from None
    if cfg.measure.max_runs < cfg.measure.min_runs:
        raise ConfigError(
            f"{source}: measure.max_runs: expected >= measure.min_runs "
            f"({cfg.measure.min_runs}), found {cfg.measure.max_runs}"
        )
    _check_prices(cfg.value.prices, source)
    return cfg


def _check_prices(prices: dict[str, Any], source: str) -> None:
    """Price ``[value.prices]`` now: a bad entry must not surface after the measuring."""
    from bakeoff.config import prices as pricebook

    for key, value in prices.items():
        where = f"{source}: value.prices.{key}"
        try:
            book = pricebook.load({key: value})
        except ConfigError as exc:
            raise ConfigError(exc.message.replace("bakeoff.toml: ", f"{source}: ", 1)) from None
        except (KeyError, TypeError, ValueError, ArithmeticError):
            raise ConfigError(
                f"{where}: expected a number, or a table with amount (or quantity) and "
                f"optional per, unit, source, url and date; found {_describe(value)}"
            ) from None
        entry = book.prices.get(key) or book.free.get(key)
        numbers = (
            [entry.amount, entry.per, entry.up_to, entry.vcpu, entry.memory_gib]
            if isinstance(entry, pricebook.Price)
            else [getattr(entry, "quantity", None)]
        )
        if any(n is not None and n > MAX_PRICE_NUMBER for n in numbers):
            raise ConfigError(f"{where}: a number above {MAX_PRICE_NUMBER:.0e} is not a price")


def load(path: Path) -> Config:
    """Read and validate a bakeoff.toml; every failure is a one-line ``ConfigError``."""
    try:
        if path.is_dir():
            raise ConfigError(f"{path}: is a folder, not a bakeoff.toml file")
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(
            f"config file not found: {path}", "run `bakeoff init` to write one"
        ) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read it: {getattr(exc, 'strerror', exc)}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError(f"{path}: over {MAX_FILE_BYTES >> 20} MB: not a bakeoff.toml")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte {exc.start} cannot be decoded); "
            "bakeoff.toml must be UTF-8"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be a bakeoff.toml") from None
    return validate(data, str(path))


def find(start: Path) -> Path | None:
    """The nearest bakeoff.toml in ``start`` or its parents."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None
