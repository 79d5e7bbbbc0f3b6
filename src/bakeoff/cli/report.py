"""``bakeoff report``: render a saved results document."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bakeoff import analyze, hyperfine
from bakeoff import results as results_mod
from bakeoff.cli.app import cli, out
from bakeoff.errors import UsageError
from bakeoff.render import markdown, terminal


@cli.command()
@click.argument("results_file", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["term", "md", "json", "hyperfine"]),
    default="term",
    show_default=True,
)
@click.option("--baseline", metavar="NAME", help="Re-analyse against another contestant.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to a file.")
def report(results_file: Path, fmt: str, baseline: str | None, output: Path | None) -> None:
    """Render a saved results document (no runtime needed)."""
    doc = results_mod.load(results_file)
    if baseline:
        if baseline not in [c.name for c in doc.contestants]:
            raise UsageError(f"baseline '{baseline}' is not in {results_file}")
        analyze.analyze(doc, baseline, float(doc.settings.get("threshold") or 0.02))
    if fmt == "term":
        if output:
            raise UsageError("--output needs --format md or json")
        out.print(terminal.render(doc))
        return
    if fmt == "hyperfine":
        text = json.dumps(hyperfine.export(doc), indent=2) + "\n"
    else:
        text = markdown.render(doc) if fmt == "md" else doc.to_json() + "\n"
    if output:
        results_mod.write_atomic(output, text)
    else:
        click.echo(text, nl=False)
