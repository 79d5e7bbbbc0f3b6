"""The results document (schema ``bakeoff/1``): the contract between measuring and everything
after it. Analysis, cost, decisions and reports can all be re-run from a saved file.

Fields named in DESIGN.md are never renamed; new fields may be added. Writing is atomic (temp
file + rename) so an interrupted run never leaves a half-written document.
"""

from __future__ import annotations

import json
import math
import os
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bakeoff import __version__
from bakeoff.errors import ResultsError

SCHEMA = "bakeoff/1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class Contestant(_Model):
    name: str
    runtime: str
    version: str
    binary: str
    sha256: str
    spec: str = ""
    source: str = ""
    package: str | None = None
    package_manager: str | None = None


class Failure(_Model):
    """A run that did not succeed, kept with its evidence."""

    reason: str
    exit_code: int | None = None
    signal: int | None = None
    timed_out: bool = False
    stderr_tail: str = ""
    stdout_tail: str = ""
    command: str = ""  # what ran (argv joined), so the report can show it


class Measurement(_Model):
    suite: str
    case: str
    metric: str
    contestant: str
    unit: str
    samples: list[float] = Field(default_factory=list)
    median: float | None = None
    ci: list[float] | None = None
    n: int = 0
    valid: bool = True
    notes: list[str] = Field(default_factory=list)
    lower_is_better: bool = True
    blocks: list[int] = Field(default_factory=list)  # block index of each sample
    stop_reason: str | None = None
    failures: list[Failure] = Field(default_factory=list)
    noise: dict[str, Any] = Field(default_factory=dict)
    # "median": median and CI come from ``samples``; "pooled": the suite computed them from
    # merged raw data (latency percentiles) and ``samples`` holds one value per repetition.
    estimator: Literal["median", "pooled"] = "median"
    comparable: bool = True  # False: reported, never compared (e.g. achieved request rate)


class Comparison(_Model):
    suite: str
    case: str
    metric: str
    baseline: str
    contestant: str
    ratio: float | None
    ci: list[float] | None
    p_value: float | None
    p_adjusted: float | None = None
    verdict: Literal["better", "worse", "same", "inconclusive"]
    reason: str = ""
    lower_is_better: bool = True
    test: str = ""  # which significance test gave p_value
    mde: float | None = None  # minimum detectable effect (fraction) of this comparison
    # "primary": decides a surface (sequential rule, family-wise error control); "guardrail":
    # a non-inferiority check beside a primary; "secondary": everything else (FDR-labelled)
    role: Literal["primary", "guardrail", "secondary"] = "secondary"
    surface: str | None = None  # the surface a primary or guard-rail belongs to
    level: float | None = None  # confidence level of ``ci``
    n: int | None = None  # samples per arm behind ``ci`` (the larger arm)
    runs_to_settle: int | None = None  # primary, inconclusive: blocks that would settle it
    margin: float | None = None  # guard-rail: the non-inferiority margin (fraction)
    noninferior: bool | None = None  # guard-rail: met (True), failed (False), unknown (None)

    @property
    def ci_name(self) -> str:
        """'95% CI', or a primary's repeated CI at its look's level ('99.96% CI')."""
        level = self.level if self.level is not None else 0.95
        text = f"{level * 100:.2f}".rstrip("0").rstrip(".")
        return f"{text}% CI"


class CompatResult(_Model):
    area: str
    check: str
    contestant: str
    status: Literal["pass", "fail", "error", "skip", "timeout"]
    detail: str = ""


