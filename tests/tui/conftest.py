"""TUI fixtures: the app on a small folder of real media, with no controller (driven by updates)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from nemo_tui.skills import SKILLS_BY_ID, Skill
from nemo_tui.tui.app import NemoApp


@pytest.fixture
def shoot(media_dir: Path, tmp_path: Path) -> Path:
    """A folder named `shoot` with three photos, the clip, the voice track and a non-media file."""
    folder = tmp_path / "shoot"
    folder.mkdir()
    for name in ("photo1.jpg", "photo2.jpg", "photo3.jpg", "clip.mp4", "voice.m4a"):
        shutil.copy(media_dir / name, folder / name)
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4 not media")
    return folder


@pytest.fixture
def make_app(shoot: Path) -> Callable[..., NemoApp]:
    def make(skill: Skill | None = None, **options: object) -> NemoApp:
        return NemoApp(
            shoot,
            skill=skill or SKILLS_BY_ID["create-a-video-using-ai"],
            backend="local",
            **options,  # type: ignore[arg-type]
        )

    return make
