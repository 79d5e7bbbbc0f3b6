"""Per-test parity from minimal reports written here in the shapes each runner writes: node:test
subtests that Bun reports as one test, describe names with "/" and " > ", Deno's describe
blocks without a file, a file that fails to load, a whole suite that does not load (one
finding), a runner that wrote no report — and what counts as migration work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bakeoff.results import ResultsDocument
from bakeoff.results.suites import Parity
from bakeoff.suites import testreport
from bakeoff.suites.testparity import RunnerResult, compare
from bakeoff.suites.testreport import output_file_errors, parse_junit, suite_error
from bakeoff.value import migration
from bakeoff.value.usage import Usage

ROOT = Path("/p")

# node --test: describe blocks and tests with t.test subtests are nested <testsuite>s
NODE = """<?xml version="1.0" encoding="utf-8"?>
<testsuites>
  <testsuite name="GET /users/:id">
    <testcase name="returns 200" classname="GET /users/:id" file="/p/src/a.test.ts"/>
    <testsuite name="nested &gt; deeper">
      <testcase name="fails here" classname="x" file="/p/src/a.test.ts">
        <failure type="testCodeFailure" message="1 == 2">AssertionError</failure>
      </testcase>
    </testsuite>
  </testsuite>
  <testsuite name="parent with subtests">
    <testcase name="sub one" classname="parent with subtests" file="/p/src/a.test.ts"/>
    <testcase name="sub two" classname="parent with subtests" file="/p/src/a.test.ts"/>
  </testsuite>
  <testcase name="skipped one" classname="test" file="/p/src/a.test.ts"><skipped/></testcase>
  <testcase name="only in b" classname="test" file="/p/src/b.test.ts"/>
  <!-- tests 7 -->
  <!-- pass 4 -->
  <!-- fail 1 -->
  <!-- skipped 1 -->
</testsuites>"""

# bun test: a testsuite per file; the node:test test with t.test subtests is ONE testcase
BUN = """<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="bun test" tests="5" failures="0" skipped="1">
  <testsuite name="src/a.test.ts" file="src/a.test.ts">
    <testsuite name="GET /users/:id" file="src/a.test.ts">
      <testcase name="returns 200" classname="GET /users/:id" file="src/a.test.ts"/>
      <testsuite name="nested &gt; deeper" file="src/a.test.ts">
        <testcase name="fails here" classname="nested &gt; deeper &gt; GET /users/:id"
                  file="src/a.test.ts"/>
      </testsuite>
    </testsuite>
    <testcase name="parent with subtests" classname="" file="src/a.test.ts"/>
    <testcase name="skipped one" classname="" file="src/a.test.ts"><skipped/></testcase>
  </testsuite>
  <testsuite name="src/b.test.ts" file="src/b.test.ts">
    <testcase name="only in b" classname="" file="src/b.test.ts"/>
  </testsuite>
</testsuites>"""

# deno test: node:test describe blocks land in ext:deno_node with " > "-joined names and no
# file; the describe block itself and a test with steps are reported as tests too
DENO = """<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="deno test" tests="9" failures="2">
  <testsuite name="./src/a.test.ts">
    <testcase name="GET /users/:id" classname="./src/a.test.ts">
      <failure message="1 test step failed">1 test step failed.</failure></testcase>
    <testcase name="parent with subtests" classname="./src/a.test.ts"/>
    <testcase name="skipped one" classname="./src/a.test.ts"><skipped/></testcase>
    <testcase name="parent with subtests &gt; sub one" classname="./src/a.test.ts"/>
    <testcase name="parent with subtests &gt; sub two" classname="./src/a.test.ts">
      <failure message="Uncaught AssertionError: boom">AssertionError</failure></testcase>
  </testsuite>
  <testsuite name="ext:deno_node/testing.ts">
    <testcase name="GET /users/:id &gt; returns 200" classname="ext:deno_node/testing.ts"/>
    <testcase name="GET /users/:id &gt; nested &gt; deeper &gt; fails here"
              classname="ext:deno_node/testing.ts">
      <failure message="Uncaught AssertionError: 1 == 2">x</failure></testcase>
  </testsuite>
  <testsuite name="./src/b.test.ts">
    <testcase name="only in b" classname="./src/b.test.ts"/>
  </testsuite>
