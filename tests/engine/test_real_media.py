"""Media as phones and cameras make it, through the real engine: each file (made with its real
property, see `phone_media`) is uploaded over HTTP, built into a draft by a chat turn, rendered
at 180 lines by ffmpeg, and the MP4 is opened with PyAV and measured as a person would look at it.
Damaged files are refused at upload with one line naming them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import pytest
from PIL import Image

from nemo_tui.api.errors import ErrorCode
from tests.support import frame_at, mp4_facts

from . import phone_media
from .helpers import EngineUser, envelope_error, files_under

OUTPUT_SHORT_SIDE = 180
ONE_SLIDE = "make a slideshow of this, 2 seconds each"
ONE_CLIP = "turn this clip into a 2-second 16:9 video"
WITH_MUSIC = "make a slideshow of these, 2 seconds each, with the music"


def render_uploads(
    user: EngineUser, paths: list[Path], request: str, out: Path, sound: bool = False
) -> tuple[Path, dict[str, Any]]:
    """Upload `paths`, ask for `request` in one turn, render the draft at 180 lines and download
    it: the MP4 (checked to be H.264 at 320x180, as long as the draft, with AAC sound when
    `sound`, else none) and the draft it came from."""
    session_id = user.new_session()
    user.upload(session_id, paths)
    turn = user.chat(session_id, request)
    assert not turn.errors, turn.errors
    draft = user.state(session_id)["state"]["draft"]
    assert any(track["sg"] for track in draft["t"]), (turn.text, draft)
    status = user.wait_render(user.export(session_id, draft, height=OUTPUT_SHORT_SIDE))
    assert status["status"] == "completed", status
    video = user.download(status["output"]["url"], out)
    facts = mp4_facts(video)
    assert (facts.video_codec, facts.width, facts.height) == ("h264", 320, 180), facts
    assert facts.duration == pytest.approx(draft["d"] / 1000, abs=0.1), (facts, draft["d"])
    assert facts.audio_codec == ("aac" if sound else None), facts
    return video, draft


def dark_box(picture: Image.Image, below: int = 80) -> tuple[int, int]:
    """Width and height of the box around the dark pixels of a picture."""
    grey = picture.convert("L")
    mask = grey.point(lambda value: 255 if value < below else 0)
    box = mask.getbbox()
    assert box is not None, "no dark shape in the picture"
    return box[2] - box[0], box[3] - box[1]


def is_red(pixel: tuple[int, ...]) -> bool:
    return pixel[0] > 150 and pixel[1] < 100 and pixel[2] < 110


def is_blue(pixel: tuple[int, ...]) -> bool:
    return pixel[2] > 150 and pixel[0] < 100


def green_left_edge(
    picture: Image.Image, row: int | None = None, columns: range | None = None
) -> int:
    """The first column of a row (the middle one unless given) that is green: the left edge of
    the GIF's moving square."""
    rgb = picture.convert("RGB")
    y = rgb.height // 2 if row is None else row
    for x in columns or range(rgb.width):
        red, green, blue = rgb.getpixel((x, y))
        if green > 150 and red < 100 and blue < 120:
            return x
    raise AssertionError(f"no green square in row {y}")


