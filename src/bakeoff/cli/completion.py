"""``bakeoff completion bash|zsh|fish``: print the shell completion script (Click's own
completion: commands, options, choices and file names)."""

from __future__ import annotations

import click

from bakeoff.cli.app import cli

SHELLS = ("bash", "zsh", "fish")
COMPLETE_VAR = "_BAKEOFF_COMPLETE"


@cli.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the completion script for SHELL; load it from your shell's start-up file.

    \b
    bash:  eval "$(bakeoff completion bash)"            # in ~/.bashrc
    zsh:   eval "$(bakeoff completion zsh)"             # in ~/.zshrc
    fish:  bakeoff completion fish > ~/.config/fish/completions/bakeoff.fish
    """
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    if cls is None:  # Click ships all three; guard against a trimmed Click
        raise click.UsageError(f"this Click has no completion for {shell}")
    ctx = click.get_current_context()
    root = ctx.find_root()
    script = cls(root.command, {}, "bakeoff", COMPLETE_VAR).source()
    click.echo(script, nl=False)
