from __future__ import annotations

import json
from pathlib import Path

import pytest

from bakeoff import results
from bakeoff.errors import ResultsError
from bakeoff.results import Contestant, Measurement, ResultsDocument


def doc() -> ResultsDocument:
    return ResultsDocument(
        contestants=[
            Contestant(
                name="node", runtime="node", version="v24.11.0", binary="/x/node", sha256="ab" * 32
            )
        ],
        measurements=[
            Measurement(
                suite="startup",
                case="hello",
                metric="wall_ms",
                contestant="node",
                unit="ms",
                samples=[1.0, 2.0],
            )
        ],
    )


def test_round_trip_keeps_schema_and_samples(tmp_path: Path) -> None:
    p = tmp_path / "r.json"
    results.save(doc(), p)
    raw = json.loads(p.read_text())
    assert raw["schema"] == "bakeoff/1.1"
    for key in (
        "bakeoff_version",
        "created",
        "environment",
        "contestants",
        "measurements",
        "comparisons",
        "compat",
        "cost",
        "decision",
    ):
        assert key in raw
    back = results.load(p)
    assert back.measurements[0].samples == [1.0, 2.0]
    assert back.schema_ == "bakeoff/1.1"


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    results.save(doc(), tmp_path / "r.json")
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot read"),
        ('{"schema": "other/2"}', "not a bakeoff results document"),
        ('{"schema": "bakeoff/1", "measurements": [{"suite": 1}]}', "invalid results document"),
    ],
)
def test_bad_files_are_clear_errors(tmp_path: Path, content: str, message: str) -> None:
    p = tmp_path / "r.json"
    p.write_text(content)
    with pytest.raises(ResultsError, match=message):
        results.load(p)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match="not found"):
        results.load(tmp_path / "none.json")
