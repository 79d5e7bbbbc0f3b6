"""``bakeoff compat``: the compatibility suite alone (probes, packages, project scan, packaging)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from bakeoff.cli.app import cli
from bakeoff.cli.common import config_option, measure_options

DEFAULT_RUNTIMES = ("node@lts", "bun@latest", "deno@latest")


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--quick", is_flag=True, help="A cross-section of probe areas; no package installs.")
@click.option(
    "--area", "areas", multiple=True, metavar="AREA", help="Probe area(s) to run (repeatable)."
)
@click.option("--no-packages", is_flag=True, help="Skip the package smoke tests (no npm install).")
@click.option("--no-packaging", is_flag=True, help="Skip single-file executable builds.")
@click.option(
    "--cli-entry", type=click.Path(path_type=Path), help="Script to package (relative to PATH)."
)
@config_option("bakeoff.toml to read.")
@measure_options
def compat(
    path: Path | None,
    quick: bool,
    areas: tuple[str, ...],
    no_packages: bool,
    no_packaging: bool,
    cli_entry: Path | None,
    config_path: Path | None,
    **kw: Any,
) -> None:
    """Check compatibility: Node API probes, package smoke tests, a static scan of PATH
    (default: the bundled sample project) and single-file packaging.

    \b
    bakeoff compat -r node@lts -r bun@latest -r deno@latest
    bakeoff compat -r node@24 -r bun@1.4 ./my-service --cli-entry bin/cli.js
    """
    from bakeoff import config
    from bakeoff.cli.common import _execute, _load_config, _settings
    from bakeoff.compat.probes import all_areas
    from bakeoff.errors import UsageError
    from bakeoff.session import Options
    from bakeoff.suites.compat import CompatSuite

    if config_path is not None:
        cfg = _load_config(config_path)
    elif path is None:
        cfg = _load_config(None)
    elif (path / config.CONFIG_NAME).is_file():
        cfg = config.load(path / config.CONFIG_NAME)
    else:
        cfg = config.Config()
    s = _settings(cfg, kw, quick)
    if path is None:
        suite = CompatSuite.for_demo(quick)
    else:
        if not path.is_dir():
            raise UsageError(f"project folder not found: {path}")
        entry = (path / cli_entry) if cli_entry else None
        if entry is not None and not entry.is_file():
            raise UsageError(f"--cli-entry not found: {entry}")
        suite = CompatSuite.from_config(cfg.compat, path, quick)
        if entry is not None:
            suite.cli_entry = entry
    if areas:
        unknown = sorted(set(areas) - set(all_areas()))
        if unknown:
            raise UsageError(
                f"unknown area(s): {', '.join(unknown)}; known: {', '.join(all_areas())}"
            )
        suite.areas = list(areas)
    if no_packages:
        suite.packages = []
    if no_packaging:
        suite.cli_entry = None
    suite.offline = bool(kw.get("offline"))
    opts = Options(
        runtimes=list(kw["runtimes"] or DEFAULT_RUNTIMES), suites=[suite], quick=quick, **s
    )
    _execute(opts, kw)
