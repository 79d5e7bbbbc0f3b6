"""Test parity across runners: the same test matched by file and full name path, every test
that a runner did not report classified honestly, and a whole-suite failure kept as one finding.

Matching. A test is identified by its file and its name path (``describe > ... > title``). When
one runner reports a test as a single leaf and another reports its subtests (Bun's JUnit gives a
node:test test with ``t.test`` subtests as one testcase; Deno gives ``t.step`` steps separately),
both are compared at the coarser unit: the parent, which failed when any part failed. A runner
that does not name the file (Deno's node:test ``describe`` blocks) is matched by name alone
when exactly one file has that name.

Classes per unit and runner: ``passed``, ``failed`` (ran and failed — the only class that counts
as failing), ``skipped`` (skipped by the test itself), ``not run`` (with the reason: the file did
not load, the suite did not run, the runner cancelled it) and ``not collected`` (the runner ran
the file but did not report the test).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bakeoff.results.suites import Parity
from bakeoff.suites.testreport import SEP, Report, TestOutcome

CLASSES = ("passed", "failed", "skipped", "not run", "not collected")
ROW_LIMIT = 5000  # rows kept in the document (the summary counts every test)


@dataclass
class RunnerResult:
    """One runner's last run: its report (None when there is none) and how the run went."""

    name: str
    report: Report | None
    command: str = ""
    exit_code: int | None = None
    stdout_tail: str = ""
    stderr_tail: str = ""
    error: str = ""  # why there is no report, or why the whole suite failed
    files: list[str] | None = None  # the files it was given (None: its own selection)
    output_errors: dict[str, str] = field(default_factory=dict)  # from its console output


def _resolve_files(results: list[RunnerResult]) -> dict[str, list[TestOutcome]]:
    """Each runner's tests, with a missing file filled in when the name is in one file only."""
    by_name: dict[str, set[str]] = {}
    for r in results:
        for t in r.report.tests if r.report else []:
            if t.file is not None:
                for n in _ancestors(t.name):
                    by_name.setdefault(n, set()).add(t.file)
    out: dict[str, list[TestOutcome]] = {}
    for r in results:
        tests: list[TestOutcome] = []
        for t in r.report.tests if r.report else []:
            if t.file is None:
                files = by_name.get(t.name, set())
                if len(files) == 1:
                    t = TestOutcome(t.name, t.status, t.message, next(iter(files)))
            tests.append(t)
        out[r.name] = tests
    return _align_spelling(out)


_QUOTES = re.compile(r"[\"'`]")
_SPACE = re.compile(r"\s+")


def _spelling(name: str) -> str:
    """A name without quotes, runs of white space as one space: runners format ``test.each``
    arguments differently (vitest ``[ '/' ]``, Bun ``[ "/" ]``; a tab printed or not)."""
    return _SPACE.sub(" ", _QUOTES.sub("", name)).strip()


def _align_spelling(tests: dict[str, list[TestOutcome]]) -> dict[str, list[TestOutcome]]:
    """A test no other runner reports under its exact name takes the name another runner
    gives it when they differ only in quotes and white space — when exactly one such name of
    that file is missing from this runner (the first runner's spelling wins: the
    baseline's)."""
    exact: dict[tuple[str | None, str], set[str]] = {}
    for who, ts in tests.items():
        for t in ts:
            exact.setdefault((t.file, t.name), set()).add(who)
    spelled: dict[tuple[str | None, str], list[str]] = {}
    for file, name in exact:
        spelled.setdefault((file, _spelling(name)), []).append(name)
    order = {who: i for i, who in enumerate(tests)}
    out: dict[str, list[TestOutcome]] = {}
    for who, ts in tests.items():
        fixed: list[TestOutcome] = []
        for t in ts:
            alone = exact[(t.file, t.name)] == {who}
            others = [
                n
                for n in spelled.get((t.file, _spelling(t.name)), [])
                if n != t.name
                and who not in exact[(t.file, n)]
                and min(order[w] for w in exact[(t.file, n)]) < order[who]
            ]
            if alone and len(others) == 1:
                t = TestOutcome(others[0], t.status, t.message, t.file)
            fixed.append(t)
        out[who] = fixed
    return out


def _ancestors(name: str) -> list[str]:
    """``a > b > c`` → ``a``, ``a > b``, ``a > b > c``."""
    parts = name.split(SEP)
    return [SEP.join(parts[: i + 1]) for i in range(len(parts))]


def _aggregate(statuses: list[str]) -> str:
    if "failed" in statuses:
        return "failed"
    if "passed" in statuses:
        return "passed"
    if "cancelled" in statuses:
        return "cancelled"
    return "skipped"


def _file_key(file: str | None) -> str:
    return file or "?"


