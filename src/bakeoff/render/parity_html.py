"""HTML sections for the test parity table (summary, differences, every test) and for every
failure with its cause (reason, command, exit, stdout and stderr tails)."""

from __future__ import annotations

from html import escape

from bakeoff.render import parity_view as pv
from bakeoff.results import ResultsDocument
from bakeoff.results.suites import ParityRow

CLASS_CSS = {"failed": "worse", "not run": "inconclusive", "not collected": "inconclusive"}


def _rows_table(rows: list[ParityRow], names: list[str]) -> str:
    head = "".join(f"<th>{escape(n)}</th>" for n in ["test", *names])
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="{CLASS_CSS.get(row.status.get(n, ""), "")}">'
            f"{escape(pv.row_cell(row, n))}</td>"
            for n in names
        )
        body.append(f"<tr><td>{escape(pv.test_name(row))}</td>{cells}</tr>")
    return (
        f'<table class="parity-rows"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def parity(doc: ResultsDocument) -> str:
    view = pv.parity(doc)
    if view is None:
        return ""
    head = "".join(f"<th>{escape(c)}</th>" for c in ["runner", *pv.CLASSES, "runner's own count"])
    rows = []
    for r in view.runners:
        label = f"{r.name}: {r.runner}" if r.runner else r.name
        cells = "".join(
            f'<td class="num {CLASS_CSS.get(c, "") if r.counts[c] else ""}">{r.counts[c]}</td>'
            for c in pv.CLASSES
        )
        rows.append(f"<tr><td>{escape(label)}</td>{cells}<td>{escape(r.own_count)}</td></tr>")
    items = [
        f'<li class="worse">{escape(r.name)}: the suite did not run — {escape(r.finding)}</li>'
        for r in view.runners
        if r.finding
    ]
    for name, errs in view.file_errors.items():
        items += [
            f"<li>{escape(name)}: <code>{escape(f)}</code> did not load — {escape(w)}</li>"
            for f, w in errs.items()
        ]
    items += [f"<li>{escape(n)}</li>" for n in view.notes]
    commands = "".join(
        f"<li>{escape(r.name)}: <code>{escape(r.command)}</code>"
        + (f" <small>translated: {escape('; '.join(r.translated))}</small>" if r.translated else "")
        + "</li>"
        for r in view.runners
    )
    script = (
        f"<p>The project's test command: <code>{escape(view.script)}</code> "
        f"({escape(view.source)})</p>"
        if view.script
        else ""
    )
    diff = (
        f"<h3>{len(view.diff)} test(s) with different outcomes</h3>"
        + _rows_table(view.diff, view.names)
        if view.diff
        else "<p>Every runner gave every test the same outcome.</p>"
    )
    full = (
        "<details><summary>Every test, per runner</summary>"
        + _rows_table(view.rows, view.names)
        + "</details>"
        if view.rows
        else ""
    )
    return (
        f'<h2 id="parity">Test parity — {view.tests} tests compared (by file and full name)</h2>'
        f'{script}<table class="parity"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
        f"</tbody></table><ul>{''.join(items)}</ul>"
        f"<details><summary>Commands run</summary><ul>{commands}</ul></details>{diff}{full}"
    )


def failures(doc: ResultsDocument) -> str:
    views = pv.failures(doc)
    if not views:
        return ""
    out = []
    for v in views:
        f = v.failure
        tails = "".join(
            f"<p><small>{label} (last lines)</small></p><pre>{escape(chr(10).join(lines))}</pre>"
            for label, text in (("stderr", f.stderr_tail), ("stdout", f.stdout_tail))
            if (lines := pv.tail_lines(text, 20))
        )
        cmd = f"<p>command: <code>{escape(f.command)}</code></p>" if f.command else ""
        out.append(
            f'<details class="failure"><summary><span class="worse">{escape(v.where)} · '
            f"{escape(v.contestant)}</span>: {escape(v.line)}</summary>"
            f"<p>{escape(pv.exit_text(f))}</p>{cmd}{tails}</details>"
        )
    return '<h2 id="failures">Failures</h2>' + "".join(out)
