"""Contestants: a named runtime taking part in a run. Names are unique within a run: the family
(``node``), or ``family@version`` when the same family appears more than once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bakeoff.results import Contestant
from bakeoff.runtimes.provision import Runtime


@dataclass(frozen=True)
class Contender:
    name: str
    runtime: Runtime

    @property
    def family(self) -> str:
        return self.runtime.name

    @property
    def binary(self) -> str:
        return str(self.runtime.binary)

    def to_result(self) -> Contestant:
        rt = self.runtime
        return Contestant(
            name=self.name,
            runtime=rt.name,
            version=rt.version,
            binary=str(rt.binary),
            sha256=rt.sha256,
            spec=rt.spec,
            source=rt.source,
            package=rt.package,
        )


def name_contenders(runtimes: Sequence[Runtime]) -> list[Contender]:
    families = Counter(rt.name for rt in runtimes)
    names: list[str] = []
    for rt in runtimes:
        name = rt.name if families[rt.name] == 1 else f"{rt.name}@{rt.version}"
        while name in names:
            name += "'"
        names.append(name)
    return [Contender(n, rt) for n, rt in zip(names, runtimes, strict=True)]