def compare(results: list[RunnerResult], baseline: str | None = None) -> Parity:
    """The parity block of the results document (``suites.test.parity``)."""
    tests = _resolve_files(results)
    leaves = {(t.file, t.name) for ts in tests.values() for t in ts}

    def unit(file: str | None, name: str) -> tuple[str | None, str]:
        for n in _ancestors(name):
            if (file, n) in leaves:
                return file, n
        return file, name

    # per runner: unit → statuses and first failure message
    got: dict[str, dict[tuple[str | None, str], list[str]]] = {}
    messages: dict[str, dict[tuple[str | None, str], str]] = {}
    for r in results:
        per: dict[tuple[str | None, str], list[str]] = {}
        msgs: dict[tuple[str | None, str], str] = {}
        for t in tests[r.name]:
            key = unit(t.file, t.name)
            per.setdefault(key, []).append(t.status)
            if t.status == "failed" and key not in msgs:
                msgs[key] = t.message
        got[r.name] = per
        messages[r.name] = msgs
    units = sorted({k for per in got.values() for k in per}, key=lambda k: (_file_key(k[0]), k[1]))
    # units some runner reported as one test while another reported their subtests
    parts: dict[tuple[str | None, str], set[str]] = {}
    for ts in tests.values():
        for t in ts:
            parts.setdefault(unit(t.file, t.name), set()).add(t.name)
    whole: dict[str, int] = {}
    for r in results:
        own = {(t.file, t.name) for t in tests[r.name]}
        n = sum(1 for k in units if k in own and len(parts.get(k, ())) > 1)
        if n:
            whole[r.name] = n
    findings = {r.name: f for r in results if (f := suite_finding(r, results)) is not None}
    rows: list[dict[str, Any]] = []
    reasons: dict[str, dict[str, str]] = {r.name: {} for r in results}
    for key in units:
        file, name = key
        row: dict[str, Any] = {"file": file, "test": name, "status": {}}
        for r in results:
            cls, why = _classify(r, got[r.name].get(key), file, findings.get(r.name), tests[r.name])
            row["status"][r.name] = cls
            if why:
                row.setdefault("why", {})[r.name] = why
                reasons[r.name].setdefault(why, why)
        rows.append(row)
    diff = [row for row in rows if len(set(row["status"].values())) > 1]
    summary: dict[str, dict[str, Any]] = {}
    for r in results:
        counts = {c: 0 for c in CLASSES}
        for row in rows:
            counts[row["status"][r.name]] += 1
        summary[r.name] = {
            **counts,
            "reported": len(tests[r.name]),
            "runner_totals": dict(r.report.totals) if r.report else {},
            "files_given": len(r.files) if r.files is not None else None,
        }
    failures = {
        r.name: [
            {"file": k[0], "test": k[1], "message": messages[r.name].get(k, "")}
            for k in units
            if _aggregate(got[r.name].get(k, [])) == "failed" and got[r.name].get(k)
        ][:50]
        for r in results
    }
    file_errors = {r.name: _file_errors(r) for r in results if _file_errors(r)}
    for r in results:
        summary[r.name]["files_not_loaded"] = len(file_errors.get(r.name, {}))
    return Parity.model_validate(
        {
            "tests": len(units),
            "baseline": baseline,
            # runner → how many compared tests it reported as one while another runner reported
            # their subtests (compared as one test, failed when any part failed)
            "whole_tests": whole,
            "classes": list(CLASSES),
            "summary": summary,
            "diff": diff[:ROW_LIMIT],
            "rows": rows[:ROW_LIMIT],
            "rows_truncated": len(rows) > ROW_LIMIT,
            "failures": failures,
            "file_errors": file_errors,
            "findings": findings,
        }
    )


def _file_errors(r: RunnerResult) -> dict[str, str]:
    errs = dict(r.output_errors)
    if r.report:
        for f, why in r.report.file_errors.items():
            # the console's error line says more than a report's "test failed"
            errs[f] = errs.get(f) or why
    return errs


def _classify(
    r: RunnerResult,
    statuses: list[str] | None,
    file: str | None,
    finding: dict[str, Any] | None,
    tests: list[TestOutcome],
) -> tuple[str, str]:
    if statuses:
        status = _aggregate(statuses)
        if status == "cancelled":
            return "not run", f"cancelled by {r.name} (its parent test or file failed or timed out)"
        return status, ""
    if finding is not None:
        return "not run", "the suite did not run (see its finding)"
    errors = _file_errors(r)
    if file is not None and file in errors:
        return "not run", "the file did not load (see the file errors)"
    if file is not None and r.files is not None and file not in r.files:
        return "not run", f"{file} was not in the file list given to {r.name}"
    if file is not None and not any(t.file == file for t in tests):
        return "not run", f"{r.name} reported nothing for {file} (the file did not run or load)"
    where = file or "its files"
    return "not collected", (
        f"{r.name} ran {where} but did not report this test (not defined when it loaded: "
        "tests generated at run time, a condition or a filter)"
    )


def suite_finding(r: RunnerResult, results: list[RunnerResult]) -> dict[str, Any] | None:
    """One finding when the whole suite did not run under ``r``: no report, or a report with no
    test while another runner ran some (every file failed to load, a missing loader...)."""
    reported = len(r.report.tests) if r.report else 0
    others = max((len(o.report.tests) for o in results if o.report and o is not r), default=0)
    errors = _file_errors(r)
    if r.report is not None and (reported or not (others or errors)):
        return None  # it ran tests, or nobody did and nothing failed (a project without tests)
    if r.report is None:
        kind = "no report"
        reason = r.error or f"{r.name} wrote no report"
    else:
        kind = "no tests ran"
        common = _common(list(errors.values()))
        reason = (
            f"every test file failed to load: {common}"
            if common
            else r.error or f"{r.name} ran none of the {others} tests"
        )
    return {
        "kind": kind,
        "reason": reason,
        "command": r.command,
        "exit_code": r.exit_code,
        "stdout_tail": r.stdout_tail[-1500:],
        "stderr_tail": r.stderr_tail[-1500:],
        "files_failed": len(errors),
    }


def _common(reasons: list[str]) -> str:
    """The error most files share (or the first), with how many files had it."""
    if not reasons:
        return ""
    counts: dict[str, int] = {}
    for x in reasons:
        counts[x] = counts.get(x, 0) + 1
    top, n = max(counts.items(), key=lambda kv: kv[1])
    return top + (f" ({n} of {len(reasons)} files)" if len(reasons) > 1 else "")
