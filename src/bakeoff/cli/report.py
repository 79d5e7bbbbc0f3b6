"""``bakeoff report``: render a saved results document."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bakeoff.cli.app import cli, err, out
from bakeoff.errors import UsageError

if TYPE_CHECKING:
    from bakeoff.value.usage import Usage, ValueConfig


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
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Re-price with this bakeoff.toml's [value] (default: the usage stored in the file).",
)
@click.option(
    "--usage",
    type=click.Choice(["small", "medium", "large"]),
    help="Re-price with this usage preset instead of the stored usage.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to a file.")
@click.option(
    "--max-chars",
    type=click.IntRange(min=0),
    default=65_536,
    show_default=True,
    help="md: fold and cut long tables to fit (a GitHub comment's limit); 0: no limit.",
)
def report(
    results_file: Path,
    fmt: str,
    baseline: str | None,
    config_path: Path | None,
    usage: str | None,
    output: Path | None,
    max_chars: int,
) -> None:
    """Render a saved results document (no runtime needed). The dollars use the usage stored
    in the document unless --config or --usage says otherwise: the same file renders the same
    from any folder."""

    from rich.markup import escape

    from bakeoff import config, decide
    from bakeoff import results as results_mod
    from bakeoff.analysis import analyze
    from bakeoff.render import exporters, terminal
    from bakeoff.value.usage import ValueConfig

    doc = results_mod.load(results_file)
    if config_path and usage:
        raise UsageError("give --config or --usage, not both")
    value: Usage | ValueConfig
    if config_path:
        value, source = config.load(config_path).value, f"[value] of {config_path}"
    elif usage:
        value, source = ValueConfig.model_validate({"preset": usage}), f"the '{usage}' usage preset"
    else:
        value, source = decide.stored_value(doc)
    if doc.machines:  # merged: each machine re-analysed and re-decided on its own
        from bakeoff import merge

        given = value if isinstance(value, ValueConfig) and (config_path or usage) else None
        merge.reanalyze(doc, baseline, given)
        if given is not None:
            err.print(f"[dim]dollars priced with {escape(source)} on every machine[/]")
    else:
        if baseline:
            if baseline not in [c.name for c in doc.contestants]:
                raise UsageError(f"baseline '{baseline}' is not in {results_file}")
            analyze.analyze(doc, baseline, doc.settings.threshold or 0.02)
        if baseline or config_path or usage or doc.cost is None:
            decide.fill(doc, value)
            err.print(f"[dim]dollars priced with {escape(source)}[/]")
    if fmt == "term":
        if output:
            raise UsageError("--output needs --format md, json or html")
        out.print(terminal.render(doc))
        return
    text = exporters.export(doc, fmt, max_chars or None)
    if output:
        results_mod.write_atomic(output, text)
    else:
        click.echo(text, nl=False)
