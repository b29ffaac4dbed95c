"""The engine's fault switch itself: off unless configured, each misbehaviour as a client sees it
over real loopback HTTP, counted per rule, and a bad rule refused with one clear line."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest
from pydantic import ValidationError

from nemo_tui.engine.http.server import RunningEngine
from nemo_tui.engine.settings import EngineSettings
from tests.support import faults

HEALTH = {"path": "/health"}


def token_for(http: httpx.Client) -> str:
    answer = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": str(uuid.uuid4())})
    return answer.json()["data"]["token"]


@pytest.mark.parametrize(
    ("error", "status", "code"), [(500, 500, 500), (429, 429, 429), (1001, 401, 1001)]
)
def test_error_faults_answer_in_the_envelope_for_the_next_calls_only(
    start_engine: Callable[..., RunningEngine], error: int, status: int, code: int
) -> None:
    engine = start_engine(faults=faults({**HEALTH, "skip": 1, "times": 2, "error": error}))
    with httpx.Client(base_url=engine.base_url, trust_env=False) as http:
        answers = [http.get("/health") for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, status, status, 200]
    assert answers[1].json()["code"] == code and answers[1].json()["data"] is None
    assert answers[3].json()["data"]["status"] == "ok"


def test_a_garbage_body_is_answered_as_it_is(start_engine: Callable[..., RunningEngine]) -> None:
    engine = start_engine(faults=faults({**HEALTH, "body": '{"code": 0, "data": [1, 2'}))
    with httpx.Client(base_url=engine.base_url, trust_env=False) as http:
        assert http.get("/health").text == '{"code": 0, "data": [1, 2'


def test_a_cut_body_ends_the_connection_early(start_engine: Callable[..., RunningEngine]) -> None:
    engine = start_engine(faults=faults({**HEALTH, "cut_after_bytes": 10}))
    with httpx.Client(base_url=engine.base_url, trust_env=False) as http:
        received = b""
        with pytest.raises(httpx.RemoteProtocolError), http.stream("GET", "/health") as answer:
            for chunk in answer.iter_raw():
                received += chunk
        assert len(received) == 10
        assert http.get("/health").status_code == 200


def test_delay_and_trickle_slow_the_answer(start_engine: Callable[..., RunningEngine]) -> None:
    engine = start_engine(
        faults=faults({**HEALTH, "delay": 0.3}, {**HEALTH, "skip": 1, "bytes_per_second": 200})
    )
    with httpx.Client(base_url=engine.base_url, trust_env=False) as http:
        delayed = http.get("/health")
        trickled = http.get("/health")
        plain = http.get("/health")
    assert delayed.elapsed.total_seconds() >= 0.3
    # About 80 bytes at 200 bytes a second.
    assert trickled.elapsed.total_seconds() >= 0.25
    assert plain.elapsed.total_seconds() < 0.2
    assert delayed.json() == trickled.json() == plain.json()


def test_methods_narrow_a_rule_and_other_routes_are_untouched(
    start_engine: Callable[..., RunningEngine],
) -> None:
    engine = start_engine(
        faults=faults({"path": "/api/credits/*", "method": "POST", "times": None, "error": 500})
    )
    with httpx.Client(base_url=engine.base_url, trust_env=False) as http:
        token = token_for(http)
        credits = http.get(
            "/api/credits/balance/simple", headers={"Authorization": f"Bearer {token}"}
        )
    assert credits.status_code == 200 and credits.json()["data"]["available"] == 100


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[{", "faults is not valid JSON"),
        ('[{"path": "/health"}]', "exactly one of error, body"),
        ('[{"path": "/health", "error": 418}]', "bad fault rule at 0.error"),
        ('[{"path": "/health", "delay": 1, "body": "x"}]', "exactly one of"),
    ],
)
def test_a_bad_rule_is_refused_in_one_line(text: str, expected: str) -> None:
    with pytest.raises(ValidationError) as caught:
        EngineSettings(faults=text)
    message = str(caught.value.errors()[0]["msg"])
    assert expected in message and "\n" not in message
