"""What every suite shares: the context a suite runs in, and the protocol a suite implements.

A suite measures one surface (startup, serve, install, test, build, ci, compat ...) for every
contestant and appends to the results document as it goes, so a Ctrl-C or failure keeps
everything measured so far. Suites never print: they report progress through ``on_event``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bakeoff.events import OnEvent, ignore
from bakeoff.measure.process import Executor
from bakeoff.plan.contestants import Contender
from bakeoff.plan.primary import DecisionPlan
from bakeoff.plan.sequential import Design, SettleState, settle_state
from bakeoff.plan.stopping import Settle, StopRule
from bakeoff.results import ResultsDocument


@dataclass
class SuiteContext:
    """Everything a suite needs from the evaluation around it."""

    contenders: list[Contender]
    executor: Executor
    workdir: Path  # scratch folder for this suite; removed after the run
    rule: StopRule = field(default_factory=StopRule)
    on_event: OnEvent = ignore
    timeout_s: float = 30.0
    seed: int | None = None
    budget_s: float | None = None  # this suite's share of the time budget (None: unbounded)
    quick: bool = False
    offline: bool = False  # never download (a tool a suite needs must be cached)
    started: float = field(default_factory=time.monotonic)
    decision: DecisionPlan | None = None  # the primary family, declared before measuring

    def time_left(self) -> float | None:
        if self.budget_s is None:
            return None
        return self.budget_s - (time.monotonic() - self.started)

    def sequential(
        self, surface: str, min_n: int, max_n: int, lower_is_better: bool = True
    ) -> tuple[Design, Settle] | None:
        """The sequential design and settle check of a case that decides ``surface`` (None
        when the evaluation declared no candidate for it: the case is then secondary)."""
        plan = self.decision
        if plan is None or not plan.candidates(surface):
            return None
        design = plan.design(min_n, max_n)
        cands = plan.candidates(surface)

        def settle(samples: dict[str, list[float]]) -> SettleState:
            return settle_state(design, samples, plan.baseline, cands, lower_is_better)

        return design, settle


class Suite(Protocol):
    """A suite may also define ``primaries(contenders, baseline) -> list[Primary]``: the
    decisions it will measure, declared before the first measurement (see bakeoff.plan.primary)."""

    name: str

    def run(self, ctx: SuiteContext, doc: ResultsDocument) -> bool:
        """Measure into ``doc``. Return False when interrupted (Ctrl-C); raise only for
        errors that make the whole evaluation meaningless."""
        ...


@contextmanager
def section(doc: ResultsDocument, name: str) -> Iterator[dict[str, Any]]:
    """The suite ``name``'s section of ``doc.suites`` as a draft the suite fills while it runs
    (starting from what the section already holds), written back typed and strictly — a field
    the section's model does not declare is an error — however the run ends."""
    current = doc.suites.get(name)
    draft = current.model_dump(by_alias=True, exclude_unset=True) if current else {}
    try:
        yield draft
    finally:
        doc.suites.put(name, draft)
