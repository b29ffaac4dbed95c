"""The `--demo` folder: a few photos, a clip with sound, a voice track and music, made with ffmpeg
on the spot (nothing is downloaded), so a new person can try every skill at once."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from nemo_tui.engine.media import samples

DEMO_FOLDER = "nemo-demo"


def make_demo_folder(parent: Path) -> Path:
    """`parent/nemo-demo` with the sample media; files already there are kept, so a second run is
    instant and never overwrites anything the person changed."""
    folder = parent / DEMO_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    wanted: dict[str, Callable[[Path], Path]] = {
        **{
            f"photo{index + 1}.jpg": functools.partial(
                samples.make_photo, width=640, height=360, index=index
            )
            for index in range(4)
        },
        "logo.png": lambda path: samples.make_photo(path, 200, 200, 5),
        "clip.mp4": lambda path: samples.make_clip(path, seconds=4.0),
        "voice.m4a": lambda path: samples.make_tone(path, seconds=8.0, frequency=220),
        "music.mp3": lambda path: samples.make_tone(path, seconds=12.0, frequency=330),
    }
    for name, make in wanted.items():
        if not (folder / name).exists():
            make(folder / name)
    return folder