</testsuites>"""


def _dump(p: Parity) -> dict[str, Any]:
    return p.model_dump(by_alias=True)


def _rows(p: dict[str, object]) -> dict[str, dict[str, object]]:
    return {f"{r['file']}: {r['test']}": r for r in p["rows"]}  # type: ignore[attr-defined]


def test_names_keep_slashes_and_separators() -> None:
    node = parse_junit(NODE, ROOT)
    names = {(t.file, t.name) for t in node.tests}
    assert ("src/a.test.ts", "GET /users/:id > nested > deeper > fails here") in names
    assert ("src/a.test.ts", "GET /users/:id > returns 200") in names
    bun = parse_junit(BUN, ROOT)
    # a describe named like a route is not a file: it stays in the name path
    assert ("src/a.test.ts", "GET /users/:id > returns 200") in {
        (t.file, t.name) for t in bun.tests
    }
    assert node.totals["tests"] == 7 and bun.totals["tests"] == 5


def test_subtests_reported_as_one_test_are_matched_not_missing() -> None:
    p = _dump(
        compare(
            [
                RunnerResult("node", parse_junit(NODE, ROOT)),
                RunnerResult("bun", parse_junit(BUN, ROOT)),
                RunnerResult("deno", parse_junit(DENO, ROOT)),
            ],
            "node",
        )
    )
    rows = _rows(p)
    parent = rows["src/a.test.ts: parent with subtests"]
    # compared as one test: passed under node and bun, failed under deno (one step failed)
    assert (parent["status"]["node"], parent["status"]["bun"], parent["status"]["deno"]) == (
        "passed",
        "passed",
        "failed",
    )
    deep = rows["src/a.test.ts: GET /users/:id > nested > deeper > fails here"]
    assert (deep["status"]["node"], deep["status"]["bun"], deep["status"]["deno"]) == (
        "failed",
        "passed",
        "failed",
    )
    # Deno's describe container "GET /users/:id" is not a test of its own
    assert "src/a.test.ts: GET /users/:id" not in rows
    assert p["tests"] == 5
    for who in ("node", "bun", "deno"):
        assert p["summary"][who]["not run"] == 0 and p["summary"][who]["not collected"] == 0
    assert p["whole_tests"] == {"bun": 1}
    assert migration.migration_failing(Parity.model_validate(p), "deno", "node") == [
        "src/a.test.ts: parent with subtests"
    ]
    assert migration.migration_failing(Parity.model_validate(p), "bun", "node") == []


def test_a_test_missing_from_a_loaded_file_is_not_collected() -> None:
    bun = parse_junit(BUN, ROOT)
    bun.tests = [t for t in bun.tests if t.name != "skipped one"]
    p = _dump(compare([RunnerResult("node", parse_junit(NODE, ROOT)), RunnerResult("bun", bun)]))
    row = _rows(p)["src/a.test.ts: skipped one"]
    assert row["status"]["bun"] == "not collected"
    # every unmatched test says why (esrap under deno: 254 tests "not collected", no reason)
    assert "bun ran src/a.test.ts but did not report this test" in row["why"]["bun"]


NODE_LOAD_FAILURE = """<?xml version="1.0" encoding="utf-8"?>
<testsuites>
  <testcase name="one" classname="test" file="/p/test/a.test.js"/>
  <testcase name="test/b.test.js" classname="test" file="/p/test/b.test.js" failure="test failed">
    <failure type="testCodeFailure" message="test failed">[Error: test failed]</failure>
  </testcase>
  <!-- tests 2 -->
</testsuites>"""

NODE_SPEC = """✔ one (0.5ms)
Error: Cannot find module './missing-module'
Require stack:
- /p/test/b.test.js
    at Module._resolveFilename (node:internal/modules/cjs/loader:1603:15)
Node.js v26.12.1
✖ test/b.test.js (37.0ms)
ℹ tests 2
"""

BUN_STDERR = """
test/a.test.js:
(pass) one [1.27ms]
error: expect(received).toBe(expected)
(fail) two [0.2ms]

test/c.test.ts:

# Unhandled error between tests
-------------------------------
8 | vi.mock("./repo");
       ^
TypeError: mock(module, fn) requires a function
      at /p/test/c.test.ts:8:4
-------------------------------

test/b.test.js:

