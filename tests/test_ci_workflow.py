"""docs/ci/github-actions.yml stays true to the CLI: every bakeoff command in it parses with
the options it uses (each command's callback is replaced by a recorder, so nothing runs)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest

from bakeoff.cli import main
from bakeoff.cli.app import cli
from bakeoff.cli.compare import _frac

WORKFLOW = Path(__file__).resolve().parent.parent / "docs" / "ci" / "github-actions.yml"


def commands() -> list[list[str]]:
    found = []
    for line in WORKFLOW.read_text().splitlines():
        text = line.strip()
        if not text.startswith("bakeoff "):
            continue
        text = text.split(" | ")[0]  # the command, not what its output is piped to
        text = re.sub(r"\$\{\{[^}]*\}\}", "X", text)  # GitHub expressions
        text = re.sub(r"\$[A-Z_]+", "/tmp/X", text)  # shell variables
        found.append(shlex.split(text)[1:])
    return found


def test_the_workflow_uses_run_markdown_report_and_compare() -> None:
    names = [c[0] for c in commands()]
    assert names == ["run", "run", "report", "compare"]
    text = WORKFLOW.read_text()
    assert '--markdown "$GITHUB_STEP_SUMMARY"' in text and "upload-artifact" in text
    assert "--fail-on" in text and "results.json" in text


@pytest.mark.parametrize("args", commands(), ids=lambda a: " ".join(a[:1]))
def test_each_command_parses(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, Any]] = []
    command = cli.get_command(click.Context(cli), args[0])
    assert command is not None
    monkeypatch.setattr(command, "callback", lambda **kw: seen.append(kw))
    assert main(args) == 0
    assert len(seen) == 1
    if args[0] == "compare":
        assert _frac(seen[0]["fail_on"]) == pytest.approx(0.10)
