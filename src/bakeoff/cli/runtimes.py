"""``bakeoff runtimes list|install|which|remove|verify``: the runtimes (and tools) bakeoff
provisions. ``install k6`` fetches the serve suite's pinned load generator ahead of a run (e.g.
before going offline); ``verify`` re-hashes every cached file against its manifest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from bakeoff.cli.app import cli, out

if TYPE_CHECKING:
    from bakeoff.cli.progress import View
    from bakeoff.runtimes.provision import DownloadProgress, Provisioner


@cli.group()
def runtimes() -> None:
    """Install, inspect and remove the runtimes bakeoff provisions."""


def _provisioner(offline: bool = False) -> tuple[Provisioner, View]:
    from bakeoff.cli.progress import make_view
    from bakeoff.events import download
    from bakeoff.runtimes.provision import Provisioner

    view = make_view()

    def on_progress(p: DownloadProgress) -> None:
        view(download(p))

    return Provisioner(offline=offline, on_progress=on_progress), view


@runtimes.command("list")
def runtimes_list() -> None:
    """Runtimes and tools in bakeoff's cache."""
    from rich.table import Table

    from bakeoff.runtimes.provision import Provisioner

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
    """Download, verify and cache runtimes: node@24, bun@latest, deno@2 ... (and k6, the serve
    suite's load generator, at its pinned version)."""
    import bakeoff.runtimes.k6 as k6

    prov, view = _provisioner(offline)
    with view:
        for spec in specs:
            if spec in ("k6", f"k6@{k6.VERSION}"):
                tool = k6.ensure(prov)
                out.print(f"k6: {tool.version} at {tool.path} (sha256 {tool.sha256[:16]}…)")
                continue
            rt = prov.ensure(spec)
            out.print(f"{spec}: {rt.name} {rt.version} at {rt.binary} (sha256 {rt.sha256[:16]}…)")


@runtimes.command("which")
@click.argument("spec")
def runtimes_which(spec: str) -> None:
    """Print the binary a spec resolves to (never downloads)."""
    from bakeoff.runtimes.provision import Provisioner

    out.print(str(Provisioner(offline=True).which(spec).binary))


@runtimes.command("remove")
@click.argument("specs", nargs=-1, required=True)
def runtimes_remove(specs: Sequence[str]) -> None:
    """Remove cached runtimes matching the specs (``k6``: the cached k6)."""
    import bakeoff.runtimes.k6 as k6
    from bakeoff.runtimes.provision import Provisioner

    prov = Provisioner(offline=True)
    for spec in specs:
        removed = k6.remove(prov) if spec == "k6" else prov.remove(spec)
        if not removed:
            out.print(f"{spec}: nothing cached matches")
        for path in removed:
            out.print(f"removed {path}")


@runtimes.command("verify")
@click.option("--repair", is_flag=True, help="Re-install every damaged entry from the registry.")
def runtimes_verify(repair: bool) -> None:
    """Hash every file of every cached runtime and tool against its install-time manifest."""
    from rich.markup import escape

    from bakeoff.errors import ProvisionError

    prov, _view = _provisioner()
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
