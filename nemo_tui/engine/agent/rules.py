"""Applying a `Request` to a draft: the build first, then each edit on the timeline in a fixed
order (canvas, photo lengths, one photo's length, total length, trim, order, removed shots,
transitions, motion, texts, logo, removals, volumes, added audio), each reported as a `Fact`.

The input draft is never touched: the edits work on a deep copy. An edit that the draft or the
uploads do not allow changes nothing and leaves a `changed=False` note saying what to do instead.
Numbers outside sensible limits are refused with the limits, never silently clamped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from nemo_tui.api.draft import TRACK_AUDIO, TRACK_TEXT, Draft, Motion, Segment, Track
from nemo_tui.engine.agent import build
from nemo_tui.engine.agent.intent import Corner, ItemRef, Move, Request, Role, TextAsk
from nemo_tui.engine.agent.text import Fact
from nemo_tui.engine.agent.timeline import (
    BGM_VOLUME,
    OVERLAY_ROLE,
    TRANSITION_MS,
    Ids,
    audio_segments,
    bgm_segments,
    clip_cap,
    fill,
    fit_to_video,
    lay_out,
    main_video,
    media_segment,
    new_track,
    set_transitions,
)
from nemo_tui.engine.media.info import MediaInfo

TEXT_MS = 3_000
DUCK_VOLUME = 0.2
# Relative volume changes stay on this grid (%), so "quieter" twice reads 35 -> 20 -> 10.
VOLUME_GRID = 5
# (low, high) limits in seconds, or in a 0-1 scale for volume.
LIMITS = {
    "length": (1.0, 600.0),
    "each": (0.5, 60.0),
    "trim": (0.5, 600.0),
    "text": (0.5, 600.0),
    "volume": (0.0, 2.0),
}


@dataclass
class Edit:
    """One turn's working state: the draft copy being edited and what the session uploaded."""

    draft: Draft
    media: Sequence[MediaInfo]
    language: str
    facts: list[Fact] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ids = Ids(self.draft)
        self.media_by_id = {m.id: m for m in self.media}

    def note(self, key: str, **values: Any) -> None:
        self.facts.append(Fact(key, values, changed=False))

    def did(self, key: str, **values: Any) -> None:
        self.facts.append(Fact(key, values))

    def video(self) -> Track | None:
        """The main video track when it has segments; else a note saying to build one first."""
        track = main_video(self.draft)
        if track is None or not track.sg:
            self.note("no_video")
            return None
        return track

    def stills(self, track: Track) -> list[Segment]:
        return [s for s in track.sg if clip_cap(s, self.media_by_id) is None]

    def item(self, track: Track, ref: ItemRef) -> Segment | None:
        """The segment `ref` names, or None with a note saying what is there."""
        if ref.kind == "file":
            name = ref.name.casefold()
            found = next((s for s in track.sg if (s.m.name or "").casefold() == name), None)
            if found is None:
                self.note("no_file", name=ref.name)
            return found
        if ref.kind == "still":
            pool = self.stills(track)
        elif ref.kind == "clip":
            pool = [s for s in track.sg if clip_cap(s, self.media_by_id) is not None]
        else:
            pool = list(track.sg)
        if not pool:
            self.note("no_stills" if ref.kind == "still" else "no_clip")
            return None
        if not -len(pool) <= ref.index < len(pool):
            self.note("out_of_range", what=ref.kind, value=ref.index + 1, low=1, high=len(pool))
            return None
        return pool[ref.index]

    def describe_item(self, track: Track, segment: Segment) -> dict[str, Any]:
        """How a reply names a segment: its place among its kind, and its file name."""
        is_still = clip_cap(segment, self.media_by_id) is None
        pool = (
            self.stills(track)
            if is_still
            else [s for s in track.sg if clip_cap(s, self.media_by_id) is not None]
        )
        index = next(i for i, s in enumerate(pool) if s is segment)
        return {
            "item": index,
            "item_kind": "still" if is_still else "clip",
            "item_count": len(pool),
            "name": segment.m.name or "",
        }

    def refit(self, old_end: int) -> None:
        """Fit audio, logo and text to the video's new length."""
        fit_to_video(self.draft, self.ids, self.media_by_id, old_end)


