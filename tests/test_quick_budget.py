"""A quick run is bounded: a default budget, shared by what suites need; no whole-CI suite."""

from __future__ import annotations

import pytest

from bakeoff import config
from bakeoff.cli.common import QUICK_BUDGET_S, settings_from
from bakeoff.session import budget_share
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
