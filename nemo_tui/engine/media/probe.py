"""How the engine finds out what a media file is: one PyAV probe per upload."""

from __future__ import annotations

import functools
from pathlib import Path

import av

from nemo_tui.engine.media.info import MediaInfo
from nemo_tui.skills import media_kind_of


class ProbeError(ValueError):
    """The file is not media PyAV can read (e.g. a `.jpg` that is not an image)."""


def probe_media(media_id: str, path: Path, filename: str) -> MediaInfo:
    """Probe a stored file and describe it as the engine's store does (ProbeError if unreadable).
    The kind comes from the streams found, checked against the extension: a `.jpg` must hold a
    picture, a `.mp3` must hold sound."""
    expected = media_kind_of(filename)
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
                # Decoding one frame is what proves a picture is there: a text file named
                # `.jpg` opens as an image stream with no size and no frame.
                frame = next(container.decode(video), None)
                if frame is None or not frame.width or not frame.height:
                    raise ProbeError(f"{filename} has no picture PyAV can decode")
                return stored(
                    kind="image" if is_still else "video",
                    duration=0.0 if is_still else duration,
                    width=frame.width,
                    height=frame.height,
                    fps=None if is_still or not rate else float(rate),
                    has_audio=audio is not None and not is_still,
                )
            if audio is not None and expected in ("audio", "video"):
                return stored(
                    kind="audio", duration=duration, width=None, height=None, fps=None,
                    has_audio=True,
                )  # fmt: skip
    except (av.FFmpegError, OSError, ValueError) as exc:
        reason = exc.__class__.__name__
        raise ProbeError(f"{filename} is not a readable media file ({reason})") from exc
    raise ProbeError(f"{filename} has no {expected or 'media'} stream PyAV can read")
