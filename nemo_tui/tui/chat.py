"""The chat pane: the conversation (your lines, the agent's streamed Markdown, dim tool activity,
"Still working...", silent-edit summaries, the agent's questions, one-line notices) and the input
with its history.

Agent text streams into Markdown widgets (see `answer`), so a long answer costs linear time. The
log keeps about `MAX_WIDGETS` widgets (older messages, and the start of a very long answer, are
removed, and a line at the top says so), so a session of thousands of messages, or an answer of
thousands of paragraphs, stays as fast as a new one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widget import AwaitMount, Widget
from textual.widgets import Collapsible, Input, Static

from nemo_tui.api.questions import Question
from nemo_tui.core.persistence import ChatEntry
from nemo_tui.core.updates import NoticeLevel
from nemo_tui.skills import Skill
from nemo_tui.tui.actions import bindings
from nemo_tui.tui.answer import AgentMarkdown, StreamedAnswer
from nemo_tui.tui.link import link_of
from nemo_tui.tui.pane import Pane
from nemo_tui.tui.question import QuestionCard
from nemo_tui.tui.virtual_size import repainting_virtual_size

MAX_WIDGETS = 120
# The newest few stay whatever they weigh: a long answer must not vanish under the next notice.
KEEP_NEWEST = 4
# The person counts as typing for this long after a key (see `answer`).
TYPING_SECONDS = 0.3
HISTORY_LIMIT = 500

NOTICE_STYLE: dict[str, str] = {"info": "", "warning": "yellow", "error": "bold red"}
NOTICE_MARK: dict[str, str] = {"info": "·", "warning": "!", "error": "✗"}


class ChatInput(Input):
    """The message line: enter sends, up/down walk through what was sent before."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("chat")

    # Input sets its virtual size (its text's width) on every key: without this, a full layout
    # per key, 5-10 ms, far more while an answer streams.
    virtual_size = repainting_virtual_size()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="Describe the video, or /help", id=id)
        self._examples: list[str] = []
        self._sent: list[str] = []
        self._position = 0
        self._draft = ""

    @property
    def history(self) -> list[str]:
        """Oldest first: the skill's examples (first example nearest the sent lines), then what
        was sent, so up reaches the last message first and the examples after the sent ones."""
        return [*reversed(self._examples), *self._sent]

    def remember(self, line: str) -> None:
        if line and (not self._sent or self._sent[-1] != line):
            self._sent.append(line)
            del self._sent[:-HISTORY_LIMIT]
        self._position = len(self.history)
        self._draft = ""

    def seed(self, examples: tuple[str, ...]) -> None:
        """The example prompts reachable with up (they change with the skill)."""
        self._examples = list(examples)
        self._position = len(self.history)

    def action_leave(self) -> None:
        """Escape: focus moves to the chat's messages, so single-letter keys work again."""
        self.screen.query_one(ChatLog).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the agent answers, Escape stops it (the app's binding) instead.
        if action == "leave":
            return not self.screen.query_one(ChatLog).turn_running()
        return True

    def action_history(self, step: int) -> None:
        history = self.history
        if not history:
            return
        if self._position == len(history):
            self._draft = self.value
        self._position = min(max(self._position + step, 0), len(history))
        self.value = history[self._position] if self._position < len(history) else self._draft
        self.cursor_position = len(self.value)


class UserLine(Static):
    """What the person sent."""

    def __init__(self, text: str) -> None:
        super().__init__(Text.assemble(("you ", "bold"), text), classes="user-line")


class NoticeLine(Static):
    """A one-line notice: info, warning or error; also used for silent-edit summaries."""

    def __init__(self, text: str, level: NoticeLevel = "info", *, classes: str = "") -> None:
        line = Text.assemble((NOTICE_MARK[level] + " ", NOTICE_STYLE[level]), text)
        super().__init__(line, classes=f"notice -{level} {classes}".strip())


class ActivityLines(Collapsible):
    """A turn's tool calls and results, folded into one dim line that opens on enter."""

    def __init__(self) -> None:
        self._lines = Static("", classes="activity-body")
        super().__init__(self._lines, title="activity", collapsed=True, classes="activity")
        self._entries: list[str] = []

    def add(self, text: str) -> None:
        self._entries.append(text)
        self._lines.update(Text("\n".join(self._entries), "dim"))
        count = len(self._entries)
        self.title = f"{text}" + (f"  (+{count - 1} more)" if count > 1 else "")


class HiddenAbove(Static):
    """The top line of a log that has dropped its oldest messages."""

    def __init__(self) -> None:
        super().__init__(
            "⋯ Older messages are hidden to keep the chat fast (the session keeps them; "
            "ctrl+p › Copy last answer copies the newest answer whole).",
            classes="elided",
        )


class ExamplePrompts(Static):
    """What a new person sees on an empty chat: the skill, its example prompts and its tip."""

    def __init__(self, skill: Skill) -> None:
        super().__init__(self._prompts_text(skill), id="examples")

    def show_skill(self, skill: Skill) -> None:
        self.update(self._prompts_text(skill))

    @staticmethod
    def _prompts_text(skill: Skill) -> Text:
        text = Text.assemble((skill.title, "bold"), (f"  ({skill.brings})\n\nTry:\n", "dim"))
        for example in skill.examples:
            text.append(f"  › {example}\n")
        text.append(f"\n↑ puts an example in the input. Tip: {skill.tip}", "dim")
        return text


@dataclass
class TurnView:
    """The widgets of the turn in progress."""

    turn_id: str
    started: float
    answer: StreamedAnswer | None = None
    activity: ActivityLines | None = None
    still_working: NoticeLine | None = None


class ChatLog(VerticalScroll):
    """The conversation, anchored to the bottom, pruned to the last `MAX_WIDGETS` widgets."""

    virtual_size = repainting_virtual_size()  # one layout per streamed append, not two

    def __init__(self, skill: Skill, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._skill = skill
        self._turns: dict[str, TurnView] = {}
        self._finished: list[StreamedAnswer] = []
        self._last_answer: str | None = None
        self._typed_at = float("-inf")

    def compose(self) -> ComposeResult:
        yield ExamplePrompts(self._skill)

    def on_mount(self) -> None:
        self.anchor()

    async def on_unmount(self) -> None:
        # Each stream is a task of its own: end them with the log so none outlives the app.
        await self._close_finished()
        for turn in self._turns.values():
            if turn.answer is not None:
                await turn.answer.close()

    async def _close_finished(self) -> None:
        answers, self._finished = self._finished, []
        for answer in answers:
            await answer.close()

    def show_skill(self, skill: Skill) -> None:
        self._skill = skill
        for examples in self.query(ExamplePrompts):
            examples.show_skill(skill)

    def add(self, widget: Widget, *, after: Widget | None = None) -> AwaitMount:
        """Append a widget (or put it right `after` another), dropping the examples on the first
        message and the oldest messages beyond the cap, the start of a long answer included:
        every widget in the log costs each layout pass, visible or not. The segment an answer is
        being written into stays."""
        self.query(ExamplePrompts).remove()
        mounted = self.mount(widget, after=after)
        messages = [child for child in self.children if not isinstance(child, HiddenAbove)]
        # A Markdown's blocks are widgets too.
        weights = [1 + len(child.children) for child in messages]
        live = {turn.answer.segments[-1].markdown for turn in self._turns.values() if turn.answer}
        surplus, total = 0, sum(weights)
        while (
            total > MAX_WIDGETS
            and surplus < len(messages) - KEEP_NEWEST
            and messages[surplus] not in live
        ):
            total -= weights[surplus]
            surplus += 1
        if surplus:
            self.remove_children(messages[:surplus])
            if not self.query(HiddenAbove):
                self.mount(HiddenAbove(), before=0)
        return mounted

    def typing(self) -> bool:
        return time.monotonic() - self._typed_at < TYPING_SECONDS

    def link_busy(self) -> bool:
        link = link_of(self.app)
        return link is not None and link.busy()

    def typed(self) -> None:
        """A key changed the input; once it is painted, streaming answers write what is due."""
        self._typed_at = time.monotonic()
        self.call_after_refresh(self._key_painted)

    async def _key_painted(self) -> None:
        for turn in list(self._turns.values()):
            if turn.answer is not None:
                await turn.answer.key_painted()

    def add_after(self, previous: Widget, widget: Widget) -> AwaitMount:
        """The next segment of a streaming answer, kept next to the one before it."""
        return self.add(widget, after=previous)

    def restore(self, history: list[ChatEntry]) -> None:
        """The chat of a resumed session, as it was (only the newest entries fit the cap)."""
        for entry in history[-MAX_WIDGETS:]:
            if entry.role == "user":
                self.add_user(entry.text)
            elif entry.role == "agent":
                self.add_markdown(entry.text)
                self._last_answer = entry.text
            else:
                self.add_notice(entry.text)

    def add_user(self, text: str) -> None:
        self.add(UserLine(text))

    def add_notice(self, text: str, level: NoticeLevel = "info") -> None:
        self.add(NoticeLine(text, level))

    def add_markdown(self, text: str) -> None:
        self.add(AgentMarkdown(text, classes="agent"))

    async def start_turn(self, turn_id: str, text: str) -> None:
        await self._close_finished()
        # A question left unanswered is over once the person says something else.
        for card in self.query(QuestionCard):
            card.pass_over()
        self.add_user(text)
        self._turns[turn_id] = TurnView(turn_id, time.monotonic())

    def turn_running(self) -> bool:
        return bool(self._turns)

    def elapsed(self) -> float:
        return max((time.monotonic() - turn.started for turn in self._turns.values()), default=0)

    async def agent_text(self, turn_id: str, delta: str, replace: bool) -> None:
        turn = self._turn(turn_id)
        if turn.answer is None:
            markdown = AgentMarkdown(classes="agent")
            # Mounting a Markdown renders its initial text: text given before that would be lost.
            await self.add(markdown)
            turn.answer = StreamedAnswer(markdown, self)
        if replace:
            if delta != turn.answer.text:
                await turn.answer.replace(delta)
        else:
            turn.answer.append(delta)

    async def ask(self, question: Question) -> None:
        """The agent's question, as a choice to make with the keys; it takes the focus."""
        card = QuestionCard(question)
        await self.add(card)
        card.focus()

    def activity(self, turn_id: str, text: str) -> None:
        turn = self._turn(turn_id)
        if turn.activity is None:
            turn.activity = ActivityLines()
            self.add(turn.activity)
        turn.activity.add(text)

    def still_working(self, turn_id: str, elapsed: float) -> None:
        turn = self._turn(turn_id)
        line = f"Still working... ({format_elapsed(elapsed)})"
        if turn.still_working is None:
            turn.still_working = NoticeLine(line, classes="still-working")
            self.add(turn.still_working)
        else:
            turn.still_working.update(Text.assemble(("· ", ""), line))

    async def finish_turn(
        self, turn_id: str, text: str, summary: str | None, cancelled: bool
    ) -> None:
        turn = self._turns.pop(turn_id, None)
        if turn is not None and turn.answer is not None:
            await turn.answer.finish(text)
            self._finished.append(turn.answer)
            self._last_answer = turn.answer.text
        if turn is not None and turn.still_working is not None:
            turn.still_working.remove()
        if cancelled:
            self.add_notice("Stopped. Nothing was resent; the agent may still apply the edit.")
        if summary:
            self.add(NoticeLine(summary, classes="summary"))

    async def close_open_turns(self) -> None:
        """Settle turns whose stream ended without a TurnFinished (the worker failed)."""
        for turn_id in list(self._turns):
            await self.finish_turn(turn_id, "", None, cancelled=False)

    def last_answer(self) -> str | None:
        """The text of the newest agent answer, whole even if it no longer fits the log (for
        copying); the one streaming if there is one."""
        streaming = [turn.answer.text for turn in self._turns.values() if turn.answer]
        return streaming[-1] if streaming else self._last_answer

    def _turn(self, turn_id: str) -> TurnView:
        # An update for a turn we did not see start (e.g. restored) still gets a home.
        return self._turns.setdefault(turn_id, TurnView(turn_id, time.monotonic()))


class ChatPane(Pane):
    """The log, a line saying whether the agent is working, and the input."""

    def __init__(self, skill: Skill, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Chat"
        self._skill = skill
        self._ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        yield ChatLog(self._skill, id="chat-log")
        yield Static("", id="turn-status")
        yield ChatInput(id="chat-input")

    def on_mount(self) -> None:
        self.query_one(ChatInput).seed(self._skill.examples)

    @on(Input.Changed, "#chat-input")
    def _typed(self) -> None:
        self.log_view.typed()

    @property
    def log_view(self) -> ChatLog:
        return self.query_one(ChatLog)

    def show_skill(self, skill: Skill) -> None:
        self._skill = skill
        self.log_view.show_skill(skill)
        self.query_one(ChatInput).seed(skill.examples)

    def turn_started(self) -> None:
        self._tick()
        if self._ticker is None:
            self._ticker = self.set_interval(1.0, self._tick)

    def turn_ended(self) -> None:
        if not self.log_view.turn_running():
            if self._ticker is not None:
                self._ticker.stop()
                self._ticker = None
            self.query_one("#turn-status", Static).update("")

    def _tick(self) -> None:
        elapsed = format_elapsed(self.log_view.elapsed())
        self.query_one("#turn-status", Static).update(
            Text.assemble(
                ("● ", "green"), "agent working ", (elapsed, "bold"), ("  esc stops", "dim")
            )
        )


def format_elapsed(seconds: float) -> str:
    """75.2 -> '1:15'."""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
