"""Migration cost and payback from the compatibility findings: checks that fail for a
candidate but not for the baseline (in the areas the project uses) and project tests that fail
under the candidate, each with a user-editable effort, plus a fixed effort for any switch."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bakeoff.results import ResultsDocument
from bakeoff.value.lines import dec, money
from bakeoff.value.usage import Usage

FAILING = ("fail", "error", "timeout")


def project_areas(doc: ResultsDocument, configured: list[str] | None) -> list[str] | None:
    """The compat areas that matter: the configured ones, else those the compat suite's scan
    found the project using (none, when it found none), else — no scan ran — every area
    (None)."""
    if configured is not None:
        return configured
    scan = (doc.suites.get("compat") or {}).get("scan") or {}
    areas = scan.get("areas") if isinstance(scan, dict) else None
    return [str(a) for a in areas] if isinstance(areas, list) else None


def compat_findings(
    doc: ResultsDocument, who: str, baseline: str, areas: list[str] | None
) -> list[dict[str, str]]:
    base_bad = {
        (c.area, c.check) for c in doc.compat if c.contestant == baseline and c.status in FAILING
    }
    return [
        {"area": c.area, "check": c.check, "status": c.status, "detail": c.detail}
        for c in doc.compat
        if c.contestant == who
        and c.status in FAILING
        and (c.area, c.check) not in base_bad
        and (areas is None or c.area in areas)
    ]


def _failing(entry: Any) -> tuple[int, set[str] | None]:
    if isinstance(entry, int):
        return entry, None
    if not isinstance(entry, dict):
        return 0, None
    names = entry.get("failing") or entry.get("failed_tests")
    if isinstance(names, list):
        return len(names), {str(n) for n in names}
    n = entry.get("failed", entry.get("fail", 0))
    return (int(n) if isinstance(n, int | float) else 0), None


def failing_tests(doc: ResultsDocument, who: str, baseline: str) -> tuple[int, list[str]]:
    """Project tests failing under ``who`` that do not fail under the baseline."""
    parity = (doc.suites.get("test") or {}).get("parity") or {}
    if isinstance(parity, dict) and isinstance(parity.get("diff"), list):
        # the test suite's parity table: a test counts when it passed under the baseline and
        # failed (or did not run) under the candidate
        new = sorted(
            str(row.get("test"))
            for row in parity["diff"]
            if isinstance(row, dict)
            and row.get(baseline) == "passed"
            and row.get(who) in ("failed", "missing")
        )
        return len(new), new
    if not isinstance(parity, dict) or who not in parity:
        return 0, []
    n, names = _failing(parity[who])
    bn, bnames = _failing(parity.get(baseline))
    if names is not None:
        new = sorted(names - (bnames or set()))
        return len(new), new
    return max(0, n - bn), []


def estimate(doc: ResultsDocument, who: str, baseline: str, usage: Usage) -> dict[str, Any]:
    m = usage.migration
    findings = compat_findings(doc, who, baseline, project_areas(doc, m.areas))
    n_tests, test_names = failing_tests(doc, who, baseline)
    hours = (
        m.fixed_hours
        + len(findings) * m.hours_per_failing_check
        + n_tests * m.hours_per_failing_test
    )
    cost = dec(hours) * dec(usage.migration_rate)
    return {
        "findings": findings,
        "failing_tests": n_tests,
        "failing_test_names": test_names[:20],
        "hours": hours,
        "cost": money(cost),
        "rate": usage.migration_rate,
        "formula": f"{m.fixed_hours:g} h fixed + {len(findings)} failing check(s) × "
        f"{m.hours_per_failing_check:g} h + {n_tests} failing test(s) × "
        f"{m.hours_per_failing_test:g} h",
    }


def payback_months(cost: Decimal, monthly_saving: Decimal | None) -> float | None:
    """Months until the saving pays for the migration (``None``: never)."""
    if monthly_saving is None or monthly_saving <= 0:
        return None
    if cost <= 0:
        return 0.0
    return float(cost / monthly_saving)
