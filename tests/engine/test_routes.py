"""Every route's envelope, and every error code of SPEC 8 as the engine answers it.

4002 (file too large) needs a body over 200 MB and is proven in test_uploads; 2001 is a mid-stream
error of /run_sse and is proven here as the line a client reads.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from nemo_tui.engine.http.server import RunningEngine

from .helpers import EngineUser, data_of, envelope_error, new_token


def test_health_answers_without_a_token(http: httpx.Client) -> None:
    health = data_of(http.get("/health"))
    assert health["status"] == "ok"
    assert health["version"]
    assert health["renders"] == {"queued": 0, "running": 0}


def test_anonymous_token_carries_credits_and_a_week_of_life(http: httpx.Client) -> None:
    answer = new_token(http)
    assert answer["token"].startswith("nmv_usr_")
    assert answer["user_id"].startswith("anon_")
    assert answer["credits"] == 100
    expires = datetime.fromisoformat(answer["expires_at"])
    days = (expires - datetime.now(UTC)).total_seconds() / 86400
    assert 6.99 < days <= 7.0


def test_token_without_client_id_is_http_400(http: httpx.Client) -> None:
    response = http.post("/api/auth/anonymous-token")
    assert response.status_code == 400
    code, message = envelope_error(response)
    assert code == 400
    assert "X-Client-Id" in message


def test_second_token_for_one_client_is_http_429(http: httpx.Client) -> None:
    client_id = str(uuid.uuid4())
    first = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": client_id})
    assert first.status_code == 200
    second = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": client_id})
    assert second.status_code == 429
    assert envelope_error(second)[0] == 429
    other_client = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "other"})
    assert other_client.status_code == 200


def test_missing_or_unknown_token_is_1001(http: httpx.Client) -> None:
    missing = http.get("/api/credits/balance/simple")
    assert missing.status_code == 401
    assert envelope_error(missing)[0] == 1001
    wrong_token = "nmv_usr_not-a-real-token-123"
    wrong = http.get(
        "/api/credits/balance/simple", headers={"Authorization": f"Bearer {wrong_token}"}
    )
    assert wrong.status_code == 401
    code, message = envelope_error(wrong)
    assert code == 1001
    assert wrong_token not in message and "not-a-real" not in message


def test_expired_token_is_1001(start_engine: Callable[..., RunningEngine]) -> None:
    engine = start_engine(token_lifetime_seconds=0.3)
    with httpx.Client(base_url=engine.base_url, trust_env=False) as http:
        user = EngineUser.create(http)
        assert user.credits()["available"] == 100
        time.sleep(0.4)
        expired = user.get("/api/credits/balance/simple")
        assert expired.status_code == 401
        code, message = envelope_error(expired)
        assert code == 1001
        assert "expired" in message
        assert user.token not in message


def test_credits_balance(user: EngineUser) -> None:
    assert user.credits() == {"available": 100, "frozen": 0, "total": 100}


def test_unknown_session_and_other_users_session_are_1002(
    http: httpx.Client, user: EngineUser
) -> None:
    session_id = user.new_session()
    assert user.state(session_id)["session_id"] == session_id
    stranger = EngineUser.create(http)
    for who, sid in ((stranger, session_id), (user, "no-such-session")):
        response = who.get(f"/api/state/nemo_agent/me/{sid}/latest")
        assert response.status_code == 404
        code, message = envelope_error(response)
        assert code == 1002
        assert sid in message
    upload = stranger.post(
        f"/api/upload-video/nemo_agent/me/{session_id}", files=[("files", ("a.jpg", b"x"))]
    )
    assert envelope_error(upload)[0] == 1002


def test_run_sse_answers_json_before_streaming(http: httpx.Client, user: EngineUser) -> None:
    unknown = user.post(
        "/run_sse",
        json={
            "session_id": "no-such-session",
            "new_message": {"role": "user", "parts": [{"text": "hello"}]},
        },
    )
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "Session not found"}
    bad_body = user.post("/run_sse", json={"new_message": "hello"})
    assert bad_body.status_code == 422
    code, message = envelope_error(bad_body)
    assert code == 422
    assert "session_id" in message


def test_new_session_starts_with_a_blank_landscape_draft(user: EngineUser) -> None:
    session_id = user.new_session(language="zh")
    state = user.state(session_id)
    assert state["task_id"].startswith("task_")
    assert state["task_name"] == "project"
    assert state["state"]["draft"] == {
        "d": 0,
        "m": {"width": 1920, "height": 1080, "fps": 30},
        "t": [],
    }
    assert state["state"]["canvas_config"] == {"width": 1920, "height": 1080, "fps": 30}
    assert state["state"]["video_infos"] == []


def test_session_with_bad_json_is_422(user: EngineUser) -> None:
    response = user.post(
        "/api/tasks/me/with-session/nemo_agent",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert "not valid JSON" in envelope_error(response)[1]


def test_body_that_is_not_utf8_is_422_in_the_envelope(user: EngineUser) -> None:
    """json.loads raises UnicodeDecodeError (a ValueError without `.msg`) here: it was a 500."""
    response = user.post(
        "/api/tasks/me/with-session/nemo_agent",
        content=b'{"skill": "\xff\xfe"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    code, message = envelope_error(response)
    assert code == 422
    assert message == "the request body is not valid JSON: it is not UTF-8 text"


def test_body_nested_past_any_sense_is_422(user: EngineUser) -> None:
    """json.loads raises RecursionError (not a ValueError) on deep nesting: it was a 500."""
    response = user.post(
        "/api/tasks/me/with-session/nemo_agent",
        content=b"[" * 100_000 + b"]" * 100_000,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert "not valid JSON" in envelope_error(response)[1]


def test_unsupported_upload_is_4001(user: EngineUser) -> None:
    session_id = user.new_session()
    response = user.post(
        f"/api/upload-video/nemo_agent/me/{session_id}",
        files=[("files", ("notes.pdf", b"%PDF-1.4 not media"))],
    )
    assert response.status_code == 415
    code, message = envelope_error(response)
    assert code == 4001
    assert "notes.pdf" in message and "mp4" in message and "jpg" in message


def test_export_without_attribution_headers_is_http_402(user: EngineUser) -> None:
    session_id = user.new_session()
    response = user.http.post(
        "/api/render/proxy/lambda",
        headers={"Authorization": f"Bearer {user.token}"},
        json={"id": "render_1", "sessionId": session_id, "draft": {}},
    )
    assert response.status_code == 402
    code, message = envelope_error(response)
    assert code == 402
    assert "plan" in message and "X-Skill-Source" in message.replace(
        "x-skill-source", "X-Skill-Source"
    )


def test_generate_without_enough_credits_ends_the_stream_with_2001(
    start_engine: Callable[..., RunningEngine],
) -> None:
    engine = start_engine(initial_credits=5)
    with httpx.Client(base_url=engine.base_url, trust_env=False) as http:
        user = EngineUser.create(http, skill="ai-video-maker-sora")
        session_id = user.new_session()
        turn = user.chat(session_id, "generate a 10-second video of a sunset over a city skyline")
        assert turn.errors, turn.raw_lines
        error = turn.events[-1]
        assert error["errorCode"] == "2001"
        assert "credits" in error["error"] and "10" in error["error"]
        assert user.credits() == {"available": 5, "frozen": 0, "total": 5}
        assert user.state(session_id)["state"]["generated_media"] == []


def test_claim_token_points_at_this_engine(
    engine: RunningEngine, http: httpx.Client, user: EngineUser
) -> None:
    session_id = user.new_session()
    claim = data_of(user.post("/api/auth/claim-token", json={"session_id": session_id}))
    assert claim["claim_token"].startswith("clm_")
    assert claim["expires_in"] == 604800
    assert claim["claim_url"].startswith(engine.base_url + "/claim?ct=clm_")
    page = http.get(claim["claim_url"])
    assert page.status_code == 200
    assert "local engine" in page.text


def test_unknown_route_is_an_enveloped_404(http: httpx.Client) -> None:
    response = http.get("/api/nothing-here")
    assert response.status_code == 404
    code, message = envelope_error(response)
    assert code == 404
    assert "/api/nothing-here" in message
