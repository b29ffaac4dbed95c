"""Shared fixtures: a real local engine on loopback, and small sample media made with ffmpeg."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from nemo_tui.engine.http.server import RunningEngine, start_in_process
from nemo_tui.engine.media import samples
from nemo_tui.engine.settings import EngineSettings
from tests.support import stop_engines_under


@pytest.fixture(scope="session", autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A home of the test run's own, for this process and every process a test starts: no test may
    read or write the person's config, secrets, client id or engine data (a run once left a token
    in ~/.config/nemo-tui)."""
    home = tmp_path_factory.mktemp("home")
    names = ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")
    saved = {name: os.environ.get(name) for name in names}
    os.environ["HOME"] = str(home)
    for name in names[1:]:
        os.environ.pop(name, None)
    yield home
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five small photos, a clip with sound, a voice track and a music track, made once per run."""
    folder = tmp_path_factory.mktemp("media")
    for index in range(5):
        samples.make_photo(folder / f"photo{index + 1}.jpg", 480, 320, index)
    samples.make_photo(folder / "logo.png", 200, 200, 5)
    samples.make_clip(folder / "clip.mp4", seconds=3.0)
    samples.make_tone(folder / "voice.m4a", seconds=6.0, frequency=220)
    samples.make_tone(folder / "music.mp3", seconds=8.0, frequency=330)
    return folder


@pytest.fixture(autouse=True)
def client_id_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared client id file (SPEC 2) in a tmp folder: no test touches the user's own. The
    `--local` engine folder is the test's own too: an engine started in the background for one
    test's processes (with that test's settings) is never attached to by another test's."""
    path = tmp_path / "nemovideo" / "client_id"
    monkeypatch.setenv("NEMO_CLIENT_ID_FILE", str(path))
    monkeypatch.delenv("NEMO_CLIENT_ID", raising=False)
    monkeypatch.setenv("NEMO_ENGINE_DATA_DIR", str(tmp_path / "local-engine"))
    return path


@pytest.fixture(scope="session", autouse=True)
def background_engines_end(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Engines that `--local` processes start in the background leave soon after their last
    client (a test's processes); at the end of the run, any still rendering are stopped."""
    os.environ["NEMO_LOCAL_ENGINE_IDLE_SECONDS"] = "2"
    yield
    stop_engines_under(tmp_path_factory.getbasetemp())


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    """A fresh engine data directory per test."""
    folder = tmp_path / "engine-data"
    folder.mkdir()
    yield folder


def engine_settings(data_dir: Path, **overrides: Any) -> EngineSettings:
    """Engine settings for tests: reproducible, no pacing delays, every edit answered with text,
    quick keep-alives, the fastest x264 preset."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "seed": 7,
        "chunk_delay": 0.0,
        "silent_share": 0.0,
        "keepalive_seconds": 0.05,
        "render_preset": "ultrafast",
    }
    values.update(overrides)
    return EngineSettings(**values)


@pytest.fixture(scope="session")
def winding_down() -> Iterator[list[RunningEngine]]:
    """Engines of the last test to use any, still winding down: a test asks its engines to stop
    and goes on (each has its own folder and port, and uvicorn takes about 0.2 s to stop, which
    hundreds of tests would otherwise wait for in turn). The next such test waits for them, done
    by then, so the list never holds more than one test's; the end of the run waits for the last."""
    engines: list[RunningEngine] = []
    yield engines
    for engine in engines:
        engine.stop()


@pytest.fixture
def start_engine(
    data_dir: Path, winding_down: list[RunningEngine]
) -> Iterator[Callable[..., RunningEngine]]:
    """Start a real engine on a loopback port with setting overrides; all are asked to stop at
    the end of the test."""
    running: list[RunningEngine] = []

    def start(**overrides: Any) -> RunningEngine:
        folder = overrides.pop("data_dir", data_dir)
        folder.mkdir(parents=True, exist_ok=True)
        engine = start_in_process(engine_settings(folder, **overrides))
        running.append(engine)
        return engine

    yield start
    for engine in running:
        engine.request_stop()
    if running:
        for engine in winding_down:
            engine.stop()
        winding_down[:] = running


@pytest.fixture
def app_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config, secrets and app state in a tmp folder, never the user's real ones."""
    monkeypatch.setenv("NEMO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NEMO_STATE_DIR", str(tmp_path / "state"))
    for name in ("NEMO_TOKEN", "NEMO_API_BASE", "NEMO_SKILL", "NEMOVIDEO_API_KEY", "NEMO_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def pytest_configure(config: pytest.Config) -> None:
    """Python caches compiled modules for this run even where the environment says not to
    (`PYTHONDONTWRITEBYTECODE`, set on some machines): the run starts hundreds of Python
    processes (commands, engines, apps), and each compiled every module of the package again,
    as each worker rewrote every test module's asserts (a quarter of their start-up)."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """One worker more than the cores (`-n auto`): the tests wait on other processes (engines,
    commands, terminals) a third of the time, which the extra worker fills. Measured on two
    cores: 2 workers 4 min 56 s, 3 workers 3 min 57 s, 4 workers 4 min 27 s."""
    return len(os.sched_getaffinity(0)) + 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `slow` run first, the rest in their order: with one worker per core, a long
    test handed out last would run alone while the other cores wait for it."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
