"""The renderer, end to end: drafts rendered by real ffmpeg runs, the MP4s opened with PyAV and
checked for what a viewer would get (codec, size, length, sound, and the pixels themselves)."""

from __future__ import annotations

import asyncio
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import av
import psutil
import pytest
from PIL import Image, ImageChops, ImageStat

from nemo_tui.api.draft import Draft, Segment, SegmentMeta, Track, TrackMeta, Transition
from nemo_tui.engine.media.info import MediaInfo
from nemo_tui.engine.media.probe import probe_media
from nemo_tui.engine.render import renderer
from nemo_tui.engine.render.ffmpeg import FfmpegError, run_ffmpeg
from nemo_tui.engine.render.renderer import (
    RenderError,
    RenderOptions,
    build_command,
    output_size,
    render,
)
from tests.support import frame_at

SMALL = RenderOptions(height=180, preset="ultrafast")
TRICKY_TEXT = "It's 50%: a\\b, c; [d]\nline two 中文"

# samples.PALETTE as RGB: the background colours of photo1..photo5 and the logo.
RED, TEAL, SAND, BLUE, ORANGE, PURPLE = (
    (0xE6, 0x39, 0x46),
    (0x2A, 0x9D, 0x8F),
    (0xE9, 0xC4, 0x6A),
    (0x45, 0x7B, 0x9D),
    (0xF4, 0xA2, 0x61),
    (0x83, 0x38, 0xEC),
)
CORNER = (8, 8)  # a pixel of the photo's plain background, away from its test-pattern inset


@pytest.fixture(scope="module")
def library(media_dir: Path) -> dict[str, MediaInfo]:
    """The sample media as the engine's store would describe it, keyed by media id (file stem)."""
    media = {}
    for path in sorted(media_dir.iterdir()):
        media[path.stem] = probe_media(path.stem, path, path.name)
    return media


# -- draft building ----------------------------------------------------------------------------


def segment(seg_id: str, d: int, st: int | None = None, **meta: object) -> Segment:
    return Segment(id=seg_id, st=st, d=d, m=SegmentMeta(**meta))


def track(track_id: str, tt: int, *segments: Segment, role: str | None = None) -> Track:
    return Track(id=track_id, tt=tt, m=TrackMeta(name=track_id, role=role), sg=list(segments))


def draft_of(*tracks: Track, width: int = 1920, height: int = 1080) -> Draft:
    draft = Draft.blank(width=width, height=height)
    draft.t.extend(tracks)
    return draft


def slideshow(fade_ms: int = 500, seconds_each: int = 2000) -> Track:
    return track(
        "v1",
        0,
        *(
            segment(
                f"s{index}",
                seconds_each,
                src=f"photo{index}",
                transition=Transition(type="fade", d=fade_ms),
            )
            for index in range(1, 6)
        ),
    )


# -- reading the result ------------------------------------------------------------------------


@dataclass(frozen=True)
class Streams:
    video_codec: str
    width: int
    height: int
    pix_fmt: str
    duration: float
    audio_codec: str | None
    audio_duration: float | None


def streams_of(path: Path) -> Streams:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        audio = next(iter(container.streams.audio), None)
        return Streams(
            video_codec=video.codec_context.name,
            width=video.codec_context.width,
            height=video.codec_context.height,
            pix_fmt=video.codec_context.pix_fmt,
            duration=container.duration / av.time_base,
            audio_codec=audio.codec_context.name if audio else None,
            audio_duration=float(audio.duration * audio.time_base) if audio else None,
        )


