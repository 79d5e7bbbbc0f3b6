"""What the reports show about the project's tests and about failures, computed once: the
per-runner parity summary (bakeoff's classes beside the runner's own count, and the command each
runner ran), the per-test rows, whole-suite findings, and every failed run with its cause
(reason, command, exit code, stdout and stderr tails). The terminal, Markdown and HTML
renderers only lay these out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bakeoff.render.view import ANSI, failure_line
from bakeoff.results import Failure, ResultsDocument

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
    diff: list[dict[str, Any]]
    rows: list[dict[str, Any]]
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
    info = doc.suites.get("test") or {}
    par = info.get("parity") if isinstance(info, dict) else None
    if not isinstance(par, dict) or not par.get("summary"):
        return None
    runs = info.get("runs") or {}
    cmd = info.get("command") or {}
    findings = par.get("findings") or {}
    runners: list[RunnerRow] = []
    for name, s in par["summary"].items():
        run = runs.get(name) or {}
        f = findings.get(name)
        runners.append(
            RunnerRow(
                name=name,
                runner=str(run.get("runner", "")),
                counts={c: int(s.get(c, 0)) for c in CLASSES},
                own_count=_own_count(s.get("runner_totals") or {}),
                command=str(run.get("command", "")),
                translated=[str(x) for x in run.get("translated") or []],
                finding=str(f.get("reason", "")) if isinstance(f, dict) else "",
            )
        )
    notes: list[str] = []
    for name, n in (par.get("whole_tests") or {}).items():
        notes.append(
            f"{name} reports {n} test(s) with subtests as one test; they are compared as one "
            "(failed when any part failed)"
        )
    for step in cmd.get("not_run") or []:
        notes.append(f"not run from the test script: {step}")
    for step in cmd.get("before") or []:
        notes.append(f"run once before timing (untimed): {step}")
    files = info.get("files") or {}
    if files.get("how"):
        count = files.get("count")
        notes.append(
            "test files: "
            + (f"{count} file{'' if count == 1 else 's'}, " if count is not None else "")
            + f"from {files['how']}"
        )
    if par.get("rows_truncated"):
        notes.append("the per-test table is cut at 5,000 rows (the counts cover every test)")
    return ParityView(
        tests=int(par.get("tests") or 0),
        script=str(cmd.get("script") or ""),
        source=str(cmd.get("source") or ""),
        runners=runners,
        diff=list(par.get("diff") or []),
        rows=list(par.get("rows") or par.get("diff") or []),
        names=list(par["summary"]),
        notes=notes,
        # a runner whose whole suite did not run has one finding, not one line per file
        file_errors={
            k: dict(v) for k, v in (par.get("file_errors") or {}).items() if k not in findings
        },
    )


def row_cell(row: dict[str, Any], name: str) -> str:
    """One runner's class for a test, with the reason when it did not run."""
    cls = str(row.get(name, ""))
    why = (row.get("why") or {}).get(name)
    return f"{cls} ({why})" if why else cls


def test_name(row: dict[str, Any]) -> str:
    return f"{row['file']} › {row['test']}" if row.get("file") else str(row["test"])


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
