"""How progress events are shown on stderr: live Rich progress bars in an interactive terminal,
one plain line per step in CI logs and pipes (``CI`` set, or stderr not a terminal), so a log
never fills with redrawn bars. Colour follows Rich's rules (``NO_COLOR`` turns it off,
``FORCE_COLOR`` on)."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Protocol

from rich.markup import escape

from bakeoff.cli.app import err

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from bakeoff.events import Event


class View(Protocol):
    def __enter__(self) -> View: ...

    def __exit__(self, *exc: object) -> None: ...

    def __call__(self, ev: Event) -> None: ...


def in_ci(env: dict[str, str] | None = None) -> bool:
    """``CI`` set to anything but empty/0/false (GitHub Actions, GitLab, CircleCI... set it)."""
    value = (os.environ if env is None else env).get("CI", "")
    return value.strip().lower() not in ("", "0", "false", "no")


def make_view() -> View:
    """Bars for a person at a terminal; lines for CI and pipes."""
    if in_ci() or not err.is_terminal:
        return LineView()
    return ProgressView()


class LineView:
    """One line per step — a suite or case starting and ending, a download, a message — with
    the time since the start, and never a redraw."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.downloads: set[str] = set()
        self.suite_started: dict[str, float] = {}

    def __enter__(self) -> LineView:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def _line(self, text: str) -> None:
        elapsed = time.monotonic() - self.started
        err.print(f"[dim]\\[{elapsed:6.1f}s][/] {escape(text)}", soft_wrap=True, highlight=False)

    def __call__(self, ev: Event) -> None:
        where = f"{ev.suite} · {ev.case}"
        if ev.kind == "download":
            finished = bool(ev.total) and ev.done >= ev.total
            if ev.detail not in self.downloads:
                self.downloads.add(ev.detail)
                size = f" ({ev.total / 1e6:.1f} MB)" if ev.total else ""
                self._line(f"downloading {ev.detail}{size}")
            if finished and f"{ev.detail} done" not in self.downloads:
                self.downloads.add(f"{ev.detail} done")
                self._line(f"downloaded {ev.detail}")
        elif ev.kind == "message":
            self._line(ev.detail)
        elif ev.kind == "suite_start":
            self.suite_started[ev.suite] = time.monotonic()
            self._line(f"suite {ev.done + 1}/{ev.total}: {ev.suite}{budget_note(ev)}")
        elif ev.kind == "suite_end":
            took = time.monotonic() - self.suite_started.get(ev.suite, self.started)
            self._line(f"suite {ev.done}/{ev.total}: {ev.suite} done in {took:.1f}s")
        elif ev.kind == "case_start":
            self._line(f"{where}: started")
        elif ev.kind == "case_end":
            why = f" ({ev.detail})" if ev.detail and ev.detail != "done" else ""
            self._line(f"{where}: finished{why}")


class ProgressView:
    """Renders progress events as Rich progress bars on stderr."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            Task,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class BoundColumn(TimeRemainingColumn):
            """Time remaining, only for tasks that have an honest bound on it."""

            def render(self, task: Task) -> Text:
                if not task.fields.get("left"):
                    return Text("")
                return super().render(task)

        self.progress: Progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[note]}"),
            TimeElapsedColumn(),
            # a case's total is its most runs (deciding cases stop once settled): time left is
            # an upper bound, and the whole evaluation (suites of very different lengths) gets
            # none rather than a made-up one
            TextColumn("{task.fields[left]}"),
            BoundColumn(),
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
            p.update(self.overall, completed=ev.done, total=ev.total, note=note + budget_note(ev))
        elif ev.kind == "case_start":
            self.tasks[key] = p.add_task(
                f"{ev.suite} · {ev.case}", total=ev.total, note="warming up", left="at most"
            )
        elif ev.kind == "run" and key in self.tasks:
            p.update(self.tasks[key], completed=ev.done, note=ev.contestant)
        elif ev.kind == "case_end" and key in self.tasks:
            task = self.tasks[key]
            p.update(task, total=p.tasks[task].completed or 1, note=ev.detail, left="")


def budget_note(ev: Event) -> str:
    """`` · at most 3:20 left (budget)`` when a time budget bounds the measuring: the only
    honest figure for the whole evaluation (its suites differ too much to extrapolate)."""
    left = ev.data.get("budget_left_s")
    if not isinstance(left, float):
        return ""
    m, s = divmod(round(left), 60)
    return f" · at most {m}:{s:02d} left (budget)"
