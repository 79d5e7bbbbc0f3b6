"""Export the startup suite in hyperfine's ``--export-json`` format, so plotting scripts and
continuous-benchmarking services that read hyperfine files can read bakeoff's.

One entry per (case, contestant) with valid wall times: ``command`` is ``"<contestant> <case>"``
(the real argv is not kept in the results), times in seconds as hyperfine writes them, ``user``
and ``system`` the mean user/system CPU seconds, ``exit_codes`` one per sample (only successful
runs become samples, so all 0; failed runs are in bakeoff's own document), and ``parameters``
naming the contestant and case. Older documents without the user/system split report the total
CPU time under ``user`` and 0 under ``system``.
"""

from __future__ import annotations

import statistics
from typing import Any

from bakeoff.results import ResultsDocument

SUITE = "startup"


def export(doc: ResultsDocument, suite: str = SUITE) -> dict[str, Any]:
    info = doc.suites.get(suite)
    cases = info.cases if info else {}
    results: list[dict[str, Any]] = []
    for m in doc.measurements:
        if m.suite != suite or m.metric != "wall_ms" or not m.valid or not m.samples:
            continue
        times = [t / 1000 for t in m.samples]
        case = cases.get(m.case)
        split = case.cpu_split.get(m.contestant) if case else None
        if split and len(split.user_ms) == len(times):
            user = statistics.fmean(split.user_ms) / 1000
            system = statistics.fmean(split.sys_ms) / 1000
        else:
            cpu = next(
                (
                    c
                    for c in doc.measurements
                    if (c.suite, c.case, c.metric, c.contestant)
                    == (m.suite, m.case, "cpu_ms", m.contestant)
                ),
                None,
            )
            user = statistics.fmean(cpu.samples) / 1000 if cpu and cpu.samples else 0.0
            system = 0.0
        results.append(
            {
                "command": f"{m.contestant} {m.case}",
                "mean": statistics.fmean(times),
                "stddev": statistics.stdev(times) if len(times) > 1 else None,
                "median": statistics.median(times),
                "user": user,
                "system": system,
                "min": min(times),
                "max": max(times),
                "times": times,
                "exit_codes": [0] * len(times),
                "parameters": {"contestant": m.contestant, "case": m.case},
            }
        )
    return {"results": results}
