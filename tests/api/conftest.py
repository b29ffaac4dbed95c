"""Fixtures for the client tests: a real engine on loopback and a client pointed at it."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from nemo_tui.api.client import NemoClient
from nemo_tui.api.transport import MemoryCredentials
from nemo_tui.engine.server import RunningEngine, start_in_process
from nemo_tui.engine.settings import EngineSettings


class Sleeps:
    """An injected sleep that records how long it was asked to wait, and returns at once."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def engine_settings(data_dir: Path, **overrides: object) -> EngineSettings:
    values: dict[str, object] = {
        "data_dir": data_dir,
        "seed": 7,
        "chunk_delay": 0.0,
        "silent_share": 0.0,
        "keepalive_seconds": 0.05,
        "render_preset": "ultrafast",
    }
    values.update(overrides)
    return EngineSettings(**values)


@pytest.fixture
def engine(data_dir: Path) -> Iterator[RunningEngine]:
    with start_in_process(engine_settings(data_dir)) as running:
        yield running


@pytest.fixture
def make_engine(tmp_path: Path) -> Iterator[Callable[..., RunningEngine]]:
    """Start an engine with other settings (e.g. `initial_credits=0`); stopped after the test."""
    with ExitStack() as running:
        numbers = itertools.count(1)

        def start(**overrides: object) -> RunningEngine:
            folder = tmp_path / f"engine-{next(numbers)}"
            folder.mkdir()
            return running.enter_context(start_in_process(engine_settings(folder, **overrides)))

        yield start


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
