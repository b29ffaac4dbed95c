"""SPEC 4.4's question and answer shapes: what is read from the wire (bounded), how a typed answer
names an option, and the exact answer message."""

from __future__ import annotations

from nemo_tui.api.questions import (
    MAX_OPTIONS,
    MAX_QUESTIONS,
    MAX_TEXT,
    answer_message,
    match_answer,
    parse_question,
)

ARGS = {
    "title": "Before I start",
    "questions": [
        {
            "id": "length",
            "prompt": "How long should it be?",
            "options": [{"id": "a", "label": "15 seconds"}, {"id": "b", "label": "30 seconds"}],
        },
        {
            "id": "extras",
            "prompt": "Which extras?",
            "options": [{"id": "t", "label": "Title"}, {"id": "m", "label": "Music"}],
            "allow_multiple": True,
        },
    ],
}


def test_the_answer_message_is_one_line_per_question_or_skipped() -> None:
    question = parse_question(ARGS)
    assert question is not None
    assert answer_message(question, [[1], [0, 1]]) == (
        "1. How long should it be?: 30 seconds\n2. Which extras?: Title, Music"
    )
    assert answer_message(question, [[0], None]) == (
        "1. How long should it be?: 15 seconds\n2. Which extras?: Skipped"
    )
    assert answer_message(question, [None, []]) == "Skipped"


def test_a_typed_answer_is_a_number_a_label_in_any_case_or_skip() -> None:
    question = parse_question(ARGS)
    assert question is not None
    length, extras = question.items
    assert match_answer(length, "2") == [1]
    assert match_answer(length, " 30 SECONDS ") == [1]
    assert match_answer(length, "skip") == []
    assert match_answer(length, "3") is None and match_answer(length, "45 seconds") is None
    assert match_answer(extras, "music, 1") == [1, 0]


def test_what_the_server_sends_is_bounded_and_cleaned() -> None:
    many = {
        "questions": [
            {
                "prompt": "Pick\x1b[31m one\n",
                "options": [{"label": f"option {n}" + "x" * 500} for n in range(100)],
            }
            for _ in range(50)
        ]
    }
    question = parse_question(many)
    assert question is not None
    assert len(question.items) == MAX_QUESTIONS
    item = question.items[0]
    assert item.prompt == "Pick [31m one" and len(item.options) == MAX_OPTIONS
    assert all(len(option.label) <= MAX_TEXT for option in item.options)


def test_a_question_without_options_is_not_a_question() -> None:
    assert parse_question({"questions": [{"prompt": "Why?", "options": []}]}) is None
    assert parse_question({"questions": "nope"}) is None
    assert parse_question(["not", "a", "dict"]) is None