class ResultsDocument(_Model):
    schema_: str = Field(default=SCHEMA, alias="schema")
    bakeoff_version: str = __version__
    created: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    status: Literal["complete", "partial", "interrupted", "failed"] = "complete"
    command: list[str] = Field(default_factory=list)
    settings: dict[str, Any] = Field(default_factory=dict)
    environment: dict[str, Any] = Field(default_factory=dict)
    contestants: list[Contestant] = Field(default_factory=list)
    measurements: list[Measurement] = Field(default_factory=list)
    comparisons: list[Comparison] = Field(default_factory=list)
    compat: list[CompatResult] = Field(default_factory=list)
    suites: dict[str, Any] = Field(default_factory=dict)  # per-suite run info (cases, stops)
    cost: dict[str, Any] | None = None
    decision: dict[str, Any] | None = None
    warnings: list[str] = Field(default_factory=list)
    fingerprint: dict[str, Any] = Field(default_factory=dict)  # see bakeoff.fingerprint
    # what was measured: {"name": package.json name or folder, ...} (None: ad hoc, or older)
    project: dict[str, Any] | None = None
    machine_label: str | None = None  # the machine's label when run for a fleet (--machines)
    # A merged document (``bakeoff merge``): one entry per machine, each with its own document;
    # nothing is pooled at the top level (the machine is a blocking factor), see bakeoff.merge
    machines: list[MachineRun] = Field(default_factory=list)
    cross_machine: dict[str, Any] | None = None  # per-machine ratios and pooled estimates
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def to_json(self) -> str:
        """Strict JSON: NaN and infinities (undefined estimates) are written as null."""
        return json.dumps(_finite(self.model_dump(mode="json", by_alias=True)), indent=2)

    def measurement(self, suite: str, case: str, metric: str, contestant: str) -> Measurement:
        for m in self.measurements:
            if (m.suite, m.case, m.metric, m.contestant) == (suite, case, metric, contestant):
                return m
        raise KeyError((suite, case, metric, contestant))


class MachineRun(_Model):
    """One machine of a merged document: its label, machine fingerprint and own document, or
    the reason it produced none (a worker that died or timed out)."""

    label: str
    machine_id: str = ""  # short hash of the machine part of the fingerprint
    machine: dict[str, Any] = Field(default_factory=dict)  # fingerprint["machine"]
    status: Literal["complete", "partial", "interrupted", "failed"] = "complete"
    source: str = ""  # the file it was merged from, or the worker that ran it
    failure: Failure | None = None
    price: dict[str, Any] | None = None  # what its measurements were priced as (--price-machine)
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


def replace_paths(doc: ResultsDocument, mapping: Mapping[str, str]) -> None:
    """Rewrite, in place, every string of ``doc`` that mentions a folder of ``mapping`` (a
    temporary working copy) to name the folder it stands for (the user's project)."""
    pairs = sorted(((k, v) for k, v in mapping.items() if k and k != v), key=lambda kv: -len(kv[0]))

    def fix(value: Any) -> Any:
        if isinstance(value, str):
            for old, new in pairs:
                value = value.replace(old, new)
            return value
        if isinstance(value, BaseModel):
            for name, item in list(value.__dict__.items()):
                value.__dict__[name] = fix(item)
            extra = value.__pydantic_extra__
            if extra:
                for name, item in list(extra.items()):
                    extra[name] = fix(item)
            return value
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(fix(v) for v in value)
        return value

    if pairs:
        fix(doc)


def _new_file(folder: Path, prefix: str) -> tuple[int, str]:
    """Create a new, uniquely named file in ``folder`` with the mode the user's umask gives
    new files (``mkstemp`` would make it 0600, and reports would end up private)."""
    while True:
        name = folder / f"{prefix}{secrets.token_hex(6)}"
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), str(name)
        except FileExistsError:
            continue


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temp file in the same folder and an atomic rename; the
    file gets the user's umask, like any file the user creates."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _new_file(path.parent, f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save(doc: ResultsDocument, path: Path) -> None:
    write_atomic(path, doc.to_json() + "\n")


def load(path: Path) -> ResultsDocument:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"results file not found: {path}") from None
    except (OSError, ValueError) as exc:  # ValueError: not UTF-8, not JSON
        raise ResultsError(f"cannot read results file {path}: {exc}") from None
    schema = raw.get("schema") if isinstance(raw, dict) else None
    if schema != SCHEMA:
        raise ResultsError(
            f"{path} is not a bakeoff results document (schema {schema!r}, expected {SCHEMA!r})"
        )
    try:
        return ResultsDocument.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ResultsError(f"{path}: invalid results document at {where}: {first['msg']}") from None
