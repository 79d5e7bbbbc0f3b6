"""Commands that measure: ``demo``, ``startup`` and ``run``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from bakeoff import config, projectrun
from bakeoff.cli.app import cli, err
from bakeoff.cli.common import _execute, _load_config, _settings, config_option, measure_options
from bakeoff.errors import ConfigError, UsageError
from bakeoff.session import Options
from bakeoff.suites import catalog
from bakeoff.suites.startup import (
    BUILTIN_CASES,
    DEFAULT_CASES,
    StartupCase,
    StartupSuite,
    user_case,
)

DEMO_RUNTIMES = ("node@lts", "bun@latest", "deno@latest")


@cli.command()
@click.option("--quick", is_flag=True, help="Fewer cases, runs and shorter load phases.")
@click.option(
    "--suite",
    "suite_names",
    metavar="LIST",
    help=f"Comma-separated suites to run (default: all of {', '.join(catalog.NAMES)}).",
)
@measure_options
def demo(quick: bool, suite_names: str | None, **kw: Any) -> None:
    """Evaluate the bundled sample project (provisions node@lts, bun@latest, deno@latest)."""
    s = _settings(config.Config(), kw, quick)
    opts = Options(
        runtimes=list(kw["runtimes"] or DEMO_RUNTIMES),
        suites=catalog.demo_suites(catalog.parse_names(suite_names), quick),
        quick=quick,
        project=projectrun.identity(catalog.sample_project()),
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
    "--suite",
    "suites",
    metavar="LIST",
    help="Comma-separated suites to run (default: every suite bakeoff.toml configures).",
)
@click.option("--quick", is_flag=True, help="Fewer runs.")
@click.option(
    "--cluster",
    metavar="ADDRESS",
    help="Dask scheduler (tcp://host:8786): run one evaluation per --machines label on the "
    "workers that advertise it (needs bakeoff[cluster]).",
)
@click.option(
    "--machines",
    metavar="LIST",
    help="Comma-separated machine labels (Dask worker resources) for --cluster.",
)
@click.option(
    "--machine-timeout",
    metavar="DURATION",
    default="2h",
    show_default=True,
    help="With --cluster: a machine still running after this is recorded as failed.",
)
@measure_options
def run(
    config_path: Path | None,
    suites: str | None,
    quick: bool,
    cluster: str | None,
    machines: str | None,
    machine_timeout: str,
    **kw: Any,
) -> None:
    """Run the suites enabled in bakeoff.toml (on this machine, or one per machine of a fleet)."""
    path = config_path or config.find(Path.cwd())
    if path is None:
        raise ConfigError(
            "no bakeoff.toml here or in any parent folder",
            "write one (see the README), or use `bakeoff startup`",
        )
    cfg = config.load(path)
    wanted = catalog.parse_names(suites)
    s = _settings(cfg, kw, quick)
    if kw["out_dir"] == Path("bakeoff-results") and cfg.bakeoff.out != "bakeoff-results":
        kw["out_dir"] = Path(cfg.bakeoff.out)
    if cluster or machines:
        from bakeoff.cli import cluster as cluster_cli

        cluster_cli.run_fleet(path, cfg, wanted, s, quick, cluster, machines, machine_timeout, kw)
        return

    def note(text: str) -> None:
        err.print(f"[dim]{escape(text)}[/]")

    runtimes = list(kw["runtimes"] or cfg.bakeoff.runtimes)
    with projectrun.options(path, cfg, wanted, s, runtimes, quick, note) as opts:
        _execute(opts, kw)
