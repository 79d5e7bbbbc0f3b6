"""Pricing each machine of a merged document as what it is: ``label=TYPE`` names the machine's
instance type (``--price-machine`` on ``bakeoff merge``, or ``[value.machines]`` in
bakeoff.toml). TYPE is looked up in the price book — an EC2 instance type (``aws.ec2.TYPE``:
the service runtime is then priced on EC2 instances of that type) or a GitHub Actions runner
(``github.actions.TYPE``: CI minutes are priced at that runner's rate). Every other usage key
comes from ``[value]`` as for a single machine.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bakeoff.errors import ConfigError
from bakeoff.value.pricebook import PriceBook
from bakeoff.value.usage import Usage


def parse(items: Iterable[str], where: str = "--price-machine") -> dict[str, str]:
    """``["x86=m7i.large", "arm=c7g.large"]`` → ``{"x86": "m7i.large", "arm": "c7g.large"}``."""
    out: dict[str, str] = {}
    for item in items:
        label, sep, kind = item.partition("=")
        if not sep or not label.strip() or not kind.strip():
            raise ConfigError(
                f"{where} {item!r}: expected LABEL=TYPE, e.g. arm64-2=c7g.large or "
                "ubuntu-24.04=linux_2core"
            )
        out[label.strip()] = kind.strip()
    return out


def _known(book: PriceBook, prefix: str) -> str:
    names = sorted(k[len(prefix) :] for k in book.prices if k.startswith(prefix))
    return ", ".join(names) or "none"


def priced(usage: Usage, book: PriceBook, label: str, kind: str) -> tuple[Usage, dict[str, Any]]:
    """``usage`` with machine ``label`` priced as ``kind``, and a record of the price used."""
    ec2, runner = f"aws.ec2.{kind}", f"github.actions.{kind}"
    if ec2 in book.prices:
        p = book.prices[ec2]
        dep = usage.deployment.model_copy(update={"platform": "ec2", "instance_type": kind})
        return usage.model_copy(update={"deployment": dep}), {
            "type": kind,
            "as": "EC2 instance (service runtime)",
            **p.to_dict(),
        }
    if runner in book.prices:
        p = book.prices[runner]
        ci = usage.ci.model_copy(update={"runner": kind})
        return usage.model_copy(update={"ci": ci}), {
            "type": kind,
            "as": "GitHub Actions runner (CI minutes)",
            **p.to_dict(),
        }
    raise ConfigError(
        f"machine {label!r} priced as {kind!r}: the price book has neither '{ec2}' nor "
        f"'{runner}' (EC2 types: {_known(book, 'aws.ec2.')}; GitHub runners: "
        f"{_known(book, 'github.actions.')})",
        "add the price under [value.prices] in bakeoff.toml",
    )
