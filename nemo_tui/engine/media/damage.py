"""Finding media that ends early, as a download or a copy cut short leaves it: a clip or a sound
whose header states a length the file does not hold (found by reading packets, never decoding
them), or a JPEG whose data stops before its picture does.

A whole clip is told apart cheaply: only its last seconds are read. One that ends early is then
read from the start to say how much of it is there. A JPEG is decoded at an eighth of its size,
which reads all its data for a small part of the work.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import av
from PIL import Image

# How far short of its stated length a file's packets may end and still count as whole.
TOLERANCE_SECONDS = 0.5
# The stretch before the stated end that is read to see the file reach it.
TAIL_SECONDS = 3.0
# Containers whose header states the length exactly (MP3 and raw AAC only estimate it from the
# bit rate, so a file of them that "ends early" may be whole).
STATED_LENGTH_FORMATS = frozenset({"mov", "mp4", "matroska", "webm", "avi", "wav"})


class CutShort(Exception):
    """The file ends before the length its header states; the message is the line to show."""


def check_whole(container: av.container.InputContainer, filename: str) -> None:
    """Raise CutShort when the sound and picture packets of `container` stop well before the
    length its header states. The container is read from where it is and left at its end."""
    if not STATED_LENGTH_FORMATS & set(container.format.name.split(",")):
        return
    stated = _stated_end(container)
    if stated is None:
        return
    start = container.start_time / av.time_base if container.start_time else 0.0
    enough = stated - TOLERANCE_SECONDS
    if enough <= start:
        return
    from_tail = _seek(container, stated - TAIL_SECONDS)
    end = _packets_end(container)
    if end < enough and from_tail and _seek(container, start):
        end = max(end, _packets_end(container))
    if end >= enough:
        return
    held = f"it holds {end - start:.1f} s of its {stated - start:.1f} s" if end > start else ""
    raise CutShort(
        f"{filename} ends early: {held or 'its data is cut off'} (a download or copy cut "
        "short?); upload the whole file again"
    )


def _sound_and_picture(container: av.container.InputContainer) -> list[av.stream.Stream]:
    """The streams a render plays: not a cover picture, not data or subtitles."""
    streams: list[av.stream.Stream] = [*container.streams.video, *container.streams.audio]
    return [s for s in streams if not s.disposition & av.stream.Disposition.attached_pic]


def _stated_end(container: av.container.InputContainer) -> float | None:
    """Where the header says the sound and picture end, in seconds: the latest end its streams
    state, else the container's length; None when it states none."""
    ends = [
        float(((stream.start_time or 0) + stream.duration) * stream.time_base)
        for stream in _sound_and_picture(container)
        if stream.duration and stream.time_base
    ]
    if ends:
        return max(ends)
    if container.duration:
        return ((container.start_time or 0) + container.duration) / av.time_base
    return None


def check_jpeg_whole(path: Path, filename: str) -> None:
    """Raise CutShort when the JPEG at `path` stops before the end of its picture (Pillow says
    "truncated"; ffmpeg would fill the rest with grey without a word)."""
    try:
        with warnings.catch_warnings():
            # The pixel limit is the probe's to enforce, from the header, before this runs.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image.draft("RGB", (max(image.width // 8, 1), max(image.height // 8, 1)))
                image.load()
    except OSError as exc:
        if "truncated" in str(exc):
            raise CutShort(
                f"{filename} ends early: its picture is cut off (a download or copy cut "
                "short?); upload the whole file again"
            ) from None
    except (ValueError, Image.DecompressionBombError):
        pass  # not a picture Pillow reads whole: the probe decides what it is


def _seek(container: av.container.InputContainer, seconds: float) -> bool:
    try:
        container.seek(max(int(seconds * av.time_base), 0))
    except av.FFmpegError:
        return False
    return True


def _packets_end(container: av.container.InputContainer) -> float:
    """The latest time a sound or picture packet read from here on reaches, in seconds (0 when
    none is read). A read error means the data stops there."""
    end = 0.0
    try:
        for packet in container.demux(_sound_and_picture(container)):
            if packet.size == 0 or packet.pts is None or packet.time_base is None:
                continue
            end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    except av.FFmpegError:
        pass
    return end
