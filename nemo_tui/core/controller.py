"""`SessionController`: what happens when a person says something, for the TUI and the CLI alike.

It owns the client, the session (resumed per backend, replaced when the backend says it is gone),
the last known draft, the chat history and the renders in flight. Every change goes out through one
`emit` callback as a typed update (`nemo_tui.core.updates`); nothing here knows how it is shown.
"""

from __future__ import annotations

import asyncio
import hashlib
import locale
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from nemo_tui.api.client import NemoClient
from nemo_tui.api.draft import Draft
from nemo_tui.api.errors import (
    NemoError,
    RenderCancelled,
    RenderFailed,
    RenderStillRunning,
    ServerError,
    SessionNotFound,
)
from nemo_tui.api.gateway import GatewayClient
from nemo_tui.api.gateway_models import UsagePage
from nemo_tui.api.intents import GuiHints, Intent, route
from nemo_tui.api.questions import Question, answer_message
from nemo_tui.api.safe_text import terminal_safe
from nemo_tui.api.summary import describe_diff, diff, summarize
from nemo_tui.api.uploads import display_name
from nemo_tui.config import Settings, open_client
from nemo_tui.config.environment import read_variable
from nemo_tui.core.exports import Polling, export_filename, follow_render, inside
from nemo_tui.core.memory import SessionMemory
from nemo_tui.core.persistence import ChatEntry, ChatRole, PendingRender, backend_key
from nemo_tui.core.projects import ProjectEntry, RememberedSessions, list_projects
from nemo_tui.core.turn import run_turn
from nemo_tui.core.updates import (
    Connection,
    CreditsChanged,
    DownloadProgress,
    LinkOffered,
    Notice,
    NoticeLevel,
    PreviewProgress,
    QuestionAsked,
    RenderProgress,
    TimelineChanged,
    TurnFinished,
    TurnStarted,
    Update,
    UploadProgress,
    clean_update,
)
from nemo_tui.file_lock import is_locked, locked_async
from nemo_tui.skills import DEFAULT_SKILL_ID, SKILLS_BY_ID, Skill

# After a dropped stream or a silent turn the state is polled until the draft changes (SPEC 4).
DROPPED_STREAM_POLLS = 5
SILENT_TURN_POLLS = 3


# A preview's short side: the engine's own cap, and a floor a picture still reads at.
PREVIEW_HEIGHT = 360
MIN_PREVIEW_HEIGHT = 90


def locale_language() -> str:
    """'zh' for a Chinese locale, else 'en' (SPEC 3 asks for the locale's language)."""
    code = read_variable("LANG") or (locale.getlocale()[0] or "")
    return "zh" if code.lower().startswith("zh") else "en"


