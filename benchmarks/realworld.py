"""Real-world check (opt-in): ``bakeoff init`` then ``bakeoff run --quick`` on real projects,
as a user would run them — through the installed CLI, each project in a temporary copy, each
step under a time limit — and a table of what happened:

* init: per section, whether init's own try worked (read from the ``# init tried`` comments of
  the file it wrote) and its wall time;
* run --quick: its exit code and wall time, the suites that completed per runtime (a suite
  counts for a runtime when it has a valid measurement for it), the test parity classes found
  in results.json (read leniently: whatever ``suites.test.parity`` holds), and the first
  failure reason of each suite that did not complete.

The table is printed and written as Markdown (``--out``). A folder's repository and commit come
from an ``INDEX.md`` next to it (lines ``- folder | repository | commit (date) | shape``).

    .venv/bin/python benchmarks/realworld.py /work/scratch/corpus/*/ --out realworld.md
    .venv/bin/python benchmarks/realworld.py PATH --init-only --limit 600
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUITES = ("startup", "serve", "install", "test", "build", "ci", "compat")


@dataclass
class Outcome:
    name: str
    repo: str = ""
    commit: str = ""
    init_s: float = 0.0
    init_exit: int | None = None
    tried: dict[str, str] = field(default_factory=dict)  # section → worked|failed: ...
    run_s: float = 0.0
    run_exit: int | None = None
    run_timed_out: bool = False
    suites: dict[str, dict[str, bool]] = field(default_factory=dict)  # suite → runtime → ok
    parity: dict[str, int | str] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)  # the compat suite's, for this project
    reasons: list[str] = field(default_factory=list)
    init_tail: str = ""
    run_tail: str = ""


def bakeoff_cli() -> str:
    here = Path(sys.executable).parent / "bakeoff"
    return str(here) if here.is_file() else (shutil.which("bakeoff") or "bakeoff")


def run_limited(argv: list[str], cwd: Path, limit: float) -> tuple[int | None, float, str, bool]:
    """(exit code, seconds, output tail, timed out); at the limit the command's process group
    gets SIGINT (bakeoff saves its partial results), then SIGKILL, so nothing outlives it."""
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            process_group=0,
            # a harness started in the background inherits an ignored SIGINT: restore it, so
            # Ctrl-C at the limit reaches bakeoff (which then saves its partial results)
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        timed_out = False
        try:
            proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            # Ctrl-C first, as a user would: bakeoff saves what it measured so far
            timed_out = True
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        finally:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
        log.seek(0)
        tail = log.read()[-6000:].decode("utf-8", "replace")
    return proc.returncode, time.monotonic() - t0, tail, timed_out


def read_index(folder: Path) -> dict[str, tuple[str, str]]:
    index = folder.parent / "INDEX.md"
    out: dict[str, tuple[str, str]] = {}
    if index.is_file():
        for line in index.read_text().splitlines():
            m = re.match(r"-\s*(\S+)\s*\|\s*(\S+)\s*\|\s*([0-9a-f]{7,40})", line)
            if m:
                out[m.group(1)] = (m.group(2), m.group(3))
    return out


def tried_sections(toml: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    if not toml.is_file():
        return out
    for line in toml.read_text().splitlines():
        m = re.match(r"# init tried ([\w:.@/-]+): (worked|failed): ?(.*)", line)
        if m:
            out.setdefault(m.group(1), f"{m.group(2)}: {m.group(3)}")
    return out


def read_results(folder: Path, outcome: Outcome) -> None:
    docs = sorted(folder.rglob("results.json"), key=lambda p: p.stat().st_mtime)
    if not docs:
        return
    doc: dict[str, Any] = json.loads(docs[-1].read_text())
    runtimes = [c.get("name", "?") for c in doc.get("contestants", [])]
    seen: dict[str, dict[str, bool]] = {}
    firsts: dict[tuple[str, str], str] = {}  # (suite, runtime) → why its first bad one failed
    for m in doc.get("measurements", []):
        suite, who = m.get("suite"), m.get("contestant")
        if suite not in SUITES:
            continue
        ok = bool(m.get("valid")) and bool(m.get("samples") or m.get("median") is not None)
        row = seen.setdefault(suite, {})
        row[who] = row.get(who, False) or ok
        if not ok and (suite, who) not in firsts:
            fails = m.get("failures") or []
            why = failure_text(fails[-1]) if fails else "; ".join(m.get("notes") or [])
            if why:
                firsts[(suite, who)] = why
    outcome.suites = {s: {r: seen[s].get(r, False) for r in runtimes} for s in seen}
    for (suite, who), why in firsts.items():
        if not outcome.suites.get(suite, {}).get(who, True):
            outcome.reasons.append(f"{suite}/{who}: {why}"[:260])
    parity = ((doc.get("suites") or {}).get("test") or {}).get("parity")  # 1.1: null when not run
    outcome.parity = parity_classes(parity)
    outcome.findings = compat_findings((doc.get("suites") or {}).get("compat") or {})


def compat_findings(section: dict[str, Any]) -> list[str]:
    """What the compat suite found about this project: its own native addons (API kind, and
    whether requiring each package worked per runtime), failing checks in the areas its source
    uses (module hooks, AsyncLocalStorage…), and package scripts whose bin runs under Node
    whatever the contestant (a `#!/usr/bin/env node` shebang)."""
    out: list[str] = []
    for root in section.get("native") or []:
        for pkg in root.get("packages") or []:
            loads = ", ".join(
                f"{who} {r.get('status')}" for who, r in (pkg.get("require") or {}).items()
            )
            out.append(
                f"native addon {pkg.get('package')}@{pkg.get('version')} "
                f"({pkg.get('api')}): {loads or 'not loaded'}"
            )
    failing: dict[str, set[str]] = {}
    for f in section.get("relevant_failures") or []:
        failing.setdefault(f"{f.get('area')}", set()).add(str(f.get("contestant")))
    for area, who in sorted(failing.items()):
        out.append(f"used area {area}: checks fail on {', '.join(sorted(who))}")
    scan = section.get("scan") or {}
    if isinstance(scan, dict) and scan.get("areas"):
        out.append("areas the source uses: " + ", ".join(sorted(scan["areas"])))
    identity = section.get("identity") or {}
    for row in identity.get("scripts") or [] if isinstance(identity, dict) else []:
        verdicts = row.get("contestants") or row  # 1.1 keeps them under "contestants"
        under = [
            who
            for who, text in verdicts.items()
            if who not in ("script", "bin", "interpreter", "node") and "under node" in str(text)
        ]
        if under:
            out.append(
                f"script {row.get('script')} ({row.get('bin')}) runs under node for "
                + ", ".join(under)
            )
    return out


def failure_text(f: dict[str, Any]) -> str:
    """A failure's reason and its telling output line (as the reports show it)."""
    try:
        from bakeoff.results.tails import telling_line

        pick = telling_line(f.get("stderr_tail") or "", f.get("stdout_tail") or "")
    except ImportError:
        pick = ""
    reason = str(f.get("reason") or "")
    return reason + (f": {pick}" if pick and pick not in reason else "")


