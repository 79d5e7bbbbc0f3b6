"""The dev-loop suites with real runtimes, package managers from the npm registry, and the
sample project: installs in three states, tests with parity, bundles with a smoke run, CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from bakeoff.analysis import analyze
from bakeoff.errors import OfflineError
from bakeoff.measure.process import LauncherExecutor
from bakeoff.plan.contestants import name_contenders
from bakeoff.plan.toolchains import ToolchainSet, ToolchainSpec
from bakeoff.results import ResultsDocument
from bakeoff.runtimes.provision import Provisioner
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.catalog import SAMPLE_CLI, SAMPLE_CLI_ARGS, sample_project
from bakeoff.suites.devloop import BuildSuite, CISuite, TestSuite
from bakeoff.suites.install import InstallSuite
from docjson import raw

pytestmark = pytest.mark.integration


def test_devloop_suites_on_the_sample(session_cache: Path, tmp_path: Path) -> None:
    prov = Provisioner(cache_dir=session_cache)
    try:
        runtimes = [prov.ensure("node@lts"), prov.ensure("bun@latest")]
    except OfflineError as exc:
        pytest.skip(f"npm registry unreachable: {exc}")
    contenders = name_contenders(runtimes)
    hybrid = ToolchainSpec("bun+node", "node", manager="bun", test_runner="node", bundler="bun")
    tcs = ToolchainSet(extra=[hybrid], provisioner=prov)
    project = sample_project()
    doc = ResultsDocument(contestants=[c.to_result() for c in contenders])
    suites = [
        InstallSuite(project, tcs, reps=2),
        TestSuite(project, tcs, reps=2),
        BuildSuite(project, tcs, SAMPLE_CLI, list(SAMPLE_CLI_ARGS), reps=2),
        CISuite(project, tcs, SAMPLE_CLI, reps=2),
    ]
    with LauncherExecutor() as ex:
        for suite in suites:
            ctx = SuiteContext(contenders, ex, tmp_path / suite.name, seed=1)
            ctx.workdir.mkdir()
            assert suite.run(ctx, doc)
    analyze.analyze(doc, "node")
    names = ("node", "bun", "bun+node")
    for name in names:
        for state in ("cold", "cold-lockfile", "warm-cache"):
            m = doc.measurement("install", state, "wall_s", name)
            assert m.valid and m.n == 2, (name, state, m.notes, m.failures)
        outcome = raw(doc)["suites"]["install"]["outcome"][name]["cold"]
        assert outcome["versions"]["semver"] and outcome["node_modules_files"] > 10
        assert doc.measurement("test", "tests", "wall_s", name).valid
        assert raw(doc)["suites"]["build"]["smoke"][name]["ok"], raw(doc)["suites"]["build"][
            "smoke"
        ][name]
        ci = doc.measurement("ci", "total", "wall_s", name)
        assert ci.valid, ci.failures
        assert doc.measurement("ci", "total", "billable_min", name).samples[0] >= 1
    parity = raw(doc)["suites"]["test"]["parity"]
    assert parity["tests"] >= 9 and parity["diff"] == []
    assert all(s["passed"] == parity["tests"] for s in parity["summary"].values())
    assert "install" in doc.suites and not raw(doc)["suites"]["install"].get("version_differences")
