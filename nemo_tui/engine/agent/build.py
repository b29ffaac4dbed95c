"""Building a whole timeline from the session's uploads: the promo, the slideshow and the animated
still of SPEC section 9.

A build is a new cut: it starts from a blank draft with the old canvas and replaces every track.
Photos and clips go on the Video track in upload order; a file whose name contains "logo" is not a
slide but an overlay in a corner (top-right unless the message names another); audio whose name
suggests a voice (voice, vo, narration, 旁白, 配音) becomes the Voice track at full volume, any
other audio the background music at 35% with a 1.5 s fade-out, both cut to the video's length.
Quoted texts in a build message go on screen in order: the first opens it as the title, the last
of two or more closes it, the ones between follow the title. A promo asked for text overlays
with no quoted words opens on the placeholder "Your brand here" / "你的品牌" (the reply asks the
user to replace it) and closes on a call to action ("Shop now" / "立即选购"). An animated GIF
plays as a clip (its own frames, again until its slot is full) and gets no camera move.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nemo_tui.api.draft import (
    TRACK_AUDIO,
    TRACK_TEXT,
    TRACK_VIDEO,
    Draft,
    Motion,
    Segment,
    SegmentMeta,
    TextPosition,
    Track,
)
from nemo_tui.engine.agent.intent import Request
from nemo_tui.engine.agent.text import Fact
from nemo_tui.engine.agent.timeline import (
    BGM_FADE_OUT_MS,
    BGM_VOLUME,
    OVERLAY_ROLE,
    TRANSITION_MS,
    Ids,
    audio_segments,
    bgm_segments,
    fill,
    lay_out,
    media_segment,
    new_track,
    set_transitions,
)
from nemo_tui.engine.media.info import MediaInfo

PROMO_LENGTH_MS = 30_000
SLIDE_MS = 3_000
ANIMATE_LENGTH_MS = 5_000
TITLE_MS = 3_000
CLOSING_MS = 3_000
TITLE_SIZE = 96
CLOSING_SIZE = 72
TEXT_SIZE = 64
WHITE = "#ffffff"
DEFAULT_TITLE = {"en": "Your brand here", "zh": "你的品牌"}
CLOSING_TEXT = {"en": "Shop now", "zh": "立即选购"}
# Promo stills alternate these so consecutive photos do not all move the same way.
PROMO_MOTIONS: tuple[Motion, ...] = ("zoom_in", "zoom_out")

_VOICE_NAME = re.compile(r"voice|narrat|(?<![a-z])vo(?![a-z])|旁白|配音", re.I)


@dataclass(frozen=True)
class Uploads:
    """The session's uploads sorted by what a build does with them, each in upload order."""

    visuals: list[MediaInfo]
    images: list[MediaInfo]
    logos: list[MediaInfo]
    voices: list[MediaInfo]
    music: list[MediaInfo]

    @classmethod
    def of(cls, media: Sequence[MediaInfo]) -> Uploads:
        logos = [m for m in media if m.kind == "image" and "logo" in m.name.lower()]
        visuals = [m for m in media if m.kind in ("image", "video") and m not in logos]
        audio = [m for m in media if m.kind == "audio"]
        return cls(
            visuals=visuals,
            images=[m for m in visuals if m.kind == "image"],
            logos=logos,
            voices=[m for m in audio if _VOICE_NAME.search(m.name)],
            music=[m for m in audio if not _VOICE_NAME.search(m.name)],
        )