def parity_classes(parity: Any) -> dict[str, int | str]:
    """Counts per class from whatever shape the parity record has: per runtime from its
    ``summary`` (``node: passed 120, not run 2``), else a dict of classes, else per-test rows."""
    counts: dict[str, int | str] = {}
    summary = parity.get("summary") if isinstance(parity, dict) else None
    if isinstance(summary, dict) and summary:
        classes = parity.get("classes") if isinstance(parity.get("classes"), list) else None
        for who, row in summary.items():
            if isinstance(row, dict):
                keys = classes or [k for k, v in row.items() if isinstance(v, int)]
                parts = [f"{k} {row[k]}" for k in keys if isinstance(row.get(k), int) and row[k]]
                counts[str(who)] = ", ".join(parts) or "none"
        return counts
    if isinstance(parity, dict):
        classes = parity.get("classes")
        if isinstance(classes, dict):
            for k, v in classes.items():
                counts[str(k)] = len(v) if isinstance(v, list | dict) else int(v or 0)
            return counts
        for k, v in parity.items():
            if isinstance(v, int | float):
                counts[str(k)] = int(v)
            elif isinstance(v, list):
                counts[str(k)] = len(v)
    elif isinstance(parity, list):
        for row in parity:
            if isinstance(row, dict):
                key = str(row.get("class") or row.get("status") or "row")
                counts[key] = counts.get(key, 0) + 1
    return counts


