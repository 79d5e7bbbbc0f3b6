"""The compatibility matrix (area x contestant pass counts) and the failure list, computed from
the ``CompatResult``s in a results document. Pure functions: rendering and the suite share them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from bakeoff.results import CompatResult

STATUSES = ("pass", "fail", "error", "timeout", "skip")


def matrix(results: Iterable[CompatResult]) -> dict[str, dict[str, dict[str, int]]]:
    """``{area: {contestant: {status: count, "total": n}}}`` for every area that has results."""
    out: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: dict.fromkeys((*STATUSES, "total"), 0))
    )
    for r in results:
        cell = out[r.area][r.contestant]
        cell[r.status] += 1
        cell["total"] += 1
    return {a: {c: dict(v) for c, v in cs.items()} for a, cs in sorted(out.items())}


def totals(results: Iterable[CompatResult]) -> dict[str, dict[str, Any]]:
    """Per contestant: counts by status, total and pass rate over checks that ran (not skipped)."""
    out: dict[str, dict[str, Any]] = {}
    for r in results:
        t = out.setdefault(r.contestant, {**dict.fromkeys(STATUSES, 0), "total": 0})
        t[r.status] += 1
        t["total"] += 1
    for t in out.values():
        ran = t["total"] - t["skip"]
        t["pass_rate"] = round(t["pass"] / ran, 4) if ran else None
    return out


def failures(results: Iterable[CompatResult]) -> list[dict[str, str]]:
    """Every check that did not pass (fail/error/timeout), ordered by area, check, contestant."""
    bad = [r for r in results if r.status in ("fail", "error", "timeout")]
    bad.sort(key=lambda r: (r.area, r.check, r.contestant))
    return [
        {
            "area": r.area,
            "check": r.check,
            "contestant": r.contestant,
            "status": r.status,
            "detail": r.detail,
        }
        for r in bad
    ]


def only_failing_for(results: list[CompatResult], baseline: str) -> list[CompatResult]:
    """Non-passing results of other contestants on checks the baseline passes: the real gaps
    (a check the reference fails says nothing about the others)."""
    ref_pass = {
        (r.area, r.check) for r in results if r.contestant == baseline and r.status == "pass"
    }
    return [
        r
        for r in results
        if r.contestant != baseline
        and r.status in ("fail", "error", "timeout")
        and (r.area, r.check) in ref_pass
    ]
