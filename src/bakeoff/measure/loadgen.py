"""HTTP load generators: k6 for open-loop fixed-rate phases (and saturation when wrk is absent),
wrk for closed-loop saturation when it is installed.

k6 runs its ``constant-arrival-rate`` executor: iteration *i* is scheduled at ``T0 + i/rate``
whatever the server does, and an iteration that finds no free VU is counted as dropped. Every
request is tagged with its iteration number; from k6's per-request CSV output (end timestamp in
ns, duration in ms) bakeoff recovers each request's **intended** send time and measures latency
from it, so a stalled server cannot hide its stall (no coordinated omission). ``T0`` is the
earliest observed ``start - i/rate`` (k6 never starts an iteration early).

Both tools run without a shell, contained (``containment.Contained``: their own process group
and launcher), are bounded in time, and have their own CPU time taken from ``wait4`` so a
generator-bound run can be recognised.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bakeoff.measure import latency
from bakeoff.measure.containment import Contained
from bakeoff.runtimes import k6 as k6_tool
from bakeoff.runtimes.k6 import K6Binary
from bakeoff.runtimes.provision import DownloadProgress, Provisioner

GENERATOR_CPU_LIMIT = 0.8  # fraction of one core
MIN_ACHIEVED = 0.99
# The generator's own lag: its p99 may be at most MAX_LAG_MS, and it may move the phase's p99
# by at most 25% or MAX_LAG_MS / 2, whichever is larger (k6's scheduling jitter on a busy
# 2-core machine is a few ms at p99; more means it fell behind).
MAX_LAG_MS = 10.0
GENERATOR_LAG_LIMIT = 0.25


@dataclass(frozen=True)
class Request:
    """One entry of the request mix."""

    path: str
    method: str = "GET"
    weight: int = 1
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str | None = None
    name: str = ""
    expect_status: int | None = None  # None: any 2xx/3xx

    @property
    def label(self) -> str:
        return self.name or f"{self.method} {self.path}"


def weighted_order(mix: Sequence[Request]) -> list[int]:
    """A deterministic interleaving of the mix by weight (smooth weighted round-robin), the
    same sequence for every contestant."""
    weights = [max(0, r.weight) for r in mix]
    total = sum(weights)
    if total == 0:
        raise ValueError("the request mix needs at least one entry with weight > 0")
    current = [0] * len(mix)
    order: list[int] = []
    for _ in range(total):
        for i, w in enumerate(weights):
            current[i] += w
        best = max(range(len(mix)), key=lambda i: current[i])
        current[best] -= total
        order.append(best)
    return order


def find_k6(
    offline: bool = False, on_progress: Callable[[DownloadProgress], None] | None = None
) -> K6Binary:
    """The k6 to drive: ``BAKEOFF_K6``, else the pinned k6 from bakeoff's cache (downloaded and
    verified on first use), else k6 on PATH; see ``bakeoff.runtimes.k6``. Raises
    ProvisionError (OfflineError) saying how to get one."""
    return k6_tool.ensure(Provisioner(offline=offline, on_progress=on_progress))


def find_wrk() -> str | None:
    return shutil.which("wrk")


@dataclass
class RunStats:
    wall_s: float
    cpu_s: float
    exit_code: int
    stderr_tail: str

    @property
    def cpu_fraction(self) -> float:
        return self.cpu_s / self.wall_s if self.wall_s > 0 else math.nan


def run_tool(
    argv: Sequence[str],
    cwd: Path,
    timeout_s: float,
    env: Mapping[str, str] | None = None,
    cpus: set[int] | None = None,
    stdout: Path | None = None,
) -> RunStats:
    """Run a load tool to completion, contained (its own process group and launcher, killed
    after ``timeout_s``); CPU from wait4."""
    err_path = cwd / "tool.stderr"
    started = time.monotonic()
    with Contained(
        argv, cwd=cwd, env=env, stdout=stdout, stderr=err_path, timeout_s=timeout_s, cpus=cpus
    ) as proc:
        proc.wait()
    wall = time.monotonic() - started
    tail = err_path.read_bytes()[-2000:].decode("utf-8", "replace")
    status = None if proc.timed_out else proc.status
    code = os.waitstatus_to_exitcode(status) if status is not None else -9
    return RunStats(wall, proc.cpu_s, code, tail)


# -- results ----------------------------------------------------------------------------------
@dataclass
class PhaseResult:
    """One fixed-rate phase against one server."""

    target_rps: float
    duration_s: float
    windows: list[latency.Histogram] = field(default_factory=list)  # one per second, by intent
    requests: int = 0
    errors: int = 0
    dropped: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    generator_cpu: float = 0.0  # fraction of one core
    cpu_s: float = 0.0  # the generator's CPU seconds
    lateness_p99_ms: float = 0.0  # how far behind schedule requests were sent
    sent_windows: list[latency.Histogram] = field(default_factory=list)  # from the actual send
    problems: list[str] = field(default_factory=list)

    @property
    def achieved_rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def valid(self) -> bool:
        return not self.problems

    def schedule_distortion(self) -> tuple[float, float]:
        """p99 latency from the intended send time and from the actual send. k6 sends every
        request from its own pre-allocated VU, so a slow server cannot delay a send; the gap
        between the two is the load generator's own lag (CPU starvation on a shared machine)."""
        intended = latency.percentiles(latency.merge(self.windows), [99])[0]
        sent = latency.percentiles(latency.merge(self.sent_windows), [99])[0]
        return intended, sent

    def check(self) -> None:
        """Apply the validity rules; the reasons go into ``problems``."""
        intended, sent = self.schedule_distortion()
        if self.sent_windows and (
            self.lateness_p99_ms > MAX_LAG_MS
            or intended - sent > max(MAX_LAG_MS / 2, GENERATOR_LAG_LIMIT * sent)
        ):
            self.problems.append(
                f"the load generator fell behind its own schedule (sends up to "
                f"{self.lateness_p99_ms:.1f} ms late at p99): p99 {intended:.1f} ms from the "
                f"intended send time vs {sent:.1f} ms from the actual send — lower the rate, "
                "or give the generator its own CPU (--pin) or machine"
            )
        if self.dropped:
            self.problems.append(f"generator dropped {self.dropped} requests")
        if self.achieved_rps < MIN_ACHIEVED * self.target_rps:
            self.problems.append(
                f"achieved {self.achieved_rps:.0f} req/s < 99% of the target "
                f"{self.target_rps:.0f} req/s"
            )
        if self.generator_cpu > GENERATOR_CPU_LIMIT:
            self.problems.append(
                f"load generator used {self.generator_cpu:.0%} of a core (limit 80%)"
            )
        if self.errors:
            self.problems.append(f"{self.errors} requests failed ({_top(self.statuses)})")


