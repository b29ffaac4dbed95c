"""What the app remembers between runs, per backend: the last session, its chat, and its renders
(in flight and finished: `nemo-tui renders` lists them).

One small JSON file per backend identity (an engine's instance id, else the API's origin) under the
user data dir, changed under a lock and rewritten atomically, so quitting mid-render and starting
again resumes the job instead of orphaning it (SPEC 7), a crash mid-write leaves the previous file,
and two processes of the app (a TUI and a script) never overwrite each other's records.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from nemo_tui.api.safe_text import terminal_safe
from nemo_tui.atomic import write_atomically
from nemo_tui.file_lock import locked

ChatRole = Literal["user", "agent", "notice"]

# A long session keeps its most recent chat only; the backend holds the rest.
MAX_HISTORY = 500
# Chat is kept for the most recent sessions only.
MAX_SESSIONS_KEPT = 50
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
    """Everything kept for one backend: the TUI's last session (its pointer; a headless run has
    sessions of its own and never moves it), chat history per session, and the renders."""

    session_id: str | None = None
    task_id: str | None = None
    language: str = "en"
    histories: dict[str, list[ChatEntry]] = field(default_factory=dict)
    renders: list[PendingRender] = field(default_factory=list)
    # The skill last chosen in the app on this backend (None: never chosen).
    skill: str | None = None

    def history(self, session_id: str | None) -> list[ChatEntry]:
        return self.histories.get(session_id, []) if session_id else []

    def render(self, render_id: str) -> PendingRender | None:
        return next((r for r in self.renders if r.render_id == render_id), None)


def backend_key(identity: str) -> str:
    """A file-name-safe key for a backend identity (an engine keeps its instance id whatever its
    port, so every run of one engine shares one key)."""
    slug = re.sub(r"[^a-z0-9]+", "-", identity.lower()).strip("-")[:40]
    digest = hashlib.sha256(identity.encode()).hexdigest()[:8]
    return f"{slug}-{digest}"


class MemoryShapeError(ValueError):
    """The file is JSON but not a memory file's shape."""


def _parse(raw: object) -> BackendMemory:
    if not isinstance(raw, dict):
        raise MemoryShapeError("not an object")
    try:
        histories = {
            str(session): [
                # An older file may hold text saved before it was cleaned for the terminal.
                ChatEntry(entry["role"], terminal_safe(entry["text"]))
                for entry in entries
            ]
            for session, entries in dict(raw.get("histories") or {}).items()
        }
        # Files written before histories were kept per session hold the pointer's only.
        if raw.get("history") and raw.get("session_id"):
            histories.setdefault(
                raw["session_id"],
                [ChatEntry(e["role"], terminal_safe(e["text"])) for e in raw["history"]],
            )
        return BackendMemory(
            session_id=raw.get("session_id"),
            task_id=raw.get("task_id"),
            language=str(raw.get("language", "en")),
            histories=histories,
            renders=[PendingRender.from_json(render) for render in raw.get("renders", [])],
            skill=raw.get("skill"),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise MemoryShapeError(str(error)) from error


class MemoryFile:
    """One backend's `BackendMemory`, shared by every process of this app on the machine (a TUI
    and scripts in another window): a change is made under the file's lock to what is on disk
    at that moment, then written atomically, so no process undoes another's."""

    def __init__(self, state_dir: Path, key: str) -> None:
        self.path = state_dir / f"{key}.json"
        # Set when a file of the wrong shape was moved aside: the one line to tell the person.
        self.problem: str | None = None

    def load(self) -> BackendMemory:
        """What is on disk now. A missing or unreadable file is a fresh start; one of the wrong
        shape is moved aside (see `problem`) so nothing in it is lost and the app starts clean."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return BackendMemory()
        try:
            return _parse(json.loads(text))
        except ValueError:
            kept = self.path.with_name(f"{self.path.stem}.bad-{int(time.time())}.json")
            with contextlib.suppress(OSError):
                os.replace(self.path, kept)
                self.problem = (
                    f"The app's memory file was not readable; moved it aside to {kept} and "
                    "started afresh."
                )
            return BackendMemory()

    def update(self, change: Callable[[BackendMemory], None]) -> BackendMemory:
        """Apply `change` to the memory on disk, under the lock, and save it; returns it."""
        with locked(self.path.with_name(f".{self.path.name}.lock")):
            memory = self.load()
            change(memory)
            self._write(memory)
        return memory

    def _write(self, memory: BackendMemory) -> None:
        for session in list(memory.histories)[:-MAX_SESSIONS_KEPT]:
            del memory.histories[session]
        for session, entries in memory.histories.items():
            memory.histories[session] = entries[-MAX_HISTORY:]
        finished = [render for render in memory.renders if not render.in_flight]
        for old in finished[:-MAX_FINISHED_RENDERS]:
            memory.renders.remove(old)
        payload = json.dumps(asdict(memory), ensure_ascii=False, indent=1)
        write_atomically(self.path, payload.encode("utf-8"))
