"""Each toolchain's command line for the project's test step (``suites.testcmd``), translated
only where the runtime needs it, and recorded with what was translated.

* ``node`` runs the project's ``node [flags] --test [paths]`` as written (the shell's expansion
  of its words), with a JUnit report to a file and the spec reporter on stdout.
* ``bun test`` and ``deno test`` get the same files, each named (``./file`` for Bun, which reads a
  bare word as a name filter), and the Node flags that have an equivalent (``--import`` →
  ``--preload``, ``--test-name-pattern`` → ``-t`` / ``--filter``, ``--env-file``, ...); the others
  are listed. Bun's 5 s per-test default timeout is lifted for node:test suites, which have none.
* jest, vitest and mocha run from their installed JavaScript entry **on the toolchain's
  runtime** — ``bun --bun <entry>`` (so a ``#!/usr/bin/env node`` bin does not hand the run to
  Node) or ``deno run -A <entry>`` — with the project's arguments and a machine-readable report.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bakeoff.measure.process import Command, Executor, ProcessResult
from bakeoff.plan.toolchains import Toolchain
from bakeoff.results import Failure
from bakeoff.suites import testcmd, testfiles
from bakeoff.suites.testcmd import NODE_VALUE_FLAGS, TestCommand

ReportKind = Literal["junit", "jest", "tap"]  # tap: read from the run's stdout
PACKAGES = {"jest": "jest", "vitest": "vitest", "mocha": "mocha", "ava": "ava"}
FALLBACK_ENTRY = {
    "jest": "node_modules/jest/bin/jest.js",
    "vitest": "node_modules/vitest/vitest.mjs",
    "mocha": "node_modules/mocha/bin/mocha.js",
    "ava": "node_modules/ava/entrypoints/cli.mjs",
}
# TypeScript loaders Node needs and Bun/Deno do not (they run TypeScript themselves)
TS_LOADERS = (
    "tsx",
    "tsx/esm",
    "tsx/cjs",
    "ts-node/register",
    "ts-node/esm",
    "ts-node/register/transpile-only",
    "@swc-node/register",
    "@swc-node/register/esm",
    "esbuild-register",
    "@esbuild-kit/esm-loader",
    "@babel/register",
)
NO_TIMEOUT_MS = "2147483647"


@dataclass
class RunnerCommand:
    """One toolchain's test command."""

    argv: list[str]
    kind: ReportKind
    runner: str  # what runs the tests: "bun test", "jest on bun", ...
    files: list[str] | None = None  # the files named on the command line (None: its own choice)
    env: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def describe(self) -> dict[str, object]:
        return {
            "runner": self.runner,
            "command": " ".join(self.argv),
            "files": len(self.files) if self.files is not None else None,
            "env": dict(self.env),
            "translated": list(self.notes),
        }


def _pairs(flags: list[str]) -> list[tuple[str, str | None]]:
    """``["--import", "tsx", "--y"]`` → ``[("--import", "tsx"), ("--y", None)]``."""
    out: list[tuple[str, str | None]] = []
    i = 0
    while i < len(flags):
        f = flags[i]
        if "=" in f and f.startswith("--"):
            k, v = f.split("=", 1)
            out.append((k, v))
        elif f in NODE_VALUE_FLAGS and i + 1 < len(flags):
            out.append((f, flags[i + 1]))
            i += 1
        else:
            out.append((f, None))
        i += 1
    return out


def _is_reporting(flag: str) -> bool:
    return flag.startswith(("--test-reporter", "--experimental-test-coverage", "--test-coverage"))


def node_flags_for_node(flags: list[str]) -> tuple[list[str], list[str]]:
    """The project's Node flags for ``node --test`` itself, as written, but for its reporters
    and coverage (bakeoff sets its own reporter; coverage is left out for every runner)."""
    keep: list[str] = []
    notes: list[str] = []
    i = 0
    while i < len(flags):
        f = flags[i]
        key = f.split("=", 1)[0]
        takes = "=" not in f and key in NODE_VALUE_FLAGS and i + 1 < len(flags)
        words = flags[i : i + 2] if takes else [f]
        if _is_reporting(key):
            notes.append(f"left out {' '.join(words)} (bakeoff sets the reporter)")
        else:
            keep += words
        i += len(words)
    return keep, notes


