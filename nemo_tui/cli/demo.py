"""The `--demo` folder: product-shoot photos and a logo (drawn with Pillow, `studio`), a clip with
sound, a voice-like track and a music bed (made with ffmpeg), all on the spot (nothing is
downloaded), so a new person can try every skill at once and get a video worth showing."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from nemo_tui.cli.studio import SHOOTS, make_logo, make_product_photo
from nemo_tui.engine.media import samples

DEMO_FOLDER = "nemo-demo"


def demo_files() -> dict[str, Callable[[Path], Path]]:
    """Each file of the demo folder and how to make it."""
    photos: dict[str, Callable[[Path], Path]] = {
        f"photo{index + 1}.jpg": functools.partial(make_product_photo, index=index)
        for index in range(len(SHOOTS))
    }
    return {
        **photos,
        "logo.png": make_logo,
        "clip.mp4": lambda path: samples.make_clip(path, seconds=4.0),
        "voice.m4a": lambda path: samples.make_voice(path, seconds=8.0),
        "music.mp3": lambda path: samples.make_music(path, seconds=12.0),
    }


def make_demo_folder(parent: Path) -> Path:
    """`parent/nemo-demo` with the sample media; files already there are kept, so a second run is
    instant and never overwrites anything the person changed."""
    folder = parent / DEMO_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in demo_files().items():
        if not (folder / name).exists():
            make(folder / name)
    return folder
