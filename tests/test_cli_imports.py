"""The command line starts fast because help and version never load the measuring machinery:
``bakeoff --help``, ``--version`` and every ``bakeoff <cmd> --help`` must not import NumPy,
SciPy or pydantic. Each case runs in a fresh interpreter and reads ``sys.modules`` afterwards —
a correctness check of the import graph, not a timing (the timing is benchmarks/bench_cli.py).
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import click
import pytest

import bakeoff.cli
from bakeoff.cli.app import COMMANDS, cli

HEAVY = ("numpy", "scipy", "pydantic")
PROBE = """
import io, json, sys, contextlib
from bakeoff.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    rc = main(sys.argv[1:])
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"numpy", "scipy", "pydantic"})
print(json.dumps({"rc": rc, "heavy": heavy, "out": out.getvalue()}))
"""
SUBCOMMANDS = [["runtimes", sub] for sub in ("list", "install", "which", "remove")]


def _probe(args: list[str]) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return result


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        *[[c, "--help"] for c in COMMANDS],
        *[[*s, "--help"] for s in SUBCOMMANDS],
    ],
    ids=lambda a: " ".join(a),
)
def test_help_and_version_do_not_import_heavy_modules(args: list[str]) -> None:
    got = _probe(args)
    assert got["rc"] == 0
    assert got["heavy"] == [], f"`bakeoff {' '.join(args)}` imported {got['heavy']}"
    assert "Usage: bakeoff" in str(got["out"]) or "version" in str(got["out"])


def test_the_probe_can_fail() -> None:
    """The same probe sees the heavy imports of a command that really runs (report on a bad
    file loads the results model, i.e. pydantic) — so an empty list above means something."""
    got = _probe(["report", "/nonexistent/results.json"])
    assert got["rc"] == 2
    assert "pydantic" in list(got["heavy"])  # type: ignore[arg-type]


def test_every_command_module_is_registered_under_its_own_name() -> None:
    modules = {m.name for m in pkgutil.iter_modules(bakeoff.cli.__path__)}
    helpers = {"app", "common", "guard", "progress", "cluster"}  # cluster: run --cluster's glue
    assert modules - helpers == set(COMMANDS)
    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None and command.name == name
        assert command.callback is not None
        assert command.callback.__module__ == f"bakeoff.cli.{name}"
    assert cli.get_command(ctx, "no-such-command") is None
