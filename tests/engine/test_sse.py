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
EVENT_KEYS = {
    "content", "partial", "invocationId", "author", "actions", "id", "timestamp", "finishReason",
    "usageMetadata", "modelVersion", "nodeInfo",
}  # fmt: skip


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


def test_an_edit_streams_two_model_calls_in_the_adk_2_form(
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
    for event in events:
        assert set(event) <= EVENT_KEYS, event
        assert event["author"] == "nemo_agent"
        assert isinstance(event["timestamp"], float)
        assert event["nodeInfo"] == {"path": "nemo_agent"}
        assert event["actions"] == {
            "stateDelta": {},
            "artifactDelta": {},
            "requestedAuthConfigs": {},
        }
        assert no_nulls(event)
        if event["content"]["role"] == "model":
            assert event["modelVersion"]
    # Two model calls, each its partials and its final under one id; the tools' answers between.
    ids = [event["id"] for event in events]
    (response,) = [e for e in events if e["content"]["role"] == "user"]
    at = events.index(response)
    first, second = set(ids[:at]), set(ids[at + 1 :])
    assert len(first) == len(second) == 1 and first != second and response["id"] not in first
    (explain, explain_final), (confirm, confirm_final) = turn.model_calls()
    assert explain == explain_final and confirm == confirm_final
    assert explain and confirm and confirm not in explain
    final_one = events[at - 1]
    assert "partial" not in final_one
    calls = [part["functionCall"] for part in final_one["content"]["parts"][1:]]
    responses = [part["functionResponse"] for part in response["content"]["parts"]]
    assert final_one["content"]["parts"][0] == {"text": explain}
    assert calls and [c["id"] for c in calls] == [r["id"] for r in responses]
    assert [c["name"] for c in calls] == [r["name"] for r in responses]
    # finishReason and usageMetadata on each call's last partial and on its final only.
    for call_events in (events[:at], events[at + 1 :]):
        finished = [e for e in call_events if "finishReason" in e]
        assert finished == call_events[-2:], [e.get("partial") for e in call_events]
        assert all(e["finishReason"] == "STOP" and e["usageMetadata"] for e in finished)
        assert finished[0]["partial"] is True and "partial" not in finished[1]
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
        # The second model call said nothing: the stream ends on an empty partial (SPEC 4.1).
        assert turn.events[-1]["content"] == {"role": "model"}
        assert turn.events[-1]["partial"] is True and turn.events[-1]["finishReason"] == "STOP"
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
        # (Pings may come earlier too, while a busy machine plans the turn.)
        lines = turn.raw_lines
        first_partial = next(i for i, line in enumerate(lines) if '"partial":true' in line)
        first_call = next(i for i, line in enumerate(lines) if "functionCall" in line)
        assert ": ping" in lines[first_partial:first_call]
        (opening, opening_final), (rest, rest_final) = turn.model_calls()
        assert opening == opening_final and rest == rest_final
        assert "10" in turn.text and not turn.errors
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
    partials = [event for event in turn.events if event.get("partial")]
    # Chinese has no spaces to cut at: the answer still arrives a few characters at a time.
    assert len(partials) >= 3
    assert all(streamed == final for streamed, final in turn.model_calls())
    assert any("\u4e00" <= char <= "\u9fff" for char in turn.text)
