"""CPU-heavy work on a request (parsing and validating its JSON, building a render's ffmpeg
command) runs off the engine's event loop: while it is held up, `/health` still answers. Proven by
holding the work on an event rather than by timing it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from nemo_tui.engine.http import common
from nemo_tui.engine.http.server import RunningEngine
from nemo_tui.engine.render import renderer
from tests.engine.helpers import EngineUser, data_of

HOLD_SECONDS = 30


@contextmanager
def held(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> Iterator[threading.Event]:
    """`owner.name` made to wait until the block ends; yields the event set when it is entered."""
    entered, release = threading.Event(), threading.Event()
    original: Callable[..., Any] = getattr(owner, name)

    def holding(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        release.wait(HOLD_SECONDS)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, holding)
    try:
        yield entered
    finally:
        release.set()


def health_answers_while(entered: threading.Event, base_url: str) -> None:
    assert entered.wait(HOLD_SECONDS), "the held work never started"
    # Were the work on the event loop, this request would wait for it and time out.
    answer = httpx.get(f"{base_url}/health", timeout=HOLD_SECONDS / 3)
    assert data_of(answer)["status"] == "ok"


def in_background(work: Callable[[], Any]) -> threading.Thread:
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def engine(start_engine) -> RunningEngine:
    return start_engine()


def test_health_answers_while_a_request_body_is_parsed(
    engine: RunningEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with httpx.Client(base_url=engine.base_url, timeout=60, trust_env=False) as http:
        user = EngineUser.create(http)
        session_id = user.new_session()
        body = {"task_name": "x" * 100_000, "session_id": session_id}
        with held(monkeypatch, common, "parse_model") as entered:
            sent = in_background(
                lambda: user.post("/api/tasks/me/with-session/nemo_agent", json=body)
            )
            health_answers_while(entered, engine.base_url)
        sent.join(HOLD_SECONDS)


def test_health_answers_while_a_render_command_is_built(
    engine: RunningEngine, monkeypatch: pytest.MonkeyPatch, media_dir: Path
) -> None:
    with httpx.Client(base_url=engine.base_url, timeout=60, trust_env=False) as http:
        user = EngineUser.create(http)
        session_id = user.new_session()
        [photo] = user.upload(session_id, [media_dir / "photo1.jpg"])
        draft = user.state(session_id)["state"]["draft"]
        draft["t"] = [
            {"id": "v1", "tt": 0, "sg": [{"id": "s1", "d": 500, "m": {"src": photo["id"]}}]}
        ]
        with held(monkeypatch, renderer, "build_command") as entered:
            render_id = user.export(session_id, draft, height=180)
            health_answers_while(entered, engine.base_url)
        assert user.wait_render(render_id)["status"] == "completed"
