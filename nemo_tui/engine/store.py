"""The engine's one SQLite database: tokens and API keys, users' credits and their ledger,
sessions, media, drafts with their history, received messages and render jobs.

The app is async and every call here is a few short statements, so one connection guarded by a lock
is enough; WAL keeps readers cheap and makes a committed write survive a killed process. Tokens and
API keys are stored as SHA-256 digests, so the database never holds a usable one.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nemo_tui.api.draft import Draft
from nemo_tui.api.models import Credits, RenderState, new_render_id
from nemo_tui.engine.media.info import MediaInfo

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    credits_total INTEGER NOT NULL,
    credits_available INTEGER NOT NULL,
    credits_frozen INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS tokens (
    token_sha256 TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(user_id),
    client_id TEXT NOT NULL,
    created REAL NOT NULL,
    expires REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_by_client ON tokens(client_id, created);
CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users(user_id),
    task_name TEXT NOT NULL,
    language TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS media (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(session_id),
    filename TEXT NOT NULL,
    stored_name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    duration REAL NOT NULL,
    width INTEGER,
    height INTEGER,
    fps REAL,
    has_audio INTEGER NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    generated INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS media_by_session ON media(session_id, created);
CREATE TABLE IF NOT EXISTS drafts (
    session_id TEXT NOT NULL REFERENCES sessions(session_id),
    version INTEGER NOT NULL,
    draft TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (session_id, version)
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions(session_id),
    text TEXT NOT NULL,
    received REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS renders (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(session_id),
    user_id TEXT NOT NULL REFERENCES users(user_id),
    status TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    draft TEXT NOT NULL,
    options TEXT NOT NULL,
    output_path TEXT,
    duration REAL,
    size INTEGER,
    error TEXT,
    created REAL NOT NULL,
    started REAL,
    finished REAL,
    interruptions INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS renders_by_status ON renders(status, created);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
    key_sha256 TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(user_id),
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL REFERENCES users(user_id),
    kind TEXT NOT NULL,
    amount_delta INTEGER NOT NULL,
    created REAL NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_by_user ON ledger(user_id, created);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions(user_id, created);
CREATE INDEX IF NOT EXISTS messages_by_session ON messages(session_id);
"""
# A render in one of these states may still be cancelled or failed.
UNFINISHED_RENDER_STATES = ("pending", "processing")
# Columns added after a table was first made: (table, column, definition), added where missing.
ADDED_COLUMNS = (("renders", "interruptions", "INTEGER NOT NULL DEFAULT 0"),)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SessionRow:
    session_id: str
    task_id: str
    user_id: str
    task_name: str
    language: str


@dataclass(frozen=True)
class StoredMedia:
    """A media row: what the renderer needs (`info`) plus what only the store keeps."""

    info: MediaInfo
    session_id: str
    sha256: str
    generated: bool


@dataclass(frozen=True)
class RenderJob:
    id: str
    session_id: str
    user_id: str
    status: RenderState
    progress: float
    draft: Draft
    options: dict[str, Any]
    output_path: Path | None
    duration: float | None
    size: int | None
    error: str | None
    created: float


@dataclass(frozen=True)
class ProjectRow:
    """A session as the gateway's project: the session, when it was made and last changed (its
    newest draft, message or upload)."""

    session: SessionRow
    created: float
    updated: float


# A session with its times, for `ProjectRow` (a WHERE clause follows).
_PROJECTS = (
    "SELECT s.*, MAX(s.created,"
    " COALESCE((SELECT MAX(created) FROM drafts WHERE session_id = s.session_id), 0),"
    " COALESCE((SELECT MAX(received) FROM messages WHERE session_id = s.session_id), 0),"
    " COALESCE((SELECT MAX(created) FROM media WHERE session_id = s.session_id), 0))"
    " AS updated FROM sessions s"
)


def _project_row(row: sqlite3.Row) -> ProjectRow:
    session = SessionRow(
        session_id=row["session_id"],
        task_id=row["task_id"],
        user_id=row["user_id"],
        task_name=row["task_name"],
        language=row["language"],
    )
    return ProjectRow(session=session, created=row["created"], updated=row["updated"])


@dataclass(frozen=True)
class UsageRow:
    """One row of the credit ledger."""

    id: int
    kind: str
    amount_delta: int
    created: float
    detail: dict[str, Any]


