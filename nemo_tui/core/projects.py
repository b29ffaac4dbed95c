"""The project list (SPEC 11): every earlier project a person can open again, for the TUI's
"Open project…" and `nemo-tui projects`.

On the gateway it is the gateway's own list (`GET /projects`). The skills' API keeps no list, so
there it is this app's remembered sessions: each session made or opened on a backend is noted in
`sessions-<backend>.json` in the state folder (lock, re-read, merge, write, as for the other state
files: a TUI and a script may note one at the same time).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nemo_tui.api.client import NemoClient
from nemo_tui.api.gateway import GatewayClient
from nemo_tui.api.safe_text import terminal_safe
from nemo_tui.atomic import write_atomically
from nemo_tui.file_lock import locked

# The list is for picking by eye: the newest few hundred are plenty.
MAX_REMEMBERED = 200
MAX_NAME = 80


@dataclass(frozen=True)
class ProjectEntry:
    """One line of the project list. `project_id` is the gateway's project (the skills' API's
    task); `session_id` is known for remembered sessions (a gateway project's is looked up when
    it is opened). `updated` is ISO 8601 as the backend sent it, or made from our own clock."""

    project_id: str | None
    session_id: str | None
    name: str
    updated: str | None = None
    current: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RememberedSession:
    session_id: str
    task_id: str | None
    name: str
    created: float
    used: float


class RememberedSessions:
    """The sessions this app made or opened on one backend, newest use first."""

    def __init__(self, state_dir: Path, backend_key: str) -> None:
        self.path = state_dir / f"sessions-{backend_key}.json"

    def load(self) -> list[RememberedSession]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        sessions: list[RememberedSession] = []
        for item in raw if isinstance(raw, list) else []:
            try:
                sessions.append(RememberedSession(**item))
            except TypeError:
                continue
        return sorted(sessions, key=lambda session: session.used, reverse=True)

    def note(self, session_id: str, task_id: str | None, name: str | None = None) -> None:
        """Note a session made, opened or named now (a name given once is kept)."""
        now = time.time()
        with locked(self.path.with_name(f".{self.path.name}.lock")):
            sessions = {session.session_id: session for session in self.load()}
            known = sessions.get(session_id)
            clean = _clean_name(name) if name else None
            if known is None:
                known = sessions[session_id] = RememberedSession(
                    session_id, task_id, clean or "", now, now
                )
            known.used = now
            known.task_id = task_id or known.task_id
            known.name = known.name or clean or ""
            newest = sorted(sessions.values(), key=lambda session: session.used, reverse=True)
            payload = json.dumps([asdict(s) for s in newest[:MAX_REMEMBERED]], ensure_ascii=False)
            write_atomically(self.path, payload.encode("utf-8"))


async def list_projects(
    client: NemoClient, remembered: RememberedSessions, current_session: str | None
) -> list[ProjectEntry]:
    """The projects to choose from, newest first, the current one marked."""
    current_task = client.task_of(current_session) if current_session else None
    if isinstance(client, GatewayClient):
        projects = await client.projects()
        projects.sort(key=lambda project: project.updated_at or project.created_at or "")
        # A project made here is named by its first message (the gateway's name is often just
        # "project"); others keep the gateway's name.
        ours = {s.task_id: s.name for s in remembered.load() if s.task_id and s.name}
        return [
            ProjectEntry(
                project.project_id,
                current_session if project.project_id == current_task else None,
                ours.get(project.project_id)
                or _clean_name(project.name or "")
                or _untitled(project.project_id),
                project.updated_at or project.created_at,
                current=project.project_id == current_task,
            )
            for project in reversed(projects)
        ]
    return [
        ProjectEntry(
            session.task_id,
            session.session_id,
            session.name or _untitled(session.session_id),
            _iso(session.used),
            current=session.session_id == current_session,
        )
        for session in remembered.load()
    ]


def _untitled(some_id: str) -> str:
    return f"untitled {some_id[:14]}"


def _clean_name(name: str) -> str:
    return " ".join(terminal_safe(name).split())[:MAX_NAME]


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")