def apply_request(
    request: Request, draft: Draft, media: Sequence[MediaInfo], language: str
) -> tuple[Draft, list[Fact]]:
    """The draft after everything the request asks for, and the facts for the reply."""
    edit = Edit(draft.model_copy(deep=True), media, language)
    if request.canvas:
        _canvas(edit, request.canvas)
    if request.build:
        built, fact = build.build(edit.draft, media, request, language)
        edit.facts.append(fact)
        if not fact.changed:
            return draft.model_copy(deep=True), edit.facts
        edit = Edit(built, media, language, edit.facts)
        overlay = any(t.m.role == OVERLAY_ROLE for t in built.t)
        request = _left_after_build(request)
        request.logo_asked = request.logo_asked and not overlay
    steps: list[tuple[Any, Callable[[Edit, Any], None]]] = [
        (request.each_s, _each),
        (request.item_lengths or None, _item_lengths),
        (request.length_s, _length),
        (request.length_delta, _length_delta),
        (request.trim_s, _trim),
        (request.swaps or None, _swaps),
        (request.moves or None, _moves),
        (request.reverse or None, lambda e, _: _reverse(e)),
        (request.order or None, _order),
        (request.item_removals or None, _remove_items),
        (request.replacements or None, _replacements),
        (request.inserts or None, _inserts),
        (request.transition, _transition),
    ]
    for value, step in steps:
        if value is not None:
            step(edit, value)
    if request.motion is not None:
        for photo in [request.motion_target, *request.motion_more]:
            _motion(edit, request.motion, photo)
    previous_end: int | None = None
    for ask in request.texts:
        previous_end = _text(edit, ask, previous_end)
    if request.logo_asked:
        _logo(edit, request.logo)
    if request.needs_amount and not (request.length_delta or request.item_lengths):
        edit.note("needs_amount")
    for target in request.remove:
        _remove(edit, target)
    for role, volume in request.volumes.items():
        _volume(edit, role, volume)
    for role, factor in request.volume_steps.items():
        if role not in request.volumes:
            _volume_step(edit, role, factor)
    if request.duck and "bgm" not in request.volumes:
        _duck(edit)
    for role in request.add_audio:
        _add_audio(edit, role)
    if not any(fact.changed for fact in edit.facts):
        return draft.model_copy(deep=True), edit.facts
    return finish(edit.draft), edit.facts


def finish(draft: Draft) -> Draft:
    """The draft with `d` recomputed from its tracks."""
    draft.d = draft.computed_duration()
    return draft


def _left_after_build(request: Request) -> Request:
    """What a build did not already do: it used the lengths, transition, motion (when meant for
    every photo), the title and the music and voice volumes."""
    motion_left = request.motion if request.motion_target is not None else None
    return Request(
        motion=motion_left,
        motion_target=request.motion_target,
        motion_more=request.motion_more,
        texts=[ask for ask in request.texts if ask.text and ask.start is not None],
        remove=request.remove,
        volumes={role: v for role, v in request.volumes.items() if role == "clip"},
        item_lengths=request.item_lengths,
        swaps=request.swaps,
        moves=request.moves,
        reverse=request.reverse,
        logo=request.logo,
        logo_asked=request.logo_asked and request.logo is not None,
    )


def _out_of_range(edit: Edit, what: str, value: float) -> bool:
    low, high = LIMITS[what]
    if low <= value <= high:
        return False
    if what == "volume":
        edit.note("out_of_range", what=what, value=f"{value * 100:g}%", low="0%", high="200%")
    else:
        edit.note(
            "out_of_range", what=what, value=f"{value:g} s", low=f"{low:g}", high=f"{high:g} s"
        )
    return True


def _canvas(edit: Edit, size: tuple[int, int]) -> None:
    width, height = size
    edit.draft.m.width, edit.draft.m.height = width, height
    shape = "vertical" if height > width else "square" if height == width else "landscape"
    edit.did("canvas", width=width, height=height, shape=shape)


def _each(edit: Edit, each_s: float) -> None:
    if _out_of_range(edit, "each", each_s) or (video := edit.video()) is None:
        return
    stills = edit.stills(video)
    if not stills:
        edit.note("no_stills")
        return
    old_end = video.end_ms()
    for segment in stills:
        segment.d = round(each_s * 1000)
    end = lay_out(video.sg)
    edit.refit(old_end)
    edit.did("each", count=len(stills), each_ms=round(each_s * 1000), length_ms=end)


