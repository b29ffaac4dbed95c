"""A small test client for the engine over real loopback HTTP (plain httpx, no project client),
and readers for what it answers: envelopes, SSE streams, rendered MP4s."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

DEFAULT_SKILL = "create-a-video-using-ai"
RENDER_TIMEOUT_SECONDS = 120.0


def envelope_error(response: httpx.Response) -> tuple[int, str]:
    """(code, message) of an error envelope, after checking its shape."""
    body = response.json()
    assert set(body) == {"code", "message", "data"}, body
    assert body["data"] is None
    assert body["code"] != 0
    assert isinstance(body["message"], str) and "\n" not in body["message"]
    return body["code"], body["message"]


def data_of(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["code"] == 0 and body["message"] == "ok", body
    return body["data"]


def new_token(http: httpx.Client) -> dict[str, Any]:
    response = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": str(uuid.uuid4())})
    return data_of(response)


@dataclass
class SseTurn:
    """What one /run_sse stream carried, in order: events (parsed data lines) and comments."""

    raw_lines: list[str] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def final_texts(self) -> list[str]:
        return [
            part["text"]
            for event in self.events
            if "content" in event and not event.get("partial")
            for part in event["content"]["parts"]
            if "text" in part
        ]

    def model_calls(self) -> list[tuple[str, str | None]]:
        """(text of its partials, text of its final or None) per model call, in order: ADK 2.x
        gives the partials and the final of one call one event id."""
        calls: dict[str, list[str | None]] = {}
        for event in self.events:
            content = event.get("content", {})
            if content.get("role") != "model":
                continue
            text = "".join(part.get("text", "") for part in content.get("parts", []))
            call = calls.setdefault(event["id"], ["", None])
            if event.get("partial"):
                call[0] = (call[0] or "") + text
            else:
                call[1] = text
        return [(streamed or "", final) for streamed, final in calls.values()]

    @property
    def text(self) -> str:
        """The turn's text as SPEC 4.1 assembles it: every model call's final text, in order."""
        return "\n\n".join(final for _, final in self.model_calls() if final)

    def parts_with(self, key: str) -> list[dict[str, Any]]:
        return [
            part[key]
            for event in self.events
            for part in event.get("content", {}).get("parts", [])
            if key in part
        ]

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [event for event in self.events if "error" in event]


@dataclass
class EngineUser:
    """One anonymous user of an engine, with its token and the skill it attributes calls to."""

    http: httpx.Client
    token: str
    user_id: str
    skill: str = DEFAULT_SKILL

    @classmethod
    def create(cls, http: httpx.Client, skill: str = DEFAULT_SKILL) -> EngineUser:
        answer = new_token(http)
        return cls(http=http, token=answer["token"], user_id=answer["user_id"], skill=skill)

    @property
    def headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token}",
            "X-Skill-Source": self.skill,
            "X-Skill-Version": "1.0.0",
            "X-Skill-Platform": "unknown",
        }

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.http.get(path, headers=headers, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.http.post(path, headers=headers, **kwargs)

    def new_session(self, language: str = "en") -> str:
        answer = self.post(
            "/api/tasks/me/with-session/nemo_agent",
            json={"task_name": "project", "language": language},
        )
        return data_of(answer)["session_id"]

    def upload(self, session_id: str, paths: Iterable[Path]) -> list[dict[str, Any]]:
        handles = [path.open("rb") for path in paths]
        try:
            files = [("files", (handle.name.rsplit("/", 1)[-1], handle)) for handle in handles]
            answer = self.post(f"/api/upload-video/nemo_agent/me/{session_id}", files=files)
        finally:
            for handle in handles:
                handle.close()
        return data_of(answer)["files"]

    def state(self, session_id: str) -> dict[str, Any]:
        return data_of(self.get(f"/api/state/nemo_agent/me/{session_id}/latest"))

    def credits(self) -> dict[str, Any]:
        return data_of(self.get("/api/credits/balance/simple"))

    def chat(self, session_id: str, text: str) -> SseTurn:
        body = {
            "app_name": "nemo_agent",
            "user_id": "me",
            "session_id": session_id,
            "new_message": {"role": "user", "parts": [{"text": text}]},
            "streaming": True,
        }
        turn = SseTurn()
        with self.http.stream(
            "POST",
            "/run_sse",
            json=body,
            headers={**self.headers, "Accept": "text/event-stream"},
            timeout=httpx.Timeout(300.0, connect=5.0),
        ) as response:
            assert response.status_code == 200, response.read()
            assert response.headers["content-type"].startswith("text/event-stream")
            for line in response.iter_lines():
                turn.raw_lines.append(line)
                if line.startswith("data: "):
                    turn.events.append(json.loads(line[len("data: ") :]))
                elif line.startswith(":"):
                    turn.comments.append(line)
        return turn

    def export(self, session_id: str, draft: dict[str, Any], height: int | None = 180) -> str:
        body: dict[str, Any] = {
            "id": f"render_{int(time.time() * 1000)}",
            "sessionId": session_id,
            "draft": draft,
            "output": {"format": "mp4", "quality": "high"},
        }
        if height is not None:
            body["output"]["height"] = height
        status = data_of(self.post("/api/render/proxy/lambda", json=body))
        assert status["status"] == "pending" and status["progress"] == 0
        return status["id"]

    def render_status(self, render_id: str) -> dict[str, Any]:
        return data_of(self.get(f"/api/render/proxy/lambda/{render_id}"))

    def wait_render(self, render_id: str) -> dict[str, Any]:
        deadline = time.monotonic() + RENDER_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            status = self.render_status(render_id)
            if status["status"] in ("completed", "failed", "cancelled"):
                return status
            time.sleep(0.1)
        raise AssertionError(f"render {render_id} did not finish: {status}")

    def download(self, url: str, destination: Path) -> Path:
        answer = self.http.get(url, headers=self.headers)
        assert answer.status_code == 200, answer.text
        destination.write_bytes(answer.content)
        return destination


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())
