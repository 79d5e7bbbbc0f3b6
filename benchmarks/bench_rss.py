"""Benchmark 2: bakeoff's peak RSS vs GNU ``/usr/bin/time -v``, same run.

node/bun/deno hello world and a script that allocates ~200 MB; median of N runs each,
alternating instruments. Target: within 5% (or 1 MB).

    .venv/bin/python benchmarks/bench_rss.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics

from bakeoff.measure.process import Command, LauncherExecutor
from common import argv_for, gnu_time_maxrss_kb, runtimes, script_dir, table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    d = script_dir()
    rows = []
    with LauncherExecutor() as ex:
        for rt in runtimes():
            for script in ("hello.mjs", "alloc.mjs"):
                argv = argv_for(rt, d / script)
                gt: list[int] = []
                bo: list[int] = []
                for _ in range(args.runs):
                    gt.append(gnu_time_maxrss_kb(argv))
                    res = ex.run(Command(tuple(argv), capture=False))
                    assert res.ok, res.failure()
                    bo.append(res.peak_rss_kb)
                mg, mb = statistics.median(gt), statistics.median(bo)
                diff = (mb - mg) / mg
                ok = abs(diff) <= 0.05 or abs(mb - mg) <= 1024
                rows.append(
                    (
                        f"{rt.name} {rt.version}",
                        script,
                        f"{mg / 1024:.1f}",
                        f"{mb / 1024:.1f}",
                        f"{diff:+.1%}",
                        "ok" if ok else "MISS",
                    )
                )
        floor = ex.floor_kb
    print(table(rows, ("runtime", "script", "GNU time MB", "bakeoff MB", "diff", "target")))
    print(f"launcher floor (its own high-water mark): {floor / 1024:.1f} MB")
    print("target: within 5% (or 1 MB) of /usr/bin/time -v")


if __name__ == "__main__":
    main()
