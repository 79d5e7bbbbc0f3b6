"""The results document (schema ``bakeoff/1.N``, see ``schema``): the contract between
measuring and everything after it. Analysis, cost, decisions and reports can all be re-run from
a saved file.

Every section is a typed model (``records``, ``sections``, ``suites``, ``money``, ``machines``;
``docs/results-schema.md`` is generated from them). Writing is strict — a model built with a
field it does not declare is an error — and atomic (temp file + rename), so an interrupted run
never leaves a half-written document. Reading is lenient: an older minor version is upgraded
(``schema.upgrade``), fields of a newer minor version are ignored and the document says so.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bakeoff.errors import ResultsError
from bakeoff.results.base import IGNORED, LENIENT
from bakeoff.results.document import MachineRun, ResultsDocument
from bakeoff.results.records import (
    Comparison,
    CompatResult,
    Contestant,
    Failure,
    Measurement,
    Noise,
)
from bakeoff.results.schema import MINOR, SCHEMA, upgrade

__all__ = [
    "SCHEMA",
    "Comparison",
    "CompatResult",
    "Contestant",
    "Failure",
    "MachineRun",
    "Measurement",
    "Noise",
    "ResultsDocument",
    "load",
    "loads",
    "save",
]


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
    """The document saved at ``path``, upgraded to this version (see ``loads``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultsError(f"results file not found: {path}") from None
    except (OSError, ValueError) as exc:  # ValueError: not UTF-8
        raise ResultsError(f"cannot read results file {path}: {exc}") from None
    return loads(text, str(path))


def loads(text: str, where: str = "the results document") -> ResultsDocument:
    """A document from its JSON text. An older minor version is upgraded and read leniently
    (it may carry fields no reader uses any more); a newer minor version is read leniently
    and says in its warnings what this version ignored; this version is read strictly."""
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise ResultsError(f"cannot read results file {where}: {exc}") from None
    if not isinstance(raw, dict):
        raise ResultsError(f"{where} is not a bakeoff results document (not a JSON object)")
    written = upgrade(raw, where)
    context: dict[str, Any] = {LENIENT: written[1] != MINOR}
    try:
        doc = ResultsDocument.model_validate(raw, context=context)
    except ValidationError as exc:
        first = exc.errors()[0]
        at = ".".join(str(p) for p in first["loc"])
        raise ResultsError(f"{where}: invalid results document at {at}: {first['msg']}") from None
    ignored = list(dict.fromkeys(context.get(IGNORED) or []))
    if written[1] > MINOR and ignored:
        doc.warnings.append(
            f"written by a newer bakeoff (schema bakeoff/{written[0]}.{written[1]}): this "
            f"version ({SCHEMA}) ignored {len(ignored)} field(s) it does not know: "
            + ", ".join(ignored[:5])
            + (" ..." if len(ignored) > 5 else "")
        )
    return doc
