"""The base of every model of the results document: strict when written, lenient when read.

Constructing a model with a field it does not declare, or assigning one, is an error (a writer
that misspells a field fails at once, in a test). Reading a file is lenient when ``results.load``
asks for it:
with ``{LENIENT: True}`` in the validation context, keys a model does not declare — fields a
newer minor version added, or fields an older file carried that no reader uses — are dropped,
and their paths collected under ``context[IGNORED]`` so the loader can say what it skipped.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, model_validator

LENIENT = "lenient"
IGNORED = "ignored"


@cache
def _known(cls: type[BaseModel]) -> frozenset[str]:
    names: set[str] = set()
    for name, info in cls.model_fields.items():
        names.add(name)
        if info.alias:
            names.add(info.alias)
        if isinstance(info.validation_alias, str):
            names.add(info.validation_alias)
    return frozenset(names)


class Model(BaseModel):
    """A section of the results document (see the module docstring for strict/lenient)."""

    # validate_assignment: a section assigned as a dict is validated (strictly) into its model
    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_unknown(cls, data: Any, info: ValidationInfo) -> Any:
        ctx = info.context
        if not (isinstance(ctx, dict) and ctx.get(LENIENT) and isinstance(data, dict)):
            return data
        known = _known(cls)
        unknown = [k for k in data if k not in known]
        if not unknown:
            return data
        ignored = ctx.setdefault(IGNORED, [])
        if isinstance(ignored, list):
            ignored.extend(f"{cls.__name__}.{k}" for k in unknown)
        return {k: v for k, v in data.items() if k in known}
