"""The Click group and the two consoles every command writes to (results on stdout, progress
and messages on stderr)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console

from bakeoff import __version__

out = Console()
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bakeoff")
def cli() -> None:
    """Measure Node.js, Bun and Deno side by side on your own project — honestly."""
