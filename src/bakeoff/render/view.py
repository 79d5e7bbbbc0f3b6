"""What the reports show, computed once from a results document: headlines and table rows.
The terminal and Markdown renderers only lay these out."""

from __future__ import annotations

from dataclasses import dataclass

from bakeoff.results import Comparison, Measurement, ResultsDocument
from bakeoff.results.suites import CaseInfo
from bakeoff.results.tails import failure_line


def measurement_failure(m: Measurement | None) -> str:
    """Why a measurement has no usable value: its last failure, else its last note."""
    if m is None:
        return "not measured"
    if m.failures:
        return failure_line(m.failures[-1])
    return m.notes[-1] if m.notes else "no valid samples"


VERBS = {"startup": "started"}
HEADLINE_CASES = ("hello", "empty", "imports:warm", "cold-lockfile", "total", "tests", "bundle")


def fmt_num(x: float | None, digits: int = 3) -> str:
    if x is None:
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}" if abs(x) < 10 else f"{x:.1f}"


def fmt_ci(ci: list[float] | None) -> str:
    return f"{fmt_num(ci[0])}–{fmt_num(ci[1])}" if ci else "–"


def speedup(comp: Comparison) -> tuple[float, list[float] | None]:
    """How many times faster the contestant is (>1 = faster) with its CI."""
    assert comp.ratio
    ci = [1 / comp.ci[1], 1 / comp.ci[0]] if comp.ci and comp.ci[0] > 0 else None
    return 1 / comp.ratio, ci


def headline(comp: Comparison, suite_verb: str) -> str:
    if comp.ratio is None or comp.verdict == "inconclusive":
        return f"{comp.contestant} vs {comp.baseline}: inconclusive ({comp.reason})"
    s, ci = speedup(comp)
    if comp.verdict == "same":
        return (
            f"{comp.contestant} {suite_verb} about as fast as {comp.baseline} "
            f"(ratio {comp.ratio:.3f}, {comp.ci_name} {fmt_ci(comp.ci)}; {comp.reason})"
        )
    if s >= 1:
        ci_txt = f"{ci[0]:.2f}–{ci[1]:.2f}" if ci else "–"
        return (
            f"{comp.contestant} {suite_verb} {s:.2f}× faster than {comp.baseline} "
            f"({comp.ci_name} {ci_txt})"
        )
    inv_ci = f"{comp.ci[0]:.2f}–{comp.ci[1]:.2f}" if comp.ci else "–"
    return (
        f"{comp.contestant} {suite_verb} {comp.ratio:.2f}× slower than {comp.baseline} "
        f"({comp.ci_name} {inv_ci})"
    )


def headlines(doc: ResultsDocument) -> list[str]:
    out: list[str] = []
    comps = [c for c in doc.comparisons if c.metric in ("wall_ms", "wall_s")]
    index = {(m.suite, m.case, m.metric, m.contestant): m for m in doc.measurements}
    for suite in dict.fromkeys(c.suite for c in comps):
        cases = [c.case for c in comps if c.suite == suite]
        case = next((c for c in HEADLINE_CASES if c in cases), cases[0] if cases else None)
        verb = VERBS.get(suite, "ran")
        out.extend(
            f"[{suite} · {case}] " + (failed_headline(c, index) or headline(c, verb))
            for c in comps
            if c.suite == suite and c.case == case
        )
    return out


def failed_headline(comp: Comparison, index: dict[tuple[str, str, str, str], Measurement]) -> str:
    """For a comparison without a ratio because a side ran and failed: who failed and why
    (empty when both sides have valid measurements or neither ran)."""
    if comp.ratio is not None:
        return ""
    for who in (comp.contestant, comp.baseline):
        m = index.get((comp.suite, comp.case, comp.metric, who))
        if m is not None and not m.valid:
            return f"{who}: {comp.suite} did not complete — {measurement_failure(m)}"
    return ""


@dataclass(frozen=True)
class Row:
    contestant: str
    wall: Measurement | None
    cpu: Measurement | None
    rss: Measurement | None
    comparison: Comparison | None
    notes: list[str]  # each names its contestant (and metric, for sample-noise warnings)


