"""Engine fixtures: a real engine on a loopback port (tests tune it through `engine_settings`)
and an httpx client pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from nemo_tui.engine.server import RunningEngine, start_in_process
from nemo_tui.engine.settings import EngineSettings

from .helpers import EngineUser


def fast_settings(data_dir: Path, **overrides: Any) -> EngineSettings:
    """Settings for tests: reproducible, no pacing delays, every edit answered with text, the
    fastest x264 preset."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "seed": 7,
        "chunk_delay": 0.0,
        "silent_share": 0.0,
        "render_preset": "ultrafast",
    }
    values.update(overrides)
    return EngineSettings(**values)


@pytest.fixture
def start_engine(data_dir: Path) -> Iterator[Callable[..., RunningEngine]]:
    """Start an engine on `data_dir` with setting overrides; every one started is stopped."""
    running: list[RunningEngine] = []

    def start(**overrides: Any) -> RunningEngine:
        engine = start_in_process(fast_settings(data_dir, **overrides))
        running.append(engine)
        return engine

    yield start
    for engine in running:
        engine.stop()


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
