"""Cost lines: one priced (or timed) thing per contestant — name, quantity, unit, unit price,
where the price came from and which measurements the quantity came from — evaluated at the
three points of the uncertainty range and merged into one line with a low/mid/high amount.

``kind`` is ``cash`` (on an invoice), ``time`` (hours people wait: valued, never added to the
bill) or ``info`` (a statement with no money of its own, e.g. why lower RSS saves nothing).
An amount of ``None`` means the price or the measurement is missing: unknown, never $0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from bakeoff.config.prices import Price
from bakeoff.value.inputs import Point

Kind = Literal["cash", "time", "info"]
CENT = Decimal("0.01")


def money(x: Decimal | None) -> str | None:
    return None if x is None else str(x.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def dec(x: float | int) -> Decimal:
    return Decimal(repr(float(x))) if isinstance(x, float) else Decimal(x)


@dataclass
class LineAt:
    """A cost line evaluated at one point."""

    category: str
    name: str
    kind: Kind
    unit: str
    quantity: float | None
    amount: Decimal | None  # USD for cash lines; USD value of the hours for time lines
    price: Price | None = None
    price_key: str | None = None
    hours: float | None = None
    refs: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


@dataclass
class CostLine:
    contestant: str
    category: str
    name: str
    kind: Kind
    unit: str
    quantity: float | None
    amount: Decimal | None
    low: Decimal | None
    high: Decimal | None
    price: Price | None
    price_key: str | None
    hours: float | None
    hours_low: float | None
    hours_high: float | None
    refs: list[dict[str, Any]]
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "contestant": self.contestant,
            "category": self.category,
            "name": self.name,
            "kind": self.kind,
            "unit": self.unit,
            "quantity": self.quantity,
            "unit_price": str(self.price.unit_price) if self.price else None,
            "price_key": self.price_key,
            "price_source": self.price.source if self.price else None,
            "price_date": self.price.date.isoformat() if self.price else None,
            "monthly": money(self.amount),
            "low": money(self.low),
            "high": money(self.high),
            "hours": self.hours,
            "hours_low": self.hours_low,
            "hours_high": self.hours_high,
            "refs": self.refs,
            "note": self.note,
        }


def merge(contestant: str, by_point: dict[Point, list[LineAt]]) -> list[CostLine]:
    """One line per (category, name) with the mid value and the low/high range."""
    out: list[CostLine] = []
    keyed = {p: {(x.category, x.name): x for x in lines} for p, lines in by_point.items()}
    for mid in by_point["mid"]:
        k = (mid.category, mid.name)
        at = [keyed[p].get(k) for p in ("lo", "hi")]
        amounts = [a.amount for a in at if a is not None and a.amount is not None]
        hours = [a.hours for a in at if a is not None and a.hours is not None]
        if mid.amount is not None:
            amounts.append(mid.amount)
        if mid.hours is not None:
            hours.append(mid.hours)
        out.append(
            CostLine(
                contestant=contestant,
                category=mid.category,
                name=mid.name,
                kind=mid.kind,
                unit=mid.unit,
                quantity=mid.quantity,
                amount=mid.amount,
                low=min(amounts) if mid.amount is not None and amounts else None,
                high=max(amounts) if mid.amount is not None and amounts else None,
                price=mid.price,
                price_key=mid.price_key,
                hours=mid.hours,
                hours_low=min(hours) if mid.hours is not None and hours else None,
                hours_high=max(hours) if mid.hours is not None and hours else None,
                refs=mid.refs,
                note=mid.note,
            )
        )
    return out
