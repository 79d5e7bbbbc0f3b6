"""Merging results documents made on different machines into one (``bakeoff merge``).

The merged document is a ``bakeoff/1`` document whose ``machines`` list holds one entry per
machine — its label, machine fingerprint and its *own* document, untouched (environment,
contestants, measurements, comparisons, cost, decision) — or the reason a machine produced none.
The top level has no measurements or comparisons: contestants are compared within each machine
only (the machine is a blocking factor) and never pooled across machines. ``cross_machine``
(``bakeoff.analysis.crossmachine``) sets each machine's ratios side by side with a pooled estimate.

Refused: documents of another schema major, of different projects, and the same machine twice
unless declared a deliberate repeat (``repeat=True``); the very same run twice is always refused.
A merged document may itself be merged again (its machines are taken one by one).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bakeoff import decide
from bakeoff import results as results_mod
from bakeoff.analysis import analyze, crossmachine
from bakeoff.config import prices as pricebook
from bakeoff.errors import ResultsError, UsageError
from bakeoff.results import SCHEMA, Failure, MachineRun, ResultsDocument, fingerprint
from bakeoff.results.machines import MachinePrice
from bakeoff.results.sections import Fingerprint, MachineFingerprint
from bakeoff.value import machines as machines_mod
from bakeoff.value.usage import Usage, ValueConfig, resolve

_SCHEMA = re.compile(r"^bakeoff/(\d+)(?:\.(\d+))?$")
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@+-]*$")


def schema_major(schema: object) -> int | None:
    m = _SCHEMA.match(schema) if isinstance(schema, str) else None
    return int(m.group(1)) if m else None


def read(path: Path) -> ResultsDocument:
    """A results document for merging: another schema major is refused by name."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"results file not found: {path}") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise ResultsError(f"cannot read results file {path}: {exc}") from None
    schema = raw.get("schema") if isinstance(raw, dict) else None
    major, ours = schema_major(schema), schema_major(SCHEMA)
    if major is not None and major != ours:
        raise ResultsError(
            f"cannot merge {path}: schema {schema} is of another major than this bakeoff's "
            f"{SCHEMA} (documents of different schema majors are not merged)"
        )
    return results_mod.load(path)


