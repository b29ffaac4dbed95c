"""The Textual app: four panes (files, chat, timeline, status) over one session controller.

The controller reports every change through one callback; `NemoApp.emit` queues the update and
`on_updates_arrived` shows what has queued up, in order and in batches, each in the pane it
belongs to. Everything that waits on I/O runs in a worker, one group per concern:
`sse` (one turn at a time), `upload`, `render-<id>`, `credits`, `state`, `session`; a failed worker
becomes a one-line notice in `on_worker_state_changed`, and the app stays usable.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.css.query import NoMatches
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Tab, Tabs
from textual.worker import Worker, WorkerState

from nemo_tui.api.errors import NemoError
from nemo_tui.api.safe_text import terminal_safe
from nemo_tui.core.controller import PREVIEW_HEIGHT
from nemo_tui.core.persistence import ChatEntry, PendingRender
from nemo_tui.core.projects import ProjectEntry
from nemo_tui.core.updates import (
    Activity,
    AgentText,
    Connection,
    CreditsChanged,
    DownloadProgress,
    LinkOffered,
    Notice,
    PreviewProgress,
    QuestionAsked,
    RenderProgress,
    StillWorking,
    TimelineChanged,
    TurnFinished,
    TurnStarted,
    Update,
    UploadProgress,
    clean_update,
)
from nemo_tui.skills import SKILLS_BY_ID, Skill
from nemo_tui.tui.actions import ACTIONS, UserAction, bindings
from nemo_tui.tui.attention import desktop_notification, question_in
from nemo_tui.tui.batching import merge_text
from nemo_tui.tui.chat import ChatInput, ChatLog, ChatPane
from nemo_tui.tui.clipboard import browser_available, copy_with_osc52
from nemo_tui.tui.collector import QuietApp
from nemo_tui.tui.commands import NemoCommands
from nemo_tui.tui.files import FilePane, MediaTree, UploadRequested
from nemo_tui.tui.footer import FittingFooter
from nemo_tui.tui.header import SessionHeader
from nemo_tui.tui.help import HelpScreen
from nemo_tui.tui.pane import Pane
from nemo_tui.tui.player import PlayerScreen
from nemo_tui.tui.projects import ProjectList
from nemo_tui.tui.question import QuestionCard
from nemo_tui.tui.slash import SlashError, help_markdown, parse_slash
from nemo_tui.tui.status import FrameStrip, RenderRow, StatusPane
from nemo_tui.tui.timeline import TimelinePane

PANES = ("files", "chat", "timeline", "status")
# Narrower than this many columns, one pane shows at a time, behind tabs.
NARROW_BELOW = 100
# How many finished renders of earlier runs the status pane lists at start (`nemo-tui renders`
# lists them all).
PAST_RENDERS_SHOWN = 10
# Said when the app cannot start on the cloud: it works on this machine too.
WITHOUT_THE_CLOUD = (
    "To work without it: `nemo-tui --local` (the engine on this machine), or `nemo-tui --demo` "
    "(with sample media)."
)
# The widget that takes focus when a pane is shown.
PANE_FOCUS = {
    "files": "#media-tree",
    "chat": "#chat-input",
    "timeline": "#timeline-tree",
    "status": "#status",
}


class SessionCore(Protocol):
    """What the app needs of the session controller (`nemo_tui.core.controller`). The skill and the
    session id reach the app as updates (`Connection`), not through here."""

    @property
    def history(self) -> list[ChatEntry]: ...
    @property
    def renders(self) -> list[PendingRender]: ...

    async def start(self) -> list[str]: ...
    async def say(self, text: str) -> str | None: ...
    async def answer(self, choices: Sequence[Sequence[int] | None]) -> None: ...
    async def upload(self, paths: list[Path]) -> int: ...
    async def submit_export(self) -> str | None: ...
    async def follow_render(self, render_id: str) -> Path | None: ...
    async def preview(self, max_height: int) -> Path | None: ...
    async def cancel_render(self, render_id: str | None = None) -> str | None: ...
    async def retry_render(self, render_id: str) -> str | None: ...
    async def refresh_credits(self, *, announce: bool = False) -> None: ...
    async def refresh_state(self, *, announce: bool = False) -> None: ...
    async def new_session(self) -> None: ...
    async def projects(self) -> list[ProjectEntry]: ...
    async def open_project(self, entry: ProjectEntry) -> None: ...
    def web_link(self) -> str | None: ...
    @property
    def api_kind(self) -> str: ...
    def switch_skill(self, skill_id: str) -> None: ...
    async def aclose(self) -> None: ...


CoreFactory = Callable[[Callable[[Update], None]], SessionCore]

if TYPE_CHECKING:
    from nemo_tui.core.controller import SessionController

    def _controller_fits(controller: SessionController) -> SessionCore:
        """Never called: mypy fails here when the controller and `SessionCore` drift apart."""
        return controller


class UpdatesArrived(Message):
    """Controller updates wait in `NemoApp._arrived`; at most one of these is queued at a time."""


class NemoApp(QuietApp):
    """nemo-tui. Give it the folder to pick media from and a factory for the session controller;
    without a factory the panes still work and can be driven by `emit` (tests, screenshots).
    `picture` is the widget class for previews in the terminal's graphics (`graphics`)."""

    CSS_PATH = "app.tcss"
    TITLE = "nemo-tui"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS: ClassVar = App.COMMANDS | {NemoCommands}
    # No ClassVar: Textual declares it `ClassVar[...] | None`, which mypy reads as an instance
    # variable, and a ClassVar may not override one (ruff's RUF012 wants the opposite).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-normal"), (180, "-wide")]  # noqa: RUF012

    BINDINGS: ClassVar[list[BindingType]] = bindings("app")

    def __init__(
        self,
        path: Path,
        *,
        skill: Skill,
        backend: str,
        core_factory: CoreFactory | None = None,
        keymap: dict[str, str] | None = None,
        config_lines: list[str] | None = None,
        theme: str = "ansi-dark",
        picture: type[Widget] | None = None,
    ) -> None:
        super().__init__()
        self.path = path
        self.skill = skill
        self.backend = backend
        self._core_factory = core_factory
        self.core: SessionCore | None = None
        # Not `_keymap`: that name is Textual's own (App.set_keymap keeps the keymap in it).
        self._user_keymap = keymap or {}
        self._config_lines = config_lines or []
        self._initial_theme = theme
        self._picture = picture
        self.active_pane = "chat"
        self.downloads: list[Path] = []
        self.session_id: str | None = None
        # The last link offered to the person (the claim link), for Copy link / Open in browser.
        self.link: str | None = None
        self._arrived: deque[Update] = deque()
        self._drain_posted = False

    # --- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield SessionHeader(self.skill.id, self.backend, id="header")
        yield Tabs(
            *(Tab(name.capitalize(), id=f"tab-{name}") for name in PANES),
            active="tab-chat",
            id="pane-tabs",
        )
        with Container(id="panes"):
            yield FilePane(self.path, picture=self._picture, id="files")
            yield ChatPane(self.skill, id="chat")
            yield TimelinePane(id="timeline")
            yield StatusPane(id="status")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.theme = self._initial_theme
        if self._user_keymap:
            self.set_keymap(self._user_keymap)
        self._mark_active_pane("chat")
        self.query_one(ChatInput).focus()
        if self._core_factory is not None:
            self.core = self._core_factory(self.emit)
            self._start_worker(self._start_session(), group="session", description="start session")

    def busy(self) -> bool:
        """An answer streaming: full garbage collections wait for it (see `collector`)."""
        # The chat lives on the first screen, which a help screen may cover; and a last tick can
        # come while the app is taking its widgets down, when there is no chat at all.
        logs = self.screen_stack[0].query(ChatLog) if self.screen_stack else ()
        return any(log.turn_running() for log in logs)

    def _mark_active_pane(self, name: str) -> None:
        self.active_pane = name
        self._fit_panes()

    def _fit_panes(self) -> None:
        """In the narrow layout only the active pane shows, behind the tabs; otherwise all do.
        Set on each pane's own `display`, not by a class: a class change restyles every widget
        inside the pane (see `pane`)."""
        narrow = self.size.width < NARROW_BELOW
        for pane in self.query(Pane):
            if narrow:
                pane.display = pane.id == self.active_pane
            else:
                pane.styles.clear_rule("display")

    def on_resize(self) -> None:
        self._fit_panes()

    @on(Tabs.TabActivated, "#pane-tabs")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        name = (event.tab.id or "tab-chat").removeprefix("tab-")
        if name != self.active_pane:
            self.action_show_pane(name)

    def action_show_pane(self, name: str) -> None:
        """Show (in tab mode) and focus a pane."""
        self._mark_active_pane(name)
        self.query_one(Tabs).active = f"tab-{name}"
        target = self.query_one(PANE_FOCUS[name])
        if name == "status" and (rows := self.query(RenderRow)):
            # The newest render row, whose keys cancel or retry it.
            target = rows.last()
        if target.focusable:
            target.focus()
        else:
            self.screen.set_focus(None)

    # --- updates from the controller --------------------------------------------------------------

    def emit(self, update: Update) -> None:
        """The controller's one callback, called on the UI loop (the controller runs in this
        app's workers). Updates queue up and are shown in order, in batches (see `batching`).
        Their text is made terminal-safe here too: the app's own notices quote error messages."""
        self._arrived.append(clean_update(update, terminal_safe))
        if not self._drain_posted:
            self._drain_posted = True
            self.post_message(UpdatesArrived())

    async def on_updates_arrived(self, _: UpdatesArrived) -> None:
        self._drain_posted = False
        batch = merge_text(list(self._arrived))
        self._arrived.clear()
        try:
            for update in batch:
                await self._show_update(update)
        except NoMatches:
            # Updates still in flight while the app closes find their panes gone: nobody is
            # left to show them to, and the controller has already saved what matters.
            if self.is_running:
                raise

    async def _show_update(self, update: Update) -> None:
        chat = self.query_one(ChatPane)
        match update:
            case AgentText(turn_id, delta, replace):
                await chat.log_view.agent_text(turn_id, delta, replace)
            case TurnStarted(turn_id, text):
                await chat.log_view.start_turn(turn_id, text)
                chat.turn_started()
            case Activity(turn_id, text):
                chat.log_view.activity(turn_id, text)
            case StillWorking(turn_id, elapsed):
                chat.log_view.still_working(turn_id, elapsed)
            case TurnFinished(turn_id, text, summary, cancelled):
                await chat.log_view.finish_turn(turn_id, text, summary, cancelled)
                chat.turn_ended()
                if (question := question_in(text)) is not None:
                    self.call_for_attention("The agent asks", question)
            case QuestionAsked(_, question):
                await chat.log_view.ask(question)
                asked = question.title or (question.items[0].prompt if question.items else "")
                self.call_for_attention("The agent asks", asked or "a question")
            case Notice(text, level):
                chat.log_view.add_notice(text, level)
                if level != "info":
                    self.notify(text, severity=level, timeout=6)
            case TimelineChanged(draft, summary, changed_ids):
                self.query_one(TimelinePane).show(draft, summary, changed_ids)
            case CreditsChanged(credits):
                self.query_one(StatusPane).show_credits(credits)
            case Connection():
                if self.session_id and update.session_id not in (None, self.session_id):
                    self.query_one(FilePane).new_session()
                self.session_id = update.session_id or self.session_id
                self.query_one(SessionHeader).show_connection(update)
                if update.skill in SKILLS_BY_ID and update.skill != self.skill.id:
                    self.skill = SKILLS_BY_ID[update.skill]
                    self.query_one(SessionHeader).show_skill(self.skill.id)
                    self.query_one(ChatPane).show_skill(self.skill)
            case UploadProgress():
                self.query_one(FilePane).show_progress(update)
            case RenderProgress():
                self.query_one(StatusPane).show_render(update)
            case DownloadProgress():
                self.query_one(StatusPane).show_download(update)
                if update.done:
                    self._render_arrived(update.path)
            case PreviewProgress(_, phase, progress):
                self._show_preview_progress(phase, progress)
            case LinkOffered(url, kind):
                self.link = url
                what = "Save this project to a free account" if kind == "claim" else "Register"
                chat.log_view.add_notice(f"{what}: {url} (palette: Copy link, Open in browser)")

    def _show_preview_progress(self, phase: str, progress: float) -> None:
        """A preview says where it is in the header; it plays when ready."""
        header = self.query_one(SessionHeader)
        if phase == "rendering":
            header.show_activity(f"preview {progress:.0f}%")
        elif phase == "fetching":
            header.show_activity("preview: fetching")
        else:
            header.show_activity("")

    def _render_arrived(self, path: Path) -> None:
        self.downloads.append(path)
        self.call_for_attention("Export finished", f"Saved {path.name}")
        self.notify(f"Saved {path}", title="Export finished", timeout=10)
        self.query_one(FrameStrip).show_video(path)

    def call_for_attention(self, title: str, body: str) -> None:
        """The bell and a desktop notification (see `attention`), only while the terminal says
        it is not focused: someone looking at the app needs neither. Terminals that do not
        report focus leave `app_focus` true, so they are never notified."""
        if self.app_focus:
            return
        self.bell()
        if not self.is_headless and self._driver is not None:
            # Textual has no public call to send an escape sequence; its own bell and clipboard
            # write through the driver like this, in order with the frames it draws.
            self._driver.write(desktop_notification(title, body))

    # --- workers --------------------------------------------------------------------------------

    def _start_worker(
        self,
        work: Coroutine[Any, Any, object],
        *,
        group: str,
        description: str,
        exclusive: bool = False,
    ) -> Worker[object]:
        return self.run_worker(
            work, group=group, description=description, exclusive=exclusive, exit_on_error=False
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker failure ends here as one line; the app keeps running."""
        worker = event.worker
        if event.state == WorkerState.ERROR:
            error = worker.error
            reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
            what = worker.description or worker.group
            self.emit(Notice(f"{what} failed: {reason or type(error).__name__}", "error"))
        if worker.group == "sse" and event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self.call_later(self._close_open_turns)

    async def _close_open_turns(self) -> None:
        chat = self.query_one(ChatPane)
        await chat.log_view.close_open_turns()
        chat.turn_ended()

    def _need_core(self) -> SessionCore | None:
        if self.core is None:
            self.emit(Notice("Not connected to a backend: restart nemo-tui.", "warning"))
        return self.core

    async def _start_session(self) -> None:
        assert self.core is not None
        try:
            pending = await self.core.start()
        except NemoError as error:
            if self.backend == "local":
                raise
            # Away from the cloud the app still works on this machine: say how, on that line.
            self.emit(Notice(f"{error} {WITHOUT_THE_CLOUD}", "error"))
            return
        self.query_one(ChatPane).log_view.restore(self.core.history)
        finished = [render for render in self.core.renders if not render.in_flight]
        for render in finished[-PAST_RENDERS_SHOWN:]:
            self._show_past_render(render)
        for render_id in pending:
            self.follow_render(render_id)

    def _show_past_render(self, render: PendingRender) -> None:
        """A render of an earlier run, as it ended: its file (whose name carries the video's
        title) and when it was asked for, or why it did not finish."""
        path = Path(render.dest) if render.dest else None
        when = datetime.fromtimestamp(render.submitted).strftime("%d %b %H:%M")
        name = f"{path.name if path else 'Render'} · {when}"
        row = self.query_one(StatusPane).render_row(render.render_id, name)
        if render.status == "completed" and path is not None:
            row.show_download(DownloadProgress(render.render_id, 0, None, path, done=True))
        else:
            row.show_render(RenderProgress(render.render_id, render.status, 0, error=render.error))

    def follow_render(self, render_id: str) -> None:
        if (core := self._need_core()) is None:
            return
        self.query_one(StatusPane).render_row(render_id, self._render_name())
        self._start_worker(
            core.follow_render(render_id),
            group=f"render-{render_id}",
            description=f"render {render_id}",
            exclusive=True,
        )

    def _render_name(self) -> str:
        """ "Summer Sale · 14:05": the video's title (or "Untitled video") and the time it was
        asked for."""
        title = self.query_one(TimelinePane).draft.m.title or "Untitled video"
        return f"{title} · {datetime.now().strftime('%H:%M')}"

    def _busy(self, group: str) -> bool:
        return any(w.group == group and not w.is_finished for w in self.workers)

    def _call_once(
        self,
        call: Callable[[SessionCore], Awaitable[object]],
        group: str,
        description: str,
        busy: str,
    ) -> None:
        """Run a call that changes the server, unless one of its group is still running: then
        say `busy` and send nothing. Such a call is never cancelled by a second press (what
        reached the server would go unrecorded)."""
        if self._busy(group):
            self.emit(Notice(busy))
            return
        self._call(call, group, description, exclusive=False)

    def _call(
        self,
        call: Callable[[SessionCore], Awaitable[object]],
        group: str,
        description: str,
        *,
        exclusive: bool = True,
    ) -> None:
        """Run a controller call in a worker. Exclusive groups cancel the previous call: only
        reads use them (a second credit refresh replaces the first)."""
        if (core := self._need_core()) is None:
            return

        async def run() -> None:
            await call(core)

        self._start_worker(run(), group=group, description=description, exclusive=exclusive)

    # --- actions ----------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        """Send chat text (the controller routes intents such as 'export' itself)."""
        chat = self.query_one(ChatPane)
        if chat.log_view.turn_running():
            self.emit(Notice("The agent is still answering: wait, or press Escape to stop it."))
            return
        self._call_once(
            lambda core: self._say(core, text),
            "sse",
            "chat turn",
            "The agent is still answering: wait, or press Escape to stop it.",
        )

    @on(QuestionCard.Answered)
    def _answered(self, event: QuestionCard.Answered) -> None:
        """The person chose: the answer goes out as their next message (SPEC 4.4)."""
        choices = event.choices
        self._call_once(
            lambda core: core.answer(choices),
            "sse",
            "answer",
            "The agent is still answering: wait, or press Escape to stop it.",
        )
        self.query_one(ChatInput).focus()

    async def _say(self, core: SessionCore, text: str) -> None:
        # "export" / "send me the video" typed as chat comes back as a render id to follow.
        render_id = await core.say(text)
        if render_id is not None:
            self.follow_render(render_id)

    def upload(self, paths: list[Path]) -> None:
        if self._need_core() is None:
            return
        self.query_one(FilePane).start_upload(paths)
        self._call(lambda core: core.upload(paths), "upload", "upload", exclusive=False)

    async def _export(self, core: SessionCore) -> None:
        render_id = await core.submit_export()
        if render_id is not None:
            self.follow_render(render_id)

    def action_export(self) -> None:
        self._call_once(
            self._export, "export", "export", "Already starting an export: it is on its way."
        )

    def action_preview(self) -> None:
        self._call_once(
            self._preview, "preview", "preview", "Already making a preview: it plays when ready."
        )

    async def _preview(self, core: SessionCore) -> None:
        # Half blocks draw two pixel rows a cell: no point rendering more than the screen shows.
        rows = self.size.height * 2 if self._picture is None else PREVIEW_HEIGHT
        path = await core.preview(max_height=rows)
        if path is not None:
            self.play(path)

    def play(self, path: Path) -> None:
        """Play a video over the app (q or Escape closes it)."""
        self.push_screen(PlayerScreen(path, picture=self._picture))

    def on_render_row_play(self, message: RenderRow.Play) -> None:
        self.play(message.path)

    # Asked for by a key or a slash command, the answer is also said in the chat, where the
    # person is looking (the status and timeline panes update as well).
    def action_credits(self) -> None:
        self._call(lambda core: core.refresh_credits(announce=True), "credits", "credit refresh")

    def action_state(self) -> None:
        self._call(lambda core: core.refresh_state(announce=True), "state", "state refresh")

    def action_new_session(self) -> None:
        self._call_once(
            lambda core: core.new_session(),
            "session",
            "new session",
            "Still connecting or starting a session: try again in a moment.",
        )

    def action_stop_turn(self) -> None:
        if self.query_one(ChatPane).log_view.turn_running():
            self.workers.cancel_group(self, "sse")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Escape only means "stop" while a turn runs; otherwise it is free for widgets and screens.
        if action == "stop_turn":
            return self.query_one(ChatPane).log_view.turn_running()
        return True

    def action_switch_skill(self, skill_id: str) -> None:
        skill = SKILLS_BY_ID.get(skill_id)
        if skill is None:
            self.emit(Notice(f"No skill {skill_id}: choose one with /help.", "warning"))
            return
        self.skill = skill
        self.query_one(SessionHeader).show_skill(skill.id)
        self.query_one(ChatPane).show_skill(skill)
        if self.core is not None:
            self.core.switch_skill(skill_id)  # it says so in the chat
        else:
            self.emit(Notice(f"Skill: {skill.title}."))

    def action_help(self) -> None:
        # The keys the footer would show here, with their tooltips (keymap overrides included).
        keys = [
            (self.get_key_display(binding), binding.description, tooltip or binding.tooltip)
            for _, binding, enabled, tooltip in self.screen.active_bindings.values()
            if enabled and binding.show and binding.description
        ]
        every_action = [(self._keys_shown(action), action) for action in ACTIONS]
        self.push_screen(HelpScreen(self._focused_pane(), keys, every_action))

    def _keys_shown(self, action: UserAction) -> str:
        """The action's keys as the footer would show them, after the keymap."""
        keys = self._user_keymap.get(action.id, action.keys)
        return ", ".join(
            self.get_key_display(Binding(key.strip(), action.action))
            for key in keys.split(",")
            if key.strip()
        )

    def _focused_pane(self) -> str:
        node: Widget | None = self.focused
        while node is not None:
            if node.id in PANES:
                return node.id or "chat"
            node = node.parent if isinstance(node.parent, Widget) else None
        return self.active_pane

    def action_backend(self) -> None:
        hint = "restart without --local" if self.backend == "local" else "restart with --local"
        self.emit(Notice(f"The backend is {self.backend}; to switch, {hint}."))

    def action_list_commands(self) -> None:
        self.query_one(ChatPane).log_view.add_markdown(help_markdown())

    def action_config(self) -> None:
        lines = self._config_lines or ["No configuration was loaded."]
        # What may have changed since the start, read now rather than from the start-up snapshot.
        live = [
            f"skill now: {self.skill.id}",
            f"backend: {self.backend}",
            f"session now: {self.session_id or 'none yet'}",
            f"renders saved this run: {len(self.downloads)}",
        ]
        self.query_one(ChatPane).log_view.add_markdown(
            "\n".join(f"- {line}" for line in [*lines, *live])
        )

    def action_cancel_export(self, render_id: str | None = None) -> None:
        """Cancel the render of this row (a key on it), else the focused row's, else the newest
        in flight (the palette's "Cancel export")."""
        target = render_id or self.query_one(StatusPane).focused_render()
        self._call_once(
            lambda core: core.cancel_render(target),
            "cancel",
            "cancel export",
            "Already cancelling an export.",
        )

    def action_retry_export(self, render_id: str) -> None:
        self._call_once(
            lambda core: self._retry(core, render_id),
            "export",
            "retry export",
            "Already starting an export: it is on its way.",
        )

    async def _retry(self, core: SessionCore, render_id: str) -> None:
        new_id = await core.retry_render(render_id)
        if new_id is not None:
            self.follow_render(new_id)

    def _project_link(self) -> str | None:
        """The gateway's page of this project, else the last link offered (the claim link)."""
        web = self.core.web_link() if self.core is not None else None
        return web or self.link

    def action_copy_link(self) -> None:
        link = self._project_link()
        if not link:
            self.emit(Notice("No link yet: one is offered once a session starts."))
            return
        copy_with_osc52(self, link)
        self.notify("Copied the link (OSC 52: your terminal must allow clipboard writes).")

    def action_open_link(self) -> None:
        link = self._project_link()
        if not link:
            self.emit(Notice("No link yet: one is offered once a session starts."))
            return
        if not browser_available():
            self.emit(Notice(f"No browser on this machine: the link is {link}", "warning"))
            return
        self.open_url(link)

    def action_open_project(self) -> None:
        """Fetch the project list, then show it; the chosen one is opened in the session group
        (like a new session: never cancelled by a second press)."""
        self._call(self._list_projects, "projects", "project list")

    async def _list_projects(self, core: SessionCore) -> None:
        entries = await core.projects()
        self.push_screen(ProjectList(entries, core.api_kind), self._project_chosen)

    def _project_chosen(self, entry: ProjectEntry | None) -> None:
        if entry is not None:
            self._call(lambda core: core.open_project(entry), "session", "open project")
        self.query_one(ChatInput).focus()

    def action_copy_answer(self) -> None:
        answer = self.query_one(ChatPane).log_view.last_answer()
        if not answer:
            self.emit(Notice("There is no answer to copy yet."))
            return
        self.copy_to_clipboard(answer)
        self.notify("Copied the last answer (OSC 52: your terminal must allow clipboard writes).")

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Textual's action, saving to the working directory by default and saying where."""
        saved = self.save_screenshot(filename, path or str(Path.cwd()))
        self.notify(f"Screenshot saved to {saved}")

    # --- input ------------------------------------------------------------------------------------

    @on(Input.Submitted, "#chat-input")
    async def _submitted(self, event: Input.Submitted) -> None:
        chat_input = self.query_one(ChatInput)
        text = event.value.strip()
        chat_input.value = ""
        if not text:
            return
        chat_input.remember(text)
        # Whatever the person scrolled back to read, what they just sent is where they look now.
        self.query_one(ChatPane).log_view.anchor()
        try:
            command = parse_slash(text)
        except SlashError as error:
            self.emit(Notice(str(error), "warning"))
            return
        if command is None:
            self.say(text)
        else:
            await self.run_action(command.textual_action)

    def action_upload_selection(self) -> None:
        paths = self.query_one(MediaTree).selected
        if not paths:
            self.emit(Notice("Nothing selected: select files in the file pane with space first."))
            return
        self.upload(paths)

    @on(UploadRequested)
    def _upload_requested(self, event: UploadRequested) -> None:
        self.upload(event.paths)

    async def action_quit(self) -> None:
        if self.core is not None:
            await self.core.aclose()
        self.exit(0)