@dataclass(frozen=True)
class CaseTable:
    suite: str
    case: str
    description: str
    stop_reason: str
    rows: list[Row]


def participants(doc: ResultsDocument) -> list[str]:
    """Contestants, then any other names measurements use (toolchains such as ``pnpm`` or
    ``bun+node`` in the dev-loop suites), in order of appearance."""
    names = [c.name for c in doc.contestants]
    return list(dict.fromkeys([*names, *(m.contestant for m in doc.measurements)]))


def case_info(doc: ResultsDocument, suite: str, case: str) -> CaseInfo:
    """How a case ran (empty when its suite recorded nothing about it)."""
    info = doc.suites.get(suite)
    return info.cases.get(case) or CaseInfo() if info else CaseInfo()


def _num(x: float | None) -> str:
    return "?" if x is None else f"{x:g}"


def case_tables(doc: ResultsDocument) -> list[CaseTable]:
    index = {(m.suite, m.case, m.metric, m.contestant): m for m in doc.measurements}
    comps = {(c.suite, c.case, c.metric, c.contestant): c for c in doc.comparisons}
    order = participants(doc)
    tables: list[CaseTable] = []
    keys = dict.fromkeys((m.suite, m.case) for m in doc.measurements if m.metric == "wall_ms")
    for suite, case in keys:
        info = case_info(doc, suite, case)
        rows = []
        for name in order:
            wall = index.get((suite, case, "wall_ms", name))
            if wall is None:
                continue
            notes = [note_text(wall, n) for n in wall.notes]
            if wall.failures:
                notes.append(f"{name}: {failure_line(wall.failures[-1])}")
            for other in ("cpu_ms", "peak_rss_mb"):
                m = index.get((suite, case, other, name))
                if m:
                    notes += [note_text(m, n) for n in m.notes]
            notes = list(dict.fromkeys(notes))
            rss = index.get((suite, case, "peak_rss_mb", name))
            rows.append(
                Row(
                    name,
                    wall,
                    index.get((suite, case, "cpu_ms", name)),
                    rss,
                    comps.get((suite, case, "wall_ms", name)),
                    notes,
                )
            )
        tables.append(
            CaseTable(
                suite,
                case,
                info.description,
                info.stop_reason or "",
                rows,
            )
        )
    return tables


def verdict_text(comp: Comparison | None) -> str:
    if comp is None:
        return "baseline"
    return comp.verdict


def ratio_text(comp: Comparison | None) -> str:
    if comp is None or comp.ratio is None:
        return "–" if comp else "1"
    return f"{comp.ratio:.3f} ({fmt_ci(comp.ci)})"


STOP_TEXT = {
    "precision": "reached the precision target",
    "max_runs": "hit --max-runs before the precision target",
    "budget": "time budget spent",
    "interrupted": "interrupted (Ctrl-C)",
}


def run_header(doc: ResultsDocument) -> str:
    """One line: who ran, where, and with which stopping rule."""
    who = " · ".join(f"{c.name} {c.version}" for c in doc.contestants)
    env = doc.environment
    st = doc.settings
    rule = ""
    if st.precision:
        rule = (
            f" — target ±{st.precision:.0%}, {st.min_runs}–{st.max_runs} runs, {st.warmups} warm-up"
        )
    machine = f"{env.cpu_model or '?'}, {env.cores_logical or '?'} cores"
    return f"{who} — {machine}{rule}"


def noise_line(doc: ResultsDocument) -> str:
    """Machine noise readings around the run (load, CPU frequency, steal)."""
    env = doc.environment
    b, a = env.noise_before, env.noise_after
    if b is None:
        return ""
    after = a.load_avg[0] if a and a.load_avg else "?"
    parts = [f"load {b.load_avg[0] if b.load_avg else '?'} before / {after} after"]
    if b.cpu_freq_mhz:
        parts.append(f"CPU {b.cpu_freq_mhz:g}→{_num(a.cpu_freq_mhz if a else None)} MHz")
    if env.steal_fraction is not None:
        parts.append(f"steal {env.steal_fraction:.1%}")
    if env.governor:
        parts.append(f"governor {env.governor}")
    return "noise: " + ", ".join(parts)


