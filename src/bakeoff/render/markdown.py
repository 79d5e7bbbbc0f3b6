"""Markdown report: fit for a pull-request comment or ``$GITHUB_STEP_SUMMARY``."""

from __future__ import annotations

from bakeoff.render import compat as render_compat
from bakeoff.render import mdfit, parity_md, value_md
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
    serve_headlines,
    value_text,
    verdict_text,
)
from bakeoff.results import ResultsDocument


def _esc(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(doc: ResultsDocument, limit: int | None = mdfit.LIMIT) -> str:
    """The report; over ``limit`` characters (a pull-request comment's maximum) its long tables
    are folded and cut (``render.mdfit``). ``limit=None``: never."""
    if doc.machines:  # a merged document: one report per machine and the view across them
        from bakeoff.render import machines

        return machines.markdown(doc, limit)
    base = doc.settings.baseline
    env = doc.environment
    out = ["# bakeoff results", ""]
    out.append(f"Run {doc.created} · bakeoff {doc.bakeoff_version} · status **{doc.status}**  ")
    out.append(
        f"Machine: {env.cpu_model or '?'}, {env.cores_logical or '?'} cores, "
        f"{f'{env.memory_gb:g}' if env.memory_gb is not None else '?'} GB, "
        f"{env.os_release or env.os or '?'}, kernel {env.kernel or '?'}"
    )
    if noise_line(doc):
        out.append(noise_line(doc) + "  ")
    settings = doc.settings
    if settings.precision:
        out.append(
            f"Stopping rule: ±{settings.precision:.0%} CI half-width, "
            f"{settings.min_runs}–{settings.max_runs} runs, "
            f"{settings.warmups} warm-up; threshold "
            f"{settings.threshold or 0.02:.0%}"
        )
    out.append("")
    out.append("| contestant | version | binary sha256 |")
    out.append("|---|---|---|")
    for c in doc.contestants:
        out.append(f"| {c.name} | {c.version} | `{c.sha256[:16]}` |")
    out.append("")
    heads = headlines(doc) + serve_headlines(doc)
    if heads:
        out += [f"- **{_esc(h)}**" for h in heads] + [""]
    if aa_text(doc):
        out += [aa_text(doc), ""]
    for table in case_tables(doc):
        out.append(f"## {table.suite} · {table.case}")
        if table.description:
            out.append(f"_{_esc(table.description)}_")
        out.append("")
        out.append(
            f"| contestant | wall ms (95% CI) | ratio vs {base} (95% CI) | verdict "
            "| CPU ms | peak RSS MB | n |"
        )
        out.append("|---|---:|---:|---|---:|---:|---:|")
        for row in table.rows:
            w = row.wall
            ok = bool(w and w.valid)
            out.append(
                f"| {row.contestant} "
                f"| {f'{fmt_num(w.median)} ({fmt_ci(w.ci)})' if w and ok else '–'} "
                f"| {ratio_text(row.comparison) if ok else '–'} "
                f"| {verdict_text(row.comparison) if ok else 'failed'} "
                f"| {fmt_num(row.cpu.median) if row.cpu and row.cpu.valid else '–'} "
                f"| {fmt_num(row.rss.median) if row.rss and row.rss.valid else '–'} "
                f"| {w.n if w else 0} |"
            )
        out.append("")
        stop = STOP_TEXT.get(table.stop_reason, table.stop_reason)
        if stop:
            out.append(f"Stopped: {stop}.")
        if mde_text(doc, table.suite, table.case):
            out.append(mde_text(doc, table.suite, table.case).capitalize() + ".")
        for row in table.rows:
            out += [f"- {_esc(n)}" for n in row.notes]
        out.append("")
    for mt in metric_tables(doc):
        out.append(f"## {mt.suite} · {mt.case}")
        if mt.title:
            out.append(f"_{_esc(mt.title)}_")
        out.append("")
        out.append(
            f"| metric | contestant | median (95% CI) | ratio vs {base} (95% CI) | verdict | n |"
        )
        out.append("|---|---|---:|---:|---|---:|")
        for r in mt.rows:
            out.append(
                f"| {metric_with_unit(r.metric, r.measurement.unit)} | {r.contestant} "
                f"| {value_text(r.measurement)} | {row_ratio(r)} | {row_verdict(r)} "
                f"| {r.measurement.n} |"
            )
        out.append("")
        out += [f"- {_esc(n)}" for n in mt.notes]
        out.append("")
    cuts = budget_cuts(doc)
    if cuts:
        out.append("## Cut by the time budget")
        out += [f"- {_esc(c)}" for c in cuts]
        out.append("")
    out += parity_md.parity(doc)
    out += value_md.sections(doc)
    compat_md = render_compat.render_markdown(doc)
    if compat_md:
        out += [compat_md, ""]
    out += parity_md.failures(doc)
    if doc.warnings:
        out.append("## Warnings")
        out += [f"- {_esc(w)}" for w in doc.warnings]
        out.append("")
    text = "\n".join(out).rstrip() + "\n"
    return text if limit is None else mdfit.fit(text, limit)
