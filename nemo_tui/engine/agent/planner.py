"""The local engine's editing agent: deterministic and rule-based, no model, no I/O.

`plan_turn(message, draft, media, language)` reads a chat message (English or Chinese keywords; all
requests in one message apply), edits a copy of the draft and returns a `TurnPlan`: the reply, one
tool call per edit, the new draft. The same input always gives the same plan. The server streams
the plan as ADK events.

Language: the reply is in the session's language ('en' or 'zh'), except that a message written in
Chinese is always answered in Chinese (the plan's `language` says which was used).

Generate: the engine has no generative model. For "generate a 10-second video of ...", and for a
plain description of a new video when the session has no photos or clips ("5-second coffee
product showcase. Duration: 5 seconds", as the official CLI's `create` sends it), `plan_turn`
returns `generate=GenerateRequest(...)` with the draft unchanged; the server charges credits,
renders a procedural scene and calls `place_generated(plan, clip)`, which puts the clip on the
Video track, applies the rest of the message (e.g. "vertical", a title) and says plainly that the
scene is a stand-in coloured from the prompt. A description with no length asks for one.

Cannot: a request no rule can carry out (speed, filters, fonts, a voice or music to be made...)
is answered with one line naming the closest things the agent can do, the draft untouched; said
beside other edits, the line follows what was done.

Honesty: a message asking for what is in a photo to move ("the shoes in motion on a track") is
told plainly that only the camera can move over a photo (zoom, pan), with or without the edits
the rest of the message asked for.

Undo: the server keeps the draft history. It asks `intent.is_undo(message)` before `plan_turn` and
answers with `undo_reply(language, restored)`.

The modules behind it: `intent` reads the message, `build` cuts a new timeline from the
uploads, `rules` applies edits, `timeline` does the timeline arithmetic and
`text` words the reply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from nemo_tui.api.draft import TRACK_VIDEO, Draft
from nemo_tui.cjk import has_cjk
from nemo_tui.engine.agent import words
from nemo_tui.engine.agent.asking import (
    Ask,
    AskKind,
    ask_for,
    named_music,
    read_answer,
    scene_question,
)
from nemo_tui.engine.agent.build import Uploads
from nemo_tui.engine.agent.intent import Request, read_request
from nemo_tui.engine.agent.rules import apply_request, finish
from nemo_tui.engine.agent.text import Fact, closing, describe, help_text, undo_text
from nemo_tui.engine.agent.timeline import Ids, main_video, media_segment, new_track
from nemo_tui.engine.media.info import MediaInfo

DEFAULT_GENERATE_SECONDS = 5.0
GENERATE_LIMITS = (1.0, 60.0)

# The tool each fact is reported as; anything not listed is a timeline edit.
_TOOLS = {
    "canvas": "set_canvas",
    "title": "add_text",
    "title_change": "add_text",
    "text": "add_text",
    "volume": "set_volume",
    "mute": "set_volume",
    "generate_done": "generate_video",
}


@dataclass(frozen=True)
class ToolCall:
    """One edit, streamed as a functionCall and its functionResponse."""

    name: str
    args: dict[str, Any]
    response: dict[str, Any]


@dataclass(frozen=True)
class GenerateRequest:
    """Footage to generate. `message` is the whole message, so `place_generated` can apply the
    rest of it once the clip exists."""

    prompt: str
    seconds: float
    message: str = ""


@dataclass(frozen=True)
class TurnPlan:
    """The agent's answer to one message. `closing` is the end of `text` said once the tools
    have run (the rest explains what is about to happen); `ask` is a question to put instead of
    editing (SPEC 4.4), with no text."""

    text: str
    calls: list[ToolCall]
    draft: Draft
    generate: GenerateRequest | None = None
    language: str = "en"
    closing: str = ""
    ask: Ask | None = None


def detect_language(text: str) -> str:
    """'zh' when the text has CJK characters, else 'en'."""
    return "zh" if has_cjk(text) else "en"


def reply_language(message: str, session_language: str) -> str:
    """Chinese for a Chinese message, else the session's language ('zh...' or English)."""
    if detect_language(message) == "zh":
        return "zh"
    return "zh" if session_language.lower().startswith("zh") else "en"


