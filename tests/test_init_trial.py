"""`bakeoff init` tries what it writes (integration: real Node): the service started with its
required argument, a build-output entry built first, a server that ignores $PORT found on its
fixed port, a refusal to start explained by the line that names the cause — and nothing left
running afterwards."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import psutil
import pytest

from bakeoff import config
from bakeoff.cli import main
from bakeoff.project import trial
from bakeoff.project.detect import detect
from bakeoff.runtimes.provision import Provisioner

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.integration


def copy(name: str, tmp_path: Path) -> Path:
    dest = tmp_path / name
    shutil.copytree(FIXTURES / name, dest)
    return dest


def children() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True)}


def init(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, config.Config]:
    before = children()
    code = main(["init", str(project)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert children() <= before, "init left processes running"
    text = (project / "bakeoff.toml").read_text()
    return out, config.validate(tomllib.loads(text))


def test_service_with_a_required_argument_starts_and_routes_are_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy("serve-needs-arg", tmp_path)
    out, cfg = init(project, capsys)
    assert "tried serve: worked" in out
    assert cfg.serve is not None and cfg.serve.enabled
    assert cfg.serve.entry == "bin/serve.js" and cfg.serve.args == ["data.json"]
    assert cfg.serve.readiness.kind == "http" and cfg.serve.readiness.path == "/health"
    paths = {r.path for r in cfg.serve.requests}
    assert paths == {"/health", "/items", "/started"}  # /missing answered 404: commented out
    assert cfg.serve.compare == "shape"  # /started differs from one start to the next
    text = (project / "bakeoff.toml").read_text()
    assert "# GET /missing — routes.js — answered 404 (not found) when tried" in text
    assert "# init tried startup:serve-data: worked" in text


def test_build_output_entry_is_built_first_and_a_fixed_port_is_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy("serve-build-output", tmp_path)
    out, cfg = init(project, capsys)
    assert "tried build: worked" in out and "tried serve: worked" in out
    assert cfg.serve is not None and cfg.serve.build == ["build"]
    assert cfg.serve.port == 38517  # it ignored $PORT
    assert cfg.serve.readiness.path == "/ping"
    assert not (project / "dist").exists()  # the build ran in a copy


def test_a_service_that_refuses_to_start_is_written_disabled_with_the_cause(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy("serve-env-required", tmp_path)
    out, cfg = init(project, capsys)
    assert "tried serve: failed" in out and "Missing environment variables:" in out
    assert cfg.serve is not None and cfg.serve.enabled is False
    assert cfg.serve.env["GREETING"] == "bakeoff"
    text = (project / "bakeoff.toml").read_text()
    assert "EDIT: a placeholder string" in text
    assert "exited with code 1" in text and "GREETING: a real greeting is required" in text


def test_trial_report_names_command_exit_code_and_output(tmp_path: Path) -> None:
    project = copy("serve-needs-arg", tmp_path)
    (project / "package.json").write_text(
        (project / "package.json").read_text().replace("bin/serve.js data.json", "bin/serve.js")
    )
    p = detect(project)
    from bakeoff.cli.init import _spec_at

    report = trial.run(p, lambda f: _spec_at(p, None), Provisioner())
    serve = report.get("serve")
    assert serve is not None and not serve.ok
    assert serve.exit_code == 1 and "bin/serve.js" in serve.command
    assert "Usage: serve-data <file.json>" in serve.stdout_tail  # printed to stdout, not stderr
    assert "Usage: serve-data" in serve.reason()


def test_a_workspace_is_tried_inside_its_monorepo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A workspace's `workspace:`/sibling dependencies only resolve when the whole monorepo is
    installed: init --package copies and installs the monorepo, then tries the workspace."""
    root = tmp_path / "mono"
    files = {
        "package.json": '{"name": "mono", "private": true, "workspaces": ["packages/*"]}',
        "packages/lib/package.json": (
            '{"name": "greet-lib", "version": "1.0.0", "main": "index.js"}'
        ),
        "packages/lib/index.js": "module.exports = () => 'hello';\n",
        "packages/app/package.json": (
            '{"name": "app", "version": "1.0.0", "dependencies": {"greet-lib": "*"},'
            ' "scripts": {"start": "node server.js"}}'
        ),
        "packages/app/server.js": (
            "const greet = require('greet-lib');\n"
            "const http = require('node:http');\n"
            "const app = http.createServer((req, res) => res.end(greet()));\n"
            "app.listen(process.env.PORT, '127.0.0.1');\n"
        ),
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    code = main(["init", str(root), "--package", "app"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "tried install: worked" in out and "tried serve: worked" in out, out
    assert (root / "packages/app/bakeoff.toml").is_file()
    assert not (root / "node_modules").exists()  # installed in a copy


def test_a_cli_whose_main_exits_without_listening_gets_no_serve(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CLI's main imports its `start` command (which listens), but run bare it prints its
    help and exits 0: not a service."""
    root = tmp_path / "cli"
    (root / "lib").mkdir(parents=True)
    (root / "package.json").write_text('{"name": "cli", "version": "1.0.0", "main": "cli.js"}')
    (root / "cli.js").write_text(
        "const start = require('./lib/start');\n"
        "if (process.argv[2] === 'start') start();\n"
        "else console.log('usage: cli start');\n"
    )
    (root / "lib/start.js").write_text(
        "module.exports = () => require('node:http').createServer().listen(0);\n"
    )
    out, cfg = init(root, capsys)
    assert cfg.serve is None
    assert "no [serve]: node cli.js exited with code 0 without listening" in " ".join(out.split())
