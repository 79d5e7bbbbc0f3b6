"""``bakeoff runtimes list|install|which|remove|verify``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from bakeoff.cli.app import cli, out
from bakeoff.cli.common import ProgressView
from bakeoff.errors import ProvisionError
from bakeoff.events import Event
from bakeoff.runtimes.provision import Provisioner


@cli.group()
def runtimes() -> None:
    """Install, inspect and remove the runtimes bakeoff provisions."""


def _provisioner(offline: bool = False) -> Provisioner:
    view = ProgressView()

    def on_progress(p: Any) -> None:
        view(Event("download", detail=f"{p.package}@{p.version}", done=p.done, total=p.total or 0))

    return Provisioner(offline=offline, on_progress=on_progress)


@runtimes.command("list")
def runtimes_list() -> None:
    """Runtimes in bakeoff's cache."""
    items = Provisioner().installed()
    if not items:
        out.print("no runtimes installed yet (try `bakeoff runtimes install node@lts`)")
        return
    t = Table("runtime", "version", "package", "sha256", "binary")
    for rt in items:
        t.add_row(rt.name, rt.version, rt.package or "", rt.sha256[:16], str(rt.binary))
    out.print(t)


@runtimes.command("install")
@click.argument("specs", nargs=-1, required=True)
@click.option("--offline", is_flag=True)
def runtimes_install(specs: Sequence[str], offline: bool) -> None:
    """Download, verify and cache runtimes: node@24, bun@latest, deno@2 ..."""
    prov = _provisioner(offline)
    for spec in specs:
        rt = prov.ensure(spec)
        out.print(f"{spec}: {rt.name} {rt.version} at {rt.binary} (sha256 {rt.sha256[:16]}…)")


@runtimes.command("which")
@click.argument("spec")
def runtimes_which(spec: str) -> None:
    """Print the binary a spec resolves to (never downloads)."""
    out.print(str(Provisioner(offline=True).which(spec).binary))


@runtimes.command("remove")
@click.argument("specs", nargs=-1, required=True)
def runtimes_remove(specs: Sequence[str]) -> None:
    """Remove cached runtimes matching the specs."""
    prov = Provisioner(offline=True)
    for spec in specs:
        removed = prov.remove(spec)
        if not removed:
            out.print(f"{spec}: nothing cached matches")
        for path in removed:
            out.print(f"removed {path}")


@runtimes.command("verify")
@click.option("--repair", is_flag=True, help="Re-install every damaged entry from the registry.")
def runtimes_verify(repair: bool) -> None:
    """Hash every file of every cached runtime and tool against its install-time manifest."""
    prov = _provisioner()
    reports = prov.verify()
    if not reports:
        out.print("the cache is empty: nothing to verify")
        return
    bad = [r for r in reports if not r.ok]
    for r in reports:
        status = "[green]ok[/]" if r.ok else f"[red]damaged:[/] {escape('; '.join(r.problems))}"
        out.print(f"{escape(r.package)}: {status}")
    if bad and repair:
        for r in bad:
            rt = prov.repair(r)
            out.print(f"{escape(r.package)}: re-installed ({escape(str(rt.binary))})")
        return
    if bad:
        raise ProvisionError(
            f"{len(bad)} of {len(reports)} cached packages failed verification",
            "run `bakeoff runtimes verify --repair` to re-install them from the registry",
        )
    out.print(f"{len(reports)} cached packages verified: every file matches its manifest")
