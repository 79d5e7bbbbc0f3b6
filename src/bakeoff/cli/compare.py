"""``bakeoff compare BASE.json NEW.json``: per metric, NEW vs BASE with CI and significance; a CI
gate (exit 1 on a significant regression beyond ``--fail-on``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bakeoff.cli.app import cli, err, out
from bakeoff.errors import RegressionFound, UsageError

if TYPE_CHECKING:
    from bakeoff.comparedocs import DocComparison

STYLE = {"better": "green", "worse": "red", "same": "yellow", "inconclusive": "magenta"}


def _frac(text: str) -> float:
    from bakeoff import config

    try:
        return config.parse_fraction(text if text.strip().endswith("%") else float(text))
    except ValueError as exc:
        raise UsageError(f"invalid option value {text!r}: {exc}") from None


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def _ci(ci: tuple[float, float] | None) -> str:
    return f"{ci[0]:.3f}–{ci[1]:.3f}" if ci else "–"


def _markdown(result: DocComparison) -> str:
    from bakeoff.render.view import fmt_num

    lines = [
        "| case | metric | contestant | base | new | ratio (95% CI) | verdict | MDE |",
        "|---|---|---|---:|---:|---:|---|---:|",
    ]
    for p in result.pairs:
        flag = " **regression**" if p.regression else ""
        lines.append(
            f"| {p.suite} · {p.case} | {p.metric} | {p.contestant} | {fmt_num(p.base_median)} "
            f"| {fmt_num(p.new_median)} | {p.ratio:.3f} ({_ci(p.ci)}) | {p.verdict}{flag} "
            f"| {_pct(p.mde)} |"
        )
    return "\n".join(lines) + "\n"


def _term(result: DocComparison) -> None:
    from rich.table import Table
    from rich.text import Text

    from bakeoff.render.view import fmt_num

    t = Table(title="NEW vs BASE (ratio = new / base)", title_justify="left")
    for col in ("case", "metric", "contestant", "base", "new", "ratio (95% CI)", "verdict", "MDE"):
        t.add_column(col)
    for p in result.pairs:
        v = p.verdict + (" · REGRESSION" if p.regression else "")
        t.add_row(
            Text(f"{p.suite} · {p.case}"),
            Text(p.metric),
            Text(p.contestant),
            fmt_num(p.base_median),
            fmt_num(p.new_median),
            f"{p.ratio:.3f} ({_ci(p.ci)})",
            Text(v, style="bold red" if p.regression else STYLE.get(p.verdict, "")),
            _pct(p.mde),
        )
    out.print(t)
    mdes = [p.mde for p in result.pairs if p.mde is not None and p.metric == "wall_ms"]
    if mdes:
        out.print(
            f"differences under {max(mdes):.1%} could not be detected in wall time "
            "by this comparison (largest MDE)"
        )


@cli.command()
@click.argument("base_file", type=click.Path(path_type=Path))
@click.argument("new_file", type=click.Path(path_type=Path))
@click.option(
    "--fail-on",
    default="5%",
    show_default=True,
    metavar="FRACTION",
    help="Exit 1 when a metric is significantly worse by more than this.",
)
@click.option("--threshold", metavar="FRACTION", help="Smallest effect called a difference.")
@click.option("--metric", "metrics", multiple=True, help="Only these metrics (e.g. wall_ms).")
@click.option("--force", is_flag=True, help="Compare even across machines or runtime builds.")
@click.option(
    "--format", "fmt", type=click.Choice(["term", "md", "json"]), default="term", show_default=True
)
def compare(
    base_file: Path,
    new_file: Path,
    fail_on: str,
    threshold: str | None,
    metrics: tuple[str, ...],
    force: bool,
    fmt: str,
) -> None:
    """Compare two saved results documents; exit 1 on a significant regression (CI gate)."""
    import json
    from dataclasses import asdict

    from rich.markup import escape

    from bakeoff import comparedocs, stats
    from bakeoff import results as results_mod

    fail = _frac(fail_on)
    thr = _frac(threshold) if threshold else stats.DEFAULT_THRESHOLD
    base = results_mod.load(base_file)
    new = results_mod.load(new_file)
    result = comparedocs.compare_docs(base, new, fail, thr, force=force, metrics=metrics)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "fail_on": fail,
                    "pairs": [asdict(p) for p in result.pairs],
                    "regressions": len(result.regressions),
                    "differences": [asdict(d) for d in result.differences],
                },
                indent=2,
                default=str,
            )
        )
    elif fmt == "md":
        click.echo(_markdown(result), nl=False)
    else:
        _term(result)
    err.print(f"[dim]base {comparedocs.run_conditions(base)}[/]")
    err.print(f"[dim]new  {comparedocs.run_conditions(new)}[/]")
    err.print(
        "[dim]two documents are two separate runs: a change in machine load between them is "
        "not in the CIs (see README, 'How far can you trust a verdict?')[/]"
    )
    for d in result.differences:
        err.print(f"[yellow]differs[/] {escape(str(d))}" + (" (forced)" if d.matters else ""))
    if not result.pairs:
        raise UsageError("nothing to compare: the documents share no valid measurement")
    if result.regressions:
        names = ", ".join(f"{p.case} {p.metric} {p.contestant}" for p in result.regressions)
        raise RegressionFound(
            f"{len(result.regressions)} significant regression(s) beyond {fail:.0%}: {names}"
        )
