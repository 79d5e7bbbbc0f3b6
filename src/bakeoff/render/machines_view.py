"""What the reports of a merged document show, computed once: which cross-machine rows lead
(every primary comparison, then each suite's headline metric), their cells (each machine's ratio
with its CI, the pooled ratio with τ² and I²), each machine's decisions and cost, and why a
machine has no results. ``render.machines`` lays these out for the terminal, Markdown and HTML.
"""

from __future__ import annotations

from dataclasses import dataclass

from bakeoff.render.view import HEADLINE_CASES, fmt_num
from bakeoff.results import MachineRun, ResultsDocument
from bakeoff.results.machines import CrossComparison, MachineRatio
from bakeoff.results.money import MoneyRange
from bakeoff.results.sections import Environment

SERVE_HEADLINES = ("cpu_ms_per_1k_req", "latency_p99_ms")
WALL = ("wall_ms", "wall_s")


def machine_line(run: MachineRun) -> str:
    """'x86-a: AMD EPYC, 2 cores, 23.5 GB, x86_64, Debian 12 — complete'."""
    env = run.document.environment if run.document else Environment()
    m = run.machine
    cpu = env.cpu_model or m.cpu_model or "?"
    cores = env.cores_logical or m.cores_logical or "?"
    parts = [f"{cpu}, {cores} cores"]
    if env.memory_gb or m.memory_gb:
        parts.append(f"{env.memory_gb or m.memory_gb:g} GB")
    if env.arch or m.arch:
        parts.append(str(env.arch or m.arch))
    if env.os_release:
        parts.append(env.os_release)
    if run.price:
        parts.append(f"priced as {run.price.type}")
    return (
        f"{run.label}: {', '.join(parts)} — {run.status}"
        if run.document
        else (f"{run.label}: no results — {run.failure.reason if run.failure else run.status}")
    )


def _level_name(level: float) -> str:
    text = f"{level * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def ratio_cell(entry: MachineRatio | None) -> str:
    if entry is None:
        return "–"
    if entry.ratio is None:
        return "not compared"
    ci = entry.ci
    level = entry.level or 0.95
    lvl = "" if abs(level - 0.95) < 1e-9 else f" {_level_name(level)}"
    ci_txt = f" ({fmt_num(ci[0])}–{fmt_num(ci[1])}{lvl})" if ci else ""
    return f"{entry.ratio:.3f}{ci_txt} {entry.verdict}".rstrip()


def pooled_cell(row: CrossComparison) -> str:
    p = row.pooled
    if not p:
        return "–"
    lo, hi = p.ci
    return f"{p.ratio:.3f} ({fmt_num(lo)}–{fmt_num(hi)})"


def heterogeneity_cell(row: CrossComparison) -> str:
    p = row.pooled
    if not p:
        return "–"
    return f"τ² {p.tau2:.3g} · I² {p.i2:.0%}"


def _lead(rows: list[CrossComparison]) -> list[CrossComparison]:
    """Primary rows, then per suite the wall-time metric at its headline case, then the serve
    suite's CPU per request and p99 at its highest rate."""
    chosen: list[CrossComparison] = [r for r in rows if r.role == "primary"]
    walls = [r for r in rows if r.metric in WALL and r not in chosen]
    for suite in dict.fromkeys(r.suite for r in walls):
        cases = [r.case for r in walls if r.suite == suite]
        case = next((c for c in HEADLINE_CASES if c in cases), cases[0])
        chosen += [r for r in walls if r.suite == suite and r.case == case]
    rates = sorted(
        {r.case for r in rows if r.suite == "serve" and r.case.startswith("rate:")},
        key=lambda c: float(c[5:]),
    )
    if rates:
        chosen += [
            r
            for r in rows
            if r.suite == "serve"
            and r.case == rates[-1]
            and r.metric in SERVE_HEADLINES
            and r not in chosen
        ]
    return chosen


@dataclass(frozen=True)
class CrossRow:
    what: str  # "startup · hello · wall_ms"
    contestant: str
    baseline: str
    primary: bool
    cells: list[str]  # one per machine label
    pooled: str
    heterogeneity: str
    agreement: str
    note: str


def cross_rows(doc: ResultsDocument) -> list[CrossRow]:
    view = doc.cross_machine
    labels = [m.label for m in doc.machines]
    out = []
    for r in _lead(list(view.comparisons) if view else []):
        per = {e.label: e for e in r.machines}
        out.append(
            CrossRow(
                what=f"{r.suite} · {r.case} · {r.metric}"
                + (f" ({r.surface})" if r.role == "primary" and r.surface else ""),
                contestant=r.contestant,
                baseline=r.baseline,
                primary=r.role == "primary",
                cells=[ratio_cell(per.get(label)) for label in labels],
                pooled=pooled_cell(r),
                heterogeneity=heterogeneity_cell(r),
                agreement=r.agreement,
                note=r.pooled_note,
            )
        )
    return out


def pooling_notes(rows: list[CrossRow]) -> list[str]:
    return list(dict.fromkeys(r.note for r in rows if r.note))


@dataclass(frozen=True)
class DecisionRow:
    surface: str
    cells: list[str]  # per machine: "adopt bun", "hold"
    agree: bool


def decision_rows(doc: ResultsDocument) -> list[DecisionRow]:
    labels = [m.label for m in doc.machines]
    out = []
    for d in doc.cross_machine.decisions if doc.cross_machine else []:
        cells = []
        for label in labels:
            e = d.machines.get(label)
            cells.append(
                "–"
                if e is None
                else f"{e.decision} {e.contestant}"
                if e.decision != "hold"
                else f"hold ({e.rule})"
            )
        out.append(DecisionRow(str(d.label or d.surface), cells, d.agree))
    return out


@dataclass(frozen=True)
class CostRow:
    machine: str
    priced_as: str
    contestant: str
    monthly: str
    saving: str


def _money(block: MoneyRange | None) -> str:
    if block is None or block.monthly is None:
        return "unknown"
    mid = float(block.monthly)
    lo, hi = block.low, block.high
    rng = f" ({float(lo):,.0f}–{float(hi):,.0f})" if lo is not None and hi is not None else ""
    return f"${mid:,.0f}{rng}"


def cost_rows(doc: ResultsDocument) -> list[CostRow]:
    out = []
    for run in doc.machines:
        cost = run.document.cost if run.document else None
        p = run.price
        priced = (
            f"{p.type} ({p.as_}, {p.amount} USD/{p.unit})"
            if p
            else f"{cost.platform if cost else '?'} (the machine's own [value])"
        )
        for name, c in cost.contestants.items() if cost else []:
            saving = cost.savings.get(name) if cost else None
            out.append(
                CostRow(
                    run.label,
                    priced,
                    name,
                    _money(c.cash),
                    _money(saving.cash) if saving else "baseline",
                )
            )
    return out


def failures(doc: ResultsDocument) -> list[str]:
    return [f"{r.label}: {r.failure.reason}" for r in doc.machines if r.failure is not None]


def title(doc: ResultsDocument) -> str:
    name = doc.project.name if doc.project else None
    where = f" of {name}" if name else ""
    return f"bakeoff results{where} on {len(doc.machines)} machine(s)"
