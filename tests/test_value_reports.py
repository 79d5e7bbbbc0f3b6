"""Reports of cost and decisions: golden Markdown (cost table, statements, decisions, cost
lines) from a fixture results document, the self-contained HTML report (structure, plots,
tables), rendering it in headless Chromium, and `bakeoff report --format html`."""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import value_fixture
from bakeoff import decide, results
from bakeoff.cli import main
from bakeoff.render import html, markdown, value_md
from bakeoff.results import ResultsDocument
from docjson import raw

GOLDEN = Path(__file__).parent / "golden"
PLOTS = {"startup", "latency", "rss", "install", "compat", "cost"}


@pytest.fixture(scope="module")
def doc() -> ResultsDocument:
    d = value_fixture.build()
    decide.fill(d)
    return d


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}: run with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs (UPDATE_GOLDEN=1 to accept)"


def test_markdown_cost_and_decisions_golden(doc: ResultsDocument) -> None:
    _golden("value_sections.md", "\n".join(value_md.sections(doc)) + "\n")


def test_full_markdown_golden(doc: ResultsDocument) -> None:
    _golden("report_with_value.md", markdown.render(doc))


def test_markdown_without_cost_has_no_cost_section() -> None:
    d = value_fixture.build()
    assert "## Cost per month" not in markdown.render(d)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.plots: list[str] = []
        self.tables: list[str] = []
        self.tags: set[str] = set()
        self.svgs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.add(tag)
        if tag == "figure" and a.get("data-plot"):
            self.plots.append(str(a["data-plot"]))
        if tag == "table":
            self.tables.append(str(a.get("class") or ""))
        if tag == "svg":
            self.svgs += 1


def test_html_is_self_contained_with_every_plot_and_table(doc: ResultsDocument) -> None:
    page = html.render(doc)
    p = _Collect()
    p.feed(page)
    assert set(p.plots) == PLOTS
    assert p.plots.count("latency") == 2  # one per rate
    assert p.svgs == len(p.plots)
    assert {"cost", "decisions", "cost-lines", "measurements", "contestants"} <= set(p.tables)
    assert "script" not in p.tags and "link" not in p.tags and "img" not in p.tags
    assert "src=" not in page and "@import" not in page
    assert "not worth migrating" in page or "worth migrating" in page


def test_html_shows_only_plots_with_data() -> None:
    d = value_fixture.build()
    d.measurements = [m for m in d.measurements if m.suite == "startup"]
    d.suites, d.compat = {}, []
    p = _Collect()
    p.feed(html.render(d))
    assert p.plots == ["startup"]


def _chromium() -> str | None:
    return (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )


def _run_chromium(args: list[str], tmp: Path) -> subprocess.CompletedProcess[str]:
    exe = _chromium()
    assert exe
    base = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        f"--user-data-dir={tmp / 'profile'}",
        "--no-first-run",
    ]
    return subprocess.run([*base, *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(_chromium() is None, reason="chromium not installed (apt-get install chromium)")
def test_html_renders_in_headless_chromium(doc: ResultsDocument, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(html.render(doc), encoding="utf-8")
    dom = _run_chromium(["--dump-dom", page.as_uri()], tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    p = _Collect()
    p.feed(dom.stdout)  # the DOM as Chromium parsed it
    assert set(p.plots) == PLOTS and p.svgs == len(p.plots)
    assert {"cost", "decisions", "measurements"} <= set(p.tables)
    assert "Decisions per surface" in dom.stdout and "Cost per month" in dom.stdout
    shot = tmp_path / "shot.png"
    res = _run_chromium(
        [f"--screenshot={shot}", "--window-size=1200,3000", page.as_uri()], tmp_path
    )
    assert res.returncode == 0, res.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000  # a blank page is ~10 kB


def test_report_cli_html_and_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    saved = tmp_path / "results.json"
    results.save(value_fixture.build(), saved)  # no cost yet: report fills it
    (tmp_path / "bakeoff.toml").write_text(
        '[value]\npreset = "small"\n[value.deployment]\nplatform = "cloud_run"\n', encoding="utf-8"
    )
    out = tmp_path / "report.html"
    cfg = ["--config", "bakeoff.toml"]
    assert main(["report", str(saved), "--format", "html", "-o", str(out), *cfg]) == 0
    assert "Google Cloud Run, usage preset &#x27;small&#x27;" in out.read_text(encoding="utf-8")
    js = tmp_path / "filled.json"
    assert main(["report", str(saved), "--format", "json", "-o", str(js), *cfg]) == 0
    filled = results.load(js)
    assert filled.cost and raw(filled)["cost"]["platform"] == "cloud_run"
    assert filled.decision and len(raw(filled)["decision"]["surfaces"]) == 5


def test_report_prices_a_file_the_same_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = value_fixture.build()
    doc.settings.value = {"preset": "large"}  # what the run was priced with
    saved = tmp_path / "results.json"
    results.save(doc, saved)
    here, there = tmp_path / "a", tmp_path / "b"
    here.mkdir()
    there.mkdir()
    (there / "bakeoff.toml").write_text('[value]\npreset = "small"\n', encoding="utf-8")
    got = []
    for folder in (here, there):
        monkeypatch.chdir(folder)
        js = folder / "out.json"
        assert main(["report", str(saved), "--format", "json", "-o", str(js)]) == 0
        got.append(results.load(js).cost)
    assert got[0] == got[1] and got[0] and got[0].preset == "large"
    monkeypatch.chdir(there)
    js = there / "small.json"
    assert main(["report", str(saved), "--format", "json", "-o", str(js), "--usage", "small"]) == 0
    cost = results.load(js).cost
    assert cost and cost.preset == "small"


def test_axis_ticks_cover_the_data() -> None:
    from bakeoff.render.svg import nice_ticks

    for lo, hi in ((0, 104), (0, 100), (0.3, 3.0), (5, 5), (0, 0.0042)):
        ticks = nice_ticks(lo, hi)
        assert ticks[0] <= lo and ticks[-1] >= hi and len(ticks) <= 12
