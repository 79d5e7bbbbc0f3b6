"""npm's own range test cases (ported as data from node-semver's fixtures, the ones without
loose or includePrerelease options): every range/version pair npm includes must match, every
one it excludes must not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bakeoff.runtimes.semver import Range, RangeError, Version

DATA = json.loads((Path(__file__).parent / "data" / "npm_ranges.json").read_text())
STRINGS = {
    k: [c for c in DATA[k] if all(isinstance(x, str) for x in c)] for k in ("include", "exclude")
}


def _outcome(rng: str, version: str) -> bool | None:
    v = Version.parse(version)
    if v is None:
        return None  # npm's parser is looser about versions; strict semver only here
    try:
        return Range(rng).matches(v)
    except RangeError:
        return None


@pytest.mark.parametrize(("rng", "version"), STRINGS["include"])
def test_npm_includes(rng: str, version: str) -> None:
    got = _outcome(rng, version)
    if got is None:
        pytest.fail(f"cannot parse {version!r} / {rng!r}")
    assert got, f"{version} should satisfy {rng!r}"


@pytest.mark.parametrize(("rng", "version"), STRINGS["exclude"])
def test_npm_excludes(rng: str, version: str) -> None:
    got = _outcome(rng, version)
    if got is None:
        return  # an unparseable range or version cannot be matched: excluded, as npm says
    assert not got, f"{version} should not satisfy {rng!r}"


def test_prerelease_is_checked_per_alternative() -> None:
    """npm: 1.2.3-beta.2 satisfies neither '1.2.3-beta.1' nor '<1.2.4' (that alternative names
    no prerelease), so not their union either."""
    v = Version.parse("1.2.3-beta.2")
    assert v is not None
    assert not Range("1.2.3-beta.1 || <1.2.4").matches(v)
    assert Range(">=1.2.3-beta.1 || <1.0.0").matches(v)


def test_enough_of_npms_cases_run() -> None:
    assert len(STRINGS["include"]) >= 80 and len(STRINGS["exclude"]) >= 70
