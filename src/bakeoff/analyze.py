"""Analysis of a results document: summarise raw samples (median, CI, noise) and compare every
contestant with the baseline (ratio with CI, Mann–Whitney U, Holm correction, verdict).

Reads and fills a ``ResultsDocument``; never measures, so it can be re-run on a saved file.
"""

from __future__ import annotations

import math
from collections import defaultdict

from bakeoff import stats
from bakeoff.measure import latency
from bakeoff.results import Comparison, Measurement, ResultsDocument


def summarize(m: Measurement) -> Measurement:
    """Fill ``median``, ``ci``, ``n`` and ``noise`` from ``samples`` (in place; returns it)."""
    m.n = len(m.samples)
    if m.estimator == "pooled":  # the suite estimated it from merged raw data
        if m.samples:
            m.noise = stats.noise_summary(m.samples, unit_ms=m.unit == "ms")
        return m
    if not m.samples:
        m.median, m.ci = None, None
        m.valid = False
        return m
    est = stats.median_ci(m.samples)
    m.median, m.ci = est.median, [est.lo, est.hi]
    m.noise = stats.noise_summary(m.samples, unit_ms=m.unit == "ms")
    for warning in stats.noise_warnings(m.noise):
        if warning not in m.notes:
            m.notes.append(warning)
    return m


def compare(
    doc: ResultsDocument, baseline: str, threshold: float = stats.DEFAULT_THRESHOLD
) -> list[Comparison]:
    """Compare each contestant with ``baseline`` on every (suite, case, metric) both measured
    validly. Holm correction runs across all comparisons of the document."""
    groups: dict[tuple[str, str, str], dict[str, Measurement]] = defaultdict(dict)
    for m in doc.measurements:
        if m.comparable:
            groups[(m.suite, m.case, m.metric)][m.contestant] = m
    pending: list[tuple[Comparison, float]] = []
    skipped: list[Comparison] = []
    for (suite, case, metric), by_name in groups.items():
        base = by_name.get(baseline)
        for name, m in by_name.items():
            if name == baseline:
                continue
            if base is None or not base.valid or not m.valid or not base.samples or not m.samples:
                why = "baseline not measured" if base is None or not base.valid else "not measured"
                skipped.append(
                    Comparison(
                        suite=suite,
                        case=case,
                        metric=metric,
                        baseline=baseline,
                        contestant=name,
                        ratio=None,
                        ci=None,
                        p_value=None,
                        verdict="inconclusive",
                        reason=why,
                    )
                )
                continue
            if m.estimator == "pooled" and base.estimator == "pooled":
                ratio, lo, hi, p = pooled_ratio(doc, base, m)
                test = "block-bootstrap"
            else:
                ratio, lo, hi = stats.ratio_ci(base.samples, m.samples)
                p, test = stats.difference_p(base.samples, m.samples)
            comp = Comparison(
                suite=suite,
                case=case,
                metric=metric,
                baseline=baseline,
                contestant=name,
                ratio=ratio,
                ci=[lo, hi] if math.isfinite(lo) else None,
                p_value=p,
                verdict="inconclusive",
                lower_is_better=m.lower_is_better,
                test=test,
            )
            pending.append((comp, p))
    adjusted = stats.holm([p for _, p in pending])
    for (comp, _), p_adj in zip(pending, adjusted, strict=True):
        comp.p_adjusted = p_adj
        lo, hi = comp.ci if comp.ci else (math.nan, math.nan)
        comp.verdict, comp.reason = stats.verdict(
            comp.ratio if comp.ratio is not None else math.nan,
            lo,
            hi,
            p_adj,
            comp.lower_is_better,
            threshold,
        )
        comp.mde = _finite(stats.mde(lo, hi, threshold))
    return [c for c, _ in pending] + skipped


def pooled_ratio(
    doc: ResultsDocument, base: Measurement, m: Measurement
) -> tuple[float, float, float, float]:
    """Ratio of two pooled latency percentiles with a block-bootstrap CI and p-value, from the
    per-second histograms the serve suite keeps in ``doc.suites["serve"]["histograms"]``."""
    hists = doc.suites.get(m.suite, {}).get("histograms", {})
    q = latency.quantile_of(m.metric)

    def windows(name: str) -> list[latency.Histogram]:
        reps = hists.get(name, {}).get(m.case, [])
        return [latency.normalize(w) for rep in reps for w in rep]

    b, o = windows(base.contestant), windows(m.contestant)
    if q is None or not b or not o:
        return math.nan, math.nan, math.nan, 1.0
    return latency.ratio_ci(b, o, q)


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def case_mdes(
    doc: ResultsDocument, threshold: float = stats.DEFAULT_THRESHOLD
) -> dict[str, dict[str, dict[str, float | None]]]:
    """Minimum detectable effect per suite, case and metric: the largest MDE among the case's
    comparisons (the weakest comparison bounds what the case could detect), or, for a case with
    a single valid contestant, the MDE of comparing that contestant's samples with themselves.
    Every case gets one, so every report can say what it could not have seen."""
    out: dict[str, dict[str, dict[str, float | None]]] = defaultdict(lambda: defaultdict(dict))
    for c in doc.comparisons:
        if c.mde is None:
            continue
        cur = out[c.suite][c.case].get(c.metric)
        out[c.suite][c.case][c.metric] = c.mde if cur is None else max(cur, c.mde)
    for m in doc.measurements:
        if m.valid and len(m.samples) >= 2 and m.metric not in out[m.suite][m.case]:
            out[m.suite][m.case][m.metric] = _finite(stats.self_mde(m.samples, threshold))
    return {s: dict(cases) for s, cases in out.items()}


def analyze(
    doc: ResultsDocument, baseline: str | None = None, threshold: float = stats.DEFAULT_THRESHOLD
) -> ResultsDocument:
    """Summarise every measurement and recompute every comparison (in place; returns ``doc``)."""
    for m in doc.measurements:
        summarize(m)
    base = baseline or (doc.contestants[0].name if doc.contestants else None)
    doc.comparisons = compare(doc, base, threshold) if base else []
    for suite, cases in case_mdes(doc, threshold).items():
        doc.suites.setdefault(suite, {})["mde"] = cases
    doc.settings["baseline"] = base
    doc.settings["threshold"] = threshold
    return doc
