"""The engine's network edge, tried over loopback: a foreign `Host` (DNS rebinding) is refused and
never lands in an output URL; beyond loopback the engine needs an access key and gives tokens only
for it; clients that open connections and dribble their headers neither hold them for ever nor
lock others out of `/health`.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from nemo_tui.api.client import NemoClient
from nemo_tui.api.errors import AuthError
from nemo_tui.engine.http.server import RunningEngine
from tests.engine.helpers import EngineUser, data_of, envelope_error
from tests.support import engine_env, free_port

EVIL = "rebind.attacker.example"


@pytest.fixture
def http(start_engine) -> Iterator[httpx.Client]:
    engine: RunningEngine = start_engine()
    with httpx.Client(base_url=engine.base_url, timeout=30.0, trust_env=False) as client:
        yield client


def test_a_foreign_host_header_is_refused_and_never_echoed_into_urls(
    http: httpx.Client, media_dir: Path
) -> None:
    user = EngineUser.create(http)
    session_id = user.new_session()
    photo = (media_dir / "photo1.jpg").read_bytes()
    upload = f"/api/upload-video/nemo_agent/me/{session_id}"
    for route, send in [
        ("/api/auth/anonymous-token", lambda h: http.post(
            "/api/auth/anonymous-token", headers={**h, "X-Client-Id": str(uuid.uuid4())})),
        ("upload", lambda h: user.post(upload, files=[("files", ("a.jpg", photo))], headers=h)),
        ("/health", lambda h: http.get("/health", headers=h)),
    ]:  # fmt: skip
        answer = send({"Host": f"{EVIL}:80"})
        assert answer.status_code == 421, (route, answer.text)
        _, message = envelope_error(answer)
        assert "Host header" in message
    # Its own names are served, and URLs name what was asked for.
    [stored] = user.upload(session_id, [media_dir / "photo1.jpg"])
    assert stored["cdn_url"].startswith(str(http.base_url).rstrip("/"))
    assert data_of(http.get("/health", headers={"Host": "localhost"}))["status"] == "ok"


def test_a_host_named_in_the_settings_is_served(start_engine) -> None:
    engine: RunningEngine = start_engine(allowed_hosts=["studio.lan"])
    answer = httpx.get(f"{engine.base_url}/health", headers={"Host": "studio.lan:8000"})
    assert data_of(answer)["status"] == "ok"


def serve_args(data: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "nemo_tui", "serve", "--data", str(data), *args]


def test_a_public_bind_without_an_access_key_refuses_to_start(tmp_path: Path) -> None:
    result = subprocess.run(
        serve_args(tmp_path / "data", "--host", "0.0.0.0", "--port", str(free_port())),
        capture_output=True, text=True, timeout=60, env=engine_env(),
    )  # fmt: skip
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert "no access key" in line and "--access-key" in line


def test_with_an_access_key_the_token_route_requires_it(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        serve_args(tmp_path / "data", "--host", "0.0.0.0", "--port", str(port),
                   "--access-key", "s3cret-key"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=engine_env(),
    )  # fmt: skip
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("nemo-tui engine listening on")
        url = f"http://127.0.0.1:{port}/api/auth/anonymous-token"
        without = httpx.post(url, headers={"X-Client-Id": str(uuid.uuid4())})
        wrong = httpx.post(url, headers={"X-Client-Id": str(uuid.uuid4()), "X-Access-Key": "no"})
        for answer in (without, wrong):
            assert answer.status_code == 401
            assert "access key" in envelope_error(answer)[1]
        right = httpx.post(
            url, headers={"X-Client-Id": str(uuid.uuid4()), "X-Access-Key": "s3cret-key"}
        )
        assert data_of(right)["token"].startswith("nmv_")
    finally:
        process.terminate()
        process.communicate(timeout=20)


def slow_header_socket(port: int) -> socket.socket:
    """A connection that has sent only the start of its request headers."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return sock


def is_closed_by_server(sock: socket.socket, wait: float) -> bool:
    sock.settimeout(wait)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


def test_slow_header_clients_never_lock_out_health(start_engine) -> None:
    engine: RunningEngine = start_engine(max_connections=16, header_timeout_seconds=60)
    port = int(engine.base_url.rsplit(":", 1)[1])
    slow = [slow_header_socket(port) for _ in range(80)]
    try:
        for _ in range(5):
            answer = httpx.get(f"{engine.base_url}/health", timeout=10)
            assert data_of(answer)["status"] == "ok"
        # The oldest waiting connections were closed to make room: at most the cap stays open.
        still_open = [sock for sock in slow if not is_closed_by_server(sock, 0.05)]
        assert len(still_open) <= 16
        assert is_closed_by_server(slow[0], 5)
    finally:
        for sock in slow:
            sock.close()


def test_a_connection_that_never_finishes_its_headers_is_closed(start_engine) -> None:
    engine: RunningEngine = start_engine(header_timeout_seconds=0.5)
    port = int(engine.base_url.rsplit(":", 1)[1])
    sock = slow_header_socket(port)
    try:
        # It keeps dribbling: a byte now and then must not buy more time.
        deadline = time.monotonic() + 30
        closed = False
        while not closed and time.monotonic() < deadline:
            try:
                sock.sendall(b"x")
            except OSError:
                closed = True
                break
            closed = is_closed_by_server(sock, 0.2)
        assert closed
    finally:
        sock.close()
    assert data_of(httpx.get(f"{engine.base_url}/health"))["status"] == "ok"


async def test_the_client_sends_its_access_key_for_a_token(start_engine) -> None:
    engine: RunningEngine = start_engine(access_key="s3cret-key")
    async with NemoClient(engine.base_url, access_key="s3cret-key") as client:
        assert (await client.credits()).available > 0
    async with NemoClient(engine.base_url) as client:
        with pytest.raises(AuthError, match="access key"):
            await client.credits()