def _top(statuses: Mapping[str, int]) -> str:
    bad = {k: v for k, v in statuses.items() if not k.startswith(("2", "3"))}
    return ", ".join(f"status {k or 'none'}: {v}" for k, v in sorted(bad.items())) or "errors"


@dataclass
class SaturationResult:
    engine: str
    throughput_rps: float
    requests: int
    errors: int
    duration_s: float
    connections: int
    generator_cpu: float
    problems: list[str] = field(default_factory=list)


# -- k6 ---------------------------------------------------------------------------------------
_K6_SCRIPT = """\
// Written by bakeoff for one load phase.
import http from 'k6/http';
import exec from 'k6/execution';

const MIX = %(mix)s;
const ORDER = %(order)s;

export const options = %(options)s;

export default function () {
  const i = exec.scenario.iterationInTest;
  const r = MIX[ORDER[i %% ORDER.length]];
  http.request(r.method, r.url, r.body, { headers: r.headers, tags: { i: String(i) },
                                           timeout: '%(timeout)s' });
}

export function handleSummary(data) {
  return { [__ENV.BAKEOFF_SUMMARY]: JSON.stringify(data) };
}
"""


_K6_WRAPPER = """\
// Written by bakeoff: runs the user's k6 script under bakeoff's scenario. Every request of
// iteration i is tagged i, so latency can be measured from the iteration's intended start.
import exec from 'k6/execution';
import * as user from %(user)s;

export const options = %(options)s;

export function setup() {
  return typeof user.setup === 'function' ? user.setup() : undefined;
}

export default function (data) {
  exec.vu.metrics.tags['i'] = String(exec.scenario.iterationInTest);
  user.default(data);
}

export function handleSummary(data) {
  return { [__ENV.BAKEOFF_SUMMARY]: JSON.stringify(data) };
}
"""


