"""Fixtures for the client tests: a real engine on loopback and a client pointed at it."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from nemo_tui.api.client import NemoClient
from nemo_tui.api.transport import MemoryCredentials
from nemo_tui.engine.http.server import RunningEngine


class Sleeps:
    """An injected sleep that records how long it was asked to wait, and returns at once."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def engine(start_engine: Callable[..., RunningEngine]) -> RunningEngine:
    return start_engine()


@pytest.fixture
def make_engine(
    start_engine: Callable[..., RunningEngine], tmp_path: Path
) -> Callable[..., RunningEngine]:
    """Start an engine with other settings (e.g. `initial_credits=0`); stopped after the test."""
    numbers = itertools.count(1)

    def start(**overrides: object) -> RunningEngine:
        return start_engine(data_dir=tmp_path / f"engine-{next(numbers)}", **overrides)

    return start


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def credentials() -> MemoryCredentials:
    return MemoryCredentials()


@pytest.fixture
async def client(
    engine: RunningEngine, credentials: MemoryCredentials
) -> AsyncIterator[NemoClient]:
    async with NemoClient(
        engine.base_url, credentials=credentials, rate_limit_wait=0.01, retry_backoff=0.01
    ) as nemo:
        yield nemo
