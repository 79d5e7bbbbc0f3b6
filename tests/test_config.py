from __future__ import annotations

from pathlib import Path

import pytest

from bakeoff import config
from bakeoff.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "bakeoff.toml"
    p.write_text(text)
    return p


def test_defaults_when_empty(tmp_path: Path) -> None:
    cfg = config.load(write(tmp_path, ""))
    assert cfg.bakeoff.runtimes == ["node@lts", "bun@latest", "deno@latest"]
    assert cfg.measure.precision == 0.02
    assert cfg.measure.timeout == 30.0


def test_full_config_parses_units(tmp_path: Path) -> None:
    cfg = config.load(
        write(
            tmp_path,
            """
[bakeoff]
runtimes = ["node@24", "bun@1.4"]
baseline = "node"
[measure]
precision = "1.5%"
budget = "5m"
timeout = "500ms"
min_runs = 3
max_runs = 9
[startup]
cases = ["hello"]
[[startup.scripts]]
name = "cli"
script = "bin/cli.js"
args = ["--help"]
cache = "cold"
""",
        )
    )
    assert cfg.measure.precision == pytest.approx(0.015)
    assert cfg.measure.budget == 300
    assert cfg.measure.timeout == 0.5
    assert cfg.startup.scripts[0].args == ["--help"]


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("[measure]\nprecision = 2\n", "measure.precision: expected a fraction between 0 and 1"),
        ("[measure]\nprecision = 2\n", "found 2"),
        ("[measure]\nbudget = 'soon'\n", "measure.budget: expected a duration"),
        ("[measure]\nmin_runs = 1\n", "measure.min_runs"),
        (
            "[measure]\nmin_runs = 9\nmax_runs = 3\n",
            "measure.max_runs: expected >= measure.min_runs",
        ),
        ("[bakeoff]\nruntimes = 'node'\n", "bakeoff.runtimes"),
        ("[bakeoff]\nruntimes = []\n", "bakeoff.runtimes"),
        ("[measure]\nprecison = 0.1\n", "unknown key 'measure.precison'"),
        ("[[startup.scripts]]\nname = 'x'\n", "startup.scripts.0.script: Field required"),
        ("[startup.scripts]\n", "startup.scripts"),
        ("[measure\n", "not valid TOML"),
    ],
)
def test_errors_name_the_field(tmp_path: Path, text: str, expect: str) -> None:
    with pytest.raises(ConfigError) as exc:
        config.load(write(tmp_path, text))
    assert expect in str(exc.value)
    assert "bakeoff.toml" in str(exc.value)


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="bakeoff init"):
        config.load(tmp_path / "nope.toml")


def test_find_walks_up(tmp_path: Path) -> None:
    write(tmp_path, "")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    assert config.find(sub) == tmp_path / "bakeoff.toml"


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(90, 90.0), ("90s", 90.0), ("5m", 300.0), ("1.5h", 5400.0), ("250ms", 0.25)],
)
def test_parse_duration(value: object, seconds: float) -> None:
    assert config.parse_duration(value) == seconds


@pytest.mark.parametrize("value", [0, -1, "", "5 parsecs", True])
def test_parse_duration_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        config.parse_duration(value)


def test_fraction_accepts_the_documented_option_forms() -> None:
    from bakeoff.config import parse_fraction

    assert parse_fraction("0.02") == pytest.approx(0.02)
    assert parse_fraction("5%") == pytest.approx(0.05)
    assert parse_fraction(0.05) == pytest.approx(0.05)
    for bad in ("abc", "nan", "inf", "2", "0", True):
        with pytest.raises(ValueError):
            parse_fraction(bad)
