"""Fuzzing ``bakeoff.toml``: 1,200 seeded hostile files. Each must be refused with a one-line
``ConfigError`` naming the file, or accepted — and an accepted file must then survive
everything a run does with it *after measuring starts* (building the serve command and its
environment, spawning with it, arming its timers, writing the k6 script, sending its
requests, pricing the results with its ``[value]``, rendering the reports). 0 tracebacks,
0 hangs, 0 accepted-then-failed."""

from __future__ import annotations

import functools
import http.client
import json
import os
import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest

import value_fixture
from bakeoff import config, decide
from bakeoff.cli.common import settings_from
from bakeoff.errors import BakeoffError, ConfigError
from bakeoff.measure.invoke import base_env
from bakeoff.measure.loadgen import K6, weighted_order
from bakeoff.plan.contestants import name_contenders
from bakeoff.plan.toolchains import ToolchainSet
from bakeoff.render import markdown, terminal
from bakeoff.results import ResultsDocument
from bakeoff.runtimes.provision import Runtime
from bakeoff.runtimes.spec import parse_spec
from bakeoff.suites import catalog
from bakeoff.suites.serve import ServeSuite
from fuzz_inputs import cases

N_CONFIGS = 1200
HANG_S = 20.0


class Hang(Exception):
    pass


@pytest.fixture
def hang_alarm() -> Iterator[None]:
    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise Hang()

    before = signal.signal(signal.SIGALRM, on_alarm)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, before)


def _arm(seconds: float | None) -> None:
    """What the launcher does with a timeout: arm an interval timer (then disarm it)."""
    if seconds:
        signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)


def _contenders(cfg: config.Config) -> list[object]:
    runtimes = []
    for text in cfg.bakeoff.runtimes:
        s = parse_spec(text)
        runtimes.append(Runtime(s.name, text, "1.0.0", Path("/bin/true"), "0" * 64, "path"))
    return list(name_contenders(runtimes))


@functools.cache
def _priced_doc() -> ResultsDocument:
    return value_fixture.build()


def before_measuring(cfg: config.Config, path: Path) -> list[object]:
    """What `bakeoff run` does before the first measurement: merge settings, build the
    suites, name the contestants, check the baseline and toolchains. A BakeoffError here is a
    refusal before measuring (allowed)."""
    settings_from(cfg, {})
    settings_from(cfg, {}, quick=True)
    suites, _ = catalog.from_config(cfg, path, catalog.NAMES, quick=False)
    contenders = _contenders(cfg)
    names = [c.name for c in contenders]  # type: ignore[attr-defined]
    if cfg.bakeoff.baseline and cfg.bakeoff.baseline not in names:
        raise BakeoffError("baseline is not a contestant")  # Evaluation.provision's check
    for suite in suites:
        source = getattr(suite, "source", None)
        if isinstance(source, ToolchainSet):
            source.check(contenders)  # type: ignore[arg-type]
    return suites


def while_measuring(cfg: config.Config, suites: list[object], tmp: Path, value: bool) -> None:
    """What a run does with the configuration once measuring started; any exception here is
    an accepted file failing after measuring started."""
    _arm(cfg.measure.timeout)
    _arm(cfg.measure.budget)
    for suite in suites:
        if not isinstance(suite, ServeSuite):
            continue
        spec = suite.spec
        for fam in ("node", "bun", "deno"):
            rt = Runtime(fam, fam, "1.0.0", Path("/bin/true"), "0" * 64, "path")
            argv = spec.argv(name_contenders([rt])[0], 4321)
            assert argv and all("\x00" not in a for a in argv)
        env = base_env({**dict(spec.env), spec.port_env: "4321", "HOST": "127.0.0.1"})
        pid = os.posix_spawn("/bin/true", ["true"], env)  # the launcher spawns the same way
        os.waitpid(pid, 0)
        for seconds in (spec.ready_timeout_s, spec.phase_s, spec.warmup_s, spec.saturation_s):
            _arm(seconds)
        for rate in spec.rates or ():
            assert 0 < rate <= config.MAX_RATE
        conn = http.client.HTTPConnection("127.0.0.1", 9)
        conn.putrequest("GET", spec.readiness.path)
        for req in spec.mix:
            conn = http.client.HTTPConnection("127.0.0.1", 9)
            conn.putrequest(req.method, req.path)
            for name, text in req.headers.items():
                conn.putheader(name, text)
        if spec.mix:
            assert 0 < len(weighted_order(spec.mix)) <= config.MAX_TOTAL_WEIGHT
            scenario = {"executor": "constant-arrival-rate", "rate": 10, "duration": "1s"}
            K6("k6", tmp)._script("http://127.0.0.1:9", spec.mix, scenario)
        json.dumps({"mix": [r.__dict__ for r in spec.mix]}, allow_nan=False, default=str)
    if value:  # pricing and rendering happen after everything was measured
        doc = _priced_doc()
        decide.fill(doc, cfg.value)  # overwrites the cost and decision of the last case
        json.loads(doc.to_json())
        json.dumps(doc.cost.model_dump(mode="json"), allow_nan=False)
        markdown.render(doc)
        terminal.render(doc)


def test_fuzzed_configs(tmp_path: Path, hang_alarm: None) -> None:
    path = tmp_path / "bakeoff.toml"
    counts: Counter[str] = Counter()
    problems: list[str] = []
    for case in cases(N_CONFIGS):
        path.write_bytes(case.data)
        counts["configs"] += 1
        signal.setitimer(signal.ITIMER_REAL, HANG_S)
        stage = "validate"
        try:
            cfg = config.load(path)
            stage = "plan"
            suites = before_measuring(cfg, path)
            stage = "measure"
            while_measuring(cfg, suites, tmp_path, case.touches_value)
            counts["accepted"] += 1
        except Hang:
            counts["hangs"] += 1
            problems.append(f"#{case.index} ({case.how}): hang in {stage}")
        except BakeoffError as exc:
            if stage == "measure":
                counts["failed after measuring started"] += 1
                problems.append(f"#{case.index} ({case.how}): {exc}")
            else:
                counts[f"refused ({stage})"] += 1
                text = str(exc)
                if "\n" in text or (isinstance(exc, ConfigError) and str(path) not in text):
                    problems.append(f"#{case.index} ({case.how}): message {text!r}")
        except Exception as exc:
            kind = "failed after measuring started" if stage == "measure" else "tracebacks"
            counts[kind] += 1
            problems.append(f"#{case.index} ({case.how}): {stage}: {type(exc).__name__}: {exc}")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    print("\nconfig fuzz:", dict(counts))
    assert counts["configs"] >= 1000
    assert counts["accepted"] >= 100  # the generator must not only produce garbage
    assert problems == [], "\n".join(problems)
