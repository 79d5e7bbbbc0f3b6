"""Shared fixtures."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bakeoff.measure.fake import FakeExecutor, lognormal


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One runtime cache for the whole test session (real runtimes download once), never the
    user's own cache. BAKEOFF_TEST_CACHE points it at a persistent folder to skip downloads."""
    given = os.environ.get("BAKEOFF_TEST_CACHE")
    return Path(given) if given else tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _isolated_cache(session_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("BAKEOFF_CACHE_DIR", str(session_cache))
    monkeypatch.setenv("BAKEOFF_STRICT", "1")  # a results-schema gap fails the test
    yield


@pytest.fixture
def fake_factory() -> Callable[..., FakeExecutor]:
    def make(medians: dict[str, float], sigma: float = 0.03, seed: int = 1) -> FakeExecutor:
        return FakeExecutor(lognormal(medians, sigma, seed))

    return make


@pytest.fixture
def sample_dir() -> Path:
    return Path(__file__).parent / "data"
