"""Shared by the trust experiments: a real runtime (node@lts from bakeoff's cache), start-up
scripts with a known amount of extra work, one interleaved comparison through bakeoff's real
pipeline (Scheduler → measurements → analyze → verdict), and background load for the drift test.

The workload is node's hello-world start-up (~25–40 ms here): the cheapest honest workload that
still exercises a real runtime. Where a known slowdown is needed, A and B run the same script
with a busy wait (``process.hrtime`` loop) of 0 ms and of a calibrated number of milliseconds.
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bakeoff.analysis import analyze
from bakeoff.measure.process import Command, Executor
from bakeoff.measure.record import measurements_from
from bakeoff.measure.scheduler import CaseOutcome, Cell, Scheduler
from bakeoff.plan.stopping import StopRule
from bakeoff.results import ResultsDocument
from bakeoff.runtimes.provision import Provisioner, Runtime

HELLO = "console.log('hello world');\n"


def args(default_trials: int, doc: str) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    p.add_argument("--trials", type=int, default=default_trials)
    p.add_argument("--runtime", default="node@lts", help="runtime spec (default node@lts)")
    p.add_argument(
        "--wait",
        choices=("spin", "sleep"),
        default="spin",
        help="how B is slowed: busy wait (default) or Atomics.wait sleep",
    )
    return p.parse_args()


def runtime(spec: str) -> Runtime:
    return Provisioner().ensure(spec)


def workdir() -> Path:
    d = Path(tempfile.mkdtemp(prefix="bakeoff-trust-"))
    (d / "hello.mjs").write_text(HELLO)
    return d


def wait_script(d: Path, extra_ms: float, kind: str = "spin") -> Path:
    """hello world after a busy wait of ``extra_ms`` milliseconds of wall time.

    The wait reads ``process.hrtime.bigint()`` (built in; ``performance.now()`` would load
    perf_hooks lazily and add its own start-up cost). A and B run this same script, A with a
    0 ms wait, so the only difference between them is the wait itself."""
    path = d / f"wait-{kind}-{extra_ms:.3f}.mjs"
    if kind == "sleep":  # no CPU and no JIT: the main thread blocks for extra_ms
        path.write_text(
            f"Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, {extra_ms:.4f});\n"
            + HELLO
        )
        return path
    path.write_text(
        f"const end = process.hrtime.bigint() + {round(extra_ms * 1e6)}n;\n"
        "while (process.hrtime.bigint() < end) {}\n" + HELLO
    )
    return path


def command(rt: Runtime, script: Path) -> Command:
    return Command((str(rt.binary), str(script)), cwd=str(script.parent), capture=False)


def baseline_ms(ex: Executor, cmd: Command, runs: int = 21) -> float:
    """Median wall time of ``cmd`` (used to size the busy wait for a known relative effect)."""
    ex.run(cmd)
    return statistics.median(ex.run(cmd).wall_ms for _ in range(runs))


@dataclass(frozen=True)
class Trial:
    verdict: str
    ratio: float
    mde: float | None
    runs: int  # samples per arm
    blocks_noisy: int
    blocks_watched: int
    outcome: CaseOutcome


def compare(ex: Executor, a: Command, b: Command, seed: int, rule: StopRule | None = None) -> Trial:
    """One interleaved A-vs-B comparison through the real pipeline; the wall-time verdict."""
    rule = rule or StopRule()
    out = Scheduler(ex, rule, seed=seed, suite="trust").run_case(
        "hello", [Cell("A", a), Cell("B", b)]
    )
    doc = ResultsDocument()
    doc.measurements = measurements_from("trust", "hello", out, rule.min_runs)
    analyze.analyze(doc, "A")
    comp = next(c for c in doc.comparisons if c.metric == "wall_ms")
    return Trial(
        comp.verdict,
        comp.ratio if comp.ratio is not None else math.nan,
        comp.mde,
        len(out.cells["A"].results),
        len(out.noise),
        out.blocks_watched,
        out,
    )


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson interval of a proportion k/n."""
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, mid - half), min(1.0, mid + half))


def median(xs: Sequence[float]) -> float:
    return statistics.median(xs) if xs else math.nan


class Load:
    """Artificial background load: ``n`` Python processes spinning on the CPU, ended by pid."""

    def __init__(self, n: int = 2) -> None:
        self.n = n
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        if not self.procs:
            self.procs = [
                subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(self.n)
            ]

    def stop(self) -> None:
        for p in self.procs:
            p.kill()
            p.wait()
        self.procs = []

    def __enter__(self) -> Load:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
