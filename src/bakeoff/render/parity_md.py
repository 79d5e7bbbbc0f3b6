"""Markdown sections for the test parity table (summary, differences, and the full per-test
table in a ``<details>`` block) and for every failure with its cause."""

from __future__ import annotations

from bakeoff.render import parity_view as pv
from bakeoff.results import ResultsDocument
from bakeoff.results.suites import ParityRow


def _esc(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def parity(doc: ResultsDocument) -> list[str]:
    view = pv.parity(doc)
    if view is None:
        return []
    out = [f"## Test parity — {view.tests} tests compared (by file and full name)", ""]
    if view.script:
        out += [f"The project's test command: {_code(view.script)} ({_esc(view.source)})", ""]
    out.append("| runner | " + " | ".join(pv.CLASSES) + " | runner's own count |")
    out.append("|---|" + "---:|" * len(pv.CLASSES) + "---|")
    for r in view.runners:
        label = f"{r.name}: {r.runner}" if r.runner else r.name
        counts = " | ".join(str(r.counts[c]) for c in pv.CLASSES)
        out.append(f"| {_esc(label)} | {counts} | {_esc(r.own_count)} |")
    out.append("")
    for r in view.runners:
        if r.finding:
            out.append(f"- **{r.name}: the suite did not run** — {_esc(r.finding)}")
    for name, errs in view.file_errors.items():
        for file, why in errs.items():
            out.append(f"- {name}: {_code(file)} did not load — {_esc(why)}")
    out += [f"- {_esc(n)}" for n in view.notes]
    out.append("")
    out.append("Commands run:")
    out.append("")
    for r in view.runners:
        extra = f" — translated: {_esc('; '.join(r.translated))}" if r.translated else ""
        out.append(f"- {r.name}: {_code(r.command)}{extra}")
    out.append("")
    if view.diff:
        out += [f"### {len(view.diff)} test(s) with different outcomes", ""]
        out += _table(view.diff, view.names)
        out.append("")
    if view.rows:
        out += ["<details><summary>Every test, per runner</summary>", ""]
        out += _table(view.rows, view.names)
        out += ["", "</details>", ""]
    return out


def _table(rows: list[ParityRow], names: list[str]) -> list[str]:
    out = ["| test | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for row in rows:
        cells = " | ".join(_esc(pv.row_cell(row, n)) for n in names)
        out.append(f"| {_esc(pv.test_name(row))} | {cells} |")
    return out


def failures(doc: ResultsDocument) -> list[str]:
    views = pv.failures(doc)
    if not views:
        return []
    out = ["## Failures", ""]
    for v in views:
        f = v.failure
        out.append(f"### {_esc(v.where)} · {_esc(v.contestant)}")
        out.append("")
        out.append(f"- why: {_esc(v.line)}")
        out.append(f"- {pv.exit_text(f)}")
        if f.command:
            out.append(f"- command: {_code(f.command)}")
        for label, text in (("stderr", f.stderr_tail), ("stdout", f.stdout_tail)):
            lines = pv.tail_lines(text, 20)
            if lines:
                out += [f"- {label} (last lines):", "", "```", *lines, "```"]
        out.append("")
    return out
