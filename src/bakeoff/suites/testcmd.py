"""The project's own test command, read the way its shell and package manager would run it.

The test script (``[test] command`` in bakeoff.toml, else package.json ``scripts.test``) is split
into steps (``a && b``), ``npm test`` / ``npm run x`` / ``pnpm x`` / ``run-s a b`` are followed to
the scripts they run, and the step that runs a test runner (``node --test``, jest, vitest, mocha,
``bun test``, ``deno test``) is picked out with its environment assignments, runtime flags,
runner arguments and file arguments. Unquoted globs are expanded as ``sh -c`` expands them
(``*`` within one folder, hidden files only when asked for, no ``**`` recursion, the word kept
as written when nothing matches). Steps before it that build something are kept (run once,
untimed); linters and type checks, and steps after it, are listed as not run.

Nothing here runs a process: ``suites.testrun`` turns a ``TestCommand`` into each toolchain's
command line.
"""

from __future__ import annotations

import glob
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Framework = Literal["node", "jest", "vitest", "mocha", "ava", "bun", "deno"]
_GLOB = re.compile(r"[*?\[]")
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
# commands that only check the code (the tests never depend on them)
CHECKERS = {
    "eslint",
    "xo",
    "prettier",
    "standard",
    "biome",
    "oxlint",
    "tsd",
    "dprint",
    "semistandard",
    "ts-standard",
    "markdownlint",
    "stylelint",
    "publint",
    "attw",
    "date",
    "echo",
    "true",
}
# wrappers that run the command after them (their own flags are skipped)
WRAPPERS = {"cross-env", "env", "c8", "nyc", "npx", "bunx", "time", "dotenv", "cross-env-shell"}
# node flags that take the next word as their value (when not written --flag=value)
NODE_VALUE_FLAGS = {
    "-r",
    "--require",
    "--import",
    "--loader",
    "--experimental-loader",
    "--conditions",
    "-C",
    "--env-file",
    "--env-file-if-exists",
    "--test-concurrency",
    "--test-name-pattern",
    "--test-skip-pattern",
    "--test-reporter",
    "--test-reporter-destination",
    "--test-timeout",
    "--test-shard",
    "--test-coverage-include",
    "--test-coverage-exclude",
    "--disable-warning",
    "--input-type",
    "--stack-size",
    "--max-old-space-size",
    "--title",
}
MAX_DEPTH = 8


@dataclass(frozen=True)
class Word:
    """One shell word: its text after quote removal, and whether it holds a glob character
    outside quotes (so the shell would expand it)."""

    text: str
    glob: bool = False


@dataclass
class Step:
    """One simple command of the script: ``VAR=x cmd args``."""

    words: list[Word]
    text: str  # as written (for messages)
    via: str = ""  # the script it came from ("scripts.test:unit")


@dataclass
class TestCommand:
    """The test step of the project's script, ready to translate per toolchain."""

    __test__ = False  # not a pytest class

    script: str  # the command as the project wrote it
    source: str  # where it came from
    framework: Framework | None  # None: bakeoff does not know this runner
    step: str = ""  # the test step as written (after following npm run ...)
    env: dict[str, str] = field(default_factory=dict)
    runtime_flags: list[str] = field(default_factory=list)  # node flags before the entry
    args: list[str] = field(default_factory=list)  # runner arguments (after shell expansion)
    paths: list[str] = field(default_factory=list)  # node --test file/dir/glob arguments
    before: list[Step] = field(default_factory=list)  # run once, untimed, before timing
    not_run: list[str] = field(default_factory=list)  # steps bakeoff leaves out, with why
    notes: list[str] = field(default_factory=list)

    def describe(self) -> dict[str, object]:
        return {
            "script": self.script,
            "source": self.source,
            "framework": self.framework,
            "step": self.step,
            "env": dict(self.env),
            "before": [s.text for s in self.before],
            "not_run": list(self.not_run),
            "notes": list(self.notes),
        }


