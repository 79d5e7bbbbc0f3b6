"""Which suites exist, and how each is built from ``bakeoff.toml`` (``bakeoff run``) or for the
bundled sample project (``bakeoff demo``). The one place that knows every suite."""

from __future__ import annotations

from collections.abc import Collection
from importlib import resources
from pathlib import Path

from bakeoff import config
from bakeoff.errors import ConfigError, UsageError
from bakeoff.suites.base import Suite
from bakeoff.suites.serve import ServeSuite, sample_spec, spec_from_config
from bakeoff.suites.startup import (
    BUILTIN_CASES,
    DEFAULT_CASES,
    QUICK_CASES,
    StartupCase,
    StartupSuite,
    user_case,
)

NAMES = ("startup", "serve")


def sample_project() -> Path:
    """The bundled sample project's folder."""
    return Path(str(resources.files("bakeoff") / "sample" / "project"))


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
        suites.append(ServeSuite(sample_spec(sample_project(), quick)))
    return suites


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
            suites.append(ServeSuite(spec_from_config(cfg.serve, path, quick)))
    return suites, skipped


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
