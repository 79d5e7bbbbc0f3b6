"""Per-test outcomes from test runners' machine-readable reports (JUnit XML from node --test,
bun test, deno test, vitest and mocha; jest's JSON), normalised so the same test has the same
identity whichever runner ran it: its file (relative to the project, when the runner says) and
its name path — the chain of describe blocks and the test title joined by `` > `` (never split
again: a title may itself contain ``>`` or ``/``).

Also read here: what each runner says about files that did not load (a report entry named after
the file, a jest suite that failed to run, or the runner's console output), and the runner's own
totals, so a report can quote the runner's count beside bakeoff's."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Status = Literal["passed", "failed", "skipped", "cancelled"]
SEP = " > "
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_RUNNER_SUITES = {"Mocha Tests", "deno test", "bun test", "vitest tests"}
_FILE_NAME = re.compile(r"^(\./)?[^\s]+\.(m|c)?[jt]sx?$")
_COUNT = re.compile(r"<!--\s*(tests|suites|pass|fail|cancelled|skipped|todo)\s+(\d+)\s*-->")


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False  # not a pytest class

    name: str
    status: Status
    message: str = ""
    file: str | None = None  # relative to the project; None when the runner does not say


@dataclass
class Report:
    """What one run of a runner reported."""

    tests: list[TestOutcome] = field(default_factory=list)
    file_errors: dict[str, str] = field(default_factory=dict)  # file → why it did not run
    totals: dict[str, int] = field(default_factory=dict)  # the runner's own counts


def clean(text: str) -> str:
    return ANSI.sub("", text)


def _first_line(text: str, limit: int = 300) -> str:
    for line in clean(text).strip().splitlines():
        line = line.strip()
        if line:
            return line[:limit]
    return ""


def rel_file(path: str | None, root: Path | None) -> str | None:
    """A report's file path relative to the project (``./a.js``, ``/abs/a.js``, ``file://``)."""
    if not path:
        return None
    p = path.removeprefix("file://")
    if root is not None and p.startswith("/"):
        for base in (str(root), str(root.resolve())):
            if p.startswith(base.rstrip("/") + "/"):
                p = p[len(base.rstrip("/")) + 1 :]
                break
    return p.removeprefix("./")


def _status(case: ET.Element) -> tuple[Status, str]:
    for tag in ("failure", "error"):
        el = case.find(tag)
        if el is not None:
            kind = el.get("type") or ""
            text = (el.get("message") or el.text or "").strip()
            if kind == "cancelledByParent" or text in ("cancelled", "test did not finish"):
                return "cancelled", _first_line(text)
            return "failed", _first_line(text)
    if case.find("skipped") is not None:
        return "skipped", ""
    return "passed", ""


def _is_file_name(name: str) -> bool:
    """A path to a test file (not Deno's internal ``ext:`` modules)."""
    return bool(_FILE_NAME.match(name)) and not name.startswith("ext:")


def _is_file_suite(el: ET.Element, top: bool) -> bool:
    name = el.get("name") or ""
    if el.get("file") and rel_file(el.get("file"), None) == name.removeprefix("./"):
        return True
    return top and (name.startswith("ext:") or bool(_FILE_NAME.match(name)))


def parse_junit(text: str, root: Path | None = None) -> Report:
    try:
        tree = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ValueError(f"not valid JUnit XML: {exc}") from None
    report = Report()
    found: list[TestOutcome] = []

    def walk(el: ET.Element, chain: list[str], file: str | None, top: bool) -> None:
        for child in el:
            if child.tag == "testsuite":
                name = child.get("name") or ""
                if _is_file_suite(child, top):
                    sub = (
                        None
                        if name.startswith("ext:")
                        else rel_file(child.get("file") or name, root)
                    )
                    walk(child, chain, sub, False)
                elif not name or (top and name in _RUNNER_SUITES):
                    walk(child, chain, file, top)
                else:
                    walk(child, [*chain, name], file, False)
            elif child.tag == "testcase":
                title = child.get("name") or ""
                classname = child.get("classname") or ""
                where = rel_file(child.get("file"), root) or file
                if where is None and _is_file_name(classname):
                    where = rel_file(classname, root)
                status, message = _status(child)
                if where is not None and title.removeprefix("./") in (where, child.get("file")):
                    # node --test names a file that failed outside any test after the file
                    report.file_errors[where] = message or "the file failed outside any test"
                    continue
                parts = list(chain)
                # mocha's xunit reporter puts the describe chain (space-joined) in classname;
                # node --test uses the generic classname "test" for top-level tests
                if (
                    not chain
                    and classname not in ("", "test", title)
                    and not _FILE_NAME.match(classname)
                    and not classname.startswith("ext:")
                ):
                    parts.append(classname)
                parts.append(title)
                found.append(TestOutcome(SEP.join(parts), status, message, where))

    walk(_wrap(tree) if tree.tag == "testsuite" else tree, [], None, True)
    report.tests = drop_containers(found)
    report.totals = _junit_totals(tree, text)
    return report


