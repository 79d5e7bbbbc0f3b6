"""The command line: parse arguments, call the library, render, and map errors to messages and
exit codes — in one place (``main``). Library modules never print or exit."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from bakeoff import __version__, analyze, config
from bakeoff import results as results_mod
from bakeoff.errors import BakeoffError, ConfigError, Interrupted, UsageError
from bakeoff.events import Event
from bakeoff.plan import StopRule
from bakeoff.render import markdown, terminal
from bakeoff.results import ResultsDocument
from bakeoff.runtimes.provision import Provisioner
from bakeoff.session import Evaluation, Options
from bakeoff.suites.startup import (
    BUILTIN_CASES,
    DEFAULT_CASES,
    QUICK_CASES,
    StartupCase,
    user_case,
)

out = Console()
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

DEMO_RUNTIMES = ("node@lts", "bun@latest", "deno@latest")


class ProgressView:
    """Renders progress events as Rich progress bars on stderr."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[note]}"),
            TimeElapsedColumn(),
            console=err,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}
        self.downloads: dict[str, TaskID] = {}

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
                    f"download {ev.detail}", total=ev.total or None, note=""
                )
            p.update(self.downloads[ev.detail], completed=ev.done, total=ev.total or None)
        elif ev.kind == "message":
            p.console.print(f"[dim]{ev.detail}[/]")
        elif ev.kind == "case_start":
            self.tasks[key] = p.add_task(
                f"{ev.suite} · {ev.case}", total=ev.total, note="warming up"
            )
        elif ev.kind == "run" and key in self.tasks:
            p.update(self.tasks[key], completed=ev.done, note=ev.contestant)
        elif ev.kind == "case_end" and key in self.tasks:
            task = self.tasks[key]
            p.update(task, total=p.tasks[task].completed or 1, note=ev.detail)


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
    return doc


def _save(doc: ResultsDocument, kw: dict[str, Any]) -> None:
    if not doc.contestants and not doc.measurements:
        return
    out_dir: Path = kw["out_dir"]
    results_mod.save(doc, out_dir / "results.json")
    results_mod.write_atomic(out_dir / "report.md", markdown.render(doc))
    if kw.get("json_file"):
        results_mod.save(doc, kw["json_file"])
    if kw.get("md_file"):
        results_mod.write_atomic(kw["md_file"], markdown.render(doc))
    err.print(f"[dim]results: {out_dir / 'results.json'} · report: {out_dir / 'report.md'}[/]")


def _load_config(path: Path | None) -> config.Config:
    if path is not None:
        return config.load(path)
    found = config.find(Path.cwd())
    return config.load(found) if found else config.Config()


# --------------------------------------------------------------------------------------------
@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bakeoff")
def cli() -> None:
    """Measure Node.js, Bun and Deno side by side on your own project — honestly."""


@cli.command()
@click.option("--quick", is_flag=True, help="Fewer cases and runs: about a minute.")
@measure_options
def demo(quick: bool, **kw: Any) -> None:
    """Evaluate the bundled sample project (provisions node@lts, bun@latest, deno@latest)."""
    s = _settings(config.Config(), kw, quick)
    cases = QUICK_CASES if quick else DEFAULT_CASES
    opts = Options(
        runtimes=list(kw["runtimes"] or DEMO_RUNTIMES),
        startup_cases=[BUILTIN_CASES[c] for c in cases],
        **s,
    )
    _execute(opts, kw)


