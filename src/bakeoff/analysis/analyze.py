"""Analysis of a results document: summarise raw samples (median, CI, noise) and compare every
contestant with the baseline — primary comparisons with the sequential rule, guard-rails with a
non-inferiority check, secondary ones with a bootstrap CI and false-discovery-rate control.

Reads and fills a ``ResultsDocument``; never measures, so it can be re-run on a saved file.
"""

from __future__ import annotations

import math
from collections import defaultdict

from bakeoff.analysis import latency as latency_ci
from bakeoff.analysis import stats
from bakeoff.analysis.stats import Verdict
from bakeoff.plan import primary, sequential
from bakeoff.plan.sequential import Design
from bakeoff.results import Comparison, Measurement, ResultsDocument, latency
from bakeoff.results.suites import NAMES


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
    validly.

    * **primary** comparisons (the family declared in ``settings.primary``) use the sequential
      rule (``bakeoff.plan.sequential``): a repeated confidence interval at the level of the look
      the case stopped at, family-wise error controlled over the primary family only;
    * the service runtime's **guard-rails** (p99 latency, steady RSS at the reference rate) get a
      non-inferiority check on their 95% CI;
    * every other comparison is **secondary**: 95% bootstrap CI, and its better/worse label
      needs a Benjamini–Hochberg-adjusted p-value (false-discovery rate) below 0.05.
    """
    groups: dict[tuple[str, str, str], dict[str, Measurement]] = defaultdict(dict)
    for m in doc.measurements:
        if m.comparable:
            groups[(m.suite, m.case, m.metric)][m.contestant] = m
    family = primary.family_from(doc.settings)
    ref_case = doc.suites.serve.reference_case if doc.suites.serve else None
    out: list[Comparison] = []
    pending: list[tuple[Comparison, float]] = []
    for (suite, case, metric), by_name in groups.items():
        base = by_name.get(baseline)
        for name, m in by_name.items():
            if name == baseline:
                continue
            key_case = primary.REFERENCE if suite == "serve" and case == ref_case else case
            surface = family.get((suite, key_case, metric, name))
            comp = Comparison(
                suite=suite,
                case=case,
                metric=metric,
                baseline=baseline,
                contestant=name,
                ratio=None,
                ci=None,
                p_value=None,
                verdict="inconclusive",
                lower_is_better=m.lower_is_better,
                role="primary" if surface else "secondary",
                surface=surface,
            )
            if base is None or not base.valid or not m.valid or not base.samples or not m.samples:
                comp.reason = (
                    "baseline not measured" if base is None or not base.valid else "not measured"
                )
                out.append(comp)
                continue
            if surface:
                out.append(_primary(doc, comp, base, m, len(family), threshold))
                continue
            if m.estimator == "pooled" and base.estimator == "pooled":
                ratio, lo, hi, p = pooled_ratio(doc, base, m)
                comp.test = "block-bootstrap"
            else:
                ratio, lo, hi = stats.ratio_ci(base.samples, m.samples)
                p, comp.test = stats.difference_p(base.samples, m.samples)
            comp.ratio, comp.p_value, comp.level = ratio, p, stats.CONFIDENCE
            comp.ci = [lo, hi] if math.isfinite(lo) else None
            comp.n = max(len(base.samples), len(m.samples))
            if key_case == primary.REFERENCE and ("serve", key_case, _CPU, name) in family:
                _guardrail(comp)
            pending.append((comp, p))
    adjusted = stats.benjamini_hochberg([p for _, p in pending])
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
            correction="false-discovery-rate control",
        )
        comp.mde = _finite(stats.mde(lo, hi, threshold))
    return out + [c for c, _ in pending]


_CPU = primary.ENDPOINTS["service_runtime"].metric
_STATUS_VERDICT: dict[str, Verdict] = {
    "better": "better",
    "worse": "worse",
    "equivalent": "same",
    "undecided": "inconclusive",
}


def _design(doc: ResultsDocument, suite: str, case: str, family: int, n: int) -> Design:
    """The sequential design a primary case ran under (recorded with the case); a case measured
    without one (a fixed count) had a single look, at its last sample."""
    info = doc.suites.get(suite)
    d = info.cases[case].design if info and case in info.cases else None
    plan = doc.settings.primary
    alpha = plan.alpha if plan and plan.alpha else sequential.ALPHA
    if d is not None:
        return Design(alpha=d.alpha, family=d.family, min_n=d.min_n, max_n=d.max_n)
    return Design(alpha=alpha, family=max(1, family), min_n=max(2, n), max_n=max(2, n))


def _primary(
    doc: ResultsDocument,
    comp: Comparison,
    base: Measurement,
    m: Measurement,
    family: int,
    threshold: float,
) -> Comparison:
    """A primary comparison: the sequential look at the case's final sample count."""
    b_samples, m_samples = same_looks(base, m)
    n = max(len(b_samples), len(m_samples))
    recorded = _design(doc, comp.suite, comp.case, family, n)
    design = Design(recorded.alpha, recorded.family, recorded.min_n, recorded.max_n, threshold)
    comp.test, comp.n = "sequential-t", n
    try:
        iv = sequential.look(design, b_samples, m_samples, m.lower_is_better)
    except ValueError as exc:
        comp.reason = f"cannot compare: {exc}"
        return comp
    comp.ratio, comp.level, comp.p_value = iv.ratio, iv.level, iv.p_value
    comp.p_adjusted = min(1.0, iv.p_value * design.family * design.looks)
    comp.ci = [iv.lo, iv.hi] if math.isfinite(iv.lo) else None
    comp.verdict = _STATUS_VERDICT[iv.status]
    comp.mde = _finite(sequential.detectable(design, n, iv.log_sd))
    band = f"±{threshold:.0%}"
    where = (
        f"{iv.level:.2%} repeated CI {iv.lo:.3f}–{iv.hi:.3f}"
        if comp.ci
        else "no interval (too few runs)"
    )
    if iv.status in ("better", "worse"):
        comp.reason = f"settled after {n} runs: {where} lies outside the {band} band"
    elif iv.status == "equivalent":
        comp.reason = f"settled after {n} runs: {where} lies inside the {band} band (equivalent)"
    else:
        comp.runs_to_settle = sequential.runs_to_settle(design, iv.ratio, iv.log_sd)
        more = (
            f"; about {comp.runs_to_settle} runs per contestant would settle the observed effect"
            if comp.runs_to_settle
            else ""
        )
        comp.reason = (
            f"not settled after {n} of at most {design.max_n} runs: {where} overlaps the "
            f"{band} band{more}"
        )
    return comp