def _item_lengths(edit: Edit, asks: list[tuple[ItemRef, float]]) -> None:
    if (video := edit.video()) is None:
        return
    for ref, seconds in asks:
        if _out_of_range(edit, "each", seconds) or (segment := edit.item(video, ref)) is None:
            continue
        old_end = video.end_ms()
        wanted = round(seconds * 1000)
        cap = clip_cap(segment, edit.media_by_id)
        length = min(wanted, cap) if cap is not None else wanted
        said = edit.describe_item(video, segment)
        if length == segment.d:
            key = "item_length" if length == wanted else "item_length_capped"
            edit.note(key, **said, each_ms=length, length_ms=old_end)
            continue
        segment.d = length
        end = lay_out(video.sg)
        edit.refit(old_end)
        key = "item_length" if length == wanted else "item_length_capped"
        edit.did(key, **said, each_ms=length, length_ms=end)


def _length_delta(edit: Edit, delta_s: float) -> None:
    if (video := edit.video()) is None:
        return
    _length(edit, video.end_ms() / 1000 + delta_s)


def _reorder(edit: Edit, video: Track, order: list[Segment]) -> None:
    """Put the segments in a new order, keeping each place's length and transition, so the
    video's length and rhythm stay as they were."""
    old_end = video.end_ms()
    places = [(s.d, s.m.transition) for s in video.sg]
    caps = [clip_cap(s, edit.media_by_id) for s in order]
    for segment, (length, transition), cap in zip(order, places, caps, strict=True):
        segment.d = min(length, cap) if cap is not None else length
        segment.m.transition = transition
    video.sg = order
    lay_out(video.sg)
    edit.refit(old_end)


def _swaps(edit: Edit, pairs: list[tuple[ItemRef, ItemRef]]) -> None:
    if (video := edit.video()) is None:
        return
    for first_ref, second_ref in pairs:
        first, second = edit.item(video, first_ref), edit.item(video, second_ref)
        if first is None or second is None or first is second:
            continue
        said = (edit.describe_item(video, first), edit.describe_item(video, second))
        order = list(video.sg)
        i, j = order.index(first), order.index(second)
        order[i], order[j] = second, first
        _reorder(edit, video, order)
        edit.did("swap", a=said[0], b=said[1])


def _moves(edit: Edit, moves: list[Move]) -> None:
    if (video := edit.video()) is None:
        return
    for move in moves:
        if (segment := edit.item(video, move.ref)) is None:
            continue
        said = edit.describe_item(video, segment)
        order = [s for s in video.sg if s is not segment]
        order = [segment, *order] if move.to == "start" else [*order, segment]
        _reorder(edit, video, order)
        edit.did("move_item", **said, to=move.to)


def _order(edit: Edit, places: list[int]) -> None:
    if (video := edit.video()) is None:
        return
    if max(places) > len(video.sg):
        edit.note("out_of_range", what="any", value=max(places), low=1, high=len(video.sg))
        return
    named = [video.sg[place - 1] for place in places]
    rest = [s for s in video.sg if all(s is not n for n in named)]
    _reorder(edit, video, [*named, *rest])
    edit.did("order", names=", ".join(s.m.name or "" for s in video.sg))


def _reverse(edit: Edit) -> None:
    if (video := edit.video()) is None:
        return
    _reorder(edit, video, list(reversed(video.sg)))
    edit.did("reverse", count=len(video.sg))


def _remove_items(edit: Edit, refs: list[ItemRef]) -> None:
    if (video := edit.video()) is None:
        return
    # Named as they were when asked: "remove photos 2 and 3" removes the second and the third.
    doomed = [segment for ref in refs if (segment := edit.item(video, ref)) is not None]
    named = {id(segment): edit.describe_item(video, segment) for segment in doomed}
    for segment in doomed:
        if segment not in video.sg:
            continue
        if len(video.sg) == 1:
            edit.note("last_item")
            return
        said = named[id(segment)]
        old_end = video.end_ms()
        video.sg = [s for s in video.sg if s is not segment]
        set_transitions(video.sg, _transition_kind(video), TRANSITION_MS)
        end = lay_out(video.sg)
        edit.refit(old_end)
        edit.did("remove_item", **said, length_ms=end)


