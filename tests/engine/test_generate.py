"""The procedural "generate" scenes: colours from the prompt, real MP4s of the asked length."""

from __future__ import annotations

import colorsys
from pathlib import Path

import av
import pytest
from PIL import Image, ImageChops, ImageStat

from nemo_tui.engine.media.generate import generate_scene, scene_colors


def hue_and_value(color: str) -> tuple[float, float]:
    red, green, blue = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, _, value = colorsys.rgb_to_hsv(red, green, blue)
    return hue * 360, value


def test_scene_colors_follow_the_prompt() -> None:
    sunset = scene_colors("generate a 10-second video of a sunset over a city skyline")
    assert len(sunset) == 4 and all(c.startswith("#") and len(c) == 7 for c in sunset)
    hues = [hue_and_value(c)[0] for c in sunset]
    assert any(h < 40 or h > 330 for h in hues), "a sunset has orange or red in it"
    assert any(240 <= h <= 320 for h in hues), "and purple or deep blue"

    for prompt in ("waves on the ocean", "a calm sea", "海浪"):
        assert all(180 <= hue_and_value(c)[0] <= 240 for c in scene_colors(prompt)), prompt
    for prompt in ("a misty forest", "森林里的小路"):
        assert all(100 <= hue_and_value(c)[0] <= 160 for c in scene_colors(prompt)), prompt
    assert all(hue_and_value(c)[1] > 0.55 for c in scene_colors("fresh snow"))
    assert all(hue_and_value(c)[1] < 0.5 for c in scene_colors("a city at night"))
    fire = [hue_and_value(c)[0] for c in scene_colors("a roaring fire")]
    assert all(h < 50 for h in fire)


def test_keywords_match_whole_words_only() -> None:
    # "season" contains "sea" but is not about the sea.
    assert scene_colors("a new season") != scene_colors("the sea")


def test_unknown_prompts_get_stable_colours_of_their_own() -> None:
    llama = scene_colors("a purple llama dancing")
    assert llama == scene_colors("a purple llama dancing")
    assert llama == scene_colors("  A Purple Llama Dancing ")
    assert llama != scene_colors("a tiny robot reading a book")
    assert len(set(llama)) == 4


def frames_of(path: Path) -> list[Image.Image]:
    with av.open(str(path)) as container:
        return [frame.to_image() for frame in container.decode(video=0)]


async def test_generated_scene_is_an_h264_video_of_exactly_the_length(tmp_path: Path) -> None:
    out = await generate_scene(
        "a sunset over a city skyline", 2.0, tmp_path / "scene.mp4", 320, 180
    )
    assert out == tmp_path / "scene.mp4"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scene.mp4"]
    with av.open(str(out)) as container:
        assert not container.streams.audio
        video = container.streams.video[0]
        assert video.codec_context.name == "h264"
        assert (video.codec_context.width, video.codec_context.height) == (320, 180)
        assert abs(container.duration / av.time_base - 2.0) < 0.05
    frames = frames_of(out)
    assert len(frames) == 60
    # The sky drifts: the first and last frames differ; the skyline along the bottom is dark.
    first, last = frames[0], frames[-1]
    assert sum(ImageStat.Stat(ImageChops.difference(first, last)).mean) / 3 > 5
    assert max(first.getpixel((160, 178))) < 40
    # The top of a sunset sky is not the same colour as a forest's.
    forest = await generate_scene("a misty forest", 1.0, tmp_path / "forest.mp4", 320, 180)
    red, green, _ = frames_of(forest)[0].getpixel((160, 90))
    assert green > red


async def test_bad_scene_requests_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scene length 0 s is out of range"):
        await generate_scene("ocean", 0, tmp_path / "x.mp4")
    with pytest.raises(ValueError, match="too small"):
        await generate_scene("ocean", 1, tmp_path / "x.mp4", 8, 8)
    assert list(tmp_path.iterdir()) == []