# -- shell words --------------------------------------------------------------------------------
def split_words(text: str) -> list[Word | str]:
    """POSIX shell words and control operators (``&&``, ``||``, ``;``, ``|``, ``&``) of
    ``text``: quotes removed, ``\\`` escapes honoured, each word marked when it has an unquoted
    glob character. Operators come back as plain strings."""
    out: list[Word | str] = []
    buf: list[str] = []
    has_word = False
    globby = False
    i, n = 0, len(text)

    def flush() -> None:
        nonlocal buf, has_word, globby
        if has_word:
            out.append(Word("".join(buf), globby))
        buf, has_word, globby = [], False, False

    while i < n:
        c = text[i]
        if c in " \t\n":
            flush()
            i += 1
        elif c == "'":
            end = text.find("'", i + 1)
            end = n if end < 0 else end
            buf.append(text[i + 1 : end])
            has_word = True
            i = end + 1
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n and text[i + 1] in '"\\$`':
                    buf.append(text[i + 1])
                    i += 2
                else:
                    buf.append(text[i])
                    i += 1
            has_word = True
            i += 1
        elif c == "\\" and i + 1 < n:
            buf.append(text[i + 1])
            has_word = True
            i += 2
        elif text.startswith(("&&", "||"), i):
            flush()
            out.append(text[i : i + 2])
            i += 2
        elif c in ";|&":
            flush()
            out.append(c)
            i += 1
        elif c == "#" and not has_word:
            break  # a comment
        else:
            if c in "*?[":
                globby = True
            buf.append(c)
            has_word = True
            i += 1
    flush()
    return out


def steps_of(text: str, via: str = "") -> list[Step]:
    """The simple commands of ``text`` in order (``a && b; c`` → a, b, c). A pipeline or a
    background job is kept as one step of its first command."""
    steps: list[Step] = []
    current: list[Word] = []
    for tok in split_words(text):
        if isinstance(tok, str):
            if current:
                steps.append(Step(current, _join(current), via))
            current = []
            if tok in ("|", "&"):
                break  # the rest is a pipeline or a job: not a test step bakeoff can time
        else:
            current.append(tok)
    if current:
        steps.append(Step(current, _join(current), via))
    return steps


def _join(words: list[Word]) -> str:
    return " ".join(
        w.text if re.fullmatch(r"[\w@%+=:,./*?\[\]{}-]+", w.text) else repr(w.text) for w in words
    )


def expand(word: Word, cwd: Path) -> list[str]:
    """A word as ``sh`` would pass it on: an unquoted glob becomes the sorted matching paths
    (``*`` stays inside one folder, hidden names only match a pattern that starts with ``.``),
    or stays as written when nothing matches."""
    if not word.glob or not _GLOB.search(word.text):
        return [word.text]
    found = sorted(glob.glob(word.text, root_dir=cwd, include_hidden=False))
    return found or [word.text]