def _junit_totals(tree: ET.Element, text: str) -> dict[str, int]:
    counts = {k: int(v) for k, v in _COUNT.findall(text)}
    if counts:  # node --test writes its own summary as comments
        return counts
    out: dict[str, int] = {}
    for key in ("tests", "failures", "errors", "skipped"):
        value = tree.get(key)
        if value is not None and value.isdigit():
            out[key] = int(value)
    return out


def _wrap(el: ET.Element) -> ET.Element:
    outer = ET.Element("testsuites")
    outer.append(el)
    return outer


def drop_containers(tests: list[TestOutcome]) -> list[TestOutcome]:
    """Keep only leaves: Deno reports each describe block and each test with steps as a test
    too ("summarize" besides "summarize > x"). A name is a container when another test of the
    same file — or of an unknown file (Deno's node:test ``describe`` blocks name no file) —
    lies under it. Two tests with the same name in one file are both kept: the second is
    named ``<name> #2`` (runners report a file's tests in the order they are declared)."""
    by_file: dict[str | None, set[str]] = {}
    for t in tests:
        parts = t.name.split(SEP)
        for i in range(1, len(parts)):
            by_file.setdefault(t.file, set()).add(SEP.join(parts[:i]))
    anywhere = set().union(*by_file.values()) if by_file else set()
    unknown = by_file.get(None, set())

    def container(t: TestOutcome) -> bool:
        if t.file is None:
            return t.name in anywhere
        return t.name in by_file.get(t.file, set()) or t.name in unknown

    seen: dict[tuple[str | None, str], int] = {}
    out: list[TestOutcome] = []
    for t in tests:
        if container(t):
            continue
        key = (t.file, t.name)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            t = TestOutcome(f"{t.name} #{seen[key]}", t.status, t.message, t.file)
        out.append(t)
    return out


def parse_jest_json(text: str, root: Path | None = None) -> Report:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"not valid jest JSON: {exc}") from None
    report = Report()
    for suite in data.get("testResults", []):
        file = rel_file(suite.get("name") or suite.get("testFilePath"), root)
        cases = suite.get("assertionResults") or []
        if not cases and suite.get("status") == "failed" and file:
            report.file_errors[file] = _suite_message(suite.get("message") or "")
        for a in cases:
            name = SEP.join([*a.get("ancestorTitles", []), a.get("title", "")])
            raw = a.get("status", "")
            status: Status = (
                "passed" if raw == "passed" else "failed" if raw == "failed" else "skipped"
            )
            msg = _first_line((a.get("failureMessages") or [""])[0])
            report.tests.append(TestOutcome(name, status, msg, file))
    for key, src in (
        ("tests", "numTotalTests"),
        ("pass", "numPassedTests"),
        ("fail", "numFailedTests"),
        ("skipped", "numPendingTests"),
        ("suites_failed_to_run", "numRuntimeErrorTestSuites"),
    ):
        if isinstance(data.get(src), int):
            report.totals[key] = int(data[src])
    return report


def _suite_message(message: str) -> str:
    """The telling line of jest's "Test suite failed to run" block."""
    lines = [ln.strip() for ln in clean(message).splitlines() if ln.strip()]
    lines = [ln for ln in lines if not ln.startswith(("●", "at "))]
    return lines[0][:300] if lines else "the test suite failed to run"


_TAP_LINE = re.compile(r"^(not ok|ok)\s+\d+\s*(?:-\s*)?(.*?)(?:\s+#\s*(SKIP|TODO)\b.*)?$", re.I)
_TAP_COUNT = re.compile(r"^#\s*(tests|pass|fail|skip|todo)\s+(\d+)\s*$")
AVA_SEP = " › "


