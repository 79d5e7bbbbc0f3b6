"""Per-test outcomes from test runners' machine-readable reports (JUnit XML from node --test,
bun test, deno test, vitest and mocha; jest's JSON), normalised so the same test has the same
name whichever runner ran it: the chain of describe blocks and the test title, joined by
`` > `` — file names and runner-internal suites left out."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Status = Literal["passed", "failed", "skipped"]
_RUNNER_SUITES = {"Mocha Tests", "deno test", "bun test", "vitest tests"}
_FILELIKE = re.compile(r"(\.(m|c)?[jt]sx?$)|(^ext:)|(^\.?/)|(/)")


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False  # not a pytest class

    name: str
    status: Status
    message: str = ""


def _status(case: ET.Element) -> tuple[Status, str]:
    for tag in ("failure", "error"):
        el = case.find(tag)
        if el is not None:
            text = (el.get("message") or el.text or "").strip()
            return "failed", text.splitlines()[0][:200] if text else ""
    if case.find("skipped") is not None:
        return "skipped", ""
    return "passed", ""


def _is_file(name: str) -> bool:
    return bool(_FILELIKE.search(name))


def parse_junit(text: str) -> list[TestOutcome]:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ValueError(f"not valid JUnit XML: {exc}") from None
    found: list[TestOutcome] = []

    def walk(el: ET.Element, chain: list[str]) -> None:
        for child in el:
            if child.tag == "testsuite":
                name = child.get("name") or ""
                skip = not name or _is_file(name) or name in _RUNNER_SUITES
                walk(child, chain if skip else [*chain, name])
            elif child.tag == "testcase":
                title = child.get("name") or ""
                classname = child.get("classname") or ""
                parts = [*chain]
                # mocha's xunit reporter puts the describe chain in classname; node --test
                # uses the generic classname "test" for top-level tests
                if not chain and classname not in ("", "test", title) and not _is_file(classname):
                    parts.append(classname)
                parts += [p for p in title.split(" > ") if p]
                status, message = _status(child)
                found.append(TestOutcome(" > ".join(parts), status, message))

    walk(_wrap(root) if root.tag == "testsuite" else root, [])
    return _drop_containers(found)


def _wrap(el: ET.Element) -> ET.Element:
    outer = ET.Element("testsuites")
    outer.append(el)
    return outer


def _drop_containers(tests: list[TestOutcome]) -> list[TestOutcome]:
    """Deno reports each describe block as a test too ("summarize" besides "summarize > x"):
    keep only leaves."""
    names = {t.name for t in tests}
    leaves = [t for t in tests if not any(n.startswith(t.name + " > ") for n in names)]
    seen: set[str] = set()
    out: list[TestOutcome] = []
    for t in leaves:
        if t.name not in seen:
            seen.add(t.name)
            out.append(t)
    return out


def parse_jest_json(text: str) -> list[TestOutcome]:
    data = json.loads(text)
    out: list[TestOutcome] = []
    for suite in data.get("testResults", []):
        for a in suite.get("assertionResults", []):
            name = " > ".join([*a.get("ancestorTitles", []), a.get("title", "")])
            raw = a.get("status", "")
            status: Status = (
                "passed" if raw == "passed" else "failed" if raw == "failed" else "skipped"
            )
            msg = (a.get("failureMessages") or [""])[0].splitlines()
            out.append(TestOutcome(name, status, msg[0][:200] if msg else ""))
    return out


def parse_report(path: Path, kind: Literal["junit", "jest"]) -> list[TestOutcome]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return parse_jest_json(text) if kind == "jest" else parse_junit(text)


def parity(results: dict[str, list[TestOutcome]]) -> dict[str, object]:
    """Which tests ran and passed under each runner, and a per-test diff where they differ."""
    names = sorted({t.name for ts in results.values() for t in ts})
    table = {r: {t.name: t.status for t in ts} for r, ts in results.items()}
    diff = []
    for n in names:
        row = {r: table[r].get(n, "missing") for r in results}
        if len(set(row.values())) > 1:
            diff.append({"test": n, **row})
    summary = {
        r: {
            "ran": sum(1 for s in t.values() if s != "skipped"),
            "passed": sum(1 for s in t.values() if s == "passed"),
            "failed": sum(1 for s in t.values() if s == "failed"),
            "skipped": sum(1 for s in t.values() if s == "skipped"),
            "missing": sum(1 for n in names if n not in t),
        }
        for r, t in table.items()
    }
    failures = {
        r: [{"test": t.name, "message": t.message} for t in ts if t.status == "failed"][:50]
        for r, ts in results.items()
    }
    return {"tests": len(names), "summary": summary, "diff": diff, "failures": failures}
