"""``bakeoff doctor``: print read-only machine checks and what they mean, then the tools
bakeoff uses, where each comes from and how to get a missing one."""

from __future__ import annotations

from bakeoff.cli.app import cli, out

STYLE = {"ok": "green", "warn": "yellow", "info": "cyan"}


@cli.command()
def doctor() -> None:
    """Check this machine for benchmarking noise and list the tools bakeoff uses (read-only:
    never tunes or downloads anything)."""
    from rich.table import Table
    from rich.text import Text

    from bakeoff import doctor as doctor_mod

    t = Table(title="bakeoff doctor (read-only)", title_justify="left")
    for col in ("check", "value", "status", "what it means"):
        t.add_column(col)
    checks = doctor_mod.run_checks()
    for c in checks:
        t.add_row(c.name, c.value, Text(c.status, style=STYLE[c.status]), c.meaning)
    out.print(t)
    warns = sum(1 for c in checks if c.status == "warn")
    tools = Table(title="tools", title_justify="left")
    for col in ("tool", "version", "status", "where it comes from", "what for / how to get it"):
        tools.add_column(col)
    for tool in doctor_mod.tool_checks():
        tools.add_row(
            tool.name,
            tool.version or "–",
            Text(tool.status, style=STYLE[tool.status]),
            tool.source,
            tool.how,
        )
    out.print(tools)
    out.print(
        f"{warns} warning(s). bakeoff interleaves contestants and watches noise during the run; "
        "run `bakeoff calibrate` to measure what this machine can detect."
    )
