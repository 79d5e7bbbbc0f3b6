"""Terminal renderables for cost and decisions (Rich); ``render.terminal`` appends them."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from bakeoff.render import value_view as vv
from bakeoff.results import ResultsDocument

STYLE = {"adopt": "bold green", "hybrid": "bold cyan", "trial": "yellow", "hold": "dim"}


def renderables(doc: ResultsDocument) -> list[RenderableType]:
    parts: list[RenderableType] = []
    if vv.has_cost(doc):
        t = Table(title=Text(f"cost per month — {vv.title(doc)}"), title_justify="left")
        for col in (
            "contestant",
            "cloud + CI",
            "saving vs baseline",
            "waiting",
            "migration",
            "payback",
        ):
            t.add_column(col, justify="left" if col == "contestant" else "right")
        for c in vv.cost_rows(doc):
            t.add_row(
                *(Text(x) for x in (c.contestant, c.cash, c.saving, c.wait, c.migration, c.payback))
            )
        parts.append(t)
        parts.extend(Text(s) for s in vv.statements(doc))
    rows = vv.decision_rows(doc)
    if rows:
        t = Table(title="decisions", title_justify="left")
        for col in ("surface", "decision", "contestant", "why", "rule"):
            t.add_column(col)
        for r in rows:
            why = r.reason + (f" (blockers: {'; '.join(r.blockers)})" if r.blockers else "")
            t.add_row(
                Text(r.surface) + (Text(f"\n{r.endpoint}", style="dim") if r.endpoint else ""),
                Text(r.decision, style=STYLE.get(r.decision, "")),
                Text(r.contestant),
                Text(why),
                Text(r.rule),
            )
        parts.append(t)
    if vv.not_evaluated(doc):
        parts.append(Text(vv.not_evaluated(doc), style="dim"))
    return parts
