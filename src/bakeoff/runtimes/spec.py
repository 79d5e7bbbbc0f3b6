"""Runtime specs as users write them: ``node@24``, ``node@lts``, ``bun@latest``, ``deno@2``,
``bun`` (= ``bun@latest``), ``system:node`` (whatever is on PATH), or a path to a binary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bakeoff.errors import RuntimeSpecError
from bakeoff.runtimes.semver import Range, RangeError

FAMILIES = ("node", "bun", "deno")
_EXAMPLES = "e.g. node@24, bun@latest, deno@2, system:node or a path"


@dataclass(frozen=True)
class RuntimeSpec:
    text: str
    name: str
    kind: Literal["registry", "system", "path"]
    range: str = ""
    path: str | None = None


def _unknown(name: str) -> RuntimeSpecError:
    return RuntimeSpecError(f"unknown runtime {name!r}: expected node, bun or deno ({_EXAMPLES})")


def family_of_path(path: str) -> str | None:
    base = Path(path).name.lower()
    base = re.sub(r"\.exe$", "", base)
    for fam in FAMILIES:
        if base == fam or re.match(rf"^{fam}[-_.]?\d", base):
            return fam
    return None


def parse_spec(text: str) -> RuntimeSpec:
    raw = text.strip()
    if not raw:
        raise RuntimeSpecError(f"empty runtime spec ({_EXAMPLES})")
    if raw.startswith("system:"):
        name = raw.split(":", 1)[1]
        if name not in FAMILIES:
            raise _unknown(name)
        return RuntimeSpec(raw, name, "system")
    if "/" in raw or raw.startswith("."):
        fam = family_of_path(raw)
        if fam is None:
            raise RuntimeSpecError(
                f"cannot tell which runtime {raw!r} is: name the binary node, bun or deno "
                "(or node24, bun-1.4, ...)"
            )
        return RuntimeSpec(raw, fam, "path", path=raw)
    name, _, rng = raw.partition("@")
    name = name.lower()
    if name not in FAMILIES:
        raise _unknown(name)
    rng = rng.strip() or "latest"
    if rng not in ("latest", "lts"):
        try:
            Range(rng)
        except RangeError:
            raise RuntimeSpecError(
                f"{raw!r}: {rng!r} is not a version or range ({_EXAMPLES})"
            ) from None
    elif rng == "lts" and name != "node":
        raise RuntimeSpecError(f"{raw!r}: only node has LTS releases (try {name}@latest)")
    return RuntimeSpec(raw, name, "registry", range=rng)
