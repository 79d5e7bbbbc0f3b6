"""``bakeoff devloop``: the dev-loop suites (install, test, build, ci) ad hoc on one project
folder, with hybrid toolchains and extra install-only package managers from the command line
(or from the project's ``bakeoff.toml``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bakeoff.cli.app import cli
from bakeoff.cli.common import config_option, measure_options
from bakeoff.errors import UsageError

if TYPE_CHECKING:
    from bakeoff.toolchains import ToolchainSpec

DEVLOOP_RUNTIMES = ("node@lts", "bun@latest", "deno@latest")
_FIELDS = ("runtime", "manager", "test_runner", "bundler")


def parse_toolchain(text: str) -> ToolchainSpec:
    """``NAME=RUNTIME[:MANAGER[:RUNNER[:BUNDLER]]]``, e.g. ``bun+node=node:bun:node:bun``;
    an empty part keeps the runtime's default."""
    from bakeoff.toolchains import BUNDLERS, MANAGERS, RUNNERS, ToolchainSpec

    name, sep, rest = text.partition("=")
    parts = rest.split(":") if sep else []
    if not name.strip() or not parts or not parts[0] or len(parts) > 4:
        raise UsageError(
            f"--toolchain {text!r}: expected NAME=RUNTIME[:MANAGER[:RUNNER[:BUNDLER]]], "
            "e.g. bun+node=node:bun:node:bun"
        )
    values: dict[str, str | None] = dict.fromkeys(_FIELDS)
    for key, part in zip(_FIELDS, parts, strict=False):
        values[key] = part.strip() or None
    for key, allowed in (("manager", MANAGERS), ("test_runner", RUNNERS), ("bundler", BUNDLERS)):
        value = values[key]
        if value is not None and value not in allowed:
            raise UsageError(
                f"--toolchain {text!r}: {key} must be one of {', '.join(allowed)}, found {value!r}"
            )
    return ToolchainSpec(
        name.strip(),
        str(values["runtime"]),
        values["manager"],
        values["test_runner"],
        values["bundler"],
    )


def _check_package_json(project: Path) -> None:
    import json

    path = project / "package.json"
    if not path.is_file():
        raise UsageError(f"{project}: no package.json (is this a JavaScript project?)")
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path} is not valid JSON: {exc}") from None


@cli.command()
@click.argument(
    "project", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True)
)
@click.option(
    "--suite",
    "suites",
    metavar="LIST",
    help="Comma-separated subset of install,test,build,ci (default: all).",
)
@click.option(
    "--toolchain",
    "toolchains",
    multiple=True,
    metavar="NAME=RUNTIME:MANAGER:RUNNER:BUNDLER",
    help="A hybrid toolchain, e.g. bun+node=node:bun:node:bun (repeatable).",
)
@click.option(
    "--manager",
    "managers",
    multiple=True,
    type=click.Choice(["npm", "pnpm", "yarn", "bun", "deno"]),
    help="An extra install-only contestant run on Node, e.g. pnpm (repeatable).",
)
@click.option("--entry", metavar="SCRIPT", help="Script to bundle and smoke-run (build suite).")
@click.option("--entry-arg", "entry_args", multiple=True, help="Argument for the smoke run.")
@click.option("--quick", is_flag=True, help="Fewer repetitions.")
@config_option("bakeoff.toml to read (default: the project's, if any).")
@measure_options
def devloop(
    project: Path | None,
    suites: str | None,
    toolchains: tuple[str, ...],
    managers: tuple[str, ...],
    entry: str | None,
    entry_args: tuple[str, ...],
    quick: bool,
    config_path: Path | None,
    **kw: Any,
) -> None:
    """Install, test, build and whole-CI time per toolchain (runtime + package manager + test
    runner + bundler). Without PROJECT: the bundled sample project, with a bun-installs /
    node-runs hybrid and pnpm as an extra install contestant.

    \b
    bakeoff devloop -r node@lts -r bun@latest -r deno@latest
    bakeoff devloop ./my-app --suite install,test --manager pnpm --toolchain bun+node=node:bun:node
    """
    from bakeoff import config
    from bakeoff.cli.common import _execute, _load_config, _settings
    from bakeoff.project.detect import detect
    from bakeoff.session import Options
    from bakeoff.suites import catalog
    from bakeoff.toolchains import ToolchainSpec

    wanted = catalog.parse_names(suites, catalog.DEVLOOP)
    if not set(wanted) <= set(catalog.DEVLOOP):
        raise UsageError(f"bakeoff devloop runs {', '.join(catalog.DEVLOOP)}; use `bakeoff run`")
    specs = [parse_toolchain(t) for t in toolchains]
    if project is None:
        root = catalog.sample_project()
        cfg = _load_config(config_path) if config_path else config.Config()
        if not specs:
            specs = [ToolchainSpec("bun+node", "node", "bun", "node", "bun")]
        managers = managers or ("pnpm",)
        entry = entry or catalog.SAMPLE_CLI
        entry_args = entry_args or catalog.SAMPLE_CLI_ARGS
        runner = None
    else:
        root = project.resolve()
        _check_package_json(root)
        found = config_path or config.find(root)
        cfg = config.load(found) if found else config.Config()
        specs = specs or [
            ToolchainSpec(t.name, t.runtime, t.manager, t.test_runner, t.bundler)
            for t in cfg.toolchains
        ]
        managers = managers or tuple(cfg.install.managers if cfg.install else ())
        if entry is None and cfg.build is not None:
            entry, entry_args = cfg.build.entry, entry_args or tuple(cfg.build.args)
        fw = detect(root).test_framework
        runner = fw.value if fw and fw.value in ("jest", "vitest", "mocha", "ava") else None
    if entry is not None and not (root / entry).is_file():
        raise UsageError(f"--entry {entry}: no such file in {root}")
    s = _settings(cfg, kw, quick)
    chosen = catalog.devloop_suites(
        root,
        specs,
        quick=quick,
        wanted=wanted,
        entry=(entry, list(entry_args)) if entry else None,
        managers=managers,
        project_runner=runner,
    )
    if not chosen:
        raise UsageError("nothing to run (the build suite needs --entry)")
    opts = Options(
        runtimes=list(kw["runtimes"] or (cfg.bakeoff.runtimes if project else DEVLOOP_RUNTIMES)),
        suites=chosen,
        quick=quick,
        **s,
    )
    _execute(opts, kw, project=root)
