"""`bakeoff init` on the fixture projects: what it detects, that the file it writes validates,
and (for the dependency-free CLI fixture) that `bakeoff run --quick` completes on it."""

from __future__ import annotations

import json
import os
import shutil
import tomllib
from pathlib import Path

import pytest

from bakeoff import config
from bakeoff.cli import main
from bakeoff.project.detect import detect
from bakeoff.project.initfile import render

FIXTURES = Path(__file__).parent / "fixtures"


def test_express_jest_detection() -> None:
    p = detect(FIXTURES / "express-jest")
    assert p.module_type.value == "cjs"
    assert p.service and p.service.entry.value == "src/server.js"
    assert "scripts.start" in p.service.entry.source
    assert p.service.port_env and p.service.port_env.value == "PORT"
    assert p.service.readiness and p.service.readiness.value == "/healthz"
    routes = {(r.method, r.path) for r in p.service.routes}
    assert {("GET", "/api/orders"), ("GET", "/api/orders/:id"), ("POST", "/api/orders")} <= routes
    assert p.test_framework and p.test_framework.value == "jest"
    assert p.service.framework and p.service.framework.value == "express"


def test_fastify_typescript_detection() -> None:
    p = detect(FIXTURES / "fastify-ts")
    assert p.module_type.value == "esm"
    assert p.typescript and p.typescript.value is True
    assert p.service and p.service.entry.value == "src/server.ts"
    assert p.service.readiness and p.service.readiness.value == "/health"
    assert p.test_framework and p.test_framework.value == "vitest"


def test_cli_detection() -> None:
    p = detect(FIXTURES / "cli-node-test")
    assert p.service is None
    assert p.bins == {"wordfreq": "bin/wordfreq.js"}
    assert p.test_framework and p.test_framework.value == "node:test"


@pytest.mark.parametrize("name", ["express-jest", "fastify-ts", "cli-node-test"])
def test_generated_config_round_trips_through_validation(name: str) -> None:
    text = render(detect(FIXTURES / name))
    cfg = config.validate(tomllib.loads(text))
    assert cfg.bakeoff.runtimes == config.DEFAULT_RUNTIMES
    assert "EDIT" in text or name == "cli-node-test"
    if name != "cli-node-test":
        assert cfg.serve is not None and cfg.serve.requests
        # parameterised and POST routes are listed but left commented out until edited
        assert all(":" not in r.path and r.method == "GET" for r in cfg.serve.requests)
        assert cfg.install is not None and cfg.test is not None and cfg.ci is not None
    else:
        assert cfg.serve is None and cfg.build is not None and cfg.startup.scripts


def test_a_project_with_characters_outside_the_basic_plane_gets_valid_toml(
    tmp_path: Path,
) -> None:
    """A JSON string is not a TOML string: JSON escapes 😀 as a surrogate pair, which TOML
    rejects. Names, paths and scripts with such characters must round-trip."""
    project = tmp_path / "app-😀"
    shutil.copytree(FIXTURES / "cli-node-test", project)
    (project / "bin" / "wordfreq.js").rename(project / "bin" / "wörd-🚀.js")
    meta = json.loads((project / "package.json").read_text())
    meta["bin"] = {"wordfreq": "bin/wörd-🚀.js"}
    meta["scripts"]["test"] = "node --test 'test/*.js' # 🚀"
    (project / "package.json").write_text(json.dumps(meta, ensure_ascii=False))
    text = render(detect(project))
    cfg = config.validate(tomllib.loads(text))
    assert cfg.build is not None and cfg.build.entry == "bin/wörd-🚀.js"


def test_risks_are_listed_first(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(
        json.dumps(
            {
                "name": "risky",
                "scripts": {"postinstall": "node build.js", "test": "jest"},
                "dependencies": {"bcrypt": "^5"},
                "devDependencies": {"jest": "^29"},
            }
        )
    )
    (tmp_path / "index.js").write_text(
        "const vm = require('vm');\n"
        "const { Worker } = require('worker_threads');\n"
        "new Worker('./w.js', { resourceLimits: { maxOldGenerationSizeMb: 64 } });\n"
    )
    (tmp_path / "a.test.js").write_text("jest.mock('./index');\n")
    p = detect(tmp_path)
    kinds = " | ".join(r.what for r in p.risks)
    assert "native addon bcrypt" in kinds
    assert "the vm module" in kinds and "resourceLimits" in kinds and "jest.mock" in kinds
    assert "postinstall" in kinds
    assert p.risks[0].severity == "high"
    text = render(p)
    assert text.index("Migration risks") < text.index("[bakeoff]")


def test_init_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(FIXTURES / "cli-node-test", tmp_path / "p")
    assert main(["init", str(tmp_path / "p")]) == 0
    assert (tmp_path / "p" / "bakeoff.toml").is_file()
    assert main(["init", str(tmp_path / "p")]) == 2
    assert "exists" in capsys.readouterr().err
    assert main(["init", str(tmp_path / "nope")]) == 2


def test_monorepo_package_selection(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"name": "mono", "workspaces": ["pkgs/*"]}))
    shutil.copytree(FIXTURES / "cli-node-test", tmp_path / "pkgs" / "wordfreq")
    root = detect(tmp_path)
    assert root.workspaces == ["pkgs/wordfreq"] and "--package" in root.notes[0]
    one = detect(tmp_path, package="wordfreq")
    assert one.bins == {"wordfreq": "bin/wordfreq.js"}


@pytest.mark.integration
def test_init_then_run_quick_on_the_cli_fixture(
    tmp_path: Path, session_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "wordfreq"
    shutil.copytree(FIXTURES / "cli-node-test", project)
    monkeypatch.chdir(project)
    assert main(["init", "-r", "node@lts", "-r", "bun@latest"]) == 0
    assert main(["run", "--quick", "--min-runs", "3", "--max-runs", "3"]) == 0
    doc = json.loads((project / "bakeoff-results" / "results.json").read_text())
    suites = {m["suite"] for m in doc["measurements"]}
    assert {"startup", "test", "build"} <= suites
    assert "ci" not in suites  # a quick run leaves the whole-CI suite out unless named
    assert any(m["case"] == "wordfreq" and m["samples"] for m in doc["measurements"])
    assert doc["suites"]["test"]["parity"]["summary"]["node"]["passed"] == 3


@pytest.mark.skipif(
    not os.environ.get("BAKEOFF_SLOW_TESTS"),
    reason="installs jest/vitest per toolchain (minutes): set BAKEOFF_SLOW_TESTS=1",
)
@pytest.mark.parametrize("name", ["express-jest", "fastify-ts"])
def test_init_then_run_quick_on_service_fixtures(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / name
    shutil.copytree(FIXTURES / name, project)
    monkeypatch.chdir(project)
    assert main(["init", "-r", "node@lts", "-r", "bun@latest"]) == 0
    assert main(["run", "--quick", "--suite", "startup,serve,install,test,ci"]) == 0
    doc = json.loads((project / "bakeoff-results" / "results.json").read_text())
    suites = {m["suite"] for m in doc["measurements"]}
    assert {"startup", "serve", "install", "test", "ci"} <= suites
    assert doc["status"] == "complete"
