"""The committed schema reference is the one the models generate (``UPDATE_GOLDEN=1``
rewrites it), so a field added, renamed or retyped shows in the reviewed diff."""

from __future__ import annotations

import os
from pathlib import Path

from bakeoff.results import reference

DOC = Path(__file__).parent.parent / "docs" / "results-schema.md"


def test_the_committed_schema_reference_is_up_to_date() -> None:
    text = reference.markdown()
    if os.environ.get("UPDATE_GOLDEN"):
        DOC.write_text(text, encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == text, (
        "docs/results-schema.md is out of date: UPDATE_GOLDEN=1 pytest tests/test_results_schema.py"
    )
