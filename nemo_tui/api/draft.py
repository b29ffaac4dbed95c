"""The draft JSON of SPEC section 10: tracks of segments with short keys, times in milliseconds.

The cloud's drafts carry more fields than are documented, so every model here keeps unknown keys
and `Draft.to_wire()` gives a parsed draft back untouched (the policy is `nemo_tui.api.wire`'s).
The engine builds and renders the same models the client parses. A draft in another form
altogether (the cloud's "Draft Protocol V3" string, or an object without `t`) is a `Draft` with no
tracks that holds the original as `foreign` and sends it back as it came; `foreign_summary` reads
what it can of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, Self

from pydantic import Field, PrivateAttr, SerializerFunctionWrapHandler, model_serializer

from nemo_tui.api.wire import WireModel

TRACK_VIDEO = 0
TRACK_AUDIO = 1
TRACK_TEXT = 7

TRACK_TYPE_NAMES = {TRACK_VIDEO: "video", TRACK_AUDIO: "audio", TRACK_TEXT: "text"}
# How much of a foreign draft string is searched for its counts.
MAX_FOREIGN_SCAN = 1_000_000

CANVAS_LANDSCAPE = (1920, 1080)
CANVAS_PORTRAIT = (1080, 1920)
CANVAS_SQUARE = (1080, 1080)
DEFAULT_FPS = 30

Motion = Literal["none", "zoom_in", "zoom_out", "pan_left", "pan_right"]
TextPosition = Literal["top", "center", "bottom"]
# Where an overlay picture (a logo) sits in a corner of the canvas.
OverlayPosition = Literal["top-left", "top-right", "bottom-left", "bottom-right"]


class Transition(WireModel):
    """How a segment blends into the next one; it overlaps the two by `d` ms."""

    type: str = "fade"
    d: int = 500


class SegmentMeta(WireModel):
    """A segment's metadata. Which keys matter depends on the track type.

    Video: name, src, in_ms, fit, motion, transition, volume (a clip's own sound).
    Audio: name, src, in_ms, volume, fade_in, fade_out.
    Text: text, pos, size (px on a 1080-high canvas), color.
    Overlay video (a logo, track role 'overlay'): name, src, fit, pos (a corner).
    """

    name: str | None = None
    src: str | None = None
    in_ms: int | None = Field(default=None, alias="in")
    fit: Literal["cover", "contain"] | None = None
    motion: Motion | None = None
    transition: Transition | None = None
    volume: float | None = None
    fade_in: int | None = None
    fade_out: int | None = None
    text: str | None = None
    pos: TextPosition | OverlayPosition | None = None
    size: int | None = None
    color: str | None = None


class Segment(WireModel):
    """One piece of a track. `st` is its start; when missing it follows the previous segment."""

    id: str
    st: int | None = None
    d: int = 0
    m: SegmentMeta = Field(default_factory=SegmentMeta)


class TrackMeta(WireModel):
    """A track's metadata: its display name and, for audio, its role ('bgm' or 'voice')."""

    name: str | None = None
    role: str | None = None


class Track(WireModel):
    """A track: `tt` is its type (0 video, 1 audio, 7 text), `sg` its segments."""

    id: str
    tt: int = TRACK_VIDEO
    m: TrackMeta = Field(default_factory=TrackMeta)
    sg: list[Segment] = Field(default_factory=list)

    @property
    def known_type(self) -> bool:
        return self.tt in TRACK_TYPE_NAMES

    @property
    def name(self) -> str:
        """The track's name; a type the client does not know is shown by number and name (the
        cloud has more types than 0, 1 and 7), e.g. `Effects (type 3)`."""
        if not self.known_type:
            return f"{self.m.name or 'Track ' + self.id} (type {self.tt})"
        return self.m.name or TRACK_TYPE_NAMES[self.tt].capitalize()

    def placed(self) -> list[PlacedSegment]:
        """Each segment with its start and end on the timeline, in track order.

        A segment without `st` starts where the previous one ends, minus the previous one's
        transition, because a transition overlaps the two segments by its duration.
        """
        placed: list[PlacedSegment] = []
        cursor = 0
        for segment in self.sg:
            start = segment.st if segment.st is not None else cursor
            end = start + max(segment.d, 0)
            placed.append(PlacedSegment(segment, start, end))
            overlap = segment.m.transition.d if segment.m.transition else 0
            cursor = max(end - overlap, start)
        return placed

    def end_ms(self) -> int:
        return max((p.end for p in self.placed()), default=0)


@dataclass(frozen=True)
class PlacedSegment:
    """A segment with its resolved position on the timeline (ms)."""

    segment: Segment
    start: int
    end: int


class DraftMeta(WireModel):
    """The canvas and title of a draft."""

    title: str | None = None
    width: int = CANVAS_LANDSCAPE[0]
    height: int = CANVAS_LANDSCAPE[1]
    fps: int = DEFAULT_FPS


class Draft(WireModel):
    """A whole timeline. `d` is its duration in ms; `t` its tracks."""

    d: int = 0
    m: DraftMeta = Field(default_factory=DraftMeta)
    t: list[Track] = Field(default_factory=list)
    # The draft as the server sent it when it is not in this form (SPEC 6); read-only here.
    _foreign: str | dict[str, Any] | None = PrivateAttr(default=None)

    @classmethod
    def blank(
        cls,
        width: int = CANVAS_LANDSCAPE[0],
        height: int = CANVAS_LANDSCAPE[1],
        fps: int = DEFAULT_FPS,
    ) -> Draft:
        """An empty draft on a canvas of the given size."""
        return cls(m=DraftMeta(width=width, height=height, fps=fps))

    @classmethod
    def from_wire(cls, data: Any) -> Self:
        """Parse a draft as the server sent it; `None`, `""` or `{}` is an empty draft, a string
        or an object without `t` a foreign one."""
        if isinstance(data, cls):
            return data
        is_object_without_t = isinstance(data, dict) and bool(data) and "t" not in data
        if is_object_without_t:
            # Its known keys must still make sense (`{"d": "long"}` is malformed, not foreign).
            super().from_wire(data)
        if is_object_without_t or (isinstance(data, str) and data.strip()):
            draft = cls()
            draft._foreign = data
            return draft
        return super().from_wire(data or {})

    @property
    def foreign(self) -> str | dict[str, Any] | None:
        """The server's draft when it is not in the SPEC 10 form, else None."""
        return self._foreign

    def to_wire(self) -> Any:
        """What export sends back: the wire policy's fields, or a foreign draft as it came."""
        return self._foreign if self._foreign is not None else super().to_wire()

    @model_serializer(mode="wrap")
    def _as_sent(self, handler: SerializerFunctionWrapHandler) -> Any:
        # Inside a request (the render request's `draft`) a foreign draft goes out as it came too.
        return self._foreign if self._foreign is not None else handler(self)

    def tracks_of(self, track_type: int) -> list[Track]:
        return [track for track in self.t if track.tt == track_type]

    def computed_duration(self) -> int:
        """The end of the last segment on any track (ms)."""
        return max((track.end_ms() for track in self.t), default=0)

    def is_exportable(self) -> bool:
        """SPEC 6: a draft is exportable when some track has at least one segment. A foreign
        draft is, unless what can be read of it says it has no clips."""
        if self._foreign is not None:
            return foreign_summary(self._foreign).clips != 0
        return any(track.sg for track in self.t)


@dataclass(frozen=True)
class ForeignSummary:
    """What can be read of a foreign draft; None where it cannot."""

    duration_ms: int | None
    tracks: int | None
    clips: int | None


_XML_DURATION = re.compile(r"\bduration\s*=\s*[\"']?(\d+(?:\.\d+)?)", re.IGNORECASE)
_XML_TRACK = re.compile(r"<track\b", re.IGNORECASE)
_XML_CLIP = re.compile(r"<(?:clip|segment|item)\b", re.IGNORECASE)


def foreign_summary(draft: str | dict[str, Any]) -> ForeignSummary:
    """Duration, tracks and clips of a draft in another form, where they can be read: an
    XML-like string is counted by its tags, an object by its track and segment lists."""
    if isinstance(draft, str):
        text = draft[:MAX_FOREIGN_SCAN]
        duration = _XML_DURATION.search(text)
        return ForeignSummary(
            duration_ms=int(float(duration.group(1))) if duration else None,
            tracks=len(_XML_TRACK.findall(text)) or None,
            clips=len(_XML_CLIP.findall(text)) or None,
        )
    raw_duration = draft.get("d", draft.get("duration"))
    track_list: list[Any] | None = next(
        (v for k, v in draft.items() if k in ("tracks", "track_list") and isinstance(v, list)),
        None,
    )
    clips = None
    if track_list is not None:
        clips = sum(
            len(segments)
            for track in track_list
            if isinstance(track, dict)
            for key, segments in track.items()
            if key in ("sg", "segments", "clips") and isinstance(segments, list)
        )
    return ForeignSummary(
        duration_ms=int(raw_duration) if isinstance(raw_duration, int | float) else None,
        tracks=len(track_list) if track_list is not None else None,
        clips=clips,
    )