# Unhandled error between tests
-------------------------------
error: Cannot find module './missing-module' from '/p/test/b.test.js'
-------------------------------
"""

DENO_CJS = """Uncaught error from ./test/a.test.js \x1b[31mFAILED\x1b[0m

 ERRORS

./test/a.test.js (uncaught error)
\x1b[31merror\x1b[0m: (in promise) ReferenceError: require is not defined
const { test } = require('node:test');
    at file:///p/test/a.test.js:1:18

    info: Deno supports CommonJS modules in .cjs files, or when the closest
          package.json has a "type": "commonjs" option.
    hint: Rewrite this module to ESM,

 FAILURES

./test/a.test.js (uncaught error)
error: Test failed
"""


def test_a_file_that_does_not_load_is_a_file_error_not_a_test() -> None:
    node = parse_junit(NODE_LOAD_FAILURE, ROOT)
    assert [t.name for t in node.tests] == ["one"]
    assert "test/b.test.js" in node.file_errors
    assert output_file_errors(NODE_SPEC, "node", ROOT) == {
        "test/b.test.js": "Error: Cannot find module './missing-module'"
    }
    bun = output_file_errors(BUN_STDERR, "bun", ROOT)
    assert bun["test/b.test.js"].startswith("error: Cannot find module")
    assert bun["test/c.test.ts"] == "TypeError: mock(module, fn) requires a function"
    assert "test/a.test.js" not in bun  # a failing test's error is not a load failure


def test_a_whole_suite_load_failure_is_one_finding_with_its_cause() -> None:
    node = RunnerResult("node", parse_junit(NODE, ROOT))
    empty = parse_junit('<testsuites name="deno test" tests="0"></testsuites>', ROOT)
    errors = output_file_errors(DENO_CJS, "deno", ROOT)
    assert errors["test/a.test.js"].startswith(
        "error: (in promise) ReferenceError: require is not defined"
    )
    assert '"type": "commonjs"' in errors["test/a.test.js"]  # the info line names the fix
    deno = RunnerResult(
        "deno",
        empty,
        command="deno test --allow-all test/a.test.js",
        exit_code=1,
        stdout_tail=DENO_CJS,
        output_errors=errors,
    )
    p = _dump(compare([node, deno], "node"))
    finding = p["findings"]["deno"]
    assert "require is not defined" in finding["reason"]
    assert finding["command"].startswith("deno test") and finding["exit_code"] == 1
    assert "require is not defined" in finding["stdout_tail"]
    assert p["summary"]["deno"]["not run"] == p["tests"] and p["summary"]["deno"]["failed"] == 0
    assert migration.migration_failing(Parity.model_validate(p), "deno", "node") == []


def test_a_runner_that_wrote_no_report_is_one_finding_not_an_errno() -> None:
    p = _dump(
        compare(
            [
                RunnerResult("node", parse_junit(NODE, ROOT)),
                RunnerResult(
                    "deno",
                    None,
                    command="deno test",
                    exit_code=1,
                    error="deno test exited with code 1 and wrote no report: "
                    + suite_error('error: Module not found "file:///p/src/setup.ts".'),
                ),
            ]
        )
    )
    f = p["findings"]["deno"]
    assert f["kind"] == "no report" and "Module not found" in f["reason"]
    assert "Errno" not in f["reason"]


def test_migration_counts_only_tests_that_ran_and_failed() -> None:
    node = RunnerResult("node", parse_junit(NODE, ROOT))
    deno_cjs = RunnerResult(
        "deno",
        parse_junit("<testsuites/>", ROOT),
        output_errors=output_file_errors(DENO_CJS, "deno", ROOT),
    )
    bun = RunnerResult("bun", parse_junit(BUN, ROOT))
    doc = ResultsDocument()
    doc.suites.put("test", {"parity": compare([node, bun, deno_cjs], "node")})
    usage = Usage()
    bun_est = migration.estimate(doc, "bun", "node", usage)
    assert bun_est["failing_tests"] == 0 and bun_est["complete"]
    deno_est = migration.estimate(doc, "deno", "node", usage)
    # 5 tests did not run: not 5 failures; the suite not loading is one finding
    assert deno_est["failing_tests"] == 0
    assert deno_est["unrun_tests"] == 5 and not deno_est["complete"]
    assert [f.area for f in deno_est["findings"]] == ["test suite"]
    assert (
        deno_est["hours"] == usage.migration.fixed_hours + usage.migration.hours_per_failing_check
    )


def test_clean_strips_colour() -> None:
    assert testreport.clean("\x1b[0m\x1b[1m\x1b[31merror\x1b[0m: x") == "error: x"


def test_ava_tap_output() -> None:
    tap = (
        "TAP version 13\n"
        "ok 1 - test.js › deletes files\n"
        "not ok 2 - test.js › dry run\n  ---\n  message: boom\n  ...\n"
        "ok 3 - test.js › later # SKIP\n"
        "1..3\n# tests 3\n# pass 1\n# skip 1\n# fail 1\n"
    )
    got = testreport.parse_tap(tap)
    assert [(t.file, t.name, t.status) for t in got.tests] == [
        ("test.js", "deletes files", "passed"),
        ("test.js", "dry run", "failed"),
        ("test.js", "later", "skipped"),
    ]
    assert got.totals == {"tests": 3, "pass": 1, "skip": 1, "fail": 1}


def test_names_that_differ_only_in_quotes_are_the_same_test() -> None:
    node = testreport.Report(
        tests=[
            testreport.TestOutcome("resolve > [ '/a' ] -> '/a'", "passed", "", "t.test.ts"),
            testreport.TestOutcome("resolve > [ 'b' ] -> 'b'", "passed", "", "t.test.ts"),
        ]
    )
    bun = testreport.Report(
        tests=[
            testreport.TestOutcome('resolve > [ "/a" ] -> /a', "passed", "", "t.test.ts"),
            testreport.TestOutcome('resolve > [ "b" ] -> "b"', "failed", "x", "t.test.ts"),
        ]
    )
    p = _dump(compare([RunnerResult("node", node), RunnerResult("bun", bun)], "node"))
    assert p["tests"] == 2
    assert [(r["test"], r["status"]["node"], r["status"]["bun"]) for r in p["rows"]] == [
        ("resolve > [ '/a' ] -> '/a'", "passed", "passed"),
        ("resolve > [ 'b' ] -> 'b'", "passed", "failed"),
    ]


def test_two_tests_with_one_name_are_two_tests() -> None:
    xml = (
        '<testsuite name="Mocha Tests" tests="3" failures="1">'
        '<testcase classname="res .status" name="works" file="/p/test/a.js"/>'
        '<testcase classname="res .status" name="works" file="/p/test/a.js">'
        '<failure message="boom"/></testcase>'
        '<testcase classname="res .status" name="other" file="/p/test/a.js"/>'
        "</testsuite>"
    )  # mocha's xunit reporter: one root testsuite, the describe chain in classname
    got = parse_junit(xml, ROOT)
    assert [(t.name, t.status) for t in got.tests] == [
        ("res .status > works", "passed"),
        ("res .status > works #2", "failed"),
        ("res .status > other", "passed"),
    ]
    assert got.totals["tests"] == 3


def test_a_tab_printed_or_not_and_a_near_twin_name() -> None:
    node = testreport.Report(
        tests=[
            testreport.TestOutcome("hasProtocol > / //test.com", "passed", "", "u.test.ts"),
            testreport.TestOutcome("hasProtocol > ///test.com", "passed", "", "u.test.ts"),
        ]
    )
    bun = testreport.Report(
        tests=[
            testreport.TestOutcome("hasProtocol > /\t//test.com", "passed", "", "u.test.ts"),
            testreport.TestOutcome("hasProtocol > ///test.com", "passed", "", "u.test.ts"),
        ]
    )
    p = _dump(compare([RunnerResult("node", node), RunnerResult("bun", bun)], "node"))
    assert p["tests"] == 2 and p["diff"] == []


def test_a_runner_whose_every_file_failed_is_a_finding_even_alone() -> None:
    jest = testreport.parse_jest_json(
        '{"numTotalTests": 0, "numRuntimeErrorTestSuites": 1, "testResults": [{"name": '
        '"/p/test/a-test.ts", "status": "failed", "assertionResults": [], "message": '
        '"  ● Test suite failed to run\\n\\n    ReferenceError: exports is not defined\\n"}]}',
        ROOT,
    )
    assert jest.file_errors == {"test/a-test.ts": "ReferenceError: exports is not defined"}
    p = _dump(
        compare([RunnerResult("deno", jest), RunnerResult("node", None, error="install failed")])
    )
    assert "exports is not defined" in p["findings"]["deno"]["reason"]
    assert p["findings"]["node"]["reason"] == "install failed"