def _upload(edit: Edit, name: str) -> MediaInfo | None:
    """The uploaded photo or clip called `name`, or None with a note."""
    found = next(
        (
            m
            for m in edit.media
            if m.name.casefold() == name.casefold() and m.kind in ("image", "video")
        ),
        None,
    )
    if found is None:
        edit.note("no_upload", name=name)
    return found


def _shot_of(edit: Edit, media: MediaInfo, length: int) -> Segment:
    """A new shot of an upload: a clip plays at most its own length, a still zooms in slowly."""
    segment = media_segment(edit.ids.segment(), media, 0, length)
    segment.m.fit = "cover"
    if media.kind == "video":
        segment.d = min(length, max(int(media.duration * 1000), 1))
        segment.m.volume = 1.0 if media.has_audio else None
    else:
        segment.m.motion = "zoom_in"
    return segment


def _replacements(edit: Edit, pairs: list[tuple[ItemRef, str]]) -> None:
    if (video := edit.video()) is None:
        return
    for ref, name in pairs:
        old, media = edit.item(video, ref), _upload(edit, name)
        if old is None or media is None:
            continue
        said = edit.describe_item(video, old)
        new = _shot_of(edit, media, old.d)
        if media.kind == "image" and old.m.motion:
            new.m.motion = old.m.motion
        new.m.transition = old.m.transition
        video.sg[video.sg.index(old)] = new
        _reorder(edit, video, list(video.sg))
        edit.did("replace_item", **said, new=media.name, length_ms=video.end_ms())


def _inserts(edit: Edit, inserts: list[tuple[str, str]]) -> None:
    if (video := edit.video()) is None:
        return
    on_timeline = {s.m.src for s in video.sg}
    for name, where in inserts:
        if name == "*":
            chosen = [m for m in build.Uploads.of(edit.media).visuals if m.id not in on_timeline]
            if not chosen:
                edit.note("no_new_uploads")
        else:
            media = _upload(edit, name)
            chosen = [media] if media is not None else []
        stills = edit.stills(video)
        length = round(sum(s.d for s in stills) / len(stills)) if stills else build.SLIDE_MS
        for media in chosen:
            old_end = video.end_ms()
            shot = _shot_of(edit, media, length)
            video.sg = [shot, *video.sg] if where == "start" else [*video.sg, shot]
            set_transitions(video.sg, _transition_kind(video), TRANSITION_MS)
            end = lay_out(video.sg)
            edit.refit(old_end)
            on_timeline.add(media.id)
            edit.did("insert_item", name=media.name, to=where, each_ms=shot.d, length_ms=end)


def _transition_kind(video: Track) -> str | None:
    return next((s.m.transition.type for s in video.sg if s.m.transition), None)


def _length(edit: Edit, length_s: float) -> None:
    if _out_of_range(edit, "length", length_s) or (video := edit.video()) is None:
        return
    old_end = video.end_ms()
    if round(length_s * 1000) == old_end:
        edit.note("length_same", length_ms=old_end)
        return
    caps = [clip_cap(s, edit.media_by_id) for s in video.sg]
    end = fill(video.sg, round(length_s * 1000), [s.d for s in video.sg], caps)
    edit.refit(old_end)
    edit.did("length", length_ms=end, old_ms=old_end)


def _trim(edit: Edit, trim_s: float) -> None:
    if _out_of_range(edit, "trim", trim_s) or (video := edit.video()) is None:
        return
    clip = next((s for s in video.sg if clip_cap(s, edit.media_by_id) is not None), None)
    if clip is None:
        edit.note("no_clip")
        return
    old_end = video.end_ms()
    cap = clip_cap(clip, edit.media_by_id) or 0
    clip.d = min(round(trim_s * 1000), cap)
    end = lay_out(video.sg)
    edit.refit(old_end)
    key = "trim" if clip.d == round(trim_s * 1000) else "trim_capped"
    edit.did(key, name=clip.m.name or "the clip", length_ms=clip.d, video_ms=end)


