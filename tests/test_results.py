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


def _v10() -> dict[str, object]:
    """A 1.0 document with every shape 1.1 changed (as the 1.0 writers wrote them)."""
    ref = {"suite": "serve", "case": "rate:100", "metric": "rss_peak_mb", "contestant": "bun"}
    row = {"file": "a.test.ts", "test": "t", "node": "passed", "bun": "failed"}
    return {
        "schema": "bakeoff/1",
        "measurements": [
            {**ref, "unit": "MB", "samples": [1.0], "noise": {}},
            {**ref, "suite": "startup", "metric": "peak_rss_mb", "unit": "MB"},
        ],
        "comparisons": [
            {
                **ref,
                "baseline": "node",
                "ratio": 1.0,
                "ci": None,
                "p_value": None,
                "verdict": "same",
            }
        ],
        "fingerprint": {},
        "suites": {
            "serve": {
                "phases": {
                    "bun": {
                        "rate:100": [
                            {
                                "target_rps": 100,
                                "achieved_rps": 99,
                                "requests": 990,
                                "rss_peak_mb": 50.0,
                            }
                        ]
                    }
                },
                "mde": {"rate:100": {"rss_peak_mb": 0.1}},
                "correctness": {
                    "reference": "node",
                    "compare": "json",
                    "bun": "same as the reference",
                },
            },
            "test": {"parity": {"tests": 1, "diff": [row], "rows": [row]}},
            "compat": {
                "identity": {
                    "scripts": [
                        {
                            "script": "test",
                            "bin": "jest",
                            "interpreter": "node",
                            "bun": "runs under bun",
                        }
                    ]
                }
            },
        },
        "cost": {
            "baseline": "node",
            "platform": "fargate",
            "preset": "medium",
            "contestants": {
                "bun": {
                    "lines": [
                        {
                            "contestant": "bun",
                            "category": "memory",
                            "name": "m",
                            "kind": "cash",
                            "unit": "GB-hour",
                            "refs": [ref],
                        }
                    ]
                }
            },
        },
    }


def test_a_1_0_document_is_upgraded_field_by_field(tmp_path: Path) -> None:
    p = tmp_path / "old.json"
    p.write_text(json.dumps(_v10()))
    d = results.load(p)
    assert d.schema_ == results.SCHEMA
    assert [m.metric for m in d.measurements] == ["peak_rss_mb", "peak_rss_mb"]
    assert d.measurements[0].noise is None and d.fingerprint is None
    assert d.comparisons[0].metric == "peak_rss_mb"
    serve = d.suites.serve
    assert serve and serve.phases["bun"]["rate:100"][0].peak_rss_mb == 50.0
    assert serve.mde == {"rate:100": {"peak_rss_mb": 0.1}}
    assert serve.correctness and serve.correctness.contestants == {"bun": "same as the reference"}
    test = d.suites.test
    assert (
        test and test.parity and test.parity.diff[0].status == {"node": "passed", "bun": "failed"}
    )
    compat = d.suites.compat
    assert compat and compat.identity
    assert compat.identity.scripts[0].contestants == {"bun": "runs under bun"}
    assert d.cost and d.cost.contestants["bun"].lines[0].refs[0].metric == "peak_rss_mb"


def test_an_older_minor_is_read_leniently_and_this_one_strictly(tmp_path: Path) -> None:
    old = _v10() | {"retired_field": 1}
    p = tmp_path / "old.json"
    p.write_text(json.dumps(old))
    assert results.load(p).measurements  # a field no reader uses any more is dropped
    p.write_text(json.dumps({"schema": results.SCHEMA, "retired_field": 1}))
    with pytest.raises(ResultsError, match="retired_field"):
        results.load(p)


def test_a_newer_minor_says_what_it_ignored_and_another_major_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "new.json"
    p.write_text(json.dumps({"schema": "bakeoff/1.99", "future": {"x": 1}}))
    d = results.load(p)
    assert any("newer bakeoff" in w and "ResultsDocument.future" in w for w in d.warnings)
    p.write_text(json.dumps({"schema": "bakeoff/2.0"}))
    with pytest.raises(ResultsError, match="another major"):
        results.load(p)


def test_writing_a_field_the_model_does_not_declare_is_an_error() -> None:
    d = doc()
    with pytest.raises(ValueError, match="Extra inputs"):
        d.suites.put("serve", {"rss_peak_mb": 1})
    with pytest.raises(ValueError, match="Extra inputs"):
        d.environment = {"cpu": "x"}  # type: ignore[assignment]
