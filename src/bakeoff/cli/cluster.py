"""``bakeoff run --cluster ADDRESS --machines a,b``: one evaluation per machine label on Dask
workers (``bakeoff.cluster``), progress per machine, and one merged document (``bakeoff.merge``)
saved with each machine's own document beside it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.progress import TimeElapsedColumn as Elapsed

from bakeoff import config
from bakeoff.cli.app import err, out
from bakeoff.errors import ConfigError, Interrupted, NothingMeasured, UsageError


class FleetView:
    """One progress bar per machine (its current case's runs) and a line per state change."""

    def __init__(self, labels: list[str]) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[note]}"),
            Elapsed(),
            console=err,
        )
        self.tasks: dict[str, TaskID] = {}
        self.labels = labels

    def __enter__(self) -> FleetView:
        self.progress.__enter__()
        for label in self.labels:
            self.tasks[label] = self.progress.add_task(label, total=None, note="waiting")
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def line(self, label: str, text: str, style: str = "dim") -> None:
        self.progress.console.print(f"[{style}]{escape(label)}: {escape(text)}[/]")

    def __call__(self, label: str, msg: dict[str, Any]) -> None:
        task = self.tasks.get(label)
        if task is None:
            return
        p = self.progress
        kind = msg.get("kind")
        where = " · ".join(str(msg[k]) for k in ("suite", "case") if msg.get(k))
        if kind == "submitted":
            self.line(label, f"submitted (workers: {msg.get('detail')})")
        elif kind == "started":
            self.line(label, f"started on {msg.get('worker')} (pid {msg.get('pid')})")
            p.update(task, note="started")
        elif kind in ("message", "warning"):
            self.line(label, str(msg.get("detail")), "yellow" if kind == "warning" else "dim")
        elif kind == "case_start":
            p.update(task, completed=0, total=msg.get("total") or None, note=where)
        elif kind == "run":
            p.update(task, completed=msg.get("done") or 0, note=f"{where} · {msg['contestant']}")
        elif kind == "suite_start":
            p.update(task, note=f"running {msg.get('suite')}")
        elif kind == "finished":
            failed = msg.get("status") == "failed" or msg.get("detail")
            text = str(msg.get("status")) + (f": {msg['detail']}" if msg.get("detail") else "")
            self.line(label, text, "bold red" if failed else "green")
            p.update(task, note=str(msg.get("status")))


def _labels(text: str | None) -> list[str]:
    from bakeoff.merge import check_label

    labels = [x.strip() for x in (text or "").split(",") if x.strip()]
    if not labels:
        raise UsageError("--cluster needs --machines LABEL[,LABEL...] (the workers' resources)")
    if len(set(labels)) != len(labels):
        raise UsageError(f"--machines {text}: a label is named twice")
    return [check_label(x) for x in labels]


def run_fleet(
    path: Path,
    cfg: config.Config,
    wanted: list[str],
    settings: dict[str, Any],
    quick: bool,
    address: str | None,
    machines: str | None,
    machine_timeout: str,
    kw: dict[str, Any],
) -> None:
    from bakeoff import cluster, merge
    from bakeoff import results as results_mod
    from bakeoff.cli import guard
    from bakeoff.cli.common import _output_files, _save_or_fall_back
    from bakeoff.errors import ResultsError
    from bakeoff.render import terminal

    if not address:
        raise UsageError("--machines needs --cluster tcp://scheduler:8786")
    labels = _labels(machines)
    try:
        timeout_s = config.parse_duration(machine_timeout)
    except ValueError as exc:
        raise ConfigError(f"--machine-timeout {machine_timeout!r}: {exc}") from None
    out_dir: Path = kw["out_dir"]
    guard.check_outputs(out_dir, _output_files(kw))  # before anything is measured
    project = path.parent.resolve()
    skip = [out_dir.resolve().name] if out_dir.resolve().parent == project else []
    archive = cluster.pack(project, skip)
    err.print(
        f"[dim]shipping {project} to each machine: {archive.files} files, "
        f"{len(archive.data) / 1024:,.0f} KiB (sources only; dependencies are installed on "
        "each machine)[/]"
    )
    command = ["bakeoff", *sys.argv[1:]]
    runtimes = list(kw["runtimes"] or cfg.bakeoff.runtimes)
    jobs = cluster.make_jobs(labels, path, archive, wanted, settings, runtimes, quick, command)
    with FleetView(labels) as view:
        fleet = cluster.fan_out(address, jobs, view, timeout_s)
    inputs, failures = [], []
    for o in fleet.outcomes:
        if o.document is not None:
            source = o.worker or address
            inputs.append(merge.Input(o.document, source, o.label, o.failure, o.timed_out))
        else:
            failures.append(
                merge.failed_machine(o.label, o.failure or "no result", o.worker, o.timed_out)
            )
    # the labels are the user's, one per machine: two on one host (a loopback test, or two
    # workers of one box) are kept apart as a declared repeat, with a warning
    merged = merge.merge(inputs, repeat=True, failures=failures, command=command)
    merge.price(merged, cfg.value, {})
    with guard.deferred():  # a SIGTERM now waits until the results are on disk
        saved_to = _save_or_fall_back(merged, kw)
        for run in merged.machines:
            if run.document is not None:
                folder = (saved_to or out_dir) / "machines" / run.label
                results_mod.save(run.document, folder / "results.json")
    out.print(terminal.render(merged))
    if fleet.interrupted:
        where = saved_to or out_dir
        raise Interrupted(f"interrupted: partial results saved to {where / 'results.json'}")
    if saved_to is not None:
        raise ResultsError(
            f"could not write the results to {out_dir}; they were saved to {saved_to}"
        )
    if not any(
        m.valid and m.samples
        for run in merged.machines
        if run.document is not None
        for m in run.document.measurements
    ):
        raise NothingMeasured(
            "no machine produced a valid measurement — the reasons are in the report "
            f"({out_dir / 'report.md'})"
        )
