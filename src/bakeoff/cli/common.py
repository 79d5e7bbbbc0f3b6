"""Shared by the commands that measure: the measuring options, merging config with flags, and
running an evaluation with its results saved even on Ctrl-C. Heavy modules are imported inside
the functions that run a command, so the decorators cost nothing at ``--help`` time."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from bakeoff.cli import guard
from bakeoff.cli.app import F, err, out

if TYPE_CHECKING:  # the measuring machinery is imported when a command runs, not for --help
    from bakeoff import config
    from bakeoff.results import ResultsDocument
    from bakeoff.session import Options, Settings


def config_option(
    help: str = "bakeoff.toml to read (default: the nearest one).",
) -> Callable[[F], F]:
    """``--config FILE`` (which must exist), shared by the commands that read bakeoff.toml."""
    decorator: Callable[[F], F] = click.option(
        "--config", "config_path", type=click.Path(path_type=Path, exists=True), help=help
    )
    return decorator


def measure_options(f: F) -> F:
    """Options shared by every command that measures."""
    opts = [
        click.option(
            "-r",
            "--runtime",
            "runtimes",
            multiple=True,
            metavar="SPEC",
            help="node@24, node@lts, bun@latest, deno@2, system:node, or a path. "
            "Repeat for each contestant.",
        ),
        click.option(
            "--baseline",
            metavar="NAME",
            help="Contestant the others are compared with (default: the first).",
        ),
        click.option(
            "--precision",
            metavar="FRACTION",
            help="Stop when each median's 95% CI half-width is within this (default 0.02 = ±2%).",
        ),
        click.option("--min-runs", type=click.IntRange(min=2), help="Minimum runs per case."),
        click.option("--max-runs", type=click.IntRange(min=2), help="Maximum runs per case."),
        click.option("--warmups", type=click.IntRange(min=0), help="Warm-up runs per case."),
        click.option(
            "--budget",
            metavar="DURATION",
            help="Time budget for measuring, e.g. 90s, 5m (default: none; --quick: 3m30s).",
        ),
        click.option(
            "--timeout", metavar="DURATION", help="Kill a run after this long (default 30s)."
        ),
        click.option(
            "--threshold",
            metavar="FRACTION",
            help="Smallest effect reported as a difference (default 0.02).",
        ),
        click.option("--seed", type=int, help="Seed for the randomized run order."),
        click.option(
            "--offline",
            is_flag=True,
            help="Never download; use cached runtimes (and k6) only.",
        ),
        click.option(
            "--out",
            "out_dir",
            type=click.Path(path_type=Path),
            default=Path("bakeoff-results"),
            show_default=True,
            help="Folder for results.json and report.md.",
        ),
        click.option(
            "--json",
            "json_file",
            type=click.Path(path_type=Path),
            help="Also write the results document here.",
        ),
        click.option(
            "--export-hyperfine",
            "hyperfine_file",
            type=click.Path(path_type=Path),
            help="Also write the startup suite as hyperfine --export-json would.",
        ),
        click.option(
            "--aa",
            is_flag=True,
            help="A/A self-check: also run the first contestant as a second arm "
            "'<name> (A/A)'; any verdict between the two is a false positive.",
        ),
        click.option(
            "--markdown",
            "md_file",
            type=click.Path(path_type=Path),
            help="Also write the Markdown report here.",
        ),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


# A quick run's time budget when neither --budget nor [measure].budget sets one. For `run` it
# counts from the command's start — preparation (the project's install, its build) included —
# so a real project's `init` + quick run end within about 5 minutes on 2 cores. Cases it cuts
# are inconclusive and say so.
QUICK_BUDGET_S = 210.0


def settings_from(cfg: config.Config, kw: dict[str, Any], quick: bool = False) -> Settings:
    """Merge config values with command-line overrides (the command line wins)."""
    from bakeoff import config
    from bakeoff.errors import UsageError
    from bakeoff.plan.stopping import StopRule
    from bakeoff.session import Settings

    m = cfg.measure

    def option(name: str, parse: Callable[[Any], float], default: Any) -> Any:
        if kw.get(name) is None:  # an empty value is an error, not "use the default"
            return default
        try:
            return parse(kw[name])
        except ValueError as exc:
            raise UsageError(f"invalid option value: --{name} {kw[name]!r}: {exc}") from None

    precision = option("precision", config.parse_fraction, m.precision)
    threshold = option("threshold", config.parse_fraction, m.threshold)
    budget = option("budget", config.parse_duration, m.budget)
    if budget is None and quick:
        budget = QUICK_BUDGET_S
    timeout = option("timeout", config.parse_duration, m.timeout)
    min_runs = kw.get("min_runs") or (8 if quick else m.min_runs)
    max_runs = kw.get("max_runs") or (15 if quick else m.max_runs)
    if max_runs < min_runs:
        raise UsageError(f"--max-runs ({max_runs}) must be >= --min-runs ({min_runs})")
    warmups = kw["warmups"] if kw.get("warmups") is not None else m.warmups
    return Settings(
        rule=StopRule(precision=precision, min_runs=min_runs, max_runs=max_runs, warmups=warmups),
        threshold=threshold,
        budget_s=budget,
        timeout_s=timeout,
        seed=kw.get("seed") if kw.get("seed") is not None else m.seed,
        baseline=kw.get("baseline") or cfg.bakeoff.baseline,
        offline=bool(kw.get("offline")),
        value=cfg.value,
        aa=bool(kw.get("aa")),
    )


def execute(
    opts: Options,
    kw: dict[str, Any],
    paths: dict[Path, Path] | None = None,
    project: Path | None = None,
) -> ResultsDocument:
    """Run an evaluation with a progress display, save results (also when interrupted or
    failed) and print the summary. ``paths``: temporary working copy -> the folder it copies;
    the results name the user's folders, not bakeoff's temporary ones. ``project``: the
    project measured (recorded so `bakeoff compare` can refuse documents of two different
    projects)."""
    from bakeoff import results as results_mod
    from bakeoff.analysis import comparedocs
    from bakeoff.cli.progress import make_view
    from bakeoff.errors import Interrupted, NothingMeasured, ResultsError
    from bakeoff.render import terminal
    from bakeoff.session import Evaluation

    guard.check_outputs(kw["out_dir"], _output_files(kw))  # before anything is measured
    view = make_view()
    ev = Evaluation(opts, on_event=view, command=["bakeoff", *sys.argv[1:]])
    if project is not None:
        ev.doc.settings.project = comparedocs.project_identity(project)
    saved_to: Path | None = None
    try:
        with view:
            doc = ev.run()
    finally:
        mapping = {
            str(k): str(v) for copy, v in (paths or {}).items() for k in (copy, copy.resolve())
        }
        results_mod.replace_paths(ev.doc, mapping)
        with guard.deferred():  # a SIGTERM now waits until the results are on disk
            saved_to = _save_or_fall_back(ev.doc, kw)
    out.print(terminal.render(doc))
    if doc.status == "interrupted":
        where = saved_to or kw["out_dir"]
        raise Interrupted(f"interrupted: partial results saved to {where / 'results.json'}")
    if saved_to is not None:
        raise ResultsError(
            f"could not write the results to {kw['out_dir']}; they were saved to {saved_to}"
        )
    if doc.measurements and not any(m.valid and m.samples for m in doc.measurements):
        raise NothingMeasured(
            "every measurement failed — nothing was compared; the reasons are in the report "
            f"({kw['out_dir'] / 'report.md'})"
        )
    return doc


def _output_files(kw: dict[str, Any]) -> dict[str, Path | None]:
    return {
        "--json": kw.get("json_file"),
        "--export-hyperfine": kw.get("hyperfine_file"),
        "--markdown": kw.get("md_file"),
    }


def _save_or_fall_back(doc: ResultsDocument, kw: dict[str, Any]) -> Path | None:
    """Save; when that fails (the disk filled, the folder vanished), save into a temporary
    folder instead and return it (the measurements are never lost to a write error)."""
    try:
        _save(doc, kw)
        return None
    except OSError as exc:
        problem = f"{exc.strerror or exc}: {exc.filename or kw['out_dir']}"
    try:
        folder = guard.fallback_folder()
        _save(doc, {"out_dir": folder})
    except OSError as exc:
        err.print(
            f"[bold red]could not save the results ({escape(problem)}) nor to a temporary "
            "folder:[/]"
        )
        err.print(f"  {escape(str(exc))}")
        return None
    err.print(f"[bold red]could not save the results ({escape(problem)});[/] saved to {folder}")
    return folder


def _save(doc: ResultsDocument, kw: dict[str, Any]) -> None:
    from bakeoff import results as results_mod
    from bakeoff.render.exporters import EXPORTERS, RUN_OUTPUTS, export

    if not doc.contestants and not doc.measurements and not doc.machines:
        return
    out_dir: Path = kw["out_dir"]
    written = [out_dir / EXPORTERS[fmt].default_file for fmt in RUN_OUTPUTS]
    extra = [(kw.get("json_file"), "json"), (kw.get("md_file"), "md")]
    extra.append((kw.get("hyperfine_file"), "hyperfine"))
    for path, fmt in [*zip(written, RUN_OUTPUTS, strict=True), *extra]:
        if path:
            results_mod.write_atomic(Path(path), export(doc, fmt))
    err.print(f"[dim]results: {written[0]} · reports: {written[2]}, {written[1]}[/]")


def load_config(path: Path | None) -> config.Config:
    from bakeoff import config

    if path is not None:
        return config.load(path)
    found = config.find(Path.cwd())
    return config.load(found) if found else config.Config()
