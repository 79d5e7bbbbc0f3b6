"""What the reports show about the project's tests and about failures, computed once: the
per-runner parity summary (bakeoff's classes beside the runner's own count, and the command each
runner ran), the per-test rows, whole-suite findings, and every failed run with its cause
(reason, command, exit code, stdout and stderr tails). The terminal, Markdown and HTML
renderers only lay these out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bakeoff.results import Failure, ResultsDocument
from bakeoff.results.suites import ParityRow, TestCommandInfo
from bakeoff.results.tails import ANSI, failure_line

CLASSES = ("passed", "failed", "skipped", "not run", "not collected")
TERMINAL_DIFF_ROWS = 15


@dataclass(frozen=True)
class RunnerRow:
    name: str
    runner: str
    counts: dict[str, int]
    own_count: str  # what the runner itself reported ("127 tests, 127 pass")
    command: str
    translated: list[str]
    finding: str  # the whole suite did not run: why ("" when it ran)


@dataclass(frozen=True)
class ParityView:
    tests: int
    script: str
    source: str
    runners: list[RunnerRow]
    diff: list[ParityRow]
    rows: list[ParityRow]
    names: list[str]
    notes: list[str]
    file_errors: dict[str, dict[str, str]]


def _own_count(totals: dict[str, Any]) -> str:
    if not totals:
        return "–"
    tests = totals.get("tests")
    parts = [f"{tests} tests"] if tests is not None else []
    for key, label in (
        ("pass", "pass"),
        ("fail", "fail"),
        ("failures", "fail"),
        ("errors", "errors"),
        ("skipped", "skipped"),
        ("cancelled", "cancelled"),
        ("suites_failed_to_run", "suites failed to run"),
    ):
        v = totals.get(key)
        if v:
            parts.append(f"{v} {label}")
    return ", ".join(parts)


def parity(doc: ResultsDocument) -> ParityView | None:
    info = doc.suites.test
    par = info.parity if info else None
    if info is None or par is None or not par.summary:
        return None
    cmd = info.command or TestCommandInfo()
    findings = par.findings
    runners: list[RunnerRow] = []
    for name, s in par.summary.items():
        run = info.runs.get(name)
        f = findings.get(name)
        runners.append(
            RunnerRow(
                name=name,
                runner=run.runner if run else "",
                counts={c: s.count(c) for c in CLASSES},
                own_count=_own_count(s.runner_totals),
                command=run.command if run else "",
                translated=list(run.translated) if run else [],
                finding=f.reason if f else "",
            )
        )
    notes: list[str] = []
    for name, n in par.whole_tests.items():
        notes.append(
            f"{name} reports {n} test(s) with subtests as one test; they are compared as one "
            "(failed when any part failed)"
        )
    for step in cmd.not_run:
        notes.append(f"not run from the test script: {step}")
    for step in cmd.before:
        notes.append(f"run once before timing (untimed): {step}")
    files = info.files
    if files and files.how:
        count = files.count
        notes.append(
            "test files: "
            + (f"{count} file{'' if count == 1 else 's'}, " if count is not None else "")
            + f"from {files.how}"
        )
    if par.rows_truncated:
        notes.append("the per-test table is cut at 5,000 rows (the counts cover every test)")
    return ParityView(
        tests=par.tests,
        script=cmd.script or "",
        source=cmd.source,
        runners=runners,
        diff=list(par.diff),
        rows=list(par.rows or par.diff),
        names=list(par.summary),
        notes=notes,
        # a runner whose whole suite did not run has one finding, not one line per file
        file_errors={k: dict(v) for k, v in par.file_errors.items() if k not in findings},
    )


def row_cell(row: ParityRow, name: str) -> str:
    """One runner's class for a test, with the reason when it did not run."""
    cls = row.status.get(name, "")
    why = row.why.get(name)
    return f"{cls} ({why})" if why else cls


def test_name(row: ParityRow) -> str:
    return f"{row.file} › {row.test}" if row.file else row.test


# -- failures -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class FailureView:
    where: str  # "test · tests"
    contestant: str
    line: str  # reason + most telling output line
    failure: Failure


def failures(doc: ResultsDocument) -> list[FailureView]:
    """Every failed run kept in the document, once per (suite, case, contestant, reason)."""
    out: list[FailureView] = []
    seen: set[tuple[str, str, str, str]] = set()
    for m in doc.measurements:
        for f in m.failures:
            key = (m.suite, m.case, m.contestant, f.reason)
            if key in seen:
                continue
            seen.add(key)
            out.append(FailureView(f"{m.suite} · {m.case}", m.contestant, failure_line(f), f))
    return out


def tail_lines(text: str, n: int = 8) -> list[str]:
    lines = [ln.rstrip() for ln in ANSI.sub("", text or "").splitlines() if ln.strip()]
    return lines[-n:]


def exit_text(f: Failure) -> str:
    if f.timed_out:
        return "timed out"
    if f.signal is not None:
        return f"signal {f.signal}"
    return "exit code –" if f.exit_code is None else f"exit code {f.exit_code}"