# -- generic metric tables (every suite whose cases are not timed process runs) ---------------
METRIC_LABELS = {
    "wall_ms": "wall time",
    "wall_s": "wall time",
    "cpu_ms": "CPU time",
    "cpu_s": "CPU time",
    "peak_rss_mb": "peak RSS",
    "output_kb": "output size",
    "billable_min": "billable minutes",
    "node_modules_mb": "node_modules size",
    "node_modules_files": "node_modules files",
    "ready_ms": "time to ready",
    "idle_rss_mb": "idle RSS",
    "latency_p50_ms": "p50 latency",
    "latency_p90_ms": "p90 latency",
    "latency_p95_ms": "p95 latency",
    "latency_p99_ms": "p99 latency",
    "latency_max_ms": "max latency",
    "cpu_ms_per_1k_req": "CPU per 1k requests",
    "rss_steady_mb": "RSS under load (median)",
    "achieved_rps": "achieved rate",
    "throughput_rps": "saturation throughput",
    "rss_slope_mb_per_min": "RSS growth after warm-up",
    "rss_end_mb": "RSS at the end",
}


UNIT_SUFFIXES = ("_ms", "_s", "_mb", "_kb", "_rps", "_min", "_pct")


def metric_label(metric: str) -> str:
    """A metric's name for people, without its unit suffix (the unit is shown beside it)."""
    if metric in METRIC_LABELS:
        return METRIC_LABELS[metric]
    base = next((metric[: -len(s)] for s in UNIT_SUFFIXES if metric.endswith(s)), metric)
    return base.replace("_", " ")


def metric_with_unit(metric: str, unit: str) -> str:
    """ "wall time (s)": the label, then the unit once."""
    return f"{metric_label(metric)} ({unit})" if unit else metric_label(metric)


@dataclass(frozen=True)
class MetricRow:
    metric: str
    contestant: str
    measurement: Measurement
    comparison: Comparison | None
    is_baseline: bool


@dataclass(frozen=True)
class MetricTable:
    suite: str
    case: str
    title: str
    rows: list[MetricRow]
    notes: list[str]


def _case_title(doc: ResultsDocument, suite: str, case: str) -> str:
    if suite == "serve" and case.startswith("rate:"):
        return f"fixed rate {case[5:]} req/s (open loop, latency from the intended send time)"
    if suite == "serve" and case == "saturation":
        engine = doc.suites.serve.engines.get("saturation", "") if doc.suites.serve else ""
        return f"closed-loop saturation ({engine.split(' (')[0]})" if engine else "saturation"
    if suite == "serve" and case == "ready":
        return "spawn to first successful readiness response; RSS once ready"
    return ""


def metric_tables(doc: ResultsDocument) -> list[MetricTable]:
    """One table per (suite, case) without a ``wall_ms`` metric: rows are metric × contestant."""
    base = doc.settings.baseline
    comps = {(c.suite, c.case, c.metric, c.contestant): c for c in doc.comparisons}
    order = {name: i for i, name in enumerate(participants(doc))}
    groups: dict[tuple[str, str], list[Measurement]] = {}
    for m in doc.measurements:
        groups.setdefault((m.suite, m.case), []).append(m)
    tables: list[MetricTable] = []
    for (suite, case), ms in groups.items():
        if any(m.metric == "wall_ms" for m in ms):
            continue
        metrics = list(dict.fromkeys(m.metric for m in ms))
        rows: list[MetricRow] = []
        notes: list[str] = []
        for metric in metrics:
            for m in sorted(
                (m for m in ms if m.metric == metric), key=lambda m: order.get(m.contestant, 99)
            ):
                rows.append(
                    MetricRow(
                        metric,
                        m.contestant,
                        m,
                        comps.get((suite, case, metric, m.contestant)),
                        m.contestant == base,
                    )
                )
                notes += [note_text(m, n) for n in m.notes]
                if m.failures:
                    notes.append(f"{m.contestant}: {failure_line(m.failures[-1])}")
        tables.append(
            MetricTable(
                suite, case, _case_title(doc, suite, case), rows, list(dict.fromkeys(notes))
            )
        )
    return tables


