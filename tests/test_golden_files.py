"""Results documents from real runs on a real machine (``tests/data/results``, see its README)
pin the contract: each loads, a current-version file is read strictly and saves back byte for
byte (so renaming or retyping a field breaks this test), an older-minor file is upgraded, and
each renders exactly as its golden files say — terminal, Markdown, HTML text and the hyperfine
export (``tests/golden/real``; ``UPDATE_GOLDEN=1`` rewrites them)."""

from __future__ import annotations

import io
import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console

from bakeoff import results
from bakeoff.render import exporters, terminal
from bakeoff.results import SCHEMA, ResultsDocument
from bakeoff.results.schema import version_of

DATA = Path(__file__).parent / "data" / "results"
GOLDEN = Path(__file__).parent / "golden" / "real"
FILES = sorted(DATA.glob("*.json"))
CURRENT = [p for p in FILES if json.loads(p.read_text())["schema"] == SCHEMA]
OLDER = [p for p in FILES if p not in CURRENT]


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}: run with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs (UPDATE_GOLDEN=1 to accept)"


class _Text(HTMLParser):
    """The visible text of the HTML report, one line per block (no markup, no plots)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = [""]
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "svg", "script"):
            self.skip += 1
        if tag in ("p", "h1", "h2", "h3", "tr", "li", "br", "div", "figcaption", "summary"):
            self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "svg", "script"):
            self.skip -= 1
        if tag in ("td", "th"):
            self.lines[-1] += " | "

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.lines[-1] += " ".join(data.split()) if data.strip() else ""

    def text(self) -> str:
        return "\n".join(line.strip() for line in self.lines if line.strip()) + "\n"


def _term(doc: ResultsDocument) -> str:
    console = Console(width=160, record=True, color_system=None, file=io.StringIO())
    console.print(terminal.render(doc))
    return console.export_text()


def test_there_are_real_files_of_this_and_an_older_minor_version() -> None:
    names = {p.stem for p in FILES}
    assert {"demo-quick", "serve", "failed", "interrupted", "v1.0-serve"} <= names
    assert OLDER and all(version_of(json.loads(p.read_text())["schema"]) < (1, 1) for p in OLDER)


@pytest.mark.parametrize("path", CURRENT, ids=lambda p: p.stem)
def test_a_current_file_is_read_strictly_and_saves_back_identically(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    strict = ResultsDocument.model_validate_json(text)  # no lenient context: every field known
    assert strict.to_json() + "\n" == text
    assert results.load(path).to_json() + "\n" == text


@pytest.mark.parametrize("path", OLDER, ids=lambda p: p.stem)
def test_an_older_minor_file_is_upgraded(path: Path) -> None:
    doc = results.load(path)
    assert doc.schema_ == SCHEMA
    metrics = {m.metric for m in doc.measurements}
    assert "rss_peak_mb" not in metrics and "peak_rss_mb" in metrics
    assert not [w for w in doc.warnings if "ignored" in w]
    assert doc.suites.serve is not None
    for cases in doc.suites.serve.phases.values():
        assert all(p.peak_rss_mb > 0 for phases in cases.values() for p in phases)
    # the upgraded document is a valid current one
    again = ResultsDocument.model_validate_json(doc.to_json())
    assert again.to_json() == doc.to_json()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_renderings_match_their_goldens(path: Path) -> None:
    doc = results.load(path)
    _golden(f"{path.stem}.term.txt", _term(doc))
    _golden(f"{path.stem}.md", exporters.export(doc, "md"))
    parser = _Text()
    parser.feed(exporters.export(doc, "html"))
    _golden(f"{path.stem}.html.txt", parser.text())
    _golden(f"{path.stem}.hyperfine.json", exporters.export(doc, "hyperfine"))
