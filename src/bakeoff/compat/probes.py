"""Running the JavaScript probe suite (``bakeoff/probes``) under a runtime and parsing its output.

Each area is one script (``probes/areas/<area>.mjs``) run in its own process with a time limit.
The harness prints one JSON line per check, prefixed with ``PREFIX``; everything else the runtime
prints is ignored. A crash, a hang or a missing end marker turns the checks that did not report
into ``error``/``timeout`` results, so one broken area never hides the others.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from bakeoff.measure.process import ProcessResult
from bakeoff.results import CompatResult

PROBES_DIR = Path(__file__).resolve().parent.parent / "probes"
AREAS_DIR = PROBES_DIR / "areas"
PREFIX = "@@bakeoff-probe "

# How each family runs a probe script. Deno needs permissions, and ``--unstable-detect-cjs`` so
# that a ``.js`` file using ``module.exports`` (no ``"type"`` / ``"type": "commonjs"``) loads as
# CommonJS the way Node loads it; without the flag those checks fail (see docs/compat.md).
DENO_FLAGS = ("run", "--allow-all", "--unstable-detect-cjs")

# Areas run in --quick mode: a cross-section that finishes in seconds.
QUICK_AREAS = (
    "path",
    "buffer",
    "events",
    "crypto",
    "http",
    "worker_threads",
    "async_hooks",
    "module",
    "esm_cjs",
    "web_globals",
)


def all_areas() -> list[str]:
    return sorted(p.stem for p in AREAS_DIR.glob("*.mjs"))


def probe_argv(family: str, binary: str, script: Path) -> list[str]:
    if family == "deno":
        return [binary, *DENO_FLAGS, str(script)]
    return [binary, str(script)]


def declared_checks(script: Path) -> list[str]:
    """Check names declared in a probe script (``check("name", ...)``), in order. Used to name
    the checks that never reported when an area crashed or hung."""
    text = script.read_text(encoding="utf-8")
    names: list[str] = []
    for line in text.splitlines():
        stripped = line.lstrip()
        if not stripped.startswith("check("):
            continue
        rest = stripped[len("check(") :]
        if not rest or rest[0] not in "\"'`":
            continue
        quote = rest[0]
        end = rest.find(quote, 1)
        while end > 0 and rest[end - 1] == "\\":
            end = rest.find(quote, end + 1)
        if end > 0:
            names.append(rest[1:end].replace('\\"', '"'))
    return names


@dataclass
class AreaRun:
    """The parsed outcome of running one area under one contestant."""

    area: str
    contestant: str
    results: list[CompatResult] = field(default_factory=list)
    status: str = "ok"  # ok | crashed | timeout | error
    detail: str = ""
    stray: list[str] = field(default_factory=list)  # uncaught errors reported by the harness
    wall_ms: float = 0.0


def parse_output(
    area: str,
    contestant: str,
    stdout: str,
    proc: ProcessResult | None,
    expected: list[str] | None = None,
) -> AreaRun:
    """Turn an area's stdout (+ how the process ended) into results.

    Checks that reported keep their status. If the run did not reach the end marker, every
    expected check that did not report becomes ``timeout`` (the process was killed for taking
    too long) or ``error`` (it crashed), with the process's failure and stderr tail as detail.
    """
    run = AreaRun(area, contestant, wall_ms=proc.wall_ms if proc else 0.0)
    seen: set[str] = set()
    ended = False
    for line in stdout.splitlines():
        if not line.startswith(PREFIX):
            continue
        try:
            obj = json.loads(line[len(PREFIX) :])
        except json.JSONDecodeError:
            continue
        if not isinstance(obj, dict):
            continue
        event = obj.get("event")
        if event == "end":
            ended = True
            continue
        if event == "stray":
            run.stray.append(str(obj.get("detail", ""))[:300])
            continue
        if event is not None or "check" not in obj:
            continue
        name = str(obj["check"])
        status = obj.get("status")
        if status not in ("pass", "fail", "skip") or name in seen:
            continue
        seen.add(name)
        run.results.append(
            CompatResult(
                area=area,
                check=name,
                contestant=contestant,
                status=status,
                detail=str(obj.get("detail", ""))[:500],
            )
        )
    if ended:
        return run
    if proc is not None and proc.timed_out:
        run.status, missing_status = "timeout", "timeout"
    else:
        run.status, missing_status = "crashed", "error"
    why = proc.failure() if proc is not None else "no output"
    if proc is not None and not why:
        why = "exited before reporting every check"
    tail = (proc.stderr_tail if proc else "").strip().splitlines()
    last = next((ln.strip() for ln in reversed(tail) if ln.strip()), "")
    run.detail = why + (f": {last[:200]}" if last else "")
    for name in expected or []:
        if name not in seen:
            run.results.append(
                CompatResult(
                    area=area,
                    check=name,
                    contestant=contestant,
                    status=missing_status,
                    detail=f"area did not finish ({run.detail})",
                )
            )
    if not expected and not run.results:
        run.results.append(
            CompatResult(
                area=area,
                check="(area)",
                contestant=contestant,
                status=missing_status,
                detail=run.detail,
            )
        )
    return run
