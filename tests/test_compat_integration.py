"""The compat suite under real runtimes: a few probe areas (quick), and - in one test - the
package smoke tests with a real npm install (set BAKEOFF_SKIP_PACKAGES=1 to skip it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from bakeoff.errors import OfflineError
from bakeoff.measure.process import LauncherExecutor
from bakeoff.plan.contestants import name_contenders
from bakeoff.results import ResultsDocument
from bakeoff.runtimes.provision import Provisioner, Runtime
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.compat import CompatSuite
from docjson import raw

pytestmark = pytest.mark.integration
SPECS = ("node@lts", "bun@latest", "deno@latest")


@pytest.fixture(scope="module")
def runtimes(session_cache: Path) -> list[Runtime]:
    prov = Provisioner(cache_dir=session_cache)
    try:
        return [prov.ensure(s) for s in SPECS]
    except OfflineError as exc:
        pytest.skip(f"npm registry unreachable: {exc}")


def _run(suite: CompatSuite, runtimes: list[Runtime], tmp_path: Path) -> ResultsDocument:
    doc = ResultsDocument()
    with LauncherExecutor(keep_stdout=True) as ex:
        suite.executor = ex
        ctx = SuiteContext(contenders=name_contenders(runtimes), executor=ex, workdir=tmp_path)
        assert suite.run(ctx, doc)
    return doc


def test_probe_areas_node_passes_and_known_gaps_show(
    runtimes: list[Runtime], tmp_path: Path
) -> None:
    suite = CompatSuite(
        areas=["path", "worker_threads", "async_hooks"], packages=[], cli_entry=None
    )
    doc = _run(suite, runtimes, tmp_path)
    totals = raw(doc)["suites"]["compat"]["totals"]
    assert totals["node"]["pass"] == totals["node"]["total"], raw(doc)["suites"]["compat"][
        "failures"
    ]
    status = {(r.check, r.contestant): r.status for r in doc.compat}
    # Documented: Bun ignores worker resourceLimits; createHook callbacks are not called in Bun.
    assert status[("resourceLimits visible inside worker", "bun")] == "fail"
    assert status[("createHook init fires for Timeout", "bun")] == "fail"
    for name in ("node", "bun", "deno"):
        assert status[("join normalizes . and .. segments", name)] == "pass"


def test_new_areas_finish_and_record_hangs_and_leaks(
    runtimes: list[Runtime], tmp_path: Path
) -> None:
    """vm_modules hangs in some runtime versions: the area still finishes (the hang is a
    `timeout` of one check); bun test shares one module registry between files."""
    suite = CompatSuite(areas=["vm_modules", "test_isolation"], packages=[], cli_entry=None)
    t0 = time.monotonic()
    doc = _run(suite, runtimes, tmp_path)
    assert time.monotonic() - t0 < 180
    sec = raw(doc)["suites"]["compat"]
    assert (
        sec["totals"]["node"]["pass"]
        == sec["totals"]["node"]["total"] - sec["totals"]["node"]["skip"]
    ), sec["failures"]
    status = {(r.check, r.contestant): r.status for r in doc.compat}
    hang = "evaluate({ timeout }) stops an infinite loop with ERR_SCRIPT_EXECUTION_TIMEOUT"
    assert status[(hang, "deno")] in ("timeout", "pass")
    assert all(r["status"] != "timeout" for r in sec["area_runs"])  # bounded inside the area
    leak = "a module mock made in one test file does not reach the next file"
    assert status[(leak, "bun")] == "fail"  # bun test: one process, one registry (no --isolate)


def test_runtime_identity_sees_node_under_other_contestants(
    runtimes: list[Runtime], tmp_path: Path
) -> None:
    suite = CompatSuite(areas=["runtime_identity"], packages=[], cli_entry=None)
    doc = _run(suite, runtimes, tmp_path)
    status = {(r.check, r.contestant): r for r in doc.compat}
    tree = "process tree: only this runtime ran the area's child processes"
    assert status[(tree, "node")].status == "pass", status[(tree, "node")].detail
    if shutil.which("node"):  # a system node on PATH runs `#!/usr/bin/env node` bins
        assert status[(tree, "bun")].status == "fail"
        assert "node ran" in status[(tree, "bun")].detail
    probe = raw(doc)["suites"]["compat"]["identity"]["probe"]
    assert probe["node"]["really_tested"] is True


N_API_C = """
#include <stddef.h>
typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;
typedef int napi_status;
extern napi_status napi_create_string_utf8(napi_env, const char *, size_t, napi_value *);
extern napi_status napi_set_named_property(napi_env, napi_value, const char *, napi_value);
napi_value napi_register_module_v1(napi_env env, napi_value exports) {
  napi_value s;
  napi_create_string_utf8(env, "from-c", 6, &s);
  napi_set_named_property(env, exports, "hello", s);
  return exports;
}
"""
V8_C = """
extern void *_ZN2v87Isolate10GetCurrentEv(void);
void *bk_touch(void) { return _ZN2v87Isolate10GetCurrentEv(); }
"""


def _addon(project: Path, name: str, source: str) -> None:
    pkg = project / "node_modules" / name
    (pkg / "build" / "Release").mkdir(parents=True)
    (pkg / "package.json").write_text(
        json.dumps({"name": name, "version": "1.0.0", "main": "build/Release/addon.node"})
    )
    (pkg / "addon.c").write_text(source)
    subprocess.run(
        [
            "gcc",
            "-shared",
            "-fPIC",
            "-o",
            str(pkg / "build/Release/addon.node"),
            str(pkg / "addon.c"),
        ],
        check=True,
    )


@pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc not installed")
def test_native_addons_built_with_gcc_are_classified_and_loaded(
    runtimes: list[Runtime], tmp_path: Path
) -> None:
    project = tmp_path / "app"
    project.mkdir()
    (project / "package.json").write_text('{"name": "app"}')
    _addon(project, "napi-hello", N_API_C)
    _addon(project, "v8-touch", V8_C)
    suite = CompatSuite(areas=[], packages=[], project=project, cli_entry=None)
    doc = _run(suite, runtimes, tmp_path / "w")
    pkgs = {p["package"]: p for p in raw(doc)["suites"]["compat"]["native"][0]["packages"]}
    assert pkgs["napi-hello"]["api"] == "node-api"
    assert pkgs["v8-touch"]["api"] == "v8-api"
    for name in ("node", "bun", "deno"):
        got = pkgs["napi-hello"]["require"][name]
        assert got["status"] == "pass" and "hello" in got["detail"], (name, got)
        assert pkgs["v8-touch"]["require"][name]["status"] != "pass"


def test_packaging_sample_cli(runtimes: list[Runtime], tmp_path: Path) -> None:
    demo = CompatSuite.for_demo(quick=True)
    suite = CompatSuite(
        areas=[],
        packages=[],
        project=None,
        cli_entry=demo.cli_entry,
        cli_args=demo.cli_args,
        packaging_runs=2,
    )
    doc = _run(suite, runtimes, tmp_path)
    builds = {b["family"]: b for b in raw(doc)["suites"]["compat"]["packaging"]["builds"]}
    for family in ("node", "bun"):
        assert builds[family]["ok"], builds[family]["detail"]
        assert builds[family]["same_output"] is True
        assert builds[family]["binary_mb"] > 1
    assert {m.contestant for m in doc.measurements if m.metric == "wall_ms"} >= {"node", "bun"}
    # deno compile either works (denort reachable) or says exactly why not.
    assert builds["deno"]["ok"] or builds["deno"]["detail"].startswith("unavailable:")


@pytest.mark.skipif(
    bool(os.environ.get("BAKEOFF_SKIP_PACKAGES")), reason="BAKEOFF_SKIP_PACKAGES set"
)
def test_package_smoke_tests_install_and_run(
    runtimes: list[Runtime], tmp_path: Path, session_cache: Path
) -> None:
    suite = CompatSuite(
        areas=[], packages=["zod", "napi"], cli_entry=None, tools_cache=session_cache
    )
    doc = _run(suite, runtimes, tmp_path)
    info = raw(doc)["suites"]["compat"]["packages"]
    assert info.get("install_ok"), info
    status = {(r.area, r.check, r.contestant): r.status for r in doc.compat}
    assert status[("pkg:napi", "async hash + verify (threadpool work)", "node")] == "pass"
    assert status[("pkg:zod", "parse valid object", "node")] == "pass"
    # the smoke packages' own .node binaries: @node-rs/argon2 ships a Node-API binary
    smoke = next(r for r in raw(doc)["suites"]["compat"]["native"] if r["root"] == "smoke packages")
    argon = next(p for p in smoke["packages"] if p["package"].startswith("@node-rs/argon2-"))
    assert argon["api"] == "node-api"
    assert argon["files"][0]["classification"]["entry"] == "napi_register_module_v1"
    assert argon["require"]["node"]["status"] == "pass"


def test_probes_leave_nothing_in_the_installed_probes_folder(
    runtimes: list[Runtime], tmp_path: Path
) -> None:
    """Probes run with the probes folder as their working folder; what they write (Node's
    trace logs, temp files) must go to the run's own folders, never into bakeoff's package."""
    from bakeoff.compat.probes import AREAS_DIR

    before = sorted(p for p in AREAS_DIR.parent.rglob("*") if "node_modules" not in p.parts)
    _run(CompatSuite(areas=["trace_events", "fs"], packages=[], cli_entry=None), runtimes, tmp_path)
    after = sorted(p for p in AREAS_DIR.parent.rglob("*") if "node_modules" not in p.parts)
    assert after == before, sorted(set(after) - set(before))
