"""The reference of the results document (``docs/results-schema.md``), generated from the
models: one section per model, in the order they are reached from ``ResultsDocument``, with
each field's JSON name, type and default. ``tests/test_results_schema.py`` checks the committed
file is up to date; ``UPDATE_GOLDEN=1`` rewrites it."""

from __future__ import annotations

import inspect
import json
import types
import typing
from typing import Any, Literal, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from bakeoff.results.document import ResultsDocument
from bakeoff.results.schema import SCHEMA
from bakeoff.results.schema import __doc__ as HISTORY


def _type(tp: Any, seen: list[type[BaseModel]]) -> str:
    """A field type in words, models linked to their section (and queued for one)."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp not in seen:
            seen.append(tp)
        return f"[{tp.__name__}](#{tp.__name__.lower()})"
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Literal:
        return " \\| ".join(f'`"{a}"`' for a in args)
    if origin in (Union, types.UnionType):
        return " \\| ".join(_type(a, seen) for a in args)
    if origin is list:
        return f"list of {_type(args[0], seen)}"
    if origin is tuple:
        return "[" + ", ".join(_type(a, seen) for a in args) + "]"
    if origin is dict:
        return f"map {_type(args[0], seen)} → {_type(args[1], seen)}"
    if tp is type(None):
        return "null"
    name = getattr(tp, "__name__", None) or str(tp)
    return {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}.get(
        name, "any JSON" if "JsonValue" in name else name.replace("typing.", "")
    )


def _default(name: str, info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    if name == "bakeoff_version":
        return "the writing bakeoff's version"
    if info.default_factory is not None:
        made = info.default_factory()  # type: ignore[call-arg]
        if isinstance(made, BaseModel):
            return "`{…}`"
        return "the time of writing" if isinstance(made, str) else f"`{json.dumps(made)}`"
    return f"`{json.dumps(info.default)}`"


def _section(model: type[BaseModel], seen: list[type[BaseModel]]) -> list[str]:
    doc = inspect.cleandoc(model.__doc__ or "") if model.__doc__ != BaseModel.__doc__ else ""
    out = [f"## {model.__name__}", ""]
    if doc:
        out += [" ".join(doc.split()), ""]
    out += ["| field | type | default |", "|---|---|---|"]
    for name, info in model.model_fields.items():
        key = info.alias or name
        out.append(f"| `{key}` | {_type(info.annotation, seen)} | {_default(name, info)} |")
    return [*out, ""]


def markdown() -> str:
    """The whole reference, as committed in ``docs/results-schema.md``."""
    history = inspect.cleandoc(HISTORY or "").split("Format history", 1)[-1]
    out = [
        f"# The results document (`{SCHEMA}`)",
        "",
        "Generated from the models in `bakeoff.results` (`bakeoff.results.reference`); do not "
        "edit by hand — run `UPDATE_GOLDEN=1 pytest tests/test_results_schema.py`.",
        "",
        "Writing is strict (a field a model does not declare is an error); reading is lenient: "
        "an older minor version is upgraded, fields of a newer minor are ignored and the "
        "document's warnings say so.",
        "",
        "Format history" + history,
        "",
    ]
    seen: list[type[BaseModel]] = [ResultsDocument]
    i = 0
    while i < len(seen):
        out += _section(seen[i], seen)
        i += 1
    return "\n".join(out).rstrip() + "\n"
