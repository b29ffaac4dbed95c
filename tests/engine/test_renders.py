"""Export: submit, poll, download (with Range), the one-at-a-time queue, and refused drafts."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from nemo_tui.api.draft import Draft, DraftMeta, Segment, SegmentMeta, Track, TrackMeta
from nemo_tui.engine.http.server import RunningEngine
from tests.support import mp4_facts

from .helpers import EngineUser, data_of, envelope_error


def slideshow(media_ids: list[str], seconds_each: float, motion: str = "none") -> dict[str, Any]:
    """A hand-built draft: the photos one after another on a 16:9 canvas."""
    length = int(seconds_each * 1000)
    segments = [
        Segment(
            id=f"s{index}",
            st=index * length,
            d=length,
            m=SegmentMeta(name=f"photo {index}", src=media_id, fit="cover", motion=motion),
        )
        for index, media_id in enumerate(media_ids)
    ]
    track = Track(id="v1", tt=0, m=TrackMeta(name="Video"), sg=segments)
    draft = Draft(
        d=length * len(media_ids), m=DraftMeta(width=1920, height=1080, fps=30), t=[track]
    )
    return draft.to_wire()


@pytest.fixture
def photo_ids(user: EngineUser, media_dir: Path) -> tuple[str, list[str]]:
    session_id = user.new_session()
    files = user.upload(session_id, [media_dir / "photo1.jpg", media_dir / "photo2.jpg"])
    return session_id, [file["id"] for file in files]


def test_export_poll_and_download(
    user: EngineUser, photo_ids: tuple[str, list[str]], tmp_path: Path, data_dir: Path
) -> None:
    session_id, ids = photo_ids
    render_id = user.export(session_id, slideshow(ids, 1.0))
    status = user.wait_render(render_id)
    assert status["status"] == "completed", status
    assert status["progress"] == 100
    output = status["output"]
    assert output["url"] == f"{user.http.base_url}/api/render/proxy/{render_id}/download"
    video = user.download(output["url"], tmp_path / "out.mp4")
    assert output["size"] == video.stat().st_size
    facts = mp4_facts(video)
    assert (facts.video_codec, facts.width, facts.height) == ("h264", 320, 180)
    assert facts.duration == pytest.approx(2.0, abs=0.2)
    assert output["duration"] == pytest.approx(facts.duration, abs=0.05)
    # The finished file is the only thing in the renders folder: no temp file is left.
    (rendered,) = (data_dir / "renders").iterdir()
    assert rendered.read_bytes() == video.read_bytes()


def test_download_honours_range_requests(
    user: EngineUser, photo_ids: tuple[str, list[str]]
) -> None:
    session_id, ids = photo_ids
    status = user.wait_render(user.export(session_id, slideshow(ids, 0.5)))
    url = status["output"]["url"]
    whole = user.get(url)
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-type"] == "video/mp4"
    part = user.get(url, headers={"Range": "bytes=100-299"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-299/{len(whole.content)}"
    assert part.content == whole.content[100:300]
    tail = user.get(url, headers={"Range": "bytes=1000-"})
    assert tail.status_code == 206
    assert tail.content == whole.content[1000:]
    assert user.http.get(url).status_code == 401


def test_second_render_waits_while_the_first_runs(
    user: EngineUser, photo_ids: tuple[str, list[str]]
) -> None:
    session_id, ids = photo_ids
    # A render long enough to be caught running: 720p with motion on every frame.
    first = user.export(session_id, slideshow(ids, 4.0, motion="zoom_in"), height=720)
    second = user.export(session_id, slideshow(ids, 0.5), height=180)
    deadline = time.monotonic() + 30
    while user.render_status(first)["status"] == "pending" and time.monotonic() < deadline:
        time.sleep(0.02)
    first_status = user.render_status(first)
    assert first_status["status"] == "processing"
    assert user.render_status(second)["status"] == "pending"
    assert data_of(user.http.get("/health"))["renders"] == {"queued": 1, "running": 1}
    progress_seen = set()
    while (status := user.render_status(first))["status"] == "processing":
        progress_seen.add(status["progress"])
        time.sleep(0.1)
    assert status["status"] == "completed"
    assert any(0 < value < 100 for value in progress_seen), progress_seen
    assert user.wait_render(second)["status"] == "completed"


def test_draft_with_media_from_elsewhere_is_refused(
    http: httpx.Client, user: EngineUser, photo_ids: tuple[str, list[str]]
) -> None:
    session_id, ids = photo_ids
    body = {"id": "render_x", "sessionId": session_id, "output": {"height": 180}}
    unknown = user.post(
        "/api/render/proxy/lambda", json={**body, "draft": slideshow([ids[0], "m_nope"], 1.0)}
    )
    assert unknown.status_code == 422
    code, message = envelope_error(unknown)
    assert code == 422
    assert "m_nope" in message and "not in this session" in message
    # Media from another user's session is as unknown as media that never existed.
    stranger = EngineUser.create(http)
    theirs = stranger.new_session()
    borrowed = stranger.post(
        "/api/render/proxy/lambda",
        json={**body, "sessionId": theirs, "draft": slideshow(ids, 1.0)},
    )
    assert ids[0] in envelope_error(borrowed)[1]
    empty = user.post("/api/render/proxy/lambda", json={**body, "draft": {"d": 0, "t": []}})
    assert "nothing to export" in envelope_error(empty)[1]


def test_render_of_another_user_is_not_found(
    http: httpx.Client, user: EngineUser, photo_ids: tuple[str, list[str]]
) -> None:
    session_id, ids = photo_ids
    render_id = user.export(session_id, slideshow(ids, 0.5))
    stranger = EngineUser.create(http)
    for path in (
        f"/api/render/proxy/lambda/{render_id}",
        f"/api/render/proxy/{render_id}/download",
    ):
        response = stranger.get(path)
        assert response.status_code == 404
        assert render_id in envelope_error(response)[1]
    user.wait_render(render_id)


def test_a_taken_or_unsafe_render_id_is_replaced_by_a_fresh_one(
    user: EngineUser, photo_ids: tuple[str, list[str]]
) -> None:
    """SPEC 7: when the answer's id differs from the one sent, the server's wins."""
    session_id, ids = photo_ids
    body = {"sessionId": session_id, "draft": slideshow(ids, 0.5), "output": {"height": 180}}
    answered = [
        data_of(user.post("/api/render/proxy/lambda", json={**body, "id": wanted}))["id"]
        for wanted in ("render_7", "render_7", "../../etc/passwd")
    ]
    assert answered[0] == "render_7"
    assert len(set(answered)) == 3
    assert all(re.fullmatch(r"render_\d{13}", fresh) for fresh in answered[1:])
    for render_id in answered:
        assert user.wait_render(render_id)["status"] == "completed"


def test_render_failure_is_reported_with_a_reason(
    start_engine: Callable[..., RunningEngine], media_dir: Path, data_dir: Path
) -> None:
    engine = start_engine()
    with httpx.Client(base_url=engine.base_url, trust_env=False) as http:
        user = EngineUser.create(http)
        session_id = user.new_session()
        (photo,) = user.upload(session_id, [media_dir / "photo1.jpg"])
        # The stored file vanishes behind the engine's back before the render runs.
        (stored,) = (data_dir / "media").iterdir()
        stored.unlink()
        status = user.wait_render(user.export(session_id, slideshow([photo["id"]], 1.0)))
        assert status["status"] == "failed"
        assert status["error"].startswith("render failed: ")
        assert "missing" in status["error"]
        assert "output" not in status
