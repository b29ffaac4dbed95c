"""The translation of a turn's ADK events into the gateway's dialect-B messages, fed with the lines
the engine's own event writer makes (`engine.turn`), so the shapes are the ones the engine sends."""

from __future__ import annotations

from nemo_tui.api.models import FunctionCall, FunctionResponse
from nemo_tui.engine.gateway.dialect_b import DialectB
from nemo_tui.engine.turn import PING, _EventWriter


def translate(lines: list[str]) -> tuple[list[dict[str, object]], bool]:
    dialect = DialectB()
    messages = [message for line in lines for message in dialect.translate(line)]
    return messages, dialect.asked


def test_an_edit_is_chunks_its_complete_text_and_the_tools_around_their_answers() -> None:
    writer = _EventWriter("add a title")
    call = FunctionCall(id="c1", name="edit_multitrack", args={"action": "add_title"})
    partials, final = writer.model_call("Adding the title Urban Dreams now.", [call])
    answers = writer.function_responses([FunctionResponse(id="c1", name="edit_multitrack")])
    closing_partials, closing_final = writer.model_call("Done.")
    messages, asked = translate([*partials, PING, final, answers, *closing_partials, closing_final])
    chunks = [m["text"] for m in messages if m["type"] == "chunk"]
    assert "".join(chunks) == "Adding the title Urban Dreams now.Done."
    assert [m for m in messages if m["type"] != "chunk"] == [
        {"type": "text", "text": "Adding the title Urban Dreams now."},
        {"type": "tool_start", "tool": "edit_multitrack", "args": {"action": "add_title"}},
        {"type": "tool_end", "tool": "edit_multitrack"},
        {"type": "text", "text": "Done."},
    ]
    assert not asked


def test_a_question_is_an_ask_question_message_and_marks_the_turn_as_asking() -> None:
    question = {"id": "q1", "prompt": "Which shape?", "options": [{"id": "a", "label": "1:1"}]}
    call = FunctionCall(id="c2", name="ask_question", args={"title": "T", "questions": [question]})
    partials, final = _EventWriter("make a video").model_call("", [call], long_running=True)
    messages, asked = translate([*partials, final])
    assert messages == [{"type": "ask_question", "title": "T", "questions": [question]}]
    assert asked


def test_an_error_is_one_error_message_and_the_announcement_before_it_says_nothing() -> None:
    lines = _EventWriter("x").error("TurnFailed", "not enough credits", "2001")
    messages, _ = translate(lines)
    assert messages == [{"type": "error", "error": "TurnFailed: not enough credits"}]


def test_thoughts_and_empty_model_calls_say_nothing() -> None:
    _, empty = _EventWriter("x").model_call("")
    thought = 'data: {"content":{"role":"model","parts":[{"text":"hmm","thought":true}]}}\n\n'
    assert translate([empty, thought, PING]) == ([], False)
