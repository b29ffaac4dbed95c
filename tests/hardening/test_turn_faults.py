"""Chat turns against an engine that misbehaves on purpose (the fault switch), through the session
controller as the TUI and `nemo-tui run` use it: a dropped stream, a stalled stream, a token that
expires mid-session, and garbage where JSON was expected."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from nemo_tui.api import client as client_module
from nemo_tui.api.errors import NemoError, ServerError
from nemo_tui.core.updates import Notice, TurnFinished, TurnStarted, Update
from nemo_tui.engine.http.server import RunningEngine
from tests.support import TYPICAL, controller_for, faults, of_type, recorded_messages, shown_text

RUN_SSE = "/run_sse"


def assert_told_once_what_changed(updates: list[Update]) -> TurnFinished:
    """The turn ended early, the person was told so and then what changed, each in one line, and
    the partial answer was shown once (never doubled)."""
    started = of_type(updates, TurnStarted)[-1]
    finished = of_type(updates, TurnFinished)[-1]
    assert finished.turn_id == started.turn_id and not finished.cancelled
    assert finished.summary is not None and finished.summary.startswith("Updated:")
    assert "\n" not in finished.summary
    warnings = [n.text for n in of_type(updates, Notice) if n.level == "warning"]
    assert len(warnings) == 1 and "not resent" in warnings[0] and "\n" not in warnings[0]
    shown = shown_text(updates, started.turn_id)
    assert shown == finished.text
    if shown:
        assert shown.count(shown[:12]) == 1, shown
    return finished


async def test_a_dropped_stream_is_not_resent_and_the_change_is_reported(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, photos: list[Path]
) -> None:
    engine = start_engine(
        chunk_delay=0.01, faults=faults({"path": RUN_SSE, "drop_after_events": 2})
    )
    updates: list[Update] = []
    controller = controller_for(engine.base_url, app_dirs, updates)
    await controller.start()
    assert await controller.upload(photos) == 3

    await controller.say(TYPICAL)

    finished = assert_told_once_what_changed(updates)
    assert finished.text  # two partial chunks arrived before the drop
    assert any("dropped" in n.text for n in of_type(updates, Notice))
    assert controller.draft.is_exportable()
    assert recorded_messages(engine.settings.data_dir, controller.session_id) == [TYPICAL]
    # The controller goes on: the next message is answered in full.
    await controller.say("make it square")
    assert of_type(updates, TurnFinished)[-1].summary is None
    assert recorded_messages(engine.settings.data_dir, controller.session_id) == [
        TYPICAL,
        "make it square",
    ]
    await controller.aclose()


async def test_a_stalled_stream_times_out_and_the_state_is_polled(
    start_engine: Callable[..., RunningEngine],
    app_dirs: Path,
    photos: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The engine keeps the stream open and silent (no keep-alives); the client's read timeout,
    # 15 minutes in the app, is half a second here.
    monkeypatch.setattr(client_module, "SSE_TIMEOUT", httpx.Timeout(5.0, read=0.5), raising=True)
    engine = start_engine(faults=faults({"path": RUN_SSE, "stall_after_events": 0}))
    updates: list[Update] = []
    controller = controller_for(engine.base_url, app_dirs, updates)
    await controller.start()
    await controller.upload(photos)

    began = time.monotonic()
    await controller.say(TYPICAL)

    assert time.monotonic() - began < 10
    finished = assert_told_once_what_changed(updates)
    assert finished.text == ""
    assert recorded_messages(engine.settings.data_dir, controller.session_id) == [TYPICAL]
    await controller.aclose()


async def test_an_expired_token_is_renewed_once_and_the_call_goes_through(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, photos: list[Path]
) -> None:
    # Tokens live one second here; a client may get a new one once the old one has expired.
    engine = start_engine(token_lifetime_seconds=1.0, token_window_seconds=1.0)
    updates: list[Update] = []
    controller = controller_for(engine.base_url, app_dirs, updates)
    await controller.start()
    await controller.upload(photos[:1])
    secrets = (app_dirs / "config" / "secrets.json").read_text()
    time.sleep(1.2)
    updates.clear()

    await controller.say("create a slideshow video from these images")

    assert of_type(updates, TurnFinished)[-1].text
    assert controller.draft.is_exportable()
    assert recorded_messages(engine.settings.data_dir, controller.session_id) == [
        "create a slideshow video from these images"
    ]
    notices = [n.text for n in of_type(updates, Notice)]
    renewed = [text for text in notices if "token" in text]
    assert len(renewed) == 1 and "\n" not in renewed[0]
    new_secrets = (app_dirs / "config" / "secrets.json").read_text()
    assert new_secrets != secrets
    for text in notices:
        assert "nmv_" not in text
    await controller.aclose()


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ('{"code": 0, "data": {"session_id": "s", "state": {"draft": {"t": 5}}}}', "malformed"),
        (
            '{"code": 0, "data": {"session_id": "s", "state": {"draft": {"d": "long"}}}}',
            "malformed",
        ),
        ("<html>502 Bad Gateway</html>", "not JSON"),
        ('{"code": 0, "data": ["not", "a", "state"]}', "malformed"),
    ],
)
async def test_garbage_state_is_one_clear_error_and_the_controller_stays_usable(
    start_engine: Callable[..., RunningEngine],
    app_dirs: Path,
    photos: list[Path],
    body: str,
    said: str,
) -> None:
    engine = start_engine(faults=faults({"path": "/api/state/*", "skip": 1, "body": body}))
    updates: list[Update] = []
    controller = controller_for(engine.base_url, app_dirs, updates)
    await controller.start()
    await controller.upload(photos[:1])  # the first state call: untouched
    before = controller.draft

    with pytest.raises(ServerError) as caught:
        await controller.refresh_state(announce=True)

    assert said in str(caught.value) and "\n" not in str(caught.value)
    assert isinstance(caught.value, NemoError)
    assert controller.draft == before
    await controller.say("create a slideshow video from these images")
    assert of_type(updates, TurnFinished)[-1].text
    assert controller.draft.is_exportable()
    await controller.aclose()


async def test_server_failures_on_a_turn_leave_the_message_unsent_or_sent_once(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, photos: list[Path]
) -> None:
    engine = start_engine(faults=faults({"path": RUN_SSE, "times": 1, "error": 500}))
    updates: list[Update] = []
    controller = controller_for(engine.base_url, app_dirs, updates)
    await controller.start()
    await controller.upload(photos[:1])

    with pytest.raises(ServerError) as caught:
        await controller.say("create a slideshow video from these images")
    assert "HTTP 500" in str(caught.value)
    # A POST that may charge is never retried blindly: the engine never saw the message.
    assert recorded_messages(engine.settings.data_dir, controller.session_id) == []

    await controller.say("create a slideshow video from these images")
    assert recorded_messages(engine.settings.data_dir, controller.session_id) == [
        "create a slideshow video from these images"
    ]
    await controller.aclose()


async def test_refusals_that_say_try_again_are_retried_the_way_spec_8_says(
    start_engine: Callable[..., RunningEngine], app_dirs: Path
) -> None:
    engine = start_engine(
        faults=faults(
            {"path": "/api/state/*", "times": 2, "error": 500},
            {"path": "/api/tasks/*", "skip": 1, "error": 429},
            {"path": "/api/credits/*", "skip": 1, "error": 429, "times": 2},
        )
    )
    updates: list[Update] = []
    controller = controller_for(engine.base_url, app_dirs, updates)
    await controller.start()

    # A GET that failed twice with 500 succeeds on its third try.
    await controller.refresh_state(announce=True)
    assert of_type(updates, Notice)[-1].text == "Timeline is empty"
    # A POST answered 429 waits once and goes through once.
    await controller.new_session()
    assert of_type(updates, Notice)[-1].text == "Started a new session."
    # A second 429 in a row is reported in one line, and the next call works again.
    with pytest.raises(NemoError) as caught:
        await controller.refresh_credits()
    assert "limiting requests" in str(caught.value) and "\n" not in str(caught.value)
    await controller.refresh_credits(announce=True)
    assert of_type(updates, Notice)[-1].text.startswith("Credits: 100 available")
    await controller.aclose()