def build(
    draft: Draft, media: Sequence[MediaInfo], request: Request, language: str
) -> tuple[Draft, Fact]:
    """A new draft cut from the uploads as `request.build` asks, and the fact for the reply (a
    `changed=False` note and the old draft when the uploads do not allow it)."""
    uploads = Uploads.of(media)
    kind = request.build
    shots = uploads.images if kind != "promo" else uploads.visuals
    if kind == "animate":
        shots = (uploads.images or uploads.logos)[:1]
    if not shots:
        return draft, Fact("need_media", {"what": "visuals" if kind == "promo" else "image"}, False)
    fresh = Draft.blank(draft.m.width, draft.m.height, draft.m.fps)
    if draft.m.title:
        fresh.m.title = draft.m.title
    ids = Ids(fresh)
    video = new_track(ids.track("v"), TRACK_VIDEO, "Video")
    video.sg = [_shot(ids.segment(), media) for media in shots]
    fresh.t.append(video)
    values: dict[str, Any] = {"images": sum(m.kind == "image" for m in shots)}
    values["clips"] = len(shots) - values["images"]
    transition: str | None = request.transition or "fade"
    if transition == "none":
        transition = None
    transition_ms = TRANSITION_MS if transition and len(shots) > 1 else 0
    set_transitions(video.sg, transition, TRANSITION_MS)
    caps = [_cap(m) for m in shots]
    if kind == "animate":
        end = fill(video.sg, _ms(request.length_s, ANIMATE_LENGTH_MS), [1], [None])
        values["name"] = shots[0].name
        values["motion"] = request.motion or "zoom_in"
    elif request.each_s is not None and (kind == "slideshow" or request.length_s is None):
        each = _ms(request.each_s, SLIDE_MS)
        for segment, cap in zip(video.sg, caps, strict=True):
            segment.d = min(each, cap) if cap else each
        end = lay_out(video.sg)
    elif kind == "slideshow" and request.length_s is None:
        for segment in video.sg:
            segment.d = SLIDE_MS
        end = lay_out(video.sg)
    else:
        default = PROMO_LENGTH_MS if kind == "promo" else SLIDE_MS * len(shots)
        end = fill(video.sg, _ms(request.length_s, default), [1] * len(shots), caps)
    _set_motions(video.sg, shots, kind, request)
    if kind == "slideshow":
        values["each_ms"] = video.sg[0].d
        values["motion"] = request.motion or "none"
    values.update(length_ms=end, transition=transition or "none", transition_ms=transition_ms)
    if transition_ms and (first := video.sg[0].m.transition) is not None:
        values["transition_ms"] = first.d
    values.update(_add_logo(fresh, ids, uploads, end, request))
    values.update(_add_audio(fresh, ids, uploads, end, request))
    values.update(_add_texts(fresh, ids, request, end, language))
    fresh.d = fresh.computed_duration()
    return fresh, Fact(f"build_{kind}", values)


def _ms(value_s: float | None, default_ms: int) -> int:
    return default_ms if value_s is None else round(value_s * 1000)


def _cap(media: MediaInfo) -> int | None:
    return int(media.duration * 1000) if media.kind == "video" and media.duration > 0 else None


def _shot(segment_id: str, media: MediaInfo) -> Segment:
    segment = media_segment(segment_id, media, 0, 0)
    segment.m.fit = "cover"
    if media.kind == "video" and media.has_audio:
        segment.m.volume = 1.0
    return segment


def _set_motions(
    segments: list[Segment], shots: list[MediaInfo], kind: str | None, request: Request
) -> None:
    """Stills move as asked (for all of them, when no one photo was named), else by kind: a promo
    alternates slow zooms, a slideshow stays still, an animated image zooms in. A picture that
    moves by itself (a GIF: it has a length) gets no camera move; it plays as it is."""
    asked = request.motion if request.motion_target is None else None
    stills = [
        s for s, m in zip(segments, shots, strict=True) if m.kind == "image" and not m.duration
    ]
    for index, segment in enumerate(stills):
        if asked is not None:
            segment.m.motion = asked
        elif kind == "promo":
            segment.m.motion = PROMO_MOTIONS[index % len(PROMO_MOTIONS)]
        else:
            segment.m.motion = "zoom_in" if kind == "animate" else "none"


def _add_logo(
    draft: Draft, ids: Ids, uploads: Uploads, end: int, request: Request
) -> dict[str, Any]:
    if not uploads.logos:
        return {}
    track = logo_track(draft, ids, uploads.logos[0], end, request.logo or "top-right")
    return {"logo": uploads.logos[0].name, "logo_corner": track.sg[0].m.pos}


