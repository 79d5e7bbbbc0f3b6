"""Migration cost and payback from the compatibility findings: checks that fail for a
candidate but not for the baseline (in the areas the project uses), a test suite that does not
load under the candidate (one finding), and project tests that ran and failed under the
candidate while passing under the baseline, each with a user-editable effort, plus a fixed
effort for any switch. Tests that did not run are not failures: they leave the estimate
incomplete, and it says so."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bakeoff.results import ResultsDocument
from bakeoff.results.money import MigrationFinding
from bakeoff.results.suites import Parity
from bakeoff.value.lines import dec, money
from bakeoff.value.usage import Usage

FAILING = ("fail", "error", "timeout")


def project_areas(doc: ResultsDocument, configured: list[str] | None) -> list[str] | None:
    """The compat areas that matter: the configured ones, else those the compat suite's scan
    found the project using (none, when it found none), else — no scan ran — every area
    (None)."""
    if configured is not None:
        return configured
    compat = doc.suites.compat
    return list(compat.scan.areas) if compat and compat.scan else None


def compat_findings(
    doc: ResultsDocument, who: str, baseline: str, areas: list[str] | None
) -> list[MigrationFinding]:
    base_bad = {
        (c.area, c.check) for c in doc.compat if c.contestant == baseline and c.status in FAILING
    }
    return [
        MigrationFinding(area=c.area, check=c.check, status=c.status, detail=c.detail)
        for c in doc.compat
        if c.contestant == who
        and c.status in FAILING
        and (c.area, c.check) not in base_bad
        and (areas is None or c.area in areas)
    ]


def _parity(doc: ResultsDocument) -> Parity | None:
    return doc.suites.test.parity if doc.suites.test else None


def failing_tests(doc: ResultsDocument, who: str, baseline: str) -> tuple[int, list[str]]:
    """Project tests that ran and failed under ``who`` and passed under the baseline. A test
    that did not run (the file did not load, the suite did not run, not collected) is not a
    failing test: it is counted by ``unrun_tests`` and makes the estimate incomplete."""
    parity = _parity(doc)
    if parity is None:
        return 0, []
    new = migration_failing(parity, who, baseline)
    return len(new), new


def suite_findings(doc: ResultsDocument, who: str, baseline: str) -> list[MigrationFinding]:
    """The test suite as a whole did not run under ``who`` while it ran under the baseline
    (e.g. Deno cannot load a CommonJS project): one finding with its cause, not N failures."""
    parity = _parity(doc)
    if parity is None or who not in parity.findings or baseline in parity.findings:
        return []
    f = parity.findings[who]
    return [
        MigrationFinding(area="test suite", check="the suite loads", status="fail", detail=f.reason)
    ]


def unrun_tests(doc: ResultsDocument, who: str) -> int:
    parity = _parity(doc)
    return not_run(parity, who) if parity else 0


def estimate(doc: ResultsDocument, who: str, baseline: str, usage: Usage) -> dict[str, Any]:
    m = usage.migration
    findings = compat_findings(doc, who, baseline, project_areas(doc, m.areas))
    findings += suite_findings(doc, who, baseline)
    n_tests, test_names = failing_tests(doc, who, baseline)
    unrun = unrun_tests(doc, who)
    hours = (
        m.fixed_hours
        + len(findings) * m.hours_per_failing_check
        + n_tests * m.hours_per_failing_test
    )
    cost = dec(hours) * dec(usage.migration_rate)
    unknown = (
        f"{unrun} project test(s) did not run under {who}: their effort is unknown, not counted"
        if unrun
        else ""
    )
    return {
        "findings": findings,
        "failing_tests": n_tests,
        "failing_test_names": test_names[:20],
        "unrun_tests": unrun,
        "unknown": unknown,
        "complete": not unrun,
        "hours": hours,
        "cost": money(cost),
        "rate": usage.migration_rate,
        "formula": f"{m.fixed_hours:g} h fixed + {len(findings)} failing check(s) × "
        f"{m.hours_per_failing_check:g} h + {n_tests} failing test(s) × "
        f"{m.hours_per_failing_test:g} h" + (f" ({unknown})" if unknown else ""),
    }


def payback_months(cost: Decimal, monthly_saving: Decimal | None) -> float | None:
    """Months until the saving pays for the migration (``None``: never)."""
    if monthly_saving is None or monthly_saving <= 0:
        return None
    if cost <= 0:
        return 0.0
    return float(cost / monthly_saving)


# readers of the test suite's parity section (bakeoff.suites.testparity writes it)
def migration_failing(parity: Parity, who: str, baseline: str) -> list[str]:
    """Tests that ran and failed under ``who`` and passed under ``baseline``."""
    return sorted(
        (f"{row.file}: {row.test}" if row.file else row.test)
        for row in parity.diff
        if row.status.get(who) == "failed" and row.status.get(baseline) == "passed"
    )


def not_run(parity: Parity, who: str) -> int:
    s = parity.summary.get(who)
    return s.not_run + s.not_collected if s else 0
