"""``bakeoff merge [LABEL=]RESULTS.json… -o ALL.json``: documents from several machines into one
(``bakeoff.merge``), each machine priced as its instance type when named."""

from __future__ import annotations

from pathlib import Path

import click

from bakeoff.cli.app import cli, err, out


@cli.command()
@click.argument("files", nargs=-1, required=True, metavar="[LABEL=]RESULTS.json...")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Write the merged document here.",
)
@click.option(
    "--repeat",
    is_flag=True,
    help="Allow two documents from the same machine (deliberate repeats; kept apart).",
)
@click.option(
    "--price-machine",
    "price_machine",
    multiple=True,
    metavar="LABEL=TYPE",
    help="Price a machine as an EC2 instance type (m7i.large) or a GitHub runner "
    "(linux_2core); repeatable. Also [value.machines] in bakeoff.toml.",
)
@click.option(
    "--markdown",
    "md_file",
    type=click.Path(path_type=Path),
    help="Also write the combined Markdown report here.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, exists=True),
    help="Price every machine with this bakeoff.toml's [value] (default: the usage stored in "
    "each machine's document).",
)
def merge(
    files: tuple[str, ...],
    output: Path,
    repeat: bool,
    price_machine: tuple[str, ...],
    md_file: Path | None,
    config_path: Path | None,
) -> None:
    """Merge results from several machines into one document (compared within each machine,
    with a cross-machine view). Label a file with LABEL=FILE, e.g. arm64=arm/results.json."""
    from bakeoff import config
    from bakeoff import merge as merge_mod
    from bakeoff import results as results_mod
    from bakeoff.render import markdown, terminal
    from bakeoff.value import machines

    inputs = []
    for arg in files:
        label, sep, name = arg.partition("=")
        if not sep or Path(arg).exists():
            label, name = "", arg
        path = Path(name)
        inputs.append(merge_mod.Input(merge_mod.read(path), str(path), label or None))
    value = config.load(config_path).value if config_path else None
    merged = merge_mod.merge(inputs, repeat=repeat, command=["bakeoff", "merge", *files])
    merge_mod.price(merged, value, machines.parse(price_machine))
    results_mod.save(merged, output)
    if md_file:
        results_mod.write_atomic(md_file, markdown.render(merged))
    out.print(terminal.render(merged))
    err.print(
        f"[dim]merged {len(merged.machines)} machine(s) into {output}"
        + (f" · Markdown: {md_file}" if md_file else "")
        + "[/]"
    )
