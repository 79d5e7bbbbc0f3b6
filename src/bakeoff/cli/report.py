"""``bakeoff report``: render a saved results document."""

from __future__ import annotations

from pathlib import Path

import click

from bakeoff.cli.app import cli, out
from bakeoff.errors import UsageError


@cli.command()
@click.argument("results_file", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["term", "md", "json", "html", "hyperfine"]),
    default="term",
    show_default=True,
)
@click.option("--baseline", metavar="NAME", help="Re-analyse against another contestant.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to a file.")
@click.option(
    "--max-chars",
    type=click.IntRange(min=0),
    default=65_536,
    show_default=True,
    help="md: fold and cut long tables to fit (a GitHub comment's limit); 0: no limit.",
)
def report(
    results_file: Path, fmt: str, baseline: str | None, output: Path | None, max_chars: int
) -> None:
    """Render a saved results document (no runtime needed)."""
    import json

    from bakeoff import analyze, config, decide, hyperfine
    from bakeoff import results as results_mod
    from bakeoff.render import html, markdown, terminal
    from bakeoff.value.usage import ValueConfig

    doc = results_mod.load(results_file)
    if baseline:
        if baseline not in [c.name for c in doc.contestants]:
            raise UsageError(f"baseline '{baseline}' is not in {results_file}")
        analyze.analyze(doc, baseline, float(doc.settings.get("threshold") or 0.02))
    if baseline or doc.cost is None:
        found = config.find(Path.cwd())
        decide.fill(doc, config.load(found).value if found else ValueConfig())
    if fmt == "term":
        if output:
            raise UsageError("--output needs --format md, json or html")
        out.print(terminal.render(doc))
        return
    renderers = {"md": lambda d: markdown.render(d, max_chars or None), "html": html.render}
    if fmt == "hyperfine":
        text = json.dumps(hyperfine.export(doc), indent=2) + "\n"
    else:
        text = renderers[fmt](doc) if fmt in renderers else doc.to_json() + "\n"
    if output:
        results_mod.write_atomic(output, text)
    else:
        click.echo(text, nl=False)
