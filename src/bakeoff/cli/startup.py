"""``bakeoff startup``: start-up time, hyperfine-style, on built-in cases or your script."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from bakeoff.cli.app import cli
from bakeoff.cli.common import config_option, measure_options
from bakeoff.suites.startup_cases import BUILTIN_CASES, DEFAULT_CASES, StartupCase, user_case


@cli.command(context_settings={"ignore_unknown_options": True})
@click.option(
    "--case",
    "cases",
    multiple=True,
    type=click.Choice(list(BUILTIN_CASES)),
    help="Built-in case(s) to run instead of the defaults (repeatable).",
)
@click.option("--cold", is_flag=True, help="Empty runtime caches before every sample of SCRIPT.")
@config_option()
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
    from bakeoff.cli.common import _execute, _load_config, _settings
    from bakeoff.errors import UsageError
    from bakeoff.session import Options
    from bakeoff.suites.startup import StartupSuite

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
