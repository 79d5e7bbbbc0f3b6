"""The terminal summary: headlines, one table per case, warnings. Returns Rich renderables;
the CLI prints them."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from bakeoff.render import compat as render_compat
from bakeoff.render import parity_term, value_term
from bakeoff.render.view import (
    STOP_TEXT,
    aa_text,
    budget_cuts,
    case_tables,
    fmt_ci,
    fmt_num,
    headlines,
    mde_text,
    metric_tables,
    metric_with_unit,
    noise_line,
    ratio_text,
    row_ratio,
    row_verdict,
    run_header,
    serve_headlines,
    value_text,
    verdict_text,
)
from bakeoff.results import ResultsDocument

STYLE = {
    "better": "bold green",
    "worse": "bold red",
    "same": "yellow",
    "inconclusive": "magenta",
    "baseline": "dim",
    "": "dim",
    "invalid": "bold red",
}


def render(doc: ResultsDocument) -> RenderableType:
    if doc.machines:  # a merged document: one report per machine and the view across them
        from bakeoff.render import machines

        return machines.terminal(doc)
    parts: list[RenderableType] = [Text(run_header(doc), style="dim")]
    base = doc.settings.baseline
    for table in case_tables(doc):
        t = Table(
            title=Text(
                f"{table.suite} · {table.case}"
                + (f" — {table.description}" if table.description else "")
            ),
            title_justify="left",
            expand=False,
        )
        for col, just in (
            ("contestant", "left"),
            ("wall ms (95% CI)", "right"),
            (f"ratio vs {base}", "right"),
            ("verdict", "left"),
            ("CPU ms", "right"),
            ("peak RSS MB", "right"),
            ("n", "right"),
        ):
            t.add_column(col, justify=just)  # type: ignore[arg-type]
        for row in table.rows:
            w = row.wall
            v = verdict_text(row.comparison) if w and w.valid else "failed"
            t.add_row(
                Text(row.contestant),
                f"{fmt_num(w.median)} ({fmt_ci(w.ci)})" if w and w.valid else "–",
                ratio_text(row.comparison) if w and w.valid else "–",
                Text(v, style=STYLE.get(v, "bold red")),
                fmt_num(row.cpu.median) if row.cpu and row.cpu.valid else "–",
                fmt_num(row.rss.median) if row.rss and row.rss.valid else "–",
                str(w.n) if w else "0",
            )
        parts.append(t)
        stop = STOP_TEXT.get(table.stop_reason, table.stop_reason)
        lines = [f"stopped: {stop}"] if stop else []
        if mde_text(doc, table.suite, table.case):
            lines.append(mde_text(doc, table.suite, table.case))
        for row in table.rows:
            lines += row.notes
        if lines:
            parts.append(Text("\n".join("  " + s for s in lines), style="dim"))
    for mt in metric_tables(doc):
        t = Table(
            title=Text(f"{mt.suite} · {mt.case}" + (f" — {mt.title}" if mt.title else "")),
            title_justify="left",
            expand=False,
        )
        for col, just in (
            ("metric", "left"),
            ("contestant", "left"),
            ("median (95% CI)", "right"),
            (f"ratio vs {base}", "right"),
            ("verdict", "left"),
            ("n", "right"),
        ):
            t.add_column(col, justify=just)  # type: ignore[arg-type]
        last = ""
        for r in mt.rows:
            v = row_verdict(r)
            label = metric_with_unit(r.metric, r.measurement.unit)
            t.add_row(
                Text(label if r.metric != last else ""),
                Text(r.contestant),
                value_text(r.measurement),
                row_ratio(r),
                Text(v, style=STYLE.get(v, "bold red")),
                str(r.measurement.n),
            )
            last = r.metric
        parts.append(t)
        if mt.notes:
            parts.append(Text("\n".join("  " + s for s in mt.notes), style="dim"))
    parts += parity_term.parity(doc)
    compat_part = render_compat.render_terminal(doc)
    if compat_part is not None:
        parts.append(compat_part)
    heads = headlines(doc) + serve_headlines(doc)
    if heads:
        parts.append(Text(""))
        parts.extend(Text(h, style="bold") for h in heads)
    cuts = budget_cuts(doc)
    if cuts:
        parts.append(Text("cut by the time budget:", style="bold yellow"))
        parts.extend(Text(f"  {c}", style="yellow") for c in cuts)
    parts += value_term.renderables(doc)
    parts += parity_term.failures(doc)
    if aa_text(doc):
        parts.append(Text(aa_text(doc), style="bold"))
    if noise_line(doc):
        parts.append(Text(noise_line(doc), style="dim"))
    parts.extend(Text(f"warning: {warning}", style="yellow") for warning in doc.warnings)
    if doc.status != "complete":
        parts.append(
            Text(f"results are {doc.status}: only what was measured is shown", style="bold yellow")
        )
    return Group(*parts)
