"""`SessionMemory`: one process's view of what the app remembers for a backend, and every change
it makes to it, each applied to the shared file under its lock (`persistence.MemoryFile`), so a
TUI and a script on the same backend keep each other's renders and chat.

The process's own session lives here, not only in the file: a TUI moves the backend's "last
session" pointer (it is what the next TUI start resumes), a headless run never does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from nemo_tui.core.persistence import (
    IN_FLIGHT,
    BackendMemory,
    ChatEntry,
    ChatRole,
    MemoryFile,
    PendingRender,
    backend_key,
)


class SessionMemory:
    """What this process remembers, kept in step with the shared file."""

    def __init__(self, state_dir: Path, key: str, *, owns_last_session: bool) -> None:
        self._state_dir = state_dir
        self.owns_last_session = owns_last_session
        self._file = MemoryFile(state_dir, key)
        self.saved: BackendMemory = self._file.load()
        self.session_id: str | None = self.saved.session_id if owns_last_session else None
        self.task_id: str | None = self.saved.task_id if owns_last_session else None

    @property
    def key(self) -> str:
        return self._file.path.stem

    def use_backend(self, identity: str) -> None:
        """Switch to the file of the backend's own identity (learnt at start)."""
        key = backend_key(identity)
        if key == self.key:
            return
        self._file = MemoryFile(self._state_dir, key)
        self.saved = self._file.load()
        if self.owns_last_session:
            self.session_id, self.task_id = self.saved.session_id, self.saved.task_id

    def take_problem(self) -> str | None:
        """The line to show when the file was of the wrong shape and moved aside (once)."""
        problem, self._file.problem = self._file.problem, None
        return problem

    def _change(self, change: Callable[[BackendMemory], None]) -> None:
        self.saved = self._file.update(change)

    def reload(self) -> None:
        """What other processes wrote since (their renders, say)."""
        self.saved = self._file.load()

    # --- the session ------------------------------------------------------------------------

    @property
    def language(self) -> str:
        return self.saved.language

    @property
    def skill(self) -> str | None:
        return self.saved.skill

    @property
    def history(self) -> list[ChatEntry]:
        return self.saved.history(self.session_id)

    def start_session(self, session_id: str, task_id: str, language: str) -> None:
        self.session_id, self.task_id = session_id, task_id

        def change(memory: BackendMemory) -> None:
            memory.language = language
            memory.histories.setdefault(session_id, [])
            if self.owns_last_session:
                memory.session_id, memory.task_id = session_id, task_id

        self._change(change)

    def remember(self, role: ChatRole, text: str) -> None:
        session_id = self.session_id
        if session_id is None:
            return
        self._change(
            lambda memory: memory.histories.setdefault(session_id, []).append(ChatEntry(role, text))
        )

    def set_skill(self, skill_id: str) -> None:
        def change(memory: BackendMemory) -> None:
            memory.skill = skill_id

        self._change(change)

    # --- renders ----------------------------------------------------------------------------

    @property
    def renders(self) -> list[PendingRender]:
        return list(self.saved.renders)

    def find_render(self, render_id: str | None = None) -> PendingRender | None:
        """The render with this id, or (no id) the newest one in flight."""
        if render_id is None:
            return next((r for r in reversed(self.saved.renders) if r.in_flight), None)
        return self.saved.render(render_id)

    def add_render(self, render_id: str, session_id: str) -> None:
        self._change(lambda memory: memory.renders.append(PendingRender(render_id, session_id)))

    def _change_render(self, render_id: str, change: Callable[[PendingRender], None]) -> None:
        def apply(memory: BackendMemory) -> None:
            record = memory.render(render_id)
            if record is not None:
                change(record)

        self._change(apply)

    def set_dest(self, render_id: str, dest: Path) -> None:
        def change(record: PendingRender) -> None:
            record.dest = str(dest.absolute())

        self._change_render(render_id, change)

    def mark_retried(self, render_id: str) -> None:
        def change(record: PendingRender) -> None:
            record.retried = True

        self._change_render(render_id, change)

    def finish_render(
        self, render_id: str, status: str, *, error: str | None = None, dest: Path | None = None
    ) -> None:
        """Record how a render ended; a render another process already recorded as ended
        otherwise keeps its first outcome."""

        def change(record: PendingRender) -> None:
            if record.status not in (IN_FLIGHT, status):
                return
            record.status = status
            record.finished = time.time()
            record.error = error
            if dest is not None:
                record.dest = str(dest.absolute())

        self._change_render(render_id, change)
