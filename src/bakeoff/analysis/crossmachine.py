"""The cross-machine view of a merged document: for every comparison some machine made (the same
suite, case, metric, candidate and baseline), each machine's ratio with its CI — computed on that
machine alone — and, where two or more machines have one, a pooled estimate with its
heterogeneity (``bakeoff.analysis.meta``); and, per surface, each machine's decision.

Nothing here looks at raw samples: contestants are compared within each machine (the machine is
a blocking factor) and only those within-machine ratios are combined.
"""

from __future__ import annotations

from typing import Any

from bakeoff.analysis import meta
from bakeoff.results import Comparison, ResultsDocument
from bakeoff.results.machines import CrossDecision, CrossMachine, MachineDecision

Key = tuple[str, str, str, str, str]  # suite, case, metric, baseline, contestant


def _key(c: Comparison) -> Key:
    return (c.suite, c.case, c.metric, c.baseline, c.contestant)


def _entry(label: str, c: Comparison) -> dict[str, Any]:
    return {
        "label": label,
        "ratio": c.ratio,
        "ci": c.ci,
        "level": c.level if c.level is not None else meta.LEVEL,
        "verdict": c.verdict,
        "role": c.role,
        "n": c.n,
        "reason": c.reason if c.ratio is None else "",
    }


def _agreement(entries: list[dict[str, Any]]) -> str:
    """'better on 2 of 2 machines' — verdicts counted, not pooled."""
    told = [e["verdict"] for e in entries]
    counts = {v: told.count(v) for v in ("better", "worse", "same", "inconclusive") if v in told}
    return ", ".join(f"{v} on {n} of {len(told)}" for v, n in counts.items())


def comparisons(doc: ResultsDocument) -> list[dict[str, Any]]:
    """One row per comparison key across the machines that made it, in first-seen order."""
    rows: dict[Key, dict[str, Any]] = {}
    for run in doc.machines:
        if run.document is None:
            continue
        for c in run.document.comparisons:
            row = rows.setdefault(
                _key(c),
                {
                    "suite": c.suite,
                    "case": c.case,
                    "metric": c.metric,
                    "baseline": c.baseline,
                    "contestant": c.contestant,
                    "role": c.role,
                    "surface": c.surface,
                    "lower_is_better": c.lower_is_better,
                    "machines": [],
                },
            )
            if c.role == "primary":  # primary on any machine: the row leads the view
                row["role"], row["surface"] = "primary", c.surface
            row["machines"].append(_entry(run.label, c))
    out = []
    for row in rows.values():
        entries = row["machines"]
        ratios, ses = [], []
        for e in entries:
            ci = e["ci"]
            se = meta.log_se(ci[0], ci[1], e["level"]) if ci and e["ratio"] else None
            e["log_se"] = se
            if se is not None:
                ratios.append(float(e["ratio"]))
                ses.append(se)
        pooled = meta.pool(ratios, ses)
        row["pooled"] = pooled.to_dict() if pooled else None
        row["pooled_note"] = (
            meta.how_much(pooled)
            if pooled
            else (
                "measured on one machine only: nothing to pool"
                if len(entries) < 2
                else f"only {len(ratios)} machine(s) have a ratio with a CI: nothing to pool"
            )
        )
        row["agreement"] = _agreement(entries)
        out.append(row)
    return out


def decisions(doc: ResultsDocument) -> list[CrossDecision]:
    """Per surface, each machine's decision (decided on that machine's own evidence and
    prices) and whether the machines agree."""
    table: dict[str, CrossDecision] = {}
    for run in doc.machines:
        dec = run.document.decision if run.document else None
        for s in dec.surfaces if dec else []:
            row = table.setdefault(s.surface, CrossDecision(surface=s.surface, label=s.label))
            row.machines[run.label] = MachineDecision(
                decision=s.decision, contestant=s.contestant, rule=s.rule, reason=s.reason
            )
    for row in table.values():
        picks = {(m.decision, m.contestant) for m in row.machines.values()}
        row.agree = len(picks) == 1
    return list(table.values())


def build(doc: ResultsDocument) -> CrossMachine:
    """The ``cross_machine`` section of a merged document."""
    labels = [m.label for m in doc.machines]
    raw = {
        "machines": labels,
        "method": (
            "per machine: the machine's own comparison (contestants interleaved on that "
            "machine only); pooled: random-effects meta-analysis of the log ratios "
            "(DerSimonian–Laird τ², Hartung–Knapp–Sidik–Jonkman 95% CI with t on k − 1 df), "
            "see docs/scale-out.md"
        ),
        "comparisons": comparisons(doc),
        "decisions": decisions(doc),
    }
    return CrossMachine.model_validate(raw)
