"""The `--demo` folder a new person films first: product photos that differ from one another and
look shot (a lit backdrop, an object with shading), a logo with a word, a voice that pauses
between phrases and a music bed that does not."""

from __future__ import annotations

from array import array
from pathlib import Path

import av
import pytest
from PIL import Image, ImageChops, ImageStat

from nemo_tui.cli.demo import DEMO_FOLDER, make_demo_folder


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo_folder(tmp_path_factory.mktemp("demo"))


def loudness_per_quarter_second(path: Path) -> list[float]:
    resampler = av.AudioResampler(format="s16", layout="mono", rate=8000)
    samples = array("h")
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            for mono in resampler.resample(frame):
                samples.extend(array("h", bytes(mono.planes[0])[: mono.samples * 2]))
    window = 2000
    return [
        (sum(s * s for s in samples[i : i + window]) / window) ** 0.5
        for i in range(0, len(samples) - window, window)
    ]


def test_the_demo_folder_holds_every_kind_of_media(demo: Path) -> None:
    assert demo.name == DEMO_FOLDER
    assert sorted(p.name for p in demo.iterdir()) == [
        "clip.mp4", "logo.png", "music.mp3", "photo1.jpg", "photo2.jpg", "photo3.jpg",
        "photo4.jpg", "voice.m4a",
    ]  # fmt: skip


def test_each_photo_is_a_different_product_on_a_lit_backdrop(demo: Path) -> None:
    photos = [Image.open(demo / f"photo{i}.jpg").convert("RGB") for i in range(1, 5)]
    for photo in photos:
        assert photo.size == (1280, 720)
        # A lit backdrop: the wall behind the product is brighter than the floor's front edge.
        wall = ImageStat.Stat(photo.crop((560, 40, 720, 120))).mean
        front = ImageStat.Stat(photo.crop((560, 680, 720, 715))).mean
        assert sum(wall) > sum(front) + 30
        # An object: the middle band has far more contrast than a plain backdrop would.
        assert max(ImageStat.Stat(photo.crop((320, 200, 960, 600))).stddev) > 25
    for i, first in enumerate(photos):
        for second in photos[i + 1 :]:
            assert sum(ImageStat.Stat(ImageChops.difference(first, second)).mean) / 3 > 15


def test_the_logo_is_a_badge_with_a_word_on_a_clear_background(demo: Path) -> None:
    logo = Image.open(demo / "logo.png")
    assert logo.mode == "RGBA"
    assert logo.getpixel((2, 2))[3] == 0  # transparent corner
    centre = logo.crop((100, 150, 300, 250)).convert("RGB")
    colours = {colour for _, colour in centre.getcolors(1 << 16) or []}
    assert (255, 255, 255) in colours and len(colours) > 2  # white letters on the badge


def test_the_voice_pauses_between_phrases_and_the_music_plays_on(demo: Path) -> None:
    voice = loudness_per_quarter_second(demo / "voice.m4a")
    assert max(voice) > 2000
    assert sum(level < max(voice) * 0.05 for level in voice) >= 4  # pauses
    music = loudness_per_quarter_second(demo / "music.mp3")
    assert len(music) >= 40 and min(music[4:]) > max(music) * 0.1


def test_a_second_run_keeps_what_is_there(demo: Path) -> None:
    photo = demo / "photo1.jpg"
    before = photo.stat().st_mtime_ns
    assert make_demo_folder(demo.parent) == demo
    assert photo.stat().st_mtime_ns == before


def test_the_demo_folder_is_not_committed() -> None:
    ignored = (Path(__file__).resolve().parents[2] / ".gitignore").read_text().splitlines()
    assert f"/{DEMO_FOLDER}/" in ignored