def undo_reply(language: str, restored: bool) -> str:
    """What to say after an undo: `restored` is whether there was an earlier draft to go back to."""
    return undo_text(reply_language("", language), restored)


def plan_turn(
    message: str,
    draft: Draft,
    media: Sequence[MediaInfo],
    language: str,
    asked: AskKind | None = None,
) -> TurnPlan:
    """The reply, tool calls and new draft for one chat message. Never raises on odd input: an
    unknown request gets a helpful answer with examples and no draft change; a truly ambiguous
    one a question. `asked` is the kind of the last question put in this session, if any."""
    lang = reply_language(message, language)
    answer = read_answer(message, asked, media)
    if answer is not None and answer.scene is not None:
        prompt, chosen_seconds = answer.scene
        return _plan_generate(prompt, draft, lang, prompt, chosen_seconds)
    if answer is not None:
        request, chosen = answer.request, answer.music
        if not request.asks_anything():
            needs = describe(Fact("needs_scene"), lang)
            return TurnPlan(needs, [], draft.model_copy(deep=True), None, lang)
    else:
        request = read_request(message)
        has_video = _has_video(draft)
        visuals = Uploads.of(media).visuals
        if request.generate or (_describes_new_video(request) and not visuals and not has_video):
            seconds = request.generate_seconds or request.length_s
            if seconds is None and not request.generate and request.scene_prompt:
                scene = scene_question(request.scene_prompt, lang)
                return TurnPlan("", [], draft.model_copy(deep=True), None, lang, ask=scene)
            return _plan_generate(message, draft, lang, request.scene_prompt, seconds)
        images = Uploads.of(media).images
        if (
            not has_video
            and request.build is None
            and images
            and (request.subject_motion or (request.motion and len(images) == 1))
        ):
            # "make the shoes move on a track", "zoom in on it for 6 seconds": the one photo
            # becomes a moving shot (the camera moving over it is the closest thing).
            request.build = "animate"
            request.length_s = request.length_s or request.motion_seconds
        if request.cannot and not request.asks_anything():
            line = describe(Fact(f"cannot_{request.cannot[0]}", changed=False), lang)
            return TurnPlan(line, [], draft.model_copy(deep=True), None, lang)
        if _asks_export(message, request):
            hint = describe(Fact("export_hint"), lang)
            return TurnPlan(hint, [], draft.model_copy(deep=True), None, lang)
        if (request.refs_uploads or request.from_uploads) and not media and not has_video:
            note = describe(Fact("need_media", {"what": "visuals"}, changed=False), lang)
            return TurnPlan(note, [], draft.model_copy(deep=True), None, lang)
        if request.subject_motion and not request.asks_anything():
            # Said before any question: no answer to one would make the subject move.
            cannot = describe(Fact("cannot_animate", changed=False), lang)
            return TurnPlan(cannot, [], draft.model_copy(deep=True), None, lang)
        ask = ask_for(message, request, media, lang)
        if ask is not None:
            return TurnPlan("", [], draft.model_copy(deep=True), None, lang, ask=ask)
        if not request.asks_anything():
            return TurnPlan(
                help_text(lang, bool(media)), [], draft.model_copy(deep=True), None, lang
            )
        chosen = named_music(message, media)
    if chosen is not None:
        # One music file named or chosen: the others stay out of this edit.
        others = set(id(m) for m in Uploads.of(media).music) - {id(chosen)}
        media = [m for m in media if id(m) not in others]
    new_draft, facts = apply_request(request, draft, media, lang)
    if request.subject_motion:
        # Said whenever a message asks for the subject to move, so a zoom is never taken for it.
        facts.append(Fact("camera_only", changed=False))
    facts += [Fact(f"cannot_{key}", changed=False) for key in request.cannot]
    text, closing = _reply(facts, lang, message)
    return TurnPlan(text, _calls(facts), new_draft, None, lang, closing)