def translate_node_flags(
    flags: list[str], target: Literal["bun", "deno"]
) -> tuple[list[str], list[str]]:
    """Node flags as ``bun test`` / ``deno test`` flags, and what could not be carried over."""
    out: list[str] = []
    notes: list[str] = []
    timeout: str | None = None
    for k, v in _pairs(flags):
        if k in ("--import", "--require", "-r", "--loader", "--experimental-loader"):
            if v in TS_LOADERS or (v or "").startswith(("tsx", "ts-node")):
                notes.append(f"left out {k} {v}: {target} runs TypeScript itself")
            elif k in ("--loader", "--experimental-loader"):
                notes.append(f"left out {k} {v}: {target} has no Node loader hooks flag")
            elif target == "bun":
                out.append(f"--preload={v}")
            else:
                out.append(f"--preload={v}" if k == "--import" else f"--require={v}")
        elif k in ("--env-file", "--env-file-if-exists"):
            out.append(f"--env-file={v}")
        elif k == "--test-name-pattern":
            out += ["-t", v or ""] if target == "bun" else [f"--filter={v}"]
        elif k == "--test-timeout":
            timeout = v
            if target == "deno":
                notes.append(f"left out {k}={v}: deno test has no per-test timeout")
        elif k == "--test-only":
            if target == "bun":
                out.append("--only")
            else:
                notes.append("left out --test-only: deno test runs .only tests on its own")
        elif k in ("--conditions", "-C") and target == "bun":
            out.append(f"--conditions={v}")
        elif k in ("--experimental-strip-types", "--experimental-transform-types"):
            notes.append(f"left out {k}: {target} runs TypeScript itself")
        elif _is_reporting(k):
            notes.append(f"left out {k} (bakeoff sets the reporter; coverage is not measured)")
        else:
            notes.append(f"left out {k}{'=' + v if v else ''}: no {target} test equivalent")
    if target == "bun":
        # node --test has no per-test timeout; bun test's default of 5 s would fail slow tests
        out.append(f"--timeout={timeout or NO_TIMEOUT_MS}")
        if timeout is None:
            notes.append("--timeout: bun test's 5 s default lifted (node --test has none)")
    return out, notes


def _framework_args_for_bun(framework: str, args: list[str]) -> tuple[list[str], list[str]]:
    """jest/vitest arguments that ``bun test`` understands; the rest listed."""
    out: list[str] = []
    notes: list[str] = []
    i = 0
    value_flags = {
        "-t",
        "--testNamePattern",
        "-c",
        "--config",
        "--maxWorkers",
        "-w",
        "--reporter",
        "--outputFile",
        "--testTimeout",
        "--shard",
        "--project",
        "--environment",
    }
    while i < len(args):
        a = args[i]
        k, _, v = a.partition("=")
        if k in value_flags and not v and i + 1 < len(args):
            v = args[i + 1]
            i += 1
        if k in ("-t", "--testNamePattern"):
            out += ["-t", v]
        elif k == "--testTimeout":
            out.append(f"--timeout={v}")
        elif k == "--bail":
            out.append("--bail")
        elif a.startswith("-"):
            notes.append(
                f"left out {a}{' ' + v if v and '=' not in a else ''}: not a bun test option"
            )
        i += 1
    return out, notes


