"""The engine in company: one engine per data folder, many submissions of one render id at once,
and two turns on one session at once."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from nemo_tui.engine.http.server import RunningEngine
from nemo_tui.engine.ownership import FolderInUse, read_record
from tests.support import engine_env

from .helpers import EngineUser, data_of
from .test_renders import slideshow


def test_a_second_engine_on_a_served_folder_is_refused_and_named(
    start_engine: Callable[..., RunningEngine], data_dir: Path
) -> None:
    first = start_engine()
    record = read_record(data_dir)
    assert record is not None and record.url == first.base_url

    with pytest.raises(FolderInUse) as refused:
        start_engine()
    assert first.base_url in str(refused.value)

    served = subprocess.run(
        [sys.executable, "-m", "nemo_tui", "serve", "--data", str(data_dir)],
        env=engine_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert served.returncode == 2
    lines = served.stderr.strip().splitlines()
    assert len(lines) == 1 and first.base_url in lines[0] and str(data_dir) in lines[0]
    # The first engine was not disturbed: it still answers as itself.
    health = httpx.get(f"{first.base_url}/health", trust_env=False).json()["data"]
    assert health["instance_id"] == record.instance_id


def test_the_folder_is_free_again_once_its_engine_stops(
    start_engine: Callable[..., RunningEngine], data_dir: Path
) -> None:
    start_engine().stop()
    again = start_engine()
    record = read_record(data_dir)
    assert record is not None and record.url == again.base_url


async def test_twenty_submissions_of_one_id_at_once_are_all_accepted_and_rendered(
    user: EngineUser, media_dir: Path, engine: RunningEngine
) -> None:
    session_id = user.new_session()
    (photo,) = user.upload(session_id, [media_dir / "photo1.jpg"])
    draft = slideshow([photo["id"]], 0.5)
    body = {
        "id": "render_same",
        "sessionId": session_id,
        "draft": draft,
        "output": {"format": "mp4", "quality": "preview", "height": 90},
    }
    async with httpx.AsyncClient(base_url=engine.base_url, trust_env=False, timeout=60) as http:
        answers = await asyncio.gather(
            *(
                http.post("/api/render/proxy/lambda", json=body, headers=user.headers)
                for _ in range(20)
            )
        )
    assert [answer.status_code for answer in answers] == [200] * 20
    ids = [answer.json()["data"]["id"] for answer in answers]
    assert len(set(ids)) == 20 and "render_same" in ids
    for render_id in ids:
        assert user.wait_render(render_id)["status"] == "completed"


async def test_two_turns_on_one_session_at_once_both_land_in_the_draft(
    user: EngineUser, media_dir: Path, engine: RunningEngine
) -> None:
    session_id = user.new_session()
    user.upload(session_id, [media_dir / "photo1.jpg", media_dir / "photo2.jpg"])
    user.chat(session_id, "create a slideshow video from these images without any AI effects")

    def chat_body(text: str) -> dict[str, object]:
        return {
            "app_name": "nemo_agent",
            "user_id": "me",
            "session_id": session_id,
            "new_message": {"role": "user", "parts": [{"text": text}]},
            "streaming": True,
        }

    async with httpx.AsyncClient(base_url=engine.base_url, trust_env=False, timeout=120) as http:
        await asyncio.gather(
            http.post("/run_sse", json=chat_body("add a title 'First'"), headers=user.headers),
            http.post("/run_sse", json=chat_body("make it vertical 9:16"), headers=user.headers),
        )
    state = data_of(user.get(f"/api/state/nemo_agent/me/{session_id}/latest"))["state"]
    draft = state["draft"]
    assert (draft["m"]["width"], draft["m"]["height"]) == (1080, 1920)
    assert "First" in json.dumps(draft, ensure_ascii=False)
