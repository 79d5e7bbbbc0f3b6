"""The cost model end to end: for every contestant, cloud lines for the service runtime, CI
minutes and developer waiting, each traceable to its measurements; totals with a low/high
range; savings against the baseline; migration cost, payback and a plain statement.

``compute`` returns the JSON-able ``cost`` block of the results document.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bakeoff.config.prices import PriceBook
from bakeoff.results import Comparison, ResultsDocument
from bakeoff.results.money import Cost
from bakeoff.value import cloud, migration, tooling
from bakeoff.value.inputs import POINTS, Inputs, Point
from bakeoff.value.lines import CostLine, LineAt, merge, money
from bakeoff.value.usage import Usage


def _lines_at(
    inp: Inputs, who: str, usage: Usage, book: PriceBook, rate: str | None, point: Point
) -> list[LineAt]:
    out: list[LineAt] = []
    has_service = any(k[3] == who and k[0] in ("serve", "startup") for k in inp.index)
    if has_service:
        out += cloud.lines(usage, book, cloud.service_inputs(inp, who, rate, point))
    out += tooling.ci_lines(inp, who, usage, book, point)
    out += tooling.wait_lines(inp, who, usage, point)
    return out


def _sum(lines: list[CostLine], kind: str, attr: str) -> Decimal | None:
    total = Decimal(0)
    for x in lines:
        if x.kind != kind:
            continue
        v = getattr(x, attr)
        if v is None:
            return None
        total += v
    return total


def _hours(lines: list[CostLine], attr: str) -> float | None:
    """Hours of waiting; None when a waiting line is unknown (its suite failed)."""
    values = [getattr(x, attr) for x in lines if x.kind == "time"]
    if any(v is None for v in values):
        return None
    return float(sum(values))


def _unknowns(base: list[CostLine], lines: list[CostLine], kind: str) -> list[str]:
    """Why the baseline and a candidate cannot be compared line by line on ``kind``: a line one
    side has and the other has not, or a line whose amount is unknown on either side."""
    b = {x.name: x for x in base if x.kind == kind}
    c = {x.name: x for x in lines if x.kind == kind}
    why: dict[str, list[str]] = {}  # reason → the lines it makes unknown
    for name in dict.fromkeys([*b, *c]):
        if name not in b or name not in c:
            side = "the baseline" if name not in b else "the candidate"
            why.setdefault(f"{side} has no such line", []).append(name)
            continue
        for x in (b[name], c[name]):
            if x.amount is None and (kind != "time" or x.hours is None):
                note = (x.note or "unknown").removeprefix("unknown: ")
                why.setdefault(note, []).append(name)
    return [f"{', '.join(dict.fromkeys(names))}: {note}" for note, names in why.items()]


def _hours_saved(base: list[CostLine], lines: list[CostLine], lo: str, hi: str) -> float | None:
    if _unknowns(base, lines, "time"):
        return None
    b, c = _hours(base, lo), _hours(lines, hi)
    return None if b is None or c is None else b - c


def _range(mid: Decimal | None, lo: Decimal | None, hi: Decimal | None) -> dict[str, str | None]:
    return {"monthly": money(mid), "low": money(lo), "high": money(hi)}


def _known(lines: list[CostLine], kind: str, attr: str) -> Decimal:
    return sum((getattr(x, attr) or Decimal(0) for x in lines if x.kind == kind), Decimal(0))


def pct(ratio: float) -> str:
    return f"{abs(1 - ratio) * 100:.0f}%"


def effect_text(comp: Comparison | None, what: str) -> str:
    """'31% less CPU per request (95% CI 25–36%)' from a comparison."""
    if comp is None or comp.ratio is None:
        return f"{what}: not compared"
    word = "less" if comp.ratio < 1 else "more"
    ci = ""
    if comp.ci:
        a, b = sorted(abs(1 - r) * 100 for r in comp.ci)
        digits = ".1f" if f"{a:.0f}" == f"{b:.0f}" else ".0f"
        ci = (
            f" ({comp.ci_name} {a:{digits}}–{b:{digits}}%)"
            if (comp.ci[0] - 1) * (comp.ci[1] - 1) > 0
            else " (CI includes no change)"
        )
    return f"{pct(comp.ratio)} {word} {what}{ci}"


def key_effect(doc: ResultsDocument, who: str, rate: str | None) -> tuple[Comparison | None, str]:
    comps = {(c.suite, c.case, c.metric, c.contestant): c for c in doc.comparisons}
    for key, what in (
        (("serve", rate or "", "cpu_ms_per_1k_req"), "CPU per request"),
        (("startup", "hello", "wall_ms"), "start-up time"),
        (("ci", "total", "wall_s"), "CI time"),
        (("test", "*", "wall_s"), "test time"),
    ):
        if key[1] == "*":
            found = next(
                (c for k, c in comps.items() if k[0] == key[0] and k[2] == key[2] and k[3] == who),
                None,
            )
        else:
            found = comps.get((*key, who))
        if found is not None and found.ratio is not None:
            return found, what
    return None, "measured effect"


def _fmt(x: Decimal | None) -> str:
    return "unknown" if x is None else f"${x:,.0f}"


def _cause(why: str) -> str:
    """``"CI minutes: test failed for deno: …"`` → ``"test failed for deno: …"``."""
    return "; ".join(part.split(": ", 1)[-1] for part in why.split("; "))


def statement(
    who: str,
    effect: str,
    sav: dict[str, Decimal | None],
    hours: float | None,
    hours_value: Decimal | None,
    mig_cost: Decimal,
    payback: float | None,
    limit: float,
    unknown: dict[str, list[str]] | None = None,
    migration_note: str = "",
) -> tuple[str, bool]:
    mid, lo, hi = sav["mid"], sav["lo"], sav["hi"]
    unknown = unknown or {}
    cash_why = "; ".join(unknown.get("cash") or []) or "a price or measurement is missing"
    time_txt = ""
    if hours is None:
        why = "; ".join(unknown.get("waiting") or []) or "a measurement is missing"
        same = mid is None and _cause(why) == _cause(cash_why)
        time_txt = f"; waiting time unknown ({'the same cause' if same else why})"
    elif abs(hours) >= 0.05:
        verb = "less" if hours > 0 else "more"
        time_txt = (
            f"; {abs(hours):,.1f} h/month {verb} waiting "
            f"(worth {_fmt(abs(hours_value) if hours_value is not None else None)} "
            "of time, not cash)"
        )
    mig_txt = f"migration {_fmt(mig_cost)}" + (f" ({migration_note})" if migration_note else "")
    if mid is None:
        return (
            f"{who}: {effect}; cash savings unknown ({cash_why}){time_txt}; {mig_txt}",
            False,
        )
    rng = f" ({_fmt(lo)} to {_fmt(hi)})"
    if mid <= 0:
        money_txt = "no cash saving" if mid == 0 else f"costs {_fmt(-mid)}/month more"
        return (
            f"{who}: {effect}, {money_txt}{rng}{time_txt}; {mig_txt}: "
            "not worth migrating for money",
            False,
        )
    pb = f"payback {payback:.0f} months" if payback is not None else "never pays back"
    worth = payback is not None and payback <= limit and not migration_note
    verdict = "worth migrating" if worth else "not worth migrating now"
    return (
        f"{who}: {effect}, saves {_fmt(mid)}/month{rng}, {mig_txt}, {pb}: {verdict}{time_txt}",
        worth,
    )


def compute(
    doc: ResultsDocument, usage: Usage, book: PriceBook, baseline: str | None = None
) -> Cost:
    """The ``cost`` section of ``doc`` (typed, validated strictly)."""
    names = [c.name for c in doc.contestants]
    base = baseline or doc.settings.baseline or (names[0] if names else "")
    inp = Inputs(doc, base)
    rate = inp.serve_rate_case(usage.traffic.peak_rps, names)
    per: dict[str, dict[str, Any]] = {}
    merged: dict[str, list[CostLine]] = {}
    for who in names:
        by_point = {p: _lines_at(inp, who, usage, book, rate, p) for p in POINTS}
        lines = merge(who, by_point)
        merged[who] = lines
        cash = [_sum(lines, "cash", a) for a in ("amount", "low", "high")]
        if not any(x.kind == "cash" for x in lines):
            cash = [None, None, None]  # nothing priced is unknown, not $0
        per[who] = {
            "lines": [x.to_dict() for x in lines],
            "cash": _range(*cash),
            "cash_known": money(_known(lines, "cash", "amount")),
            "complete": cash[0] is not None,
            "hours": {
                k: _hours(lines, a)
                for k, a in (("monthly", "hours"), ("low", "hours_low"), ("high", "hours_high"))
            },
            "time_value": _range(*(_sum(lines, "time", a) for a in ("amount", "low", "high"))),
        }
    savings: dict[str, Any] = {}
    mig: dict[str, Any] = {}
    if base in merged:
        b_cash = _sum(merged[base], "cash", "amount")
        b_time = _known(merged[base], "time", "amount")
        for who in names:
            if who == base:
                continue
            lines = merged[who]
            c = {a: _sum(lines, "cash", a) for a in ("amount", "low", "high")}
            sav: dict[str, Decimal | None] = {"mid": None, "lo": None, "hi": None}
            cash_unknown = _unknowns(merged[base], lines, "cash")
            wait_unknown = _unknowns(merged[base], lines, "time")
            if b_cash is not None and None not in c.values() and not cash_unknown:
                assert c["amount"] is not None and c["low"] is not None and c["high"] is not None
                sav = {
                    "mid": b_cash - c["amount"],
                    "lo": b_cash - c["high"],
                    "hi": b_cash - c["low"],
                }
            hours = _hours_saved(merged[base], lines, "hours", "hours")
            hours_lo = _hours_saved(merged[base], lines, "hours", "hours_high")
            hours_hi = _hours_saved(merged[base], lines, "hours", "hours_low")
            tv = None if wait_unknown else b_time - _known(lines, "time", "amount")
            savings[who] = {
                "cash": _range(sav["mid"], sav["lo"], sav["hi"]),
                "hours": {"monthly": hours, "low": hours_lo, "high": hours_hi},
                "time_value": money(tv),
                # why a saving is unknown (a suite that failed for one side, a missing line)
                "unknown": {"cash": cash_unknown, "waiting": wait_unknown},
            }
            est = migration.estimate(doc, who, base, usage)
            cost = Decimal(est["cost"])
            comp, what = key_effect(doc, who, rate)
            pb = migration.payback_months(cost, sav["mid"])
            est["payback_months"] = pb
            est["payback_range"] = [
                migration.payback_months(cost, sav["hi"]),
                migration.payback_months(cost, sav["lo"]),
            ]
            est["payback_with_time_months"] = (
                None
                if tv is None
                else migration.payback_months(cost, (sav["mid"] or Decimal(0)) + tv)
            )
            est["statement"], est["worth"] = statement(
                who,
                effect_text(comp, what),
                sav,
                hours,
                tv,
                cost,
                pb,
                usage.migration.payback_limit_months,
                unknown={"cash": cash_unknown, "waiting": wait_unknown},
                migration_note=str(est.get("unknown") or ""),
            )
            mig[who] = est
    raw = {
        "baseline": base,
        "platform": usage.deployment.platform,
        "preset": usage.preset,
        "usage": usage.model_dump(mode="json"),
        "rate_case": rate,
        "contestants": per,
        "savings": savings,
        "migration": mig,
        "prices": [{**p.to_dict(), "stale": book.is_stale(p)} for p in book.used.values()],
        "warnings": book.warnings(),
    }
    return Cost.model_validate(raw)


__all__ = ["compute"]