def place_generated(plan: TurnPlan, clip: MediaInfo) -> TurnPlan:
    """The final plan of a generate turn: the rendered clip appended to the Video track (canvas
    kept), the rest of the message applied, and a reply that says what the clip really is."""
    if plan.generate is None:
        return plan
    lang = plan.language
    draft = plan.draft.model_copy(deep=True)
    ids = Ids(draft)
    video = main_video(draft)
    if video is None:
        video = new_track(ids.track("v"), TRACK_VIDEO, "Video")
        draft.t.insert(0, video)
    start = video.end_ms()
    length = round(clip.duration * 1000) or round(plan.generate.seconds * 1000)
    segment = media_segment(ids.segment(), clip, start, length)
    segment.m.fit = "cover"
    video.sg.append(segment)
    placed = Fact(
        "generate_done",
        {
            "prompt": plan.generate.prompt,
            "seconds": f"{length / 1000:g}",
            "media_id": clip.id,
            "start_ms": start,
            "end_ms": start + length,
        },
    )
    rest = replace(
        read_request(plan.generate.message),
        generate=False,
        generate_prompt="",
        build=None,
        length_s=None,
        each_s=None,
    )
    draft, facts = apply_request(rest, finish(draft), [clip], lang)
    facts = [placed, *facts, *(Fact(f"cannot_{key}", changed=False) for key in rest.cannot)]
    text, closing = _reply(facts, lang, plan.generate.message)
    return TurnPlan(text, _calls(facts), draft, None, lang, closing)


def _has_video(draft: Draft) -> bool:
    video = main_video(draft)
    return video is not None and bool(video.sg)


def _describes_new_video(request: Request) -> bool:
    """A description of a video to make from nothing: a kind of video or a length, and nothing
    that needs photos or clips (they are asked for instead when the message names them)."""
    if request.refs_uploads or request.from_uploads or request.cannot:
        return False
    return request.scene or (request.build is not None and not request.refs_uploads)


_EXPORT = r"\bexport\b|\bdownload\b|\bsend me the video\b|导出|下载"


def _asks_export(message: str, request: Request) -> bool:
    """ "export 1080p MP4" reaching the agent: the client's own export does that (SPEC 9)."""
    text = message.lower()[: words.WINDOW]
    return not request.asks_anything() and words.found(_EXPORT, text)


def _plan_generate(
    message: str, draft: Draft, lang: str, prompt: str, seconds: float | None
) -> TurnPlan:
    unchanged = draft.model_copy(deep=True)
    if not prompt:
        return TurnPlan(describe(Fact("needs_prompt"), lang), [], unchanged, None, lang)
    seconds = DEFAULT_GENERATE_SECONDS if seconds is None else seconds
    low, high = GENERATE_LIMITS
    if not low <= seconds <= high:
        note = Fact(
            "out_of_range",
            {
                "what": "generate",
                "value": f"{seconds:g} s",
                "low": f"{low:g}",
                "high": f"{high:g} s",
            },
        )
        return TurnPlan(describe(note, lang), [], unchanged, None, lang)
    text = describe(Fact("generate_start", {"prompt": prompt, "seconds": f"{seconds:g}"}), lang)
    return TurnPlan(text, [], unchanged, GenerateRequest(prompt, seconds, message), lang)


def _reply(facts: list[Fact], lang: str, message: str) -> tuple[str, str]:
    """The whole reply and its closing line (empty when nothing changed)."""
    sentences = [describe(fact, lang) for fact in facts]
    last = closing(lang, f"{lang}:{message}") if any(fact.changed for fact in facts) else ""
    return ("" if lang == "zh" else " ").join([*sentences, last] if last else sentences), last


def _calls(facts: list[Fact]) -> list[ToolCall]:
    return [
        ToolCall(
            name=_TOOLS.get(fact.key, "edit_multitrack"),
            args={"action": fact.key, **fact.values},
            response={"ok": True, "summary": describe(fact, "en")},
        )
        for fact in facts
        if fact.changed
    ]
