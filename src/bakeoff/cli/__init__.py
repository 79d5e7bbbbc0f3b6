"""The command line: parse arguments, call the library, render, and map errors to messages and
exit codes — in one place (``main``). Library modules never print or exit.

Each command lives in its own module, ``bakeoff.cli.<name>``, imported only when that command
runs or its help is shown (see ``app.LazyGroup``), so ``bakeoff --help`` starts fast.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click
from rich.markup import escape

from bakeoff.cli.app import cli, err
from bakeoff.errors import BakeoffError, Interrupted


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: the one place that maps exceptions to messages and exit codes."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="bakeoff",
            standalone_mode=False,
        )
    except click.exceptions.Abort:
        err.print("aborted")
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except Interrupted as exc:
        err.print(f"[yellow]{escape(str(exc))}[/]")
        return exc.exit_code
    except BakeoffError as exc:
        err.print(f"[bold red]error:[/] {escape(exc.message)}")
        if exc.hint:
            err.print(f"  {escape(exc.hint)}")
        return exc.exit_code
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
    return 0


def entry() -> None:
    sys.exit(main())


__all__ = ["cli", "entry", "main"]
