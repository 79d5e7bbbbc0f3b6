"""A quick run is bounded: a default budget, shared by what suites need; no whole-CI suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from bakeoff import config
from bakeoff.cli.common import QUICK_BUDGET_S, settings_from
from bakeoff.errors import UsageError
from bakeoff.session import Settings, budget_share
from bakeoff.suites import catalog


def test_quick_has_a_default_budget_and_the_user_s_wins() -> None:
    assert settings_from(config.Config(), {}, quick=True).budget_s == QUICK_BUDGET_S
    assert settings_from(config.Config(), {}, quick=False).budget_s is None
    assert settings_from(config.Config(), {"budget": "90s"}, quick=True).budget_s == 90


def test_budget_is_shared_by_weight_over_the_suites_left() -> None:
    # serve needs three times what start-up needs
    assert budget_share(100, ["startup", "serve"]) == pytest.approx(25)
    assert budget_share(100, ["serve", "compat"]) == pytest.approx(75)
    assert budget_share(-5, ["serve"]) == 0.0
    assert budget_share(60, ["unknown"]) == pytest.approx(60)


def test_quick_leaves_out_ci_unless_named() -> None:
    assert "ci" not in catalog.parse_names(None, catalog.QUICK_NAMES)
    assert "ci" in catalog.parse_names("ci,test", catalog.QUICK_NAMES)


def test_a_quick_run_s_default_budget_counts_from_the_command_s_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run --quick` hands the evaluation a budget clock started before the preparation; a
    budget the user set is for the measuring only; nothing of it crosses machines."""
    import time

    from bakeoff import projectrun
    from bakeoff.cli import main
    from bakeoff.cluster import plain_settings

    seen: list[Settings] = []

    def stop(path: object, cfg: object, wanted: object, s: Settings, *a: object) -> object:
        seen.append(s)
        raise UsageError("stop here")

    (tmp_path / "bakeoff.toml").write_text("[bakeoff]\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(projectrun, "options", stop)
    before = time.monotonic()
    assert main(["run", "--quick"]) == 2
    assert main(["run", "--quick", "--budget", "90s"]) == 2
    quick, given = seen
    assert quick.budget_s == QUICK_BUDGET_S and quick.budget_from is not None
    assert before <= quick.budget_from <= time.monotonic()
    assert given.budget_s == 90 and given.budget_from is None
    assert plain_settings(quick)["budget_from"] is None


def test_quick_runs_the_cheap_telling_suites_before_the_long_measurements() -> None:
    class S:
        def __init__(self, name: str) -> None:
            self.name = name

    names = ["startup", "serve", "install", "test", "build", "compat"]
    got = [s.name for s in catalog.quick_order([S(n) for n in names])]  # type: ignore[misc]
    assert got == ["startup", "test", "build", "compat", "serve", "install"]


def test_shared_installs_happen_before_the_budget_is_shared_out(tmp_path: Path) -> None:
    """koa-typescript: the test suite installed every toolchain's copy inside its own share
    and had no time left to run a test. The suites' shared set-up (``prepare``) now runs first;
    the shares are cut from what is left after it."""
    import time

    from bakeoff.measure.fake import FakeExecutor
    from bakeoff.results import ResultsDocument
    from bakeoff.session import Evaluation, Options
    from bakeoff.suites.base import SuiteContext

    calls: list[str] = []
    shares: dict[str, float | None] = {}

    class Fake:
        def __init__(self, name: str, setup_s: float) -> None:
            self.name, self.setup_s = name, setup_s

        def prepare(self, ctx: SuiteContext) -> None:
            calls.append(f"prepare {self.name}")
            time.sleep(self.setup_s)

        def run(self, ctx: SuiteContext, doc: ResultsDocument) -> bool:
            calls.append(f"run {self.name}")
            shares[self.name] = ctx.budget_s
            return True

    opts = Options(
        runtimes=[],
        suites=[Fake("test", 0.4), Fake("build", 0.0)],
        settings=Settings(budget_s=10.0),
    )
    ev = Evaluation(opts)
    assert ev._run_suites(FakeExecutor({}), tmp_path)  # type: ignore[arg-type]
    assert calls == ["prepare test", "prepare build", "run test", "run build"]
    share = shares["test"]
    assert share is not None and share <= (10.0 - 0.4) / 2 + 1e-9
