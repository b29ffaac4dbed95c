"""Engine security that the engine's own tests leave open: one user's media, chat and export
reached with another user's token, upload names that look like paths on other systems, text
overlays written as ffmpeg filter syntax, and where `nemo-tui serve` listens.

Already proven in tests/engine (not repeated here): no token or a wrong one is refused
(test_routes::test_missing_or_unknown_token_is_1001, test_expired_token_is_1001), another user's
session state and uploads are 1002 (test_routes::test_unknown_session_and_other_users_session_are
_1002), their renders 404 (test_renders::test_render_of_another_user_is_not_found), media from
another session is refused in a draft (test_renders::test_draft_with_media_from_elsewhere_is_
refused), `../../x.jpg` stays data (test_uploads::test_a_path_in_the_filename_is_only_data), an
upload over the limit stops being read and leaves nothing (test_uploads::test_upload_over_the_
skill_limit_stops_reading_and_keeps_nothing), text goes to ffmpeg through a file
(test_renderer::test_title_text_goes_to_a_file_verbatim_never_into_the_graph).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from nemo_tui.engine.http.server import RunningEngine
from tests.engine.helpers import EngineUser, data_of, envelope_error
from tests.support import engine_env, frame_at, free_port, recorded_messages

TEAL = (0x2A, 0x9D, 0x8F)  # photo2's background (samples.PALETTE[1])
INJECTIONS = [
    "x',drawbox=x=0:y=0:w=iw:h=ih:color=red:t=fill,drawtext=text='",
    "[in]drawbox=x=0:y=0:w=iw:h=ih:color=red:t=fill[out]; x",
    "%{pict_type} \\' ; [v] : , = %{eif:1/0:d}",
]


@pytest.fixture
def http(start_engine) -> Iterator[httpx.Client]:
    engine: RunningEngine = start_engine()
    with httpx.Client(base_url=engine.base_url, timeout=60.0, trust_env=False) as client:
        client.engine = engine  # type: ignore[attr-defined]
        yield client


def test_another_users_media_chat_and_export_are_out_of_reach(
    http: httpx.Client, media_dir: Path
) -> None:
    owner, stranger = EngineUser.create(http), EngineUser.create(http)
    session_id = owner.new_session()
    [photo] = owner.upload(session_id, [media_dir / "photo1.jpg"])
    assert owner.get(photo["cdn_url"]).status_code == 200

    media = stranger.get(photo["cdn_url"])
    assert media.status_code == 404 and photo["id"] in envelope_error(media)[1]
    chat = stranger.post(
        "/run_sse",
        json={"session_id": session_id, "new_message": {"parts": [{"text": "make it square"}]}},
    )
    assert chat.status_code == 404 and "text/event-stream" not in chat.headers["content-type"]
    draft = owner.state(session_id)["state"]["draft"]
    draft["t"] = [{"id": "v1", "tt": 0, "sg": [{"id": "s1", "d": 1000, "m": {"src": photo["id"]}}]}]
    body = {"id": "render_x", "sessionId": session_id, "draft": draft, "output": {"height": 180}}
    export = stranger.post("/api/render/proxy/lambda", json=body)
    assert envelope_error(export)[0] == 1002
    engine: RunningEngine = http.engine  # type: ignore[attr-defined]
    assert recorded_messages(engine.settings.data_dir, session_id) == []


@pytest.mark.parametrize("name", ["/etc/passwd.jpg", "..\\..\\windows.jpg", "a/../../../b.jpg"])
def test_upload_names_never_leave_the_media_folder(
    http: httpx.Client, media_dir: Path, tmp_path: Path, name: str
) -> None:
    user = EngineUser.create(http)
    session_id = user.new_session()
    photo = (media_dir / "photo1.jpg").read_bytes()
    answer = user.post(
        f"/api/upload-video/nemo_agent/me/{session_id}", files=[("files", (name, photo))]
    )
    assert data_of(answer)["files"][0]["filename"] == name
    engine: RunningEngine = http.engine  # type: ignore[attr-defined]
    media = engine.settings.media_dir
    stored = [path for path in media.iterdir() if path.is_file()]
    assert len(stored) == 1 and stored[0].read_bytes() == photo
    for path in tmp_path.rglob("*"):
        assert path.resolve().is_relative_to(tmp_path.resolve())
        assert path.name not in ("passwd.jpg", "windows.jpg", "b.jpg")


def near(color: tuple[int, ...], expected: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(c - e) <= tolerance for c, e in zip(color[:3], expected, strict=True))


@pytest.mark.parametrize("title", INJECTIONS)
def test_a_title_written_as_filter_syntax_is_drawn_as_text(
    http: httpx.Client, media_dir: Path, tmp_path: Path, title: str
) -> None:
    user = EngineUser.create(http)
    session_id = user.new_session()
    [photo] = user.upload(session_id, [media_dir / "photo2.jpg"])
    picture = {"id": "s1", "st": 0, "d": 2000, "m": {"src": photo["id"]}}
    words = {"id": "t1", "st": 0, "d": 1000, "m": {"text": title, "size": 90}}
    draft = {
        "d": 2000,
        "m": {"width": 320, "height": 180, "fps": 10},
        "t": [{"id": "v1", "tt": 0, "sg": [picture]}, {"id": "x1", "tt": 7, "sg": [words]}],
    }
    finished = user.wait_render(user.export(session_id, draft))
    assert finished["status"] == "completed", finished
    video = user.download(finished["output"]["url"], tmp_path / "title.mp4")

    with_title, without = frame_at(video, 0.5), frame_at(video, 1.5)
    corners = [(2, 2), (317, 2), (2, 177), (317, 177)]
    # No red box over the picture: the corners keep the photo's colour, with the title and after.
    for frame in (with_title, without):
        assert all(near(frame.getpixel(corner), TEAL) for corner in corners)
    # And the words were drawn: the picture differs while the title is on.
    band = (0, 60, 320, 120)
    assert with_title.crop(band).tobytes() != without.crop(band).tobytes()


def serve_and_read_first_lines(*args: str, data_dir: Path) -> tuple[str, str]:
    """Start `nemo-tui serve ARGS`, read its banner (stdout) and what it said first on stderr,
    then stop it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "nemo_tui", "serve", "--data", str(data_dir), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=engine_env(),
    )  # fmt: skip
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=20)
    return banner, errors


def test_serve_binds_loopback_by_default(tmp_path: Path) -> None:
    # Beyond loopback it needs an access key: tests/hardening/test_engine_network.py.
    port = free_port()
    banner, errors = serve_and_read_first_lines("--port", str(port), data_dir=tmp_path / "a")
    assert banner.startswith(f"nemo-tui engine listening on http://127.0.0.1:{port} ")
    assert "warning" not in errors
