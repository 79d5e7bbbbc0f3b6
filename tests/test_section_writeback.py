"""A suite's section is written back through its model: strict in tests, and on a user's
machine a schema gap loses only the offending value, never the run."""

from __future__ import annotations

import pytest

from bakeoff.results import ResultsDocument
from bakeoff.suites.base import section


def test_a_test_runner_that_could_not_list_its_files_is_stored_with_its_cause() -> None:
    """Seen on a real project (vitest could not list its files): the reason is a Failure."""
    doc = ResultsDocument()
    with section(doc, "test") as info:
        info["files"] = {
            "how": "vitest's default file patterns",
            "listing_failed": {
                "reason": "vitest could not list its files",
                "command": "vitest list --filesOnly --json",
                "exit_code": 1,
            },
        }
    assert doc.suites.test is not None and doc.suites.test.files is not None
    failed = doc.suites.test.files.listing_failed
    assert failed is not None and failed.reason == "vitest could not list its files"


def test_strict_in_tests_lenient_for_users(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError), section(ResultsDocument(), "test") as info:
        info["files"] = {"how": "x", "count": "not a number"}
    monkeypatch.delenv("BAKEOFF_STRICT")
    doc = ResultsDocument()
    with section(doc, "test") as info:
        info["elapsed_s"] = 1.5
        info["files"] = {"how": "x", "count": "not a number"}
    assert doc.suites.test is not None and doc.suites.test.elapsed_s == 1.5
    assert doc.suites.test.files is not None and doc.suites.test.files.how == "x"
    assert any("files.count" in w and "left out" in w for w in doc.warnings)
