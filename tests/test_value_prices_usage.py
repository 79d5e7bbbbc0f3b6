"""The price book (shipped data, overrides, stale and missing prices) and the usage model
(presets, overrides, the commented TOML block for `bakeoff init`, config validation)."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal

import pytest

from bakeoff import config
from bakeoff.config import prices as pricebook
from bakeoff.errors import ConfigError
from bakeoff.value import usage
from bakeoff.value.usage import COMMENTS, SECTIONS, ValueConfig, commented_block, preset, resolve


def test_every_shipped_price_has_unit_source_url_and_date() -> None:
    prices, free = pricebook.shipped()
    assert {
        "aws.lambda.requests",
        "aws.fargate.vcpu_hour.x86",
        "gcp.cloud_run.vcpu_s",
        "azure.functions.gb_s",
        "azure.container_apps.active_vcpu_s",
        "aws.ec2.c7g.large",
        "github.actions.linux_2core",
    } <= set(prices)
    for p in [*prices.values(), *free.values()]:
        assert p.source and p.url.startswith("https://") and p.unit
        assert isinstance(p.date, date)
    for p in prices.values():
        assert isinstance(p.amount, Decimal) and p.amount > 0
    assert prices["aws.lambda.requests"].unit_price == Decimal("0.20") / Decimal(1_000_000)
    assert prices["github.actions.linux_2core"].amount == Decimal("0.006")


def test_override_wins_and_keeps_the_unit() -> None:
    b = pricebook.load({"aws.lambda.requests": "0.25"}, today=date(2026, 11, 24))
    p = b.prices["aws.lambda.requests"]
    assert p.amount == Decimal("0.25") and p.per == Decimal(1_000_000) and p.overridden
    assert p.source == "your override in bakeoff.toml" and p.date == date(2026, 11, 24)


def test_old_prices_are_flagged() -> None:
    b = pricebook.load(
        {
            "github.actions.linux_2core": {
                "amount": 0.008,
                "date": "2025-06-01",
                "source": "invoice",
            }
        },
        today=date(2026, 11, 24),
    )
    assert b.price("github.actions.linux_2core") is not None
    assert [p.key for p in b.stale()] == ["github.actions.linux_2core"]
    assert any("over a year old" in w for w in b.warnings())
    fresh = pricebook.load(today=date(2026, 11, 24))
    fresh.price("github.actions.linux_2core")
    assert fresh.stale() == []


def test_missing_price_is_recorded_not_zero() -> None:
    b = pricebook.load()
    assert b.price("github.actions.linux_64core") is None
    assert b.missing == ["github.actions.linux_64core"]
    assert "no price for 'github.actions.linux_64core'" in b.warnings()[0]


def test_bad_override_names_the_key() -> None:
    with pytest.raises(ConfigError, match=r"value\.prices\.aws\.lambda\.requests\.amount"):
        pricebook.load({"aws.lambda.requests": "cheap"})
    with pytest.raises(ConfigError, match="date"):
        pricebook.load({"x.y": {"amount": 1, "date": "yesterday"}})


def test_free_allowance_override() -> None:
    b = pricebook.load({"aws.lambda.free.requests": 0})
    assert b.allowance("aws.lambda.free.requests") == 0


def test_presets_and_user_keys_on_top() -> None:
    small, large = preset("small"), preset("large")
    assert small.deployment.platform == "lambda" and large.deployment.platform == "ec2"
    assert small.traffic.requests_per_month < preset("medium").traffic.requests_per_month
    u = resolve(ValueConfig.model_validate({"preset": "small", "traffic": {"peak_rps": 50}}))
    assert u.traffic.peak_rps == 50 and u.traffic.requests_per_month == 2_000_000
    assert u.migration_rate == u.team.hourly_rate


@pytest.mark.parametrize("name", usage.PRESETS)
def test_commented_block_comments_every_key_and_round_trips(name: usage.Preset) -> None:
    block = commented_block(name)
    data = tomllib.loads(block)  # valid TOML as written
    assert data["value"]["preset"] == name
    for section in SECTIONS:
        for key in COMMENTS[section]:
            line = next(x for x in block.splitlines() if x.startswith(f"# {key} = "))
            assert "  # " in line, f"{section}.{key} has no comment"
    # uncommenting every key gives the preset's values exactly
    uncommented = "\n".join(
        x[2:].split("  #")[0]
        if x.startswith("# ") and " = " in x and "e.g." not in x and not x.startswith('# "')
        else x
        for x in block.splitlines()
    )
    parsed = config.validate(tomllib.loads(uncommented))
    assert resolve(parsed.value).model_dump() == preset(name).model_dump()


def test_config_value_section_validates_with_field_names(tmp_path: object) -> None:
    cfg = config.validate({"value": {"preset": "large", "deployment": {"platform": "cloud_run"}}})
    assert resolve(cfg.value).deployment.platform == "cloud_run"
    with pytest.raises(ConfigError, match=r"value\.deployment\.platform"):
        config.validate({"value": {"deployment": {"platform": "heroku"}}})
    with pytest.raises(ConfigError, match=r"unknown key 'value\.traffic\.rps'"):
        config.validate({"value": {"traffic": {"rps": 3}}})
    with pytest.raises(ConfigError, match=r"value\.deployment\.cold_start_rate"):
        config.validate({"value": {"deployment": {"cold_start_rate": 2}}})
