"""Benchmark 5: bakeoff's install timing vs ``hyperfine --prepare 'rm -rf node_modules'``, same
cache state, same run.

One manager (bun by default; ``--manager npm`` for npm on Node) installs the sample project
with a filled cache and a lockfile, no ``node_modules``: bakeoff's install suite measures its
``warm-cache`` state, and hyperfine measures the same command in the same kind of folder
(lockfile from bakeoff's own cold install, cache filled by a warm-up). Rounds alternate so
drift hits both. Target: median ratio 1.00 ± 0.10.

    .venv/bin/python benchmarks/bench_install.py [--manager bun|npm] [--runs 10] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from bakeoff.contestants import name_contenders
from bakeoff.measure.process import LauncherExecutor
from bakeoff.results import ResultsDocument
from bakeoff.runtimes.provision import Provisioner
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.catalog import sample_project
from bakeoff.suites.install import InstallSuite, install_argv
from bakeoff.suites.workspace import LOCKFILES, copy_project, tool_env
from bakeoff.toolchains import Toolchain, ToolchainSet, ToolchainSpec
from common import need, table


def _bakeoff(tc_set: ToolchainSet, contenders: list, runs: int, work: Path) -> list[float]:  # type: ignore[type-arg]
    doc = ResultsDocument()
    with LauncherExecutor() as ex:
        ctx = SuiteContext(contenders, ex, work, seed=1)
        work.mkdir(parents=True)
        InstallSuite(sample_project(), tc_set, states=["cold", "warm-cache"], reps=runs).run(
            ctx, doc
        )
    name = tc_set.resolve(contenders)[0].name
    return doc.measurement("install", "warm-cache", "wall_ms", name).samples


def _hyperfine(tc: Toolchain, runs: int, work: Path) -> list[float]:
    project = copy_project(sample_project(), work / "project")
    cache = work / "cache"
    env = tc.path_env(tool_env(cache))
    # a lockfile and a filled cache, as in bakeoff's warm-cache state
    subprocess.run(
        install_argv(tc, False, cache), cwd=project, env=env, check=True, capture_output=True
    )
    assert (project / LOCKFILES[tc.manager]).is_file()
    argv = install_argv(tc, True, cache)
    out = work / "hf.json"
    subprocess.run(
        [
            need("hyperfine", "apt-get install hyperfine"),
            "--style",
            "none",
            "--warmup",
            "1",
            "--runs",
            str(runs),
            "--prepare",
            "rm -rf node_modules",
            "--export-json",
            str(out),
            " ".join(argv),
        ],
        cwd=project,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    data = json.loads(out.read_text())
    return [t * 1000 for t in data["results"][0]["times"]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--manager", choices=["bun", "npm"], default="bun")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    need("hyperfine", "apt-get install hyperfine")
    prov = Provisioner()
    rt = prov.ensure("bun@latest" if args.manager == "bun" else "node@lts")
    contenders = name_contenders([rt])
    tc_set = ToolchainSet(
        [ToolchainSpec(args.manager, rt.name, manager=args.manager)], provisioner=prov
    )
    tc = tc_set.resolve(contenders)[0]
    hf: list[float] = []
    bk: list[float] = []
    base = Path(tempfile.mkdtemp(prefix="bakeoff-bench-install-"))
    try:
        for i in range(args.rounds):
            hf += _hyperfine(tc, args.runs, base / f"hf-{i}")
            bk += _bakeoff(tc_set, contenders, args.runs, base / f"bk-{i}")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    h, b = statistics.median(hf), statistics.median(bk)
    print(
        f"{args.manager} install, warm cache + lockfile, no node_modules "
        f"({len(hf)} hyperfine / {len(bk)} bakeoff runs)"
    )
    rows = [
        ["hyperfine --prepare 'rm -rf node_modules'", f"{h:.1f}", len(hf)],
        ["bakeoff install suite (warm-cache)", f"{b:.1f}", len(bk)],
    ]
    print(table(rows, ["instrument", "median ms", "runs"]))
    print("hyperfine samples ms:", " ".join(f"{x:.0f}" for x in hf))
    print("bakeoff samples ms:  ", " ".join(f"{x:.0f}" for x in bk))
    verdict = "within" if abs(b / h - 1) <= 0.10 else "OUTSIDE"
    print(f"ratio bakeoff/hyperfine: {b / h:.3f} ({verdict} 1.00 ± 0.10)")


if __name__ == "__main__":
    main()
