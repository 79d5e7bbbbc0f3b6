"""``bakeoff run``: every suite the project's ``bakeoff.toml`` enables — on this machine, or once
per machine of a fleet (``--cluster``, ``bakeoff.cli.cluster``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from bakeoff.cli.app import cli, err
from bakeoff.cli.common import measure_options


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
    help="With --cluster: a machine still running after this is stopped and recorded.",
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
    """Run the suites enabled in bakeoff.toml (here, or once per machine with --cluster)."""
    import time
    from dataclasses import replace

    started = time.monotonic()
    from rich.markup import escape

    from bakeoff import config, projectrun
    from bakeoff.cli.common import execute, settings_from
    from bakeoff.errors import ConfigError
    from bakeoff.suites import catalog

    path = config_path or config.find(Path.cwd())
    if path is None:
        raise ConfigError(
            "no bakeoff.toml here or in any parent folder",
            "write one (see the README), or use `bakeoff startup`",
        )
    cfg = config.load(path)
    project = path.parent
    wanted = catalog.parse_names(suites, catalog.QUICK_NAMES if quick else catalog.NAMES)
    s = settings_from(cfg, kw, quick)
    if quick and kw.get("budget") is None and cfg.measure.budget is None:
        s = replace(s, budget_from=started)  # the default budget covers the preparation too
    if kw["out_dir"] == Path("bakeoff-results") and cfg.bakeoff.out != "bakeoff-results":
        kw["out_dir"] = Path(cfg.bakeoff.out)
    if cluster or machines:
        from bakeoff.cli import cluster as fleet

        fleet.run_fleet(path, cfg, wanted, s, quick, cluster, machines, machine_timeout, kw)
        return

    def note(text: str) -> None:
        err.print(f"[dim]{escape(text)}[/]")

    runtimes = list(kw["runtimes"] or cfg.bakeoff.runtimes)
    with projectrun.options(path, cfg, wanted, s, runtimes, quick, note) as prepared:
        execute(prepared.options, kw, prepared.paths, project=project)
