"""When the engine's agent asks instead of editing (SPEC 4.4), and how it reads the answer.

It asks only when a request is truly ambiguous: "make a video" (or 做个视频, or "create my images
or clips") with media uploaded and neither a length nor a kind of video named asks for the length
and the shape; a description of a new video with nothing uploaded and no length ("a coffee
product showcase") asks how long the scene should be; "add background music" with two or more
music files and none named asks which one. Everything else, the five skills' typical requests
included, is acted on at once.

The answer comes back as the next message, one line `<n>. <prompt>: <label>` per question, or
`Skipped`. Its lines carry their own prompts (the scene question names the scene in its prompt),
so they are read without memory; only `Skipped` needs to know what was asked (the caller keeps
the kind of the last question per session).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from nemo_tui.engine.agent import words
from nemo_tui.engine.agent.build import Uploads
from nemo_tui.engine.agent.intent import Request, durations_in, read_request
from nemo_tui.engine.media.info import MediaInfo

AskKind = Literal["make", "music", "scene"]

TITLE = {"en": "A few choices before I start", "zh": "开始之前确认一下"}
LENGTH_PROMPT = {"en": "How long should it be?", "zh": "视频要多长？"}
LENGTH_OPTIONS = {
    "en": ("15 seconds", "30 seconds", "60 seconds"),
    "zh": ("15秒", "30秒", "60秒"),
}
SHAPE_PROMPT = {"en": "Which shape?", "zh": "要什么画幅？"}
SHAPE_OPTIONS = {
    "en": ("16:9 landscape", "9:16 vertical", "1:1 square"),
    "zh": ("16:9 横屏", "9:16 竖屏", "1:1 方形"),
}
MUSIC_PROMPT = {"en": "Which music should I use?", "zh": "用哪首背景音乐？"}
SCENE_PROMPT = {"en": "How long should the scene “{}” be?", "zh": "「{}」的画面要多长？"}
SCENE_OPTIONS = {"en": ("5 seconds", "10 seconds", "15 seconds"), "zh": ("5秒", "10秒", "15秒")}
_SCENE_ANSWER = re.compile(r"^How long should the scene “(.+)” be\?$|^「(.+)」的画面要多长？$")
# The scene's words as a question prompt: no colon (it ends the prompt in an answer line).
SCENE_PROMPT_LIMIT = 120
SKIPPED = "Skipped"

_ANSWER_LINE = re.compile(r"^\s*\d+\.\s*(?P<prompt>.+?):\s*(?P<labels>.*?)\s*$")


@dataclass(frozen=True)
class Ask:
    """A question to put to the person: `args` are the `ask_question` call's arguments."""

    kind: AskKind
    args: dict[str, Any]


def _question(qid: str, prompt: str, labels: Sequence[str]) -> dict[str, Any]:
    options = [{"id": f"{qid}{index}", "label": label} for index, label in enumerate(labels, 1)]
    return {"id": qid, "prompt": prompt, "options": options}


def _music(media: Sequence[MediaInfo]) -> list[MediaInfo]:
    return Uploads.of(media).music


def _first_music(media: Sequence[MediaInfo]) -> MediaInfo | None:
    music = _music(media)
    return music[0] if music else None


def named_music(message: str, media: Sequence[MediaInfo]) -> MediaInfo | None:
    """The music file the message names (its file name, or its name without the extension)."""
    folded = message.casefold()
    for music in _music(media):
        name = music.name.casefold()
        if name in folded or name.rsplit(".", 1)[0] in folded:
            return music
    return None


def scene_question(prompt: str, lang: str) -> Ask:
    """How long a described scene should be; the prompt carries the scene's words."""
    said = " ".join(prompt.replace(":", " ").replace("：", " ").split())[:SCENE_PROMPT_LIMIT]
    question = _question("scene", SCENE_PROMPT[lang].format(said), SCENE_OPTIONS[lang])
    return Ask("scene", {"title": TITLE[lang], "questions": [question]})


def ask_for(message: str, request: Request, media: Sequence[MediaInfo], lang: str) -> Ask | None:
    """The question a truly ambiguous request deserves, or None when it can be acted on."""
    if not media:
        return None
    lowered = message.lower()[: words.WINDOW]
    vague_make = (
        (
            re.search(words.MAKE_VIDEO, lowered) is not None
            or (request.from_uploads and not request.asks_anything())
        )
        and not any(re.search(k, lowered) for k in (words.PROMO, words.SLIDESHOW, words.ANIMATE))
        and not request.generate
        and request.build not in ("slideshow", "animate")
        and not (request.needs_amount or request.item_lengths or request.order)
        and request.length_s is None
        and request.each_s is None
        and not request.texts
    )
    if vague_make:
        questions = [_question("length", LENGTH_PROMPT[lang], LENGTH_OPTIONS[lang])]
        if request.canvas is None:
            questions.append(_question("shape", SHAPE_PROMPT[lang], SHAPE_OPTIONS[lang]))
        return Ask("make", {"title": TITLE[lang], "questions": questions})
    music = _music(media)
    # Only a request that is about the music alone asks which: one that makes a video takes the
    # first music file, as the typical requests of every skill expect to be acted on at once.
    about_music_alone = request.build is None and re.search(words.MAKE_VIDEO, lowered) is None
    if (
        "bgm" in request.add_audio
        and about_music_alone
        and len(music) >= 2
        and named_music(message, media) is None
    ):
        names = [m.name for m in music]
        return Ask("music", {"title": TITLE[lang], "questions": [
            _question("music", MUSIC_PROMPT[lang], names)
        ]})  # fmt: skip
    return None


@dataclass(frozen=True)
class Answer:
    """What an answer message asks for: the request to carry out and, for a music question, the
    one music file to use."""

    request: Request
    music: MediaInfo | None = None
    # A scene's words and length, when the answer is to the scene question.
    scene: tuple[str, float] | None = None


def read_answer(message: str, asked: AskKind | None, media: Sequence[MediaInfo]) -> Answer | None:
    """The answer to one of our questions in `message`, or None when it is not one. `asked` is
    the kind of the last question put in this session (needed only for `Skipped`)."""
    if message.strip() == SKIPPED:
        if asked == "make":
            return Answer(Request(build="promo"))
        if asked == "music":
            return Answer(Request(add_audio=["bgm"]), _first_music(media))
        if asked == "scene":
            return Answer(Request())
        return None
    lengths, shapes = set(LENGTH_PROMPT.values()), set(SHAPE_PROMPT.values())
    musics = set(MUSIC_PROMPT.values())
    request: Request | None = None
    music: MediaInfo | None = None
    for line in message.splitlines():
        match = _ANSWER_LINE.match(line)
        if match is None:
            return None
        prompt, labels = match.group("prompt"), match.group("labels")
        scene = _SCENE_ANSWER.match(prompt)
        if scene is not None:
            found = durations_in(labels)
            if labels == SKIPPED or not found:
                return Answer(Request())
            return Answer(Request(), scene=(scene.group(1) or scene.group(2), found[0]))
        if prompt in lengths or prompt in shapes:
            request = request or Request(build="promo")
            if labels != SKIPPED and prompt in lengths:
                found = durations_in(labels)
                request.length_s = found[0] if found else None
            elif labels != SKIPPED:
                request.canvas = read_request(labels).canvas
        elif prompt in musics:
            request = request or Request(add_audio=["bgm"])
            chosen = [m for m in _music(media) if m.name == labels]
            music = chosen[0] if chosen else _first_music(media)
        else:
            return None
    return Answer(request, music) if request is not None else None