# -- package scripts ----------------------------------------------------------------------------
def read_scripts(project: Path) -> dict[str, str]:
    try:
        data = json.loads((project / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    scripts = data.get("scripts") if isinstance(data, dict) else None
    if not isinstance(scripts, dict):
        return {}
    return {str(k): str(v) for k, v in scripts.items() if isinstance(v, str)}


def _script_refs(words: list[str]) -> tuple[list[str], list[str]] | None:
    """``npm test -- -x`` → (["test"], ["-x"]): the package scripts a step runs and the
    arguments passed on to the (last) one; None when the step runs no package script."""
    if not words:
        return None
    head, rest = words[0], words[1:]
    if head in ("run-s", "run-p", "npm-run-all"):
        names = [w for w in rest if not w.startswith("-")]
        return (names, []) if names else None
    if head not in ("npm", "pnpm", "yarn", "bun"):
        return None
    if not rest:
        return (["install"], []) if head == "yarn" else None
    extra: list[str] = []
    if "--" in rest:
        cut = rest.index("--")
        rest, extra = rest[:cut], rest[cut + 1 :]
    opts = [w for w in rest if w.startswith("-")]
    rest = [w for w in rest if not w.startswith("-")]
    if head == "pnpm" and any(o in ("-r", "--recursive", "--filter") for o in opts):
        return None
    if not rest:
        return None
    verb = rest[0]
    if verb in ("test", "t", "tst") and head != "bun":
        return ["test"], rest[1:] + extra
    if verb in ("run", "run-script"):
        if len(rest) < 2:
            return None
        return [rest[1]], rest[2:] + extra
    if head in ("pnpm", "yarn") and verb not in ("install", "add", "exec", "dlx", "i"):
        return [verb], rest[1:] + extra
    return None


def _command_words(words: list[Word]) -> tuple[dict[str, str], list[Word]]:
    """Leading ``VAR=value`` assignments (also after ``cross-env``/``env``) and the words of
    the command proper, wrappers such as ``npx``, ``c8`` or ``nyc`` removed."""
    env: dict[str, str] = {}
    rest = list(words)
    changed = True
    while changed and rest:
        changed = False
        while rest and _ASSIGN.match(rest[0].text):
            k, v = rest.pop(0).text.split("=", 1)
            env[k] = v
            changed = True
        if rest and rest[0].text in WRAPPERS:
            rest.pop(0)
            # the wrapper's own options (c8 --reporter=lcov, dotenv -e .env --)
            while rest and rest[0].text.startswith("-"):
                flag = rest.pop(0).text
                if flag == "--":
                    break
                if "=" not in flag and rest and flag in ("-e", "-r", "--reporter", "-c"):
                    rest.pop(0)
            changed = True
        if len(rest) >= 2 and [w.text for w in rest[:2]] in (
            ["pnpm", "exec"],
            ["npm", "exec"],
            ["yarn", "exec"],
            ["bun", "x"],
        ):
            rest = rest[2:]
            changed = True
    return env, rest


def _tool(word: str) -> str:
    return os.path.basename(word)


def framework_of(words: list[str]) -> Framework | None:
    """Which test runner a command (wrappers removed) runs, if bakeoff knows it."""
    if not words:
        return None
    tool = _tool(words[0])
    rest = words[1:]
    if tool in ("node", "nodejs"):
        return "node" if any(w == "--test" or w.startswith("--test=") for w in rest) else None
    if tool in ("jest", "vitest", "mocha", "ava"):
        return tool  # type: ignore[return-value]
    if tool == "bun" and rest[:1] == ["test"]:
        return "bun"
    if tool == "deno" and rest[:1] == ["test"]:
        return "deno"
    return None


def _is_checker(words: list[str], via: str) -> bool:
    if not words:
        return True
    tool = _tool(words[0])
    if tool in CHECKERS:
        return True
    if tool in ("tsc", "vue-tsc") and ("--noEmit" in words or "--noemit" in words):
        return True
    name = via.rsplit(":", 1)[-1] if via else ""
    return bool(re.match(r"(pre)?(lint|format|typecheck|check|type-check|types)\b", name))


def _flatten(
    steps: list[Step], scripts: dict[str, str], depth: int = 0
) -> list[tuple[Step, dict[str, str], list[Word]]]:
    """Steps with package-script calls replaced by the scripts they run (their ``pre``/``post``
    scripts included, as npm runs them), each with its env assignments and command words."""
    out: list[tuple[Step, dict[str, str], list[Word]]] = []
    for step in steps:
        env, words = _command_words(step.words)
        refs = _script_refs([w.text for w in words])
        if refs is not None and depth < MAX_DEPTH:
            names, extra = refs
            names = [n for pat in names for n in _script_names(pat, scripts)]
            inner: list[tuple[Step, dict[str, str], list[Word]]] = []
            for i, name in enumerate(names):
                if name not in scripts:
                    continue
                for part in (f"pre{name}", name, f"post{name}"):
                    if part not in scripts:
                        continue
                    text = scripts[part]
                    if part == name and i == len(names) - 1 and extra:
                        text = text + " " + " ".join(_quote(a) for a in extra)
                    inner += _flatten(steps_of(text, f"scripts.{part}"), scripts, depth + 1)
            for s, e, w in inner:
                out.append((s, {**env, **e}, w))
            if inner:
                continue
        out.append((step, env, words))
    return out


def _script_names(pattern: str, scripts: dict[str, str]) -> list[str]:
    """npm-run-all's ``lint:*`` (``*`` within one ``:`` segment, ``**`` across them) → the
    matching script names, in package.json order; a plain name as it is."""
    if "*" not in pattern:
        return [pattern]
    rx = re.escape(pattern).replace(r"\*\*", ".*").replace(r"\*", "[^:]*")
    return [name for name in scripts if re.fullmatch(rx, name)]


def _quote(arg: str) -> str:
    return arg if re.fullmatch(r"[\w@%+=:,./-]+", arg) else "'" + arg.replace("'", "'\\''") + "'"


def parse(script: str, source: str, project: Path) -> TestCommand:
    """Read ``script`` (run in ``project``): its test step, what runs before it and what is
    left out."""
    scripts = read_scripts(project)
    flat = _flatten(steps_of(script), scripts)
    runs = [
        (i, s, e, w)
        for i, (s, e, w) in enumerate(flat)
        if framework_of([x.text for x in w]) is not None
    ]
    if not runs:
        return TestCommand(
            script,
            source,
            None,
            step=flat[-1][0].text if flat else script,
            notes=[
                "no test runner bakeoff knows (node --test, jest, vitest, mocha, ava, "
                "bun test, deno test) in this script"
            ],
        )
    index, step, env, words = runs[-1]
    cmd = TestCommand(script, source, framework_of([x.text for x in words]), step=step.text)
    cmd.env = env
    for i, (s, _e, w) in enumerate(flat):
        if i == index:
            continue
        texts = [x.text for x in w]
        where = f" ({s.via})" if s.via else ""
        if i > index:
            cmd.not_run.append(f"{s.text}{where}: runs after the tests")
        elif framework_of(texts) is not None:
            cmd.not_run.append(f"{s.text}{where}: another test run; bakeoff times the last one")
        elif _is_checker(texts, s.via):
            cmd.not_run.append(f"{s.text}{where}: a check (lint/types), not part of the tests")
        else:
            cmd.before.append(s)
    _split_args(cmd, words, project)
    return cmd


def _split_args(cmd: TestCommand, words: list[Word], project: Path) -> None:
    expanded: list[str] = []
    for w in words[1:]:
        expanded += expand(w, project)
    if cmd.framework == "node":
        flags: list[str] = []
        paths: list[str] = []
        i = 0
        while i < len(expanded):
            a = expanded[i]
            if a.startswith("-"):
                flags.append(a)
                if a in NODE_VALUE_FLAGS and i + 1 < len(expanded):
                    flags.append(expanded[i + 1])
                    i += 1
            else:
                paths.append(a)
            i += 1
        cmd.runtime_flags = [f for f in flags if f != "--test"]
        cmd.paths = paths
        return
    if cmd.framework in ("bun", "deno"):
        cmd.args = expanded[1:]  # after "test"
        return
    if cmd.framework == "vitest":
        rest = expanded
        if rest[:1] in (["run"], ["watch"], ["dev"]):
            rest = rest[1:]
        cmd.args = [a for a in rest if a not in ("--watch", "-w")]
        return
    cmd.args = [a for a in expanded if a not in ("--watch", "--watchAll")]


def from_project(project: Path, command: str | None = None) -> TestCommand | None:
    """The project's test command: ``command`` when given (``[test] command``), else
    package.json ``scripts.test``; None when there is none."""
    if command:
        return parse(command, "bakeoff.toml [test] command", project)
    script = read_scripts(project).get("test")
    if not script or "no test specified" in script:
        return None
    return parse(script, 'package.json "scripts.test"', project)