def parse_tap(text: str) -> Report:
    """TAP (ava ``--tap``): ``ok N - [file › ]title`` lines; a ``file › `` prefix (ava adds it
    when it runs several files) becomes the file."""
    report = Report()
    for raw in clean(text).splitlines():
        line = raw.strip()
        m = _TAP_LINE.match(line)
        if m:
            name = m.group(2).strip()
            file = None
            head, sep, rest = name.partition(AVA_SEP)
            if sep and _is_file_name(head):
                file, name = head.removeprefix("./"), rest
            name = name.replace(AVA_SEP, SEP)
            directive = (m.group(3) or "").upper()
            status: Status = (
                "skipped" if directive else "passed" if m.group(1).lower() == "ok" else "failed"
            )
            report.tests.append(TestOutcome(name, status, "", file))
            continue
        c = _TAP_COUNT.match(line)
        if c:
            report.totals[c.group(1)] = int(c.group(2))
    report.tests = drop_containers(report.tests)
    return report


def parse_report(path: Path, kind: Literal["junit", "jest"], root: Path | None = None) -> Report:
    text = path.read_text(encoding="utf-8", errors="replace")
    return parse_jest_json(text, root) if kind == "jest" else parse_junit(text, root)


# -- what the console output says about files that did not load ---------------------------------
_DENO_FILE = re.compile(r"^(\S+) \(uncaught error\)\s*$")
_BUN_HEADER = re.compile(r"^(\S+\.(?:m|c)?[jt]sx?):\s*$")
_ERROR = re.compile(r"^\s*(error: .+|(?:\w+)?Error\b.*|SyntaxError.*|TypeError.*)$")
_SUITE_ERROR = re.compile(r"^(error:|error\[|\w*Error\b|.*\bError: )")
_NODE_FAIL = re.compile(r"^[✖x] (\S+\.(?:m|c)?[jt]sx?) \(")


def output_file_errors(output: str, runner: str, root: Path | None = None) -> dict[str, str]:
    """Files the runner's console output says failed to load, with the error line (and Deno's
    info line, which names the fix for a module-format error)."""
    lines = clean(output).splitlines()
    out: dict[str, str] = {}
    if runner == "deno":
        for i, line in enumerate(lines):
            m = _DENO_FILE.match(line.strip())
            if not m:
                continue
            file = rel_file(m.group(1), root) or m.group(1)
            if file in out:
                continue  # Deno repeats the file in its summary at the end
            block = [ln.strip() for ln in lines[i + 1 : i + 20]]
            err = next((b for b in block if b.startswith("error:")), "")
            info = _paragraph(block, "info:")
            out[file] = (err + (f" ({info})" if info else "")).strip() or "uncaught error"
    elif runner == "bun":
        # a file's section starts with "path:"; an error outside any test (the file did not
        # load) follows "# Unhandled error between tests" (a failing test's "error:" does not)
        current: str | None = None
        unhandled = False
        for line in lines:
            m = _BUN_HEADER.match(line)
            if m:
                current, unhandled = rel_file(m.group(1), root), False
                continue
            if line.startswith("# Unhandled error"):
                unhandled = True
            elif current and unhandled and current not in out and _ERROR.match(line):
                out[current] = line.strip()[:300]
    elif runner == "node":
        for i, line in enumerate(lines):
            m = _NODE_FAIL.match(line.strip())
            if not m:
                continue
            file = rel_file(m.group(1), root) or m.group(1)
            for back in range(i - 1, max(-1, i - 80), -1):
                if _NODE_FAIL.match(lines[back].strip()) or lines[back].startswith("✔"):
                    break
                if _ERROR.match(lines[back]):
                    out[file] = lines[back].strip()[:300]
    return out


def _paragraph(block: list[str], head: str) -> str:
    """A ``head`` line of Deno's diagnostics with its continuation lines."""
    for i, line in enumerate(block):
        if line.startswith(head):
            text = [line]
            for more in block[i + 1 :]:
                if not more or re.match(r"^(hint|docs|info|error|at)\b", more):
                    break
                text.append(more)
            return " ".join(text)
    return ""


def suite_error(output: str) -> str:
    """The most telling line of a run that produced no report: an ``error`` line (Deno's
    ``info:`` hint appended), else "last output: <the last non-empty line>"."""
    lines = [ln.strip() for ln in clean(output).splitlines() if ln.strip()]
    lines = [ln for ln in lines if not ln.startswith(("at ", "Stack backtrace", "0: <unknown>"))]
    err = next((ln for ln in lines if _SUITE_ERROR.match(ln)), "")
    info = _paragraph(lines, "info:")
    pick = err or (f"last output: {lines[-1]}" if lines else "")
    return (pick + (f" ({info})" if info and info not in pick else ""))[:400]
