"""A draft in one line, and what changed between two drafts in one line (SPEC 4.3 and 10).

`summarize` gives `Timeline (3 tracks): 1. Video: shoe1.jpg +4 more (0-30s) 2. BGM: Lo-fi
(0-30s, 35%) 3. Title: "Urban Dreams" (0-3s)`. `diff` lists the changes a person would notice
(tracks and segments added or removed, durations, volumes, texts, the canvas) and `describe_diff`
joins them into the `Updated: ...` line shown after a turn that ended without text.
"""

from __future__ import annotations

from nemo_tui.api.draft import (
    TRACK_AUDIO,
    TRACK_TEXT,
    Draft,
    PlacedSegment,
    Segment,
    Track,
    foreign_summary,
)

EMPTY_TIMELINE = "Timeline is empty"
NO_CHANGES = "No changes to the timeline"


def seconds(ms: float) -> str:
    """Milliseconds as seconds for a person, in summaries, the timeline and the agent's replies:
    30000 -> '30', 6400 -> '6.4', 250 -> '0.25' (a quarter-second fade is not '0.2')."""
    text = f"{ms / 1000:.2f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def span(start: int, end: int) -> str:
    return f"{seconds(start)}-{seconds(end)}s"


def _segment_label(track: Track, segment: Segment) -> str:
    if track.tt == TRACK_TEXT:
        return f'"{segment.m.text or ""}"'
    return segment.m.name or segment.m.src or segment.id


def _track_label(track: Track) -> str:
    """The first segment's name (or quoted text), and how many more segments follow."""
    label = _segment_label(track, track.sg[0])
    return f"{label} +{len(track.sg) - 1} more" if len(track.sg) > 1 else label


def _volume_of(track: Track) -> float | None:
    return next((s.m.volume for s in track.sg if s.m.volume is not None), None)


def _percent(volume: float) -> str:
    return f"{round(volume * 100)}%"


def _track_extent(track: Track) -> str:
    """`(0-30s)`, or `(0-30s, 35%)` for an audio track with a volume."""
    placed = track.placed()
    extent = span(min(p.start for p in placed), max(p.end for p in placed))
    volume = _volume_of(track)
    if track.tt == TRACK_AUDIO and volume is not None:
        extent += f", {_percent(volume)}"
    return f"({extent})"


def describe_track(track: Track) -> str:
    """One track as in the summary, without its number: `BGM: Lo-fi (0-30s, 35%)`."""
    if not track.sg:
        return f"{track.name}: empty"
    return f"{track.name}: {_track_label(track)} {_track_extent(track)}"


def describe_foreign(draft: Draft) -> str:
    """The read-only line for a draft in another form: what can be read of it (SPEC 6)."""
    assert draft.foreign is not None
    found = foreign_summary(draft.foreign)
    parts = []
    if found.duration_ms is not None:
        parts.append(f"{seconds(found.duration_ms)}s")
    if found.tracks is not None:
        parts.append(f"{found.tracks} track{'s' if found.tracks != 1 else ''}")
    if found.clips is not None:
        parts.append(f"{found.clips} clip{'s' if found.clips != 1 else ''}")
    read = ", ".join(parts) or "its contents cannot be read here"
    return f"Timeline in the cloud's newer form ({read}); read-only here, exported as it is"


def summarize(draft: Draft) -> str:
    """The whole timeline in one line, in the SPEC 10 format."""
    if draft.foreign is not None:
        return describe_foreign(draft)
    if not draft.is_exportable():
        return EMPTY_TIMELINE
    count = len(draft.t)
    entries = " ".join(
        f"{number}. {describe_track(track)}" for number, track in enumerate(draft.t, start=1)
    )
    return f"Timeline ({count} track{'s' if count != 1 else ''}): {entries}"


def _duration(draft: Draft) -> int:
    # The segments say how long the video really is; `d` may lag behind an edit.
    return draft.computed_duration() or draft.d


