"""``bakeoff init``: detect the project and write a commented bakeoff.toml."""

from __future__ import annotations

from pathlib import Path

import click

from bakeoff.cli.app import cli, err, out
from bakeoff.errors import UsageError


@cli.command()
@click.argument("path", type=click.Path(path_type=Path, exists=True), default=Path("."))
@click.option("--package", "package", metavar="NAME", help="A workspace of a monorepo.")
@click.option("-r", "--runtime", "runtimes", multiple=True, metavar="SPEC", help="Contestants.")
@click.option("--force", is_flag=True, help="Overwrite an existing bakeoff.toml.")
@click.option("--stdout", "to_stdout", is_flag=True, help="Print instead of writing the file.")
def init(
    path: Path, package: str | None, runtimes: tuple[str, ...], force: bool, to_stdout: bool
) -> None:
    """Detect the project at PATH and write PATH/bakeoff.toml (every key commented)."""
    from bakeoff import config
    from bakeoff.project.detect import detect
    from bakeoff.project.initfile import render
    from bakeoff.results import write_atomic

    project = detect(path, package)
    text = render(project, list(runtimes) or None)
    if to_stdout:
        click.echo(text, nl=False)
        return
    target = project.root / config.CONFIG_NAME
    if target.exists() and not force:
        raise UsageError(f"{target} exists", "use --force to overwrite it, or --stdout to compare")
    write_atomic(target, text)
    svc = project.service
    out.print(f"wrote {target}")
    found = [
        f"service: {svc.entry.value} ({len(svc.routes)} routes)" if svc else "service: none",
        f"tests: {project.test_framework.value}" if project.test_framework else "tests: none",
        f"package manager: {project.package_manager.value}" if project.package_manager else "",
        f"CLI entries: {', '.join(project.bins)}" if project.bins else "",
    ]
    out.print("  " + " · ".join(f for f in found if f))
    if project.risks:
        err.print(f"[yellow]{len(project.risks)} migration risks listed at the top of the file[/]")
    out.print("next: check the lines marked EDIT, then `bakeoff run --quick`")
