"""Benchmark 5: bakeoff's install timing vs ``hyperfine --prepare 'rm -rf node_modules'``, same
cache state, same run.

One manager (npm on Node by default; ``--manager bun``) installs the sample project with a
filled cache and a lockfile, no ``node_modules``. bakeoff's install suite measures its
``warm-cache`` state (fresh project copy per sample, its own cache folder); hyperfine measures the
same frozen-install command in a reference folder with its own warm cache, one ``--runs 1``
sample right before or right after each of bakeoff's samples (randomly). Interleaving per
sample matters on a shared machine: blocks of 10 runs each side drifted apart by up to 40%
with the load; and the order must be random, because whichever install runs second is slowed
by the first's file-system work. Target: median ratio 1.00 ± 0.10.

    .venv/bin/python benchmarks/bench_install.py [--manager npm|bun] [--runs 20]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from bakeoff.measure.process import Command, Executor, LauncherExecutor, ProcessResult
from bakeoff.measure.workspace import LOCKFILES, copy_project, tool_env
from bakeoff.plan.contestants import name_contenders
from bakeoff.plan.toolchains import Toolchain, ToolchainSet, ToolchainSpec
from bakeoff.results import ResultsDocument
from bakeoff.runtimes.provision import Provisioner
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.catalog import sample_project
from bakeoff.suites.install import InstallSuite, install_argv
from common import need, table


class HyperfineReference:
    """A warm reference folder and one hyperfine sample on demand."""

    def __init__(self, tc: Toolchain, work: Path) -> None:
        self.project = copy_project(sample_project(), work / "project")
        cache = work / "cache"
        self.env = tc.path_env(tool_env(cache))
        subprocess.run(  # a lockfile and a filled cache, as in bakeoff's warm-cache state
            install_argv(tc, False, cache),
            cwd=self.project,
            env=self.env,
            check=True,
            capture_output=True,
        )
        assert (self.project / LOCKFILES[tc.manager]).is_file()
        self.command = " ".join(install_argv(tc, True, cache))
        self.out = work / "hf.json"
        self.times: list[float] = []

    def sample(self) -> None:
        subprocess.run(
            [
                need("hyperfine", "apt-get install hyperfine"),
                "--style",
                "none",
                "--runs",
                "1",
                "--prepare",
                "rm -rf node_modules",
                "--export-json",
                str(self.out),
                self.command,
            ],
            cwd=self.project,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.times.append(json.loads(self.out.read_text())["results"][0]["times"][0] * 1000)


class Interleaved:
    """An executor that takes one hyperfine sample before each frozen (warm-cache) install."""

    def __init__(self, inner: Executor, ref: HyperfineReference) -> None:
        self.inner = inner
        self.ref = ref
        self.rng = random.Random(1)

    def run(self, cmd: Command) -> ProcessResult:
        if "ci" not in cmd.argv and "--frozen-lockfile" not in cmd.argv:
            return self.inner.run(cmd)
        # which instrument goes first is random: a sample right after the other instrument's
        # install runs slower (the file system is still busy), so a fixed order biases one side
        if self.rng.random() < 0.5:
            self.ref.sample()
            return self.inner.run(cmd)
        res = self.inner.run(cmd)
        self.ref.sample()
        return res

    def close(self) -> None:
        self.inner.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--manager", choices=["bun", "npm"], default="npm")
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    need("hyperfine", "apt-get install hyperfine")
    prov = Provisioner()
    rt = prov.ensure("bun@latest" if args.manager == "bun" else "node@lts")
    contenders = name_contenders([rt])
    tc_set = ToolchainSet(
        [ToolchainSpec(args.manager, rt.name, manager=args.manager)], provisioner=prov
    )
    tc = tc_set.resolve(contenders)[0]
    base = Path(tempfile.mkdtemp(prefix="bakeoff-bench-install-"))
    doc = ResultsDocument()
    try:
        ref = HyperfineReference(tc, base / "hyperfine")
        with LauncherExecutor() as ex:
            work = base / "bakeoff"
            work.mkdir()
            ctx = SuiteContext(contenders, Interleaved(ex, ref), work, seed=1)
            suite = InstallSuite(
                sample_project(), tc_set, states=["cold", "warm-cache"], reps=args.runs
            )
            suite.run(ctx, doc)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    hf = ref.times[1:]  # the first sample pairs with bakeoff's warm-up
    bk = [x * 1000 for x in doc.measurement("install", "warm-cache", "wall_s", tc.name).samples]
    h, b = statistics.median(hf), statistics.median(bk)
    print(
        f"{args.manager} install, warm cache + lockfile, no node_modules "
        f"({len(hf)} hyperfine / {len(bk)} bakeoff samples, interleaved one by one)"
    )
    rows = [
        ["hyperfine --prepare 'rm -rf node_modules'", f"{h:.1f}", len(hf)],
        ["bakeoff install suite (warm-cache)", f"{b:.1f}", len(bk)],
    ]
    print(table(rows, ["instrument", "median ms", "runs"]))
    print("hyperfine samples ms:", " ".join(f"{x:.0f}" for x in hf))
    print("bakeoff samples ms:  ", " ".join(f"{x:.0f}" for x in bk))
    paired = statistics.median(x / y for x, y in zip(bk, hf, strict=False))
    print(f"median of paired ratios (each bakeoff sample / its hyperfine neighbour): {paired:.3f}")
    verdict = "within" if abs(b / h - 1) <= 0.10 else "OUTSIDE"
    print(f"ratio bakeoff/hyperfine: {b / h:.3f} ({verdict} 1.00 ± 0.10)")


if __name__ == "__main__":
    main()
