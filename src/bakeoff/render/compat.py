"""Rendering of the compatibility section (terminal via Rich, and Markdown): the matrix
(area x contestant pass counts), the failing checks with their details, the project's risks,
its native addons (Node-API or V8 API, loaded under each runtime), which runtime really ran
(process tree, package.json scripts), package installs, the packaging table and the project's
own tests per runtime when present."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from bakeoff.results import ResultsDocument

MAX_FAILURES = 60


def _section(doc: ResultsDocument) -> dict[str, Any]:
    """The compat section as the document stores it (its JSON: the fields the suite set)."""
    sec = doc.suites.compat
    return sec.model_dump(mode="json", by_alias=True, exclude_unset=True) if sec else {}


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


_LOAD_WORD = {"pass": "loads", "fail": "FAILS", "error": "CRASH", "timeout": "HANGS", "skip": "–"}


def _native_rows(sec: dict[str, Any], names: list[str]) -> list[tuple[str, list[str]]]:
    """``(root label, row)`` per native package: package@version, API, binaries, one cell per
    contestant (what requiring the package did)."""
    rows = []
    for root in sec.get("native") or []:
        for p in root.get("packages") or []:
            files = p.get("files") or []
            here = sum(1 for f in files if f.get("loadable_here"))
            cells = [
                _LOAD_WORD.get(((p.get("require") or {}).get(n) or {}).get("status", ""), "–")
                for n in names
            ]
            rows.append(
                (
                    str(root.get("root")),
                    [
                        f"{p['package']}@{p['version']}",
                        str(p.get("api")),
                        f"{len(files)} ({here} for this machine)",
                        *cells,
                    ],
                )
            )
    return rows


NATIVE_COLS = ["package", "API", ".node files"]


def _native_notes(sec: dict[str, Any]) -> list[str]:
    return [f"{r.get('root')}: {r['skipped']}" for r in sec.get("native") or [] if r.get("skipped")]


def _identity_rows(sec: dict[str, Any]) -> list[list[str]]:
    probe = (sec.get("identity") or {}).get("probe") or {}
    return [
        [
            name,
            "yes" if v.get("really_tested") else "NO",
            ", ".join(v.get("families") or []),
            v.get("detail", ""),
        ]
        for name, v in probe.items()
    ]


IDENTITY_COLS = ["contestant", "really tested", "runtimes seen", "detail"]


def _script_rows(sec: dict[str, Any], names: list[str]) -> list[list[str]]:
    return [
        [
            r["script"],
            r["bin"],
            str(r.get("interpreter")),
            *[str(r["contestants"].get(n, "–")) for n in names],
        ]
        for r in (sec.get("identity") or {}).get("scripts") or []
    ]


SCRIPT_COLS = ["script", "bin", "shebang"]


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
    parts.extend(_terminal_native_identity(sec, names))
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


def _terminal_native_identity(sec: dict[str, Any], names: list[str]) -> list[RenderableType]:
    parts: list[RenderableType] = []
    native = _native_rows(sec, names)
    if native:
        t = Table(
            title="compat · native addons (require() under each runtime)", title_justify="left"
        )
        for col in ["where", *NATIVE_COLS, *names]:
            t.add_column(col, overflow="fold")
        for root, row in native:
            t.add_row(root, *row, style=None if all(c == "loads" for c in row[3:]) else "yellow")
        parts.append(t)
    parts.extend(Text(f"  native addons — {n}", style="dim") for n in _native_notes(sec))
    ident = _identity_rows(sec)
    if ident:
        t = Table(title="compat · which runtime really ran (process tree)", title_justify="left")
        for col in IDENTITY_COLS:
            t.add_column(col, overflow="fold")
        for row in ident:
            t.add_row(*row, style=None if row[1] == "yes" else "yellow")
        parts.append(t)
    scripts = _script_rows(sec, names)
    if scripts:
        t = Table(title="compat · package.json scripts: who runs their bin", title_justify="left")
        for col in [*SCRIPT_COLS, *names]:
            t.add_column(col, overflow="fold")
        for row in scripts:
            t.add_row(*row)
        parts.append(t)
    return parts


def _markdown_native_identity(sec: dict[str, Any], names: list[str]) -> list[str]:
    out: list[str] = []
    native = _native_rows(sec, names)
    if native:
        cols = ["where", *NATIVE_COLS, *names]
        out += [
            "### Native addons",
            "",
            "API from the binaries' imported symbols (Node-API is portable; the V8/NAN C++ API is "
            "bound to one Node ABI); each cell is what `require()` of the package did.",
            "",
            "| " + " | ".join(cols) + " |",
            "|" + "---|" * len(cols),
        ]
        out += ["| " + " | ".join(_esc(c) for c in [root, *row]) + " |" for root, row in native]
        out.append("")
    out += [f"Native addons — {_esc(n)}" for n in _native_notes(sec)]
    ident = _identity_rows(sec)
    if ident:
        out += [
            "### Which runtime really ran",
            "",
            "Runtimes seen in the process tree while the runtime_identity probe ran its children.",
            "",
            "| " + " | ".join(IDENTITY_COLS) + " |",
            "|" + "---|" * len(IDENTITY_COLS),
        ]
        out += ["| " + " | ".join(_esc(c) for c in row) + " |" for row in ident]
        out.append("")
    scripts = _script_rows(sec, names)
    if scripts:
        cols = [*SCRIPT_COLS, *names]
        out += [
            "### package.json scripts: who runs their bin",
            "",
            "| " + " | ".join(cols) + " |",
            "|" + "---|" * len(cols),
        ]
        out += ["| " + " | ".join(_esc(c) for c in row) + " |" for row in scripts]
        out.append("")
    return out


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
    out += _markdown_native_identity(sec, names)
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
