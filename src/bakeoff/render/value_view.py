"""What the reports show about money and decisions, computed once from ``doc.cost`` and
``doc.decision`` (filled by ``bakeoff.decide.fill``): cost rows with savings ranges, the cost
lines with the measurements they came from, prices with source and date, and decision rows.
The Markdown, terminal and HTML renderers only lay these out."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bakeoff.results import ResultsDocument
from bakeoff.results.money import CostLine, CostRef, HoursRange, MoneyRange, PriceUsed

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


def usd_range(r: MoneyRange | None) -> str:
    if r is None or r.monthly is None:
        return "unknown"
    lo, hi = r.low, r.high
    if lo is None or hi is None or Decimal(lo) == Decimal(hi):
        return usd(r.monthly)
    return f"{usd(r.monthly)} ({usd(lo)} to {usd(hi)})"


def hours_range(r: HoursRange | None) -> str:
    if r is None:
        return "–"
    if r.monthly is None:
        return "unknown"  # a waiting line could not be computed (its suite failed)
    if not any((r.monthly, r.low, r.high)):
        return "–"
    m, lo, hi = r.monthly or 0.0, r.low or 0.0, r.high or 0.0
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
    return doc.cost is not None and any(c.lines for c in doc.cost.contestants.values())


def title(doc: ResultsDocument) -> str:
    cost = doc.cost
    platform = cost.platform if cost else "None"
    plat = PLATFORM_NAMES.get(platform, platform)
    rate = cost.rate_case if cost else None
    extra = f", CPU per request from serve · {rate}" if rate else ""
    return f"{plat}, usage preset '{cost.preset if cost else None}'{extra}"


def cost_rows(doc: ResultsDocument) -> list[CostRow]:
    cost = doc.cost
    if cost is None:
        return []
    base = cost.baseline
    rows = []
    for who, c in cost.contestants.items():
        priced = any(x.kind == "cash" for x in c.lines)
        sav = cost.savings.get(who)
        mig = cost.migration.get(who)
        cash = (
            usd_range(c.cash)
            if c.complete
            else f"≥ {usd(c.cash_known)} (incomplete)"
            if priced and Decimal(c.cash_known or 0) > 0
            else "unknown (see cost lines)"
            if priced
            else "not estimated"
        )
        wait = hours_range(c.hours)
        rows.append(
            CostRow(
                contestant=who,
                cash=cash,
                complete=c.complete,
                wait=wait,
                time_value=usd(c.time_value.monthly) if wait not in ("–", "unknown") else wait,
                saving="baseline" if who == base else usd_range(sav.cash if sav else None),
                hours_saved="–" if who == base or not sav else hours_range(sav.hours),
                migration="–" if not mig else f"{usd(mig.cost)} ({mig.hours:g} h)",
                payback="–"
                if not mig
                else payback_text(mig.payback_months)
                if sav and sav.cash.monthly is not None
                else "unknown",
            )
        )
    return rows


def statements(doc: ResultsDocument) -> list[str]:
    mig = doc.cost.migration if doc.cost else {}
    return [m.statement for m in mig.values() if m.statement]


def ref_text(ref: CostRef) -> str:
    med = ref.median
    val = f" = {med:.4g} {ref.unit}".rstrip() if med is not None else ""
    return f"{ref.suite} · {ref.case} · {ref.metric}{val}"


def lines(doc: ResultsDocument) -> list[CostLine]:
    out: list[CostLine] = []
    for c in doc.cost.contestants.values() if doc.cost else []:
        out += c.lines
    return out


def line_amount(line: CostLine) -> str:
    if line.kind == "info":
        return "–"
    if line.kind == "time":
        if line.hours is None:
            return "unknown"
        return f"{line.hours:,.1f} h (worth {usd(line.monthly)})"
    if line.monthly is None:
        return "unknown"
    lo, hi = line.low, line.high
    if lo is not None and hi is not None and Decimal(lo) != Decimal(hi):
        return f"{usd(line.monthly, True)} ({usd(lo, True)}–{usd(hi, True)})"
    return usd(line.monthly, True)


def breakdown(doc: ResultsDocument) -> dict[str, dict[str, float]]:
    """Cash per contestant per category (for the stacked cost plot)."""
    out: dict[str, dict[str, float]] = {}
    for who, c in doc.cost.contestants.items() if doc.cost else []:
        parts: dict[str, float] = {}
        for line in c.lines:
            if line.kind == "cash" and line.monthly is not None:
                parts[line.category] = parts.get(line.category, 0.0) + float(line.monthly)
        out[who] = parts
    return out


def prices(doc: ResultsDocument) -> list[PriceUsed]:
    return list(doc.cost.prices) if doc.cost else []


def price_text(p: PriceUsed) -> str:
    per = Decimal(p.per or 1)
    per_txt = f"{per:,.0f} " if per != 1 else ""
    stale = " — OVER A YEAR OLD" if p.stale else ""
    own = " (your override)" if p.overridden else ""
    return f"${p.amount} per {per_txt}{p.unit}{own}{stale}"


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
    for s in doc.decision.surfaces if doc.decision else []:
        eff = s.effect.text if s.effect else ""
        dollars = s.dollars
        money = []
        if dollars.monthly_saving is not None:
            money.append(f"saves {usd_range(dollars.monthly_saving)}/month")
        if dollars.payback_months is not None or dollars.migration_cost:
            money.append(f"payback {payback_text(dollars.payback_months)}")
        if dollars.hours_saved_per_month is not None:
            money.append(f"{dollars.hours_saved_per_month:,.1f} h/month less waiting")
        evidence = "; ".join(x for x in [eff, *money] if x)
        rows.append(
            DecisionRow(
                surface=s.label,
                decision=s.decision,
                contestant=s.contestant,
                reason=s.reason,
                rule=s.rule,
                evidence=evidence,
                blockers=list(s.blockers),
                settle=s.settle if s.inconclusive else "",
                endpoint=s.endpoint,
            )
        )
    return rows


def not_evaluated(doc: ResultsDocument) -> str:
    """One line naming the surfaces this run did not look at, and the suite that would."""
    items = doc.decision.not_evaluated if doc.decision else []
    if not items:
        return ""
    return "not evaluated in this run: " + ", ".join(
        f"{i.label} (the {i.suite} suite)" for i in items
    )
