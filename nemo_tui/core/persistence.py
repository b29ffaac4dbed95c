"""What the app remembers between runs, per backend: the last session, its chat, and its renders
(in flight and finished: `nemo-tui renders` lists them).

One small JSON file per backend identity (an engine's instance id, else the API's origin) under the
user data dir, rewritten atomically after each change, so quitting mid-render and starting again
resumes the job instead of orphaning it (SPEC 7), and a crash mid-write leaves the previous file.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from nemo_tui.api.safe_text import terminal_safe
from nemo_tui.atomic import write_atomically

ChatRole = Literal["user", "agent", "notice"]

# A long session keeps its most recent chat only; the backend holds the rest.
MAX_HISTORY = 500
# Finished renders listed by `nemo-tui renders`: the most recent ones.
MAX_FINISHED_RENDERS = 50
IN_FLIGHT = "in flight"


@dataclass
class ChatEntry:
    role: ChatRole
    text: str


@dataclass
class PendingRender:
    """A render this app submitted. While `status` is "in flight" it is not yet downloaded, and a
    restart follows it again; `dest` is where its file goes once following began, so a restart
    finds the `.part` there and resumes it, whatever session is open then. Finished ones keep
    their outcome (completed, failed, cancelled), times (epoch seconds) and file for listing;
    `retried` marks a failed one already submitted again (once is the limit)."""

    render_id: str
    session_id: str
    dest: str | None = None
    status: str = IN_FLIGHT
    submitted: float = field(default_factory=time.time)
    finished: float | None = None
    error: str | None = None
    retried: bool = False

    @property
    def in_flight(self) -> bool:
        return self.status == IN_FLIGHT

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> PendingRender:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in raw.items() if key in known})


@dataclass
class BackendMemory:
    """Everything kept for one backend."""

    session_id: str | None = None
    task_id: str | None = None
    language: str = "en"
    history: list[ChatEntry] = field(default_factory=list)
    renders: list[PendingRender] = field(default_factory=list)
    # The skill last chosen in the app on this backend (None: never chosen).
    skill: str | None = None


def backend_key(identity: str) -> str:
    """A file-name-safe key for a backend identity (an engine keeps its instance id whatever its
    port, so every run of one engine shares one key)."""
    slug = re.sub(r"[^a-z0-9]+", "-", identity.lower()).strip("-")[:40]
    digest = hashlib.sha256(identity.encode()).hexdigest()[:8]
    return f"{slug}-{digest}"


class MemoryFile:
    """Loads and saves one backend's `BackendMemory`."""

    def __init__(self, state_dir: Path, key: str) -> None:
        self.path = state_dir / f"{key}.json"

    def load(self) -> BackendMemory:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # A missing or unreadable file means a fresh start, never a crash.
            return BackendMemory()
        return BackendMemory(
            session_id=raw.get("session_id"),
            task_id=raw.get("task_id"),
            language=raw.get("language", "en"),
            # An older file may hold text saved before it was cleaned for the terminal.
            history=[
                ChatEntry(entry["role"], terminal_safe(entry["text"]))
                for entry in raw.get("history", [])
            ],
            renders=[PendingRender.from_json(render) for render in raw.get("renders", [])],
            skill=raw.get("skill"),
        )

    def save(self, memory: BackendMemory) -> None:
        memory.history = memory.history[-MAX_HISTORY:]
        finished = [render for render in memory.renders if not render.in_flight]
        for old in finished[:-MAX_FINISHED_RENDERS]:
            memory.renders.remove(old)
        payload = json.dumps(asdict(memory), ensure_ascii=False, indent=1)
        write_atomically(self.path, payload.encode("utf-8"))
