"""What the engine knows of a stored media file: a plain record, free of PyAV, so the agent and
the store can hold one without importing a decoder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class MediaInfo:
    """A stored media file. `kind` is 'image', 'video' or 'audio'; `duration` is in seconds
    (0 for stills, one pass for an animated picture such as a GIF); `name` is the user's
    original filename, kept as data only."""

    id: str
    name: str
    path: Path
    kind: str
    duration: float
    width: int | None
    height: int | None
    fps: float | None
    has_audio: bool
    size: int
