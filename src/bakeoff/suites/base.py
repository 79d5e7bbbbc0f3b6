"""What every suite shares: the context a suite runs in, and the protocol a suite implements.

A suite measures one surface (startup, serve, install, test, build, ci, compat ...) for every
contestant and appends to the results document as it goes, so a Ctrl-C or failure keeps
everything measured so far. Suites never print: they report progress through ``on_event``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bakeoff.contestants import Contender
from bakeoff.events import OnEvent, ignore
from bakeoff.measure.process import Executor
from bakeoff.plan import StopRule
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

    def time_left(self) -> float | None:
        if self.budget_s is None:
            return None
        return self.budget_s - (time.monotonic() - self.started)


class Suite(Protocol):
    name: str

    def run(self, ctx: SuiteContext, doc: ResultsDocument) -> bool:
        """Measure into ``doc``. Return False when interrupted (Ctrl-C); raise only for
        errors that make the whole evaluation meaningless."""
        ...
