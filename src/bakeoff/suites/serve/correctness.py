"""The correctness check before any load: every request of the mix once per contestant; status
and body (or the JSON shape, or only the status) must match the reference's, or the contestant's
latency results are not used for verdicts."""

from __future__ import annotations

import http.client
import json
from collections.abc import Sequence
from typing import Any

from bakeoff.measure.loadgen import Request

Answer = tuple[int, Any]  # status, body (parsed JSON, else text)


def http_fetch(host: str, port: int, req: Request) -> tuple[int, Any]:
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        headers = {"Accept-Encoding": "identity", **dict(req.headers)}
        conn.request(req.method, req.path, body=req.body, headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        return resp.status, body
    except (OSError, http.client.HTTPException) as exc:
        return 0, f"request failed: {exc}"
    finally:
        conn.close()


def _shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def _differs(s0: int, b0: Any, s1: int, b1: Any, mode: str) -> str:
    if s0 != s1:
        return f"status {s1}, reference {s0}"
    if mode == "status":
        return ""
    if mode == "shape":
        return "" if _shape(b0) == _shape(b1) else "JSON shape differs"
    if b0 != b1:
        return f"body differs: {_short(b1)} vs reference {_short(b0)}"
    return ""


def _short(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:77] + "..."


def compare(
    mix: Sequence[Request], answers: dict[str, list[Answer]], mode: str
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The report for the results document and each contestant's mismatches, the first
    contestant that answered being the reference."""
    ref_name = next(iter(answers))
    ref = answers[ref_name]
    report: dict[str, Any] = {"reference": ref_name, "compare": mode, "contestants": {}}
    mismatches: dict[str, list[str]] = {}
    for name, got in answers.items():
        if name == ref_name:
            continue
        found = []
        for req, (s0, b0), (s1, b1) in zip(mix, ref, got, strict=True):
            why = _differs(s0, b0, s1, b1, mode)
            if why:
                found.append(f"{req.label}: {why}")
        mismatches[name] = found
        report["contestants"][name] = found or "same as the reference"
    bad = [
        f"{r.label}: status {s}"
        for r, (s, _) in zip(mix, ref, strict=True)
        if not 200 <= s < 400 and r.expect_status != s
    ]
    if bad:
        report["reference_errors"] = bad
    return report, mismatches