class Store:
    """All persistent engine state. Open one per engine; close it on shutdown."""

    def __init__(self, path: Path, media_dir: Path) -> None:
        self._media_dir = media_dir
        self._lock = threading.Lock()
        # Autocommit mode: each statement commits on its own; `_transaction` groups several.
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        # NORMAL under WAL survives a killed process (it only risks the last commit on power loss).
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        for table, column, definition in ADDED_COLUMNS:
            present = {row["name"] for row in self._db.execute(f"PRAGMA table_info({table})")}
            if column not in present:
                self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _one(self, sql: str, *args: Any) -> sqlite3.Row | None:
        with self._lock:
            row: sqlite3.Row | None = self._db.execute(sql, args).fetchone()
            return row

    def _all(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def instance_id(self) -> str:
        """This database's own id, made once. Clients key their tokens by it (via `/health`):
        a token is good exactly where this database is, whatever port the engine listens on."""
        with self._transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'instance_id'").fetchone()
            if row is not None:
                return str(row["value"])
            value = uuid.uuid4().hex
            db.execute("INSERT INTO meta (key, value) VALUES ('instance_id', ?)", (value,))
            return value

    # --- tokens and users ---------------------------------------------------------------------

    def latest_token_time(self, client_id: str) -> float | None:
        row = self._one("SELECT MAX(created) AS t FROM tokens WHERE client_id = ?", client_id)
        return row["t"] if row else None

    def create_anonymous_user(
        self, client_id: str, credits: int, lifetime_seconds: float
    ) -> tuple[str, str, float]:
        """A token for the anonymous user of `client_id`, a new user with `credits` the first
        time. A client whose token expired gets a new token for the same user, so its sessions
        and credits survive the re-auth of SPEC 2. Returns (token, user_id, expires)."""
        now = time.time()
        token = f"nmv_usr_{secrets.token_urlsafe(32)}"
        expires = now + lifetime_seconds
        with self._transaction() as db:
            known = db.execute(
                "SELECT user_id FROM tokens WHERE client_id = ? ORDER BY created DESC LIMIT 1",
                (client_id,),
            ).fetchone()
            if known is not None:
                user_id = known["user_id"]
            else:
                user_id = f"anon_{uuid.uuid4().hex[:16]}"
                _insert_user(db, user_id, credits, now)
            db.execute(
                "INSERT INTO tokens (token_sha256, user_id, client_id, created, expires)"
                " VALUES (?, ?, ?, ?, ?)",
                (token_digest(token), user_id, client_id, now, expires),
            )
        return token, user_id, expires

    def user_for_token(self, token: str) -> str | None:
        """The user a token or a known API key belongs to, or None when it is unknown or
        expired (a key works on both APIs: what one tool makes, the other sees)."""
        row = self._one(
            "SELECT user_id FROM tokens WHERE token_sha256 = ? AND expires > ?"
            " UNION ALL SELECT user_id FROM api_keys WHERE key_sha256 = ?",
            token_digest(token),
            time.time(),
            token_digest(token),
        )
        return row["user_id"] if row else None

    def register_api_key(self, key: str, credits: int) -> str:
        """The user of an API key, made the first time the key is seen with `credits` and a
        welcome grant in the ledger. Returns the user id."""
        digest = token_digest(key)
        with self._transaction() as db:
            row = db.execute(
                "SELECT user_id FROM api_keys WHERE key_sha256 = ?", (digest,)
            ).fetchone()
            if row is not None:
                return str(row["user_id"])
            now = time.time()
            user_id = f"usr_{uuid.uuid4().hex[:16]}"
            _insert_user(db, user_id, credits, now)
            db.execute(
                "INSERT INTO api_keys (key_sha256, user_id, created) VALUES (?, ?, ?)",
                (digest, user_id, now),
            )
        return user_id

    # --- credits ------------------------------------------------------------------------------

    def credits(self, user_id: str) -> Credits:
        row = self._one(
            "SELECT credits_available, credits_frozen, credits_total FROM users WHERE user_id = ?",
            user_id,
        )
        if row is None:
            return Credits(available=0, frozen=0, total=0)
        return Credits(
            available=row["credits_available"],
            frozen=row["credits_frozen"],
            total=row["credits_total"],
        )

    def freeze_credits(self, user_id: str, amount: int) -> bool:
        """Move `amount` from available to frozen; False (and nothing changed) if too few."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE users SET credits_available = credits_available - ?,"
                " credits_frozen = credits_frozen + ?"
                " WHERE user_id = ? AND credits_available >= ?",
                (amount, amount, user_id, amount),
            )
            return cursor.rowcount == 1

    def settle_credits(self, user_id: str, amount: int) -> None:
        """The frozen `amount` is spent: it leaves frozen and never comes back."""
        with self._transaction() as db:
            db.execute(
                "UPDATE users SET credits_frozen = credits_frozen - ? WHERE user_id = ?",
                (amount, user_id),
            )

    def release_credits(self, user_id: str, amount: int) -> None:
        """The work a frozen `amount` paid for failed: give it back."""
        with self._transaction() as db:
            db.execute(
                "UPDATE users SET credits_frozen = credits_frozen - ?,"
                " credits_available = credits_available + ? WHERE user_id = ?",
                (amount, amount, user_id),
            )

    # --- sessions and drafts ------------------------------------------------------------------

    def create_session(
        self, user_id: str, task_name: str, language: str, draft: Draft
    ) -> SessionRow:
        now = time.time()
        session = SessionRow(
            session_id=uuid.uuid4().hex,
            task_id=f"task_{uuid.uuid4().hex[:16]}",
            user_id=user_id,
            task_name=task_name,
            language=language,
        )
        with self._transaction() as db:
            db.execute(
                "INSERT INTO sessions (session_id, task_id, user_id, task_name, language, created)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (session.session_id, session.task_id, user_id, task_name, language, now),
            )
            db.execute(
                "INSERT INTO drafts (session_id, version, draft, created) VALUES (?, 0, ?, ?)",
                (session.session_id, _draft_json(draft), now),
            )
        return session

    def session(self, session_id: str) -> SessionRow | None:
        row = self._one("SELECT * FROM sessions WHERE session_id = ?", session_id)
        if row is None:
            return None
        return SessionRow(
            session_id=row["session_id"],
            task_id=row["task_id"],
            user_id=row["user_id"],
            task_name=row["task_name"],
            language=row["language"],
        )

    def latest_draft(self, session_id: str) -> Draft:
        row = self._one(
            "SELECT draft FROM drafts WHERE session_id = ? ORDER BY version DESC LIMIT 1",
            session_id,
        )
        return Draft.from_wire(json.loads(row["draft"])) if row else Draft.blank()

    def push_draft(self, session_id: str, draft: Draft) -> None:
        """Save `draft` as the session's newest version; older ones stay for undo."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO drafts (session_id, version, draft, created)"
                " SELECT ?, COALESCE(MAX(version), -1) + 1, ?, ? FROM drafts WHERE session_id = ?",
                (session_id, _draft_json(draft), time.time(), session_id),
            )

    def undo_draft(self, session_id: str) -> bool:
        """Drop the newest version so the one before it is current again. The first version (the
        session's blank draft) is never dropped; returns False when there was nothing to undo."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT MAX(version) AS v FROM drafts WHERE session_id = ?", (session_id,)
            ).fetchone()
            if row["v"] is None or row["v"] == 0:
                return False
            db.execute(
                "DELETE FROM drafts WHERE session_id = ? AND version = ?", (session_id, row["v"])
            )
            return True

    # --- messages -----------------------------------------------------------------------------

    def record_message(self, session_id: str, text: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO messages (session_id, text, received) VALUES (?, ?, ?)",
                (session_id, text, time.time()),
            )

    def messages(self, session_id: str) -> list[str]:
        rows = self._all("SELECT text FROM messages WHERE session_id = ? ORDER BY id", session_id)
        return [row["text"] for row in rows]

    # --- media --------------------------------------------------------------------------------

    def add_media(
        self, session_id: str, info: MediaInfo, sha256: str, *, generated: bool = False
    ) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO media (id, session_id, filename, stored_name, kind, duration, width,"
                " height, fps, has_audio, size, sha256, generated, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    info.id,
                    session_id,
                    info.name,
                    info.path.name,
                    info.kind,
                    info.duration,
                    info.width,
                    info.height,
                    info.fps,
                    int(info.has_audio),
                    info.size,
                    sha256,
                    int(generated),
                    time.time(),
                ),
            )

    def media(self, media_id: str) -> StoredMedia | None:
        row = self._one("SELECT * FROM media WHERE id = ?", media_id)
        return self._stored_media(row) if row else None

    def session_media(self, session_id: str) -> list[StoredMedia]:
        rows = self._all(
            "SELECT * FROM media WHERE session_id = ? ORDER BY created, rowid", session_id
        )
        return [self._stored_media(row) for row in rows]

    def _stored_media(self, row: sqlite3.Row) -> StoredMedia:
        info = MediaInfo(
            id=row["id"],
            name=row["filename"],
            path=self._media_dir / row["stored_name"],
            kind=row["kind"],
            duration=row["duration"],
            width=row["width"],
            height=row["height"],
            fps=row["fps"],
            has_audio=bool(row["has_audio"]),
            size=row["size"],
        )
        return StoredMedia(
            info=info,
            session_id=row["session_id"],
            sha256=row["sha256"],
            generated=bool(row["generated"]),
        )

    # --- render jobs --------------------------------------------------------------------------

    def render_id_taken(self, render_id: str) -> bool:
        return self._one("SELECT 1 FROM renders WHERE id = ?", render_id) is not None

    def create_render(
        self,
        render_id: str,
        session_id: str,
        user_id: str,
        draft: Draft,
        options: dict[str, Any],
    ) -> str:
        """Record a pending job under `render_id`, or under a fresh id when that one is taken
        (by a job submitted a moment ago under the same id, say); returns the id recorded."""
        encoded = _draft_json(draft)
        with self._lock:
            while True:
                try:
                    self._db.execute(
                        "INSERT INTO renders"
                        " (id, session_id, user_id, status, draft, options, created)"
                        " VALUES (?, ?, ?, 'pending', ?, ?, ?)",
                        (
                            render_id,
                            session_id,
                            user_id,
                            encoded,
                            json.dumps(options),
                            time.time(),
                        ),
                    )
                except sqlite3.IntegrityError:
                    # Many at once share a millisecond: a random tail keeps this to one retry.
                    render_id = f"{new_render_id()}_{secrets.token_hex(3)}"
                    continue
                return render_id

    def render(self, render_id: str) -> RenderJob | None:
        row = self._one("SELECT * FROM renders WHERE id = ?", render_id)
        if row is None:
            return None
        return RenderJob(
            id=row["id"],
            session_id=row["session_id"],
            user_id=row["user_id"],
            status=row["status"],
            progress=row["progress"],
            draft=Draft.from_wire(json.loads(row["draft"])),
            options=json.loads(row["options"]),
            output_path=Path(row["output_path"]) if row["output_path"] else None,
            duration=row["duration"],
            size=row["size"],
            error=row["error"],
            created=row["created"],
        )

    def start_render(self, render_id: str, output_path: Path) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE renders SET status = 'processing', started = ?, output_path = ?"
                " WHERE id = ?",
                (time.time(), str(output_path), render_id),
            )

    def set_render_progress(self, render_id: str, progress: float) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE renders SET progress = ? WHERE id = ? AND status = 'processing'",
                (progress, render_id),
            )

    def complete_render(self, render_id: str, duration: float, size: int) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE renders SET status = 'completed', progress = 100, duration = ?, size = ?,"
                " finished = ? WHERE id = ? AND status = 'processing'",
                (duration, size, time.time(), render_id),
            )

    def cancel_render(self, render_id: str) -> bool:
        """Mark a pending or processing job cancelled; False when it had already finished."""
        with self._lock:
            cursor = self._db.execute(
                "UPDATE renders SET status = 'cancelled', finished = ?, output_path = NULL"
                " WHERE id = ? AND status IN (?, ?)",
                (time.time(), render_id, *UNFINISHED_RENDER_STATES),
            )
        return cursor.rowcount > 0

    def fail_render(self, render_id: str, error: str) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE renders SET status = 'failed', error = ?, finished = ?"
                " WHERE id = ? AND status IN (?, ?)",
                (error, time.time(), render_id, *UNFINISHED_RENDER_STATES),
            )

    def requeue_unfinished_renders(self, max_interruptions: int) -> tuple[list[str], list[str]]:
        """After an engine stop: every job cut short while processing counts one interruption
        and goes back to pending, unless it has now been interrupted `max_interruptions` times,
        when it is failed. Returns (ids to run again, oldest first; ids failed)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE renders SET interruptions = interruptions + 1 WHERE status = 'processing'"
            )
            failed = [
                row["id"]
                for row in db.execute(
                    "SELECT id FROM renders WHERE status = 'processing' AND interruptions >= ?",
                    (max_interruptions,),
                )
            ]
            db.execute(
                "UPDATE renders SET status = 'failed', finished = ?, error = ?"
                " WHERE status = 'processing' AND interruptions >= ?",
                (time.time(), interrupted_message(max_interruptions), max_interruptions),
            )
            db.execute(
                "UPDATE renders SET status = 'pending', progress = 0, output_path = NULL,"
                " started = NULL WHERE status = 'processing'"
            )
            again = [
                row["id"]
                for row in db.execute(
                    "SELECT id FROM renders WHERE status = 'pending' ORDER BY created"
                )
            ]
        return again, failed

    # --- the gateway's projects, ledger and links ------------------------------------------------

    def session_for_task(self, task_id: str) -> SessionRow | None:
        """The session of a task (a project, on the gateway: one session each)."""
        row = self._one("SELECT session_id FROM sessions WHERE task_id = ?", task_id)
        return self.session(row["session_id"]) if row else None

    def user_projects(self, user_id: str, limit: int) -> list[ProjectRow]:
        """The user's sessions as the gateway's projects, newest first."""
        rows = self._all(
            f"{_PROJECTS} WHERE s.user_id = ? ORDER BY s.created DESC, s.rowid DESC LIMIT ?",
            user_id,
            limit,
        )
        return [_project_row(row) for row in rows]

    def project(self, session_id: str) -> ProjectRow | None:
        row = self._one(f"{_PROJECTS} WHERE s.session_id = ?", session_id)
        return _project_row(row) if row else None

    def draft_version(self, session_id: str) -> int:
        row = self._one("SELECT MAX(version) AS v FROM drafts WHERE session_id = ?", session_id)
        return int(row["v"]) if row and row["v"] is not None else 0

    def latest_completed_render(self, session_id: str) -> RenderJob | None:
        row = self._one(
            "SELECT id FROM renders WHERE session_id = ? AND status = 'completed'"
            " ORDER BY finished DESC LIMIT 1",
            session_id,
        )
        return self.render(row["id"]) if row else None

    def record_usage(
        self, user_id: str, kind: str, amount_delta: int, detail: dict[str, Any]
    ) -> None:
        """One ledger row: a `conversation` (a turn and what it cost) or a `grant`."""
        with self._lock:
            self._db.execute(
                "INSERT INTO ledger (user_id, kind, amount_delta, created, detail)"
                " VALUES (?, ?, ?, ?, ?)",
                (user_id, kind, amount_delta, time.time(), json.dumps(detail)),
            )

    def usage(
        self, user_id: str, since: float, until: float, offset: int, limit: int
    ) -> tuple[list[UsageRow], int]:
        """A page of the user's ledger between two times, newest first, and the row count."""
        where = "WHERE user_id = ? AND created >= ? AND created < ?"
        total = self._one(f"SELECT COUNT(*) AS n FROM ledger {where}", user_id, since, until)
        rows = self._all(
            f"SELECT * FROM ledger {where} ORDER BY created DESC, id DESC LIMIT ? OFFSET ?",
            user_id,
            since,
            until,
            limit,
            offset,
        )
        page = [
            UsageRow(
                id=row["id"],
                kind=row["kind"],
                amount_delta=row["amount_delta"],
                created=row["created"],
                detail=json.loads(row["detail"]),
            )
            for row in rows
        ]
        return page, int(total["n"]) if total else 0

    def secret(self, name: str) -> bytes:
        """A random secret of this database, made once (e.g. the key that signs links)."""
        key = f"secret:{name}"
        with self._transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            if row is not None:
                return bytes.fromhex(row["value"])
            value = secrets.token_bytes(32)
            db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value.hex()))
            return value

    def stored_media_names(self) -> set[str]:
        """The file names in the media folder that belong to a stored upload."""
        return {row["stored_name"] for row in self._all("SELECT stored_name FROM media")}

    def completed_render_outputs(self) -> set[Path]:
        rows = self._all(
            "SELECT output_path FROM renders WHERE status = 'completed' AND output_path IS NOT NULL"
        )
        return {Path(row["output_path"]) for row in rows}

    def render_counts(self) -> dict[str, int]:
        rows = self._all("SELECT status, COUNT(*) AS n FROM renders GROUP BY status")
        return {row["status"]: row["n"] for row in rows}


def _insert_user(db: sqlite3.Connection, user_id: str, credits: int, now: float) -> None:
    """A new user with `credits`, and the ledger's welcome grant that gave them."""
    db.execute(
        "INSERT INTO users (user_id, created, credits_total, credits_available)"
        " VALUES (?, ?, ?, ?)",
        (user_id, now, credits, credits),
    )
    db.execute(
        "INSERT INTO ledger (user_id, kind, amount_delta, created, detail)"
        " VALUES (?, 'grant', ?, ?, ?)",
        (user_id, credits, now, json.dumps({"source": "welcome"})),
    )


def interrupted_message(times: int) -> str:
    """Why a render failed after engine stops cut it short `times` times."""
    said = "an engine restart" if times == 1 else f"an engine restart {times} times"
    return f"interrupted by {said}; export again"


def _draft_json(draft: Draft) -> str:
    return json.dumps(draft.to_wire(), separators=(",", ":"), ensure_ascii=False)