def loudness(path: Path) -> tuple[int, float]:
    """(channels, peak sample of the first channel) of a file's sound, decoded as AAC decodes
    (planar float)."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        peak = 0.0
        for frame in container.decode(stream):
            samples = memoryview(bytes(frame.planes[0])).cast("f")
            peak = max(peak, max((abs(value) for value in samples), default=0.0))
        return stream.codec_context.channels, peak


# -- what was broken ---------------------------------------------------------------------------


def test_an_anamorphic_clip_keeps_its_shape(user: EngineUser, tmp_path: Path) -> None:
    """240x180 stored with 4:3 pixels is a 320x180 picture: its disc comes out round."""
    clip = phone_media.anamorphic_clip(tmp_path / "anamorphic.mp4")
    video, _ = render_uploads(user, [clip], ONE_CLIP, tmp_path / "out.mp4")
    width, height = dark_box(frame_at(video, 1.0))
    assert width == pytest.approx(height, rel=0.04), (width, height)
    assert height == pytest.approx(120, abs=6)


def test_an_animated_gif_plays_and_loops_to_its_segment(user: EngineUser, tmp_path: Path) -> None:
    """A 1 s GIF on a 2 s slide: the square moves, and starts over after one second."""
    gif = phone_media.animated_gif(tmp_path / "dance.gif")
    video, draft = render_uploads(user, [gif], ONE_SLIDE, tmp_path / "out.mp4")
    assert draft["d"] == 2000
    (segment,) = draft["t"][0]["sg"]
    assert segment["m"].get("motion") in (None, "none")
    early, later = green_left_edge(frame_at(video, 0.15)), green_left_edge(frame_at(video, 0.75))
    assert later - early > 60, (early, later)  # it moves: not frozen on its first frame
    again = green_left_edge(frame_at(video, 1.15))
    assert again == pytest.approx(early, abs=6), (early, again)  # the second pass


def test_an_animated_logo_moves_over_the_video(user: EngineUser, tmp_path: Path) -> None:
    """A GIF named like a logo goes top-right over the slides, and plays there too."""
    photo = phone_media.webp_still(tmp_path / "photo.webp")
    logo = phone_media.animated_gif(tmp_path / "logo.gif")
    video, draft = render_uploads(user, [photo, logo], ONE_SLIDE, tmp_path / "out.mp4")
    assert [track["m"]["name"] for track in draft["t"]][:2] == ["Video", "Logo"]
    # The logo is 64x36 at the top right, 10 pixels in from the edges.
    row, columns = 10 + 18, range(320 - 10 - 64, 320 - 10)
    early = green_left_edge(frame_at(video, 0.15), row, columns)
    later = green_left_edge(frame_at(video, 0.75), row, columns)
    assert later - early > 20, (early, later)


def test_a_panorama_is_shown_whole_not_cut_to_a_sliver(user: EngineUser, tmp_path: Path) -> None:
    """12000x200 on a 16:9 canvas: both coloured ends are in the picture, on a plain fill."""
    wide = phone_media.panorama(tmp_path / "panorama.jpg")
    video, _ = render_uploads(user, [wide], ONE_SLIDE, tmp_path / "out.mp4")
    picture = frame_at(video, 1.0).convert("RGB")
    column = [picture.getpixel((x, y)) for x in range(3, 7) for y in range(80, 100)]
    assert any(is_red(pixel) for pixel in column), column
    column = [picture.getpixel((x, y)) for x in range(313, 317) for y in range(80, 100)]
    assert any(is_blue(pixel) for pixel in column), column
    # Above and below the strip: the fill, not a magnified grey.
    corner = picture.getpixel((160, 10))
    assert max(corner) < 40, corner


def test_a_picture_far_taller_than_the_canvas_is_shown_whole(
    user: EngineUser, tmp_path: Path
) -> None:
    """600x6000 (a long screenshot) on a 16:9 canvas: top and bottom ends both in view."""
    tall = phone_media.panorama(tmp_path / "screenshot.jpg", width=600, height=6000)
    video, _ = render_uploads(user, [tall], ONE_SLIDE, tmp_path / "out.mp4")
    picture = frame_at(video, 1.0).convert("RGB")
    top = [picture.getpixel((x, y)) for x in range(156, 165) for y in range(1, 4)]
    assert any(is_red(pixel) for pixel in top), top
    bottom = [picture.getpixel((x, y)) for x in range(156, 165) for y in range(176, 179)]
    assert any(is_blue(pixel) for pixel in bottom), bottom
    side = picture.getpixel((20, 90))
    assert max(side) < 40, side


DAMAGED: dict[str, tuple[Callable[[Path], Path], str]] = {
    "holiday.mp4": (
        phone_media.truncated_mp4,
        r"holiday\.mp4 ends early: it holds 1\.\d s of its 3\.0 s \(a download or copy cut "
        r"short\?\); upload the whole file again",
    ),
    "beach.jpg": (
        phone_media.truncated_jpeg,
        r"beach\.jpg ends early: its picture is cut off \(a download or copy cut short\?\); "
        r"upload the whole file again",
    ),
    "broken.mp4": (phone_media.broken_clip, r"broken\.mp4 is not a readable media file .*"),
}


@pytest.mark.parametrize("name", DAMAGED)
def test_damaged_media_is_refused_at_upload_in_one_line(
    user: EngineUser, data_dir: Path, tmp_path: Path, name: str
) -> None:
    """A half-downloaded clip or photo, or a file of noise: 4001 with one line naming the file
    and what to do, and nothing kept. (Before, a cut MP4 rendered frozen and silent from the
    cut on, with no word.)"""
    make, expected = DAMAGED[name]
    damaged = make(tmp_path / name)
    session_id = user.new_session()
    with damaged.open("rb") as handle:
        answer = user.post(
            f"/api/upload-video/nemo_agent/me/{session_id}", files=[("files", (name, handle))]
        )
    code, message = envelope_error(answer)
    assert code == ErrorCode.UNSUPPORTED_FILE
    assert re.fullmatch(expected, message), message
    assert not files_under(data_dir / "media")


# -- what already worked and must keep working -------------------------------------------------

UPRIGHT_STILLS: dict[str, Callable[[Path], Path]] = {
    "exif-rotated.jpg": phone_media.exif_rotated_jpeg,
    "cmyk.jpg": phone_media.cmyk_jpeg,
    "deep.png": phone_media.sixteen_bit_png,
    "photo.webp": phone_media.webp_still,
}


@pytest.mark.parametrize("name", UPRIGHT_STILLS)
def test_phone_stills_come_out_upright_in_their_colours(
    user: EngineUser, tmp_path: Path, name: str
) -> None:
    """Red over blue stays red over blue: rotation applied, colours decoded."""
    still = UPRIGHT_STILLS[name](tmp_path / name)
    video, _ = render_uploads(user, [still], ONE_SLIDE, tmp_path / "out.mp4")
    picture = frame_at(video, 1.0).convert("RGB")
    top = picture.getpixel((picture.width // 2, picture.height // 4))
    bottom = picture.getpixel((picture.width // 2, picture.height * 3 // 4))
    assert is_red(top) and is_blue(bottom), (top, bottom)


def test_a_clip_turned_by_its_display_matrix_comes_out_upright(
    user: EngineUser, tmp_path: Path
) -> None:
    clip = phone_media.display_matrix_clip(tmp_path / "portrait.mp4")
    video, _ = render_uploads(user, [clip], ONE_CLIP, tmp_path / "out.mp4")
    picture = frame_at(video, 1.0).convert("RGB")
    top = picture.getpixel((picture.width // 2, picture.height // 4))
    bottom = picture.getpixel((picture.width // 2, picture.height * 3 // 4))
    assert is_red(top) and is_blue(bottom), (top, bottom)


CLIPS: dict[str, tuple[Callable[[Path], Path], float]] = {
    "variable-rate.mp4": (phone_media.variable_rate_clip, 2.0),
    "ten-bit.mp4": (phone_media.ten_bit_clip, 2.0),
    "uhd-60.mp4": (phone_media.uhd_60_clip, 0.5),
}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=[pytest.mark.slow] if name == "uhd-60.mp4" else [])
        for name in CLIPS
    ],
)
def test_phone_clips_render_to_small_h264(user: EngineUser, tmp_path: Path, name: str) -> None:
    """A variable frame rate, 10 bits (HEVC where it can be made), 4K at 60 frames a second: each
    comes out as 8-bit H.264 at the canvas rate, as long as the clip, and moving."""
    make, seconds = CLIPS[name]
    clip = make(tmp_path / name)
    video, draft = render_uploads(user, [clip], ONE_CLIP, tmp_path / "out.mp4")
    assert draft["d"] == pytest.approx(seconds * 1000, abs=40)
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert stream.average_rate == draft["m"]["fps"]
    first, last = frame_at(video, 0.0), frame_at(video, seconds - 0.1)
    assert first.tobytes() != last.tobytes()


@pytest.mark.parametrize(
    "name, make",
    [
        ("surround.m4a", phone_media.surround_audio),
        ("with-cover.mp3", phone_media.audio_with_cover),
    ],
)
def test_surround_sound_and_sound_with_cover_art_are_heard(
    user: EngineUser, tmp_path: Path, name: str, make: Callable[[Path], Path]
) -> None:
    """5.1 AAC is mixed down to stereo; an MP3's cover picture is not taken for a slide."""
    photo = phone_media.webp_still(tmp_path / "photo.webp")
    music = make(tmp_path / name)
    video, draft = render_uploads(
        user, [photo, music], WITH_MUSIC, tmp_path / "out.mp4", sound=True
    )
    assert draft["d"] == 2000
    assert [segment["m"]["name"] for segment in draft["t"][0]["sg"]] == ["photo.webp"]
    channels, peak = loudness(video)
    assert channels == 2 and peak > 0.02, (channels, peak)
