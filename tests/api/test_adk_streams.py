"""Every stream of SPEC 4.1-4.4, written from the SPEC (tests/streams.py), served over real
loopback HTTP by the engine's `replay` fault, whole and cut every 7 bytes, and checked where a
person meets it: the client's events, `run_turn`'s updates through the session controller, and
`nemo-tui run`'s stdout and stderr. (The TUI's screen: tests/tui/test_adk_screen.py.)
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from nemo_tui.api.errors import StreamError
from nemo_tui.api.safe_text import terminal_safe
from nemo_tui.api.sse import Asked, CallEnd, StreamEvent, TextDelta
from nemo_tui.api.turns import TurnAssembler
from nemo_tui.cli.run import ConsolePrinter, RunPlan, run_headless
from nemo_tui.config import Settings, open_client
from nemo_tui.core.updates import Notice, QuestionAsked, TurnFinished, TurnStarted, Update
from nemo_tui.engine.http.server import RunningEngine
from tests.streams import CASES, SPLITS, Case, replay_faults
from tests.support import controller_for, of_type, shown_text

StartEngine = Callable[..., RunningEngine]


def _ids(value: object) -> str:
    return value.name if isinstance(value, Case) else f"split-{value or 'none'}"


streams = pytest.mark.parametrize(
    ("case", "chunk_bytes"), [(case, chunk) for case in CASES for chunk in SPLITS], ids=_ids
)
# `nemo-tui run` reads through the same client and turn as above: its whole-stream runs (a second
# pass over what the client level already proved whole) run with `slow`.
run_streams = pytest.mark.parametrize(
    ("case", "chunk_bytes"),
    [
        pytest.param(case, chunk, marks=[pytest.mark.slow] if chunk is None else [])
        for case in CASES
        for chunk in SPLITS
    ],
    ids=_ids,
)


def assembled(events: list[StreamEvent]) -> str:
    turn = TurnAssembler()
    for event in events:
        if isinstance(event, TextDelta):
            turn.feed(event)
        elif isinstance(event, CallEnd):
            turn.close((event.invocation_id, event.author))
    turn.finish()
    return turn.visible_text


@streams
async def test_the_client_reads_the_stream(
    case: Case, chunk_bytes: int | None, start_engine: StartEngine, app_dirs: Path
) -> None:
    engine = start_engine(faults=replay_faults(case, chunk_bytes))
    client = open_client(Settings(api_base=engine.base_url))
    events: list[StreamEvent] = []
    failure: StreamError | None = None
    async with client:
        session = await client.create_session()
        try:
            async with client.run_sse(session.session_id, "hello") as stream:
                async for event in stream:
                    events.append(event)
        except StreamError as error:
            failure = error
    text = assembled(events)
    assert text == case.text
    # Thoughts, progress signals and what follows `done` never even become text events; the
    # noise does, and the assembly drops it.
    assert not any(hidden in text for hidden in case.hidden), text
    if case.said and case.said != "cut short":
        assert failure is not None and case.said in str(failure).lower(), failure
    else:
        assert failure is None, failure
    asked = [event.question for event in events if isinstance(event, Asked)]
    assert [q.items[0].prompt for q in asked] == ([case.asks] if case.asks else [])


@streams
async def test_run_turn_shows_the_text_once_and_says_the_rest(
    case: Case, chunk_bytes: int | None, start_engine: StartEngine, app_dirs: Path
) -> None:
    engine = start_engine(faults=replay_faults(case, chunk_bytes))
    updates: list[Update] = []
    controller = controller_for(engine.base_url, app_dirs, updates)
    await controller.start()
    await controller.say("hello")
    await controller.aclose()
    turn_id = of_type(updates, TurnStarted)[-1].turn_id
    # What a terminal is given: NEL (U+0085) is shown as the newline it means.
    assert shown_text(updates, turn_id) == terminal_safe(case.text)
    finished = of_type(updates, TurnFinished)[-1]
    assert finished.text == terminal_safe(case.text)
    notices = " | ".join(notice.text for notice in of_type(updates, Notice))
    if case.said:
        assert case.said in notices.lower(), notices
    everything = repr(updates)
    assert not any(hidden in everything for hidden in case.hidden), everything
    asked = of_type(updates, QuestionAsked)
    if case.asks:
        assert [update.question.items[0].prompt for update in asked] == [case.asks]
        # A question is not a silent edit: no diff, no "Updated:" line.
        assert finished.summary is None and "Updated" not in notices
        assert controller.pending_question is not None
    else:
        assert asked == []


@run_streams
async def test_nemo_tui_run_prints_the_answer_on_stdout(
    case: Case, chunk_bytes: int | None, start_engine: StartEngine, app_dirs: Path
) -> None:
    engine = start_engine(faults=replay_faults(case, chunk_bytes))
    out, err = io.StringIO(), io.StringIO()
    printer = ConsolePrinter(out, err)
    plan = RunPlan(messages=["hello"], answers=["skip"] if case.asks else [])
    settings = Settings(api_base=engine.base_url, state_poll_interval=0.05)
    await run_headless(settings, plan, printer, "local")
    stdout = out.getvalue()
    if case.asks:
        # Every turn of this replay asks again: the first is skipped as told, later ones take
        # the first option and say so.
        assert stdout == ""
        lines = err.getvalue().splitlines()
        assert f"? {case.asks} -> Skipped" in lines, lines
        assert f"? {case.asks} -> 15 seconds (first option; pass --answer to choose)" in lines
    else:
        assert stdout == terminal_safe(case.text) + "\n"
    if case.said:
        assert case.said in err.getvalue().lower(), err.getvalue()
    assert not any(hidden in stdout + err.getvalue() for hidden in case.hidden)
