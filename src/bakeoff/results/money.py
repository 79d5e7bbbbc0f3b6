"""The ``cost`` and ``decision`` sections of the results document: what the measurements are
worth in dollars and hours (``bakeoff.value`` computes them) and the per-surface
recommendation (``bakeoff.decide``). Amounts of money are decimal strings (``"12.3400"``),
never floats.

``cost.usage`` is the resolved usage the dollars were priced with (free-form JSON: its schema
is ``bakeoff.value.usage.Usage``, a later stage this foundation cannot import).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, JsonValue

from bakeoff.results.base import Model

LineKind = Literal["cash", "time", "info"]
DecisionKind = Literal["adopt", "hybrid", "trial", "hold"]


class MoneyRange(Model):
    """A monthly amount (USD, decimal string) with its low/high range."""

    monthly: str | None = None
    low: str | None = None
    high: str | None = None


class HoursRange(Model):
    monthly: float | None = None
    low: float | None = None
    high: float | None = None


class CostRef(Model):
    """The measurement (and comparison) a cost line was computed from."""

    suite: str
    case: str
    metric: str
    contestant: str
    median: float | None = None
    unit: str = ""
    ci: list[float] | None = None
    ratio: float | None = None
    ratio_ci: list[float] | None = None


class CostLine(Model):
    contestant: str
    category: str
    name: str
    kind: LineKind
    unit: str
    quantity: float | None = None
    unit_price: str | None = None
    price_key: str | None = None
    price_source: str | None = None
    price_date: str | None = None
    monthly: str | None = None  # cash: USD; time: the hours' worth in USD
    low: str | None = None
    high: str | None = None
    hours: float | None = None
    hours_low: float | None = None
    hours_high: float | None = None
    refs: list[CostRef] = Field(default_factory=list)
    note: str = ""


class ContestantCost(Model):
    lines: list[CostLine] = Field(default_factory=list)
    cash: MoneyRange = Field(default_factory=MoneyRange)
    cash_known: str | None = None  # the sum of the cash lines that could be priced
    complete: bool = False
    hours: HoursRange = Field(default_factory=HoursRange)
    time_value: MoneyRange = Field(default_factory=MoneyRange)


class Unknowns(Model):
    """Why a saving is unknown: per kind, the lines it could not compare and why."""

    cash: list[str] = Field(default_factory=list)
    waiting: list[str] = Field(default_factory=list)


class Saving(Model):
    cash: MoneyRange = Field(default_factory=MoneyRange)
    hours: HoursRange = Field(default_factory=HoursRange)
    time_value: str | None = None
    unknown: Unknowns = Field(default_factory=Unknowns)


class MigrationFinding(Model):
    area: str
    check: str
    status: str
    detail: str = ""


class Migration(Model):
    """A candidate's migration cost, payback and the statement the reports lead with."""

    findings: list[MigrationFinding] = Field(default_factory=list)
    failing_tests: int = 0
    failing_test_names: list[str] = Field(default_factory=list)
    unrun_tests: int = 0
    unknown: str = ""
    complete: bool = True
    hours: float = 0.0
    cost: str = "0"
    rate: float = 0.0
    formula: str = ""
    payback_months: float | None = None
    payback_range: list[float | None] = Field(default_factory=list)
    payback_with_time_months: float | None = None
    statement: str = ""
    worth: bool = False


class PriceUsed(Model):
    """A price the cost lines used, with its source and date."""

    key: str
    amount: str
    per: str = "1"
    unit: str
    source: str
    url: str = ""
    date: str
    overridden: bool = False
    stale: bool = False


class Cost(Model):
    baseline: str
    platform: str
    preset: str
    usage: dict[str, JsonValue] = Field(default_factory=dict)
    rate_case: str | None = None  # the serve case CPU per request was read from
    contestants: dict[str, ContestantCost] = Field(default_factory=dict)
    savings: dict[str, Saving] = Field(default_factory=dict)
    migration: dict[str, Migration] = Field(default_factory=dict)
    prices: list[PriceUsed] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class Effect(Model):
    """The evidence a decision rests on: the deciding comparison, or a line of text."""

    text: str = ""
    suite: str | None = None
    case: str | None = None
    metric: str | None = None
    ratio: float | None = None
    ci: list[float] | None = None
    verdict: str | None = None
    reason: str | None = None


class Dollars(Model):
    monthly_saving: MoneyRange | None = None
    migration_cost: str | None = None
    payback_months: float | None = None
    statement: str | None = None
    hours_saved_per_month: float | None = None


class Candidate(Model):
    contestant: str
    decision: DecisionKind
    rule: str
    blockers: list[str] = Field(default_factory=list)
    dollars: Dollars = Field(default_factory=Dollars)
    inconclusive: bool = False
    settle: str = ""
    effect: Effect | None = None
    failure: str | None = None  # rule "failed": why the suite produced nothing
    guardrails: list[str] = Field(default_factory=list)


class SurfaceDecision(Model):
    surface: str
    label: str
    endpoint: str = ""
    candidates: list[Candidate] = Field(default_factory=list)
    decision: DecisionKind
    contestant: str
    rule: str
    inconclusive: bool = False
    reason: str = ""
    settle: str = ""
    effect: Effect | None = None
    blockers: list[str] = Field(default_factory=list)
    dollars: Dollars = Field(default_factory=Dollars)


class NotEvaluated(Model):
    surface: str
    label: str
    suite: str


class Decision(Model):
    baseline: str
    surfaces: list[SurfaceDecision] = Field(default_factory=list)
    not_evaluated: list[NotEvaluated] = Field(default_factory=list)
    rules: dict[str, str] = Field(default_factory=dict)  # rule name -> what it says
