"""What CI users rely on: the Markdown report fits a pull-request comment, progress is one line
per step in CI logs, reports get the user's umask and name the user's project (not bakeoff's
temporary working copy), and shell completion scripts come from Click."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bakeoff import results
from bakeoff.cli import main
from bakeoff.cli import progress as progress_mod
from bakeoff.compat import matrix
from bakeoff.events import Event
from bakeoff.render import markdown, mdfit
from bakeoff.results import CompatResult, Contestant, Failure, Measurement, ResultsDocument
from docjson import raw

NAMES = ("node", "bun", "deno")


def large_doc() -> ResultsDocument:
    """A compatibility run with ~1,300 failing checks: its Markdown is ~150 kB."""
    doc = ResultsDocument(
        contestants=[
            Contestant(name=n, runtime=n, version="1", binary=n, sha256="0" * 64) for n in NAMES
        ]
    )
    for a in range(40):
        for c in range(25):
            for n in NAMES:
                failing = n != "node" and (a + c) % 3 != 0
                doc.compat.append(
                    CompatResult(
                        area=f"area{a:02d}",
                        check=f"check-{c:02d}-with-a-longer-name",
                        contestant=n,
                        status="fail" if failing else "pass",
                        detail=f"threw Error [ERR_{a}_{c}]: something is not implemented"
                        if failing
                        else "",
                    )
                )
    doc.suites.put(
        "compat",
        {
            "matrix": matrix.matrix(doc.compat),
            "totals": matrix.totals(doc.compat),
            "failures": matrix.failures(doc.compat),
        },
    )
    doc.warnings = [f"warning number {i}" for i in range(5)]
    return doc


def _tables(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    prev = ""
    for line in text.split("\n"):
        if line.startswith("|"):
            if prev.startswith("|"):
                blocks[-1].append(line)
            else:
                blocks.append([line])
        prev = line
    return blocks


def test_a_large_report_is_folded_and_cut_to_fit_a_comment() -> None:
    doc = large_doc()
    full = markdown.render(doc, limit=None)
    assert len(full) > 2 * mdfit.LIMIT  # the test document really is too large
    fitted = markdown.render(doc)
    assert len(fitted) <= mdfit.LIMIT
    assert "<details><summary>" in fitted and fitted.count("<details>") == fitted.count(
        "</details>"
    )
    cut = re.findall(r"_… (\d+) more rows not shown \(the full data is in the HTML report", fitted)
    assert cut and all(int(n) > 0 for n in cut)
    # every table keeps its header and separator, and rows are whole lines of the original
    full_lines = set(full.split("\n"))
    for table in _tables(fitted):
        assert table[0].startswith("| ") and set(table[1]) <= set("|-: ")
        assert all(row in full_lines for row in table)
    # the parts that are short survive untouched
    assert "## Warnings" in fitted and "- warning number 4" in fitted
    assert "## compat · probe matrix" in fitted


def test_a_report_under_the_limit_is_unchanged() -> None:
    text = "# t\n\n| a | b |\n|---|---|\n" + "".join(f"| {i} | x |\n" for i in range(100))
    assert mdfit.fit(text) == text
    assert len(mdfit.fit(text, limit=500)) <= 500


def test_prose_alone_over_the_limit_is_cut_at_a_line_with_a_note() -> None:
    text = "\n".join(f"paragraph {i} " + "x" * 80 for i in range(2000)) + "\n"
    out = mdfit.fit(text, limit=10_000)
    assert len(out) <= 10_000 and out.endswith(
        "(the full data is in the HTML report and results.json)._\n"
    )
    assert out.split("\n")[-4] in text.split("\n")


def test_report_format_md_fits_and_max_chars_0_disables_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "results.json"
    results.save(large_doc(), path)
    assert main(["report", str(path), "--format", "md"]) == 0
    assert len(capsys.readouterr().out) <= mdfit.LIMIT
    assert main(["report", str(path), "--format", "md", "--max-chars", "0"]) == 0
    assert len(capsys.readouterr().out) > mdfit.LIMIT


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_reports_get_the_users_umask(tmp_path: Path, umask: None) -> None:
    results.write_atomic(tmp_path / "a.md", "x")
    assert stat.S_IMODE((tmp_path / "a.md").stat().st_mode) == 0o644
    os.umask(0o077)
    results.write_atomic(tmp_path / "b.md", "x")
    assert stat.S_IMODE((tmp_path / "b.md").stat().st_mode) == 0o600
    os.umask(0o002)
    results.write_atomic(tmp_path / "a.md", "y")  # replacing a file
    assert stat.S_IMODE((tmp_path / "a.md").stat().st_mode) == 0o664
    assert (tmp_path / "a.md").read_text() == "y"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md"]  # no temp files left


def test_working_copy_paths_are_mapped_back_to_the_project() -> None:
    copy, project = "/tmp/bakeoff-project-abc123/project", "/home/me/my-service"
    doc = ResultsDocument(
        suites={"serve": {"spec": {"cwd": copy, "args": [f"{copy}/src/server.js"]}}},
        warnings=[f"deno: start: error at {copy}/src/server.js:3:1"],
    )
    doc.measurements.append(
        Measurement(
            suite="serve",
            case="ready",
            metric="ready_ms",
            contestant="deno",
            unit="ms",
            notes=[f"see {copy}/log"],
            failures=[Failure(reason="crashed", stderr_tail=f"at file://{copy}/src/app.js:1")],
        )
    )
    doc.compat.append(
        CompatResult(area="fs", check="x", contestant="deno", status="fail", detail=copy)
    )
    results.replace_paths(doc, {copy: project})
    text = doc.to_json()
    assert copy not in text and "bakeoff-project-" not in text
    assert raw(doc)["suites"]["serve"]["spec"]["args"][0] == f"{project}/src/server.js"
    assert doc.measurements[0].failures[0].stderr_tail == f"at file://{project}/src/app.js:1"
    assert doc.compat[0].detail == project
    assert doc.warnings == [f"deno: start: error at {project}/src/server.js:3:1"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"CI": "true"}, True),
        ({"CI": "1"}, True),
        ({"CI": "false"}, False),
        ({"CI": ""}, False),
        ({}, False),
    ],
)
def test_ci_detection(env: dict[str, str], expected: bool) -> None:
    assert progress_mod.in_ci(env) is expected


def test_in_ci_progress_is_one_plain_line_per_step(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CI", "true")
    view = progress_mod.make_view()
    assert isinstance(view, progress_mod.LineView)
    with view:
        view(Event("suite_start", suite="startup", done=0, total=2))
        view(Event("case_start", "startup", "hello", total=15))
        for i in range(15):
            view(Event("run", "startup", "hello", "node", done=i, total=15))
        view(Event("case_end", "startup", "hello", detail="precision", done=15))
        for done in (0, 1 << 20, 2 << 20):
            view(Event("download", detail="k6@1.1.0", done=done, total=2 << 20))
        view(Event("suite_end", suite="startup", done=1, total=2))
    lines = capsys.readouterr().err.strip().split("\n")
    texts = [re.sub(r"^\[\s*[\d.]+s\] ", "", line) for line in lines]
    assert texts == [
        "suite 1/2: startup",
        "startup · hello: started",
        "startup · hello: finished (precision)",
        "downloading k6@1.1.0 (2.1 MB)",
        "downloaded k6@1.1.0",
        texts[-1],
    ]
    assert re.fullmatch(r"suite 1/2: startup done in \d+\.\ds", texts[-1])
    assert "\x1b[" not in "".join(lines)  # captured stderr is not a terminal: no escapes


def test_a_terminal_outside_ci_gets_progress_bars(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(progress_mod.err, "_force_terminal", True)
    assert isinstance(progress_mod.make_view(), progress_mod.ProgressView)
    monkeypatch.setenv("CI", "true")
    assert isinstance(progress_mod.make_view(), progress_mod.LineView)


def test_no_color_turns_colour_off() -> None:
    code = (
        "from bakeoff.cli import main; import sys; sys.exit(main(['runtimes', 'which', 'node@99']))"
    )
    env = {**os.environ, "FORCE_COLOR": "1", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    coloured = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    plain = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**env, "NO_COLOR": "1"}
    )
    assert coloured.returncode == plain.returncode == 3
    assert "error:" in plain.stderr and "\x1b[" in coloured.stderr
    assert not re.search(r"\x1b\[[0-9;]*3\dm|\x1b\[[0-9;]*38;", plain.stderr)  # no colours


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    assert "_BAKEOFF_COMPLETE" in script and "bakeoff" in script


def test_completion_completes_commands_and_choices() -> None:
    def complete(words: str, cword: int) -> list[str]:
        env = {
            **os.environ,
            "_BAKEOFF_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(cword),
        }
        code = "from bakeoff.cli import entry; entry()"
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        return [line.split(",", 1)[1] for line in proc.stdout.split("\n") if "," in line]

    assert complete("bakeoff rep", 1) == ["report"]
    assert complete("bakeoff startup --case imp", 3) == ["imports:cold", "imports:warm"]
    assert "md" in complete("bakeoff report r.json --format ", 4)


def test_progress_bars_render_every_event_kind(capsys: pytest.CaptureFixture[str]) -> None:
    view = progress_mod.ProgressView()
    with view:
        view(Event("suite_start", suite="startup", done=0, total=1))
        view(Event("case_start", "startup", "hello", total=5))
        view(Event("run", "startup", "hello", "node", done=1, total=5))
        view(Event("download", detail="k6@1.1.0", done=10, total=100))
        view(Event("message", detail="provisioning node@lts"))
        view(Event("case_end", "startup", "hello", detail="precision"))
        view(Event("suite_end", suite="startup", done=1, total=1))
    err = capsys.readouterr().err
    assert "startup · hello" in err and "download k6@1.1.0" in err and "provisioning" in err


def test_a_budget_gives_the_evaluation_an_honest_time_left(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CI", "true")
    with progress_mod.make_view() as view:
        view(Event("suite_start", suite="serve", done=1, total=3, data={"budget_left_s": 200.4}))
        view(Event("suite_start", suite="compat", done=2, total=3))  # no budget: no figure
    lines = capsys.readouterr().err.strip().split("\n")
    assert lines[0].endswith("suite 2/3: serve · at most 3:20 left (budget)")
    assert lines[1].endswith("suite 3/3: compat")
