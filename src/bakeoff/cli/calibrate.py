"""``bakeoff calibrate``: an A/A self-check of this machine. Runs one runtime as two identical
arms through the real pipeline and reports the noise floor, the verdict rule's false-positive
rate and the minimum detectable effect for this machine and run length."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from bakeoff.cli.app import cli, out
from bakeoff.cli.common import config_option, measure_options
from bakeoff.suites.startup_cases import BUILTIN_CASES

CALIBRATE_CASES = ("version", "empty", "hello")


def _pct(x: object) -> str:
    return f"{float(x):.1%}" if isinstance(x, int | float) else "–"


@cli.command()
@click.option(
    "--case",
    "cases",
    multiple=True,
    type=click.Choice(list(BUILTIN_CASES)),
    help=f"Start-up case(s) to run A/A (default: {', '.join(CALIBRATE_CASES)}).",
)
@config_option()
@measure_options
def calibrate(cases: tuple[str, ...], config_path: Path | None, **kw: Any) -> None:
    """A/A self-check: noise floor, false-positive rate and minimum detectable effect.

    \b
    bakeoff calibrate -r node@lts
    """
    from bakeoff.cli.common import execute, load_config, settings_from
    from bakeoff.results.suites import AaSummary
    from bakeoff.session import Options
    from bakeoff.suites.startup import StartupSuite

    cfg = load_config(config_path)
    s = replace(settings_from(cfg, kw), aa=True)
    spec = (kw["runtimes"] or cfg.bakeoff.runtimes)[:1]
    chosen = [BUILTIN_CASES[c] for c in (cases or CALIBRATE_CASES)]
    doc = execute(Options(runtimes=list(spec), suites=[StartupSuite(chosen)], settings=s), kw)
    aa = doc.suites.aa or AaSummary()
    out.print()
    out.print("[bold]A/A self-check[/] (both arms are the same runtime)")
    out.print(
        f"  false positives: {aa.false_positives} of {aa.comparisons} comparisons "
        f"({_pct(aa.false_positive_rate)}; every metric, Holm-corrected)"
    )
    out.print(
        f"  noise floor (|A/A ratio − 1|, wall time): median {_pct(aa.noise_floor)}, "
        f"max {_pct(aa.noise_floor_max)}"
    )
    out.print(
        f"  minimum detectable effect (80% power, wall time): median {_pct(aa.mde_median)},"
        f" worst case {_pct(aa.mde_max)} — differences smaller than this cannot be told "
        "apart from noise at this run length; raise --max-runs or lower --precision to see more"
    )
