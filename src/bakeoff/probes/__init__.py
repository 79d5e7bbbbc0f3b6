"""The compatibility probe suite's files (JavaScript run under each runtime) and the list of its
areas. Data only: the configuration validates ``[compat] areas`` against it, the compat suite
runs it (``bakeoff.compat.probes``)."""

from __future__ import annotations

from pathlib import Path

PROBES_DIR = Path(__file__).resolve().parent
AREAS_DIR = PROBES_DIR / "areas"


def all_areas() -> list[str]:
    """Every probe area, by name (one ``areas/<name>.mjs`` each)."""
    return sorted(p.stem for p in AREAS_DIR.glob("*.mjs"))
