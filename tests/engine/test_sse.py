"""The /run_sse stream as a client reads it: dialect A events (SPEC 4.1), silent edits,
keep-alives during slow work, undo, and a message recorded exactly once."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from nemo_tui.engine.http.server import RunningEngine
from tests.support import recorded_messages

from .helpers import EngineUser

PROMO = "turn these photos and audio into a 20-second promotional video with transitions"
EVENT_KEYS = {"content", "partial", "invocationId", "author", "actions", "id", "timestamp"}


def no_nulls(value: Any) -> bool:
    if isinstance(value, dict):
        return all(v is not None and no_nulls(v) for v in value.values())
    if isinstance(value, list):
        return all(no_nulls(v) for v in value)
    return value is not None


def promo_session(user: EngineUser, media_dir: Path) -> str:
    session_id = user.new_session()
    photos = [media_dir / f"photo{index}.jpg" for index in range(1, 4)]
    user.upload(session_id, [*photos, media_dir / "music.mp3"])
    return session_id


def test_an_edit_streams_partial_text_tool_events_and_a_final_repeat(
    user: EngineUser, media_dir: Path
) -> None:
    session_id = promo_session(user, media_dir)
    turn = user.chat(session_id, PROMO)
    # The wire format: `data:` lines of compact JSON, each followed by a blank line, and nothing
    # else (no event: or id: fields).
    assert turn.raw_lines[1::2] == [""] * (len(turn.raw_lines) // 2)
    data_lines = turn.raw_lines[0::2]
    assert all(line.startswith("data: {") for line in data_lines)
    for line in data_lines:
        payload = line.removeprefix("data: ")
        assert payload == json.dumps(json.loads(payload), separators=(",", ":"), ensure_ascii=False)
    events = turn.events
    assert len({event["invocationId"] for event in events}) == 1
    assert len({event["id"] for event in events}) == len(events)
    for event in events:
        assert set(event) <= EVENT_KEYS, event
        assert event["author"] == "nemo_agent"
        assert isinstance(event["timestamp"], float)
        assert event["actions"] == {
            "stateDelta": {},
            "artifactDelta": {},
            "requestedAuthConfigs": {},
        }
        assert no_nulls(event)
    partials = [event for event in events if event.get("partial")]
    assert len(partials) >= 2
    assert all(event["content"]["role"] == "model" for event in partials)
    (final_text,) = turn.final_texts
    assert turn.partial_text == final_text
    assert events[-1]["content"]["parts"] == [{"text": final_text}]
    assert "partial" not in events[-1]
    calls = turn.parts_with("functionCall")
    responses = turn.parts_with("functionResponse")
    assert calls and len(calls) == len(responses)
    assert [c["id"] for c in calls] == [r["id"] for r in responses]
    assert [c["name"] for c in calls] == [r["name"] for r in responses]
    for event in events:
        parts = event["content"]["parts"]
        if "functionResponse" in parts[0]:
            assert event["content"]["role"] == "user"
    # The tool events come after the streamed text and before the final repeat.
    kinds = [next(iter(event["content"]["parts"][0])) for event in events]
    first_call = kinds.index("functionCall")
    assert set(kinds[:first_call]) == {"text"} and kinds[-1] == "text"
    draft = user.state(session_id)["state"]["draft"]
    assert draft["t"] and 19_000 <= draft["d"] <= 21_000


def test_silent_share_one_sends_tool_events_but_no_text(
    start_engine: Callable[..., RunningEngine], media_dir: Path
) -> None:
    engine = start_engine(silent_share=1.0)
    with httpx.Client(base_url=engine.base_url, trust_env=False) as http:
        user = EngineUser.create(http)
        session_id = promo_session(user, media_dir)
        turn = user.chat(session_id, PROMO)
        assert turn.parts_with("functionCall")
        assert turn.parts_with("text") == []
        assert user.state(session_id)["state"]["draft"]["t"]
        # A turn without tool calls is not an edit and always answers.
        chat = user.chat(session_id, "hello")
        assert chat.parts_with("functionCall") == []
        assert chat.final_texts


def test_keepalives_arrive_while_a_scene_is_generated(
    start_engine: Callable[..., RunningEngine],
) -> None:
    engine = start_engine(keepalive_seconds=0.05)
    with httpx.Client(base_url=engine.base_url, trust_env=False) as http:
        user = EngineUser.create(http, skill="ai-video-maker-sora")
        session_id = user.new_session()
        started = time.monotonic()
        turn = user.chat(session_id, "generate a 10-second video of a sunset over a city skyline")
        elapsed = time.monotonic() - started
        assert turn.comments, f"no keep-alive in {elapsed:.2f} s"
        assert set(turn.comments) == {": ping"}
        # The agent says what it is starting, then pings while the scene renders, then the rest.
        first_ping = turn.raw_lines.index(": ping")
        before, after = turn.raw_lines[:first_ping], turn.raw_lines[first_ping:]
        assert any('"partial":true' in line for line in before)
        assert any("functionCall" in line for line in after)
        (final_text,) = turn.final_texts
        assert turn.partial_text == final_text
        assert "10" in final_text and not turn.errors
        state = user.state(session_id)["state"]
        (generated,) = state["generated_media"]
        assert generated["file_type"] == "video"
        assert generated["duration"] == pytest.approx(10.0, abs=0.1)
        assert user.credits() == {"available": 90, "frozen": 0, "total": 100}


def test_each_message_is_recorded_once(
    engine: RunningEngine, user: EngineUser, media_dir: Path
) -> None:
    session_id = promo_session(user, media_dir)
    user.chat(session_id, PROMO)
    user.chat(session_id, "add a title 'Summer Sale' for 3 seconds")
    assert recorded_messages(engine.settings.data_dir, session_id) == [
        PROMO,
        "add a title 'Summer Sale' for 3 seconds",
    ]


def test_undo_restores_the_previous_draft(user: EngineUser, media_dir: Path) -> None:
    session_id = promo_session(user, media_dir)
    user.chat(session_id, PROMO)
    built = user.state(session_id)["state"]["draft"]
    user.chat(session_id, "add a title 'Summer Sale' for 3 seconds")
    titled = user.state(session_id)["state"]["draft"]
    assert titled != built
    undo = user.chat(session_id, "undo")
    assert undo.final_texts
    assert user.state(session_id)["state"]["draft"] == built


def test_a_dropped_stream_still_saves_the_edit(
    start_engine: Callable[..., RunningEngine], media_dir: Path
) -> None:
    # Slow chunks, so the client leaves long before the turn is over.
    engine = start_engine(chunk_delay=0.2)
    with httpx.Client(base_url=engine.base_url, trust_env=False) as http:
        user = EngineUser.create(http)
        session_id = promo_session(user, media_dir)
        body = {
            "session_id": session_id,
            "new_message": {"role": "user", "parts": [{"text": PROMO}]},
        }
        with http.stream("POST", "/run_sse", json=body, headers=user.headers) as response:
            first = next(response.iter_lines())
            assert first.startswith("data: ")
        deadline = time.monotonic() + 10
        while not user.state(session_id)["state"]["draft"]["t"]:
            assert time.monotonic() < deadline, "the dropped turn did not save its draft"
            time.sleep(0.05)


def test_a_chinese_answer_streams_in_several_chunks(user: EngineUser, media_dir: Path) -> None:
    session_id = promo_session(user, media_dir)
    turn = user.chat(session_id, "把这些照片做成15秒的视频，每张照片带转场")
    (final_text,) = turn.final_texts
    partials = [event for event in turn.events if event.get("partial")]
    # Chinese has no spaces to cut at: the answer still arrives a few characters at a time.
    assert len(partials) >= 3
    assert turn.partial_text == final_text
    assert any("\u4e00" <= char <= "\u9fff" for char in final_text)
