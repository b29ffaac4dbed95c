"""Shared fixtures: a real local engine on a loopback port, and small sample media made with ffmpeg."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nemo_tui.engine import samples


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


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    """A fresh engine data directory per test."""
    folder = tmp_path / "engine-data"
    folder.mkdir()
    yield folder
