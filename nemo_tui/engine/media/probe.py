"""How the engine finds out what a media file is: one PyAV probe per upload, after a look at a
picture's header that refuses one of too many pixels before anything is decoded. An animated
picture (GIF, APNG) is timed from its packets; a file cut short is refused (`damage`)."""

from __future__ import annotations

import functools
import re
import warnings
from pathlib import Path

import av
from PIL import Image

from nemo_tui.engine.media.damage import check_jpeg_whole, check_whole
from nemo_tui.engine.media.info import MediaInfo
from nemo_tui.skills import media_kind_of

# An animation's packets are read (never decoded) to time it, up to this many.
MAX_ANIMATION_FRAMES = 10_000


class ProbeError(ValueError):
    """The file is not media PyAV can read (e.g. a `.jpg` that is not an image)."""


class TooManyPixels(ProbeError):
    """A picture over the pixel limit, found from its header (nothing was decoded)."""


def check_pixels(filename: str, width: int, height: int, max_pixels: int | None) -> None:
    if max_pixels is not None and width * height > max_pixels:
        size = f"{width}x{height} ({width * height / 1e6:.0f} MP)"
        raise _too_many_pixels(filename, size, max_pixels)


def _too_many_pixels(filename: str, size: str, max_pixels: int | None = None) -> TooManyPixels:
    limit = f"{max_pixels / 1e6:.0f} MP" if max_pixels else "what the engine decodes"
    return TooManyPixels(
        f"{filename} is {size}, over the limit of {limit} (image pixels): scale it down"
    )


def _header_size(path: Path, filename: str, max_pixels: int | None) -> tuple[int, int] | None:
    """A picture's size from its header alone (Pillow reads no pixels to answer), or None when
    Pillow does not know the format."""
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb warning (and error past twice its limit) is ours to decide.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                return image.size
    except Image.DecompressionBombError as exc:
        # Pillow's refusal of a picture far past its own limit (over ours too); it says the
        # pixel count only in its message.
        counted = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(counted.group(1)) / 1e6:.0f} MP" if counted else "too large to open"
        raise _too_many_pixels(filename, size, max_pixels) from None
    except (OSError, ValueError, SyntaxError):
        return None


def _animation_seconds(container: av.container.InputContainer, video: av.VideoStream) -> float:
    """How long one pass of an animated picture (GIF, APNG) lasts, from its packets' times
    (nothing is decoded); 0 for a picture of one frame."""
    frames = 1  # the first frame, already decoded: the packets read next are the others
    end = 0.0
    for packet in container.demux(video):
        if packet.size == 0 or packet.pts is None or packet.time_base is None:
            continue
        frames += 1
        if frames > MAX_ANIMATION_FRAMES:
            break
        end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    return end if frames > 1 else 0.0


def probe_media(
    media_id: str, path: Path, filename: str, max_pixels: int | None = None
) -> MediaInfo:
    """Probe a stored file and describe it as the engine's store does (ProbeError if unreadable,
    TooManyPixels for a picture or video frame of more than `max_pixels`, checked from headers).
    The kind comes from the streams found, checked against the extension: a `.jpg` must hold a
    picture, a `.mp3` must hold sound."""
    expected = media_kind_of(filename)
    if expected == "image" and (size := _header_size(path, filename, max_pixels)) is not None:
        check_pixels(filename, *size, max_pixels)
        if path.suffix.lower() in (".jpg", ".jpeg"):
            check_jpeg_whole(path, filename)
    stored = functools.partial(
        MediaInfo, id=media_id, name=filename, path=path, size=path.stat().st_size
    )
    try:
        with av.open(str(path)) as container:
            video = next(iter(container.streams.video), None)
            audio = next(iter(container.streams.audio), None)
            duration = container.duration / av.time_base if container.duration else 0.0
            if video is not None and expected != "audio":
                rate = video.average_rate or video.guessed_rate
                is_still = expected == "image"
                context = video.codec_context
                check_pixels(filename, context.width or 0, context.height or 0, max_pixels)
                # Decoding one frame is what proves a picture is there: a text file named
                # `.jpg` opens as an image stream with no size and no frame.
                frame = next(container.decode(video), None)
                if frame is None or not frame.width or not frame.height:
                    raise ProbeError(f"{filename} has no picture PyAV can decode")
                if is_still:
                    # An animated picture keeps the length of one pass, to be played as a clip.
                    duration = _animation_seconds(container, video)
                else:
                    check_whole(container, filename)
                return stored(
                    kind="image" if is_still else "video",
                    duration=duration,
                    width=frame.width,
                    height=frame.height,
                    fps=None if is_still or not rate else float(rate),
                    has_audio=audio is not None and not is_still,
                )
            if audio is not None and expected in ("audio", "video"):
                check_whole(container, filename)
                return stored(
                    kind="audio", duration=duration, width=None, height=None, fps=None,
                    has_audio=True,
                )  # fmt: skip
    except ProbeError:
        raise
    except (av.FFmpegError, OSError, ValueError) as exc:
        reason = exc.__class__.__name__
        raise ProbeError(f"{filename} is not a readable media file ({reason})") from exc
    raise ProbeError(f"{filename} has no {expected or 'media'} stream PyAV can read")