class SessionController:
    """One person's session with one backend.

    `hints` says, in the front end's own words, how to export and where the timeline is (the
    agent talks as if a GUI existed). `output_height` renders smaller files (tests, previews).
    """

    def __init__(
        self,
        settings: Settings,
        emit: Callable[[Update], None],
        *,
        backend_label: str,
        hints: GuiHints | None = None,
        upload_hint: str = "choose files first",
        output_height: int | None = None,
        client: NemoClient | None = None,
        owns_last_session: bool = True,
    ) -> None:
        self.settings = settings
        self.backend_label = backend_label
        self._hints = hints or GuiHints()
        self._upload_hint = upload_hint
        self._output_height = output_height
        self._client = client or open_client(settings)
        self._sink = emit
        self._client.on_token_renewed = self._token_renewed
        # Keyed by the API base until `start()` learns the backend's identity. A headless run
        # (`owns_last_session=False`) keeps its sessions to itself and never moves the TUI's.
        self.memory = SessionMemory(
            settings.state_dir,
            backend_key(settings.api_base),
            owns_last_session=owns_last_session,
        )
        # One session is made however many callers need one at once (an upload and a message
        # sent while the first is still being created).
        self._session_lock = asyncio.Lock()
        # The sessions made or opened here, for the project list on the skills' API.
        self._sessions = RememberedSessions(settings.state_dir, backend_key(settings.api_base))
        # The last claim link offered (SPEC 2), for "Copy link" / "Open in browser".
        self.claim_url: str | None = None
        self.draft = Draft()
        self.skill: Skill = SKILLS_BY_ID.get(settings.skill) or SKILLS_BY_ID[DEFAULT_SKILL_ID]
        # The agent's question waiting for the person's choice (SPEC 4.4), if any.
        self.pending_question: Question | None = None

    # --- what the front ends read ------------------------------------------------------------

    @property
    def session_id(self) -> str | None:
        return self.memory.session_id

    @property
    def history(self) -> list[ChatEntry]:
        """This session's chat."""
        return self.memory.history

    @property
    def pending_renders(self) -> list[str]:
        return [render.render_id for render in self.memory.renders if render.in_flight]

    def unfollowed_renders(self) -> list[str]:
        """Renders in flight that no live process of the app is following now: what a start
        picks up (another window's own export stays with it)."""
        return [
            render_id
            for render_id in self.pending_renders
            if not is_locked(self._follow_lock(render_id))
        ]

    def _follow_lock(self, render_id: str) -> Path:
        # Named by a digest: the id comes from the server and must not shape a path.
        digest = hashlib.sha256(f"{self.memory.key}/{render_id}".encode()).hexdigest()[:32]
        return self.settings.state_dir / "following" / f"{digest}.lock"

    @property
    def renders(self) -> list[PendingRender]:
        """This backend's renders (this process's and others'), in flight and finished, oldest
        first."""
        self.memory.reload()
        return self.memory.renders

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self, *, fresh_session: bool = False) -> list[str]:
        """Connect: a token (fetched quietly when none is stored), the last session of this
        backend or a new one, then the timeline and credits. Returns the render ids still in
        flight from an earlier run, for the caller to follow."""
        self._emit(Connection("connecting", self.backend_label, detail="Connecting..."))
        try:
            await self.identify()
            await self._client.ensure_token()
            if problem := self.memory.take_problem():
                self._notice(problem, "warning")
            if fresh_session or not self.memory.session_id:
                async with self._session_lock:
                    await self._create_session()
            else:
                try:
                    await self._load_state()
                except SessionNotFound:
                    await self._replace_lost_session()
            await self.refresh_credits()
        except NemoError as error:
            self._emit(Connection("offline", self.backend_label, detail=str(error)))
            raise
        self._emit(Connection("ready", self.backend_label, self.session_id, "ready", self.skill.id))
        return self.unfollowed_renders()

    async def identify(self) -> None:
        """Learn who the backend is and use its own memory file (two engines, or an engine and
        the cloud, never share a session, a token or a render list)."""
        self.memory.use_backend(await self._client.identify())
        self._use_remembered_skill()
        self._sessions = RememberedSessions(self.settings.state_dir, self.memory.key)
        if self.memory.session_id and self.memory.task_id:
            # A gateway finds a session's state by its project: known from the last run.
            self._client.remember_task(self.memory.session_id, self.memory.task_id)

    def _use_remembered_skill(self) -> None:
        """The skill last chosen on this backend, unless the person set one (config file,
        environment, `--skill`): a choice made in the app outlives the run."""
        remembered = self.memory.skill
        if "skill" in self.settings.model_fields_set or remembered not in SKILLS_BY_ID:
            return
        self.skill = SKILLS_BY_ID[remembered]
        self.settings = self.settings.model_copy(update={"skill": remembered})
        self._client.skill = remembered

    async def aclose(self) -> None:
        await self._client.aclose()

    # --- projects (SPEC 11) ------------------------------------------------------------------

    @property
    def api_kind(self) -> str:
        """Which API the backend is spoken through: "skills" or "gateway"."""
        return self._client.kind

    def web_link(self) -> str | None:
        """The browser link of the current project (the gateway's; None on the skills' API)."""
        return self._client.web_link(self.session_id) if self.session_id else None

    async def projects(self) -> list[ProjectEntry]:
        """Every project that can be opened again, newest first (see `core.projects`)."""
        return await list_projects(self._client, self._sessions, self.session_id)

    async def find_project(self, some_id: str) -> ProjectEntry:
        """The project (or remembered session) with this project, task or session id. On the
        gateway an id not in the list is still tried as a project id (the list may be paged)."""
        for entry in await self.projects():
            if some_id in (entry.project_id, entry.session_id):
                return entry
        if isinstance(self._client, GatewayClient):
            return ProjectEntry(some_id, None, some_id)
        raise SessionNotFound(
            f"No project {some_id} is known here; `nemo-tui projects` lists the ones there are."
        )

    async def usage_history(self, page_no: int = 1, page_size: int = 20) -> UsagePage:
        """One page of the credit history (the gateway's; the skills' API keeps none)."""
        if not isinstance(self._client, GatewayClient):
            raise NemoError(
                "The credit history is kept by the gateway only: use an API key "
                "(NEMOVIDEO_API_KEY or `nemo-tui login`) to see it."
            )
        return await self._client.usage_history(page_no, page_size)

    async def open_project(self, entry: ProjectEntry) -> None:
        """Continue an earlier project: its session becomes this one and its timeline is
        loaded; the next message goes to it. Renders in flight stay followed."""
        task_id: str | None
        if entry.session_id is None and isinstance(self._client, GatewayClient):
            assert entry.project_id is not None
            info = await self._client.open_project(entry.project_id)
            session_id, task_id = info.session_id, info.task_id
        elif entry.session_id is not None:
            session_id, task_id = entry.session_id, entry.project_id
        else:
            raise SessionNotFound("That project has no session to continue.")
        if task_id:
            self._client.remember_task(session_id, task_id)
        if session_id != self.memory.session_id:
            async with self._session_lock:
                self.memory.start_session(
                    self._stored_id(session_id),
                    self._stored_id(task_id or ""),
                    self.memory.language,
                )
        await self._load_state()
        self._sessions.note(session_id, task_id, entry.name)
        self._emit(Connection("ready", self.backend_label, self.session_id, "opened project"))
        self._notice(f"Opened {entry.name}: {summarize(self.draft)}")

    async def new_session(self) -> None:
        """Start over with an empty session (the old one stays on the backend)."""
        async with self._session_lock:
            await self._create_session()
        self._emit(Connection("ready", self.backend_label, self.session_id, "new session"))
        self._notice("Started a new session.")

    def switch_skill(self, skill_id: str) -> None:
        """Use another skill profile; it applies to the next request (attribution, limits)."""
        skill = SKILLS_BY_ID.get(skill_id)
        if skill is None:
            known = ", ".join(SKILLS_BY_ID)
            self._notice(f"Unknown skill {skill_id!r}: choose one of {known}.", "warning")
            return
        self.skill = skill
        self.settings = self.settings.model_copy(update={"skill": skill_id})
        self._client.skill = skill_id
        self.memory.set_skill(skill_id)  # the next start on this backend uses it again
        self._notice(f"Skill: {skill.title}.")

    # --- what a person says ------------------------------------------------------------------

    async def say(self, text: str) -> str | None:
        """Route one message (SPEC 9) and run it. Returns a render id when it asked for an
        export, for the caller to follow; cancelling the task mid-turn closes the stream."""
        text = text.strip()
        if not text:
            return None
        # Saying something else instead of answering leaves the question behind.
        self.pending_question = None
        intent = route(text)
        if intent is Intent.EXPORT:
            return await self.submit_export()
        if intent is Intent.CREDITS:
            await self.refresh_credits(announce=True)
        elif intent is Intent.STATE:
            await self.refresh_state(announce=True)
        elif intent is Intent.UPLOAD:
            self._notice(f"To upload, {self._upload_hint}.")
        else:
            await self._chat(text)
        return None

    async def _chat(self, text: str) -> None:
        session_id = await self._session()
        turn_id = uuid.uuid4().hex[:12]
        self._remember("user", text)
        # The first message names the session in the project list (skills' API).
        self._sessions.note(session_id, self.memory.task_id, text)
        self._emit(TurnStarted(turn_id, text))
        before = self.draft
        try:
            outcome = await run_turn(
                self._client, session_id, text, turn_id, self._emit, self._hints
            )
        except asyncio.CancelledError:
            self._emit(TurnFinished(turn_id, "", cancelled=True))
            self._remember("notice", "Stopped; the message was not resent.")
            raise
        except SessionNotFound:
            await self._replace_lost_session()
            self._emit(TurnFinished(turn_id, ""))
            self._notice("Your message was not delivered: send it again.", "warning")
            return
        if outcome.text:
            self._remember("agent", outcome.text)
        if outcome.stopped:
            self._notice(outcome.stopped, "warning")
        if outcome.interrupted:
            self._notice(f"{outcome.interrupted} Checking what changed...", "warning")
        summary = None
        asked = outcome.question if not outcome.interrupted else None
        if asked is not None:
            # A question is not a silent edit: no state diff, no "Updated:" line (SPEC 4.4).
            self.pending_question = asked
            self._remember("notice", question_line(asked))
        elif outcome.silent or outcome.interrupted:
            polls = DROPPED_STREAM_POLLS if outcome.interrupted else SILENT_TURN_POLLS
            await self._poll_for_change(before, polls)
            summary = (
                describe_diff(before, self.draft)
                if diff(before, self.draft)
                else "No change to the timeline."
            )
            self._remember("notice", summary)
        else:
            await self.refresh_state()
        if outcome.edited or diff(before, self.draft):
            # The agent's last write may land after the stream closed (SPEC 4.3).
            await asyncio.sleep(self.settings.settle_seconds)
            await self.refresh_state()
        self._emit(TurnFinished(turn_id, outcome.text, summary))
        if asked is not None:
            self._emit(QuestionAsked(turn_id, asked))
        await self.refresh_credits()

    async def answer(self, choices: Sequence[Sequence[int] | None]) -> None:
        """Answer the question the agent is waiting on: `choices[i]` holds the option indexes
        chosen for its question i, None or empty when skipped. Sent once, as SPEC 4.4's
        message; a second call, or a call with no question waiting, sends nothing."""
        question, self.pending_question = self.pending_question, None
        if question is not None:
            await self._chat(answer_message(question, choices))

    async def _poll_for_change(self, before: Draft, polls: int) -> None:
        for attempt in range(polls):
            await self.refresh_state()
            if diff(before, self.draft):
                return
            if attempt < polls - 1:
                await asyncio.sleep(self.settings.state_poll_seconds)

    # --- uploads -----------------------------------------------------------------------------

    async def upload(self, paths: list[Path]) -> int:
        """Upload files one request each, so every file has its own progress and a bad one
        does not stop the rest. Returns how many the backend accepted."""
        session_id = await self._session()
        accepted = 0
        problems = self._client.check_files(paths)
        for problem in problems:
            self._emit(UploadProgress(problem.path, 0, 0, done=True, error=problem.message))
            self._notice(problem.message, "warning")
        rejected = {problem.path for problem in problems}
        for path in paths:
            if path in rejected:
                continue
            total = path.stat().st_size

            def on_bytes(
                sent: int, _total: int | None, path: Path = path, total: int = total
            ) -> None:
                self._emit(UploadProgress(path, min(sent, total), total))

            try:
                await self._client.upload(session_id, [path], on_bytes)
            except NemoError as error:
                self._emit(UploadProgress(path, 0, total, done=True, error=str(error)))
                self._notice(f"{display_name(path)}: {error}", "warning")
                continue
            accepted += 1
            self._emit(UploadProgress(path, total, total, done=True))
        if accepted:
            self._remember("notice", f"Uploaded {accepted} file(s).")
            await self.refresh_state()
        return accepted

    # --- exports -----------------------------------------------------------------------------

    async def submit_export(self) -> str | None:
        """Submit the current draft for rendering (free of credits); None when there is nothing
        to export yet."""
        session_id = await self._session()
        await self.refresh_state()
        if not self.draft.is_exportable():
            self._notice("Nothing to export yet: add media to the timeline first.", "warning")
            return None
        return await self._submit(session_id, self.draft)

    async def _submit(self, session_id: str, draft: Draft) -> str:
        status = await self._client.submit_render(
            session_id, draft, output_height=self._output_height
        )
        self.memory.add_render(self._stored_id(status.id), session_id)
        self._notice(f"Export started ({status.id}).")
        return status.id

    def find_render(self, render_id: str | None = None) -> PendingRender | None:
        """The render with this id, or (no id) the newest one in flight."""
        return self.memory.find_render(render_id)

    async def cancel_render(self, render_id: str | None = None) -> str | None:
        """SPEC 7: ask the backend to stop a render (default: the newest in flight). Returns
        the id cancelled, None when there was nothing to cancel."""
        record = self.find_render(render_id)
        target = render_id or (record.render_id if record else None)
        if target is None:
            self._notice("No export in flight to cancel.", "warning")
            return None
        status = await self._client.cancel_render(target)
        if status.status == "cancelled":
            self._finish_render(target, "cancelled")
            self._emit(RenderProgress(target, "cancelled", status.progress))
            self._notice(f"Export {target} cancelled.")
        else:
            self._notice(f"Export {target} is already {status.status}.", "warning")
        return target

    async def live_status(self, render_id: str) -> str | None:
        """The backend's word on a render in flight (`processing 42%`), None when it cannot
        be had (the backend is away, say)."""
        try:
            status = await self._client.render_status(render_id)
        except NemoError:
            return None
        if status.status == "processing":
            return "finalising" if status.finalising else f"processing {status.progress:.0f}%"
        return status.status

    async def retry_render(self, render_id: str) -> str | None:
        """SPEC 7: a failed render may be tried once more, with a new id, from its session's
        current draft. Returns the new id, None when it cannot be retried."""
        record = self.find_render(render_id)
        if record is None or record.status != "failed":
            self._notice(f"Export {render_id} has not failed: nothing to retry.", "warning")
            return None
        if record.retried:
            self._notice(f"Export {render_id} was already tried again once.", "warning")
            return None
        state = await self._client.state(record.session_id)
        if not state.state.draft.is_exportable():
            self._notice("Nothing to export yet: add media to the timeline first.", "warning")
            return None
        new_id = await self._submit(record.session_id, state.state.draft)
        # Marked only once the new render exists: a retry cut short can be tried again.
        self.memory.mark_retried(render_id)
        return new_id

    def _polling(self) -> Polling:
        return Polling(
            self.settings.render_poll_seconds,
            self.settings.render_poll_longest_seconds,
            self.settings.follow_limit_seconds,
        )

    async def follow_render(self, render_id: str, dest: Path | None = None) -> Path | None:
        """Follow a render to its MP4 on disk (`dest`, or a name of its own in the download
        folder). A failed render is reported with the way to try it once more; a cancelled one
        is noted; an interrupted download, or a render followed for too long, keeps its id (and
        its `.part`) for the next start. One process of the app follows a render at a time:
        another waits for it, then finds what it recorded (the file, or how it ended)."""
        async with locked_async(self._follow_lock(render_id)):
            self.memory.reload()
            done = self.find_render(render_id)
            if done is not None and not done.in_flight:
                return self._already_followed(done)
            return await self._follow(render_id, dest)

    def _already_followed(self, record: PendingRender) -> Path | None:
        """A render another process followed to its end while this one waited."""
        if record.status == "completed" and record.dest and Path(record.dest).is_file():
            self._notice(f"Saved {record.dest}")
            return Path(record.dest)
        self._notice(f"Export {record.render_id} {record.status}.", "warning")
        return None

    async def _follow(self, render_id: str, dest: Path | None) -> Path | None:
        pending = self.find_render(render_id)
        if dest is None and pending is not None and pending.dest:
            dest = Path(pending.dest)
        if dest is None:
            folder = self.settings.download_dir.expanduser()
            dest = inside(folder, export_filename(self.draft.m.title, render_id))
        if pending is not None and pending.dest != str(dest.absolute()):
            self.memory.set_dest(render_id, dest)
        try:
            path = await follow_render(self._client, render_id, dest, self._polling(), self._emit)
        except RenderFailed as error:
            retryable = pending is not None and not pending.retried
            self._finish_render(render_id, "failed", error=str(error))
            failed = RenderProgress(render_id, "failed", 0, error=str(error), retryable=retryable)
            self._emit(failed)
            advice = f" {self._hints.retry}" if retryable and self._hints.retry else ""
            self._notice(f"{error}{advice}", "error")
            return None
        except RenderCancelled as error:
            self._finish_render(render_id, "cancelled")
            self._notice(str(error), "warning")
            return None
        except RenderStillRunning as error:
            self._notice(str(error), "warning")
            return None
        self._finish_render(render_id, "completed", dest=path)
        self._remember("notice", f"Saved {path}")
        self._notice(f"Saved {path}")
        await self.offer_claim_link(pending.session_id if pending else self.session_id)
        return path

    async def preview(self, max_height: int = PREVIEW_HEIGHT) -> Path | None:
        """A quick look at the current timeline, as an MP4 to play. The local engine renders it
        small and fast (`output.quality: "preview"`, at most `max_height` lines, e.g. what the
        terminal can show); the cloud has no preview, so there it is the export, downloaded.
        Only the newest preview is kept on disk."""
        if not self.settings.is_local:
            render_id = await self.submit_export()
            return await self.follow_render(render_id) if render_id else None
        session_id = await self._session()
        await self.refresh_state()
        if not self.draft.is_exportable():
            self._notice("Nothing to preview yet: add media to the timeline first.", "warning")
            return None
        status = await self._client.submit_render(
            session_id,
            self.draft,
            output_height=max(min(max_height, PREVIEW_HEIGHT), MIN_PREVIEW_HEIGHT),
            quality="preview",
        )
        folder = self.settings.state_dir / "previews"
        for old in folder.glob("*.mp4") if folder.is_dir() else ():
            old.unlink(missing_ok=True)
        preview_id = status.id

        def as_preview(update: Update) -> None:
            # The follow's updates speak of an export; a preview reports its own progress.
            if isinstance(update, RenderProgress):
                self._emit(PreviewProgress(preview_id, "rendering", update.progress))
            elif isinstance(update, DownloadProgress) and not update.done:
                self._emit(PreviewProgress(preview_id, "fetching", 100.0))

        try:
            path = await follow_render(
                self._client,
                preview_id,
                folder / f"{export_filename(None, preview_id)}",
                self._polling(),
                as_preview,
            )
        except RenderFailed as error:
            self._emit(PreviewProgress(preview_id, "failed"))
            self._notice(f"The preview failed: {error}", "error")
            return None
        self._emit(PreviewProgress(preview_id, "ready", 100.0))
        return path

    async def offer_claim_link(self, session_id: str | None) -> None:
        """SPEC 2: an anonymous user is offered the claim link (save this project to an account)
        after a session is created and with each delivered export. Any failure is silent.
        Not on a loopback engine: its claim page is on this machine and goes with the app."""
        if not self._client.anonymous or session_id is None or self.settings.is_local:
            return
        url = await self._client.claim_url(session_id)
        if url is None:
            return
        self.claim_url = url
        self._emit(LinkOffered(url, "claim"))

    # --- state and credits -------------------------------------------------------------------

    async def refresh_state(self, *, announce: bool = False) -> None:
        try:
            await self._load_state()
        except SessionNotFound:
            await self._replace_lost_session()
        if announce:
            self._notice(summarize(self.draft))

    async def refresh_credits(self, *, announce: bool = False) -> None:
        credits = await self._client.credits()
        self._emit(CreditsChanged(credits))
        if announce:
            self._notice(
                f"Credits: {credits.available} available, {credits.frozen} frozen, "
                f"{credits.total} in total."
            )

    # --- internals ---------------------------------------------------------------------------

    async def _session(self) -> str:
        async with self._session_lock:
            if not self.memory.session_id:
                await self._create_session()
        assert self.memory.session_id is not None
        return self.memory.session_id

    async def _create_session(self) -> None:
        """A new session (callers hold `_session_lock`). Renders in flight are the backend's
        jobs, not the session's: they stay to be fetched."""
        language = self.memory.language or locale_language()
        info = await self._client.create_session(language)
        self.memory.start_session(
            self._stored_id(info.session_id), self._stored_id(info.task_id), language
        )
        self._sessions.note(info.session_id, info.task_id)
        self._set_draft(Draft())
        await self.offer_claim_link(info.session_id)

    async def _replace_lost_session(self) -> None:
        """SPEC 3: the backend lost the session (expired, or another backend's data). Start a
        new one, keep the renders in flight, and say what happened."""
        async with self._session_lock:
            await self._create_session()
        self._emit(Connection("ready", self.backend_label, self.session_id, "new session"))
        self._notice("The previous session was not found on the backend; started a new one.")

    async def _load_state(self) -> None:
        assert self.memory.session_id is not None
        state = await self._client.state(self.memory.session_id)
        self._set_draft(state.state.draft)

    def _set_draft(self, draft: Draft) -> None:
        changed = frozenset(changed_ids(self.draft, draft))
        self.draft = draft
        self._emit(TimelineChanged(draft, summarize(draft), changed))

    def _finish_render(
        self, render_id: str, status: str, *, error: str | None = None, dest: Path | None = None
    ) -> None:
        cleaned = self._clean(error) if error is not None else None
        self.memory.finish_render(render_id, status, error=cleaned, dest=dest)

    def _emit(self, update: Update) -> None:
        # Every update leaves with its text cleaned: the server's words may carry control
        # sequences or echo the token, and both front ends print what arrives here.
        self._sink(clean_update(update, self._clean))

    def _stored_id(self, value: str) -> str:
        """An id from the server, to be kept in the state file and used in names: refused when it
        carries the token (a hostile server echoing it) or control characters."""
        if self._clean(value) != value:
            raise ServerError(
                "The server answered with an id holding the token or control characters; "
                "it was not used."
            )
        return value

    def _clean(self, text: str) -> str:
        """Text fit to print and to store: no token, no control sequences."""
        return terminal_safe(self._client.scrub(text))

    def _remember(self, role: ChatRole, text: str) -> None:
        self.memory.remember(role, self._clean(text))

    def _token_renewed(self) -> None:
        self._notice("The access token was no longer valid; got a new one and carried on.")

    def _notice(self, text: str, level: NoticeLevel = "info") -> None:
        self._emit(Notice(text, level))


def changed_ids(old: Draft, new: Draft) -> set[str]:
    """Ids of tracks and segments that are new or differ between two drafts."""
    before = {segment.id: segment for track in old.t for segment in track.sg}
    changed: set[str] = set()
    old_tracks = {track.id: track for track in old.t}
    for track in new.t:
        if old_tracks.get(track.id) != track:
            changed.add(track.id)
        for segment in track.sg:
            if before.get(segment.id) != segment:
                changed.add(segment.id)
    return changed


def question_line(question: Question) -> str:
    """The question in one line, for the kept chat history."""
    asked = "; ".join(
        f"{item.prompt} ({' / '.join(option.label for option in item.options)})"
        for item in question.items
    )
    return f"The agent asked: {asked}"
