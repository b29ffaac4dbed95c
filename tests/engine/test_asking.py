"""The engine's agent asks only when a request is truly ambiguous (SPEC 4.4), over real loopback
HTTP: "make a video" and its Chinese forms ask for a length and a shape, in the session's
language; "add background music" with two music files asks which; the answer builds what was
chosen; the five skills' typical requests and examples never ask."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from nemo_tui.api.draft import Draft
from nemo_tui.engine.agent.planner import plan_turn
from nemo_tui.engine.media.info import MediaInfo
from nemo_tui.skills import SKILLS

from .helpers import EngineUser

PHOTOS = [f"photo{i}.jpg" for i in range(1, 4)]
EN_QUESTIONS = [
    ("How long should it be?", ["15 seconds", "30 seconds", "60 seconds"]),
    ("Which shape?", ["16:9 landscape", "9:16 vertical", "1:1 square"]),
]
ZH_QUESTIONS = [
    ("视频要多长？", ["15秒", "30秒", "60秒"]),
    ("要什么画幅？", ["16:9 横屏", "9:16 竖屏", "1:1 方形"]),
]


def asked(turn: Any) -> list[tuple[str, list[str]]]:
    (call,) = [c for c in turn.parts_with("functionCall") if c["name"] == "ask_question"]
    return [
        (q["prompt"], [option["label"] for option in q["options"]])
        for q in call["args"]["questions"]
    ]


@pytest.mark.parametrize(
    ("message", "language", "questions"),
    [
        ("make a video", "en", EN_QUESTIONS),
        ("create a video", "en", EN_QUESTIONS),
        ("make a video from these", "en", EN_QUESTIONS),
        ("做个视频", "zh", ZH_QUESTIONS),
        ("做一个视频", "zh", ZH_QUESTIONS),
        ("make a video", "zh", ZH_QUESTIONS),
    ],
)
def test_a_vague_make_a_video_asks_length_and_shape(
    message: str,
    language: str,
    questions: list[tuple[str, list[str]]],
    user: EngineUser,
    media_dir: Path,
) -> None:
    session_id = user.new_session(language)
    user.upload(session_id, [media_dir / name for name in PHOTOS])
    turn = user.chat(session_id, message)
    assert asked(turn) == questions
    # The turn waits for the person: no text, no edit.
    assert turn.text == "" and not turn.errors
    assert user.state(session_id)["state"]["draft"]["t"] == []


def test_the_answer_builds_a_promo_of_that_length_and_shape(
    user: EngineUser, media_dir: Path
) -> None:
    session_id = user.new_session("zh")
    user.upload(session_id, [media_dir / name for name in PHOTOS])
    user.chat(session_id, "做个视频")
    turn = user.chat(session_id, "1. 视频要多长？: 60秒\n2. 要什么画幅？: 9:16 竖屏")
    assert turn.text and turn.parts_with("functionCall")[0]["name"] != "ask_question"
    draft = Draft.from_wire(user.state(session_id)["state"]["draft"])
    assert draft.d == 60_000 and (draft.m.width, draft.m.height) == (1080, 1920)


def test_without_media_make_a_video_does_not_ask(user: EngineUser) -> None:
    turn = user.chat(user.new_session(), "make a video")
    assert not [c for c in turn.parts_with("functionCall") if c["name"] == "ask_question"]
    assert turn.text


def test_background_music_with_two_files_asks_which_and_uses_the_one_chosen(
    user: EngineUser, media_dir: Path, tmp_path: Path
) -> None:
    calm, upbeat = tmp_path / "calm.mp3", tmp_path / "upbeat.mp3"
    shutil.copy(media_dir / "music.mp3", calm)
    shutil.copy(media_dir / "music.mp3", upbeat)
    session_id = user.new_session()
    user.upload(session_id, [*(media_dir / name for name in PHOTOS), calm, upbeat])
    user.chat(session_id, "turn these photos into a 9-second promo")
    user.chat(session_id, "remove the music")
    turn = user.chat(session_id, "add background music")
    assert asked(turn) == [("Which music should I use?", ["calm.mp3", "upbeat.mp3"])]
    user.chat(session_id, "1. Which music should I use?: upbeat.mp3")
    draft = Draft.from_wire(user.state(session_id)["state"]["draft"])
    music = [s for t in draft.t if t.m.role == "bgm" for s in t.sg]
    assert music and {s.m.name for s in music} == {"upbeat.mp3"}
    # Naming the file in the request does not ask.
    named = user.chat(session_id, "add background music calm")
    assert not [c for c in named.parts_with("functionCall") if c["name"] == "ask_question"]


def test_the_five_skills_typical_requests_and_examples_never_ask() -> None:
    media = [
        MediaInfo(f"m{i}", name, Path(name), kind, 3.0, 640, 480, None, False, 1)
        for i, (name, kind) in enumerate(
            [("photo1.jpg", "image"), ("photo2.jpg", "image"), ("clip.mp4", "video"),
             ("calm.mp3", "audio"), ("upbeat.mp3", "audio")]
        )
    ]  # fmt: skip
    for skill in SKILLS:
        for message in (skill.typical_request, *skill.examples):
            for language in ("en", "zh"):
                plan = plan_turn(message, Draft(), media, language)
                assert plan.ask is None, (skill.id, message)
