"""Commands that measure: ``demo``, ``startup`` and ``run``."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from bakeoff import config
from bakeoff.cli.app import cli, err
from bakeoff.cli.common import _execute, _load_config, _settings, config_option, measure_options
from bakeoff.errors import ConfigError, UsageError
from bakeoff.project import prepare
from bakeoff.results import Failure
from bakeoff.runtimes.provision import Provisioner
from bakeoff.session import Options
from bakeoff.suites import catalog
from bakeoff.suites.serve import ServeSuite
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
@measure_options
def run(config_path: Path | None, suites: str | None, quick: bool, **kw: Any) -> None:
    """Run the suites enabled in bakeoff.toml."""
    path = config_path or config.find(Path.cwd())
    if path is None:
        raise ConfigError(
            "no bakeoff.toml here or in any parent folder",
            "write one (see the README), or use `bakeoff startup`",
        )
    cfg = config.load(path)
    wanted = catalog.parse_names(suites)
    s = _settings(cfg, kw, quick)
    with tempfile.TemporaryDirectory(prefix="bakeoff-project-") as tmp:
        build = list(cfg.serve.build) if cfg.serve and cfg.serve.enabled else []
        build = build if any(n in wanted for n in ("serve", "startup")) else []
        copy: Path | None = None
        if prepare.needs_install(path.parent) and wanted != ["startup"]:
            err.print(
                "[dim]the project has dependencies but no node_modules: installing them into a "
                "working copy (untimed; your project is not modified)[/]"
            )
            copy, how = prepare.working_copy(path.parent, Path(tmp) / "project", Provisioner())
            err.print(f"[dim]installed with {escape(how)} in {escape(str(copy))}[/]")
        elif build:
            copy = prepare.linked_copy(path.parent, Path(tmp) / "project")
        setup_failure: Failure | None = None
        if copy is not None and build:
            try:
                ran = prepare.run_scripts(copy, build, Provisioner())
                err.print(f"[dim]built the service with {escape(', '.join(ran))} (untimed)[/]")
            except prepare.StepFailed as exc:
                setup_failure = exc.failure("serve.build: ")
                err.print(f"[red]the service's build failed: {escape(exc.message)}[/]")
        if copy is not None:
            path = copy / path.name
        chosen, skipped = catalog.from_config(cfg, path, wanted, quick)
        for suite in chosen:
            if isinstance(suite, ServeSuite):
                suite.setup_failure = setup_failure
        for why in skipped:
            err.print(f"[dim]skipped {escape(why)}[/]")
        if not chosen:
            raise ConfigError(f"{path}: no suite to run", "; ".join(skipped) or None)
        opts = Options(
            runtimes=list(kw["runtimes"] or cfg.bakeoff.runtimes),
            suites=chosen,
            quick=quick,
            **s,
        )
        if kw["out_dir"] == Path("bakeoff-results") and cfg.bakeoff.out != "bakeoff-results":
            kw["out_dir"] = Path(cfg.bakeoff.out)
        _execute(opts, kw)