def logo_track(draft: Draft, ids: Ids, logo: MediaInfo, end: int, corner: str) -> Track:
    """A Logo overlay track showing `logo` in `corner` from 0 to `end`, appended to the draft."""
    track = new_track(ids.track("v"), TRACK_VIDEO, "Logo", OVERLAY_ROLE)
    segment = media_segment(ids.segment(), logo, 0, end)
    segment.m.fit = "contain"
    segment.m.pos = corner  # type: ignore[assignment]
    track.sg = [segment]
    draft.t.append(track)
    return track


def _add_audio(
    draft: Draft, ids: Ids, uploads: Uploads, end: int, request: Request
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if uploads.voices:
        track = new_track(ids.track("a"), TRACK_AUDIO, "Voice", "voice")
        volume = request.volumes.get("voice", 1.0)
        track.sg = audio_segments(ids, uploads.voices, end, volume, repeat=False)
        draft.t.append(track)
        values["voice"] = uploads.voices[0].name
    if uploads.music:
        track = new_track(ids.track("a"), TRACK_AUDIO, "BGM", "bgm")
        volume = request.volumes.get("bgm", BGM_VOLUME)
        track.sg = bgm_segments(ids, uploads.music, end, volume)
        draft.t.append(track)
        values.update(
            music=uploads.music[0].name,
            music_percent=round(volume * 100),
            fade_out_ms=track.sg[-1].m.fade_out or BGM_FADE_OUT_MS,
        )
    return values


def _add_texts(draft: Draft, ids: Ids, request: Request, end: int, language: str) -> dict[str, Any]:
    """The title, the texts between and the closing line (see the module's docstring)."""
    asked = [ask for ask in request.texts if ask.text and ask.start is None]
    if not asked and not request.text_overlays:
        return {}
    first = asked[0] if asked else None
    title = first.text if first and first.text else DEFAULT_TITLE[language]
    length = min(_ms(first.seconds if first else None, TITLE_MS), end)
    track = new_track(ids.track("x"), TRACK_TEXT, "Title")
    pos = (first and first.pos) or "center"
    track.sg = [text_segment(ids.segment(), title, 0, length, pos, TITLE_SIZE)]
    draft.t.append(track)
    draft.m.title = title
    values: dict[str, Any] = {"title": title, "title_end_ms": length}
    values["title_is_default"] = first is None
    closing = asked[-1].text if len(asked) >= 2 else None
    if closing is None and request.text_overlays:
        closing = CLOSING_TEXT[language]
    middle = [ask.text for ask in asked[1:-1] if ask.text]
    texts = new_track(ids.track("x"), TRACK_TEXT, "Text")
    cursor = length
    for words in middle:
        piece = min(TITLE_MS, end - cursor - (CLOSING_MS if closing else 0))
        if piece <= 0:
            break
        texts.sg.append(text_segment(ids.segment(), words, cursor, piece, "center", TEXT_SIZE))
        cursor += piece
    if closing and end >= cursor + CLOSING_MS:
        start = end - CLOSING_MS
        texts.sg.append(
            text_segment(ids.segment(), closing, start, CLOSING_MS, "bottom", CLOSING_SIZE)
        )
        values["cta"] = closing
    if texts.sg:
        draft.t.append(texts)
        values["middle"] = [s.m.text for s in texts.sg if s.m.text != values.get("cta")]
    return values


def text_segment(
    segment_id: str, text: str, start: int, length: int, pos: TextPosition, size: int
) -> Segment:
    """White words on the canvas; `size` is in px on a 1080-high canvas."""
    meta = SegmentMeta(text=text, pos=pos, size=size, color=WHITE)
    return Segment(id=segment_id, st=start, d=length, m=meta)


def text_track(draft: Draft, ids: Ids, name: str) -> Track:
    """The text track called `name`, made (and appended) when the draft has none."""
    found = next((t for t in draft.t if t.tt == TRACK_TEXT and t.m.name == name), None)
    if found is None:
        found = new_track(ids.track("x"), TRACK_TEXT, name)
        draft.t.append(found)
    return found