def entry(project: Path, framework: str) -> tuple[str, str]:
    """The JavaScript file a framework's bin runs, relative to ``project``, and its version."""
    pkg = project / "node_modules" / PACKAGES[framework] / "package.json"
    try:
        data = json.loads(pkg.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return FALLBACK_ENTRY[framework], "?"
    bin_ = data.get("bin")
    rel = (
        bin_
        if isinstance(bin_, str)
        else (bin_ or {}).get(framework)
        if isinstance(bin_, dict)
        else None
    )
    if not isinstance(rel, str):
        return FALLBACK_ENTRY[framework], str(data.get("version", "?"))
    path = (Path("node_modules") / PACKAGES[framework] / rel).as_posix()
    return path, str(data.get("version", "?"))


_SHIM_NODE_PATH = re.compile(r'^\s*export NODE_PATH="([^"$]+)"\s*$', re.MULTILINE)


def shim_env(project: Path, name: str) -> dict[str, str]:
    """What the project's own ``node_modules/.bin/<name>`` sets before it runs the package's
    entry: pnpm's shell shims export a ``NODE_PATH`` of its virtual store, which packages that
    look up their peers rely on (vitest 0.28 under pnpm: "MISSING DEP Can not find dependency
    'vite'" when its entry ran without it). bakeoff runs the entry directly — on the
    toolchain's runtime, not the shim's ``node`` — so it sets the same."""
    try:
        text = (project / "node_modules" / ".bin" / name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    m = _SHIM_NODE_PATH.search(text)
    return {"NODE_PATH": m.group(1)} if m else {}


def on_runtime(tc: Toolchain, script: str) -> list[str]:
    """How the toolchain's runtime runs a JavaScript file of a package (a tool's entry)."""
    fam = tc.runtime.family
    if fam == "bun":
        return [tc.runtime.binary, "--bun", script]
    if fam == "deno":
        return [tc.runtime.binary, "run", "--allow-all", script]
    return [tc.runtime.binary, script]


def _version(tc: Toolchain, family: str) -> str:
    if tc.runtime.family == family:
        return tc.runtime.runtime.version
    rt = tc.tools.get(family)
    return rt.version if rt else "?"


def _strip_reporter_args(framework: str, args: list[str]) -> tuple[list[str], list[str]]:
    drop_value = {
        "mocha": {"--reporter", "-R", "--reporter-option", "--reporter-options", "-O"},
        "jest": {"--outputFile", "--reporters"},
        "vitest": {"--reporter", "--outputFile"},
        "ava": set(),
    }[framework]
    drop_flag = {
        "mocha": set(),
        "jest": {"--json", "--coverage", "--watch", "--watchAll"},
        "vitest": {"--coverage", "--watch", "--ui"},
        "ava": {"--tap", "--verbose", "-v", "--watch", "-w"},
    }[framework]
    out: list[str] = []
    notes: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        k = a.split("=", 1)[0]
        if k in drop_value or k.startswith(("--reporter-option", "--outputFile.", "--coverage.")):
            if "=" not in a and i + 1 < len(args):
                i += 1
                a = f"{a} {args[i]}"
            notes.append(f"left out {a} (bakeoff sets the reporter)")
        elif k in drop_flag:
            notes.append(f"left out {a} (coverage/watch/reporter: not part of the timed run)")
        else:
            out.append(a)
        i += 1
    return out, notes


def runner_command(
    tc: Toolchain,
    cmd: TestCommand | None,
    files: list[str] | None,
    report: Path,
    project: Path,
) -> RunnerCommand:
    """The command that runs ``cmd`` with ``tc``'s test runner in the working copy ``project``,
    writing its report to ``report``. ``files``: the test files every runner gets (None: let
    the runner choose, as the project's command does)."""
    r = tc.test_runner
    fw = cmd.framework if cmd else None
    env = dict(cmd.env) if cmd else {}
    if r == "node":
        flags, notes = node_flags_for_node(cmd.runtime_flags if cmd and fw == "node" else [])
        paths = cmd.paths if cmd and fw == "node" else list(files or [])
        return RunnerCommand(
            [
                tc.binary("node"),
                *flags,
                "--test",
                "--test-reporter=junit",
                f"--test-reporter-destination={report}",
                "--test-reporter=spec",
                "--test-reporter-destination=stdout",
                *paths,
            ],
            "junit",
            f"node --test (node {_version(tc, 'node')})",
            files if fw != "node" else None,
            env,
            notes,
        )
    if r in ("bun", "deno"):
        notes = []
        if cmd and fw == "node":
            extra, notes = translate_node_flags(cmd.runtime_flags, r)  # type: ignore[arg-type]
        elif cmd and fw in ("jest", "vitest") and r == "bun":
            extra, notes = _framework_args_for_bun(fw, cmd.args)
        elif cmd and fw == r:
            extra = [a for a in cmd.args if a.startswith("-")]
        else:
            extra = []
        named = list(files) if files is not None else []
        if r == "bun":
            argv = [
                tc.binary("bun"),
                "test",
                *extra,
                "--reporter=junit",
                f"--reporter-outfile={report}",
                *(f if f.startswith(("/", "./", "../")) else f"./{f}" for f in named),
            ]
        else:
            # type-checking is tsc's job, not the test runner's: --no-check keeps it out
            argv = [
                tc.binary("deno"),
                "test",
                "--allow-all",
                "--no-check",
                "--reporter=dot",
                f"--junit-path={report}",
                *extra,
                *named,
            ]
        return RunnerCommand(
            argv,
            "junit",
            f"{r} test ({r} {_version(tc, r)})",
            files,
            env,
            notes,
        )
    if r in PACKAGES:
        script, version = entry(project, r)
        env = {**shim_env(project, r), **env}
        args, notes = _strip_reporter_args(r, cmd.args if cmd and fw == r else [])
        if cmd and fw not in (None, r):
            notes.append(
                f"the project's tests are written for {fw}; {r} runs them as it finds them"
            )
        base = on_runtime(tc, script)
        fam = tc.runtime.family
        where = f"{r} {version} on {fam} {tc.runtime.runtime.version}"
        if r == "jest":
            argv = [*base, *args, "--ci", "--json", f"--outputFile={report}"]
            kind: ReportKind = "jest"
        elif r == "vitest":
            argv = [
                *base,
                "run",
                *args,
                "--reporter=default",
                "--reporter=junit",
                f"--outputFile.junit={report}",
            ]
            kind = "junit"
        elif r == "ava":
            argv = [*base, *args, "--tap"]
            kind = "tap"
        else:
            argv = [*base, *args, "--reporter", "xunit", "--reporter-option", f"output={report}"]
            kind = "junit"
        return RunnerCommand(argv, kind, where, None, env, notes)
    raise ValueError(f"unknown test runner {r}")


def listing_argv(tc: Toolchain, cmd: TestCommand, project: Path) -> list[str] | None:
    """A command that prints the files the project's framework would run (jest, vitest), or
    None when bakeoff computes the list itself."""
    fw = cmd.framework
    if fw not in ("jest", "vitest"):
        return None
    script, _ = entry(project, fw)
    args, _ = _strip_reporter_args(fw, cmd.args)
    base = [tc.node(), script]
    if fw == "jest":
        return [*base, *args, "--listTests", "--json"]
    return [*base, "list", *args, "--filesOnly", "--json"]


def parse_listing(text: str, project: Path) -> list[str]:
    """Files from ``jest --listTests --json`` / ``vitest list --json``, relative to ``project``."""
    start = text.find("[")
    data = json.loads(text[start:]) if start >= 0 else []
    out: list[str] = []
    for item in data:
        path = (
            item if isinstance(item, str) else item.get("file") if isinstance(item, dict) else None
        )
        if not isinstance(path, str):
            continue
        p = Path(path)
        try:
            rel = p.relative_to(project) if p.is_absolute() else p
        except ValueError:
            try:
                rel = p.resolve().relative_to(project.resolve())
            except ValueError:
                continue
        out.append(rel.as_posix())
    return list(dict.fromkeys(out))


# -- the plan shared by the test suite and the CI suite's test step -----------------------------
@dataclass
class Setup:
    """A step of the project's script that runs before its tests (a build), run once per
    working copy, untimed, through ``sh -c`` with ``node_modules/.bin`` on PATH."""

    text: str
    ok: bool
    failure: Failure | None = None


class TestPlanner:
    """The project's test command (read once), the files every runner gets (listed once) and
    each toolchain's command line."""

    __test__ = False  # not a pytest class

    def __init__(self, project: Path, command: str | None = None) -> None:
        self.project = project
        self.override = command
        self._cmd: TestCommand | None = None
        self._read = False
        self._files: list[str] | None = None
        self._listed = False
        self.listing: dict[str, object] = {}

    @property
    def listed(self) -> bool:
        return self._listed

    def command(self) -> TestCommand | None:
        if not self._read:
            self._cmd = testcmd.from_project(self.project, self.override)
            self._read = True
        return self._cmd

    def setup_argv(self) -> list[tuple[str, list[str]]]:
        cmd = self.command()
        return [(s.text, ["sh", "-c", s.text]) for s in (cmd.before if cmd else [])]

    def setup(
        self, executor: Executor, copy: Path, env: dict[str, str], timeout_s: float
    ) -> list[Setup]:
        """Run the script's steps before the tests in ``copy`` (untimed)."""
        out: list[Setup] = []
        for text, argv in self.setup_argv():
            res = executor.run(
                Command(
                    tuple(argv),
                    cwd=str(copy),
                    env=self.step_env(copy, env),
                    timeout_s=timeout_s,
                )
            )
            failure = None if res.ok else to_failure(res, f"`{text}` failed", argv)
            out.append(Setup(text, res.ok, failure))
        return out

    def step_env(self, copy: Path, env: dict[str, str]) -> dict[str, str]:
        """The environment the project's test steps run in: the toolchain's, without the
        quiet defaults bakeoff sets for its own tools (``NO_COLOR``, ``FORCE_COLOR``, ``CI``:
        tests of colour or CI handling would fail only because of them), with the script's
        own ``VAR=value`` assignments and ``node_modules/.bin`` first on PATH."""
        cmd = self.command()
        merged = dict(env)
        for key in OWN_DEFAULTS:
            if key in os.environ:
                merged[key] = os.environ[key]
            else:
                merged.pop(key, None)
        merged.update(cmd.env if cmd else {})
        bin_dir = str(copy / "node_modules" / ".bin")
        merged["PATH"] = os.pathsep.join([bin_dir, merged.get("PATH", os.defpath)])
        return merged

    def files(
        self,
        executor: Executor,
        tc: Toolchain | None,
        copy: Path | None,
        env: dict[str, str],
        timeout_s: float,
    ) -> list[str] | None:
        """The test files every runner gets, relative to the project: Node's selection for the
        project's ``node --test`` arguments, jest's ``--listTests`` / vitest's ``list`` run in
        ``copy`` with ``tc``'s Node (their defaults when that fails), mocha's spec arguments.
        None when there is no test script (each runner then uses its own discovery)."""
        if self._listed:
            return self._files
        self._listed = True
        cmd = self.command()
        root = copy or self.project
        if cmd is None or cmd.framework is None:
            self._files = None
        elif cmd.framework == "node":
            major = _node_major(tc)
            self._files = testfiles.node_test_files(
                cmd.paths, root, testfiles.strips_types(major, cmd.runtime_flags)
            )
            self.listing = {"how": "node --test's selection for the script's arguments"}
        elif cmd.framework in ("jest", "vitest"):
            self._files = self._list(executor, tc, cmd, root, env, timeout_s)
        elif cmd.framework == "mocha":
            spec = _positional(cmd.args, MOCHA_VALUE_FLAGS)
            recursive = "--recursive" in cmd.args
            self._files = testfiles.mocha_files(spec, root, recursive)
            self.listing = {"how": "mocha's spec arguments (default ./test)"}
        else:
            self._files = testfiles.framework_default_files("vitest", root)
            self.listing = {"how": f"{cmd.framework} test's default file patterns"}
        return self._files

    def _list(
        self,
        executor: Executor,
        tc: Toolchain | None,
        cmd: TestCommand,
        root: Path,
        env: dict[str, str],
        timeout_s: float,
    ) -> list[str]:
        fw = str(cmd.framework)
        argv = listing_argv(tc, cmd, root) if tc is not None else None
        if argv is not None:
            res = executor.run(
                Command(
                    tuple(argv),
                    cwd=str(root),
                    env={**shim_env(root, fw), **self.step_env(root, env)},
                    timeout_s=timeout_s,
                    keep_output=True,
                )
            )
            if res.ok:
                try:
                    files = parse_listing(res.stdout or res.stdout_tail, root)
                    listed = True
                except ValueError:
                    files, listed = [], False
                if files or (listed and "[" in (res.stdout or res.stdout_tail)):
                    # the runner itself listed them: none means the project has no tests
                    self.listing = {"how": " ".join(argv[1:]), "none": not files}
                    return files
            self.listing = {
                "how": f"{fw}'s default file patterns",
                "listing_failed": to_failure(
                    res, f"{fw} could not list its files", argv
                ).model_dump(),
            }
        else:
            self.listing = {"how": f"{fw}'s default file patterns"}
        return testfiles.framework_default_files(fw, root)

    def command_for(self, tc: Toolchain, copy: Path, report: Path) -> RunnerCommand:
        cmd = self.command()
        files = self._files if self._listed else None
        return runner_command(tc, cmd, files, report, copy)


OWN_DEFAULTS = ("NO_COLOR", "FORCE_COLOR", "CI")
MOCHA_VALUE_FLAGS = {
    "--require",
    "-r",
    "--reporter",
    "-R",
    "--ui",
    "-u",
    "--timeout",
    "-t",
    "--slow",
    "-s",
    "--grep",
    "-g",
    "--fgrep",
    "-f",
    "--file",
    "--ignore",
    "--exclude",
    "--extension",
    "--config",
    "--package",
    "--reporter-option",
    "--reporter-options",
    "-O",
    "--spec",
    "-j",
    "--jobs",
    "--retries",
    "--delay",
}


def _positional(args: list[str], value_flags: set[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("-"):
            if a == "--spec" and i + 1 < len(args):
                out.append(args[i + 1])
            if "=" not in a and a in value_flags:
                i += 1
        else:
            out.append(a)
        i += 1
    return out


def _node_major(tc: Toolchain | None) -> int | None:
    if tc is None:
        return None
    version = (
        tc.runtime.runtime.version
        if tc.runtime.family == "node"
        else tc.tools["node"].version
        if "node" in tc.tools
        else ""
    )
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else None


def to_failure(res: ProcessResult, what: str, argv: Sequence[str] = ()) -> Failure:
    """A failed run with its evidence: the reason, exit code, the command and both tails."""
    why = res.failure()
    return Failure(
        reason=f"{what}: {why}" if why else what,
        exit_code=res.exit_code,
        signal=res.signal,
        timed_out=res.timed_out,
        stderr_tail=res.stderr_tail[-1500:],
        stdout_tail=res.stdout_tail[-1500:],
        command=" ".join(argv),
    )