@cli.command(context_settings={"ignore_unknown_options": True})
@click.option(
    "--case",
    "cases",
    multiple=True,
    type=click.Choice(list(BUILTIN_CASES)),
    help="Built-in case(s) to run instead of the defaults (repeatable).",
)
@click.option("--cold", is_flag=True, help="Empty runtime caches before every sample of SCRIPT.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, exists=True),
    help="bakeoff.toml to read (default: the nearest one).",
)
@measure_options
@click.argument("script_and_args", nargs=-1, type=click.UNPROCESSED)
def startup(
    cases: tuple[str, ...],
    cold: bool,
    config_path: Path | None,
    script_and_args: tuple[str, ...],
    **kw: Any,
) -> None:
    """Compare start-up time, hyperfine-style.

    \b
    bakeoff startup -r node@24 -r bun@latest -r deno@2 -- app.js --flag
    bakeoff startup -r node@lts -r bun@latest --case hello --case imports:cold
    """
    cfg = _load_config(config_path)
    s = _settings(cfg, kw)
    chosen: list[StartupCase] = [BUILTIN_CASES[c] for c in cases]
    if script_and_args:
        script, *args = script_and_args
        if not Path(script).is_file():
            raise UsageError(f"script not found: {script}")
        chosen.append(user_case(Path(script).name, script, args, cache="cold" if cold else None))
    if not chosen:
        chosen = [BUILTIN_CASES[c] for c in (cfg.startup.cases or DEFAULT_CASES)]
        chosen += [
            user_case(sc.name, sc.script, sc.args, cache=sc.cache) for sc in cfg.startup.scripts
        ]
    opts = Options(runtimes=list(kw["runtimes"] or cfg.bakeoff.runtimes), startup_cases=chosen, **s)
    _execute(opts, kw)


@cli.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="bakeoff.toml to read (default: the nearest one).",
)
@click.option(
    "--suite", "suites", default="startup", show_default=True, help="Comma-separated suites to run."
)
@click.option("--quick", is_flag=True, help="Fewer runs.")
@measure_options
def run(config_path: Path | None, suites: str, quick: bool, **kw: Any) -> None:
    """Run the suites enabled in bakeoff.toml."""
    path = config_path or config.find(Path.cwd())
    if path is None:
        raise ConfigError(
            "no bakeoff.toml here or in any parent folder",
            "write one (see the README), or use `bakeoff startup`",
        )
    cfg = config.load(path)
    wanted = {x.strip() for x in suites.split(",") if x.strip()}
    unknown = wanted - {"startup"}
    if unknown:
        raise UsageError(f"unknown suite(s): {', '.join(sorted(unknown))} (available: startup)")
    s = _settings(cfg, kw, quick)
    base = path.parent
    cases: list[StartupCase] = []
    if "startup" in wanted and cfg.startup.enabled:
        names = (
            cfg.startup.cases
            if cfg.startup.cases is not None
            else (QUICK_CASES if quick else DEFAULT_CASES)
        )
        for n in names:
            if n not in BUILTIN_CASES:
                raise ConfigError(
                    f"{path}: startup.cases: unknown case {n!r} "
                    f"(expected one of {', '.join(BUILTIN_CASES)})"
                )
        cases = [BUILTIN_CASES[n] for n in names]
        cases += [
            user_case(sc.name, str(base / sc.script), sc.args, cache=sc.cache)
            for sc in cfg.startup.scripts
        ]
    opts = Options(runtimes=list(kw["runtimes"] or cfg.bakeoff.runtimes), startup_cases=cases, **s)
    _execute(opts, kw)


@cli.command()
@click.argument("results_file", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["term", "md", "json"]), default="term", show_default=True
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
    text = markdown.render(doc) if fmt == "md" else doc.to_json() + "\n"
    if output:
        results_mod.write_atomic(output, text)
    else:
        click.echo(text, nl=False)


# -- runtimes --------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: the one place that maps exceptions to messages and exit codes."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="bakeoff",
            standalone_mode=False,
        )
    except click.exceptions.Abort:
        err.print("aborted")
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except Interrupted as exc:
        err.print(f"[yellow]{exc}[/]")
        return exc.exit_code
    except BakeoffError as exc:
        err.print(f"[bold red]error:[/] {exc.message}")
        if exc.hint:
            err.print(f"  {exc.hint}")
        return exc.exit_code
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
    return 0


def entry() -> None:
    sys.exit(main())


__all__ = ["cli", "entry", "main"]
