"""Rendering of the compatibility section (terminal via Rich, and Markdown): the matrix
(area x contestant pass counts), the failing checks with their details, the project's risks,
package installs, the packaging table and the project's own tests per runtime when present."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from bakeoff.results import ResultsDocument

MAX_FAILURES = 60


def _section(doc: ResultsDocument) -> dict[str, Any]:
    sec = doc.suites.get("compat")
    return sec if isinstance(sec, dict) else {}


def _contestants(doc: ResultsDocument) -> list[str]:
    names = [c.name for c in doc.contestants]
    extra = sorted({r.contestant for r in doc.compat} - set(names))
    return [n for n in names if any(r.contestant == n for r in doc.compat)] + extra


def _cell(cell: dict[str, int] | None) -> str:
    if not cell:
        return "–"
    ran = cell["total"] - cell.get("skip", 0)
    text = f"{cell['pass']}/{ran}"
    bad = [f"{cell[s]} {s}" for s in ("error", "timeout") if cell.get(s)]
    return text + (f" ({', '.join(bad)})" if bad else "")


def _total(t: dict[str, Any]) -> str:
    return f"{t['pass']}/{t['total'] - t['skip']} ({t['pass_rate']:.1%})"


def _fmt(v: Any, unit: str = "") -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.1f}{unit}"
    return f"{v}{unit}"


def _median(xs: list[float]) -> float | None:
    if not xs:
        return None
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def _packaging_rows(sec: dict[str, Any]) -> list[list[str]]:
    rows = []
    for b in (sec.get("packaging") or {}).get("builds", []):
        if b.get("ok"):
            rows.append(
                [
                    b["contestant"],
                    b["method"],
                    _fmt(b.get("build_s"), " s"),
                    _fmt(b.get("binary_mb"), " MB"),
                    _fmt(_median(b.get("start_ms") or []), " ms"),
                    {True: "yes", False: "NO"}.get(b.get("same_output"), "?"),
                    _fmt(b.get("image_estimate_mb"), " MB"),
                ]
            )
        else:
            rows.append(
                [
                    b["contestant"],
                    b.get("method", "-"),
                    "–",
                    "–",
                    "–",
                    "–",
                    b.get("detail", "failed"),
                ]
            )
    return rows


PACKAGING_COLS = [
    "contestant",
    "method",
    "build",
    "binary",
    "start-up (median)",
    "same output",
    "deploy image est. / note",
]


def render_terminal(doc: ResultsDocument) -> RenderableType | None:
    sec = _section(doc)
    if not doc.compat and not sec:
        return None
    parts: list[RenderableType] = []
    names = _contestants(doc)
    mat: dict[str, dict[str, dict[str, int]]] = sec.get("matrix", {})
    if mat:
        t = Table(title="compat · probe matrix (passed / ran)", title_justify="left")
        t.add_column("area")
        for n in names:
            t.add_column(n, justify="right")
        for area, cells in mat.items():
            row = [_cell(cells.get(n)) for n in names]
            style = (
                None
                if len({r.split(" ")[0] for r in row}) == 1
                and all(
                    (cells.get(n) or {}).get("pass")
                    == (cells.get(n) or {}).get("total", 0) - (cells.get(n) or {}).get("skip", 0)
                    for n in names
                )
                else "yellow"
            )
            t.add_row(Text(area), *row, style=style)
        totals = sec.get("totals", {})
        t.add_row(
            "total",
            *[
                _total(totals[n]) if n in totals and totals[n].get("pass_rate") is not None else "–"
                for n in names
            ],
            style="bold",
        )
        parts.append(t)
    relevant = sec.get("relevant_failures") or []
    if relevant:
        t = Table(
            title=Text(f"compat · failures in areas this project uses ({len(relevant)})"),
            title_justify="left",
        )
        for col in ("area", "check", "contestant", "detail"):
            t.add_column(col, overflow="fold")
        for f in relevant[:MAX_FAILURES]:
            t.add_row(*(Text(str(f[k])) for k in ("area", "check", "contestant", "detail")))
        parts.append(t)
    fails = sec.get("failures", [])
    if fails:
        t = Table(title=Text(f"compat · failing checks ({len(fails)})"), title_justify="left")
        for col in ("area", "check", "contestant", "status", "detail"):
            t.add_column(col, overflow="fold")
        for f in fails[:MAX_FAILURES]:
            t.add_row(
                *(Text(str(f[k])) for k in ("area", "check", "contestant", "status", "detail"))
            )
        parts.append(t)
        if len(fails) > MAX_FAILURES:
            parts.append(Text(f"  … {len(fails) - MAX_FAILURES} more in results.json", style="dim"))
    scan = sec.get("scan")
    if scan and not scan.get("risks"):
        parts.append(
            Text(
                f"  scan of {scan['root']}: no risky APIs, native addons or test mocks found",
                style="dim",
            )
        )
    if scan and scan.get("risks"):
        t = Table(
            title=Text(f"compat · risks in {scan['root']} ({scan['files_scanned']} files)"),
            title_justify="left",
        )
        for col in ("severity", "risk", "probe areas", "why", "where"):
            t.add_column(col, overflow="fold")
        for r in scan.get("risks", []):
            t.add_row(
                *(
                    Text(x)
                    for x in (
                        r["severity"],
                        r["id"],
                        ", ".join(r["areas"]),
                        r["why"],
                        ", ".join(r["locations"][:3]),
                    )
                )
            )
        parts.append(t)
        if scan.get("builtins"):
            parts.append(Text("  built-ins used: " + ", ".join(scan["builtins"]), style="dim"))
    pk = sec.get("packages") or {}
    if pk:
        msg = pk.get("skipped") or (
            f"packages installed with {pk.get('installed_with')} + npm {pk.get('npm')} "
            f"in {pk.get('install_s')} s: "
            + ", ".join(f"{k}@{v}" for k, v in (pk.get("versions") or {}).items())
        )
        parts.append(
            Text(
                "  " + msg + (f" — {pk['install_detail']}" if pk.get("install_detail") else ""),
                style="dim",
            )
        )
    rows = _packaging_rows(sec)
    if rows:
        t = Table(
            title=Text(
                "package · single-file executable of "
                + str((sec.get("packaging") or {}).get("entry", ""))
            ),
            title_justify="left",
        )
        for col in PACKAGING_COLS:
            t.add_column(col, overflow="fold")
        for r in rows:
            t.add_row(*(Text(str(x)) for x in r))
        parts.append(t)
    tests = sec.get("project_tests")
    if tests:
        parts.append(
            Text(
                f"  your tests on each runtime: see the test suite section ({len(tests)} entries)",
                style="dim",
            )
        )
    return Group(*parts)


def _esc(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def render_markdown(doc: ResultsDocument) -> str:
    sec = _section(doc)
    if not doc.compat and not sec:
        return ""
    names = _contestants(doc)
    out = [
        "## compat · probe matrix",
        "",
        "Passed / ran (skips excluded); errors and timeouts in brackets.",
        "",
    ]
    mat = sec.get("matrix", {})
    out.append("| area | " + " | ".join(names) + " |")
    out.append("|---|" + "---:|" * len(names))
    for area, cells in mat.items():
        out.append(f"| {area} | " + " | ".join(_cell(cells.get(n)) for n in names) + " |")
    totals = sec.get("totals", {})
    out.append(
        "| **total** | "
        + " | ".join(
            f"**{_total(totals[n])}**"
            if n in totals and totals[n].get("pass_rate") is not None
            else "–"
            for n in names
        )
        + " |"
    )
    out.append("")
    relevant = sec.get("relevant_failures") or []
    if relevant:
        out += [f"### Failures in areas this project uses ({len(relevant)})", ""]
        out += [
            f"- {f['contestant']} · {f['area']} · {_esc(f['check'])}: {_esc(f['detail'])}"
            for f in relevant
        ]
        out.append("")
    fails = sec.get("failures", [])
    if fails:
        out += [
            f"### Failing checks ({len(fails)})",
            "",
            "| area | check | contestant | status | detail |",
            "|---|---|---|---|---|",
        ]
        out += [
            f"| {_esc(f['area'])} | {_esc(f['check'])} | {f['contestant']} | {f['status']} "
            f"| {_esc(f['detail'])} |"
            for f in fails
        ]
        out.append("")
    scan = sec.get("scan")
    if scan and not scan.get("risks"):
        out += [f"Scan of {scan['root']}: no risky APIs, native addons or test mocks found.", ""]
    if scan and scan.get("risks"):
        out += [
            f"### Risks for this project ({scan['root']})",
            "",
            "| severity | risk | probe areas | why | where |",
            "|---|---|---|---|---|",
        ]
        out += [
            f"| {r['severity']} | {_esc(r['id'])} | {', '.join(r['areas'])} | {_esc(r['why'])} "
            f"| {_esc(', '.join(r['locations'][:3]))} |"
            for r in scan.get("risks", [])
        ]
        out.append("")
    rows = _packaging_rows(sec)
    if rows:
        out += [
            "### Single-file executables",
            "",
            "| " + " | ".join(PACKAGING_COLS) + " |",
            "|" + "---|" * len(PACKAGING_COLS),
        ]
        out += ["| " + " | ".join(_esc(c) for c in r) + " |" for r in rows]
        out.append("")
    return "\n".join(out)
