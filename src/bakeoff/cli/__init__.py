"""The command line: parse arguments, call the library, render, and map errors to messages and
exit codes — in one place (``main``). Library modules never print or exit.

Each command lives in its own module, ``bakeoff.cli.<name>``, imported only when that command
runs or its help is shown (see ``app.LazyGroup``), so ``bakeoff --help`` starts fast.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence

import click
from rich.markup import escape

from bakeoff.cli import guard
from bakeoff.cli.app import cli, err
from bakeoff.errors import BakeoffError, Interrupted


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: the one place that maps exceptions to messages and exit codes. SIGTERM
    and SIGHUP end a command like Ctrl-C, with exit code 128 + the signal (``cli.guard``)."""
    with guard.signals_handled():
        try:
            return _run(argv)
        except KeyboardInterrupt:  # a signal that arrived while a message was printed
            return guard.exit_code(130)


def _say(text: str) -> None:
    """Print to stderr; a terminal that hung up (SIGHUP) cannot stop the exit code."""
    with contextlib.suppress(OSError):
        err.print(text)


def _run(argv: Sequence[str] | None) -> int:
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="bakeoff",
            standalone_mode=False,
        )
    except click.exceptions.Abort:
        _say("aborted" if guard.received() is None else guard.describe())
        return guard.exit_code(130)
    except click.ClickException as exc:
        with contextlib.suppress(OSError):
            exc.show()
        return exc.exit_code
    except Interrupted as exc:
        text = str(exc)
        if guard.received() is not None:
            text = text.replace("interrupted", guard.describe(), 1)
        _say(f"[yellow]{escape(text)}[/]")
        return guard.exit_code(exc.exit_code)
    except BakeoffError as exc:
        _say(f"[bold red]error:[/] {escape(exc.message)}")
        if exc.hint:
            _say(f"  {escape(exc.hint)}")
        return guard.exit_code(exc.exit_code)
    except KeyboardInterrupt:
        _say(guard.describe())
        return guard.exit_code(130)
    except OSError as exc:  # the environment failed us (a full disk, a closed terminal)
        _say(f"[bold red]error:[/] {escape(str(exc))}")
        return guard.exit_code(1)
    return 0


def entry() -> None:
    sys.exit(main())


__all__ = ["cli", "entry", "main"]
