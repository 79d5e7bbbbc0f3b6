"""The pipeline's stages import only to their left: config → plan → measure → analysis → value →
decide → render, plus the shared foundations (errors, events, limits, the results contract,
runtime provisioning, the probe files). The orchestration layer (suites, compat, project,
session, projectrun, cluster, merge, doctor) may use any stage; only the CLI uses the
orchestration. Checked on every import, module level or inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import bakeoff

ROOT = Path(bakeoff.__file__).parent
FOUNDATIONS = ("errors", "events", "limits", "tempdirs", "results", "runtimes", "probes")
STAGES = ("config", "plan", "measure", "analysis", "value", "decide", "render")
ORCHESTRATION = (
    "suites",
    "compat",
    "project",
    "session",
    "projectrun",
    "cluster",
    "localcluster",
    "merge",
    "doctor",
)
ENTRY = ("cli", "__main__")


def _layer(module: str) -> tuple[str, int]:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in FOUNDATIONS or parts[1].startswith("__version"):
        return "foundation", -1
    top = parts[1]
    if top in STAGES:
        return "stage", STAGES.index(top)
    if top in ORCHESTRATION:
        return "orchestration", 100
    if top in ENTRY:
        return "entry", 200
    raise AssertionError(f"{module}: in no layer — add it to tests/test_layers.py")


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "bakeoff":
                found |= {f"bakeoff.{a.name}" for a in node.names}
            elif node.module.startswith("bakeoff."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("bakeoff")}
    return found


def _allowed(src: tuple[str, int], dst: tuple[str, int]) -> bool:
    kind, level = src
    if kind == "entry":
        return True
    if kind == "orchestration":
        return dst[0] != "entry"
    if kind == "stage":
        return dst[0] == "foundation" or (dst[0] == "stage" and dst[1] <= level)
    return dst[0] == "foundation"


def test_no_module_imports_a_later_stage() -> None:
    bad = []
    for name, path in sorted(_modules().items()):
        src = _layer(name)
        for target in sorted(_imports(path)):
            dst = _layer(target)
            if not _allowed(src, dst):
                bad.append(f"{name} ({src[0]}) imports {target} ({dst[0]})")
    assert not bad, "\n".join(bad)


def test_the_check_sees_a_violation() -> None:
    """The rule itself: a value module importing render, or config importing value, fails."""
    assert not _allowed(_layer("bakeoff.value.model"), _layer("bakeoff.render.view"))
    assert not _allowed(_layer("bakeoff.config"), _layer("bakeoff.value.usage"))
    assert not _allowed(_layer("bakeoff.results"), _layer("bakeoff.analysis.stats"))
    assert _allowed(_layer("bakeoff.decide"), _layer("bakeoff.value.model"))
    assert _allowed(_layer("bakeoff.suites.serve"), _layer("bakeoff.analysis.latency"))