def last_frame(path: Path) -> Image.Image:
    with av.open(str(path)) as container:
        last = None
        for frame in container.decode(video=0):
            last = frame
        assert last is not None
        return last.to_image()


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference per channel, 0-255."""
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def near(color: tuple[int, ...], expected: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(c - e) <= tolerance for c, e in zip(color[:3], expected, strict=True))


def audio_rms(path: Path, start: float, end: float) -> float:
    """Loudness of the sound between `start` and `end` seconds (mono, 16-bit samples)."""
    resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
    samples = array("h")
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            for mono in resampler.resample(frame):
                if mono.time is None or mono.time + mono.samples / 48000 < start:
                    continue
                if mono.time > end:
                    break
                chunk = array("h", bytes(mono.planes[0])[: mono.samples * 2])
                first = max(0, round((start - mono.time) * 48000))
                last = min(len(chunk), round((end - mono.time) * 48000))
                samples.extend(chunk[first:last])
    assert samples, f"no sound between {start} and {end} s"
    return (sum(s * s for s in samples) / len(samples)) ** 0.5


async def render_small(draft: Draft, library: dict[str, MediaInfo], out: Path) -> Path:
    result = await render(draft, library, out, SMALL)
    assert result.path == out and out.is_file()
    return out


# -- canvas --------------------------------------------------------------------------------------


def test_output_size_scales_the_short_side_and_keeps_the_aspect() -> None:
    landscape, portrait, square = (
        Draft.blank(1920, 1080),
        Draft.blank(1080, 1920),
        Draft.blank(1080, 1080),
    )
    assert output_size(landscape, RenderOptions()) == (1920, 1080)
    assert output_size(landscape, RenderOptions(height=180)) == (320, 180)
    assert output_size(portrait, RenderOptions(height=180)) == (180, 320)
    assert output_size(square, RenderOptions(height=180)) == (180, 180)
    assert output_size(landscape, RenderOptions(height=720)) == (1280, 720)
    # Odd results round to even numbers, as H.264 4:2:0 needs.
    assert output_size(Draft.blank(1000, 750), RenderOptions(height=101)) == (134, 102)


# -- pictures ------------------------------------------------------------------------------------


async def test_slideshow_with_crossfades_and_title_renders_h264(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    draft = draft_of(
        slideshow(),
        track("x1", 7, segment("t1", 3000, st=0, text="Summer Sale")),
    )
    assert draft.computed_duration() == 8000  # 5 x 2 s, minus 4 overlaps of 0.5 s
    out = await render_small(draft, library, tmp_path / "slideshow.mp4")

    info = streams_of(out)
    assert (info.video_codec, info.width, info.height, info.pix_fmt) == (
        "h264",
        320,
        180,
        "yuv420p",
    )
    assert abs(info.duration - 8.0) <= 0.2
    # Each photo in its slot; halfway through the first crossfade, a blend of the two.
    assert near(frame_at(out, 0.5).getpixel(CORNER), RED)
    assert near(frame_at(out, 2.5).getpixel(CORNER), TEAL)
    assert near(frame_at(out, 7.5).getpixel(CORNER), ORANGE)
    blend = frame_at(out, 1.75).getpixel(CORNER)
    assert not near(blend, RED) and not near(blend, TEAL)
    assert near(blend, tuple((r + t) // 2 for r, t in zip(RED, TEAL, strict=True)), 40)


def test_only_the_blended_frames_go_through_xfade(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    """xfade converts every frame it sees to 4:4:4 and back, which cost a slideshow a third of
    its render time: each crossfade is fed exactly the frames it blends, 0.5 s at 30 fps."""
    plan = build_command(draft_of(slideshow()), library, tmp_path / "out.mp4", SMALL, tmp_path)
    graph = plan.args[plan.args.index("-filter_complex") + 1]
    made_by = {chain.rsplit("[", 1)[1].rstrip("]"): chain for chain in graph.split(";")}
    blends = [chain for chain in graph.split(";") if "xfade=" in chain]
    assert len(blends) == 4
    for blend in blends:
        inputs = re.findall(r"\[(\w+)\]", blend.split("xfade=")[0])
        assert len(inputs) == 2
        for label in inputs:
            trim = re.search(r"trim=start_frame=(\d+):end_frame=(\d+)", made_by[label])
            assert trim is not None
            assert int(trim.group(2)) - int(trim.group(1)) == 15


@pytest.mark.parametrize("slow_gathers", [True, False])
async def test_moving_stills_avoid_slow_gathers_and_filters_run_in_one_thread(
    library: dict[str, MediaInfo],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    slow_gathers: bool,
) -> None:
    """Where AVX2 gathers are slow (AMD), a render that scales a moving still every frame asks
    ffmpeg for its SSSE3 scaler; a still that stands still, or another processor, changes
    nothing. Filters never slice across threads: the encoder has the cores."""
    seen: list[list[str]] = []

    async def recording(
        args: list[str], seconds: float, on_progress: Callable[[float], None] | None
    ) -> None:
        seen.append(args)
        await run_ffmpeg(args, seconds, on_progress)

    monkeypatch.setattr(renderer, "gathers_are_slow", lambda: slow_gathers)
    monkeypatch.setattr(renderer, "run_ffmpeg", recording)
    moving = draft_of(track("v1", 0, segment("s1", 1000, src="photo1", motion="zoom_in")))
    still = draft_of(track("v1", 0, segment("s1", 1000, src="photo1")))
    for draft in (moving, still):
        out = await render_small(draft, library, tmp_path / "out.mp4")
        assert abs(streams_of(out).duration - 1.0) <= 0.1
    (moving_args, still_args) = seen
    assert ("-cpuflags" in moving_args) is slow_gathers
    assert "-cpuflags" not in still_args
    for args in seen:
        assert args[args.index("-filter_complex_threads") + 1] == "1"


async def test_a_small_render_decodes_big_jpegs_at_a_fraction_of_their_size(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    """A 480x320 photo covers a 142x80 canvas at half size: the JPEG is decoded at half size, and
    the picture is still the photo; a moving one needs 1.2x the canvas, which half size covers
    too; a PNG logo is decoded whole."""
    tiny = RenderOptions(height=80, preset="ultrafast")
    draft = draft_of(
        track("v1", 0, segment("s1", 1000, src="photo1"), segment("s2", 1000, src="photo2")),
        track("v2", 0, segment("o1", 2000, st=0, src="logo"), role="overlay"),
    )
    draft.t[0].sg[1].m.motion = "zoom_in"
    plan = build_command(draft, library, tmp_path / "out.mp4", tiny, tmp_path)
    inputs = plan.args[: plan.args.index("-filter_complex")]
    decoded = [
        (inputs[i - 2 : i] if inputs[i - 2] == "-lowres" else [])
        for i, arg in enumerate(inputs)
        if arg == "-i"
    ]
    assert decoded == [["-lowres", "1"], ["-lowres", "1"], []]
    result = await render(draft, library, tmp_path / "small.mp4", tiny)
    assert (result.width, result.height) == (142, 80)
    assert near(frame_at(result.path, 0.5).getpixel((4, 60)), RED)
    assert near(frame_at(result.path, 1.5).getpixel((4, 60)), TEAL)


async def test_black_lead_a_wholly_blended_photo_and_a_gap(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    """Black before the first piece; a photo whose every frame is in its crossfade; a gap."""
    fade = Transition(type="fade", d=500)
    draft = draft_of(
        track(
            "v1",
            0,
            segment("s1", 500, st=500, src="photo1", transition=fade),
            segment("s2", 1500, st=500, src="photo2"),
            segment("s3", 1000, st=2500, src="photo3"),
        )
    )
    out = await render_small(draft, library, tmp_path / "edges.mp4")
    assert abs(streams_of(out).duration - 3.5) <= 0.1
    assert near(frame_at(out, 0.25).getpixel(CORNER), (0, 0, 0))
    blend = frame_at(out, 0.75).getpixel(CORNER)
    assert not near(blend, RED) and not near(blend, TEAL) and not near(blend, (0, 0, 0))
    assert near(frame_at(out, 1.5).getpixel(CORNER), TEAL)
    assert near(frame_at(out, 2.25).getpixel(CORNER), (0, 0, 0))
    assert near(frame_at(out, 3.0).getpixel(CORNER), SAND)


async def test_draft_without_sound_has_no_audio_stream(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    draft = draft_of(track("v1", 0, segment("s1", 1500, src="photo1")))
    out = await render_small(draft, library, tmp_path / "silent.mp4")
    assert streams_of(out).audio_codec is None


async def test_title_with_special_characters_is_drawn_while_enabled(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    draft = draft_of(
        track("v1", 0, segment("s1", 3000, src="photo2")),
        track("x1", 7, segment("t1", 1500, st=0, text=TRICKY_TEXT, size=120)),
    )
    out = await render_small(draft, library, tmp_path / "title.mp4")
    with_title, after, later = frame_at(out, 0.5), frame_at(out, 2.0), frame_at(out, 2.5)
    centre = (100, 50, 220, 130)
    assert difference(with_title.crop(centre), after.crop(centre)) > 10
    assert difference(after.crop(centre), later.crop(centre)) < 2


def test_title_text_goes_to_a_file_verbatim_never_into_the_graph(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    draft = draft_of(track("x1", 7, segment("t1", 1000, st=0, text=TRICKY_TEXT)))
    plan = build_command(draft, library, tmp_path / "out.mp4", SMALL, tmp_path)
    graph = plan.args[plan.args.index("-filter_complex") + 1]
    assert "Summer" not in graph and "line two" not in graph and "50%" not in graph
    plan.write_text_files()
    (text_file,) = plan.text_files
    assert text_file.parent == tmp_path
    assert text_file.read_bytes() == TRICKY_TEXT.encode("utf-8")
    assert text_file.name in graph


async def test_paths_with_graph_syntax_characters_are_escaped(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    workdir = tmp_path / "it's: a,b [c]; d\\e"
    workdir.mkdir()
    draft = draft_of(
        track("v1", 0, segment("s1", 1000, src="photo3")),
        track("x1", 7, segment("t1", 1000, st=0, text="Hello")),
    )
    out = tmp_path / "escaped.mp4"
    plan = build_command(draft, library, out, SMALL, workdir)
    plan.write_text_files()
    await run_ffmpeg(plan.args, plan.total_seconds, None)
    assert abs(streams_of(out).duration - 1.0) <= 0.2
    centre = (110, 60, 210, 120)
    assert difference(frame_at(out, 0.5).crop(centre), last_frame(out).crop(centre)) < 2
    assert not near(frame_at(out, 0.5).getpixel((160, 90)), SAND, 10)


async def test_vertical_and_square_canvases_keep_their_shape(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    for (width, height), expected in (((1080, 1920), (180, 320)), ((1080, 1080), (180, 180))):
        draft = draft_of(
            track("v1", 0, segment("s1", 1000, src="photo1")), width=width, height=height
        )
        out = await render_small(draft, library, tmp_path / f"{width}x{height}.mp4")
        info = streams_of(out)
        assert (info.width, info.height) == expected
        assert abs(info.duration - 1.0) <= 0.2


async def test_motion_moves_the_picture_and_a_still_stays_still(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    for motion in ("zoom_in", "pan_left", None):
        draft = draft_of(track("v1", 0, segment("s1", 2000, src="photo4", motion=motion)))
        out = await render_small(draft, library, tmp_path / f"{motion}.mp4")
        assert abs(streams_of(out).duration - 2.0) <= 0.2
        change = difference(frame_at(out, 0.0), last_frame(out))
        if motion:
            assert change > 3, f"{motion} did not move the picture"
        else:
            assert change < 1


def band_centre(frame: Image.Image) -> float:
    """The x of a bright vertical band on a dark picture, to a fraction of a pixel: the
    brightness-weighted mean column of the middle rows, above the background (the median: the
    darkest column can be the encoder's undershoot beside the band, which would weigh the whole
    background in)."""
    grey = frame.convert("L")
    width, height = grey.size
    strip = grey.crop((0, height // 3, width // 2, 2 * height // 3))
    row = list(strip.resize((strip.width, 1), Image.Resampling.BOX).tobytes())
    floor = sorted(row)[len(row) // 2]
    weights = [max(value - floor - 8, 0) for value in row]
    return sum(x * w for x, w in enumerate(weights)) / sum(weights)


async def test_zoom_moves_by_fractions_of_a_pixel_never_in_whole_pixel_jumps(
    tmp_path: Path,
) -> None:
    """A band a quarter from the left edge drifts outwards as the picture zooms in: about a
    quarter of a pixel a frame. zoompan, which crops at whole even pixels, made it stand still
    and then jump more than a pixel; every step must now be close to the steady drift."""
    photo = Image.new("RGB", (640, 360), (30, 30, 30))
    photo.paste((250, 250, 250), (157, 0, 163, 360))  # 6 px wide, centred at x = 160
    photo.save(tmp_path / "band.png")
    media = {"band": probe_media("band", tmp_path / "band.png", "band.png")}
    draft = draft_of(
        track("v1", 0, segment("s1", 2000, src="band", motion="zoom_in")), width=320, height=180
    )
    out = (await render(draft, media, tmp_path / "zoom.mp4", SMALL)).path
    with av.open(str(out)) as container:
        centres = [band_centre(frame.to_image()) for frame in container.decode(video=0)]
    steps = [after - before for before, after in pairwise(centres)]
    # From 80 (a quarter of 320) to 160 - 80 * 1.2 = 64: 16 px over 59 steps.
    assert 12 < centres[0] - centres[-1] < 20, centres
    drift = (centres[-1] - centres[0]) / len(steps)
    assert all(abs(step - drift) < 0.25 for step in steps), [round(s, 2) for s in steps]


async def test_a_moving_photo_crossfades_into_a_still_and_a_clip(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    """Moving and still pieces meet in crossfades, which need both sides at the canvas rate."""
    fade = Transition(type="fade", d=500)
    draft = draft_of(
        track(
            "v1",
            0,
            segment("s1", 1500, src="photo1", motion="zoom_in", transition=fade),
            segment("s2", 1500, src="photo2", transition=fade),
            segment("s3", 1500, src="clip", transition=fade),
        )
    )
    out = await render_small(draft, library, tmp_path / "mixed.mp4")
    assert abs(streams_of(out).duration - 3.5) <= 0.2


async def test_contain_pads_with_black_and_gaps_are_black(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    draft = draft_of(
        track(
            "v1",
            0,
            segment("s1", 1000, st=0, src="photo1", fit="contain"),
            segment("s2", 1000, st=2000, src="photo2"),
        )
    )
    out = await render_small(draft, library, tmp_path / "gap.mp4")
    assert abs(streams_of(out).duration - 3.0) <= 0.2
    # A 3:2 photo inside a 16:9 frame: black bars left and right, the photo in the middle.
    contained = frame_at(out, 0.5)
    assert near(contained.getpixel((4, 90)), (0, 0, 0), 12)
    assert near(contained.getpixel((40, 8)), RED)
    assert near(frame_at(out, 1.5).getpixel((160, 90)), (0, 0, 0), 12)
    assert near(frame_at(out, 2.5).getpixel(CORNER), TEAL)


async def test_logo_track_is_overlaid_top_right(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    draft = draft_of(
        track("v1", 0, segment("s1", 2000, src="photo3")),
        track("v2", 0, segment("l1", 1000, st=0, src="logo"), role="overlay"),
    )
    out = await render_small(draft, library, tmp_path / "logo.mp4")
    # 20% of 320 px wide, 3% from the edges: its purple corner sits near (251, 11).
    assert near(frame_at(out, 0.5).getpixel((254, 14)), PURPLE, 30)
    assert near(frame_at(out, 1.5).getpixel((254, 14)), SAND)


async def test_logo_goes_to_the_corner_its_segment_names(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    draft = draft_of(
        track("v1", 0, segment("s1", 1000, src="photo3")),
        track("v2", 0, segment("l1", 1000, st=0, src="logo", pos="bottom-left"), role="overlay"),
    )
    out = await render_small(draft, library, tmp_path / "logo-left.mp4")
    # 64 px square, 10 px from the left and bottom edges: its corner sits near (10, 106).
    frame = frame_at(out, 0.5)
    assert near(frame.getpixel((13, 109)), PURPLE, 30)
    assert near(frame.getpixel((254, 14)), SAND)


async def test_only_audio_and_text_renders_on_black(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    draft = draft_of(
        track("a1", 1, segment("a", 2000, st=0, src="voice")),
        track("x1", 7, segment("t", 1000, st=0, text="Hi", pos="top")),
    )
    out = await render_small(draft, library, tmp_path / "black.mp4")
    info = streams_of(out)
    assert info.audio_codec == "aac" and abs(info.duration - 2.0) <= 0.2
    assert near(frame_at(out, 1.5).getpixel((160, 90)), (0, 0, 0), 12)


# -- sound ---------------------------------------------------------------------------------------


async def test_voice_and_music_are_mixed_with_volume_and_fade_out(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    draft = draft_of(
        track("v1", 0, segment("s1", 4000, src="photo5")),
        track("a1", 1, segment("m", 8000, st=0, src="music", volume=0.35, fade_out=1500)),
        track("a2", 1, segment("v", 6000, st=0, src="voice")),
    )
    out = await render_small(draft, library, tmp_path / "mix.mp4")
    info = streams_of(out)
    assert info.audio_codec == "aac"
    assert abs(info.duration - 8.0) <= 0.2
    assert info.audio_duration is not None and abs(info.audio_duration - 8.0) <= 0.2
    # The picture ends at 4 s and black carries on while the music plays.
    assert near(frame_at(out, 6.0).getpixel((160, 90)), (0, 0, 0), 12)
    both = audio_rms(out, 2.0, 3.0)
    music_only = audio_rms(out, 6.2, 6.4)
    faded = audio_rms(out, 7.85, 7.95)
    assert both > music_only * 2  # the voice is at full volume, the music at 35%
    assert music_only > 500
    assert faded < music_only * 0.3


async def test_clip_is_trimmed_and_keeps_its_own_sound(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    draft = draft_of(track("v1", 0, segment("c1", 2000, src="clip", **{"in": 500})))
    out = await render_small(draft, library, tmp_path / "clip.mp4")
    info = streams_of(out)
    assert info.audio_codec == "aac"
    assert abs(info.duration - 2.0) <= 0.2
    assert info.audio_duration is not None and abs(info.audio_duration - 2.0) <= 0.2
    assert audio_rms(out, 0.5, 1.5) > 1000
    # testsrc2 moves: the trimmed clip's first frame is the source's frame at 0.5 s, not 0 s.
    source_at_half = frame_at(library["clip"].path, 0.5).resize((320, 180))
    source_at_zero = frame_at(library["clip"].path, 0.0).resize((320, 180))
    first = frame_at(out, 0.0)
    assert difference(first, source_at_half) < difference(first, source_at_zero)


# -- failures, progress and cancellation --------------------------------------------------------


async def test_unknown_media_is_a_clear_error_and_leaves_no_file(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    draft = draft_of(
        track(
            "v1",
            0,
            segment("s1", 1000, src="photo1"),
            segment("s2", 1000, src="photo2"),
            segment("s3", 1000, src="m9"),
        )
    )
    out = tmp_path / "never.mp4"
    with pytest.raises(RenderError) as caught:
        await render(draft, library, out, SMALL)
    message = str(caught.value)
    assert message == "segment s3 refers to media m9, which this session does not have"
    assert list(tmp_path.iterdir()) == []


async def test_unreadable_media_fails_in_one_line_and_cleans_up(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_text("not a picture")
    media = dict(library)
    media["broken"] = MediaInfo(
        "broken", "broken.jpg", broken, "image", 0.0, 480, 320, None, False, 13
    )
    draft = draft_of(track("v1", 0, segment("s1", 1000, src="broken")))
    out = tmp_path / "out.mp4"
    with pytest.raises(RenderError) as caught:
        await render(draft, media, out, SMALL)
    assert str(caught.value).startswith("ffmpeg could not render the draft: ")
    assert "\n" not in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.jpg"]


def test_bad_drafts_are_refused_before_ffmpeg_runs(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    cases = {
        "the draft is empty": draft_of(),
        "uses the audio file voice.m4a": draft_of(track("v1", 0, segment("s1", 1000, src="voice"))),
        "which has no sound": draft_of(track("a1", 1, segment("s1", 1000, src="photo1"))),
        "use #rrggbb": draft_of(track("x1", 7, segment("t1", 1000, text="Hi", color="reddish"))),
        "lower its m.in": draft_of(track("v1", 0, segment("s1", 1000, src="clip", **{"in": 9000}))),
    }
    for expected, draft in cases.items():
        with pytest.raises(RenderError, match=expected):
            build_command(draft, library, tmp_path / "x.mp4", SMALL, tmp_path)


async def test_progress_only_goes_up_and_ends_at_100(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    # Long enough (about a second of work) for ffmpeg to report several times along the way.
    draft = draft_of(track("v1", 0, segment("s1", 90_000, src="photo1", motion="zoom_in")))
    seen: list[float] = []
    await render(draft, library, tmp_path / "progress.mp4", SMALL, seen.append)
    assert len(seen) >= 2, seen
    assert seen == sorted(seen) and len(set(seen)) == len(seen)
    assert seen[-1] == 100.0 and all(0 <= value < 100 for value in seen[:-1])


async def test_cancelled_render_kills_ffmpeg_and_leaves_nothing(
    library: dict[str, MediaInfo], tmp_path: Path
) -> None:
    draft = draft_of(track("v1", 0, segment("s1", 300_000, src="photo1", motion="pan_right")))
    started = asyncio.Event()
    out = tmp_path / "cancelled.mp4"
    task = asyncio.create_task(render(draft, library, out, SMALL, lambda _: started.set()))
    await asyncio.wait_for(started.wait(), timeout=30)
    assert [child.name() for child in psutil.Process().children()] != []
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert psutil.Process().children(recursive=True) == []
    assert list(tmp_path.iterdir()) == []


async def test_run_ffmpeg_reports_progress_along_the_way() -> None:
    # -re reads the input in real time (after a 0.5 s burst): about 1.5 s whatever the machine.
    args = ["-re", "-f", "lavfi", "-i", "color=c=red:s=32x32:r=10:d=2", "-f", "null", "-"]
    seen: list[float] = []
    await run_ffmpeg(args, 2.0, seen.append)
    assert len([value for value in seen if 0 < value < 100]) >= 3, seen
    assert seen == sorted(seen) and seen[-1] == 100.0


async def test_run_ffmpeg_failure_keeps_the_error_tail(tmp_path: Path) -> None:
    with pytest.raises(FfmpegError) as caught:
        await run_ffmpeg(["-i", str(tmp_path / "missing.mp4"), "-f", "null", "-"], 1.0, None)
    assert "missing.mp4" in " ".join(caught.value.stderr_tail)
    assert "\n" not in str(caught.value)
