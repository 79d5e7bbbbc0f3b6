"""``bakeoff demo``: the whole evaluation on the bundled sample project."""

from __future__ import annotations

from typing import Any

import click

from bakeoff.cli.app import cli
from bakeoff.cli.common import measure_options
from bakeoff.suites.names import NAMES

DEMO_RUNTIMES = ("node@lts", "bun@latest", "deno@latest")


@cli.command()
@click.option("--quick", is_flag=True, help="Fewer cases, runs and shorter load phases.")
@click.option(
    "--suite",
    "suite_names",
    metavar="LIST",
    help=f"Comma-separated suites to run (default: all of {', '.join(NAMES)}).",
)
@measure_options
def demo(quick: bool, suite_names: str | None, **kw: Any) -> None:
    """Evaluate the bundled sample project (provisions node@lts, bun@latest, deno@latest)."""
    from bakeoff import config, projectrun
    from bakeoff.cli.common import _execute, _settings
    from bakeoff.session import Options
    from bakeoff.suites import catalog

    s = _settings(config.Config(), kw, quick)
    opts = Options(
        runtimes=list(kw["runtimes"] or DEMO_RUNTIMES),
        suites=catalog.demo_suites(catalog.parse_names(suite_names), quick),
        quick=quick,
        project=projectrun.identity(catalog.sample_project()),
        **s,
    )
    _execute(opts, kw, project=catalog.sample_project())
