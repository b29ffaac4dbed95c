"""What an engine killed with SIGKILL leaves behind, and what the next one clears at start: the
ffmpeg of a render dies with the engine (Linux: the kernel's parent-death signal), an ffmpeg an
earlier run left writing into the renders folder is stopped, and a half-received upload is removed.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psutil
import pytest

from nemo_tui.engine.render.ffmpeg import ffmpeg_exe
from tests.engine.helpers import EngineUser, data_of
from tests.support import free_port, serve

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux process signals"),
]


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def ffmpegs_writing_into(folder: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = process.info["cmdline"] or []
        if "ffmpeg" in (process.info["name"] or "") and any(str(folder) in a for a in cmdline):
            found.append(process)
    return found


def gone(process: psutil.Process) -> bool:
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_ffmpeg_dies_with_a_killed_engine(data_dir: Path, media_dir: Path) -> None:
    with (
        serve(data_dir, free_port()) as engine,
        httpx.Client(base_url=engine.url, timeout=60, trust_env=False) as http,
    ):
        user = EngineUser.create(http)
        session_id = user.new_session()
        [photo] = user.upload(session_id, [media_dir / "photo1.jpg"])
        draft = user.state(session_id)["state"]["draft"]
        # Twenty minutes of video: the render is still running when the engine is killed.
        segment = {"id": "s1", "d": 1_200_000, "m": {"src": photo["id"]}}
        draft["t"] = [{"id": "v1", "tt": 0, "sg": [segment]}]
        user.export(session_id, draft, height=180)
        renders = data_dir / "renders"
        wait_for(lambda: ffmpegs_writing_into(renders), "the render's ffmpeg to start")
        [ffmpeg] = ffmpegs_writing_into(renders)
        engine.kill()
        wait_for(lambda: gone(ffmpeg), "ffmpeg to die with the engine", 20)


def test_an_orphan_ffmpeg_of_an_earlier_run_is_stopped_at_start(data_dir: Path) -> None:
    renders = data_dir / "renders"
    renders.mkdir(parents=True)
    # Started as an engine would, then left behind (as by a kernel without parent-death signals).
    orphan = subprocess.Popen(
        [ffmpeg_exe(), "-nostdin", "-loglevel", "quiet", "-re", "-f", "lavfi", "-i",
         "testsrc=size=64x64:rate=5", "-t", "600", "-f", "mp4", str(renders / "x.tmp.mp4")],
    )  # fmt: skip
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        wait_for(lambda: (renders / "x.tmp.mp4").exists(), "the orphan to write")
        with serve(data_dir, free_port()) as engine:
            assert orphan.wait(timeout=20) != 0
            assert bystander.poll() is None
            assert data_of(httpx.get(f"{engine.url}/health"))["status"] == "ok"
        assert not (renders / "x.tmp.mp4").exists()
    finally:
        for process in (orphan, bystander):
            process.kill()
            process.wait()


def test_a_partial_upload_is_removed_when_the_engine_starts_again(
    data_dir: Path, media_dir: Path
) -> None:
    port = free_port()
    photo = (media_dir / "photo1.jpg").read_bytes()
    with serve(data_dir, port) as engine:
        with httpx.Client(base_url=engine.url, timeout=60, trust_env=False) as http:
            user = EngineUser.create(http)
            session_id = user.new_session()
        boundary = "xyzzy"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        request = (
            f"POST /api/upload-video/nemo_agent/me/{session_id} HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {user.token}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(head) + 10 * len(photo)}\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(request + head + photo)  # a tenth of what was announced
            media = data_dir / "media"
            wait_for(lambda: any(media.iterdir()), "the upload to reach the disk")
            engine.kill()
    assert any((data_dir / "media").iterdir())
    with serve(data_dir, port) as engine:
        assert list((data_dir / "media").iterdir()) == []
