"""Which runtime really ran (bakeoff.compat.identity) and how an area that hangs or crashes is
restarted without the culprit (bakeoff.compat.probes.run_area)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from bakeoff.compat import identity
from bakeoff.compat.probes import PREFIX, run_area
from bakeoff.measure.fake import result
from bakeoff.measure.process import Command, LauncherExecutor, ProcessResult
from docjson import raw


def _script(path: Path, first_line: str) -> Path:
    path.write_text(first_line + "\nconsole.log(1)\n")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("#!/usr/bin/env node", "node"),
        ("#!/usr/bin/env -S node --max-old-space-size=4096", "node"),
        ("#!/usr/bin/env NODE_ENV=test bun", "bun"),
        ("#!/usr/local/bin/deno run -A", "deno"),
        ("#!/bin/sh", "sh"),
        ("console.log(1)", None),
    ],
)
def test_shebang_interpreter(tmp_path: Path, line: str, want: str | None) -> None:
    assert identity.shebang_interpreter(_script(tmp_path / "bin.js", line)) == want


def test_family_of_exe_follows_symlinks(tmp_path: Path) -> None:
    real = tmp_path / "bun"
    real.write_text("")
    shim = tmp_path / "shim" / "node"
    shim.parent.mkdir()
    shim.symlink_to(real)  # Bun's node shim is a link to bun
    assert identity.family_of_exe(str(shim)) == "bun"
    assert identity.family_of_exe("/usr/bin/node") == "node"
    assert identity.family_of_exe("/opt/deno") == "deno"
    assert identity.family_of_exe("/bin/sh") is None


def test_family_from_report() -> None:
    assert identity.family_from_report({"versions": {"node": "24.0.0", "bun": "1.4.5"}}) == "bun"
    assert identity.family_from_report({"versions": {"node": "24", "deno": "2.9"}}) == "deno"
    assert identity.family_from_report({"versions": {"node": "26.1.0"}}) == "node"
    assert identity.family_from_report({"runtime": "bun"}) == "bun"


def _p(pid: int, exe: str, fam: str) -> identity.SeenProcess:
    return identity.SeenProcess(pid, exe, fam, f"{exe} x.js")


def test_verdict() -> None:
    bun = _p(10, "/rt/bun", "bun")
    v = identity.verdict("bun", [bun, _p(11, "/usr/bin/node", "node")], "/rt/bun")
    assert not v.really_tested and "node ran (/usr/bin/node, pid 11" in v.detail
    assert v.families == ["bun", "node"]
    assert identity.verdict("bun", [bun], "/rt/bun").really_tested
    other_node = identity.verdict(
        "node", [_p(1, "/rt/node", "node"), _p(2, "/usr/bin/node", "node")], "/rt/node"
    )
    assert not other_node.really_tested and "another node executable" in other_node.detail
    assert not identity.verdict("deno", []).really_tested


def test_script_bins_reads_the_shebang_of_the_bin_each_script_starts(tmp_path: Path) -> None:
    bindir = tmp_path / "node_modules" / ".bin"
    bindir.mkdir(parents=True)
    _script(bindir / "jest", "#!/usr/bin/env node")
    _script(bindir / "tool", "#!/bin/sh")
    scripts = {"test": "NODE_ENV=test jest --ci", "lint": "tool .", "start": "node server.js"}
    (tmp_path / "package.json").write_text(json.dumps({"scripts": scripts}))
    got = {b.script: (b.bin, b.interpreter) for b in identity.script_bins(tmp_path)}
    assert got == {"test": ("jest", "node"), "lint": ("tool", "sh")}
    assert identity.script_bins(tmp_path / "missing") == []


def test_predict_uses_the_probe_result_per_contestant() -> None:
    bins = [identity.ScriptBin("test", "jest", "jest", "node")]
    rows = identity.predict(
        bins,
        [("node", "node"), ("bun", "bun"), ("deno", "deno"), ("bun2", "bun")],
        {"bun": "fail", "deno": "pass"},
    )
    assert rows[0]["contestants"]["node"].startswith("runs under node")
    assert rows[0]["contestants"]["bun"] == "runs under node: not really tested"
    assert rows[0]["contestants"]["deno"].startswith("runs under deno")
    assert rows[0]["contestants"]["bun2"].startswith("unknown")


def test_run_observed_sees_a_runtime_started_by_a_shell(tmp_path: Path) -> None:
    """A real process tree, no JavaScript runtime needed: a copy of sleep named ``node``."""
    sleeper = shutil.which("sleep")
    if sleeper is None:
        pytest.skip("no sleep executable")
    fake_node = tmp_path / "node"
    shutil.copy(sleeper, fake_node)
    with LauncherExecutor() as ex:
        proc, seen = identity.run_observed(
            ex, Command(("sh", "-c", f"'{fake_node}' 0.5; exit 0"), timeout_s=10)
        )
    assert proc.ok, proc.failure()
    assert [(p.family, p.exe) for p in seen] == [("node", str(fake_node))]
    assert identity.verdict("bun", seen).really_tested is False


def test_run_observed_with_an_executor_without_pids_sees_nothing() -> None:
    class Plain:
        def run(self, cmd: Command) -> ProcessResult:
            return result(1)

        def close(self) -> None:
            pass

    proc, seen = identity.run_observed(Plain(), Command((sys.executable, "-c", "0")))
    assert proc.ok and seen == []


# -- restarting an area after a hang or a crash --------------------------------------------------
def _out(*events: dict[str, object]) -> str:
    return "\n".join(PREFIX + json.dumps({"area": "a", **e}) for e in events)


def _begin(name: str) -> dict[str, object]:
    return {"event": "begin", "check": name}


def _res(name: str, status: str = "pass") -> dict[str, object]:
    return {"check": name, "status": status, "detail": ""}


END = {"event": "end"}


def test_a_hang_is_recorded_as_timeout_and_the_rest_still_runs() -> None:
    calls: list[list[str]] = []

    def launch(skip: list[str]) -> tuple[str, ProcessResult]:
        calls.append(skip)
        if not skip:  # first run: a passes, b hangs until the area's limit
            return _out(_begin("a"), _res("a"), _begin("b")), result(60000, timed_out=True)
        return _out(_begin("c"), _res("c", "fail"), _begin("d"), _res("d"), END), result(10)

    run = run_area(launch, "a", "deno", ["a", "b", "c", "d"])
    assert [(r.check, r.status) for r in run.results] == [
        ("a", "pass"),
        ("b", "timeout"),
        ("c", "fail"),
        ("d", "pass"),
    ]
    assert "hung while this check ran" in run.results[1].detail
    assert calls == [[], ["a", "b"]] and run.restarts == 1 and run.status == "timeout"


def test_a_crash_names_the_culprit_and_restarts_until_done() -> None:
    def launch(skip: list[str]) -> tuple[str, ProcessResult]:
        todo = [n for n in ["a", "b", "c"] if n not in skip]
        # every check crashes the runtime (a WASI proc_exit ending the whole process)
        return _out(_begin(todo[0])), result(5, exit_code=0 if todo[0] != "b" else 139)

    run = run_area(launch, "wasi", "bun", ["a", "b", "c"])
    assert [(r.check, r.status) for r in run.results] == [
        ("a", "error"),
        ("b", "error"),
        ("c", "error"),
    ]
    assert all("crashed the runtime" in r.detail for r in run.results)
    assert run.restarts == 2


def test_hangs_restart_at_most_twice() -> None:
    def launch(skip: list[str]) -> tuple[str, ProcessResult]:
        todo = [n for n in "abcdef" if n not in skip]
        return _out(_begin(todo[0])), result(60000, timed_out=True)

    run = run_area(launch, "x", "deno", list("abcdef"))
    assert run.restarts == 2
    statuses = {r.check: r.status for r in run.results}
    assert statuses == dict.fromkeys("abcdef", "timeout")
    assert "area did not finish" in next(r.detail for r in run.results if r.check == "f")


def test_a_crash_before_any_check_stops_at_once() -> None:
    n = 0

    def launch(skip: list[str]) -> tuple[str, ProcessResult]:
        nonlocal n
        n += 1
        return "", result(5, exit_code=1, stderr="SyntaxError: bad import")

    run = run_area(launch, "x", "bun", ["a", "b"])
    assert n == 1 and [r.status for r in run.results] == ["error", "error"]
    assert "SyntaxError" in run.results[0].detail


def test_the_harness_skip_list_reaches_the_runtime(tmp_path: Path) -> None:
    """The suite passes already-reported checks to the restarted area in BAKEOFF_PROBE_SKIP."""
    from bakeoff.measure.fake import FakeExecutor
    from bakeoff.plan.contestants import Contender
    from bakeoff.results import ResultsDocument
    from bakeoff.runtimes.provision import Runtime
    from bakeoff.suites.base import SuiteContext
    from bakeoff.suites.compat import CompatSuite

    def behave(cmd: Command, i: int) -> ProcessResult:
        env = dict(cmd.env or {})
        if i == 0:
            out = _out(_begin("join normalizes . and .. segments"))
            return ProcessResult(**{**result(5, exit_code=139).__dict__, "stdout": out})
        assert json.loads(env["BAKEOFF_PROBE_SKIP"]) == ["join normalizes . and .. segments"]
        return ProcessResult(**{**result(5).__dict__, "stdout": _out(END)})

    binary = tmp_path / "bun"
    binary.write_text("")
    rt = Runtime(name="bun", spec="bun", version="1", binary=binary, sha256="0", source="test")
    fake = FakeExecutor(behave)
    ctx = SuiteContext(contenders=[Contender("bun", rt)], executor=fake, workdir=tmp_path / "w")
    doc = ResultsDocument()
    CompatSuite(areas=["path"], packages=[], project=None, executor=fake).run(ctx, doc)
    assert len(fake.calls) == 2
    first = doc.compat[0]
    assert (first.check, first.status) == ("join normalizes . and .. segments", "error")
    assert raw(doc)["suites"]["compat"]["area_runs"][0]["restarts"] == 1
    assert os.environ.get("BAKEOFF_PROBE_SKIP") is None
