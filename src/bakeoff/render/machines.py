"""A merged document's reports (terminal, Markdown, HTML): the machines, the cross-machine view,
decisions and cost per machine, failures — then each machine's own report, rendered by the
single-machine renderer from that machine's document. ``terminal``, ``markdown`` and ``html``
call in here when a document has ``machines``."""

from __future__ import annotations

import re
from html import escape

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from bakeoff.render import machines_view as mv
from bakeoff.results import ResultsDocument

EXPLAIN = (
    "ratio = candidate / baseline, measured within each machine (the machine is a blocking "
    "factor: samples are never pooled across machines); pooled = random-effects estimate over "
    "the machines (DerSimonian–Laird τ², 95% CI by Hartung–Knapp on t with k − 1 df); "
    "I² = share of the spread between machines beyond sampling noise"
)


def _texts(*cells: str) -> list[Text]:
    """Cells as plain text (no Rich markup: '[value]' stays as written)."""
    return [Text(c) for c in cells]


def terminal(doc: ResultsDocument) -> RenderableType:
    from bakeoff.render import terminal as single

    labels = [m.label for m in doc.machines]
    parts: list[RenderableType] = [Text(mv.title(doc), style="bold")]
    parts += [Text("  " + mv.machine_line(m), style="dim") for m in doc.machines]
    rows = mv.cross_rows(doc)
    if rows:
        t = Table(title="Across machines", title_justify="left")
        for col in ("comparison", "candidate", *labels, "pooled (95% CI)", "heterogeneity"):
            t.add_column(col)
        for r in rows:
            t.add_row(
                Text(r.what, style="bold" if r.primary else ""),
                *_texts(f"{r.contestant} vs {r.baseline}", *r.cells, r.pooled, r.heterogeneity),
            )
        parts.append(t)
        parts.append(Text(EXPLAIN, style="dim"))
        parts += [Text(n, style="yellow") for n in mv.pooling_notes(rows)]
    decisions = mv.decision_rows(doc)
    if decisions:
        t = Table(title="Decisions per machine", title_justify="left")
        for col in ("surface", *labels, "same everywhere"):
            t.add_column(col)
        for d in decisions:
            t.add_row(*_texts(d.surface, *d.cells, "yes" if d.agree else "no"))
        parts.append(t)
    costs = mv.cost_rows(doc)
    if costs:
        t = Table(title="Cost per month, per machine", title_justify="left")
        for col in ("machine", "priced as", "contestant", "cash / month", "saving vs baseline"):
            t.add_column(col)
        for c in costs:
            t.add_row(*_texts(c.machine, c.priced_as, c.contestant, c.monthly, c.saving))
        parts.append(t)
    for line in mv.failures(doc):
        parts.append(Text(f"machine failed: {line}", style="bold red"))
    for run in doc.machines:
        if run.document is None:
            continue
        parts.append(Rule(f"machine {run.label}"))
        parts.append(single.render(run.document))
    parts.extend(Text(f"warning: {w}", style="yellow") for w in doc.warnings)
    if doc.status != "complete":
        parts.append(Text(f"merged results are {doc.status}", style="bold yellow"))
    return Group(*parts)


