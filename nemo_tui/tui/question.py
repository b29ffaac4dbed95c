"""The agent's question in the chat (SPEC 4.4): its title, each prompt and its options as a choice
made with the keyboard alone.

Up and down walk through a prompt's options (on a one-answer prompt the option under the cursor is
the choice; past its first or last option they go on to the prompt before or after, choosing
nothing there); left and right go to the prompt before or after; a digit picks that option of the
prompt under the cursor and, on a one-answer prompt, goes on to the next. On a several-answer
prompt space (or the digit) toggles the option. Enter sends, Escape skips. Once sent the card
stays, read-only, showing what was chosen; the app sends the answer (`Answered`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.message import Message
from textual.widget import Widget

from nemo_tui.api.questions import Question
from nemo_tui.tui.actions import bindings


class QuestionCard(Widget, can_focus=True):
    """One `ask_question`, answered in place."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("question")

    @dataclass
    class Answered(Message):
        """The person chose (`choices[i]`: the option indexes for prompt i, None if skipped)."""

        card: QuestionCard
        choices: list[list[int] | None]

    def __init__(self, question: Question) -> None:
        super().__init__(classes="question")
        self.question = question
        # (prompt index, option index) under the cursor.
        self._cursor = (0, 0)
        self._chosen: list[list[int]] = [
            [] if item.allow_multiple else [0] for item in question.items
        ]
        self.answered = False
        self.skipped = False
        self.passed_over = False

    @property
    def chosen(self) -> list[list[int]]:
        return [list(chosen) for chosen in self._chosen]

    def render(self) -> Text:
        text = Text()
        if self.question.title:
            text.append(f"? {self.question.title}\n", "bold")
        cursor = self._cursor if not self.answered else None
        for q, item in enumerate(self.question.items):
            several = "  (choose any)" if item.allow_multiple else ""
            text.append(f"{item.prompt}", "bold")
            text.append(f"{several}\n", "dim")
            for o, option in enumerate(item.options):
                picked = o in self._chosen[q] and not self.skipped
                mark = ("[x]" if picked else "[ ]") if item.allow_multiple else (
                    "(•)" if picked else "( )"
                )  # fmt: skip
                pointer = "❯ " if cursor == (q, o) else "  "
                style = "reverse" if cursor == (q, o) else ("bold" if picked else "")
                text.append(f"{pointer}{mark} {o + 1}. {option.label}\n", style)
        if self.passed_over:
            text.append("Not answered: the conversation went on.", "dim")
        elif self.skipped:
            text.append("Skipped.", "dim")
        elif self.answered:
            text.append("Sent.", "dim")
        else:
            between = " · ←→ questions" if len(self.question.items) > 1 else ""
            text.append(
                f"↑↓ or 1-9 choose{between} · space toggles · enter sends · esc skips", "dim"
            )
        return text

    def action_move(self, step: int) -> None:
        if self.answered:
            return
        q, o = self._cursor
        if 0 <= o + step < len(self.question.items[q].options):
            self._cursor = (q, o + step)
            if not self.question.items[q].allow_multiple:
                self._chosen[q] = [o + step]
            self.refresh(layout=True)
        else:
            self.action_prompt(step)

    def action_prompt(self, step: int) -> None:
        """Go to the prompt before or after, onto its chosen option (nothing is chosen)."""
        if self.answered:
            return
        q = self._cursor[0] + step
        if not 0 <= q < len(self.question.items):
            return
        last = len(self.question.items[q].options) - 1
        chosen = self._chosen[q]
        self._cursor = (q, chosen[0] if chosen else (0 if step > 0 else last))
        self.refresh(layout=True)

    def action_toggle_option(self) -> None:
        if self.answered:
            return
        self._choose(*self._cursor)

    def on_key(self, event: events.Key) -> None:
        # Digits are the options' own numbers, typed like an answer, not bindings to remap.
        if event.character and event.character in "123456789":
            event.stop()
            self.action_pick(int(event.character))

    def action_pick(self, number: int) -> None:
        if self.answered:
            return
        q = self._cursor[0]
        item = self.question.items[q]
        if number > len(item.options):
            return
        self._cursor = (q, number - 1)
        self._choose(q, number - 1)
        if not item.allow_multiple:
            self.action_prompt(1)

    def _choose(self, q: int, o: int) -> None:
        if not self.question.items[q].allow_multiple:
            self._chosen[q] = [o]
        elif o in self._chosen[q]:
            self._chosen[q].remove(o)
        else:
            self._chosen[q] = sorted([*self._chosen[q], o])
        self.refresh(layout=True)

    def action_send(self) -> None:
        self._finish([list(chosen) or None for chosen in self._chosen])

    def action_skip(self) -> None:
        self.skipped = True
        self._finish([None for _ in self._chosen])

    def pass_over(self) -> None:
        """The person said something else instead: the card goes read-only, sending nothing."""
        if not self.answered:
            self.passed_over = True
            self._close()

    def _close(self) -> None:
        self.answered = True
        self.can_focus = False
        self.refresh(layout=True)

    def _finish(self, choices: list[list[int] | None]) -> None:
        """Send once: the card goes read-only, and a second key sends nothing."""
        if self.answered:
            return
        self._close()
        self.post_message(self.Answered(self, choices))
