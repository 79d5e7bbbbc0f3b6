"""Measured inputs for the cost model, read from a results document at one of three points:
``mid`` (the medians), ``lo`` and ``hi`` (the ends of the uncertainty range). For a contestant
compared with the baseline, ``lo``/``hi`` are the baseline's median times the ends of the
ratio's 95% CI, so a savings range carries the comparison's uncertainty; the baseline itself is
always at its median. Every value read is recorded as a reference so a cost line can say which
measurement it came from.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from bakeoff.results import Comparison, Measurement, ResultsDocument

Point = Literal["lo", "mid", "hi"]
NOISE = ("unstable:", "outliers:", "noise watch:", "only ")  # remarks, not reasons
POINTS: tuple[Point, ...] = ("lo", "mid", "hi")


def rate_of(case: str) -> float | None:
    """The request rate of a serve case named ``rate:<rps>``."""
    if not case.startswith("rate:"):
        return None
    try:
        return float(case.split(":", 1)[1])
    except ValueError:
        return None


class Inputs:
    def __init__(self, doc: ResultsDocument, baseline: str) -> None:
        self.doc = doc
        self.baseline = baseline
        self.index: dict[tuple[str, str, str, str], Measurement] = {
            (m.suite, m.case, m.metric, m.contestant): m
            for m in doc.measurements
            if m.valid and m.median is not None
        }
        self.comps: dict[tuple[str, str, str, str], Comparison] = {
            (c.suite, c.case, c.metric, c.contestant): c for c in doc.comparisons
        }

    def has(self, suite: str, case: str, metric: str, contestant: str) -> bool:
        return (suite, case, metric, contestant) in self.index

    def cases(self, suite: str) -> list[str]:
        return list(dict.fromkeys(k[1] for k in self.index if k[0] == suite))

    def get(self, suite: str, case: str, metric: str, who: str, point: Point) -> float | None:
        m = self.index.get((suite, case, metric, who))
        if m is None or m.median is None:
            return None
        if point == "mid" or who == self.baseline:
            return m.median
        comp = self.comps.get((suite, case, metric, who))
        base = self.index.get((suite, case, metric, self.baseline))
        if comp and comp.ci and base and base.median is not None and comp.ratio is not None:
            lo, hi = base.median * comp.ci[0], base.median * comp.ci[1]
        elif m.ci:
            lo, hi = m.ci[0], m.ci[1]
        else:
            return m.median
        lo, hi = min(lo, hi, m.median), max(lo, hi, m.median)
        return lo if point == "lo" else hi

    def ref(self, suite: str, case: str, metric: str, who: str) -> dict[str, Any]:
        m = self.index[(suite, case, metric, who)]
        out: dict[str, Any] = {
            "suite": suite,
            "case": case,
            "metric": metric,
            "contestant": who,
            "median": m.median,
            "unit": m.unit,
        }
        if m.ci:
            out["ci"] = list(m.ci)
        comp = self.comps.get((suite, case, metric, who))
        if comp and comp.ratio is not None:
            out["ratio"] = comp.ratio
            out["ratio_ci"] = comp.ci
        return out

    def missing(self, suite: str, case: str, metric: str, who: str) -> str:
        """Why ``who`` has no usable value for this measurement: the suite failed (its reason)
        or it was not measured."""
        for m in self.doc.measurements:
            if (m.suite, m.case, m.metric, m.contestant) != (suite, case, metric, who):
                continue
            if m.failures:
                return f"{suite} failed for {who}: {m.failures[-1].reason}"
            # the note that made it unusable, not a sample-noise remark
            notes = [n for n in m.notes if not n.startswith(NOISE)]
            if notes:
                return f"{suite} not usable for {who}: {notes[-1]}"
            return f"{suite} not usable for {who}"
        return f"{suite} not measured for {who}"

    def first(self, who: str, options: list[tuple[str, str, str]]) -> tuple[str, str, str] | None:
        """The first (suite, case, metric) of ``options`` measured for ``who``."""
        return next((o for o in options if self.has(*o, who)), None)

    def serve_rate_case(self, peak_rps: float, contestants: list[str]) -> str | None:
        """The ``rate:<rps>`` case nearest the usage's peak rate that every contestant with
        serve results measured CPU per request for."""
        with_serve = [
            c for c in contestants if any(k[0] == "serve" for k in self.index if k[3] == c)
        ]
        best: tuple[float, float, str] | None = None
        for case in self.cases("serve"):
            rps = rate_of(case)
            if rps is None or rps <= 0:
                continue
            if not all(self.has("serve", case, "cpu_ms_per_1k_req", c) for c in with_serve):
                continue
            dist = abs(math.log(rps / peak_rps)) if peak_rps > 0 else -rps
            key = (dist, -rps, case)
            if best is None or key < best:
                best = key
        return best[2] if best else None