def _esc(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _demote(md: str) -> str:
    """Headings two levels down: the machine's report sits under its '## Machine' heading."""
    return re.sub(r"^(#{1,4}) ", r"##\1 ", md, flags=re.MULTILINE)


def markdown(doc: ResultsDocument, limit: int | None = None) -> str:
    """The merged report; over ``limit`` characters its long tables are folded and cut as a
    single machine's are (``render.mdfit``): the cross-machine view comes first, so it stays."""
    from bakeoff.render import markdown as single
    from bakeoff.render import mdfit

    labels = [m.label for m in doc.machines]
    out = [f"# {mv.title(doc)}", "", f"Merged {doc.created} · status **{doc.status}**", ""]
    out += [f"- {_esc(mv.machine_line(m))}" for m in doc.machines] + [""]
    rows = mv.cross_rows(doc)
    if rows:
        out += ["## Across machines", "", f"_{EXPLAIN}_", ""]
        out.append(
            "| comparison | candidate | "
            + " | ".join(_esc(x) for x in labels)
            + " | pooled (95% CI) | heterogeneity |"
        )
        out.append("|---|---|" + "---:|" * len(labels) + "---:|---|")
        for r in rows:
            what = f"**{_esc(r.what)}**" if r.primary else _esc(r.what)
            out.append(
                f"| {what} | {_esc(r.contestant)} vs {_esc(r.baseline)} | "
                + " | ".join(_esc(c) for c in r.cells)
                + f" | {r.pooled} | {r.heterogeneity} |"
            )
        out.append("")
        out += [f"- {_esc(n)}" for n in mv.pooling_notes(rows)] + [""]
    decisions = mv.decision_rows(doc)
    if decisions:
        out += ["## Decisions per machine", ""]
        out.append("| surface | " + " | ".join(_esc(x) for x in labels) + " | same everywhere |")
        out.append("|---|" + "---|" * len(labels) + "---|")
        for d in decisions:
            out.append(
                f"| {_esc(d.surface)} | "
                + " | ".join(_esc(c) for c in d.cells)
                + f" | {'yes' if d.agree else 'no'} |"
            )
        out.append("")
    costs = mv.cost_rows(doc)
    if costs:
        out += ["## Cost per month, per machine", ""]
        out += ["| machine | priced as | contestant | cash / month | saving vs baseline |"]
        out += ["|---|---|---|---:|---:|"]
        out += [
            f"| {_esc(c.machine)} | {_esc(c.priced_as)} | {_esc(c.contestant)} | {c.monthly} "
            f"| {c.saving} |"
            for c in costs
        ]
        out.append("")
    fails = mv.failures(doc)
    if fails:
        out += ["## Machines that failed", ""] + [f"- {_esc(f)}" for f in fails] + [""]
    if doc.warnings:
        out += ["## Warnings", ""] + [f"- {_esc(w)}" for w in doc.warnings] + [""]
    for run in doc.machines:
        if run.document is None:
            continue
        text = single.render(run.document, limit=None)
        out += [f"## Machine `{run.label}`", "", _demote(text), ""]
    text = "\n".join(out).rstrip() + "\n"
    return text if limit is None else mdfit.fit(text, limit)


_MAIN = re.compile(r"<main>(.*)</main>", re.DOTALL)


def _section(label: str, page: str) -> str:
    """A machine's report page as a section of the merged page: its <main> content, headings
    one level down, ids prefixed with the machine's label."""
    found = _MAIN.search(page)
    body = found.group(1) if found else ""
    body = body.replace("<h1>bakeoff report</h1>", "")
    for level in (4, 3, 2):
        body = body.replace(f"<h{level}", f"<h{level + 1}").replace(
            f"</h{level}>", f"</h{level + 1}>"
        )
    slug = re.sub(r"[^A-Za-z0-9_-]", "-", label)
    body = body.replace(' id="', f' id="{slug}-')
    head = f"<h2>Machine {escape(label)}</h2>"
    return f'<section class="machine" id="machine-{slug}">{head}{body}</section>'


def _table(head: list[str], rows: list[list[str]]) -> str:
    h = "".join(f"<th>{escape(x)}</th>" for x in head)
    b = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{h}</tr></thead><tbody>{b}</tbody></table>"


def html(doc: ResultsDocument) -> str:
    from bakeoff.render import html as single

    labels = [m.label for m in doc.machines]
    parts = [f"<h1>{escape(mv.title(doc))}</h1>"]
    parts.append(
        f'<p class="meta">Merged {escape(doc.created)} · status {escape(doc.status)}</p><ul>'
        + "".join(f"<li>{escape(mv.machine_line(m))}</li>" for m in doc.machines)
        + "</ul>"
    )
    rows = mv.cross_rows(doc)
    if rows:
        parts.append('<h2 id="across">Across machines</h2>')
        parts.append(
            _table(
                ["comparison", "candidate", *labels, "pooled (95% CI)", "heterogeneity"],
                [
                    [r.what, f"{r.contestant} vs {r.baseline}", *r.cells, r.pooled, r.heterogeneity]
                    for r in rows
                ],
            )
        )
        parts.append(f"<p><small>{escape(EXPLAIN)}</small></p>")
        parts += [f'<p class="warn">{escape(n)}</p>' for n in mv.pooling_notes(rows)]
    decisions = mv.decision_rows(doc)
    if decisions:
        parts.append('<h2 id="decisions-per-machine">Decisions per machine</h2>')
        parts.append(
            _table(
                ["surface", *labels, "same everywhere"],
                [[d.surface, *d.cells, "yes" if d.agree else "no"] for d in decisions],
            )
        )
    costs = mv.cost_rows(doc)
    if costs:
        parts.append('<h2 id="cost-per-machine">Cost per month, per machine</h2>')
        parts.append(
            _table(
                ["machine", "priced as", "contestant", "cash / month", "saving vs baseline"],
                [[c.machine, c.priced_as, c.contestant, c.monthly, c.saving] for c in costs],
            )
        )
    fails = mv.failures(doc)
    warns = [*(f"machine failed: {f}" for f in fails), *doc.warnings]
    if warns:
        parts.append(
            '<h2 id="warnings">Warnings</h2><div class="warn"><ul>'
            + "".join(f"<li>{escape(w)}</li>" for w in warns)
            + "</ul></div>"
        )
    for run in doc.machines:
        if run.document is not None:
            parts.append(_section(run.label, single.render(run.document)))
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(mv.title(doc))}</title><style>{single.CSS}</style></head>"
        f"<body><main>{''.join(parts)}</main></body></html>\n"
    )
