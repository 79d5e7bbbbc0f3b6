"""Shared by the commands that measure: the progress display, the measuring options, merging
config with flags, and running an evaluation with its results saved even on Ctrl-C."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from bakeoff import config, hyperfine
from bakeoff import results as results_mod
from bakeoff.cli.app import F, err, out
from bakeoff.errors import Interrupted, NothingMeasured, UsageError
from bakeoff.events import Event
from bakeoff.plan import StopRule
from bakeoff.render import html, markdown, terminal
from bakeoff.results import ResultsDocument
from bakeoff.session import Evaluation, Options


class _BoundColumn(TimeRemainingColumn):
    """Time remaining, only for tasks that have an honest bound on it (see ProgressView)."""

    def render(self, task: Task) -> Text:
        if not task.fields.get("left"):
            return Text("")
        return super().render(task)


class ProgressView:
    """Renders progress events as Rich progress bars on stderr."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[note]}"),
            TimeElapsedColumn(),
            # a case's total is its most runs (deciding cases stop once settled): time left is
            # an upper bound, and the whole evaluation (suites of very different lengths) gets
            # none rather than a made-up one
            TextColumn("{task.fields[left]}"),
            _BoundColumn(),
            console=err,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}
        self.downloads: dict[str, TaskID] = {}
        self.overall: TaskID | None = None

    def __enter__(self) -> ProgressView:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def __call__(self, ev: Event) -> None:
        p = self.progress
        key = f"{ev.suite}/{ev.case}"
        if ev.kind == "download":
            if ev.detail not in self.downloads:
                self.downloads[ev.detail] = p.add_task(
                    f"download {ev.detail}", total=ev.total or None, note="", left="left"
                )
            p.update(self.downloads[ev.detail], completed=ev.done, total=ev.total or None)
        elif ev.kind == "message":
            p.console.print(f"[dim]{escape(ev.detail)}[/]")
        elif ev.kind in ("suite_start", "suite_end"):
            # one bar for the whole evaluation: suites done out of all, with time left
            if self.overall is None:
                self.overall = p.add_task("evaluation", total=ev.total, note="", left="")
            note = f"running {ev.suite}" if ev.kind == "suite_start" else f"{ev.suite} done"
            p.update(self.overall, completed=ev.done, total=ev.total, note=note)
        elif ev.kind == "case_start":
            self.tasks[key] = p.add_task(
                f"{ev.suite} · {ev.case}", total=ev.total, note="warming up", left="at most"
            )
        elif ev.kind == "run" and key in self.tasks:
            p.update(self.tasks[key], completed=ev.done, note=ev.contestant)
        elif ev.kind == "case_end" and key in self.tasks:
            task = self.tasks[key]
            p.update(task, total=p.tasks[task].completed or 1, note=ev.detail, left="")


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
            help="Time budget for measuring, e.g. 90s, 5m (default: none).",
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
            "--offline", is_flag=True, help="Never contact the registry; use cached runtimes only."
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


def _settings(cfg: config.Config, kw: dict[str, Any], quick: bool = False) -> dict[str, Any]:
    """Merge config values with command-line overrides (the command line wins)."""
    m = cfg.measure
    try:
        precision = config.parse_fraction(kw["precision"]) if kw.get("precision") else m.precision
        threshold = config.parse_fraction(kw["threshold"]) if kw.get("threshold") else m.threshold
        budget = config.parse_duration(kw["budget"]) if kw.get("budget") else m.budget
        timeout = config.parse_duration(kw["timeout"]) if kw.get("timeout") else m.timeout
    except ValueError as exc:
        raise UsageError(f"invalid option value: {exc}") from None
    min_runs = kw.get("min_runs") or (8 if quick else m.min_runs)
    max_runs = kw.get("max_runs") or (15 if quick else m.max_runs)
    if max_runs < min_runs:
        raise UsageError(f"--max-runs ({max_runs}) must be >= --min-runs ({min_runs})")
    warmups = kw["warmups"] if kw.get("warmups") is not None else m.warmups
    return {
        "rule": StopRule(
            precision=precision, min_runs=min_runs, max_runs=max_runs, warmups=warmups
        ),
        "threshold": threshold,
        "budget_s": budget,
        "timeout_s": timeout,
        "seed": kw.get("seed") if kw.get("seed") is not None else m.seed,
        "baseline": kw.get("baseline") or cfg.bakeoff.baseline,
        "offline": bool(kw.get("offline")),
        "value": cfg.value,
        "aa": bool(kw.get("aa")),
    }


def _execute(opts: Options, kw: dict[str, Any]) -> ResultsDocument:
    """Run an evaluation with a progress display, save results (also when interrupted or
    failed) and print the summary."""
    view = ProgressView()
    ev = Evaluation(opts, on_event=view, command=["bakeoff", *sys.argv[1:]])
    try:
        with view:
            doc = ev.run()
    finally:
        _save(ev.doc, kw)
    out.print(terminal.render(doc))
    if doc.status == "interrupted":
        raise Interrupted(f"interrupted: partial results saved to {kw['out_dir'] / 'results.json'}")
    if doc.measurements and not any(m.valid and m.samples for m in doc.measurements):
        raise NothingMeasured(
            "every measurement failed — nothing was compared; the reasons are in the report "
            f"({kw['out_dir'] / 'report.md'})"
        )
    return doc


def _save(doc: ResultsDocument, kw: dict[str, Any]) -> None:
    if not doc.contestants and not doc.measurements:
        return
    out_dir: Path = kw["out_dir"]
    results_mod.save(doc, out_dir / "results.json")
    results_mod.write_atomic(out_dir / "report.md", markdown.render(doc))
    results_mod.write_atomic(out_dir / "report.html", html.render(doc))
    if kw.get("json_file"):
        results_mod.save(doc, kw["json_file"])
    if kw.get("hyperfine_file"):
        results_mod.write_atomic(
            kw["hyperfine_file"], json.dumps(hyperfine.export(doc), indent=2) + "\n"
        )
    if kw.get("md_file"):
        results_mod.write_atomic(kw["md_file"], markdown.render(doc))
    err.print(
        f"[dim]results: {out_dir / 'results.json'} · reports: {out_dir / 'report.html'}, "
        f"{out_dir / 'report.md'}[/]"
    )


def _load_config(path: Path | None) -> config.Config:
    if path is not None:
        return config.load(path)
    found = config.find(Path.cwd())
    return config.load(found) if found else config.Config()
