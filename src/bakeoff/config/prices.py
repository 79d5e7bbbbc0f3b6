"""The price book: list prices shipped as data files next to this module (``*.toml``), each
with its unit, source, URL and the date it was read, plus the user's overrides from
``bakeoff.toml`` (``[value.prices]``), which always win.

Money is ``decimal.Decimal``. A price that is missing is reported (``PriceBook.missing``), never
treated as $0; a price older than a year is flagged (``PriceBook.stale``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from bakeoff.errors import ConfigError

STALE_DAYS = 365
BOOK_FILES = ("aws.toml", "gcp.toml", "azure.toml", "github.toml")


@dataclass(frozen=True)
class Price:
    """``amount`` USD for ``per`` units of ``unit`` (e.g. $0.20 per 1,000,000 requests)."""

    key: str
    amount: Decimal
    unit: str
    source: str
    date: date
    url: str = ""
    per: Decimal = Decimal(1)
    note: str = ""
    up_to: Decimal | None = None  # tier boundary in ``unit`` per month
    vcpu: Decimal | None = None
    memory_gib: Decimal | None = None
    overridden: bool = False

    @property
    def unit_price(self) -> Decimal:
        return self.amount / self.per

    def describe(self) -> str:
        per = f"{self.per:,.0f} " if self.per != 1 else ""
        return f"${self.amount} per {per}{self.unit}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "amount": str(self.amount),
            "per": str(self.per),
            "unit": self.unit,
            "source": self.source,
            "url": self.url,
            "date": self.date.isoformat(),
            "overridden": self.overridden,
        }


@dataclass(frozen=True)
class Allowance:
    """A monthly free quantity (a free tier)."""

    key: str
    quantity: Decimal
    unit: str
    source: str
    date: date
    url: str = ""
    overridden: bool = False


@dataclass
class PriceBook:
    prices: dict[str, Price]
    free: dict[str, Allowance]
    today: date = field(default_factory=date.today)
    missing: list[str] = field(default_factory=list)  # keys asked for and not found
    used: dict[str, Price] = field(default_factory=dict)

    def price(self, key: str) -> Price | None:
        """The price for ``key``, or ``None`` (and the key is recorded as missing)."""
        p = self.prices.get(key)
        if p is None:
            if key not in self.missing:
                self.missing.append(key)
            return None
        self.used[key] = p
        return p

    def allowance(self, key: str) -> Decimal:
        """A free quantity (0 when the book has none: no free tier assumed)."""
        a = self.free.get(key)
        return a.quantity if a else Decimal(0)

    def is_stale(self, p: Price) -> bool:
        return (self.today - p.date).days > STALE_DAYS

    def stale(self) -> list[Price]:
        """Prices used so far that are more than a year old."""
        return [p for p in self.used.values() if self.is_stale(p)]

    def warnings(self) -> list[str]:
        out = [
            f"no price for '{k}': add it under [value.prices] in bakeoff.toml "
            "(the cost that needs it is shown as unknown, not $0)"
            for k in self.missing
        ]
        out += [
            f"price '{p.key}' ({p.describe()}) is from {p.date.isoformat()}, over a year old: "
            f"check {p.url or p.source}"
            for p in self.stale()
        ]
        return out


def _dec(value: Any, where: str) -> Decimal:
    if isinstance(value, bool):
        raise ConfigError(f"{where}: expected a number, found {value!r}")
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise ConfigError(f"{where}: expected a number, found {value!r}") from None
    if not d.is_finite() or d < 0:
        raise ConfigError(f"{where}: expected a non-negative number, found {value!r}")
    return d


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{where}: expected a date like 2026-11-24, found {value!r}") from None


def _opt(raw: dict[str, Any], name: str, where: str) -> Decimal | None:
    return _dec(raw[name], f"{where}.{name}") if name in raw else None


def _price(raw: dict[str, Any], where: str, overridden: bool = False) -> Price:
    return Price(
        key=str(raw["key"]),
        amount=_dec(raw["amount"], f"{where}.amount"),
        unit=str(raw.get("unit", "unit")),
        source=str(raw.get("source", "")),
        date=_date(raw["date"], f"{where}.date"),
        url=str(raw.get("url", "")),
        per=_dec(raw.get("per", 1), f"{where}.per") or Decimal(1),
        note=str(raw.get("note", "")),
        up_to=_opt(raw, "up_to", where),
        vcpu=_opt(raw, "vcpu", where),
        memory_gib=_opt(raw, "memory_gib", where),
        overridden=overridden,
    )


def _allowance(raw: dict[str, Any], where: str, overridden: bool = False) -> Allowance:
    return Allowance(
        key=str(raw["key"]),
        quantity=_dec(raw["quantity"], f"{where}.quantity"),
        unit=str(raw.get("unit", "unit")),
        source=str(raw.get("source", "")),
        date=_date(raw["date"], f"{where}.date"),
        url=str(raw.get("url", "")),
        overridden=overridden,
    )


def shipped() -> tuple[dict[str, Price], dict[str, Allowance]]:
    """The price book shipped with bakeoff."""
    prices: dict[str, Price] = {}
    free: dict[str, Allowance] = {}
    pkg = resources.files("bakeoff.config")
    for name in BOOK_FILES:
        data = tomllib.loads(pkg.joinpath(name).read_text(encoding="utf-8"))
        for i, raw in enumerate(data.get("price", [])):
            p = _price(raw, f"{name}: price[{i}]")
            prices[p.key] = p
        for i, raw in enumerate(data.get("free", [])):
            a = _allowance(raw, f"{name}: free[{i}]")
            free[a.key] = a
    return prices, free


def load(overrides: dict[str, Any] | None = None, today: date | None = None) -> PriceBook:
    """The shipped book with ``overrides`` applied. An override is either a bare amount
    (``"aws.lambda.requests" = 0.25``, same ``per`` and unit as the shipped price) or a table
    with ``amount`` (or ``quantity`` for a free allowance) and optional ``per``, ``unit``,
    ``source``, ``url`` and ``date`` (default: today)."""
    prices, free = shipped()
    today = today or date.today()
    for key, value in (overrides or {}).items():
        where = f"bakeoff.toml: value.prices.{key}"
        raw: dict[str, Any] = dict(value) if isinstance(value, dict) else {"amount": value}
        raw.setdefault("source", "your override in bakeoff.toml")
        raw.setdefault("date", today.isoformat())
        raw["key"] = key
        if key in free or "quantity" in raw:
            base = free.get(key)
            if base is not None and "unit" not in raw:
                raw["unit"] = base.unit
            if "quantity" not in raw:
                raw["quantity"] = raw.pop("amount")
            free[key] = _allowance(raw, where, overridden=True)
            continue
        base_p = prices.get(key)
        if base_p is not None:
            for attr in ("unit", "url"):
                raw.setdefault(attr, getattr(base_p, attr))
            raw.setdefault("per", base_p.per)
            for attr in ("up_to", "vcpu", "memory_gib"):
                if getattr(base_p, attr) is not None:
                    raw.setdefault(attr, getattr(base_p, attr))
        if "amount" not in raw:
            raise ConfigError(f"{where}: missing 'amount'")
        prices[key] = _price(raw, where, overridden=True)
    return PriceBook(prices, free, today)
