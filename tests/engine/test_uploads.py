"""Uploads: streamed to disk under generated names, checked while they arrive, all or nothing."""

from __future__ import annotations

import contextlib
import functools
import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from nemo_tui.skills import MB

from .helpers import EngineUser, data_of, envelope_error, files_under

BOUNDARY = "nemo-test-boundary-7f3a"


def upload_path(session_id: str) -> str:
    return f"/api/upload-video/nemo_agent/me/{session_id}"


def test_several_files_in_one_upload(user: EngineUser, media_dir: Path, data_dir: Path) -> None:
    session_id = user.new_session()
    sources = [media_dir / "photo1.jpg", media_dir / "clip.mp4", media_dir / "voice.m4a"]
    files = user.upload(session_id, sources)
    assert [f["filename"] for f in files] == ["photo1.jpg", "clip.mp4", "voice.m4a"]
    photo, clip, voice = files
    assert (photo["file_type"], photo["width"], photo["height"]) == ("image", 480, 320)
    assert (clip["file_type"], clip["width"], clip["height"]) == ("video", 320, 180)
    assert clip["duration"] == pytest.approx(3.0, abs=0.1)
    assert clip["fps"] == pytest.approx(25.0)
    assert voice["file_type"] == "audio"
    assert voice["duration"] == pytest.approx(6.0, abs=0.1)
    stored = files_under(data_dir / "media")
    assert len(stored) == 3
    assert not {path.name for path in stored} & {"photo1.jpg", "clip.mp4", "voice.m4a"}
    # The cdn_url serves the very bytes that were sent, to the owner only.
    served = user.get(clip["cdn_url"])
    assert served.status_code == 200
    assert served.content == (media_dir / "clip.mp4").read_bytes()
    assert user.http.get(clip["cdn_url"]).status_code == 401
    infos = user.state(session_id)["state"]["video_infos"]
    assert [info["filename"] for info in infos] == ["photo1.jpg", "clip.mp4", "voice.m4a"]


def test_a_path_in_the_filename_is_only_data(
    user: EngineUser, media_dir: Path, data_dir: Path, tmp_path: Path
) -> None:
    session_id = user.new_session()
    photo = (media_dir / "photo2.jpg").read_bytes()
    answer = user.post(upload_path(session_id), files=[("files", ("../../x.jpg", photo))])
    files = data_of(answer)["files"]
    assert files[0]["filename"] == "../../x.jpg"
    stored = files_under(data_dir)
    media = [path for path in stored if path.parent == data_dir / "media"]
    assert len(media) == 1 and media[0].read_bytes() == photo
    assert not [path for path in tmp_path.rglob("x.jpg")]


def _multipart_of_zeros(filename: str, size: int, sent: list[int]) -> Iterator[bytes]:
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
    ).encode()
    block = bytes(MB)
    for _ in range(size // MB):
        sent[0] += len(block)
        yield block
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def test_upload_over_the_skill_limit_stops_reading_and_keeps_nothing(
    user: EngineUser, data_dir: Path
) -> None:
    session_id = user.new_session()
    sent = [0]
    planned = 260 * MB
    try:
        response = user.post(
            upload_path(session_id),
            content=_multipart_of_zeros("big.jpg", planned, sent),
            headers={
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "X-Skill-Source": "image-no-generator",
            },
            timeout=60.0,
        )
    except httpx.TransportError:
        # The engine may close the connection before the client reads its answer; what it
        # read and kept is what this test is about.
        response = None
    if response is not None:
        assert response.status_code == 413
        code, message = envelope_error(response)
        assert code == 4002
        assert "big.jpg" in message and "200 MB" in message
    # The engine stopped reading at 200 MB: the client could not push the remaining 60 MB
    # (socket buffers hold a few MB at most).
    assert 200 * MB < sent[0] < 220 * MB
    assert files_under(data_dir / "media") == []
    assert user.state(session_id)["state"]["video_infos"] == []


def test_unsupported_type_refuses_the_whole_batch(
    user: EngineUser, media_dir: Path, data_dir: Path
) -> None:
    session_id = user.new_session()
    response = user.post(
        upload_path(session_id),
        files=[
            ("files", ("photo1.jpg", (media_dir / "photo1.jpg").read_bytes())),
            ("files", ("notes.pdf", b"%PDF-1.4")),
        ],
    )
    code, message = envelope_error(response)
    assert code == 4001
    assert message.startswith("notes.pdf: unsupported file type; accepted formats:")
    assert files_under(data_dir / "media") == []


def test_a_jpg_that_is_not_an_image_is_4001(user: EngineUser, data_dir: Path) -> None:
    session_id = user.new_session()
    response = user.post(
        upload_path(session_id), files=[("files", ("holiday.jpg", b"this is plain text\n" * 50))]
    )
    assert response.status_code == 415
    code, message = envelope_error(response)
    assert code == 4001
    assert "holiday.jpg" in message and "PyAV" in message
    assert files_under(data_dir / "media") == []


def test_an_empty_file_is_4001(user: EngineUser, data_dir: Path) -> None:
    session_id = user.new_session()
    response = user.post(upload_path(session_id), files=[("files", ("empty.png", b""))])
    code, message = envelope_error(response)
    assert code == 4001
    assert message.startswith("empty.png is empty (0 bytes)")
    assert files_under(data_dir / "media") == []


@contextlib.contextmanager
def file_server(folder: Path, host: str) -> Iterator[str]:
    """`folder` served over HTTP on `host`; yields the base URL."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer((host, 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def loopback_file_server(media_dir: Path) -> Iterator[str]:
    with file_server(media_dir, "127.0.0.1") as base:
        yield base


# All of 127.0.0.0/8 is this machine (a second local service often listens on 127.0.0.2).
@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2"])
def test_url_upload_fetches_from_loopback(
    user: EngineUser, media_dir: Path, data_dir: Path, host: str
) -> None:
    session_id = user.new_session()
    with file_server(media_dir, host) as base:
        answer = user.post(
            upload_path(session_id), json={"urls": [f"{base}/photo3.jpg"], "source_type": "url"}
        )
    (photo,) = data_of(answer)["files"]
    assert (photo["filename"], photo["file_type"], photo["width"]) == ("photo3.jpg", "image", 480)
    (stored,) = files_under(data_dir / "media")
    assert stored.read_bytes() == (media_dir / "photo3.jpg").read_bytes()


def test_url_upload_of_a_missing_file_names_the_status(
    user: EngineUser, loopback_file_server: str, data_dir: Path
) -> None:
    session_id = user.new_session()
    answer = user.post(
        upload_path(session_id),
        json={"urls": [f"{loopback_file_server}/nope.mp4"], "source_type": "url"},
    )
    code, message = envelope_error(answer)
    assert code == 4001
    assert "nope.mp4" in message and "404" in message
    assert files_under(data_dir / "media") == []


def test_url_upload_off_loopback_is_refused_before_connecting(user: EngineUser) -> None:
    # A listener on every local address: 0.0.0.0 reaches it on Linux, but it is not a loopback
    # address the engine fetches from, so any connection the engine tried would show up here.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("0.0.0.0", 0))
    listener.listen(8)
    listener.settimeout(0.3)
    port = listener.getsockname()[1]
    session_id = user.new_session()
    try:
        for url in (f"http://0.0.0.0:{port}/clip.mp4", "https://example.com/clip.mp4"):
            answer = user.post(upload_path(session_id), json={"urls": [url], "source_type": "url"})
            code, message = envelope_error(answer)
            assert code == 4001
            assert message.startswith(
                "URL uploads need the cloud; this engine only fetches files served on loopback"
            )
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()