def _transition(edit: Edit, kind: str) -> None:
    if (video := edit.video()) is None:
        return
    old_end = video.end_ms()
    set_transitions(video.sg, None if kind == "none" else kind, TRANSITION_MS)
    caps = [clip_cap(s, edit.media_by_id) for s in video.sg]
    # The video keeps its length: the shots share the time the overlaps gave or took.
    fill(video.sg, old_end, [s.d for s in video.sg], caps)
    edit.refit(old_end)
    first = video.sg[0].m.transition
    if kind == "none" or first is None:
        edit.did("transition_none", count=len(video.sg))
    else:
        edit.did("transition", type=kind, ms=first.d, count=len(video.sg))


def _motion(edit: Edit, motion: Motion, target: int | None) -> None:
    if (video := edit.video()) is None:
        return
    stills = edit.stills(video)
    if not stills:
        edit.note("no_stills")
        return
    if target is not None and not -1 <= target < len(stills):
        edit.note("out_of_range", what="photo", value=target + 1, low=1, high=len(stills))
        return
    chosen = stills if target is None else [stills[target]]
    for segment in chosen:
        segment.m.motion = motion
    edit.did("motion", motion=motion, target=-2 if target is None else target, count=len(stills))


def _text(edit: Edit, ask: TextAsk, previous_end: int | None) -> int | None:
    """Add one text; returns where it ends, for a text that follows it in the same list."""
    if not ask.text:
        _move_texts(edit, ask)
        return previous_end
    seconds = TEXT_MS / 1000 if ask.seconds is None else ask.seconds
    if _out_of_range(edit, "text", seconds) or _out_of_range(edit, "length", ask.start or 1.0):
        return previous_end
    length, start = round(seconds * 1000), round((ask.start or 0) * 1000)
    if ask.follows and previous_end is not None:
        start = previous_end
    video = main_video(edit.draft)
    if video is not None and video.sg:
        # Words stay within the picture: a text asked past the end ends with the video.
        end = video.end_ms()
        length = min(length, end)
        if ask.at_end:
            start = end - length
        start = max(0, min(start, end - length))
    is_title = ask.kind == "title"
    track = build.text_track(edit.draft, edit.ids, "Title" if is_title else "Text")
    pos = ask.pos or ("center" if is_title else "bottom")
    size = build.TITLE_SIZE if is_title else build.TEXT_SIZE
    segment = build.text_segment(edit.ids.segment(), ask.text, start, length, pos, size)
    key: str = ask.kind
    old = next((s.m.text for s in track.sg if s.m.text), None) if is_title else None
    if is_title:
        track.sg = [segment]
        edit.draft.m.title = ask.text
        key = "title_change" if old is not None and old != ask.text else key
    else:
        track.sg.append(segment)
    edit.draft.d = edit.draft.computed_duration()
    edit.did(key, text=ask.text, old=old, pos=pos, start_ms=start, end_ms=start + length)
    if ask.corner:
        edit.note("text_corner", corner=ask.corner, pos=pos)
    return start + length


def _move_texts(edit: Edit, ask: TextAsk) -> None:
    """ "move the title to the bottom": the words already there, to the place asked."""
    name = "Title" if ask.kind == "title" else None
    tracks = [t for t in edit.draft.t if t.tt == TRACK_TEXT and t.sg]
    tracks = [t for t in tracks if name is None or t.m.name == name]
    if ask.pos is None:
        edit.note("needs_words", kind=ask.kind)
        return
    if not tracks:
        edit.note("no_track", target=ask.kind)
        return
    for track in tracks:
        for segment in track.sg:
            segment.m.pos = ask.pos
    count = sum(len(track.sg) for track in tracks)
    edit.did("text_move", kind=ask.kind, pos=ask.pos, count=count)


def _logo(edit: Edit, corner: Corner | None) -> None:
    overlay = next((t for t in edit.draft.t if t.m.role == OVERLAY_ROLE), None)
    if overlay is not None and overlay.sg:
        if corner is None:
            edit.note("logo_where")
            return
        for segment in overlay.sg:
            segment.m.pos = corner
        edit.did("logo_move", corner=corner)
        return
    logos = build.Uploads.of(edit.media).logos
    if not logos:
        edit.note("need_media", what="logo_file")
        return
    if (video := edit.video()) is None:
        return
    end = video.end_ms()
    track = build.logo_track(edit.draft, edit.ids, logos[0], end, corner or "top-right")
    edit.did("logo_add", name=logos[0].name, corner=track.sg[0].m.pos, length_ms=end)


