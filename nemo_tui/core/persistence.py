"""What the app remembers between runs, per backend: the last session, its chat, renders in flight.

One small JSON file per backend under the user data dir, rewritten atomically after each change,
so quitting mid-render and starting again resumes the job instead of orphaning it (SPEC 7), and a
crash mid-write leaves the previous file.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from nemo_tui.api.safe_text import terminal_safe
from nemo_tui.atomic import write_atomically

ChatRole = Literal["user", "agent", "notice"]

# A long session keeps its most recent chat only; the backend holds the rest.
MAX_HISTORY = 500


@dataclass
class ChatEntry:
    role: ChatRole
    text: str


@dataclass
class PendingRender:
    """A render submitted but not yet downloaded. `dest` is where its file goes once following
    began, so a restart finds the `.part` there and resumes it, whatever session is open then."""

    render_id: str
    session_id: str
    dest: str | None = None


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


def backend_key(api_base: str, *, local: bool) -> str:
    """A file-name-safe key: every run of the local engine shares one, whatever its port."""
    if local:
        return "local"
    slug = re.sub(r"[^a-z0-9]+", "-", api_base.lower()).strip("-")[:40]
    digest = hashlib.sha256(api_base.encode()).hexdigest()[:8]
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
            renders=[PendingRender(**render) for render in raw.get("renders", [])],
            skill=raw.get("skill"),
        )

    def save(self, memory: BackendMemory) -> None:
        memory.history = memory.history[-MAX_HISTORY:]
        payload = json.dumps(asdict(memory), ensure_ascii=False, indent=1)
        write_atomically(self.path, payload.encode("utf-8"))
