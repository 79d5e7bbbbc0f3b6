"""A results document as its saved JSON (what a reader of the file sees), for tests that check
the written contract by its field names."""

from __future__ import annotations

import json
from typing import Any

from bakeoff.results import ResultsDocument


def raw(doc: ResultsDocument | None) -> dict[str, Any]:
    assert doc is not None
    out: dict[str, Any] = json.loads(doc.to_json())
    return out
