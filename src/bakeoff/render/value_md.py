"""Markdown sections for cost and decisions (fit for a PR comment or ``$GITHUB_STEP_SUMMARY``);
``render.markdown`` appends them when the document has ``cost``/``decision``."""

from __future__ import annotations

from bakeoff.render import value_view as vv
from bakeoff.results import ResultsDocument


def _esc(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def sections(doc: ResultsDocument) -> list[str]:
    out: list[str] = []
    if doc.decision and doc.decision.surfaces:
        out += ["## Decisions", ""]
        out.append("| surface | decision | contestant | evidence | rule |")
        out.append("|---|---|---|---|---|")
        for r in vv.decision_rows(doc):
            surface = f"{r.surface}<br>_{_esc(r.endpoint)}_" if r.endpoint else r.surface
            out.append(
                f"| {surface} | **{vv.DECISION_MARK.get(r.decision, r.decision)}** "
                f"| {r.contestant} | {_esc(r.evidence or r.reason)} | `{r.rule}` |"
            )
        out.append("")
        if vv.not_evaluated(doc):
            out.append(f"- {_esc(vv.not_evaluated(doc))}")
        for r in vv.decision_rows(doc):
            if r.blockers:
                out.append(f"- {r.surface}: blockers — {_esc('; '.join(r.blockers))}")
            if r.settle:
                out.append(f"- {r.surface}: inconclusive — {_esc(r.settle)}")
        out.append("")
    if vv.has_cost(doc):
        out += [f"## Cost per month — {_esc(vv.title(doc))}", ""]
        out.append(
            "| contestant | cloud + CI (range) | saving vs baseline (range) | waiting "
            "| value of that time | migration | payback |"
        )
        out.append("|---|---:|---:|---:|---:|---:|---:|")
        for c in vv.cost_rows(doc):
            out.append(
                f"| {c.contestant} | {c.cash} | {c.saving} | {c.wait} | {c.time_value} "
                f"| {c.migration} | {c.payback} |"
            )
        out.append("")
        out.append(
            "_Cash is what appears on an invoice. Waiting hours are time, valued separately and "
            "never added to the bill. Ranges come from the 95% CIs of the measurements._"
        )
        out.append("")
        out += [f"- {_esc(s)}" for s in vv.statements(doc)]
        out += ["", "<details><summary>Cost lines and where each number came from</summary>", ""]
        out.append("| contestant | line | quantity | monthly | from | how |")
        out.append("|---|---|---:|---:|---|---|")
        for line in vv.lines(doc):
            q = line.quantity
            qty = f"{q:,.0f} {line.unit}" if q is not None else "–"
            refs = "; ".join(vv.ref_text(r) for r in line.refs) or "–"
            out.append(
                f"| {line.contestant} | {_esc(line.name)} | {qty} "
                f"| {vv.line_amount(line)} | {_esc(refs)} | {_esc(line.note)} |"
            )
        out += ["", "Prices used:", ""] if vv.prices(doc) else []
        for p in vv.prices(doc):
            out.append(
                f"- `{p.key}`: {vv.price_text(p)} — {_esc(p.source)}, {p.date}"
                + (f" ({p.url})" if p.url else "")
            )
        out += ["", "</details>", ""]
    return out
