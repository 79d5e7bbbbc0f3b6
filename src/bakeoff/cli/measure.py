"""Commands that measure: ``demo``, ``startup`` and ``run``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from bakeoff import config
from bakeoff.cli.app import cli
from bakeoff.cli.common import _execute, _load_config, _settings, measure_options
from bakeoff.errors import ConfigError, UsageError
from bakeoff.session import Options
from bakeoff.suites.startup import (
    BUILTIN_CASES,
    DEFAULT_CASES,
    QUICK_CASES,
    StartupCase,
    StartupSuite,
    user_case,
)

DEMO_RUNTIMES = ("node@lts", "bun@latest", "deno@latest")


@cli.command()
@click.option("--quick", is_flag=True, help="Fewer cases and runs: about a minute.")
@measure_options
def demo(quick: bool, **kw: Any) -> None:
    """Evaluate the bundled sample project (provisions node@lts, bun@latest, deno@latest)."""
    s = _settings(config.Config(), kw, quick)
    cases = QUICK_CASES if quick else DEFAULT_CASES
    opts = Options(
        runtimes=list(kw["runtimes"] or DEMO_RUNTIMES),
        suites=[StartupSuite([BUILTIN_CASES[c] for c in cases])],
        quick=quick,
        **s,
    )
    _execute(opts, kw)


@cli.command(context_settings={"ignore_unknown_options": True})
@click.option(
    "--case",
    "cases",
    multiple=True,
    type=click.Choice(list(BUILTIN_CASES)),
    help="Built-in case(s) to run instead of the defaults (repeatable).",
)
@click.option("--cold", is_flag=True, help="Empty runtime caches before every sample of SCRIPT.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, exists=True),
    help="bakeoff.toml to read (default: the nearest one).",
)
@measure_options
@click.argument("script_and_args", nargs=-1, type=click.UNPROCESSED)
def startup(
    cases: tuple[str, ...],
    cold: bool,
    config_path: Path | None,
    script_and_args: tuple[str, ...],
    **kw: Any,
) -> None:
    """Compare start-up time, hyperfine-style.

    \b
    bakeoff startup -r node@24 -r bun@latest -r deno@2 -- app.js --flag
    bakeoff startup -r node@lts -r bun@latest --case hello --case imports:cold
    """
    cfg = _load_config(config_path)
    s = _settings(cfg, kw)
    chosen: list[StartupCase] = [BUILTIN_CASES[c] for c in cases]
    if script_and_args:
        script, *args = script_and_args
        if not Path(script).is_file():
            raise UsageError(f"script not found: {script}")
        chosen.append(user_case(Path(script).name, script, args, cache="cold" if cold else None))
    if not chosen:
        chosen = [BUILTIN_CASES[c] for c in (cfg.startup.cases or DEFAULT_CASES)]
        chosen += [
            user_case(sc.name, sc.script, sc.args, cache=sc.cache) for sc in cfg.startup.scripts
        ]
    opts = Options(
        runtimes=list(kw["runtimes"] or cfg.bakeoff.runtimes), suites=[StartupSuite(chosen)], **s
    )
    _execute(opts, kw)


@cli.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="bakeoff.toml to read (default: the nearest one).",
)
@click.option(
    "--suite", "suites", default="startup", show_default=True, help="Comma-separated suites to run."
)
@click.option("--quick", is_flag=True, help="Fewer runs.")
@measure_options
def run(config_path: Path | None, suites: str, quick: bool, **kw: Any) -> None:
    """Run the suites enabled in bakeoff.toml."""
    path = config_path or config.find(Path.cwd())
    if path is None:
        raise ConfigError(
            "no bakeoff.toml here or in any parent folder",
            "write one (see the README), or use `bakeoff startup`",
        )
    cfg = config.load(path)
    wanted = {x.strip() for x in suites.split(",") if x.strip()}
    unknown = wanted - {"startup"}
    if unknown:
        raise UsageError(f"unknown suite(s): {', '.join(sorted(unknown))} (available: startup)")
    s = _settings(cfg, kw, quick)
    base = path.parent
    cases: list[StartupCase] = []
    if "startup" in wanted and cfg.startup.enabled:
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
            user_case(sc.name, str(base / sc.script), sc.args, cache=sc.cache)
            for sc in cfg.startup.scripts
        ]
    opts = Options(
        runtimes=list(kw["runtimes"] or cfg.bakeoff.runtimes),
        suites=[StartupSuite(cases)] if cases else [],
        quick=quick,
        **s,
    )
    _execute(opts, kw)
