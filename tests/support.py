"""What the test suites share: fault rules as the engine reads them, a session controller pointed
at an engine, readers for the updates it emits, the engine's own database, `nemo-tui serve` as a
separate process that a test may kill, and the facts and frames of an MP4 as a player would find
them."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import httpx
from PIL import Image

from nemo_tui.config import Settings
from nemo_tui.core.controller import SessionController
from nemo_tui.core.updates import AgentText, Update
from nemo_tui.engine.media.info import MediaInfo
from nemo_tui.engine.settings import EngineSettings
from nemo_tui.engine.store import Store

TYPICAL = "turn these photos and audio into a 6-second promotional video with transitions"
STARTUP_SECONDS = 30.0


def faults(*rules: dict[str, Any]) -> str:
    """The `faults` setting for these rules."""
    return json.dumps(list(rules))


def controller_for(
    base_url: str, app_dirs: Path, updates: list[Update], output_height: int | None = 180
) -> SessionController:
    """A controller on `base_url` that polls fast and renders small files (180 pixels high)."""
    settings = Settings(
        api_base=base_url,
        download_dir=app_dirs / "exports",
        render_poll_interval=0.05,
        state_poll_interval=0.05,
        rate_limit_wait=0.05,
        state_dir=app_dirs / "state",
    )
    return SessionController(
        settings,
        updates.append,
        backend_label="local",
        output_height=output_height,
    )


def of_type(updates: list[Update], kind: type) -> list[Any]:
    return [update for update in updates if isinstance(update, kind)]


def shown_text(updates: list[Update], turn_id: str) -> str:
    """The agent's text as a chat view shows it after applying every delta of the turn."""
    text = ""
    for update in of_type(updates, AgentText):
        if update.turn_id == turn_id:
            text = update.delta if update.replace else text + update.delta
    return text


@contextmanager
def engine_store(data_dir: Path) -> Iterator[Store]:
    """The engine's own database, read beside a running engine (SQLite WAL allows it)."""
    settings = EngineSettings(data_dir=data_dir)
    store = Store(settings.database_path, settings.media_dir)
    try:
        yield store
    finally:
        store.close()


def recorded_messages(data_dir: Path, session_id: str | None) -> list[str]:
    """Every message the engine received for the session, from its own database."""
    assert session_id is not None
    with engine_store(data_dir) as store:
        return store.messages(session_id)


def recorded_media(data_dir: Path, session_id: str | None) -> list[MediaInfo]:
    """The media the engine stored for the session, from its own database."""
    assert session_id is not None
    with engine_store(data_dir) as store:
        return [media.info for media in store.session_media(session_id)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The test's own client id file and `--local` engine folder, and the short idle time of engines
# started in the background (conftest): no process touches the user's, or another test's.
KEPT_VARIABLES = ("NEMO_CLIENT_ID_FILE", "NEMO_ENGINE_DATA_DIR", "NEMO_LOCAL_ENGINE_IDLE_SECONDS")


def stop_engines_under(folder: Path) -> list[int]:
    """Stop every `nemo_tui serve` whose data folder is under `folder`; their pids."""
    marker = os.fsencode(str(folder))
    stopped = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"nemo_tui" in argv and b"serve" in argv and any(a.startswith(marker) for a in argv):
            try:
                os.kill(int(entry.name), signal.SIGKILL)
            except OSError:
                continue
            stopped.append(int(entry.name))
    return stopped


def engine_env(**extra: str) -> dict[str, str]:
    """The environment of an engine process: fast, reproducible, every edit answered in text.
    The test's own client id file (conftest) is kept, so no process touches the user's."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("NEMO_") or key in KEPT_VARIABLES
    }
    env.update(
        NEMO_ENGINE_SEED="7",
        NEMO_ENGINE_SILENT_SHARE="0",
        NEMO_ENGINE_CHUNK_DELAY="0",
        NEMO_ENGINE_KEEPALIVE_SECONDS="0.05",
        NEMO_ENGINE_RENDER_PRESET="ultrafast",
    )
    env.update(extra)
    return env


@dataclass
class EngineProcess:
    process: subprocess.Popen[str]
    url: str

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


@contextmanager
def serve(data_dir: Path, port: int, **env: str) -> Iterator[EngineProcess]:
    """`python -m nemo_tui serve --data D --port P` until the block ends or the test kills it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "nemo_tui", "serve", "--data", str(data_dir), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=engine_env(**env),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert banner.startswith(f"nemo-tui engine listening on {url} (data: {data_dir})"), banner
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if httpx.get(f"{url}/health", trust_env=False).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, "the engine process exited at start-up"
            assert time.monotonic() < deadline, "the engine did not come up"
            time.sleep(0.05)
        yield EngineProcess(process, url)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()


@dataclass(frozen=True)
class Mp4Facts:
    video_codec: str
    width: int
    height: int
    duration: float
    audio_codec: str | None


def mp4_facts(path: Path) -> Mp4Facts:
    """What a person's player would find in the MP4; every frame is decoded, so a file with no
    picture in it has no duration."""
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        audio = next(iter(container.streams.audio), None)
        frames = sum(1 for _ in container.decode(video))
        return Mp4Facts(
            video_codec=video.codec_context.name,
            width=video.codec_context.width,
            height=video.codec_context.height,
            duration=(container.duration or 0) / av.time_base if frames else 0.0,
            audio_codec=audio.codec_context.name if audio is not None else None,
        )


def frame_at(path: Path, seconds: float) -> Image.Image:
    """The first frame of the video at or after `seconds`, as a picture to test pixels of."""
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            if frame.time is not None and frame.time >= seconds - 1e-6:
                return frame.to_image()
    raise AssertionError(f"{path.name} has no frame at {seconds} s")


def backend_memory(state_dir: Path) -> dict[str, Any]:
    """What the app remembers of the one backend a test used (`core.persistence`: one JSON file
    per backend identity, named after it)."""
    (path,) = [p for p in state_dir.glob("*.json") if not p.name.startswith("sessions-")]
    memory: dict[str, Any] = json.loads(path.read_text())
    return memory