class K6:
    """k6 driven by bakeoff. With ``user_script`` the user's own k6 script (its default
    function) replaces the request mix; it reads the server's address from ``__ENV.BASE_URL``."""

    def __init__(
        self,
        binary: str,
        workdir: Path,
        cpus: set[int] | None = None,
        user_script: Path | None = None,
    ) -> None:
        self.binary = binary
        self.workdir = workdir
        self.cpus = cpus
        self.user_script = user_script
        self.base_url = ""
        workdir.mkdir(parents=True, exist_ok=True)

    def _script(self, base_url: str, mix: Sequence[Request], scenario: dict[str, Any]) -> Path:
        self.base_url = base_url
        path = self.workdir / "phase.js"
        if self.user_script is not None:
            options = {
                "discardResponseBodies": True,
                "systemTags": ["status"],
                "scenarios": {"phase": scenario},
            }
            path.write_text(
                _K6_WRAPPER
                % {
                    "user": json.dumps(self.user_script.resolve().as_uri()),
                    "options": json.dumps(options),
                },
                encoding="utf-8",
            )
            return path
        entries = [
            {
                "method": r.method,
                "url": base_url + r.path,
                "body": r.body,
                "headers": {"Accept-Encoding": "identity", **dict(r.headers)},
            }
            for r in mix
        ]
        options = {
            "discardResponseBodies": True,
            "systemTags": ["status"],
            "summaryTrendStats": ["min", "med", "p(95)", "p(99)", "max"],
            "scenarios": {"phase": scenario},
        }
        text = _K6_SCRIPT % {
            "mix": json.dumps(entries),
            "order": json.dumps(weighted_order(mix)),
            "options": json.dumps(options),
            "timeout": "10s",
        }
        path.write_text(text, encoding="utf-8")
        return path

    def _env(self, summary: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("K6_")}
        env.update(
            {
                "BAKEOFF_SUMMARY": str(summary),
                "BASE_URL": self.base_url,
                "K6_CSV_TIME_FORMAT": "unix_nano",
                "K6_NO_USAGE_REPORT": "true",
            }
        )
        return env

    def fixed_rate(
        self, base_url: str, mix: Sequence[Request], rate: float, duration_s: float
    ) -> PhaseResult:
        rate_i = max(1, round(rate))
        vus = int(min(max(50, rate_i // 5), 1000))
        scenario = {
            "executor": "constant-arrival-rate",
            "rate": rate_i,
            "timeUnit": "1s",
            "duration": f"{duration_s:g}s",
            # enough VUs, all allocated up front, for 200 ms of stalled requests: allocating
            # VUs mid-phase would itself delay sends
            "preAllocatedVUs": vus,
            "maxVUs": vus,
            "gracefulStop": "5s",
        }
        script = self._script(base_url, mix, scenario)
        csv = self.workdir / "requests.csv"
        summary = self.workdir / "summary.json"
        for p in (csv, summary):
            p.unlink(missing_ok=True)
        stats = run_tool(
            [self.binary, "run", "--quiet", "--no-color", "--out", f"csv={csv}", str(script)],
            self.workdir,
            timeout_s=duration_s + 60,
            env=self._env(summary),
            cpus=self.cpus,
        )
        result = PhaseResult(
            float(rate_i), duration_s, generator_cpu=stats.cpu_fraction, cpu_s=stats.cpu_s
        )
        if stats.exit_code not in (0, 99) or not csv.exists():  # 99: a threshold failed
            tail = stats.stderr_tail[-300:]
            result.problems.append(f"k6 failed (exit {stats.exit_code}): {tail}")
            return result
        parse_k6_csv(csv, rate_i, result)
        result.check()
        return result

    def saturate(
        self, base_url: str, mix: Sequence[Request], duration_s: float, connections: int = 64
    ) -> SaturationResult:
        scenario = {
            "executor": "constant-vus",
            "vus": connections,
            "duration": f"{duration_s:g}s",
            "gracefulStop": "5s",
        }
        script = self._script(base_url, mix, scenario)
        summary = self.workdir / "summary.json"
        summary.unlink(missing_ok=True)
        stats = run_tool(
            [self.binary, "run", "--quiet", "--no-color", str(script)],
            self.workdir,
            timeout_s=duration_s + 60,
            env=self._env(summary),
            cpus=self.cpus,
        )
        res = SaturationResult("k6", 0.0, 0, 0, duration_s, connections, stats.cpu_fraction)
        try:
            data = json.loads(summary.read_text())
            metrics = data["metrics"]
            res.requests = int(metrics["http_reqs"]["values"]["count"])
            failed = metrics.get("http_req_failed", {}).get("values", {})
            res.errors = int(failed.get("passes", 0))
        except (OSError, ValueError, KeyError) as exc:
            res.problems.append(f"k6 failed (exit {stats.exit_code}): {exc}")
            return res
        res.throughput_rps = res.requests / duration_s
        return res


def parse_k6_csv(path: Path, rate: int, into: PhaseResult) -> None:
    """Per-request latency from the intended send time, from k6's CSV output."""
    ends: list[int] = []
    durations: list[float] = []
    iters: list[int] = []
    statuses: dict[str, int] = {}
    dropped = 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("http_req_duration,"):
                parts = line.rstrip("\n").split(",")
                # metric_name,timestamp,metric_value,status,extra_tags,metadata
                tags = parts[4]
                if not tags.startswith("i="):
                    continue
                ends.append(int(parts[1]))
                durations.append(float(parts[2]))
                iters.append(int(tags[2:].split("&")[0]))
                statuses[parts[3]] = statuses.get(parts[3], 0) + 1
            elif line.startswith("dropped_iterations,"):
                dropped += int(float(line.split(",")[2]))
    into.dropped = dropped
    into.requests = len(ends)
    into.statuses = statuses
    into.errors = sum(v for k, v in statuses.items() if not k.startswith(("2", "3")))
    if not ends:
        return
    step = 1e9 / rate
    starts = [e - d * 1e6 for e, d in zip(ends, durations, strict=True)]
    t0 = min(st - i * step for st, i in zip(starts, iters, strict=True))
    # an iteration may send several requests (a user's k6 script): its lateness is how far
    # its first request left behind schedule, and each request's latency is its own duration
    # plus that lateness. With one request per iteration this is simply end - intended.
    first: dict[int, float] = {}
    for st, i in zip(starts, iters, strict=True):
        if i not in first or st < first[i]:
            first[i] = st
    windows: dict[int, list[float]] = {}
    sent: dict[int, list[float]] = {}
    late: list[float] = []
    for i, st in first.items():
        late.append(max(0.0, (st - (t0 + i * step)) / 1e6))
    for d, i in zip(durations, iters, strict=True):
        lateness = max(0.0, (first[i] - (t0 + i * step)) / 1e6)
        windows.setdefault(int(i // rate), []).append(d + lateness)
        sent.setdefault(int(i // rate), []).append(d)
    into.windows = [latency.histogram(windows[k]) for k in sorted(windows)]
    into.sent_windows = [latency.histogram(sent[k]) for k in sorted(sent)]
    late.sort()
    into.lateness_p99_ms = late[min(len(late) - 1, int(0.99 * len(late)))]


# -- wrk --------------------------------------------------------------------------------------
_WRK_LUA = """\
-- Written by bakeoff: cycles through the request mix; prints a JSON summary when done.
local reqs = {}
local order = {%(order)s}
local n = 0
init = function(args)
%(requests)s
end
request = function()
  n = n + 1
  return reqs[order[(n - 1) %% #order + 1]]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%%d,"duration_us":%%d,"connect":%%d,"read":%%d,"write":%%d,"status":%%d,"timeout":%%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def _lua_str(s: str) -> str:
    return json.dumps(s)  # a JSON string literal is a valid Lua string literal for our inputs


class Wrk:
    def __init__(self, binary: str, workdir: Path, cpus: set[int] | None = None) -> None:
        self.binary = binary
        self.workdir = workdir
        self.cpus = cpus
        workdir.mkdir(parents=True, exist_ok=True)

    def saturate(
        self,
        base_url: str,
        mix: Sequence[Request],
        duration_s: float,
        connections: int = 64,
        threads: int = 2,
    ) -> SaturationResult:
        lines = []
        for i, r in enumerate(mix, start=1):
            headers = {"Accept-Encoding": "identity", **dict(r.headers)}
            hdr = ", ".join(f"[{_lua_str(k)}] = {_lua_str(v)}" for k, v in headers.items())
            body = _lua_str(r.body) if r.body is not None else "nil"
            lines.append(
                f"  reqs[{i}] = wrk.format({_lua_str(r.method)}, {_lua_str(r.path)}, "
                f"{{{hdr}}}, {body})"
            )
        order = ", ".join(str(i + 1) for i in weighted_order(mix))
        script = self.workdir / "mix.lua"
        script.write_text(_WRK_LUA % {"requests": "\n".join(lines), "order": order})
        out = self.workdir / "wrk.out"
        stats = run_tool(
            [
                self.binary,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{duration_s:g}s",
                "-s",
                str(script),
                base_url + "/",
            ],
            self.workdir,
            timeout_s=duration_s + 30,
            cpus=self.cpus,
            stdout=out,
        )
        res = SaturationResult("wrk", 0.0, 0, 0, duration_s, connections, stats.cpu_fraction)
        summary = None
        for line in out.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                with contextlib.suppress(ValueError):
                    summary = json.loads(line)
        if summary is None:
            res.problems.append(f"wrk failed (exit {stats.exit_code}): {stats.stderr_tail[-300:]}")
            return res
        res.requests = int(summary["requests"])
        res.duration_s = summary["duration_us"] / 1e6
        res.errors = sum(int(summary[k]) for k in ("connect", "read", "write", "status", "timeout"))
        res.throughput_rps = res.requests / res.duration_s if res.duration_s else 0.0
        return res
