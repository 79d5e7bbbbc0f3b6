"""What the reports show, computed once from a results document: headlines and table rows.
The terminal and Markdown renderers only lay these out."""

from __future__ import annotations

from dataclasses import dataclass

from bakeoff.results import Comparison, Measurement, ResultsDocument

VERBS = {"startup": "started"}
HEADLINE_CASES = ("hello", "empty", "imports:warm")


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
            f"(ratio {comp.ratio:.3f}, 95% CI {fmt_ci(comp.ci)}; {comp.reason})"
        )
    if s >= 1:
        ci_txt = f"{ci[0]:.2f}–{ci[1]:.2f}" if ci else "–"
        return (
            f"{comp.contestant} {suite_verb} {s:.2f}× faster than {comp.baseline} (95% CI {ci_txt})"
        )
    inv_ci = f"{comp.ci[0]:.2f}–{comp.ci[1]:.2f}" if comp.ci else "–"
    return (
        f"{comp.contestant} {suite_verb} {comp.ratio:.2f}× slower than {comp.baseline} "
        f"(95% CI {inv_ci})"
    )


def headlines(doc: ResultsDocument) -> list[str]:
    out: list[str] = []
    comps = [c for c in doc.comparisons if c.metric == "wall_ms"]
    for suite in dict.fromkeys(c.suite for c in comps):
        cases = [c.case for c in comps if c.suite == suite]
        case = next((c for c in HEADLINE_CASES if c in cases), cases[0] if cases else None)
        verb = VERBS.get(suite, "ran")
        out.extend(
            f"[{suite} · {case}] " + headline(c, verb)
            for c in comps
            if c.suite == suite and c.case == case
        )
    return out


@dataclass(frozen=True)
class Row:
    contestant: str
    wall: Measurement | None
    cpu: Measurement | None
    rss: Measurement | None
    comparison: Comparison | None
    notes: list[str]


@dataclass(frozen=True)
class CaseTable:
    suite: str
    case: str
    description: str
    stop_reason: str
    rows: list[Row]


def case_tables(doc: ResultsDocument) -> list[CaseTable]:
    index = {(m.suite, m.case, m.metric, m.contestant): m for m in doc.measurements}
    comps = {(c.suite, c.case, c.metric, c.contestant): c for c in doc.comparisons}
    order = [c.name for c in doc.contestants]
    tables: list[CaseTable] = []
    keys = dict.fromkeys((m.suite, m.case) for m in doc.measurements)
    for suite, case in keys:
        info = doc.suites.get(suite, {}).get("cases", {}).get(case, {})
        rows = []
        for name in order:
            wall = index.get((suite, case, "wall_ms", name))
            if wall is None:
                continue
            notes = list(dict.fromkeys(wall.notes))
            rss = index.get((suite, case, "peak_rss_mb", name))
            if rss:
                notes += [n for n in rss.notes if n not in notes]
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
                str(info.get("description", "")),
                str(info.get("stop_reason", "")),
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
    if st.get("precision"):
        rule = (
            f" — target ±{float(st['precision']):.0%}, {st.get('min_runs')}–"
            f"{st.get('max_runs')} runs, {st.get('warmups')} warm-up"
        )
    machine = f"{env.get('cpu_model', '?')}, {env.get('cores_logical', '?')} cores"
    return f"{who} — {machine}{rule}"


def noise_line(doc: ResultsDocument) -> str:
    """Machine noise readings around the run (load, CPU frequency, steal)."""
    env = doc.environment
    b = env.get("noise_before") or {}
    a = env.get("noise_after") or {}
    if not b:
        return ""
    parts = [f"load {b.get('load_avg', ['?'])[0]} before / {a.get('load_avg', ['?'])[0]} after"]
    if b.get("cpu_freq_mhz"):
        parts.append(f"CPU {b['cpu_freq_mhz']}→{a.get('cpu_freq_mhz', '?')} MHz")
    if env.get("steal_fraction") is not None:
        parts.append(f"steal {float(env['steal_fraction']):.1%}")
    if env.get("governor"):
        parts.append(f"governor {env['governor']}")
    return "noise: " + ", ".join(parts)


def mde_text(doc: ResultsDocument, suite: str, case: str) -> str:
    """The minimum detectable effect of a case's wall time, as a sentence (empty if unknown)."""
    mde = doc.suites.get(suite, {}).get("mde", {}).get(case, {}).get("wall_ms")
    if mde is None:
        return ""
    return f"differences under {float(mde):.1%} could not be detected on this run"


def aa_text(doc: ResultsDocument) -> str:
    """The A/A self-check summary (empty when the run had no A/A arm)."""
    aa = doc.suites.get("aa")
    if not aa or not aa.get("comparisons"):
        return ""
    floor = aa.get("noise_floor")
    mde = aa.get("mde_median")
    return (
        f"A/A self-check: {aa['false_positives']} false positive(s) in {aa['comparisons']} "
        f"comparisons; noise floor {float(floor or 0):.1%}; "
        f"median minimum detectable effect {float(mde or 0):.1%}"
    )
