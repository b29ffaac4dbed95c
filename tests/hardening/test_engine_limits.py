"""The engine's limits, each tried over loopback the way an attacker would: every refusal is a 4xx
in the envelope naming the limit, nothing is stored or queued, and the engine keeps answering.
JSON nested 1,000 deep is one of them (it was a bare 500), and a failed render tells its user
nothing about where the engine keeps its files.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from nemo_tui.engine.http.server import RunningEngine
from tests.engine.helpers import EngineUser, data_of, envelope_error
from tests.support import recorded_media, recorded_messages


@pytest.fixture
def http(start_engine) -> Iterator[httpx.Client]:
    engine: RunningEngine = start_engine()
    with httpx.Client(base_url=engine.base_url, timeout=60.0, trust_env=False) as client:
        client.engine = engine  # type: ignore[attr-defined]
        yield client


@pytest.fixture
def user(http: httpx.Client) -> EngineUser:
    return EngineUser.create(http)


def chat_body(session_id: str, text: str) -> dict[str, Any]:
    return {"session_id": session_id, "new_message": {"role": "user", "parts": [{"text": text}]}}


def export_body(session_id: str, draft: dict[str, Any], height: int | None = 180) -> dict:
    return {"id": "render_x", "sessionId": session_id, "draft": draft, "output": {"height": height}}


def photo_draft(user: EngineUser, session_id: str, media_dir: Path) -> dict[str, Any]:
    [photo] = user.upload(session_id, [media_dir / "photo1.jpg"])
    draft = user.state(session_id)["state"]["draft"]
    segment = {"id": "s1", "d": 1000, "m": {"src": photo["id"]}}
    draft["t"] = [{"id": "v1", "tt": 0, "sg": [segment]}]
    return draft


def refused(response: httpx.Response, status: int, limit: str) -> str:
    assert response.status_code == status, response.text
    _, message = envelope_error(response)
    assert limit in message, message
    return message


def still_serving(http: httpx.Client) -> None:
    assert data_of(http.get("/health"))["status"] == "ok"


def test_a_150_kb_message_is_refused_naming_the_message_length(
    http: httpx.Client, user: EngineUser
) -> None:
    session_id = user.new_session()
    long_message = "make a video " + "and " * 37_000 + "   " * 1000
    answer = user.post("/run_sse", json=chat_body(session_id, long_message))
    refused(answer, 413, "message length")
    assert recorded_messages(http.engine.settings.data_dir, session_id) == []  # type: ignore[attr-defined]
    still_serving(http)


def test_a_body_over_the_size_limit_is_refused_naming_it(
    http: httpx.Client, user: EngineUser
) -> None:
    session_id = user.new_session()
    padding = {"session_id": session_id, "pad": "x" * (1024 * 1024)}  # the limit is 512 KiB
    refused(user.post("/run_sse", json=padding), 413, "JSON size")
    refused(user.post("/api/render/proxy/lambda", json=padding), 413, "JSON size")
    still_serving(http)


@pytest.mark.parametrize("route", ["/run_sse", "/api/render/proxy/lambda"])
def test_json_nested_a_thousand_deep_is_a_422_envelope(
    http: httpx.Client, user: EngineUser, route: str
) -> None:
    deep = "[" * 1000 + "]" * 1000
    answer = user.post(route, content=f'{{"session_id": {deep}}}'.encode())
    refused(answer, 422, "JSON depth")
    still_serving(http)


@pytest.mark.parametrize(
    ("change", "limit"),
    [
        (lambda draft: draft["t"][0]["sg"][0].update(d=10**9), "draft duration"),
        (lambda draft: draft.update(d=10**9), "draft duration"),
        (lambda draft: draft["m"].update(width=8192, height=8192), "canvas side"),
        (lambda draft: draft["m"].update(width=16, height=4096), "canvas side"),
        (
            lambda draft: draft["t"][0].update(sg=[dict(draft["t"][0]["sg"][0], id=f"s{i}")
                                                   for i in range(1500)]),
            "segment count",
        ),
    ],
    ids=["segment-1e9-ms", "draft-1e9-ms", "canvas-8192", "canvas-16x4096", "1500-segments"],
)  # fmt: skip
def test_a_draft_past_a_limit_is_refused_naming_it_and_never_queued(
    http: httpx.Client, user: EngineUser, media_dir: Path, change, limit: str
) -> None:
    session_id = user.new_session()
    draft = photo_draft(user, session_id, media_dir)
    change(draft)
    refused(user.post("/api/render/proxy/lambda", json=export_body(session_id, draft)), 422, limit)
    assert data_of(http.get("/health"))["renders"] == {"queued": 0, "running": 0}


@pytest.mark.parametrize(("height", "canvas"), [(4320, (1920, 1080)), (2160, (100, 1000))])
def test_an_output_height_past_the_limit_is_refused_naming_it(
    http: httpx.Client, user: EngineUser, media_dir: Path, height: int, canvas: tuple[int, int]
) -> None:
    session_id = user.new_session()
    draft = photo_draft(user, session_id, media_dir)
    draft["m"].update(width=canvas[0], height=canvas[1])
    answer = user.post("/api/render/proxy/lambda", json=export_body(session_id, draft, height))
    message = refused(answer, 422, "output height" if height > 2160 else "canvas side")
    assert str(height) in message


def png_bomb(side: int) -> bytes:
    """A valid grey PNG of side x side black pixels: about 1 MB on disk per 16000 x 16000."""
    packer = zlib.compressobj(9)
    row = b"\x00" * (side + 1)  # filter byte + one byte per pixel
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(("side", "size"), [(16000, "256 MP"), (10500, "10500x10500")])
def test_a_png_bomb_is_refused_from_its_header_naming_the_image_pixels(
    http: httpx.Client, user: EngineUser, side: int, size: str
) -> None:
    engine: RunningEngine = http.engine  # type: ignore[attr-defined]
    session_id = user.new_session()
    bomb = png_bomb(side)
    answer = user.post(
        f"/api/upload-video/nemo_agent/me/{session_id}", files=[("files", ("bomb.png", bomb))]
    )
    message = refused(answer, 415, "image pixels")
    assert size in message and "limit of 100 MP" in message
    assert recorded_media(engine.settings.data_dir, session_id) == []
    assert list(engine.settings.media_dir.iterdir()) == []
    still_serving(http)


def test_every_error_path_answers_the_envelope(http: httpx.Client, user: EngineUser) -> None:
    session_id = user.new_session()
    answers = [
        http.get("/no/such/route"),
        http.put("/health"),
        user.post("/run_sse", content=b"{not json"),
        user.post("/run_sse", content=b"\xff\xfe"),
        user.post("/run_sse", json={"session_id": 5}),
        user.post("/run_sse", content="[" * 100_000),
        user.post(f"/api/upload-video/nemo_agent/me/{session_id}", content=b"x",
                  headers={"Content-Type": "multipart/form-data; boundary=zz"}),
        user.get("/api/render/proxy/lambda/%2E%2E%2Fetc"),
        http.get("/health", headers={"Host": "evil.example"}),
    ]  # fmt: skip
    for answer in answers:
        assert 400 <= answer.status_code < 500, (answer.request.url, answer.text)
        _, message = envelope_error(answer)
        assert "Traceback" not in message


def test_a_failed_render_names_no_server_path_or_memory_address(
    http: httpx.Client, user: EngineUser, media_dir: Path
) -> None:
    engine: RunningEngine = http.engine  # type: ignore[attr-defined]
    session_id = user.new_session()
    draft = photo_draft(user, session_id, media_dir)
    # The stored photo goes bad on disk after its upload: ffmpeg fails on it, naming its path.
    [stored] = list(engine.settings.media_dir.iterdir())
    stored.write_bytes(b"not a picture any more")
    render_id = data_of(user.post("/api/render/proxy/lambda", json=export_body(session_id, draft)))
    status = user.wait_render(render_id["id"])
    assert status["status"] == "failed"
    error = status["error"]
    assert str(engine.settings.data_dir) not in error and "/" not in error, error
    assert "0x" not in error.replace("0x…", ""), error
    assert stored.name in error or "render failed" in error
    still_serving(http)


def test_the_limits_are_settings(start_engine, media_dir: Path) -> None:
    engine: RunningEngine = start_engine(max_message_chars=10, max_draft_seconds=2)
    with httpx.Client(base_url=engine.base_url, timeout=60.0, trust_env=False) as http:
        user = EngineUser.create(http)
        session_id = user.new_session()
        message = refused(user.post("/run_sse", json=chat_body(session_id, "x" * 11)), 413, "10")
        assert "message length" in message
        draft = photo_draft(user, session_id, media_dir)
        draft["t"][0]["sg"][0]["d"] = 3000
        body = json.loads(json.dumps(export_body(session_id, draft)))
        refused(user.post("/api/render/proxy/lambda", json=body), 422, "limit of 2 s")
