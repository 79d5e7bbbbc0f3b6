"""``bakeoff run``: every suite the project's ``bakeoff.toml`` enables."""

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
@measure_options
def run(config_path: Path | None, suites: str | None, quick: bool, **kw: Any) -> None:
    """Run the suites enabled in bakeoff.toml."""
    import tempfile

    from rich.markup import escape

    from bakeoff import config
    from bakeoff.cli.common import _execute, _settings
    from bakeoff.errors import ConfigError
    from bakeoff.project import prepare
    from bakeoff.runtimes.provision import Provisioner
    from bakeoff.session import Options
    from bakeoff.suites import catalog

    path = config_path or config.find(Path.cwd())
    if path is None:
        raise ConfigError(
            "no bakeoff.toml here or in any parent folder",
            "write one (see the README), or use `bakeoff startup`",
        )
    cfg = config.load(path)
    project = path.parent
    wanted = catalog.parse_names(suites)
    s = _settings(cfg, kw, quick)
    paths: dict[Path, Path] = {}
    with tempfile.TemporaryDirectory(prefix="bakeoff-project-") as tmp:
        if prepare.needs_install(path.parent) and wanted != ["startup"]:
            err.print(
                "[dim]the project has dependencies but no node_modules: installing them into a "
                "working copy (untimed; your project is not modified)[/]"
            )
            copy, how = prepare.working_copy(path.parent, Path(tmp) / "project", Provisioner())
            err.print(f"[dim]installed with {escape(how)} in {escape(str(copy))}[/]")
            paths[copy] = path.parent.resolve()  # reports name the project, not the copy
            path = copy / path.name
        chosen, skipped = catalog.from_config(cfg, path, wanted, quick)
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
        _execute(opts, kw, paths, project=project)