def machine_id(machine: MachineFingerprint) -> str:
    """A short, stable id of a machine fingerprint (``fingerprint().machine``)."""
    blob = json.dumps(machine.model_dump(mode="json"), sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def project_name(doc: ResultsDocument) -> str | None:
    return doc.project.name if doc.project and doc.project.name else None


@dataclass(frozen=True)
class Input:
    """A document to merge, where it came from, and the label the user gave it (if any)."""

    doc: ResultsDocument
    source: str
    label: str | None = None
    failure: str | None = None  # what went wrong on the machine although a document came back
    timed_out: bool = False


def _derived_label(doc: ResultsDocument, mid: str) -> str:
    if doc.machine_label:
        return doc.machine_label
    env = doc.environment
    arch = env.arch or "machine"
    cores = env.cores_logical
    return f"{arch}-{cores}cpu-{mid[:6]}" if cores else f"{arch}-{mid[:6]}"


def check_label(label: str) -> str:
    if not _LABEL.match(label):
        raise UsageError(
            f"machine label {label!r}: use letters, digits and . _ : @ + - "
            "(no spaces, commas or '=')"
        )
    return label


def _runs(item: Input) -> list[MachineRun]:
    """The machine entries an input contributes: its machines when it is a merged document,
    else one entry for the document itself."""
    if item.doc.machines:
        if item.label:
            raise UsageError(f"{item.source} is a merged document: its machines keep their labels")
        return [r.model_copy(update={"source": r.source or item.source}) for r in item.doc.machines]
    fp = fingerprint.of(item.doc)
    machine = fp.machine
    mid = machine_id(machine)
    label = check_label(item.label) if item.label else _derived_label(item.doc, mid)
    return [
        MachineRun(
            label=label,
            machine_id=mid,
            machine=machine,
            status=item.doc.status,
            source=item.source,
            failure=Failure(reason=item.failure, timed_out=item.timed_out)
            if item.failure
            else None,
            document=item.doc,
        )
    ]


def _digest(doc: ResultsDocument | None) -> str | None:
    return hashlib.sha256(doc.to_json().encode()).hexdigest() if doc is not None else None


def _check_projects(runs: list[MachineRun]) -> None:
    seen: dict[str | None, str] = {}
    for r in runs:
        if r.document is None:
            continue
        seen.setdefault(project_name(r.document), r.source)
    if len(seen) > 1:
        shown = "; ".join(
            f"{src}: {f'project {name!r}' if name else 'no project recorded'}"
            for name, src in seen.items()
        )
        raise ResultsError(f"cannot merge documents of different projects ({shown})")


def _check_machines(runs: list[MachineRun], repeat: bool) -> list[str]:
    """Refuse the same run twice, and the same machine twice unless ``repeat``; returns the
    warnings a deliberate repeat leaves in the merged document."""
    warnings: list[str] = []
    digests: dict[str, str] = {}
    by_machine: dict[str, list[MachineRun]] = {}
    for r in runs:
        d = _digest(r.document)
        if d is not None and d in digests:
            raise ResultsError(
                f"cannot merge: {r.source} is the same run as {digests[d]} (identical document)"
            )
        if d is not None:
            digests[d] = r.source
        if r.machine_id:
            by_machine.setdefault(r.machine_id, []).append(r)
    for group in by_machine.values():
        if len(group) < 2:
            continue
        names = ", ".join(f"{r.label} ({r.source})" for r in group)
        if not repeat:
            raise ResultsError(
                f"cannot merge: {names} were measured on the same machine (same fingerprint); "
                "pass --repeat if these are deliberate repeats on one machine"
            )
        warnings.append(
            f"{names}: the same machine (same fingerprint) — a repeat on one machine: their "
            "spread is run-to-run variation, not machine-to-machine"
        )
    return warnings


def _unique_labels(runs: list[MachineRun]) -> None:
    """Two machines may not share a label; repeats on one machine get ``#2``, ``#3``…"""
    first: dict[str, MachineRun] = {}
    count: dict[str, int] = {}
    for r in runs:
        seen = first.get(r.label)
        if seen is None:
            first[r.label] = r
            continue
        if not r.machine_id or seen.machine_id != r.machine_id:
            raise UsageError(
                f"two machines are labelled {r.label!r} ({seen.source}, {r.source}): name them, "
                "e.g. `bakeoff merge x86=a.json arm=b.json`"
            )
        count[r.label] = count.get(r.label, 1) + 1
        r.label = f"{r.label}#{count[r.label]}"


def _version_warnings(runs: list[MachineRun]) -> list[str]:
    builds: dict[str, dict[str, str]] = {}
    for r in runs:
        for c in r.document.contestants if r.document else []:
            builds.setdefault(c.name, {})[r.label] = c.version
    out = []
    for name, per in builds.items():
        if len(set(per.values())) > 1:
            shown = ", ".join(f"{v} on {label}" for label, v in per.items())
            out.append(f"{name} is not the same version on every machine ({shown})")
    return out


def _status(runs: list[MachineRun]) -> Literal["complete", "partial", "failed"]:
    if runs and all(r.status == "complete" for r in runs):
        return "complete"
    if all(r.document is None or r.status == "failed" for r in runs):
        return "failed"
    return "partial"


def merge(
    inputs: list[Input],
    repeat: bool = False,
    failures: list[MachineRun] | None = None,
    command: list[str] | None = None,
) -> ResultsDocument:
    """One merged document from ``inputs`` (plus ``failures``: machines that produced no
    document, e.g. a worker that died)."""
    runs = [r for item in inputs for r in _runs(item)] + list(failures or [])
    if not runs:
        raise UsageError("nothing to merge: give at least one results document")
    _check_projects(runs)
    warnings = _check_machines(runs, repeat)
    _unique_labels(runs)
    warnings += _version_warnings(runs)
    for r in runs:
        if r.failure is not None:
            warnings.append(f"machine {r.label}: {r.failure.reason}")
    docs = [r.document for r in runs if r.document is not None]
    project = next((d.project for d in docs if d.project), None)
    shas = {str(d.project.sources_sha256) for d in docs if d.project}
    if len(shas) > 1:
        warnings.append("the machines measured different versions of the project's sources")
    merged = ResultsDocument(
        status=_status(runs),
        command=list(command or []),
        project=project,
        machines=runs,
        warnings=warnings,
        fingerprint=Fingerprint(machines={r.label: r.machine_id for r in runs}),
    )
    merged.cross_machine = crossmachine.build(merged)
    return merged


def failed_machine(
    label: str, reason: str, source: str = "", timed_out: bool = False
) -> MachineRun:
    """The entry of a machine that produced no document, with the reason."""
    return MachineRun(
        label=check_label(label),
        status="failed",
        source=source,
        failure=Failure(reason=reason, timed_out=timed_out),
    )


def _base_value(doc: ResultsDocument, value: ValueConfig | None) -> ValueConfig | Usage:
    """The usage a machine is priced with: ``value`` when given (--config, --usage), else the
    usage stored in the machine's own document."""
    return value if value is not None else decide.stored_value(doc)[0]


def price(merged: ResultsDocument, value: ValueConfig | None, named: dict[str, str]) -> None:
    """Price machines as their instance type or CI runner (label → type): ``named`` (the
    command line) over ``value.machines`` (a bakeoff.toml given now) over the machine's own
    stored ``[value.machines]`` over the price it already carries from an earlier merge. A
    priced machine's cost and decisions are recomputed from its own measurements, with
    ``value``'s usage or else its own stored usage. A label in ``named`` that is not a machine
    is an error."""
    labels = [r.label for r in merged.machines]
    unknown = [label for label in named if label not in labels]
    if unknown:
        raise UsageError(
            f"no machine labelled {', '.join(map(repr, unknown))} in the merged document "
            f"(machines: {', '.join(labels)})"
        )
    given = value.machines if value is not None else {}
    for run in merged.machines:
        doc = run.document
        if doc is None:
            continue
        base = _base_value(doc, value)
        stored = base.machines if isinstance(base, ValueConfig) else {}
        earlier = run.price.type if run.price else None
        kind = named.get(run.label) or given.get(run.label) or stored.get(run.label) or earlier
        if kind is None:
            continue
        if isinstance(base, ValueConfig):
            book, usage = pricebook.load(base.prices), resolve(base)
        else:
            book, usage = pricebook.load(), base
        machine_usage, record = machines_mod.priced(usage, book, run.label, kind)
        decide.fill(doc, machine_usage, book)
        run.price = MachinePrice.model_validate(record)
    merged.cross_machine = crossmachine.build(merged)


def reanalyze(merged: ResultsDocument, baseline: str | None, value: ValueConfig | None) -> None:
    """Re-run each machine's analysis (against ``baseline`` when given) and decisions, then the
    cross-machine view — what ``bakeoff report --baseline`` does for one document. Dollars use
    ``value`` when given, else each machine's stored usage; priced machines keep their price."""
    for run in merged.machines:
        doc = run.document
        if doc is None:
            continue
        if baseline:
            if baseline not in [c.name for c in doc.contestants]:
                raise UsageError(f"baseline '{baseline}' is not a contestant on {run.label}")
            analyze.analyze(doc, baseline, doc.settings.threshold or 0.02)
        if baseline or value is not None or doc.cost is None:
            decide.fill(doc, _base_value(doc, value))
    price(merged, value, {})