def same_looks(base: Measurement, m: Measurement) -> tuple[list[float], list[float]]:
    """Both arms' samples up to the last block both were sampled in: a candidate retired once
    its decision settled is read at that look, not against baseline samples taken after it."""
    if len(base.blocks) != len(base.samples) or len(m.blocks) != len(m.samples):
        return list(base.samples), list(m.samples)
    if not base.blocks or not m.blocks:
        return list(base.samples), list(m.samples)
    last = min(max(base.blocks), max(m.blocks))
    return (
        [x for x, b in zip(base.samples, base.blocks, strict=True) if b <= last],
        [x for x, b in zip(m.samples, m.blocks, strict=True) if b <= last],
    )


def _guardrail(comp: Comparison) -> None:
    """Mark a service-runtime guard-rail and check non-inferiority on its 95% CI."""
    margin = dict(primary.GUARDRAILS["service_runtime"]).get(comp.metric)
    if margin is None:
        return
    comp.role, comp.surface, comp.margin = "guardrail", "service_runtime", margin
    if comp.ci:
        worse_end = comp.ci[1] if comp.lower_is_better else 1 / comp.ci[0]
        better_end = comp.ci[0] if comp.lower_is_better else 1 / comp.ci[1]
        if worse_end <= 1 + margin:
            comp.noninferior = True
        elif better_end > 1 + margin:
            comp.noninferior = False


def pooled_ratio(
    doc: ResultsDocument, base: Measurement, m: Measurement
) -> tuple[float, float, float, float]:
    """Ratio of two pooled latency percentiles with a block-bootstrap CI and p-value, from the
    per-second histograms the serve suite keeps in ``doc.suites.serve.histograms``."""
    serve = doc.suites.serve
    q = latency.quantile_of(m.metric)

    def windows(name: str) -> list[latency.Histogram]:
        return [latency.normalize(w) for w in serve.windows(name, m.case)] if serve else []

    b, o = windows(base.contestant), windows(m.contestant)
    if q is None or not b or not o:
        return math.nan, math.nan, math.nan, 1.0
    return latency_ci.ratio_ci(b, o, q)


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
        if suite in NAMES:  # a suite the document has a section for
            doc.suites.ensure(suite).mde = cases
    doc.settings.baseline = base
    doc.settings.threshold = threshold
    return doc
