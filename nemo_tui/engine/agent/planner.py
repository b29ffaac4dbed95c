"""The local engine's editing agent: deterministic and rule-based, no model, no I/O.

`plan_turn(message, draft, media, language)` reads a chat message (English or Chinese keywords; all
requests in one message apply), edits a copy of the draft and returns a `TurnPlan`: the reply, one
tool call per edit, the new draft. The same input always gives the same plan. The server streams
the plan as ADK events.

Language: the reply is in the session's language ('en' or 'zh'), except that a message written in
Chinese is always answered in Chinese (the plan's `language` says which was used).

Generate: the engine has no generative model. For "generate a 10-second video of ...", `plan_turn`
returns `generate=GenerateRequest(...)` with the draft unchanged; the server charges credits,
renders a procedural scene and calls `place_generated(plan, clip)`, which puts the clip on the
Video track, applies the rest of the message (e.g. "vertical", a title) and says plainly that the
scene is a stand-in coloured from the prompt.

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
from nemo_tui.engine.agent.intent import read_request
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
    """The agent's answer to one message."""

    text: str
    calls: list[ToolCall]
    draft: Draft
    generate: GenerateRequest | None = None
    language: str = "en"


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


def plan_turn(message: str, draft: Draft, media: Sequence[MediaInfo], language: str) -> TurnPlan:
    """The reply, tool calls and new draft for one chat message. Never raises on odd input: an
    unknown request gets a helpful answer with examples and no draft change."""
    lang = reply_language(message, language)
    request = read_request(message)
    if request.generate:
        return _plan_generate(
            message, draft, lang, request.generate_prompt, request.generate_seconds
        )
    if not request.asks_anything():
        return TurnPlan(help_text(lang, bool(media)), [], draft.model_copy(deep=True), None, lang)
    new_draft, facts = apply_request(request, draft, media, lang)
    return TurnPlan(_reply(facts, lang, message), _calls(facts), new_draft, None, lang)


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
        read_request(plan.generate.message), generate=False, generate_prompt="", build=None
    )
    draft, facts = apply_request(rest, finish(draft), [clip], lang)
    facts = [placed, *facts]
    text = _reply(facts, lang, plan.generate.message)
    return TurnPlan(text, _calls(facts), draft, None, lang)


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


def _reply(facts: list[Fact], lang: str, message: str) -> str:
    sentences = [describe(fact, lang) for fact in facts]
    if any(fact.changed for fact in facts):
        sentences.append(closing(lang, f"{lang}:{message}"))
    return ("" if lang == "zh" else " ").join(sentences)


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
