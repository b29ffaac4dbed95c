"""A small client of the engine's gateway (SPEC 11) over real loopback: HTTP with an API key as
the official CLI sends it (plain httpx), and the chat socket with the `websockets` client."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from websockets.asyncio.client import ClientConnection, connect

from tests.engine.helpers import data_of

# What nemovideo-tools 0.1.8 sends on HTTP (GATEWAY.md 1.1).
CLI_HEADERS = {
    "User-Agent": "nemovideo-tools/0.0.0",
    "X-Skill-Source": "nemovideo-tools",
    "X-Skill-Version": "0.0.0",
    "X-Skill-Platform": "terminal",
}
TURN_SECONDS = 60.0


def new_key() -> str:
    return f"nmv_usr_test_{uuid.uuid4().hex}"


@dataclass
class KeyUser:
    """One API key's user of an engine's gateway."""

    http: httpx.Client
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {**CLI_HEADERS, "Authorization": f"Bearer {self.key}"}

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, headers=self.headers, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.post(path, headers=self.headers, **kwargs)

    def new_project(self) -> tuple[str, str]:
        """(project id, session id) of a new project, as `nemovideo create` makes one."""
        project = data_of(self.post("/projects", json={"create_session": True}))
        return project["project_id"], project["session"]["session_id"]

    def upload(self, session_id: str, path: Path, mime: str) -> dict[str, Any]:
        """One file, then the session id, in that order (as the CLI's FormData sends them)."""
        with path.open("rb") as handle:
            answer = self.post(
                "/files/upload",
                files=[("file", (path.name, handle, mime))],
                data={"session_id": session_id},
            )
        return data_of(answer)

    def frontend(self, project_id: str) -> dict[str, Any]:
        return data_of(self.get(f"/api/v1/state/frontend/{project_id}"))

    def balance(self) -> dict[str, Any]:
        return data_of(self.get("/billing/balance"))

    def export(self, project_id: str, session_id: str, height: int = 180) -> dict[str, Any]:
        """Submit the project's draft as the CLI does (its own id) and poll until it ends; a small
        `height` (an engine extension) keeps the render quick."""
        draft = self.frontend(project_id)["project"]["timeline_draft"]
        render_id = f"draft-cli-{int(time.time() * 1000)}"
        body = {
            "id": render_id,
            "draft": draft,
            "sessionId": session_id,
            "output": {"format": "mp4", "codec": "h264", "crf": 23, "height": height},
        }
        data_of(self.post("/services/v1/render-proxy/lambda", json=body))
        deadline = time.monotonic() + TURN_SECONDS * 2
        while time.monotonic() < deadline:
            status = data_of(self.get(f"/services/v1/render-proxy/lambda/{render_id}"))
            assert status["id"] == render_id
            if status["status"] in ("completed", "failed"):
                return status
            time.sleep(0.2)
        raise AssertionError(f"render {render_id} did not finish")


def socket_url(base_url: str, key: str, session_id: str | None) -> str:
    url = base_url.replace("http://", "ws://") + f"/ws/chat?token={quote(key, safe='')}"
    return url + (f"&session_id={quote(session_id, safe='')}" if session_id is not None else "")


@asynccontextmanager
async def chat_socket(
    base_url: str, key: str, session_id: str | None, **kwargs: Any
) -> AsyncIterator[ClientConnection]:
    async with connect(socket_url(base_url, key, session_id), **kwargs) as socket:
        yield socket


async def receive(socket: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await socket.recv())
    return message


async def send(socket: ClientConnection, message: dict[str, Any]) -> None:
    await socket.send(json.dumps(message))


async def say(socket: ClientConnection, text: str) -> None:
    await send(socket, {"type": "message", "content": text, "metadata": {}})


async def until(socket: ClientConnection, *kinds: str) -> list[dict[str, Any]]:
    """Every message up to and including the first of `kinds`."""
    seen: list[dict[str, Any]] = []
    while True:
        message = await receive(socket)
        seen.append(message)
        if message["type"] in kinds:
            return seen


def text_of(messages: list[dict[str, Any]]) -> str:
    """The turn's words as the CLI keeps them: each step's complete `text`."""
    return "\n".join(m["text"] for m in messages if m["type"] == "text")