def one(project: Path, args: argparse.Namespace, index: dict[str, tuple[str, str]]) -> Outcome:
    outcome = Outcome(project.name, *index.get(project.name, ("", "")))
    cli = bakeoff_cli()
    with tempfile.TemporaryDirectory(prefix="bakeoff-realworld-") as tmp:
        copy = Path(tmp) / project.name
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".git", "node_modules"))
        init_argv = [cli, "init", str(copy)]
        for r in args.runtime:
            init_argv += ["-r", r]
        code, secs, tail, timed_out = run_limited(init_argv, copy, args.limit)
        outcome.init_exit, outcome.init_s, outcome.init_tail = code, secs, tail
        outcome.tried = tried_sections(copy / "bakeoff.toml")
        if timed_out:
            outcome.reasons.append(f"init timed out after {args.limit:g} s")
        if code != 0 or args.init_only:
            if code != 0:
                outcome.reasons.append(f"init exit {code}: {last_line(tail)}")
            return outcome
        left = max(60.0, args.limit - secs)
        code, secs, tail, timed_out = run_limited([cli, "run", "--quick"], copy, left)
        outcome.run_exit, outcome.run_s, outcome.run_tail = code, secs, tail
        outcome.run_timed_out = timed_out
        if timed_out:
            outcome.reasons.append(f"run --quick killed at the time limit ({left:.0f} s)")
        elif code not in (0, None):
            outcome.reasons.append(f"run exit {code}: {last_line(tail)}")
        read_results(copy, outcome)
        if args.keep:
            dest = Path(args.keep) / project.name
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(copy, dest, ignore=shutil.ignore_patterns("node_modules"))
            (dest / "init.log").write_text(outcome.init_tail)
            (dest / "run.log").write_text(outcome.run_tail)
            keep = {k: getattr(outcome, k) for k in ("init_s", "init_exit", "run_s", "run_exit")}
            (dest / "outcome.json").write_text(json.dumps({**keep, "timed_out": timed_out}))
    return outcome


def last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1][:200] if lines else ""


def _mark(tried: str | None) -> str:
    if tried is None:
        return "–"
    return "ok" if tried.startswith("worked") else "FAIL"


