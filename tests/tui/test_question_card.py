"""The question card's keys on their own (SPEC 4.4): digits answer prompt after prompt, space
toggles where several may be chosen, and a card sends once."""

from __future__ import annotations

from textual.app import App, ComposeResult

from nemo_tui.api.questions import Option, Question, QuestionItem
from nemo_tui.tui.question import QuestionCard

SHAPE = QuestionItem(
    "shape", "Which shape?", (Option("a", "16:9"), Option("b", "9:16"), Option("c", "1:1"))
)
EXTRAS = QuestionItem(
    "extras",
    "Anything else?",
    (Option("t", "title"), Option("m", "music"), Option("l", "logo")),
    allow_multiple=True,
)


class CardApp(App[None]):
    def __init__(self, question: Question) -> None:
        super().__init__()
        self.question = question
        self.answers: list[list[list[int] | None]] = []

    def compose(self) -> ComposeResult:
        yield QuestionCard(self.question)

    def on_mount(self) -> None:
        self.query_one(QuestionCard).focus()

    def on_question_card_answered(self, event: QuestionCard.Answered) -> None:
        self.answers.append(event.choices)


async def test_digits_answer_each_prompt_and_space_toggles_several() -> None:
    app = CardApp(Question("", (SHAPE, EXTRAS)))
    async with app.run_test() as pilot:
        # "2" answers the shape and moves on; on the several-answer prompt digits and space
        # toggle: 3 on, 1 on, the cursor's 1 off again with space.
        await pilot.press("2", "3", "1", "space", "down")
        card = app.query_one(QuestionCard)
        assert card.chosen == [[1], [2]]
        assert "[x] 3. logo" in str(card.render()) and "(•) 2. 9:16" in str(card.render())
        await pilot.press("enter", "enter", "escape")
        await pilot.pause()
    assert app.answers == [[[1], [2]]]


async def test_nothing_chosen_where_several_may_be_is_sent_as_skipped() -> None:
    app = CardApp(Question("Extras", (EXTRAS,)))
    async with app.run_test() as pilot:
        await pilot.press("enter")
        await pilot.pause()
    assert app.answers == [[None]]