NOISE_NOTES = ("unstable:", "outliers:", "samples under 1 ms")


def note_text(m: Measurement, note: str) -> str:
    """A measurement's note for a report line: sample-noise warnings name their metric (wall
    and CPU time can both be unstable); other notes apply to the contestant's whole run."""
    if note.startswith(NOISE_NOTES) or " samples under 1 ms" in note:
        return f"{m.contestant} · {metric_label(m.metric)}: {note}"
    return f"{m.contestant}: {note}"


def value_text(m: Measurement) -> str:
    if not m.valid or m.median is None:
        return "–"
    ci = f" ({fmt_ci(m.ci)})" if m.ci else ""
    return f"{fmt_num(m.median)}{ci}"


def row_ratio(row: MetricRow) -> str:
    if not row.measurement.comparable:
        return ""
    if row.is_baseline:
        return "1"
    return ratio_text(row.comparison)


def row_verdict(row: MetricRow) -> str:
    if not row.measurement.valid:
        return "invalid"
    if row.is_baseline:
        return "baseline"
    if not row.measurement.comparable:
        return ""
    return verdict_text(row.comparison)


def metric_headline(comp: Comparison) -> str:
    """ "bun: p99 latency 0.85× node's (95% CI 0.80–0.91) — better"."""
    label = metric_label(comp.metric)
    if comp.ratio is None:
        return f"{comp.contestant} vs {comp.baseline}, {label}: inconclusive ({comp.reason})"
    return (
        f"{comp.contestant}: {label} {comp.ratio:.2f}× {comp.baseline}'s "
        f"({comp.ci_name} {fmt_ci(comp.ci)}) — {comp.verdict}"
    )


def serve_headlines(doc: ResultsDocument) -> list[str]:
    """The serve suite's key comparisons: p99 at the highest valid rate, saturation
    throughput, CPU per request, time to ready."""
    comps = [c for c in doc.comparisons if c.suite == "serve"]
    rates = sorted(
        {c.case for c in comps if c.case.startswith("rate:")}, key=lambda c: float(c[5:])
    )
    picks = [("ready", "ready_ms")]
    if rates:
        picks += [(rates[-1], "latency_p99_ms"), (rates[-1], "cpu_ms_per_1k_req")]
    picks.append(("saturation", "throughput_rps"))
    out = []
    for case, metric in picks:
        for c in comps:
            if c.case == case and c.metric == metric:
                where = f"serve · {case}"
                out.append(f"[{where}] {metric_headline(c)}")
    return out


def budget_cuts(doc: ResultsDocument) -> list[str]:
    """What the time budget cut short: suites not run, cases stopped early."""
    out: list[str] = []
    for name, info in doc.suites.items():
        if not isinstance(info, dict):
            continue
        if info.get("cut"):
            out.append(f"{name}: {info['cut']}")
        cases = info.get("cases")
        for case, c in cases.items() if isinstance(cases, dict) else []:
            if isinstance(c, dict) and c.get("stop_reason") == "budget":
                out.append(f"{name} · {case}: stopped early by the time budget")
    return out


def mde_text(doc: ResultsDocument, suite: str, case: str) -> str:
    """The minimum detectable effect of a case's wall time, as a sentence (empty if unknown)."""
    info = doc.suites.get(suite)
    mde = info.mde.get(case, {}).get("wall_ms") if info else None
    if mde is None:
        return ""
    return f"differences under {mde:.1%} could not be detected on this run"


def aa_text(doc: ResultsDocument) -> str:
    """The A/A self-check summary (empty when the run had no A/A arm)."""
    aa = doc.suites.aa
    if not aa or not aa.comparisons:
        return ""
    floor = aa.noise_floor
    mde = aa.mde_median
    return (
        f"A/A self-check: {aa.false_positives} false positive(s) in {aa.comparisons} "
        f"comparisons; noise floor {float(floor or 0):.1%}; "
        f"median minimum detectable effect {float(mde or 0):.1%}"
    )