def table(outcomes: list[Outcome], command: str) -> str:
    lines = [
        f"Command: `{command}`",
        "",
        "| project | commit | init s | tried: install / build / serve / test / cli "
        "| run --quick s (exit) | suites completed (per runtime) | parity classes |",
        "|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        cli = [v for k, v in o.tried.items() if k.startswith("startup:")]
        tried = " / ".join(
            [_mark(o.tried.get(s)) for s in ("install", "build", "serve", "test")]
            + [("ok" if all(v.startswith("worked") for v in cli) else "FAIL") if cli else "–"]
        )
        suites = "; ".join(
            f"{s}: " + " ".join(f"{r}{'✓' if ok else '✗'}" for r, ok in row.items())
            for s, row in o.suites.items()
        )
        run = (
            f"{o.run_s:.0f} ({'killed' if o.run_timed_out else o.run_exit})"
            if o.run_exit is not None or o.run_timed_out
            else "–"
        )
        parity = "; ".join(f"{k}: {v}" for k, v in o.parity.items()) or "–"
        repo = o.repo.removeprefix("https://github.com/") or o.name
        lines.append(
            f"| {repo} | {o.commit[:10] or '–'} | {o.init_s:.0f} | {tried} | {run} | "
            f"{suites or '–'} | {parity} |"
        )
    lines += ["", "Reasons for what did not work:", ""]
    for o in outcomes:
        failed = [f"{k}: {v}" for k, v in o.tried.items() if not v.startswith("worked")]
        for why in failed + o.reasons:
            lines.append(f"- {o.name}: {why}")
    lines += ["", "Compatibility findings for each project (its compat suite):", ""]
    for o in outcomes:
        for what in o.findings or ["nothing project-specific"]:
            lines.append(f"- {o.name}: {what}")
    return "\n".join(lines) + "\n"


def retable(keep: Path, paths: list[Path], log: Path | None) -> str:
    """The table from kept copies (``--keep``) without running anything again."""
    times: dict[str, tuple[float, int | None, float, int | None]] = {}
    if log is not None and log.is_file():
        name = ""
        for line in log.read_text().splitlines():
            if line.startswith("== "):
                name = line[3:].strip()
            m = re.match(r"\s+init (\d+) s \(exit (\S+)\); run (\d+) s \(exit (\S+)\)", line)
            if m and name:

                def num(x: str) -> int | None:
                    return None if x == "None" else int(x)

                times[name] = (
                    float(m.group(1)),
                    num(m.group(2)),
                    float(m.group(3)),
                    num(m.group(4)),
                )
    outcomes = []
    for path in paths:
        path = path.resolve()
        copy = keep / path.name
        o = Outcome(path.name, *read_index(path).get(path.name, ("", "")))
        saved = copy / "outcome.json"
        if saved.is_file():
            d = json.loads(saved.read_text())
            o.init_s, o.init_exit, o.run_s, o.run_exit = (
                d["init_s"],
                d["init_exit"],
                d["run_s"],
                d["run_exit"],
            )
            o.run_timed_out = bool(d.get("timed_out"))
        elif path.name in times:
            o.init_s, o.init_exit, o.run_s, o.run_exit = times[path.name]
            o.run_timed_out = o.run_exit in (-2, -9, -15)
        o.tried = tried_sections(copy / "bakeoff.toml")
        if o.run_timed_out:
            o.reasons.append("run --quick stopped at the time limit (Ctrl-C; partial results)")
        read_results(copy, o)
        outcomes.append(o)
    return table(outcomes, " ".join(sys.argv))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("paths", nargs="+", type=Path, help="project folders (copied, never modified)")
    ap.add_argument("--limit", type=float, default=900.0, help="seconds per project (init + run)")
    ap.add_argument("--out", type=Path, default=Path("realworld.md"), help="Markdown table file")
    ap.add_argument("--init-only", action="store_true", help="run `bakeoff init` only")
    ap.add_argument("-r", "--runtime", action="append", default=[], help="contestants for init")
    ap.add_argument("--keep", metavar="DIR", help="keep each copy (without node_modules) here")
    ap.add_argument(
        "--table-from",
        metavar="DIR",
        help="no runs: the table again from the copies a --keep DIR holds (timings from each "
        "copy's outcome.json, or from --log, the harness's own output)",
    )
    ap.add_argument("--log", type=Path, help="with --table-from: the harness output to read")
    args = ap.parse_args()
    if args.table_from:
        text = retable(Path(args.table_from), args.paths, args.log)
        print(text)
        args.out.write_text(text)
        return
    outcomes = []
    for path in args.paths:
        path = path.resolve()
        if not (path / "package.json").is_file():
            sys.exit(f"{path}: no package.json")
        print(f"== {path.name}", flush=True)
        o = one(path, args, read_index(path))
        print(
            f"   init {o.init_s:.0f} s (exit {o.init_exit}); "
            f"run {o.run_s:.0f} s (exit {o.run_exit})",
            flush=True,
        )
        outcomes.append(o)
        args.out.write_text(table(outcomes, " ".join(sys.argv)))
    text = table(outcomes, " ".join(sys.argv))
    print(text)
    args.out.write_text(text)


if __name__ == "__main__":
    main()
