"""What the reports show about money and decisions, computed once from ``doc.cost`` and
``doc.decision`` (filled by ``bakeoff.decide.fill``): cost rows with savings ranges, the cost
lines with the measurements they came from, prices with source and date, and decision rows.
The Markdown, terminal and HTML renderers only lay these out."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bakeoff.results import ResultsDocument

PLATFORM_NAMES = {
    "lambda": "AWS Lambda",
    "fargate": "AWS Fargate",
    "cloud_run": "Google Cloud Run",
    "azure_functions": "Azure Functions (Consumption)",
    "container_apps": "Azure Container Apps",
    "ec2": "Amazon EC2",
}
CATEGORIES = ("compute", "memory", "requests", "cold_starts", "ci")
DECISION_MARK = {"adopt": "✅ adopt", "hybrid": "🔀 hybrid", "trial": "🧪 trial", "hold": "⏸ hold"}


def usd(x: str | Decimal | None, cents: bool = False) -> str:
    if x is None:
        return "unknown"
    d = Decimal(str(x))
    sign = "-" if d < 0 else ""
    d = abs(d)
    if cents or d < 10:
        return f"{sign}${d:,.2f}"
    return f"{sign}${d:,.0f}"


def usd_range(r: dict[str, Any] | None) -> str:
    if not r or r.get("monthly") is None:
        return "unknown"
    lo, hi = r.get("low"), r.get("high")
    if lo is None or hi is None or Decimal(lo) == Decimal(hi):
        return usd(r["monthly"])
    return f"{usd(r['monthly'])} ({usd(lo)} to {usd(hi)})"


def hours_range(r: dict[str, float | None] | None) -> str:
    if r and "monthly" in r and r["monthly"] is None:
        return "unknown"  # a waiting line could not be computed (its suite failed)
    if not r or not any(r.values()):
        return "–"
    m, lo, hi = r.get("monthly") or 0.0, r.get("low") or 0.0, r.get("high") or 0.0
    if abs(hi - lo) < 0.05:
        return f"{m:,.1f} h"
    return f"{m:,.1f} h ({lo:,.1f} to {hi:,.1f})"


def payback_text(months: float | None) -> str:
    if months is None:
        return "never"
    if months == 0:
        return "immediate"
    return f"{months:,.1f} months"


@dataclass(frozen=True)
class CostRow:
    contestant: str
    cash: str
    complete: bool
    wait: str
    time_value: str
    saving: str
    hours_saved: str
    migration: str
    payback: str


def has_cost(doc: ResultsDocument) -> bool:
    """True when the cost block has at least one line to show."""
    per = (doc.cost or {}).get("contestants") or {}
    return any(c.get("lines") for c in per.values())


def title(doc: ResultsDocument) -> str:
    cost = doc.cost or {}
    plat = PLATFORM_NAMES.get(str(cost.get("platform")), str(cost.get("platform")))
    rate = cost.get("rate_case")
    extra = f", CPU per request from serve · {rate}" if rate else ""
    return f"{plat}, usage preset '{cost.get('preset')}'{extra}"


def cost_rows(doc: ResultsDocument) -> list[CostRow]:
    cost = doc.cost or {}
    base = cost.get("baseline")
    rows = []
    for who, c in (cost.get("contestants") or {}).items():
        priced = any(x["kind"] == "cash" for x in c.get("lines") or [])
        sav = (cost.get("savings") or {}).get(who)
        mig = (cost.get("migration") or {}).get(who)
        cash = (
            usd_range(c["cash"])
            if c.get("complete")
            else f"≥ {usd(c.get('cash_known'))} (incomplete)"
            if priced and Decimal(c.get("cash_known") or 0) > 0
            else "unknown (see cost lines)"
            if priced
            else "not estimated"
        )
        rows.append(
            CostRow(
                contestant=who,
                cash=cash,
                complete=bool(c.get("complete")),
                wait=hours_range(c.get("hours")),
                time_value=usd((c.get("time_value") or {}).get("monthly"))
                if hours_range(c.get("hours")) not in ("–", "unknown")
                else hours_range(c.get("hours")),
                saving="baseline" if who == base else usd_range(sav["cash"] if sav else None),
                hours_saved="–" if who == base or not sav else hours_range(sav["hours"]),
                migration="–" if not mig else f"{usd(mig['cost'])} ({mig['hours']:g} h)",
                payback="–"
                if not mig
                else payback_text(mig.get("payback_months"))
                if sav and sav["cash"].get("monthly") is not None
                else "unknown",
            )
        )
    return rows


def statements(doc: ResultsDocument) -> list[str]:
    mig = (doc.cost or {}).get("migration") or {}
    return [str(m["statement"]) for m in mig.values() if m.get("statement")]


def ref_text(ref: dict[str, Any]) -> str:
    med = ref.get("median")
    val = f" = {med:.4g} {ref.get('unit', '')}".rstrip() if isinstance(med, int | float) else ""
    return f"{ref['suite']} · {ref['case']} · {ref['metric']}{val}"


def lines(doc: ResultsDocument) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for c in ((doc.cost or {}).get("contestants") or {}).values():
        out += c.get("lines") or []
    return out


def line_amount(line: dict[str, Any]) -> str:
    if line["kind"] == "info":
        return "–"
    if line["kind"] == "time":
        if line.get("hours") is None:
            return "unknown"
        h = line.get("hours") or 0.0
        return f"{h:,.1f} h (worth {usd(line.get('monthly'))})"
    if line.get("monthly") is None:
        return "unknown"
    lo, hi = line.get("low"), line.get("high")
    if lo is not None and hi is not None and Decimal(lo) != Decimal(hi):
        return f"{usd(line['monthly'], True)} ({usd(lo, True)}–{usd(hi, True)})"
    return usd(line["monthly"], True)


def breakdown(doc: ResultsDocument) -> dict[str, dict[str, float]]:
    """Cash per contestant per category (for the stacked cost plot)."""
    out: dict[str, dict[str, float]] = {}
    for who, c in ((doc.cost or {}).get("contestants") or {}).items():
        parts: dict[str, float] = {}
        for line in c.get("lines") or []:
            if line["kind"] == "cash" and line.get("monthly") is not None:
                cat = line["category"]
                parts[cat] = parts.get(cat, 0.0) + float(line["monthly"])
        out[who] = parts
    return out


def prices(doc: ResultsDocument) -> list[dict[str, Any]]:
    return list((doc.cost or {}).get("prices") or [])


def price_text(p: dict[str, Any]) -> str:
    per = Decimal(p.get("per") or 1)
    per_txt = f"{per:,.0f} " if per != 1 else ""
    stale = " — OVER A YEAR OLD" if p.get("stale") else ""
    own = " (your override)" if p.get("overridden") else ""
    return f"${p['amount']} per {per_txt}{p['unit']}{own}{stale}"


@dataclass(frozen=True)
class DecisionRow:
    surface: str
    decision: str
    contestant: str
    reason: str
    rule: str
    evidence: str
    blockers: list[str]
    settle: str
    endpoint: str = ""  # the surface's primary endpoint


def decision_rows(doc: ResultsDocument) -> list[DecisionRow]:
    rows = []
    for s in (doc.decision or {}).get("surfaces") or []:
        eff = (s.get("effect") or {}).get("text", "")
        dollars = s.get("dollars") or {}
        money = []
        if dollars.get("monthly_saving"):
            money.append(f"saves {usd_range(dollars['monthly_saving'])}/month")
        if dollars.get("payback_months") is not None or dollars.get("migration_cost"):
            money.append(f"payback {payback_text(dollars.get('payback_months'))}")
        if dollars.get("hours_saved_per_month") is not None:
            money.append(f"{dollars['hours_saved_per_month']:,.1f} h/month less waiting")
        evidence = "; ".join(x for x in [eff, *money] if x)
        rows.append(
            DecisionRow(
                surface=s["label"],
                decision=s["decision"],
                contestant=s["contestant"],
                reason=s.get("reason", ""),
                rule=s["rule"],
                evidence=evidence,
                blockers=list(s.get("blockers") or []),
                settle=s.get("settle", "") if s.get("inconclusive") else "",
                endpoint=s.get("endpoint", ""),
            )
        )
    return rows


def not_evaluated(doc: ResultsDocument) -> str:
    """One line naming the surfaces this run did not look at, and the suite that would."""
    items = (doc.decision or {}).get("not_evaluated") or []
    if not items:
        return ""
    return "not evaluated in this run: " + ", ".join(
        f"{i['label']} (the {i['suite']} suite)" for i in items if isinstance(i, dict)
    )
