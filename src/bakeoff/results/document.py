"""The results document: its rows (``records``) and every section typed (``sections``,
``suites``, ``money``, ``machines``). See ``bakeoff.results.schema`` for the version history."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import Field

from bakeoff import __version__
from bakeoff.results.base import Model
from bakeoff.results.machines import CrossMachine, MachinePrice
from bakeoff.results.money import Cost, Decision
from bakeoff.results.records import (
    Comparison,
    CompatResult,
    Contestant,
    Failure,
    Measurement,
)
from bakeoff.results.schema import SCHEMA
from bakeoff.results.sections import (
    Environment,
    Fingerprint,
    MachineFingerprint,
    ProjectInfo,
    Settings,
)
from bakeoff.results.suites import Suites

Status = Literal["complete", "partial", "interrupted", "failed"]


class ResultsDocument(Model):
    schema_: str = Field(default=SCHEMA, alias="schema")
    bakeoff_version: str = __version__
    created: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    status: Status = "complete"
    command: list[str] = Field(default_factory=list)
    settings: Settings = Field(default_factory=Settings)
    environment: Environment = Field(default_factory=Environment)
    contestants: list[Contestant] = Field(default_factory=list)
    measurements: list[Measurement] = Field(default_factory=list)
    comparisons: list[Comparison] = Field(default_factory=list)
    compat: list[CompatResult] = Field(default_factory=list)
    suites: Suites = Field(default_factory=Suites)  # per-suite run info (cases, stops, ...)
    cost: Cost | None = None
    decision: Decision | None = None
    warnings: list[str] = Field(default_factory=list)
    fingerprint: Fingerprint | None = None  # see bakeoff.results.fingerprint
    # what was measured (None: ad hoc, or older)
    project: ProjectInfo | None = None
    machine_label: str | None = None  # the machine's label when run for a fleet (--machines)
    # A merged document (``bakeoff merge``): one entry per machine, each with its own document;
    # nothing is pooled at the top level (the machine is a blocking factor), see bakeoff.merge
    machines: list[MachineRun] = Field(default_factory=list)
    cross_machine: CrossMachine | None = None  # per-machine ratios and pooled estimates

    def to_json(self) -> str:
        """Strict JSON: NaN and infinities (undefined estimates) are written as null."""
        return json.dumps(_finite(self.model_dump(mode="json", by_alias=True)), indent=2)

    def measurement(self, suite: str, case: str, metric: str, contestant: str) -> Measurement:
        for m in self.measurements:
            if (m.suite, m.case, m.metric, m.contestant) == (suite, case, metric, contestant):
                return m
        raise KeyError((suite, case, metric, contestant))


class MachineRun(Model):
    """One machine of a merged document: its label, machine fingerprint and own document, or
    the reason it produced none (a worker that died or timed out)."""

    label: str
    machine_id: str = ""  # short hash of the machine part of the fingerprint
    machine: MachineFingerprint = Field(default_factory=MachineFingerprint)
    status: Status = "complete"
    source: str = ""  # the file it was merged from, or the worker that ran it
    failure: Failure | None = None
    price: MachinePrice | None = None  # what its measurements were priced as (--price-machine)
    document: ResultsDocument | None = None


ResultsDocument.model_rebuild()


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
