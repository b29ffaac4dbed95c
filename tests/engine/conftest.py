"""Engine fixtures: the engine of the shared `start_engine` fixture, and an httpx client and a
user pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from nemo_tui.engine.http.server import RunningEngine

from .helpers import EngineUser


@pytest.fixture
def engine(start_engine: Callable[..., RunningEngine]) -> RunningEngine:
    return start_engine()


@pytest.fixture
def http(engine: RunningEngine) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=engine.base_url, timeout=30.0, trust_env=False) as client:
        yield client


@pytest.fixture
def user(http: httpx.Client) -> EngineUser:
    return EngineUser.create(http)
