"""One evaluation of a project from its ``bakeoff.toml``: the suites it enables, a working copy
with its dependencies installed when it has none, and the ``Options`` an ``Evaluation`` runs.
``bakeoff run`` and every cluster worker (``bakeoff.cluster``) go through here, so a machine of a
fleet runs exactly what ``bakeoff run`` runs locally. Also the project's identity recorded in
each document (``doc.project``), which ``bakeoff merge`` checks.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bakeoff import config, tempdirs
from bakeoff.errors import ConfigError
from bakeoff.project import prepare
from bakeoff.results import Failure
from bakeoff.runtimes.provision import Provisioner
from bakeoff.session import Options, Settings
from bakeoff.suites import catalog
from bakeoff.suites.serve import ServeSuite

Note = Callable[[str], None]


def identity(folder: Path, **extra: Any) -> dict[str, Any]:
    """What a document says it measured: package.json's name (else the folder's name) and
    version, plus ``extra`` (e.g. the shipped sources' sha256 on a cluster)."""
    meta: Any = {}
    with contextlib.suppress(OSError, ValueError):
        meta = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    meta = meta if isinstance(meta, dict) else {}
    name = meta.get("name") if isinstance(meta.get("name"), str) else None
    out: dict[str, Any] = {"name": name or folder.resolve().name}
    if isinstance(meta.get("version"), str):
        out["version"] = meta["version"]
    return out | extra


def _ignore(_: str) -> None:
    return None


@dataclass
class Prepared:
    """What to run, and the temporary working copy → the project folder it copies (results
    name the user's folders, not bakeoff's temporary ones: ``results.replace_paths``)."""

    options: Options
    paths: dict[Path, Path] = field(default_factory=dict)


@contextmanager
def options(
    path: Path,
    cfg: config.Config,
    wanted: Sequence[str],
    settings: Settings,
    runtimes: Sequence[str] = (),
    quick: bool = False,
    note: Note = _ignore,
    project: dict[str, Any] | None = None,
) -> Iterator[Prepared]:
    """The ``Options`` for the suites ``path`` (a bakeoff.toml) enables among ``wanted``, with
    ``settings`` (stopping rule, threshold, budget… as ``bakeoff run`` merges them from the
    config and flags). A project with dependencies but no node_modules is installed into a
    temporary working copy first (untimed; the project is not modified), unless only the
    built-in start-up cases run. ``note`` receives what the CLI would tell the user."""
    ident = project or identity(path.parent)
    # the built-in start-up cases need no dependencies; the project's own scripts do
    in_place = list(wanted) != ["startup"] or bool(cfg.startup.enabled and cfg.startup.scripts)
    # the service's build (serve.build) runs in the working copy, never in the project
    build = list(cfg.serve.build) if cfg.serve and cfg.serve.enabled else []
    build = build if any(n in wanted for n in ("serve", "startup")) else []
    paths: dict[Path, Path] = {}
    setup_failure: Failure | None = None
    with tempdirs.directory("bakeoff-project-") as tmp:
        copy: Path | None = None
        if prepare.needs_install(path.parent) and in_place:
            note(
                "the project has dependencies but no node_modules: installing them into a "
                "working copy (untimed; your project is not modified)"
            )
            copy, how = prepare.working_copy(path.parent, Path(tmp) / "project", Provisioner())
            note(f"installed with {how} in {copy}")
        elif build:
            copy = prepare.linked_copy(path.parent, Path(tmp) / "project")
        if copy is not None and build:
            try:
                ran = prepare.run_scripts(copy, build, Provisioner())
                note(f"built the service with {', '.join(ran)} (untimed)")
            except prepare.StepFailed as exc:
                setup_failure = exc.failure("serve.build: ")
                note(f"the service's build failed: {exc.message}")
        if copy is not None:
            paths[copy] = path.parent.resolve()
            path = copy / path.name
        chosen, skipped = catalog.from_config(cfg, path, wanted, quick)
        for suite in chosen:
            if isinstance(suite, ServeSuite):
                suite.setup_failure = setup_failure
        if quick and "ci" not in wanted and cfg.ci is not None and cfg.ci.enabled:
            note(
                "skipped ci: not in a quick run (install, build and test are measured, and "
                "CI minutes sum them); run without --quick, or --suite ci, to time the pipeline"
            )
        for why in skipped:
            note(f"skipped {why}")
        if not chosen:
            raise ConfigError(f"{path}: no suite to run", "; ".join(skipped) or None)
        if quick:
            chosen = catalog.quick_order(chosen)
        opts = Options(
            runtimes=list(runtimes or cfg.bakeoff.runtimes),
            suites=chosen,
            quick=quick,
            project=ident,
            settings=settings,
        )
        yield Prepared(opts, paths)
