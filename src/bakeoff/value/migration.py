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
from bakeoff.suites import testparity
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
    """Project tests that ran and failed under ``who`` and passed under the baseline. A test
    that did not run (the file did not load, the suite did not run, not collected) is not a
    failing test: it is counted by ``unrun_tests`` and makes the estimate incomplete."""
    parity = (doc.suites.get("test") or {}).get("parity") or {}
    if isinstance(parity, dict) and isinstance(parity.get("diff"), list):
        new = testparity.migration_failing(parity, who, baseline)
        return len(new), new
    if not isinstance(parity, dict) or who not in parity:
        return 0, []
    n, names = _failing(parity[who])
    bn, bnames = _failing(parity.get(baseline))
    if names is not None:
        new = sorted(names - (bnames or set()))
        return len(new), new
    return max(0, n - bn), []


def suite_findings(doc: ResultsDocument, who: str, baseline: str) -> list[dict[str, str]]:
    """The test suite as a whole did not run under ``who`` while it ran under the baseline
    (e.g. Deno cannot load a CommonJS project): one finding with its cause, not N failures."""
    parity = (doc.suites.get("test") or {}).get("parity") or {}
    findings = parity.get("findings") if isinstance(parity, dict) else None
    if not isinstance(findings, dict) or who not in findings or baseline in findings:
        return []
    f = findings[who]
    return [
        {
            "area": "test suite",
            "check": "the suite loads",
            "status": "fail",
            "detail": str(f.get("reason", "")),
        }
    ]


def unrun_tests(doc: ResultsDocument, who: str) -> int:
    parity = (doc.suites.get("test") or {}).get("parity") or {}
    return testparity.not_run(parity, who) if isinstance(parity, dict) else 0


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
