"""Terminal renderables for the test parity summary (counts per class beside each runner's own
count, the differences, whole-suite findings) and for every failure with its cause. Text is
never read as Rich markup: a test name or an error line may contain ``[...]``."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from bakeoff.render import parity_view as pv
from bakeoff.results import ResultsDocument

FAILURE_TAIL_LINES = 4


def t(text: str, style: str = "") -> Text:
    """Plain text for a Rich table cell or line (no markup parsing)."""
    return Text(text, style=style)


def parity(doc: ResultsDocument) -> list[RenderableType]:
    view = pv.parity(doc)
    if view is None:
        return []
    table = Table(
        title=t(f"test parity — {view.tests} tests compared (by file and full name)"),
        title_justify="left",
    )
    for col in ("runner", *pv.CLASSES, "runner's own count"):
        table.add_column(
            col, justify="left" if col in ("runner", "runner's own count") else "right"
        )
    for r in view.runners:
        table.add_row(
            t(f"{r.name}: {r.runner}" if r.runner else r.name),
            *(
                t(str(r.counts[c]), "bold red" if c == "failed" and r.counts[c] else "")
                for c in pv.CLASSES
            ),
            t(r.own_count),
        )
    parts: list[RenderableType] = [table]
    lines: list[Text] = []
    if view.script:
        lines.append(t(f"  the project's test command: {view.script} ({view.source})", "dim"))
    for r in view.runners:
        if r.finding:
            lines.append(t(f"  {r.name}: the suite did not run — {r.finding}", "bold red"))
    lines += [t(f"  {n}", "dim") for n in view.notes]
    for name, errs in view.file_errors.items():
        for file, why in list(errs.items())[:5]:
            lines.append(t(f"  {name}: {file} did not load — {why}", "yellow"))
        if len(errs) > 5:
            lines.append(t(f"  {name}: … {len(errs) - 5} more files that did not load", "yellow"))
    # a runner whose whole suite did not run differs on every test: its finding says why
    ran = [r.name for r in view.runners if not r.finding]
    diff = [row for row in view.diff if len({row.status.get(n) for n in ran}) > 1]
    if len(diff) < len(view.diff):
        lines.append(
            t(
                f"  {len(view.diff) - len(diff)} test(s) differ only because a suite did not run",
                "dim",
            )
        )
    if diff:
        lines.append(t(f"  {len(diff)} test(s) differ between runners that ran:", "bold"))
        for row in diff[: pv.TERMINAL_DIFF_ROWS]:
            cells = ", ".join(f"{n} {pv.row_cell(row, n)}" for n in view.names)
            lines.append(t(f"    {pv.test_name(row)}: {cells}"))
        if len(diff) > pv.TERMINAL_DIFF_ROWS:
            lines.append(
                t(
                    f"    … {len(diff) - pv.TERMINAL_DIFF_ROWS} more in report.md / "
                    "report.html (the full per-test table)",
                    "dim",
                )
            )
    elif view.tests and not view.diff:
        lines.append(t("  every runner gave every test the same outcome", "dim"))
    for r in view.runners:
        if r.translated:
            lines.append(t(f"  {r.name}, translated: {'; '.join(r.translated)}", "dim"))
    lines.append(t("  the command each runner ran: report.md / report.html, Test parity", "dim"))
    parts.extend(lines)
    return parts


def _short(command: str, limit: int = 220) -> str:
    return command if len(command) <= limit else command[: limit - 1] + "…"


def failures(doc: ResultsDocument) -> list[RenderableType]:
    """Every failed run: the reason, what ran, its exit, the last lines of its output."""
    views = pv.failures(doc)
    if not views:
        return []
    out: list[RenderableType] = [t("failures (cause, command, exit, output tails):", "bold red")]
    for v in views:
        f = v.failure
        out.append(t(f"  [{v.where}] {v.contestant}: {v.line}", "red"))
        detail = [pv.exit_text(f)]
        if f.command:
            detail.append(f"command: {_short(f.command)}")
        out.append(t("    " + " · ".join(detail), "dim"))
        for label, text in (("stderr", f.stderr_tail), ("stdout", f.stdout_tail)):
            lines = pv.tail_lines(text, FAILURE_TAIL_LINES)
            if lines:
                out.append(t(f"    {label}: " + "\n            ".join(lines), "dim"))
    return out
