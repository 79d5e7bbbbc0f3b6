"""The startup suite and analysis end to end on a fake executor: no runtime needed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bakeoff.analysis import analyze
from bakeoff.measure.fake import FakeExecutor, lognormal, result
from bakeoff.measure.process import Command, ProcessResult
from bakeoff.plan.contestants import name_contenders
from bakeoff.plan.stopping import StopRule
from bakeoff.render import markdown, terminal, view
from bakeoff.results import ResultsDocument
from bakeoff.runtimes.provision import Runtime
from bakeoff.suites.base import SuiteContext
from bakeoff.suites.startup import BUILTIN_CASES, StartupSuite


def rt(name: str, version: str) -> Runtime:
    return Runtime(
        name=name,
        spec=f"{name}@x",
        version=version,
        binary=Path(f"/opt/{name}"),
        sha256="0" * 64,
        source="registry",
        package=None,
    )


def run_suite(
    tmp_path: Path, ex: FakeExecutor, cases: list[str], runtimes: list[Runtime] | None = None
) -> ResultsDocument:
    contenders = name_contenders(runtimes or [rt("node", "24.11.0"), rt("bun", "1.4.5")])
    doc = ResultsDocument(contestants=[c.to_result() for c in contenders])
    ctx = SuiteContext(contenders, ex, tmp_path, StopRule(min_runs=5, max_runs=20), seed=3)
    assert StartupSuite([BUILTIN_CASES[c] for c in cases]).run(ctx, doc)
    return analyze.analyze(doc, contenders[0].name)


def test_bun_faster_is_found_and_headlined(
    tmp_path: Path, fake_factory: Callable[..., FakeExecutor]
) -> None:
    ex = fake_factory({"/opt/node": 40.0, "/opt/bun": 10.0}, sigma=0.02)
    doc = run_suite(tmp_path, ex, ["hello"])
    comp = next(c for c in doc.comparisons if c.metric == "wall_ms")
    assert comp.contestant == "bun" and comp.verdict == "better"
    assert comp.ratio is not None and 0.23 < comp.ratio < 0.27
    heads = view.headlines(doc)
    assert heads and "bun started" in heads[0] and "faster than node" in heads[0]
    wall = doc.measurement("startup", "hello", "wall_ms", "bun")
    assert wall.n >= 5 and wall.ci and wall.ci[0] <= wall.median <= wall.ci[1]  # type: ignore[operator]
    assert wall.stop_reason == "precision"


def test_commands_are_runtime_specific(
    tmp_path: Path, fake_factory: Callable[..., FakeExecutor]
) -> None:
    ex = fake_factory({"/opt/node": 40.0, "/opt/deno": 30.0})
    run_suite(tmp_path, ex, ["hello", "version"], [rt("node", "24.11.0"), rt("deno", "2.9.6")])
    argvs = {c.argv for c in ex.calls}
    assert ("/opt/deno", "run", "--allow-all", str(tmp_path / "hello.mjs")) in argvs
    assert ("/opt/node", str(tmp_path / "hello.mjs")) in argvs
    assert ("/opt/node", "--version") in argvs


def test_cold_case_empties_cache_before_every_sample(tmp_path: Path) -> None:
    seen: list[bool] = []

    def behave(cmd: Command, i: int) -> ProcessResult:
        assert cmd.env is not None
        cache = Path(cmd.env["BUN_RUNTIME_TRANSPILER_CACHE_PATH"])
        seen.append(any(cache.iterdir()))
        (cache / "entry").write_text("cached")
        return result(10 + i % 3)

    run_suite(tmp_path, FakeExecutor(behave), ["imports:cold"], [rt("bun", "1.4.5")])
    assert seen and not any(seen), "every cold sample must start with an empty cache"


def test_warm_case_keeps_cache_and_node_gets_compile_cache(tmp_path: Path) -> None:
    envs: list[dict[str, str]] = []

    def behave(cmd: Command, i: int) -> ProcessResult:
        assert cmd.env is not None
        envs.append(dict(cmd.env))
        return result(10 + i % 3)

    run_suite(
        tmp_path, FakeExecutor(behave), ["imports:warm", "imports:cold"], [rt("node", "24.11.0")]
    )
    warm = [e for e in envs if "NODE_COMPILE_CACHE" in e]
    assert warm and all("imports-warm" in e["NODE_COMPILE_CACHE"] for e in warm)
    assert len(warm) < len(envs), "cold node runs use no compile cache"


def test_old_node_cannot_run_typescript(
    tmp_path: Path, fake_factory: Callable[..., FakeExecutor]
) -> None:
    ex = fake_factory({"/opt/node": 40.0, "/opt/bun": 10.0})
    doc = run_suite(tmp_path, ex, ["typescript:warm"], [rt("node", "20.20.2"), rt("bun", "1.4.5")])
    m = doc.measurement("startup", "typescript:warm", "wall_ms", "node")
    assert not m.valid and "cannot run .ts" in m.notes[0]
    assert all(c.argv[0] == "/opt/bun" for c in ex.calls)


def test_failing_contestant_is_reported_not_averaged(tmp_path: Path) -> None:
    def behave(cmd: Command, i: int) -> ProcessResult:
        if cmd.argv[0] == "/opt/deno":
            return result(3, exit_code=1, stderr="error: Module not found")
        return result(40 + i % 5)

    doc = run_suite(
        tmp_path, FakeExecutor(behave), ["hello"], [rt("node", "24.11.0"), rt("deno", "2.9.6")]
    )
    m = doc.measurement("startup", "hello", "wall_ms", "deno")
    assert not m.valid and m.samples == []
    assert m.failures[0].stderr_tail == "error: Module not found"
    comp = next(c for c in doc.comparisons if c.contestant == "deno")
    assert comp.verdict == "inconclusive"
    text = markdown.render(doc)
    assert "failed" in text and "exited with code 1" in text


def test_identical_contestants_are_same(tmp_path: Path) -> None:
    ex = FakeExecutor(lognormal({"/opt/node": 40.0, "/opt/node2": 40.0}, sigma=0.03, seed=9))
    a = rt("node", "24.11.0")
    b = Runtime(
        name="node",
        spec="node@y",
        version="24.11.0",
        binary=Path("/opt/node2"),
        sha256="1" * 64,
        source="registry",
    )
    doc = run_suite(tmp_path, ex, ["hello"], [a, b])
    comp = next(c for c in doc.comparisons if c.metric == "wall_ms")
    assert comp.verdict == "same"


def test_renderers_show_every_case(
    tmp_path: Path, fake_factory: Callable[..., FakeExecutor]
) -> None:
    ex = fake_factory({"/opt/node": 40.0, "/opt/bun": 10.0})
    doc = run_suite(tmp_path, ex, ["hello", "empty"])
    md = markdown.render(doc)
    assert "## startup · hello" in md and "## startup · empty" in md
    assert "| bun |" in md and "better" in md
    from rich.console import Console

    console = Console(record=True, width=140)
    console.print(terminal.render(doc))
    text = console.export_text()
    assert "startup · hello" in text and "bun started" in text
