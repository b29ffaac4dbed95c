"""The local agent understands what people type (tests/engine/understanding_corpus.py): each
request is sent to a real engine over loopback HTTP (`/run_sse`) in a session holding its media
and timeline, and the draft the engine then stores (`/api/state`) is checked: length, canvas,
texts with their exact words, places and times, shots and their order and lengths, volumes,
transitions, motion, the logo's corner; or the question it asks (SPEC 4.4); or its one-line
decline with the draft untouched. The reply is in the request's language.

Fast on purpose: no renders except the few text-to-video scenes. One engine for the module;
each world (uploads plus the messages said before) is set up once, and every request said in it
is undone after it is checked (the undo is checked too), so the next request meets the same
timeline. Questions and text-to-video get a session of their own.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from nemo_tui.api.draft import TRACK_AUDIO, TRACK_TEXT, TRACK_VIDEO, Draft, Track
from nemo_tui.cjk import has_cjk
from nemo_tui.engine.http.server import RunningEngine, start_in_process
from tests.conftest import engine_settings

from .helpers import EngineUser, SseTurn
from .understanding_corpus import CASES, WORLDS, Case, Expect, World

OVERLAY = "overlay"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEngine]:
    running = start_in_process(engine_settings(tmp_path_factory.mktemp("understanding")))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def corpus_media(media_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared sample media under the names the corpus uses, and a two-frame GIF."""
    folder = tmp_path_factory.mktemp("corpus-media")
    for source in media_dir.iterdir():
        shutil.copy(source, folder / source.name)
    shutil.copy(media_dir / "photo1.jpg", folder / "shoes.jpg")
    shutil.copy(media_dir / "music.mp3", folder / "calm.mp3")
    shutil.copy(media_dir / "music.mp3", folder / "upbeat.mp3")
    frames = [Image.new("RGB", (160, 120), color) for color in ("red", "blue")]
    frames[0].save(folder / "spin.gif", save_all=True, append_images=frames[1:], duration=200)
    return folder


@dataclass
class Session:
    user: EngineUser
    session_id: str

    def draft(self) -> dict[str, Any]:
        draft: dict[str, Any] = self.user.state(self.session_id)["state"]["draft"]
        return draft


class Worlds:
    """One session per world, set up once and kept at its baseline between requests."""

    def __init__(self, http: httpx.Client, media: Path) -> None:
        self.http, self.media = http, media
        self.sessions: dict[str, tuple[Session, dict[str, Any]]] = {}

    def fresh(self, world: World) -> Session:
        user = EngineUser.create(self.http)
        session = Session(user, user.new_session(world.language))
        if world.media:
            user.upload(session.session_id, [self.media / name for name in world.media])
        for message in world.given:
            turn = user.chat(session.session_id, message)
            assert not asked(turn) and not turn.errors, (message, turn.text)
        if world.later:
            user.upload(session.session_id, [self.media / name for name in world.later])
        return session

    def shared(self, name: str) -> Session:
        kept = self.sessions.get(name)
        if kept is not None and kept[0].draft() == kept[1]:
            return kept[0]
        session = self.fresh(WORLDS[name])
        self.sessions[name] = (session, session.draft())
        return session


@pytest.fixture(scope="module")
def worlds(engine: RunningEngine, corpus_media: Path) -> Iterator[Worlds]:
    with httpx.Client(base_url=engine.base_url, timeout=60.0, trust_env=False) as http:
        yield Worlds(http, corpus_media)


def asked(turn: SseTurn) -> list[str]:
    return [
        question["prompt"]
        for call in turn.parts_with("functionCall")
        if call["name"] == "ask_question"
        for question in call["args"]["questions"]
    ]


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.kind}: {case.message[:60]}")
def test_the_agent_does_what_the_request_says(case: Case, worlds: Worlds) -> None:
    expect = case.expect
    own_session = case.world == "empty" or expect.question is not None
    world = WORLDS[case.world]
    session = worlds.fresh(world) if own_session else worlds.shared(case.world)
    before = session.draft()
    turn = session.user.chat(session.session_id, case.message)
    after = session.draft()
    try:
        assert not turn.errors, turn.errors
        check_reply(case, world, turn)
        check_draft(expect, before, after, turn)
    finally:
        if not own_session and after != before:
            # Back to the world's baseline for the next request, and undo is checked too.
            session.user.chat(session.session_id, "undo")
            assert session.draft() == before