def _remove(edit: Edit, target: str) -> None:
    def doomed(track: Track) -> bool:
        if target == "title":
            return track.tt == TRACK_TEXT and track.m.name == "Title"
        if target == "text":
            return track.tt == TRACK_TEXT
        if target == "logo":
            return track.m.role == OVERLAY_ROLE
        return track.tt == TRACK_AUDIO and track.m.role == target

    kept = [track for track in edit.draft.t if not doomed(track)]
    if len(kept) == len(edit.draft.t):
        edit.note("no_track", target=target)
        return
    edit.draft.t = kept
    if target in ("title", "text"):
        edit.draft.m.title = None
    edit.draft.d = edit.draft.computed_duration()
    edit.did("remove", target=target)


def _volume(edit: Edit, role: Role, volume: float) -> None:
    if _out_of_range(edit, "volume", volume):
        return
    if role == "clip":
        video = main_video(edit.draft)
        segments = [s for s in video.sg if clip_cap(s, edit.media_by_id)] if video else []
    else:
        tracks = [t for t in edit.draft.t if t.tt == TRACK_AUDIO and t.m.role == role]
        segments = [s for track in tracks for s in track.sg]
    if not segments:
        if role == "bgm" and build.Uploads.of(edit.media).music:
            _add_audio(edit, role, volume)
        else:
            edit.note("no_track", target=role)
        return
    for segment in segments:
        segment.m.volume = volume
    key = "mute" if volume == 0 else "volume"
    edit.did(key, role=role, percent=round(volume * 100))


def _audio_segments(edit: Edit, role: Role) -> list[Segment]:
    if role == "clip":
        video = main_video(edit.draft)
        return [s for s in video.sg if clip_cap(s, edit.media_by_id)] if video else []
    tracks = [t for t in edit.draft.t if t.tt == TRACK_AUDIO and t.m.role == role]
    return [s for track in tracks for s in track.sg]


def _volume_step(edit: Edit, role: Role, factor: float) -> None:
    segments = _audio_segments(edit, role)
    if not segments:
        edit.note("no_track", target=role)
        return
    old = segments[0].m.volume if segments[0].m.volume is not None else 1.0
    stepped = round(old * factor * 100 / VOLUME_GRID) * VOLUME_GRID
    if stepped == round(old * 100):
        stepped += VOLUME_GRID if factor > 1 else -VOLUME_GRID
    new = min(max(stepped, VOLUME_GRID), 200) / 100
    if new == old:
        edit.note("volume_limit", role=role, percent=round(old * 100))
        return
    for segment in segments:
        segment.m.volume = new
    edit.did("volume_step", role=role, percent=round(new * 100), old=round(old * 100))


def _duck(edit: Edit) -> None:
    music = _audio_segments(edit, "bgm")
    if not music:
        edit.note("no_track", target="bgm")
        return
    for segment in music:
        old = segment.m.volume if segment.m.volume is not None else 1.0
        segment.m.volume = min(old, DUCK_VOLUME)
    voiced = bool(_audio_segments(edit, "voice"))
    edit.did("duck", percent=round(DUCK_VOLUME * 100), voice=voiced)


def _add_audio(edit: Edit, role: Role, volume: float | None = None) -> None:
    uploads = build.Uploads.of(edit.media)
    audio = [m for m in edit.media if m.kind == "audio"]
    sources = uploads.music if role == "bgm" else uploads.voices or audio
    if not sources:
        edit.note("need_media", what="music" if role == "bgm" else "voice_file")
        return
    if (video := edit.video()) is None:
        return
    end = video.end_ms()
    if role == "bgm":
        volume = BGM_VOLUME if volume is None else volume
        segments = bgm_segments(edit.ids, sources, end, volume)
    else:
        volume = 1.0 if volume is None else volume
        segments = audio_segments(edit.ids, sources, end, volume, repeat=False)
    tracks = [t for t in edit.draft.t if t.tt == TRACK_AUDIO and t.m.role == role]
    if tracks:
        tracks[0].sg = segments
    else:
        name = "BGM" if role == "bgm" else "Voice"
        track = new_track(edit.ids.track("a"), TRACK_AUDIO, name, role)
        track.sg = segments
        edit.draft.t.append(track)
    edit.did(
        "add_audio", role=role, name=sources[0].name, percent=round(volume * 100), length_ms=end
    )
