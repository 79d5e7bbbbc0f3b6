"""CI minutes (cash: each job rounded up to a whole billed minute) and developer waiting
(time: hours first, their value second, never added to the cloud bill)."""

from __future__ import annotations

import math
from typing import Any

from bakeoff.value.inputs import Inputs, Point
from bakeoff.value.lines import LineAt, dec
from bakeoff.value.pricebook import PriceBook
from bakeoff.value.usage import Usage

CI_PARTS = [
    ("install", [("install", "cold-lockfile", "wall_s"), ("install", "cold", "wall_s")]),
    ("build", [("build", "*", "wall_s")]),
    ("test", [("test", "*", "wall_s")]),
]


def _expand(inp: Inputs, options: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for suite, case, metric in options:
        cases = inp.cases(suite) if case == "*" else [case]
        out += [(suite, c, metric) for c in cases]
    return out


def job_seconds(
    inp: Inputs, who: str, point: Point
) -> tuple[float | None, list[dict[str, Any]], str]:
    """Seconds one CI job takes: the ci suite's ``total``, else install + build + test — the
    same parts the baseline has. A part the baseline measured but ``who`` did not (its suite
    failed) makes the job unknown: ``(None, [], why)``, never a shorter sum."""
    base = inp.baseline
    if inp.has("ci", "total", "wall_s", base) or inp.has("ci", "total", "wall_s", who):
        if not inp.has("ci", "total", "wall_s", who):
            return None, [], "unknown: " + inp.missing("ci", "total", "wall_s", who)
        return (
            inp.get("ci", "total", "wall_s", who, point),
            [inp.ref("ci", "total", "wall_s", who)],
            "ci total",
        )
    total, refs, parts = 0.0, [], []
    for part, options in CI_PARTS:
        found = _same_part(inp, who, _expand(inp, options))
        if found is None:
            continue
        if isinstance(found, str):
            return None, [], "unknown: " + found
        v = inp.get(*found, who, point)
        if v is not None:
            total += v
            refs.append(inp.ref(*found, who))
            parts.append(part)
    if not parts:
        return None, [], ""
    return total, refs, "sum of " + " + ".join(parts) + " (no ci suite)"


def _same_part(
    inp: Inputs, who: str, options: list[tuple[str, str, str]]
) -> tuple[str, str, str] | str | None:
    """The measurement of a part to use for ``who``: the one the baseline has (so both sides
    sum the same things); a reason string when the baseline has it and ``who`` does not; None
    when nobody measured it."""
    base = inp.first(inp.baseline, options)
    if base is None:
        return None if who == inp.baseline else inp.first(who, options)
    if inp.has(*base, who):
        return base
    return inp.missing(*base, who)


def ci_lines(inp: Inputs, who: str, usage: Usage, book: PriceBook, point: Point) -> list[LineAt]:
    ci = usage.ci
    secs, refs, how = job_seconds(inp, who, point)
    if secs is None:
        if not how:
            return []
        key = f"github.actions.{ci.runner}"
        out = [
            LineAt("ci", "CI minutes", "cash", "minute", None, None, book.price(key), key, note=how)
        ]
        if ci.someone_waits:
            out.append(_unknown("waiting for CI", how))
        return out
    key = f"github.actions.{ci.runner}"
    per_job = math.ceil((secs + ci.job_overhead_s) / 60 - 1e-9)
    minutes = ci.pipelines_per_month * ci.jobs_per_pipeline * per_job
    p = book.price(key)
    amount = dec(minutes) * p.unit_price if p else None
    out = [
        LineAt(
            "ci",
            "CI minutes",
            "cash",
            "minute",
            float(minutes),
            amount,
            p,
            key,
            refs=refs,
            note=f"{secs:.0f} s measured ({how}) + {ci.job_overhead_s:g} s overhead = "
            f"{per_job} billed min per job × {ci.jobs_per_pipeline} job(s) × "
            f"{ci.pipelines_per_month} pipelines (each job rounded up to a whole minute)",
        )
    ]
    if ci.someone_waits:
        hours = ci.pipelines_per_month * (secs + ci.job_overhead_s) / 3600
        out.append(
            _time(
                "dev_wait",
                "waiting for CI",
                hours,
                usage,
                refs,
                f"{ci.pipelines_per_month} pipelines × {secs + ci.job_overhead_s:.0f} s",
            )
        )
    return out


def _unknown(name: str, why: str) -> LineAt:
    """A waiting line that cannot be computed: unknown, never left out (leaving it out would
    make the other side's total look larger)."""
    return LineAt("dev_wait", name, "time", "hour", None, None, hours=None, note=why)


def _time(
    category: str, name: str, hours: float, usage: Usage, refs: list[dict[str, Any]], note: str
) -> LineAt:
    value = dec(hours) * dec(usage.team.hourly_rate)
    return LineAt(
        category,
        name,
        "time",
        "hour",
        hours,
        value,
        hours=hours,
        refs=refs,
        note=f"{note}; valued at ${usage.team.hourly_rate:g}/h (time, not cash)",
    )


LOCAL_LOOPS = [
    (
        "local installs",
        "installs_per_day",
        [("install", "warm-cache", "wall_s"), ("install", "cold-lockfile", "wall_s")],
    ),
    ("local test runs", "test_runs_per_day", [("test", "*", "wall_s")]),
    ("local builds", "builds_per_day", [("build", "*", "wall_s")]),
]


def wait_lines(inp: Inputs, who: str, usage: Usage, point: Point) -> list[LineAt]:
    t = usage.team
    out: list[LineAt] = []
    for name, per_day_key, options in LOCAL_LOOPS:
        found = _same_part(inp, who, _expand(inp, options))
        if found is None:
            continue
        if isinstance(found, str):
            out.append(_unknown(name, "unknown: " + found))
            continue
        secs = inp.get(*found, who, point)
        if secs is None:
            continue
        per_day = float(getattr(t, per_day_key))
        runs = t.engineers * per_day * t.working_days_per_month
        out.append(
            _time(
                "dev_wait",
                name,
                runs * secs / 3600,
                usage,
                [inp.ref(*found, who)],
                f"{runs:,.0f} runs/month ({t.engineers} engineers × {per_day:g}/day) "
                f"× {secs:.1f} s",
            )
        )
    return out