def check_reply(case: Case, world: World, turn: SseTurn) -> None:
    expect, text = case.expect, turn.text
    if expect.question is not None:
        assert asked(turn) == list(expect.question), turn.parts_with("functionCall")
        assert text == ""
        return
    assert not asked(turn), f"asked {asked(turn)} instead of acting"
    assert text, "no reply"
    for words in expect.says:
        assert words in text, f"{words!r} not in the reply: {text}"
    if expect.one_line:
        assert "\n" not in text.strip(), text
    chinese = has_cjk(case.message) or world.language == "zh"
    # The reply is in the request's language (quoted words and file names aside).
    plain = re.sub(r"[“\"「『«‘'].*?[”\"」』»’']|\S+\.(?:jpg|png|gif|mp3|m4a|mp4)", "", text)
    assert has_cjk(plain) == chinese, text


def check_draft(
    expect: Expect, before: dict[str, Any], after: dict[str, Any], turn: SseTurn
) -> None:
    if expect.unchanged or expect.question is not None:
        assert after == before, turn.text
        return
    assert after != before, f"nothing changed: {turn.text}"
    draft = Draft.from_wire(after)
    video = main_video(draft)
    if expect.duration is not None:
        assert draft.d == expect.duration, turn.text
        assert draft.computed_duration() == expect.duration
    if expect.canvas is not None:
        assert (draft.m.width, draft.m.height) == expect.canvas
    if expect.generated:
        assert video is not None and video.sg[-1].m.name
        assert video.sg[-1].m.name.startswith("generated-")
    if expect.texts is not None:
        placed = sorted(
            (p.start, index, p.end, p.segment.m.text or "", p.segment.m.pos or "")
            for index, track in enumerate(draft.t)
            if track.tt == TRACK_TEXT
            for p in track.placed()
        )
        assert [(words, pos) for _, _, _, words, pos in placed] == list(expect.texts)
        if expect.text_spans is not None:
            assert [(start, end) for start, _, end, _, _ in placed] == list(expect.text_spans)
    if expect.shots is not None:
        assert video is not None
        assert tuple(s.m.name for s in video.sg) == expect.shots
    if expect.shot_ms is not None:
        assert video is not None
        assert tuple(s.d for s in video.sg) == expect.shot_ms
    if expect.tracks is not None:
        assert tuple(t.m.name for t in draft.t) == expect.tracks
    for role, volume in expect.volumes.items():
        segments = [s for t in draft.t if t.tt == TRACK_AUDIO and t.m.role == role for s in t.sg]
        assert segments and {round(s.m.volume or 0, 3) for s in segments} == {volume}, role
    if expect.transition is not None:
        assert video is not None
        kinds = {s.m.transition.type if s.m.transition else "none" for s in video.sg[:-1]}
        assert kinds == {expect.transition}
    if expect.motions is not None:
        assert video is not None
        assert tuple(s.m.motion for s in video.sg) == expect.motions
    if expect.logo is not None or _logo_checked(expect):
        overlays = [s for t in draft.t if t.tt == TRACK_VIDEO and t.m.role == OVERLAY for s in t.sg]
        assert [s.m.pos for s in overlays] == ([expect.logo] if expect.logo else [])


def _logo_checked(expect: Expect) -> bool:
    # "remove the logo" expects none: its tracks say so.
    return expect.tracks is not None and "Logo" not in expect.tracks


def main_video(draft: Draft) -> Track | None:
    return next((t for t in draft.t if t.tt == TRACK_VIDEO and t.m.role != OVERLAY), None)


def test_the_corpus_is_big_and_in_both_languages() -> None:
    chinese = [case for case in CASES if has_cjk(case.message)]
    assert len(CASES) >= 200 and len(chinese) >= 50
    assert len({case.message for case in CASES}) >= len(CASES) - 25
    assert len({case.kind for case in CASES}) >= 12
