"""Timeline arithmetic for the agent: fresh ids, sharing a length between segments, laying segments
end to end with overlapping transitions, filling an audio track, and fitting audio and text to the
video's length after the video changed.

Every segment this module places gets an explicit `st`, so the timeline never depends on the
"follows the previous segment" fallback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from nemo_tui.api.draft import (
    TRACK_AUDIO,
    TRACK_TEXT,
    TRACK_VIDEO,
    Draft,
    Segment,
    SegmentMeta,
    Track,
    TrackMeta,
    Transition,
)
from nemo_tui.engine.media.info import MediaInfo

TRANSITION_MS = 500
BGM_VOLUME = 0.35
BGM_FADE_OUT_MS = 1500
# Shorter pieces of audio are not worth a segment (and would make a fill loop spin).
MIN_SEGMENT_MS = 100
OVERLAY_ROLE = "overlay"


class Ids:
    """Hands out segment ids ("s1", "s2", ...) and track ids ("v1", "a2", ...) unused in a draft."""

    def __init__(self, draft: Draft) -> None:
        self._segment = _highest(segment.id for track in draft.t for segment in track.sg)
        self._tracks = {track.id for track in draft.t}

    def segment(self) -> str:
        self._segment += 1
        return f"s{self._segment}"

    def track(self, prefix: str) -> str:
        number = 1
        while f"{prefix}{number}" in self._tracks:
            number += 1
        track_id = f"{prefix}{number}"
        self._tracks.add(track_id)
        return track_id


def _highest(ids: Iterable[str]) -> int:
    numbers = [int(match.group(1)) for i in ids if (match := re.fullmatch(r"s(\d+)", i))]
    return max(numbers, default=0)


def new_track(track_id: str, track_type: int, name: str, role: str | None = None) -> Track:
    return Track(id=track_id, tt=track_type, m=TrackMeta(name=name, role=role), sg=[])


def media_segment(segment_id: str, media: MediaInfo, start: int, length: int) -> Segment:
    """A segment showing or playing one upload from its beginning."""
    return Segment(
        id=segment_id, st=start, d=length, m=SegmentMeta(name=media.name, src=media.id, in_ms=0)
    )


def allocate(total: int, weights: Sequence[float], caps: Sequence[int | None]) -> list[int]:
    """Share `total` ms between items in proportion to `weights`, none above its cap (a clip cannot
    play longer than it is). The shares add up to `total` exactly unless every item is capped."""
    shares = [0] * len(weights)
    free = list(range(len(weights)))
    remaining = total
    while free:
        weight_sum = sum(max(weights[i], 1e-9) for i in free)
        capped = [
            i
            for i in free
            if (cap := caps[i]) is not None
            and cap <= remaining * max(weights[i], 1e-9) / weight_sum
        ]
        if not capped:
            break
        for i in capped:
            shares[i] = caps[i] or 0
            remaining -= shares[i]
            free.remove(i)
    if free:
        weight_sum = sum(max(weights[i], 1e-9) for i in free)
        raw = [remaining * max(weights[i], 1e-9) / weight_sum for i in free]
        floors = [int(value) for value in raw]
        leftover = remaining - sum(floors)
        # The odd milliseconds go to the first items, so the split is the same every time.
        for rank, i in enumerate(free):
            shares[i] = floors[rank] + (1 if rank < leftover else 0)
    return shares


def set_transitions(segments: list[Segment], kind: str | None, ms: int) -> None:
    """Put a transition of `kind` (None: none) between every two neighbours; the last segment has
    none, since there is nothing after it to blend into."""
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        segment.m.transition = None if kind is None or last else Transition(type=kind, d=ms)


def lay_out(segments: list[Segment]) -> int:
    """Start each segment where the previous one ends minus its transition; returns the end."""
    cursor = end = 0
    for segment in segments:
        segment.st = cursor
        end = cursor + segment.d
        overlap = segment.m.transition.d if segment.m.transition else 0
        cursor = max(end - overlap, cursor)
    return end


def fill(
    segments: list[Segment], end_ms: int, weights: Sequence[float], caps: Sequence[int | None]
) -> int:
    """Set the durations so the laid-out segments end at `end_ms` (or as close as the caps allow),
    shortening transitions that would be longer than half a segment; returns the end reached."""
    if not segments:
        return 0
    share = end_ms / len(segments)
    for segment in segments:
        if segment.m.transition and segment.m.transition.d > share / 2:
            segment.m.transition = Transition(type=segment.m.transition.type, d=int(share / 2))
    overlaps = sum(s.m.transition.d for s in segments[:-1] if s.m.transition)
    for segment, length in zip(segments, allocate(end_ms + overlaps, weights, caps), strict=True):
        segment.d = length
    return lay_out(segments)


def main_video(draft: Draft) -> Track | None:
    """The track the photos and clips are on: the first video track that is not an overlay."""
    return next(
        (t for t in draft.t if t.tt == TRACK_VIDEO and t.m.role != OVERLAY_ROLE),
        None,
    )


def clip_cap(segment: Segment, media_by_id: Mapping[str, MediaInfo]) -> int | None:
    """How long a video segment may play (its clip's length after `in`); None for a still."""
    media = media_by_id.get(segment.m.src or "")
    if media is None or media.kind != "video":
        return None
    return max(int(media.duration * 1000) - (segment.m.in_ms or 0), MIN_SEGMENT_MS)


def audio_segments(
    ids: Ids, sources: Sequence[MediaInfo], length: int, volume: float, repeat: bool
) -> list[Segment]:
    """Audio files one after another from 0 up to `length` ms (cycling through them when `repeat`),
    the last one cut at `length`."""
    playable = [media for media in sources if media.duration * 1000 >= MIN_SEGMENT_MS]
    segments: list[Segment] = []
    cursor = 0
    while playable and length - cursor >= MIN_SEGMENT_MS:
        for media in playable:
            piece = min(int(media.duration * 1000), length - cursor)
            if piece < MIN_SEGMENT_MS:
                break
            segment = media_segment(ids.segment(), media, cursor, piece)
            segment.m.volume = volume
            segments.append(segment)
            cursor += piece
        if not repeat:
            break
    return segments


def bgm_segments(
    ids: Ids, sources: Sequence[MediaInfo], length: int, volume: float
) -> list[Segment]:
    """Background music: the files cycled to fill `length`, fading out at the end."""
    segments = audio_segments(ids, sources, length, volume, repeat=True)
    if segments:
        segments[-1].m.fade_out = min(BGM_FADE_OUT_MS, segments[-1].d)
    return segments


def fit_to_video(
    draft: Draft, ids: Ids, media_by_id: Mapping[str, MediaInfo], old_end: int
) -> None:
    """After the video's length changed: refill background music to the new length, keep the logo
    over the whole video, keep closing texts at the close, and cut everything past the end."""
    video = main_video(draft)
    if video is None or not video.sg:
        return
    new_end = video.end_ms()
    for track in draft.t:
        if track is video:
            continue
        for placed in track.placed():
            placed.segment.st = placed.start
        if track.tt == TRACK_AUDIO and track.m.role == "bgm":
            _refill_bgm(track, ids, media_by_id, new_end)
        elif track.m.role == OVERLAY_ROLE:
            for segment in track.sg:
                segment.d = new_end - (segment.st or 0)
        elif track.tt == TRACK_TEXT:
            for segment in track.sg:
                if (segment.st or 0) + segment.d == old_end:
                    segment.st = max(new_end - segment.d, 0)
        track.sg = [s for s in track.sg if (s.st or 0) < new_end - MIN_SEGMENT_MS // 2]
        for segment in track.sg:
            segment.d = min(segment.d, new_end - (segment.st or 0))
            if segment.m.fade_out:
                segment.m.fade_out = min(segment.m.fade_out, segment.d)
    draft.d = draft.computed_duration()


def _refill_bgm(track: Track, ids: Ids, media_by_id: Mapping[str, MediaInfo], length: int) -> None:
    """Lay the same music files again over `length`, keeping the volume. Music the engine does not
    know (a cloud draft) is only cut, never stretched."""
    sources: list[MediaInfo] = []
    for segment in track.sg:
        media = media_by_id.get(segment.m.src or "")
        if media is None:
            return
        if media not in sources:
            sources.append(media)
    volume = next((s.m.volume for s in track.sg if s.m.volume is not None), BGM_VOLUME)
    track.sg = bgm_segments(ids, sources, length, volume)
