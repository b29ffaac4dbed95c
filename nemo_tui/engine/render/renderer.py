"""The renderer: one draft (SPEC section 10) into one ffmpeg run that writes an H.264/AAC MP4.

`build_command` is pure: it turns the draft into ffmpeg arguments (a single filter graph) plus the
text files drawtext will read, and says how long the output is. `render` writes those files, runs
ffmpeg with progress, and moves the finished file into place only on success.

All timeline arithmetic happens in whole output frames, so crossfade offsets, gaps and the final
length add up exactly instead of drifting by rounding.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import av

from nemo_tui.api.draft import (
    TRACK_AUDIO,
    TRACK_TEXT,
    TRACK_VIDEO,
    Draft,
    Segment,
    Track,
)
from nemo_tui.engine.media.info import MediaInfo
from nemo_tui.engine.render.ffmpeg import (
    FfmpegError,
    MissingToolError,
    filter_value,
    gathers_are_slow,
    run_ffmpeg,
)
from nemo_tui.engine.render.fonts import font_for
from nemo_tui.engine.render.motion import MOTION_OVERSIZE, MOTION_PAD, Cut, plan_moves

# xfade's transition names; anything else a draft asks for is drawn as a plain fade.
_XFADE_NAMES = (
    "fade wipeleft wiperight wipeup wipedown slideleft slideright slideup slidedown "
    "circlecrop rectcrop distance fadeblack fadewhite radial smoothleft smoothright smoothup "
    "smoothdown circleopen circleclose vertopen vertclose horzopen horzclose dissolve "
    "pixelize diagtl diagtr diagbl diagbr hlslice hrslice vuslice vdslice hblur fadegrays "
    "wipetl wipetr wipebl wipebr squeezeh squeezev zoomin fadefast fadeslow coverleft "
    "coverright coverup coverdown revealleft revealright revealup revealdown"
)
XFADE_TRANSITIONS = frozenset(_XFADE_NAMES.split())

# Text sizes in a draft are pixels on a canvas whose short side is this long.
REFERENCE_SHORT_SIDE = 1080
DEFAULT_TEXT_SIZE = 96
DEFAULT_TEXT_COLOR = "#ffffff"
# An overlay (logo) is this share of the canvas width, this far from the edges.
OVERLAY_WIDTH_SHARE = 0.2
OVERLAY_MARGIN_SHARE = 0.03
AUDIO_BITRATE = "160k"
# A preview's sound: one channel at a low rate costs a quarter of the full encode, and nobody hears
# the difference through a terminal.
PREVIEW_AUDIO_BITRATE = "64k"
# A preview render: the short side, x264 preset and CRF.
PREVIEW_QUALITY = "preview"
PREVIEW_HEIGHT = 360
PREVIEW_PRESET = "ultrafast"
PREVIEW_CRF = 28

# ffmpeg's JPEG decoder can decode at 1/2, 1/4 or 1/8 of the size (`-lowres` 1 to 3).
JPEG_SUFFIXES = (".jpg", ".jpeg")
MAX_LOWRES = 3

# A cover fit crops at most this factor of the picture's aspect away (a 4:3 photo on a 16:9
# canvas loses a quarter); a picture further from the canvas's shape is padded whole instead.
COVER_MOST_CUT = 4

_HEX_COLOR = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


class RenderError(Exception):
    """A draft that cannot be rendered, or a render that failed; the message is one line."""


@dataclass(frozen=True)
class RenderOptions:
    height: int | None = None  # short side of the output; None = the draft canvas
    preset: str = "veryfast"  # x264 preset
    crf: int = 20
    quick_audio: bool = False  # mono at PREVIEW_AUDIO_BITRATE

    def as_preview(self) -> RenderOptions:
        """The same timeline as a quick look (`output.quality: "preview"`): at most
        PREVIEW_HEIGHT lines, or fewer when asked (a terminal shows fewer), x264's fastest
        preset, and a picture and sound of a quality nobody tells apart in a terminal."""
        height = min(self.height or PREVIEW_HEIGHT, PREVIEW_HEIGHT)
        return RenderOptions(
            height=height, preset=PREVIEW_PRESET, crf=PREVIEW_CRF, quick_audio=True
        )


@dataclass(frozen=True)
class RenderResult:
    path: Path
    duration: float
    size: int
    width: int
    height: int


@dataclass(frozen=True)
class RenderPlan:
    """Everything one ffmpeg run needs: its arguments (without the binary), the output length in
    seconds, the text files the graph reads (to be written first) and the media files it opens."""

    args: list[str]
    total_seconds: float
    text_files: dict[Path, str] = field(default_factory=dict)
    media_paths: tuple[Path, ...] = ()
    scales_every_frame: bool = False  # a moving still: a new scale for each frame

    def write_text_files(self) -> None:
        for path, text in self.text_files.items():
            # newline="" keeps the text byte-exact: no platform newline translation.
            path.write_text(text, encoding="utf-8", newline="")


def _even(value: float) -> int:
    return max(2, int(value / 2 + 0.5) * 2)


def output_size(draft: Draft, options: RenderOptions) -> tuple[int, int]:
    """The output width and height (even numbers): the canvas, or the canvas scaled so its short
    side is `options.height`, keeping the aspect ratio."""
    width, height = draft.m.width, draft.m.height
    if width <= 0 or height <= 0:
        raise RenderError(f"the draft canvas {width}x{height} is invalid: use e.g. 1920x1080")
    if options.height is None:
        return _even(width), _even(height)
    if options.height < 16:
        raise RenderError(f"output height {options.height} is too small: use 16 or more")
    short, long = (
        _even(options.height),
        _even(max(width, height) * options.height / min(width, height)),
    )
    return (long, short) if width > height else (short, long)


def _seconds(frames: int, fps: int) -> str:
    return f"{frames / fps:.6f}"


def _ff_color(color: str, segment: Segment) -> str:
    match = _HEX_COLOR.match(color.strip())
    if match is None:
        raise RenderError(f"segment {segment.id} has colour {color!r}: use #rrggbb, e.g. #ffffff")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(char * 2 for char in digits)
    return f"0x{digits.lower()}"


def _motion_source(size: tuple[int, int]) -> tuple[int, int]:
    """The size a moving still is scaled to once: MOTION_OVERSIZE times the canvas."""
    return _even(size[0] * MOTION_OVERSIZE), _even(size[1] * MOTION_OVERSIZE)


def _decode_smaller(info: MediaInfo, width: int, height: int) -> list[str]:
    """Input options that decode a JPEG at 1/2, 1/4 or 1/8 of its size (ffmpeg's `lowres`) when
    that still covers `width` x `height`: a preview of 12-megapixel photos then decodes and
    scales a fraction of their pixels. Nothing for other files."""
    if info.path.suffix.lower() not in JPEG_SUFFIXES or not info.width or not info.height:
        return []
    shift = 0
    while (
        shift < MAX_LOWRES
        and info.width >> (shift + 1) >= width
        and info.height >> (shift + 1) >= height
    ):
        shift += 1
    return ["-lowres", str(shift)] if shift else []


def _fit_filters(width: int, height: int, fit: str | None, whole_when_far: bool = True) -> str:
    """Scale a picture to exactly width x height: crop the overflow ("cover", the default) or
    pad with black ("contain"). With `whole_when_far`, a cover that would keep less than
    1 / COVER_MOST_CUT of the picture (a panorama, a picture far taller than the canvas) pads
    instead, so the whole picture stays in view; clips go without it, since the padding costs a
    copy of every frame. Sizes come from the display aspect (`dar`), so pixels that are not square
    (an anamorphic clip) come out in their true shape. JPEGs are full-range; the output is TV
    range like all H.264 delivery, so the one scale also converts the range."""
    inside = (f"min({width},floor({height}*dar))", f"min({height},floor({width}/dar))")
    over = (f"max({width},ceil({height}*dar))", f"max({height},ceil({width}/dar))")
    pad = f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:black,setsar=1"
    if fit == "contain":
        return f"{_scale_to(*inside)},{pad}"
    if not whole_when_far:
        return f"{_scale_to(*over)},crop={width}:{height},setsar=1"
    far = f"gt(abs(log(dar*{height}/{width})),log({COVER_MOST_CUT}))"
    # One of the crop and the pad does nothing: which one is known only once `dar` is.
    crop = f"crop=w={filter_value(f'min(iw,{width})')}:h={filter_value(f'min(ih,{height})')}"
    chosen = (f"if({far},{inside[0]},{over[0]})", f"if({far},{inside[1]},{over[1]})")
    return f"{_scale_to(*chosen)},{crop},{pad}"


def _scale_to(width: str, height: str) -> str:
    """A scale to the sizes these expressions give, at least 2 pixels each way (a panorama on a
    small canvas may round to a line), converting to TV range."""
    w, h = (filter_value(f"max(2,{side})") for side in (width, height))
    return f"scale=w={w}:h={h}:out_range=tv"


def _width_filters(width: int) -> str:
    """Scale a picture to `width` pixels wide, as tall as its display aspect says (even)."""
    height = filter_value(f"max(2,trunc({width}/dar/2)*2)")
    return f"scale=w={width}:h={height},setsar=1"


def _padded(pad: int) -> str:
    """`pad` pixels of the picture's own edge repeated on every side."""
    return (
        f"pad=w=iw+{2 * pad}:h=ih+{2 * pad}:x={pad}:y={pad},"
        f"fillborders=left={pad}:right={pad}:top={pad}:bottom={pad}:mode=smear"
    )


def _motion_commands(cuts: list[Cut], fps: int, crop: str, scale: str, canvas: str) -> str:
    """sendcmd lines that set each frame's cut (see `motion`), half a frame before it, and only
    the values that change."""
    lines = []
    for index in range(1, len(cuts)):
        before, now = cuts[index - 1], cuts[index]
        changes = [
            (target, name, value, old)
            for target, name, value, old in (
                (crop, "w", now.x.length, before.x.length),
                (crop, "h", now.y.length, before.y.length),
                (crop, "x", now.x.start, before.x.start),
                (crop, "y", now.y.start, before.y.start),
                (scale, "w", now.x.scaled, before.x.scaled),
                (scale, "h", now.y.scaled, before.y.scaled),
                (canvas, "x", now.x.offset, before.x.offset),
                (canvas, "y", now.y.offset, before.y.offset),
            )
            if value != old
        ]
        if changes:
            commands = ", ".join(f"{target} {name} {value}" for target, name, value, _ in changes)
            lines.append(f"{(index - 0.5) / fps:.6f} {commands};")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class _Piece:
    """One segment of the main track as laid out: its frames, how many of its first frames blend
    with the previous piece (`head`), or how many black frames come before it, and the
    transition the previous piece asked for."""

    segment: Segment
    info: MediaInfo
    frames: int
    head: int
    black_before: int
    transition: str


class _GraphBuilder:
    """Accumulates ffmpeg inputs and filter-graph chains for one draft."""

    def __init__(
        self,
        media: Mapping[str, MediaInfo],
        size: tuple[int, int],
        fps: int,
        workdir: Path,
    ) -> None:
        self.media = media
        self.width, self.height = size
        self.fps = fps
        self.workdir = workdir
        self.inputs: list[str] = []
        self.input_count = 0
        self.media_paths: list[Path] = []
        self.chains: list[str] = []
        self.audio_labels: list[str] = []
        # The input index of each clip segment's file, so its sound reuses the same input.
        self.clip_inputs: dict[int, int] = {}
        self.text_files: dict[Path, str] = {}
        self.scales_every_frame = False  # a moving still is cut and scaled anew each frame
        self._label_count = 0

    # -- small helpers -------------------------------------------------------------------------

    def frames(self, ms: int) -> int:
        return round(ms * self.fps / 1000)

    def label(self, prefix: str) -> str:
        self._label_count += 1
        return f"{prefix}{self._label_count}"

    def add_input(self, path: Path, *options: str) -> int:
        self.inputs += [*options, "-i", str(path)]
        self.media_paths.append(path)
        self.input_count += 1
        return self.input_count - 1

    def chain(self, sources: str, filters: str, prefix: str = "v") -> str:
        out = self.label(prefix)
        self.chains.append(f"{sources}{filters}[{out}]")
        return out

    def media_for(self, segment: Segment, track: Track) -> MediaInfo:
        src = segment.m.src
        if not src:
            raise RenderError(
                f"segment {segment.id} on track {track.name} names no media: set its m.src"
            )
        info = self.media.get(src)
        if info is None:
            raise RenderError(
                f"segment {segment.id} refers to media {src}, which this session does not have"
            )
        return info

    # -- video ---------------------------------------------------------------------------------

    def video_piece(self, segment: Segment, info: MediaInfo, frames: int) -> str:
        """A segment as exactly `frames` canvas-sized yuv420p frames at the canvas rate."""
        w, h, fps = self.width, self.height, self.fps
        if info.kind == "image" and info.duration > 0:
            return self.animation(info, frames, segment.m.fit)
        if info.kind == "image":
            motion = segment.m.motion if segment.m.motion != "none" else None
            need = _motion_source((w, h)) if motion else (w, h)
            index = self.add_input(info.path, *_decode_smaller(info, *need))
            if motion:
                filters = self.motion_filters(motion, frames, segment.m.fit)
            else:
                # Decode and scale the still once, then repeat that one frame.
                filters = (
                    f"trim=end_frame=1,{_fit_filters(w, h, segment.m.fit)},format=yuv420p,"
                    f"loop=loop={frames - 1}:size=1:start=0,settb=1/{fps},setpts=N,fps={fps}"
                )
            return self.chain(f"[{index}:v]", filters)
        in_s = (segment.m.in_ms or 0) / 1000
        if info.duration and in_s >= info.duration:
            raise RenderError(
                f"segment {segment.id} starts {in_s:g} s into {info.name}, which is only "
                f"{info.duration:g} s long: lower its m.in"
            )
        index = self.add_input(info.path, "-ss", f"{in_s:.3f}", "-t", _seconds(frames, fps))
        self.clip_inputs[id(segment)] = index
        # A clip shorter than its segment holds its last frame rather than leaving a hole.
        filters = (
            f"setpts=PTS-STARTPTS,{_fit_filters(w, h, segment.m.fit, whole_when_far=False)},"
            f"fps={fps},format=yuv420p,"
            f"tpad=stop=-1:stop_mode=clone,trim=end_frame={frames}"
        )
        return self.chain(f"[{index}:v]", filters)

    def animation(self, info: MediaInfo, frames: int, fit: str | None) -> str:
        """An animated picture (a GIF) played as a clip, from its first frame again each time it
        ends, for `frames` canvas frames. It moves by itself, so no camera move is added."""
        index = self.add_input(info.path, "-stream_loop", "-1", "-t", _seconds(frames, self.fps))
        filters = (
            f"setpts=PTS-STARTPTS,{_fit_filters(self.width, self.height, fit)},fps={self.fps},"
            f"format=yuv420p,tpad=stop=-1:stop_mode=clone,trim=end_frame={frames}"
        )
        return self.chain(f"[{index}:v]", filters)

    def motion_filters(self, motion: str, frames: int, fit: str | None) -> str:
        """A still scaled once to MOTION_OVERSIZE times the canvas and padded with its own edges,
        repeated, then cut frame by frame (crop, bilinear scale, crop) as `motion.plan_moves`
        says, driven by sendcmd."""
        w, h, fps = self.width, self.height, self.fps
        big = _motion_source((w, h))
        cuts = plan_moves(motion, frames, (w, h), big)
        self.scales_every_frame = True
        name = self.label("m")
        crop, scale, canvas = f"crop@{name}c", f"scale@{name}s", f"crop@{name}o"
        commands = self.workdir / f"motion-{name}.txt"
        self.text_files[commands] = _motion_commands(cuts, fps, crop, scale, canvas)
        x, y = cuts[0].x, cuts[0].y
        # exact=1 keeps every crop where the plan put it (all even, so the colour planes follow).
        return (
            f"trim=end_frame=1,{_fit_filters(*big, fit)},format=yuv420p,{_padded(MOTION_PAD)},"
            f"loop=loop={frames - 1}:size=1:start=0,settb=1/{fps},setpts=N,"
            f"sendcmd=f={filter_value(str(commands))},"
            f"{crop}={x.length}:{y.length}:{x.start}:{y.start}:exact=1,"
            f"{scale}={x.scaled}:{y.scaled}:flags=bilinear,"
            f"{canvas}={w}:{h}:{x.offset}:{y.offset}:exact=1,setsar=1,format=yuv420p,fps={fps}"
        )

    def main_video(self, track: Track | None, total_frames: int) -> str:
        """The main track as `total_frames` frames: its segments in time, then black to the end;
        all black when there is no main track or it is empty."""
        chain, chain_frames = self._lay_out(track) if track else (None, 0)
        if chain is None:
            return self.black(total_frames)
        if chain_frames < total_frames:
            chain = self.chain(f"[{chain}]", f"tpad=stop={total_frames - chain_frames}")
        return chain

    def black(self, frames: int) -> str:
        """`frames` black canvas frames."""
        return self.chain(
            "",
            f"color=c=black:s={self.width}x{self.height}:r={self.fps},"
            f"trim=end_frame={frames},format=yuv420p,setsar=1",
        )

    def _lay_out(self, track: Track) -> tuple[str | None, int]:
        """Join a track's segments in start order: a crossfade where one overlaps the previous,
        black where there is a gap. Returns the joined stream and its length in frames.

        xfade works only on pictures without subsampled colour, so ffmpeg converts every frame
        it sees to 4:4:4 and back. Only the overlapping frames go through it: each piece is cut
        into its blended head, its body and its blended tail, and the bodies and blends are
        joined by one concat, in 4:2:0 throughout."""
        pieces, chain_frames = self._place(track)
        parts: list[str] = []
        tail: str | None = None  # the previous piece's last frames, waiting for their blend
        for index, piece in enumerate(pieces):
            stream = self.video_piece(piece.segment, piece.info, piece.frames)
            following = pieces[index + 1].head if index + 1 < len(pieces) else 0
            lengths = [piece.head, piece.frames - piece.head - following, following]
            head, body, next_tail = self._cut(stream, lengths)
            if piece.black_before:
                parts.append(self.black(piece.black_before))
            if head is not None:
                assert tail is not None
                parts.append(
                    self.chain(
                        f"[{tail}][{head}]",
                        f"xfade=transition={piece.transition}"
                        f":duration={_seconds(piece.head, self.fps)}:offset=0,format=yuv420p",
                    )
                )
            if body is not None:
                parts.append(body)
            tail = next_tail
        if not parts:
            return None, 0
        if len(parts) == 1:
            return parts[0], chain_frames
        # concat re-times to microseconds; the canvas time base and frame count come back after.
        joined = self.chain(
            "".join(f"[{part}]" for part in parts),
            f"concat=n={len(parts)}:v=1:a=0,settb=1/{self.fps},setpts=N",
        )
        return joined, chain_frames

    def _place(self, track: Track) -> tuple[list[_Piece], int]:
        """The track's pieces in start order, each with its overlap with the one before (never
        reaching into that one's own blended head, and leaving at least one frame of its own
        after the blend) or the black before it; and the length of them all joined, in frames."""
        pieces: list[_Piece] = []
        chain_frames = 0
        transition_type = "fade"
        for item in sorted(track.placed(), key=lambda placed: placed.start):
            info = self._video_media(item.segment, track)
            start = self.frames(item.start)
            frames = self.frames(item.end) - start
            if frames <= 0:
                continue
            overlap = 0
            if pieces:
                previous = pieces[-1]
                overlap = min(chain_frames - start, frames - 1, previous.frames - previous.head)
            if overlap >= 1:
                pieces.append(_Piece(item.segment, info, frames, overlap, 0, transition_type))
            else:
                black = max(start - chain_frames, 0)
                pieces.append(_Piece(item.segment, info, frames, 0, black, transition_type))
            chain_frames += pieces[-1].black_before + frames - pieces[-1].head
            transition = item.segment.m.transition
            requested = transition.type if transition else "fade"
            transition_type = requested if requested in XFADE_TRANSITIONS else "fade"
        return pieces, chain_frames

    def _cut(self, stream: str, lengths: list[int]) -> list[str | None]:
        """`stream` cut into consecutive runs of `lengths` frames, each timed from 0; None for a
        run of no frames."""
        kept = [length for length in lengths if length > 0]
        if len(kept) == 1:
            return [stream if length > 0 else None for length in lengths]
        copies = [self.label("v") for _ in kept]
        self.chains.append(f"[{stream}]split={len(kept)}" + "".join(f"[{c}]" for c in copies))
        runs: list[str | None] = []
        start = 0
        for length in lengths:
            if length <= 0:
                runs.append(None)
                continue
            runs.append(
                self.chain(
                    f"[{copies.pop(0)}]",
                    f"trim=start_frame={start}:end_frame={start + length},setpts=PTS-STARTPTS",
                )
            )
            start += length
        return runs

    def _video_media(self, segment: Segment, track: Track) -> MediaInfo:
        info = self.media_for(segment, track)
        if info.kind == "audio":
            raise RenderError(
                f"segment {segment.id} on video track {track.name} uses the audio file "
                f"{info.name}: move it to an audio track"
            )
        return info

    def overlay(self, base: str, track: Track) -> str:
        """Extra video tracks (a logo, a picture-in-picture clip) drawn over the main picture at
        OVERLAY_WIDTH_SHARE of its width, in the corner the segment names (top-right unless it says
        another corner, bottom or centre)."""
        overlay_w = _even(self.width * OVERLAY_WIDTH_SHARE)
        margin = round(self.width * OVERLAY_MARGIN_SHARE)
        for item in track.placed():
            info = self._video_media(item.segment, track)
            start, end = self.frames(item.start), self.frames(item.end)
            if end <= start:
                continue
            start_s, end_s = _seconds(start, self.fps), _seconds(end, self.fps)
            if info.kind == "image" and not info.duration:
                # One frame is enough: overlay repeats a finished input's last frame.
                index = self.add_input(info.path, *_decode_smaller(info, overlay_w, 2))
                small = self.chain(f"[{index}:v]", f"trim=end_frame=1,{_width_filters(overlay_w)}")
                eof = "repeat"
            else:
                in_s = (item.segment.m.in_ms or 0) / 1000
                # An animated picture (a GIF logo) starts over each time it ends.
                again = ["-stream_loop", "-1"] if info.kind == "image" else []
                index = self.add_input(
                    info.path, *again, "-ss", f"{in_s:.3f}", "-t", _seconds(end - start, self.fps)
                )
                small = self.chain(
                    f"[{index}:v]",
                    f"{_width_filters(overlay_w)},fps={self.fps},setpts=PTS-STARTPTS+{start_s}/TB",
                )
                eof = "pass"
            x, y = f"W-w-{margin}", f"{margin}"
            pos = item.segment.m.pos or "top-right"
            if pos == "center":
                x, y = "(W-w)/2", "(H-h)/2"
            if pos.startswith("bottom"):
                y = f"H-h-{margin}"
            if pos.endswith("left"):
                x = f"{margin}"
            enable = filter_value(f"between(t,{start_s},{end_s})")
            base = self.chain(
                f"[{base}][{small}]",
                f"overlay=x={x}:y={y}:eof_action={eof}:enable={enable},format=yuv420p",
            )
        return base

    # -- text ----------------------------------------------------------------------------------

    def text(self, base: str, track: Track) -> str:
        scale = min(self.width, self.height) / REFERENCE_SHORT_SIDE
        for item in track.placed():
            meta = item.segment.m
            start, end = self.frames(item.start), self.frames(item.end)
            if not meta.text or end <= start:
                continue
            path = self.workdir / f"text-{len(self.text_files) + 1}.txt"
            self.text_files[path] = meta.text
            fontsize = max(4, round((meta.size or DEFAULT_TEXT_SIZE) * scale))
            color = _ff_color(meta.color or DEFAULT_TEXT_COLOR, item.segment)
            y = {
                "top": "h*0.08",
                "bottom": "h*0.92-text_h",
            }.get(meta.pos or "center", "(h-text_h)/2")
            enable = filter_value(
                f"between(t,{_seconds(start, self.fps)},{_seconds(end, self.fps)})"
            )
            base = self.chain(
                f"[{base}]",
                f"drawtext=fontfile={filter_value(str(self.font(meta.text)))}"
                f":textfile={filter_value(str(path))}:expansion=none"
                f":fontsize={fontsize}:fontcolor={color}:text_align=center"
                f":x=(w-text_w)/2:y={y}"
                f":box=1:boxcolor=black@0.35:boxborderw={max(2, fontsize // 4)}"
                f":enable={enable}",
            )
        return base

    @staticmethod
    def font(text: str) -> Path:
        try:
            return font_for(text)
        except MissingToolError as exc:
            raise RenderError(str(exc)) from exc

    # -- audio ---------------------------------------------------------------------------------

    def audio_piece(
        self,
        segment: Segment,
        info: MediaInfo,
        start_ms: int,
        frames: int,
        fades: bool,
        index: int | None = None,
    ) -> None:
        """One sound placed on the timeline: trimmed, at its volume, faded, delayed to its start.
        `index` is an input already opened (and trimmed) for this segment, if any."""
        volume = 1.0 if segment.m.volume is None else segment.m.volume
        if volume <= 0:
            return
        in_s = (segment.m.in_ms or 0) / 1000
        length = frames / self.fps
        if info.duration:
            if in_s >= info.duration:
                raise RenderError(
                    f"segment {segment.id} starts {in_s:g} s into {info.name}, which is only "
                    f"{info.duration:g} s long: lower its m.in"
                )
            length = min(length, info.duration - in_s)
        if index is None:
            index = self.add_input(info.path, "-ss", f"{in_s:.3f}", "-t", f"{length:.6f}")
        filters = [
            "asetpts=PTS-STARTPTS",
            "aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo",
        ]
        if volume != 1.0:
            filters.append(f"volume={volume:.4f}")
        if fades and segment.m.fade_in:
            filters.append(f"afade=t=in:st=0:d={min(segment.m.fade_in / 1000, length):.3f}")
        if fades and segment.m.fade_out:
            fade = min(segment.m.fade_out / 1000, length)
            filters.append(f"afade=t=out:st={length - fade:.3f}:d={fade:.3f}")
        delay = round(self.frames(start_ms) * 1000 / self.fps)
        if delay > 0:
            filters.append(f"adelay=delays={delay}:all=1")
        self.audio_labels.append(self.chain(f"[{index}:a]", ",".join(filters), prefix="a"))

    def audio_track(self, track: Track) -> None:
        for item in track.placed():
            frames = self.frames(item.end) - self.frames(item.start)
            if frames <= 0:
                continue
            info = self.media_for(item.segment, track)
            if info.kind == "image" or not info.has_audio:
                raise RenderError(
                    f"segment {item.segment.id} on audio track {track.name} uses {info.name}, "
                    "which has no sound: use an audio file or a clip with sound"
                )
            self.audio_piece(item.segment, info, item.start, frames, fades=True)

    def clip_sound(self, track: Track) -> None:
        """The own sound of a video track's clips, at each segment's volume."""
        for item in track.placed():
            info = self.media.get(item.segment.m.src or "")
            frames = self.frames(item.end) - self.frames(item.start)
            if info is None or info.kind != "video" or not info.has_audio or frames <= 0:
                continue
            index = self.clip_inputs.get(id(item.segment))
            self.audio_piece(item.segment, info, item.start, frames, fades=False, index=index)

    def mixed_audio(self, total_frames: int) -> str | None:
        if not self.audio_labels:
            return None
        sources = "".join(f"[{label}]" for label in self.audio_labels)
        mix = (
            f"amix=inputs={len(self.audio_labels)}:normalize=0:duration=longest,"
            if len(self.audio_labels) > 1
            else ""
        )
        # Pad with silence so the sound lasts as long as the picture.
        return self.chain(
            sources, f"{mix}apad=whole_dur={_seconds(total_frames, self.fps)}", prefix="a"
        )


def build_command(
    draft: Draft,
    media: Mapping[str, MediaInfo],
    out_path: Path,
    options: RenderOptions,
    workdir: Path,
) -> RenderPlan:
    """The ffmpeg arguments that render `draft` to `out_path` in one run (pure: nothing is written;
    the plan's text files go into `workdir` when `RenderPlan.write_text_files` is called)."""
    size = output_size(draft, options)
    if draft.m.fps <= 0 or draft.m.fps > 120:
        raise RenderError(f"the draft frame rate {draft.m.fps} is invalid: use e.g. 30")
    builder = _GraphBuilder(media, size, draft.m.fps, workdir)
    total_frames = builder.frames(max(draft.computed_duration(), draft.d))
    if total_frames <= 0:
        raise RenderError("the draft is empty: add a segment with a duration before exporting")

    video_tracks = draft.tracks_of(TRACK_VIDEO)
    main = next((t for t in video_tracks if t.m.role != "overlay" and t.sg), None)
    if main is None:
        main = next((t for t in video_tracks if t.m.role != "overlay"), None)
    picture = builder.main_video(main, total_frames)
    for track in video_tracks:
        if track is not main:
            picture = builder.overlay(picture, track)
    for track in draft.tracks_of(TRACK_TEXT):
        picture = builder.text(picture, track)

    for track in video_tracks:
        builder.clip_sound(track)
    for track in draft.tracks_of(TRACK_AUDIO):
        builder.audio_track(track)
    sound = builder.mixed_audio(total_frames)

    total_seconds = total_frames / draft.m.fps
    args = [
        # The encoder keeps every core busy; filters sliced across threads only add hand-offs
        # (the 30 s motion promo: 7 % less CPU in one thread).
        "-filter_complex_threads",
        "1",
        *builder.inputs,
        "-filter_complex",
        ";".join(builder.chains),
        "-map",
        f"[{picture}]",
    ]
    if sound:
        args += ["-map", f"[{sound}]", "-c:a", "aac"]
        if options.quick_audio:
            args += ["-b:a", PREVIEW_AUDIO_BITRATE, "-ac", "1"]
        else:
            args += ["-b:a", AUDIO_BITRATE]
    args += [
        "-c:v",
        "libx264",
        "-preset",
        options.preset,
        "-crf",
        str(options.crf),
        "-pix_fmt",
        "yuv420p",
        "-r",
        str(draft.m.fps),
        "-t",
        f"{total_seconds:.6f}",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        str(out_path),
    ]
    return RenderPlan(
        args=args,
        total_seconds=total_seconds,
        text_files=dict(builder.text_files),
        media_paths=tuple(builder.media_paths),
        scales_every_frame=builder.scales_every_frame,
    )


async def render(
    draft: Draft,
    media: Mapping[str, MediaInfo],
    out_path: Path,
    options: RenderOptions = RenderOptions(),
    on_progress: Callable[[float], None] | None = None,
) -> RenderResult:
    """Render `draft` to `out_path` (an MP4). ffmpeg writes `<stem>.tmp.mp4` beside it, renamed
    to `out_path` only when ffmpeg succeeded; on any failure or cancellation nothing is left."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    temp_path = out_path.with_name(f"{out_path.stem}.tmp.mp4")
    with tempfile.TemporaryDirectory(prefix="nemo-render-") as workdir:
        # Building the graph of a big draft is CPU work: off the event loop, like the probe after.
        plan = await asyncio.to_thread(
            build_command, draft, media, temp_path, options, Path(workdir)
        )
        for path in plan.media_paths:
            if not path.is_file():
                raise RenderError(f"media file {path.name} is missing from the engine's storage")
        plan.write_text_files()
        args = plan.args
        if plan.scales_every_frame and gathers_are_slow():
            args = ["-cpuflags", "-avx2", *args]  # x264 keeps its own: it detects the CPU itself
        try:
            await run_ffmpeg(args, plan.total_seconds, on_progress)
        except FfmpegError as exc:
            temp_path.unlink(missing_ok=True)
            cause = exc.stderr_tail[0] if exc.stderr_tail else str(exc)
            raise RenderError(f"ffmpeg could not render the draft: {cause}") from exc
        except MissingToolError as exc:
            raise RenderError(str(exc)) from exc
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise
    temp_path.replace(out_path)
    width, height = output_size(draft, options)
    return RenderResult(
        path=out_path,
        duration=await asyncio.to_thread(_duration_of, out_path),
        size=out_path.stat().st_size,
        width=width,
        height=height,
    )


def _duration_of(path: Path) -> float:
    with av.open(str(path)) as container:
        return container.duration / av.time_base if container.duration else 0.0
