"""Every file format a results document is written in, in one registry: the measuring commands
(``results.json``, ``report.md``, ``report.html``, ``--json``, ``--markdown``,
``--export-hyperfine``) and ``bakeoff report --format`` both write through it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from bakeoff.render import html, hyperfine, markdown, mdfit
from bakeoff.results import SCHEMA, ResultsDocument


@dataclass(frozen=True)
class Exporter:
    name: str  # the --format value
    default_file: str  # its name in a run's output folder
    description: str
    render: Callable[[ResultsDocument, int | None], str]  # the document, a size limit (chars)


def _json(doc: ResultsDocument, _limit: int | None) -> str:
    return doc.to_json() + "\n"


def _hyperfine(doc: ResultsDocument, _limit: int | None) -> str:
    return json.dumps(hyperfine.export(doc), indent=2) + "\n"


EXPORTERS: dict[str, Exporter] = {
    e.name: e
    for e in (
        Exporter("json", "results.json", f"the results document (schema {SCHEMA})", _json),
        Exporter(
            "md",
            "report.md",
            "Markdown (PR comments, $GITHUB_STEP_SUMMARY; folded to fit 65,536 characters)",
            lambda doc, limit: markdown.render(doc, limit),
        ),
        Exporter(
            "html", "report.html", "one self-contained HTML file", lambda d, _l: html.render(d)
        ),
        Exporter(
            "hyperfine",
            "hyperfine.json",
            "the startup suite as hyperfine --export-json writes it",
            _hyperfine,
        ),
    )
}

# what every measuring command writes into its output folder
RUN_OUTPUTS = ("json", "md", "html")


def export(doc: ResultsDocument, fmt: str, limit: int | None = mdfit.LIMIT) -> str:
    """``doc`` in the format ``fmt`` (a key of ``EXPORTERS``); ``limit``: the most characters
    of a Markdown report (``None``: no limit)."""
    return EXPORTERS[fmt].render(doc, limit)
