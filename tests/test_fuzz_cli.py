"""Odd invocations of the CLI (over 80, run in-process): each ends with the expected exit code
and a message — never a traceback, never a hang, and a bad value never lets measuring start
(the fake runtime logs every run it is asked to do)."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import pytest

import value_fixture
from bakeoff import results
from bakeoff.cli import main
from bakeoff.runtimes.targets import target
from fuzz_inputs import cases
from registry_fake import FakeRegistry, make_tarball

HANG_S = 60.0
FAKE_NODE = """#!/bin/sh
if [ "$1" = "--version" ]; then echo v24.1.0; exit 0; fi
echo "$@" >> "$RUNLOG"
"""
NODE = target("node").package


@dataclass
class Call:
    argv: list[str]
    codes: set[int]
    env: dict[str, str] = field(default_factory=dict)
    says: str = ""  # expected in stderr+stdout
    measures: bool = False  # may the fake runtime be run


@dataclass
class World:
    root: Path
    node: Path
    runlog: Path
    registries: dict[str, FakeRegistry]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    node = tmp_path / "bin" / "node"
    node.parent.mkdir()
    node.write_text(FAKE_NODE)
    node.chmod(0o755)
    (tmp_path / "folder").mkdir()
    (tmp_path / "afile").write_text("a regular file\n")
    (tmp_path / "binary.toml").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin1.toml").write_bytes("[bakeoff]\nout = 'r\xe9sultats'\n".encode("latin-1"))
    (tmp_path / "deep.toml").write_text("x = " + "[" * 3000 + "]" * 3000 + "\n")
    (tmp_path / "nul.toml").write_text('[serve]\nentry = "a\\u0000b"\n')
    (tmp_path / "weights.toml").write_text(
        '[serve]\nentry = "app.js"\n[[serve.requests]]\npath = "/"\nweight = 0\n'
    )
    (tmp_path / "quote.toml").write_text('[serve]\ncommand = "{run} \'app.js"\n')
    (tmp_path / "envkey.toml").write_text('[serve]\nentry = "app.js"\nenv = { "A=B" = "1" }\n')
    (tmp_path / "nan.toml").write_text('[serve]\nentry = "app.js"\nready_timeout = nan\n')
    (tmp_path / "inf.toml").write_text("[measure]\ntimeout = inf\n")
    (tmp_path / "port.toml").write_text('[serve]\nentry = "app.js"\nport = true\n')
    (tmp_path / "prices.toml").write_text('[value.prices]\n"aws.lambda.requests" = "cheap"\n')
    (tmp_path / "rate.toml").write_text("[value.team]\nhourly_rate = inf\n")
    (tmp_path / "big.toml").write_text(
        '[serve]\nentry = "a"\n[[serve.requests]]\npath = "/"\nweight = 9223372036854775807\n'
    )
    (tmp_path / "spec.toml").write_text('[bakeoff]\nruntimes = ["nod@24"]\n')
    (tmp_path / "app.js").write_text("// a server\n")
    (tmp_path / "garbage.json").write_bytes(b"\x00\x01not json")
    (tmp_path / "list.json").write_text("[1, 2]\n")
    (tmp_path / "schema.json").write_text('{"schema": "bakeoff/999"}\n')
    results.save(value_fixture.build(), tmp_path / "results.json")
    fuzz = tmp_path / "fuzz"
    fuzz.mkdir()
    for case in list(cases(1200))[::60]:
        (fuzz / f"{case.index}.toml").write_bytes(case.data)
    regs = {name: FakeRegistry() for name in ("good", "html", "json", "shape", "gzip", "sha1")}
    data = make_tarball("node", "24.1.0")
    for reg in regs.values():
        reg.publish(NODE, "node", ["24.1.0"])
    regs["html"].raw[NODE] = b"<!DOCTYPE html><html><body>Bad Gateway</body></html>"
    regs["json"].raw[NODE] = b'{"versions": {'
    regs["shape"].raw[NODE] = b'{"versions": ["24.1.0"]}'
    regs["gzip"].publish_tarball(NODE, "24.1.0", b"plain bytes, not gzip")
    url = regs["sha1"].publish_tarball(NODE, "24.1.0", data)
    regs["sha1"].packages[NODE]["versions"]["24.1.0"]["dist"] = {"shasum": "0" * 40, "tarball": url}
    yield World(tmp_path, node, tmp_path / "runlog", regs)
    for reg in regs.values():
        reg.close()


def calls(w: World) -> list[Call]:
    r = str(w.root)
    fake = ["-r", str(w.node)]
    quick = ["--case", "hello", "--min-runs", "2", "--max-runs", "2", "--warmups", "0"]
    start = ["startup", *fake, *quick]
    serve = ["serve", *fake, f"{r}/app.js"]
    reg = {name: {"BAKEOFF_REGISTRY": x.url} for name, x in w.registries.items()}
    out: list[Call] = [
        # --config that is not a bakeoff.toml
        Call(["run", "--config", f"{r}/folder"], {2}, says="is a folder"),
        Call(["startup", "--config", f"{r}/folder", *fake, *quick], {2}, says="is a folder"),
        Call(["serve", "--config", f"{r}/folder"], {2}, says="is a folder"),
        Call(["run", "--config", f"{r}/binary.toml"], {2}, says="not UTF-8"),
        Call(["serve", "--config", f"{r}/binary.toml", f"{r}/app.js"], {2}, says="not UTF-8"),
        Call(["run", "--config", f"{r}/latin1.toml"], {2}, says="not UTF-8"),
        Call(["run", "--config", f"{r}/deep.toml"], {2}, says="deep"),
        Call(["run", "--config", f"{r}/nope.toml"], {2}, says="not found"),
        Call(["startup", "--config", f"{r}/nope.toml"], {2}),
        # accepted-then-crash configurations from the hardening issue
        Call(["run", "--config", f"{r}/nul.toml"], {2}, says="NUL"),
        Call(["run", "--config", f"{r}/weights.toml"], {2}, says="weight 0"),
        Call(["run", "--config", f"{r}/quote.toml"], {2}, says="cannot be split"),
        Call(["run", "--config", f"{r}/envkey.toml"], {2}, says="environment variable name"),
        Call(["run", "--config", f"{r}/nan.toml"], {2}, says="finite"),
        Call(["run", "--config", f"{r}/inf.toml"], {2}, says="finite"),
        Call(["run", "--config", f"{r}/port.toml"], {2}, says="serve.port"),
        Call(["run", "--config", f"{r}/prices.toml"], {2}, says="value.prices"),
        Call(["run", "--config", f"{r}/rate.toml"], {2}, says="hourly_rate"),
        Call(["run", "--config", f"{r}/big.toml"], {2}, says="weight"),
        Call(["run", "--config", f"{r}/spec.toml"], {2}, says="bakeoff.runtimes.0"),
        Call(["serve", "--config", f"{r}/nan.toml", *fake], {2}, says="finite"),
        Call(["startup", "--config", f"{r}/prices.toml", *fake, *quick], {2}),
        # the environment
        Call(["runtimes", "install", "node@lts"], {3}, {"BAKEOFF_NODE_LTS": "abc"}, "NODE_LTS"),
        Call(["startup", "-r", "node@lts", *quick], {3}, {"BAKEOFF_NODE_LTS": "abc"}),
        Call(["runtimes", "install", "node@24"], {3}, {"BAKEOFF_REGISTRY": "notaurl"}),
        Call(["startup", "-r", "node@24", *quick], {3}, {"BAKEOFF_REGISTRY": "notaurl"}),
        Call(["runtimes", "list"], {3}, {"BAKEOFF_REGISTRY": "file:///tmp/x"}),
        Call(["runtimes", "install", "bun"], {3}, {"BAKEOFF_REGISTRY": "http://example.com/"}),
        Call(
            ["runtimes", "install", "bun"],
            {3},
            {"BAKEOFF_REGISTRY": "", "npm_config_registry": "ftp://x/"},
        ),
        Call(["runtimes", "list"], {3}, {"BAKEOFF_CACHE_DIR": "/dev/null"}, "not a folder"),
        Call(["runtimes", "verify"], {3}, {"BAKEOFF_CACHE_DIR": "/dev/null"}),
        Call([*start], {3}, {"BAKEOFF_CACHE_DIR": "/dev/null"}),
        Call(["runtimes", "install", "deno@2"], {3}, {"BAKEOFF_CACHE_DIR": "/dev/null/sub"}),
        Call(["runtimes", "install", "node@24"], {3}, {"BAKEOFF_CACHE_DIR": f"{r}/afile"}),
        # registry answers
        Call(["runtimes", "install", "node@24"], {3}, reg["html"], "not JSON"),
        Call(["runtimes", "install", "node@24"], {3}, reg["json"], "not JSON"),
        Call(["runtimes", "install", "node@24"], {3}, reg["shape"], "not a package document"),
        Call(["runtimes", "install", "node@24"], {3}, reg["gzip"], "not a gzip tarball"),
        Call(["runtimes", "install", "node@24"], {3}, reg["sha1"], "sha1"),
        Call(["startup", "-r", "node@24", *quick], {3}, reg["html"], "not JSON"),
        Call(["runtimes", "install", "node@99"], {3}, reg["good"], "no node version"),
        Call(["runtimes", "install", "node@24"], {0}, reg["good"]),
        Call(["runtimes", "verify"], {0}, reg["good"]),
        # measuring options
        Call([*start, "--budget", ""], {2}, says="--budget"),
        Call([*start, "--budget", "0"], {2}),
        Call([*start, "--budget", "-5s"], {2}),
        Call([*start, "--budget", "soon"], {2}),
        Call([*start, "--budget", "inf"], {2}),
        Call([*start, "--timeout", ""], {2}),
        Call([*start, "--timeout", "nan"], {2}),
        Call([*start, "--timeout", "99999h"], {2}),
        Call([*start, "--precision", ""], {2}),
        Call([*start, "--precision", "2"], {2}),
        Call([*start, "--precision", "nan"], {2}),
        Call([*start, "--precision", "-1%"], {2}),
        Call([*start, "--threshold", "abc"], {2}),
        Call(["startup", *fake, "--case", "hello", "--min-runs", "1"], {2}),
        Call(["startup", *fake, "--case", "hello", "--min-runs", "5", "--max-runs", "3"], {2}),
        Call(["startup", *fake, "--case", "hello", "--warmups", "-1"], {2}),
        Call([*start, "--seed", "abc"], {2}),
        Call(["startup", *fake, "--case", "nope"], {2}),
        Call(["startup", *fake, f"{r}/missing.js"], {2}, says="script not found"),
        Call(["startup", "-r", "nod@24", *quick], {2}, says="unknown runtime"),
        Call(["startup", "-r", "", *quick], {2}),
        Call(["startup", "-r", "bun@lts", *quick], {2}),
        Call(["startup", "-r", "system:python", *quick], {2}),
        Call(["startup", "-r", f"{r}/nowhere/node", *quick], {3}),
        Call(["startup", "-r", "node@>>1", *quick], {2}),
        Call([*start, "--baseline", "deno"], {2}, says="baseline"),
        # output locations: checked before anything is measured
        Call([*start, "--out", f"{r}/afile/sub"], {2}, says="--out"),
        Call([*start, "--out", f"{r}/afile"], {2}, says="not a folder"),
        Call([*start, "--json", f"{r}/folder"], {2}, says="--json"),
        Call([*start, "--markdown", f"{r}/afile/x.md"], {2}, says="--markdown"),
        Call([*start, "--export-hyperfine", f"{r}/afile/h.json"], {2}),
        Call([*start, "--out", "/proc/nope"], {2}),
        # serve
        Call([*serve, "--rate", "-5"], {2}, says="--rate"),
        Call([*serve, "--rate", "0"], {2}),
        Call([*serve, "--rate", "nan"], {2}),
        Call([*serve, "--rate", "inf"], {2}),
        Call([*serve, "--rate", "1e12"], {2}),
        Call([*serve, "--rate", "lots"], {2}),
        Call([*serve, "--phase", ""], {2}),
        Call([*serve, "--phase", "0s"], {2}),
        Call([*serve, "--reps", "0"], {2}),
        Call([*serve, "--port", "0"], {2}),
        Call([*serve, "--port", "70000"], {2}),
        Call([*serve, "--request", "FOO /x"], {2}, says="unknown method"),
        Call([*serve, "--request", "GET /a b"], {2}),
        Call([*serve, "--request", "nope"], {2}),
        Call([*serve, "--ready-path", "no slash"], {2}),
        Call([*serve, "--cwd", f"{r}/nowhere"], {2}),
        Call(["serve", *fake, "--command", "{run} 'app.js"], {2}, says="cannot be split"),
        Call(["serve", *fake, "--command", ""], {2}),
        Call(["serve", *fake], {2}, says="ENTRY"),
        # reports and documents
        Call(["report", f"{r}/nope.json"], {2}),
        Call(["report", f"{r}/folder"], {2}),
        Call(["report", f"{r}/garbage.json"], {2}),
        Call(["report", f"{r}/list.json"], {2}),
        Call(["report", f"{r}/schema.json"], {2}),
        Call(["report", f"{r}/binary.toml"], {2}),
        Call(["compare", f"{r}/results.json", f"{r}/garbage.json"], {2}),
        Call(["report", f"{r}/results.json", "--format", "md"], {0}),
        Call(["report", f"{r}/results.json", "--format", "nope"], {2}),
        # suites, runtimes, the command line itself
        Call(["demo", "--suite", "nope"], {2}),
        Call(["run", "--suite", "nope", "--config", f"{r}/folder"], {2}),
        Call(["runtimes", "which", "nod"], {2}),
        Call(["runtimes", "which", "node@24"], {0, 3}),  # 0 once the install above ran
        Call(["runtimes", "remove", "system:node"], {3}),
        Call(["runtimes", "install", ""], {2}),
        Call(["runtimes", "list"], {0}),
        Call(["nope"], {2}),
        Call(["startup", "--nope"], {2}),
        Call(["--help"], {0}),
        Call(["--version"], {0}),
        # a good, tiny measurement (the fake runtime runs)
        Call([*start, "--out", f"{r}/good"], {0}, measures=True),
    ]
    for path in sorted((w.root / "fuzz").iterdir()):
        out.append(Call(["run", "--config", str(path)], {2, 3}))
    return out


class Hang(Exception):
    pass


def test_odd_invocations(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise Hang()

    before = signal.signal(signal.SIGALRM, on_alarm)
    monkeypatch.chdir(world.root)
    base = {
        "BAKEOFF_CACHE_DIR": str(world.root / "cache"),  # what other tests cached is not here
        "BAKEOFF_REGISTRY": "http://127.0.0.1:9/",  # nothing is reachable by accident
        "RUNLOG": str(world.runlog),
        "BAKEOFF_NODE_LTS": "24",
    }
    problems: list[str] = []
    todo = calls(world)
    try:
        for call in todo:
            world.runlog.unlink(missing_ok=True)
            with monkeypatch.context() as m:
                for k in ("npm_config_registry", "NPM_CONFIG_REGISTRY"):
                    m.delenv(k, raising=False)
                for k, v in {**base, **call.env}.items():
                    m.setenv(k, v)
                signal.setitimer(signal.ITIMER_REAL, HANG_S)
                try:
                    code: int | str = main(call.argv)
                except Hang:
                    code = "hang"
                except BaseException as exc:  # a traceback
                    code = f"{type(exc).__name__}: {exc}"
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            cap = capsys.readouterr()
            said = cap.err + cap.out
            shown = f"bakeoff {' '.join(call.argv)} (env {call.env})"
            if code not in call.codes:
                problems.append(f"{shown}: exit {code}, expected {call.codes}: {said[-300:]}")
            elif "Traceback" in said:
                problems.append(f"{shown}: printed a traceback")
            elif call.codes != {0} and not said.strip():
                problems.append(f"{shown}: exit {code} without a message")
            elif call.says and call.says not in " ".join(said.split()):
                problems.append(f"{shown}: expected {call.says!r} in {said[-300:]!r}")
            elif world.runlog.exists() and not call.measures:
                problems.append(f"{shown}: measuring started before the value was refused")
    finally:
        signal.signal(signal.SIGALRM, before)
    print(f"\nCLI invocations: {len(todo)}, problems: {len(problems)}", file=sys.__stdout__)
    assert len(todo) >= 80
    assert problems == [], "\n".join(problems)
    assert (world.root / "good" / "results.json").is_file()
    assert os.environ.get("RUNLOG") is None
