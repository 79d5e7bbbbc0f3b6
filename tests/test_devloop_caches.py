"""Real package managers leave the user's global caches alone: with ``HOME`` and the XDG folders
pointing at a fake home, a cold install by npm (on Node) and by Bun writes nothing there — every
byte of cache goes into the suite's own work folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from bakeoff.errors import OfflineError
from bakeoff.measure.process import LauncherExecutor
from bakeoff.plan.contestants import name_contenders
from bakeoff.plan.toolchains import ToolchainSet
from bakeoff.results import ResultsDocument
from bakeoff.runtimes.provision import Provisioner
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.catalog import sample_project
from bakeoff.suites.install import InstallSuite
from docjson import raw

pytestmark = pytest.mark.integration


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_installs_never_touch_the_global_caches(
    session_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prov = Provisioner(cache_dir=session_cache)
    try:
        runtimes = [prov.ensure("node@lts"), prov.ensure("bun@latest")]
        tcs = ToolchainSet(provisioner=prov)
        contenders = name_contenders(runtimes)
        tcs.resolve(contenders)  # provisions npm (and esbuild) before HOME moves
    except OfflineError as exc:
        pytest.skip(f"npm registry unreachable: {exc}")
    home = tmp_path / "home"
    (home / ".npm").mkdir(parents=True)
    (home / ".npm" / "sentinel").write_text("user cache")
    for var, sub in (
        ("HOME", ""),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CONFIG_HOME", ".config"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    for var in ("npm_config_cache", "BUN_INSTALL_CACHE_DIR", "YARN_CACHE_FOLDER", "DENO_DIR"):
        monkeypatch.delenv(var, raising=False)
    before = _files(home)
    doc = ResultsDocument()
    work = tmp_path / "work"
    work.mkdir()
    with LauncherExecutor() as ex:
        ctx = SuiteContext(contenders, ex, work, seed=1)
        assert InstallSuite(sample_project(), tcs, states=["cold"], reps=2).run(ctx, doc)
    for name in ("node", "bun"):
        m = doc.measurement("install", "cold", "wall_s", name)
        assert m.valid, (name, m.notes, m.failures)
    assert _files(home) == before  # ~/.npm, ~/.bun/install/cache, ~/.cache: untouched
    assert any((work / "node" / "cache" / "npm").iterdir())  # npm's cache went here
    assert any((work / "bun" / "cache" / "bun").iterdir())  # and Bun's here


def test_bun_blocked_postinstalls_are_named(session_cache: Path, tmp_path: Path) -> None:
    prov = Provisioner(cache_dir=session_cache)
    try:
        bun = prov.ensure("bun@latest")
    except OfflineError as exc:
        pytest.skip(f"npm registry unreachable: {exc}")
    project = tmp_path / "app"
    (project / "vendor" / "hooked").mkdir(parents=True)
    (project / "vendor" / "hooked" / "package.json").write_text(
        '{"name": "hooked", "version": "1.0.0", "scripts": '
        "{\"postinstall\": \"node -e \\\"require('fs').writeFileSync('ran.txt', 'x')\\\"\"}}"
    )
    (project / "package.json").write_text(
        '{"name": "app", "version": "1.0.0", "dependencies": {"hooked": "file:./vendor/hooked"}}'
    )
    contenders = name_contenders([bun])
    work = tmp_path / "work"
    work.mkdir()
    doc = ResultsDocument()
    with LauncherExecutor() as ex:
        ctx = SuiteContext(contenders, ex, work, seed=1)
        tcs = ToolchainSet(provisioner=prov)
        assert InstallSuite(project, tcs, states=["cold"], reps=2).run(ctx, doc)
    outcome = raw(doc)["suites"]["install"]["outcome"]["bun"]["cold"]
    assert outcome["packages_with_install_scripts"] == ["hooked"]
    assert [s.split()[0] for s in outcome["skipped_scripts"]] == ["hooked"]
    assert not (work / "bun" / "project" / "node_modules" / "hooked" / "ran.txt").exists()
