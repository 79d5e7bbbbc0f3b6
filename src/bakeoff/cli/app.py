"""The Click group, its lazily loaded commands, and the two consoles every command writes to
(results on stdout, progress and messages on stderr).

Start-up time matters in a tool that measures start-up time: ``bakeoff --help``, ``--version``
and ``bakeoff <cmd> --help`` must not load NumPy, SciPy or pydantic. So each command lives in its
own module, ``bakeoff.cli.<name>``, loaded only when the command is looked up, and a command
module imports only Click and light modules at the top (the measuring machinery is imported
inside the command's function). ``tests/test_cli_imports.py`` checks this.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console

from bakeoff import __version__

out = Console()
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

# command name -> its module bakeoff.cli.<name> (the module registers the command on import)
COMMANDS = (
    "calibrate",
    "compare",
    "compat",
    "completion",
    "demo",
    "devloop",
    "doctor",
    "init",
    "merge",
    "report",
    "run",
    "runtimes",
    "serve",
    "startup",
)

EPILOG = """\b
Exit codes: 0 success · 1 a regression found by `compare` · 2 bad input (arguments, config,
results file) · 3 provisioning (download, integrity, offline) · 4 the measuring machinery
failed · 5 every measurement failed · 6 `run --cluster` could not run · 130 interrupted
(partial results saved).
Shell completion: `bakeoff completion bash|zsh|fish` prints the script to source."""


class LazyGroup(click.Group):
    """A group whose commands are imported on first use, not when the program starts."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(f"bakeoff.cli.{cmd_name}")
        return self.commands.get(cmd_name)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EPILOG,
)
@click.version_option(__version__, prog_name="bakeoff")
def cli() -> None:
    """Measure Node.js, Bun and Deno side by side on your own project — honestly."""
