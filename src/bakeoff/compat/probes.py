"""Running the JavaScript probe suite (``bakeoff/probes``) under a runtime and parsing its output.

Each area is one script (``probes/areas/<area>.mjs``) run in its own process with a time limit.
The harness prints one JSON line per check, prefixed with ``PREFIX``, and announces each check
before running it; everything else the runtime prints is ignored. When a check hangs or crashes
the runtime, that check is recorded as ``timeout``/``error`` and the area is started again
without it (``run_area``), so one broken check never hides the checks after it.

The declared checks are also read statically (``declared``): their names, whether they are
labelled existence-only, and the public source of a known bug they encode.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bakeoff.measure.process import ProcessResult
from bakeoff.results import CompatResult

PROBES_DIR = Path(__file__).resolve().parent.parent / "probes"
AREAS_DIR = PROBES_DIR / "areas"
PREFIX = "@@bakeoff-probe "
# How often an area is started again after a check hung (each hang costs the area's time limit);
# after a crash it is started again as long as checks are left (a crash costs little).
MAX_HANG_RESTARTS = 2

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

# An area may ask for Node flags in a header comment, the way a project would set them
# (e.g. Jest's ESM mode needs ``--experimental-vm-modules``): ``// @bakeoff node-args: ...``.
_NODE_ARGS_RE = re.compile(r"^//\s*@bakeoff node-args:(.*)$", re.MULTILINE)
_CHECK_RE = re.compile(r"""^check\((["'`])((?:\\.|(?!\1).)*)\1""")
_EXISTENCE_RE = re.compile(r"""\bexistence:\s*(["'`])((?:\\.|(?!\1).)*)\1""")
_REF_RE = re.compile(r"""\bref:\s*(["'`])((?:\\.|(?!\1).)*)\1""")


def all_areas() -> list[str]:
    return sorted(p.stem for p in AREAS_DIR.glob("*.mjs"))


def node_args(script: Path) -> list[str]:
    """Node flags the area declares in its ``// @bakeoff node-args:`` header."""
    m = _NODE_ARGS_RE.search(script.read_text(encoding="utf-8"))
    return m.group(1).split() if m else []


def probe_argv(family: str, binary: str, script: Path, flags: list[str] | None = None) -> list[str]:
    """argv for one probe script; ``flags`` are Node flags (given to Node only)."""
    if family == "deno":
        return [binary, *DENO_FLAGS, str(script)]
    if family == "node":
        return [binary, *(flags or []), str(script)]
    return [binary, str(script)]


@dataclass(frozen=True)
class Declared:
    """One check as written in a probe script."""

    name: str
    existence: str | None  # why only existence is checked (labelled checks only)
    ref: str | None  # public source of the known bug the check encodes
    source: str  # the text of the check(...) call, up to the next check


def declared(script: Path) -> list[Declared]:
    """The checks declared in a probe script, in order. A check is a ``check("name", ...)`` call
    at the start of a line; its source runs to the next such line (or ``await run()``)."""
    lines = script.read_text(encoding="utf-8").splitlines()
    starts: list[tuple[int, str]] = []
    end = len(lines)
    for i, line in enumerate(lines):
        m = _CHECK_RE.match(line)
        if m:
            starts.append((i, _unescape(m.group(2))))
        elif line.startswith("await run()"):
            end = i
    out: list[Declared] = []
    for k, (i, name) in enumerate(starts):
        stop = starts[k + 1][0] if k + 1 < len(starts) else max(end, i + 1)
        src = "\n".join(lines[i:stop])
        ex = _EXISTENCE_RE.search(src)
        ref = _REF_RE.search(src)
        out.append(
            Declared(
                name,
                _unescape(ex.group(2)) if ex else None,
                _unescape(ref.group(2)) if ref else None,
                src,
            )
        )
    return out


def _unescape(s: str) -> str:
    return s.replace('\\"', '"').replace("\\'", "'").replace("\\`", "`")


def declared_checks(script: Path) -> list[str]:
    """Check names declared in a probe script (``check("name", ...)``), in order. Used to name
    the checks that never reported when an area crashed or hung."""
    return [d.name for d in declared(script)]


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
    running: str | None = None  # the check that began but never reported (hang or crash)
    restarts: int = 0  # times the area was started again without a check that hung/crashed
    missing: list[str] = field(default_factory=list)  # checks given a result because none came


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
    too long) or ``error`` (it crashed), with the process's failure and stderr tail as detail;
    the check that was running when it happened is named in ``running``.
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
        if event == "begin":
            run.running = str(obj.get("check", "")) or None
            continue
        if event is not None or "check" not in obj:
            continue
        name = str(obj["check"])
        status = obj.get("status")
        if status not in ("pass", "fail", "skip", "timeout") or name in seen:
            continue
        seen.add(name)
        if run.running == name:
            run.running = None
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
        run.running = None
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
    if run.running is not None and run.running in seen:
        run.running = None
    for name in expected or []:
        if name not in seen:
            if name == run.running:
                what = "hung" if missing_status == "timeout" else "crashed the runtime"
                detail = f"{what} while this check ran ({run.detail})"
            else:
                detail = f"area did not finish ({run.detail})"
            run.missing.append(name)
            run.results.append(
                CompatResult(
                    area=area,
                    check=name,
                    contestant=contestant,
                    status=missing_status,
                    detail=detail,
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


Launch = Callable[[list[str]], tuple[str, ProcessResult]]


def run_area(
    launch: Launch,
    area: str,
    contestant: str,
    expected: list[str],
    max_hang_restarts: int = MAX_HANG_RESTARTS,
) -> AreaRun:
    """Run an area with ``launch(skip) -> (stdout, process)``; when a check hangs or crashes
    the runtime, keep that check's ``timeout``/``error`` and start the area again skipping every
    check that already has a result (after a hang at most ``max_hang_restarts`` times)."""
    done: dict[str, CompatResult] = {}
    first: AreaRun | None = None
    wall = 0.0
    stray: list[str] = []
    restarts = hangs = 0
    while True:
        stdout, proc = launch(sorted(done))
        remaining = [n for n in expected if n not in done]
        run = parse_output(area, contestant, stdout, proc, remaining)
        wall += run.wall_ms
        stray.extend(run.stray)
        if first is None or (run.status != "ok" and first.status == "ok"):
            first = run
        culprit = run.running
        hangs += run.status == "timeout"
        left = [n for n in remaining if n != culprit and n in run.missing]
        final = (
            run.status == "ok"
            or culprit is None
            or culprit not in remaining  # a check the static parser does not know: stop
            or not left
            or restarts >= len(expected)
            or (run.status == "timeout" and hangs > max_hang_restarts)
        )
        for r in run.results:
            if final or r.check not in run.missing or r.check == culprit:
                done.setdefault(r.check, r)
        if final:
            break
        restarts += 1
    assert first is not None
    order = {n: i for i, n in enumerate(expected)}
    results = sorted(done.values(), key=lambda r: order.get(r.check, len(order)))
    if not expected and not results:
        results = run.results
    return AreaRun(
        area,
        contestant,
        results=results,
        status=first.status,
        detail=first.detail,
        stray=stray,
        wall_ms=wall,
        restarts=restarts,
    )
