"""What every suite shares: the context a suite runs in, and the protocol a suite implements.

A suite measures one surface (startup, serve, install, test, build, ci, compat ...) for every
contestant and appends to the results document as it goes, so a Ctrl-C or failure keeps
everything measured so far. Suites never print: they report progress through ``on_event``.
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

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
    decisions it will measure, declared before the first measurement (see bakeoff.plan.primary);
    and ``prepare(ctx) -> None``: untimed set-up shared with other suites (installed copies),
    which the session runs before it shares out the time budget."""

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
        _put(doc, name, draft)


STRICT_ENV = "BAKEOFF_STRICT"  # set (the test suite does): a schema gap is an error


def _put(doc: ResultsDocument, name: str, draft: dict[str, Any]) -> None:
    """Write the draft back. A field the model does not describe is bakeoff's bug, found on
    a project nobody tested: with BAKEOFF_STRICT it raises; otherwise the run is not lost —
    the offending fields are left out, and the document's warnings name them."""
    try:
        doc.suites.put(name, draft)
        return
    except ValidationError as exc:
        if os.environ.get(STRICT_ENV):
            raise
        errors = exc.errors()
    pruned = copy.deepcopy(draft)
    for err in errors:
        _drop(pruned, [str(p) if not isinstance(p, int) else p for p in err["loc"]])
    paths = sorted({".".join(str(p) for p in err["loc"]) for err in errors})
    doc.suites.put(name, pruned)
    doc.warnings.append(
        f"bakeoff: the {name} section had values its schema does not describe "
        f"({', '.join(paths)}); they were left out of the results (please report this)"
    )


def _drop(tree: object, loc: list[str | int]) -> None:
    """Remove the value at ``loc`` (a pydantic error location) from nested dicts/lists."""
    for i, key in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(tree, dict) and key in tree:
            if last:
                del tree[key]
                return
            tree = tree[key]
            continue
        if isinstance(tree, list) and isinstance(key, int) and 0 <= key < len(tree):
            if last:
                del tree[key]
                return
            tree = tree[key]
            continue
        return
