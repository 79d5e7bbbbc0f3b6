"""``bakeoff init``: detect the project, try what it found once (install, build, service,
tests, CLI entries) and write a commented bakeoff.toml saying what worked."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bakeoff.cli.app import cli, err, out
from bakeoff.errors import UsageError

if TYPE_CHECKING:
    from bakeoff.project.detect import Project
    from bakeoff.suites.serve import ServeSpec


@cli.command()
@click.argument("path", type=click.Path(path_type=Path, exists=True), default=Path("."))
@click.option("--package", "package", metavar="NAME", help="A workspace of a monorepo.")
@click.option("-r", "--runtime", "runtimes", multiple=True, metavar="SPEC", help="Contestants.")
@click.option("--force", is_flag=True, help="Overwrite an existing bakeoff.toml.")
@click.option("--stdout", "to_stdout", is_flag=True, help="Print instead of writing the file.")
@click.option(
    "--no-try",
    "no_try",
    is_flag=True,
    help="Write the file without trying it (no install, build, service start or test run).",
)
def init(
    path: Path,
    package: str | None,
    runtimes: tuple[str, ...],
    force: bool,
    to_stdout: bool,
    no_try: bool,
) -> None:
    """Detect the project at PATH, try it once and write PATH/bakeoff.toml (every key
    commented, what worked and what did not said per section)."""
    from rich.markup import escape

    from bakeoff import config
    from bakeoff.project import trial as trial_mod
    from bakeoff.project.detect import detect
    from bakeoff.project.initfile import render
    from bakeoff.results import write_atomic
    from bakeoff.runtimes.provision import Provisioner

    project = detect(path, package)
    target = project.root / config.CONFIG_NAME
    if target.exists() and not force and not to_stdout:
        raise UsageError(f"{target} exists", "use --force to overwrite it, or --stdout to compare")
    chosen = list(runtimes) or None
    report = None
    if not no_try:
        baseline = (chosen or config.DEFAULT_RUNTIMES)[0]
        err.print(
            f"[dim]init: trying what it found under {escape(baseline)} "
            "(bounded; nothing is left running)[/]"
        )
        report = trial_mod.run(
            project,
            lambda found: _spec_at(project, chosen),
            Provisioner(),
            baseline,
            on_step=lambda step: err.print(f"[dim]init: {escape(step)}[/]"),
        )
    text = render(project, chosen, report)
    if to_stdout:
        click.echo(text, nl=False)
    else:
        write_atomic(target, text)
        out.print(f"wrote {target}")
    svc = project.service if not (report and report.not_a_service) else None
    found = [
        f"service: {svc.entry.value} ({len(svc.routes)} routes)" if svc else "service: none",
        f"tests: {project.test_framework.value}" if project.test_framework else "tests: none",
        f"package manager: {project.package_manager.value}" if project.package_manager else "",
        f"CLI entries: {', '.join(project.bins)}" if project.bins else "",
    ]
    out.print("  " + " · ".join(f for f in found if f))
    if report is not None and report.not_a_service:
        out.print(f"  no \\[serve]: {escape(report.not_a_service)}")
    elif svc is None and project.no_service:
        out.print(f"  no \\[serve]: {escape(project.no_service[0])}")
    if report is not None:
        for t in report.tried:
            mark = "[green]worked[/]" if t.ok else "[red]failed[/]"
            text_ = t.summary if t.ok else t.reason()
            out.print(f"  tried {escape(t.section)}: {mark}: {escape(text_)}")
    if project.risks:
        err.print(f"[yellow]{len(project.risks)} migration risks listed at the top of the file[/]")
    out.print("next: check the lines marked EDIT, then `bakeoff run --quick`")


def _spec_at(project: Project, runtimes: list[str] | None) -> ServeSpec:
    """The serve spec the written file gives ``bakeoff run``, for init's try (the try runs it
    in its own copy, so only the command, environment and port matter here)."""
    import tomllib

    from bakeoff import config
    from bakeoff.project.initfile import render
    from bakeoff.suites.serve import spec_from_config

    cfg = config.validate(tomllib.loads(render(project, runtimes)), "generated bakeoff.toml")
    if cfg.serve is None:  # detect found a service, so render wrote [serve]
        raise UsageError("internal: no [serve] for a detected service")
    return spec_from_config(cfg.serve, project.root / config.CONFIG_NAME)
