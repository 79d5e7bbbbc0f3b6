"""Real runtimes, downloaded from the npm registry: provisioning, the launcher's measurements
against GNU time, failure handling, and the CLI end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bakeoff.errors import OfflineError
from bakeoff.measure.process import Command, LauncherExecutor
from bakeoff.runtimes.provision import Provisioner, Runtime

pytestmark = pytest.mark.integration
SPECS = ("node@lts", "bun@latest", "deno@latest")


@pytest.fixture(scope="module")
def real_runtimes(session_cache: Path) -> list[Runtime]:
    prov = Provisioner(cache_dir=session_cache)
    try:
        return [prov.ensure(s) for s in SPECS]
    except OfflineError as exc:
        pytest.skip(f"npm registry unreachable: {exc}")


def argv(rt: Runtime, script: Path) -> tuple[str, ...]:
    if rt.name == "deno":
        return (str(rt.binary), "run", "--allow-all", str(script))
    return (str(rt.binary), str(script))


def gnu_time_kb(cmd: tuple[str, ...]) -> int:
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, check=True)
    line = next(x for x in proc.stderr.splitlines() if "Maximum resident set size" in x)
    return int(line.rsplit(":", 1)[1])


def test_versions_are_what_the_binaries_report(real_runtimes: list[Runtime]) -> None:
    for rt in real_runtimes:
        out = subprocess.run(
            [str(rt.binary), "--version"], capture_output=True, text=True, check=True
        ).stdout
        assert rt.version in out
        assert len(rt.sha256) == 64


@pytest.mark.skipif(not Path("/usr/bin/time").exists(), reason="needs GNU time")
@pytest.mark.parametrize("script", ["hello", "alloc"])
def test_peak_rss_agrees_with_gnu_time(
    real_runtimes: list[Runtime], tmp_path: Path, script: str
) -> None:
    (tmp_path / "hello.mjs").write_text("console.log('hello world');\n")
    (tmp_path / "alloc.mjs").write_text(
        "const a = [];\nfor (let i = 0; i < 200; i++) a.push(Buffer.alloc(1 << 20, i));\n"
        "console.log(a.length);\n"
    )
    with LauncherExecutor() as ex:
        for rt in real_runtimes:
            cmd = argv(rt, tmp_path / f"{script}.mjs")
            ours = sorted(ex.run(Command(cmd)).peak_rss_kb for _ in range(3))[1]
            theirs = sorted(gnu_time_kb(cmd) for _ in range(3))[1]
            assert abs(ours - theirs) <= max(0.05 * theirs, 1024), (rt.name, ours, theirs)
            if script == "alloc":
                assert ours > 200 * 1024


def test_timeout_kills_the_whole_group(real_runtimes: list[Runtime], tmp_path: Path) -> None:
    node = next(r for r in real_runtimes if r.name == "node")
    script = tmp_path / "hang.js"
    pidfile = tmp_path / "child.pid"
    script.write_text(
        "const { spawn } = require('node:child_process');\n"
        f"const c = spawn('sleep', ['60']); require('fs').writeFileSync({str(pidfile)!r}, "
        "String(c.pid));\nsetInterval(() => {}, 1000);\n"
    )
    with LauncherExecutor() as ex:
        res = ex.run(Command((str(node.binary), str(script)), timeout_s=1.5))
    assert res.timed_out and not res.ok
    # killed at the timeout, long before the 60 s the child would sleep (loose upper bound: a
    # loaded machine may be slow to reap)
    assert 1.4 < res.wall_ms / 1000 < 30
    child = int(pidfile.read_text())
    assert (
        not Path(f"/proc/{child}").exists()
        or Path(f"/proc/{child}/stat").read_text().split()[2] == "Z"
    )


def test_crash_is_recorded_with_exit_code_and_stderr(real_runtimes: list[Runtime]) -> None:
    bun = next(r for r in real_runtimes if r.name == "bun")
    with LauncherExecutor() as ex:
        res = ex.run(Command((str(bun.binary), "-e", "console.error('kaput'); process.exit(3)")))
    assert res.exit_code == 3 and "kaput" in res.stderr_tail
    assert res.failure() == "exited with code 3"


def test_startup_cli_end_to_end(
    real_runtimes: list[Runtime], tmp_path: Path, session_cache: Path
) -> None:
    script = tmp_path / "cli.js"
    script.write_text("console.log(process.argv.slice(2).join(' '));\n")
    cmd = [
        sys.executable,
        "-m",
        "bakeoff",
        "startup",
        *(f"-r{s}" for s in SPECS),
        "--min-runs",
        "8",
        "--max-runs",
        "10",
        "--case",
        "hello",
        "--case",
        "typescript:cold",
        "--out",
        str(tmp_path / "out"),
        "--json",
        str(tmp_path / "x.json"),
        "--markdown",
        str(tmp_path / "x.md"),
        "--",
        str(script),
        "a",
        "b",
    ]
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "BAKEOFF_CACHE_DIR": str(session_cache), "COLUMNS": "160"},
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "out" / "results.json").read_text())
    assert doc == json.loads((tmp_path / "x.json").read_text())
    assert doc["status"] == "complete"
    assert [c["runtime"] for c in doc["contestants"]] == ["node", "bun", "deno"]
    cases = {m["case"] for m in doc["measurements"]}
    assert cases == {"hello", "typescript:cold", "cli.js"}
    for m in doc["measurements"]:
        assert m["valid"], m
        assert m["n"] >= 8 and m["ci"][0] <= m["median"] <= m["ci"][1]
    assert len(doc["comparisons"]) == 2 * 3 * 3
    assert "faster than node" in proc.stdout or "slower than node" in proc.stdout
    md = (tmp_path / "x.md").read_text()
    assert "## startup · cli.js" in md