def diff(old: Draft, new: Draft) -> list[str]:
    """The changes from `old` to `new`, one short phrase each: the canvas, tracks removed and
    added, then each kept track's changes in track order, then the video's length."""
    changes: list[str] = []
    if (old.m.width, old.m.height) != (new.m.width, new.m.height):
        changes.append(f"canvas {old.m.width}x{old.m.height} -> {new.m.width}x{new.m.height}")
    old_tracks = {track.id: track for track in old.t}
    new_ids = {track.id for track in new.t}
    for track in old.t:
        if track.id not in new_ids:
            changes.append(f"removed track {track.name}")
    for track in new.t:
        if track.id not in old_tracks:
            added = describe_track(track).replace(": ", " ", 1)
            changes.append(f"added track {added}")
    for track in new.t:
        if track.id in old_tracks:
            changes.extend(_track_changes(old_tracks[track.id], track))
    old_duration, new_duration = _duration(old), _duration(new)
    if old_duration != new_duration:
        changes.append(f"video {seconds(old_duration)}s -> {seconds(new_duration)}s")
    return changes


def _track_changes(old: Track, new: Track) -> list[str]:
    name = new.name
    changes: list[str] = []
    old_placed = {p.segment.id: p for p in old.placed()}
    new_placed = {p.segment.id: p for p in new.placed()}
    removed = [p for seg_id, p in old_placed.items() if seg_id not in new_placed]
    added = [p for seg_id, p in new_placed.items() if seg_id not in old_placed]
    if removed:
        changes.append(f"{name}: removed {_segments_phrase(old, removed)}")
    if added:
        changes.append(f"{name}: added {_segments_phrase(new, added)}")
    changes.extend(f"{name}: {change}" for change in _retimed(new, old_placed, new_placed))
    old_volume, new_volume = _volume_of(old), _volume_of(new)
    if old_volume != new_volume:
        old_text = _percent(old_volume) if old_volume is not None else "default"
        new_text = _percent(new_volume) if new_volume is not None else "default"
        changes.append(f"{name}: volume {old_text} -> {new_text}")
    if not changes and old.model_dump() != new.model_dump():
        changes.append(f"{name}: edited")
    return changes


def _segments_phrase(track: Track, placed: list[PlacedSegment]) -> str:
    if len(placed) > 2:
        return f"{len(placed)} segments"
    return ", ".join(f"{_segment_label(track, p.segment)} ({span(p.start, p.end)})" for p in placed)


def _retimed(
    track: Track, old: dict[str, PlacedSegment], new: dict[str, PlacedSegment]
) -> list[str]:
    """Text edits, duration changes and explicit moves of segments present in both drafts.

    Only a segment's own length or its explicit start counts: when one photo gets longer, the
    ones after it shift, and listing every shift would bury the one change that was made.
    """
    texts: list[str] = []
    timings: list[str] = []
    for seg_id, after in new.items():
        before = old.get(seg_id)
        if before is None:
            continue
        was, now = before.segment, after.segment
        label = _segment_label(track, now)
        if track.tt == TRACK_TEXT and was.m.text != now.m.text:
            texts.append(f'text "{was.m.text or ""}" -> "{now.m.text or ""}"')
        if was.d != now.d:
            timings.append(f"{label} {seconds(was.d)}s -> {seconds(now.d)}s")
        elif was.st != now.st and now.st is not None:
            timings.append(f"{label} moved to {span(after.start, after.end)}")
    if len(timings) > 2:
        timings = [f"{len(timings)} segments retimed"]
    return texts + timings


def describe_diff(old: Draft, new: Draft) -> str:
    """`Updated: added track Title "Urban Dreams" (0-3s); video 30s -> 24s`, or NO_CHANGES."""
    changes = diff(old, new)
    return "Updated: " + "; ".join(changes) if changes else NO_CHANGES
