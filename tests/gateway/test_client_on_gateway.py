"""Our client on the engine's gateway (SPEC 11), over real loopback: HTTP routes with an API key
and chat over the real WebSocket. The same controller as on the skills' API, the same updates."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection

from nemo_tui.api import gateway_chat
from nemo_tui.api.gateway import GatewayClient
from nemo_tui.config import Settings
from nemo_tui.core.controller import SessionController
from nemo_tui.core.updates import CreditsChanged, Notice, TurnFinished, Update
from nemo_tui.engine.http.server import RunningEngine
from tests.support import mp4_facts, of_type, recorded_messages


def new_key() -> str:
    return f"nmv_usr_test_{uuid.uuid4().hex}"


def gateway_controller(
    base_url: str, key: str, app_dirs: Path, updates: list[Update]
) -> SessionController:
    settings = Settings(
        api_base=base_url,
        api_key=key,
        download_dir=app_dirs / "exports",
        render_poll_interval=0.05,
        state_poll_interval=0.05,
        rate_limit_wait=0.05,
        state_dir=app_dirs / "state",
    )
    return SessionController(
        settings, updates.append, backend_label="local gateway", output_height=180
    )


def finished_text(updates: list[Update]) -> list[str]:
    return [update.text for update in of_type(updates, TurnFinished)]


async def test_a_turn_over_the_socket_edits_and_exports(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, data_dir: Path
) -> None:
    engine = start_engine()
    updates: list[Update] = []
    controller = gateway_controller(engine.base_url, new_key(), app_dirs, updates)
    try:
        await controller.start()
        assert controller.api_kind == "gateway"
        assert controller.memory.task_id is not None
        await controller.say("generate a 4-second video of a sunset over a city skyline")
        [said] = finished_text(updates)
        assert said.strip()
        # SPEC 4.2 v3: the gateway's chunks and then their complete `text` are shown once.
        assert said.count(said.strip()[:40]) == 1
        assert controller.draft.is_exportable()
        assert recorded_messages(data_dir, controller.session_id) == [
            "generate a 4-second video of a sunset over a city skyline"
        ]
        render_id = await controller.submit_export()
        assert render_id is not None
        path = await controller.follow_render(render_id)
        assert path is not None and path.exists()
        facts = mp4_facts(path)
        assert facts.video_codec == "h264" and facts.height == 180
        assert 3.5 < facts.duration < 4.5
        link = controller.web_link()
        assert link == (
            f"https://nemovideo.ai/workspace/project/{controller.memory.task_id}/"
            f"{controller.session_id}"
        )
    finally:
        await controller.aclose()


async def test_upload_one_file_a_request_and_the_balance_from_billing(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, media_dir: Path
) -> None:
    engine = start_engine()
    updates: list[Update] = []
    controller = gateway_controller(engine.base_url, new_key(), app_dirs, updates)
    try:
        await controller.start()
        photos = [media_dir / "photo1.jpg", media_dir / "photo2.jpg"]
        assert await controller.upload(photos) == 2
        await controller.say("turn these photos into a 6-second slideshow with transitions")
        assert controller.draft.is_exportable()
        await controller.refresh_credits(announce=True)
        # The gateway's balance (`/billing/balance`) says what was granted and spent.
        credits = of_type(updates, CreditsChanged)[-1].credits
        assert credits.total_granted == 100
        assert credits.total == credits.available + credits.frozen
        said = [notice.text for notice in of_type(updates, Notice)]
        assert f"Credits: {credits.available} available" in said[-1]
        history = await controller.usage_history()
        kinds = {item.kind for item in history.items}
        assert {"grant", "conversation"} <= kinds
    finally:
        await controller.aclose()


async def test_a_question_is_answered_on_the_same_socket(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, media_dir: Path, data_dir: Path
) -> None:
    engine = start_engine()
    opened: list[ClientConnection] = []
    real_open = gateway_chat.GatewayChat._open

    async def counting_open(self: Any, session_id: str) -> ClientConnection:
        socket = await real_open(self, session_id)
        opened.append(socket)
        return socket

    updates: list[Update] = []
    controller = gateway_controller(engine.base_url, new_key(), app_dirs, updates)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(gateway_chat.GatewayChat, "_open", counting_open)
        try:
            await controller.start()
            await controller.upload([media_dir / "photo1.jpg", media_dir / "photo2.jpg"])
            await controller.say("make a video")
            question = controller.pending_question
            assert question is not None and len(question.items) >= 1
            assert not controller.draft.is_exportable()
            await controller.answer([[0] for _ in question.items])
            assert controller.pending_question is None
            assert controller.draft.is_exportable()
        finally:
            await controller.aclose()
    assert len(opened) == 1, "the answer went out on the question's own socket"
    messages = recorded_messages(data_dir, controller.session_id)
    assert messages[0] == "make a video"
    assert messages[1].startswith("1. ")


async def test_escape_aborts_the_turn_and_the_next_message_runs(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, data_dir: Path
) -> None:
    # Slow chunks, so the turn is surely running when it is stopped.
    engine = start_engine(chunk_delay=0.2)
    updates: list[Update] = []
    controller = gateway_controller(engine.base_url, new_key(), app_dirs, updates)
    try:
        await controller.start()
        turn = asyncio.create_task(controller.say("generate a 10-second video of ocean waves"))
        while not any(update.__class__.__name__ == "AgentText" for update in updates):
            await asyncio.sleep(0.02)
        turn.cancel()
        with pytest.raises(asyncio.CancelledError):
            await turn
        assert any(update.cancelled for update in of_type(updates, TurnFinished))
        updates.clear()
        await controller.say("add a title 'After' for 2 seconds")
        [said] = finished_text(updates)
        assert "After" in said or controller.draft.is_exportable()
    finally:
        await controller.aclose()
    assert recorded_messages(data_dir, controller.session_id) == [
        "generate a 10-second video of ocean waves",
        "add a title 'After' for 2 seconds",
    ]


async def test_a_dropped_socket_is_reopened_once_and_nothing_is_resent(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, data_dir: Path
) -> None:
    engine = start_engine(chunk_delay=0.05)
    opened: list[ClientConnection] = []
    real_open = gateway_chat.GatewayChat._open

    async def dropping_open(self: Any, session_id: str) -> ClientConnection:
        socket = await real_open(self, session_id)
        opened.append(socket)
        if len(opened) == 1:
            # The network goes away mid-turn: no close frame, the TCP connection just ends.
            asyncio.get_running_loop().call_later(0.3, socket.transport.abort)
        return socket

    updates: list[Update] = []
    controller = gateway_controller(engine.base_url, new_key(), app_dirs, updates)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(gateway_chat.GatewayChat, "_open", dropping_open)
        patch.setattr(gateway_chat, "RECONNECT_AFTER", 0.05)
        try:
            await controller.start()
            await controller.say("generate a 6-second video of a forest in autumn")
        finally:
            await controller.aclose()
    assert len(opened) == 2, "one reconnect"
    # The turn's end came on the new socket: the edit landed and the message went once.
    assert controller.draft.is_exportable()
    assert recorded_messages(data_dir, controller.session_id) == [
        "generate a 6-second video of a forest in autumn"
    ]


async def test_a_rejected_key_is_one_clear_error_and_never_renewed(
    start_engine: Callable[..., RunningEngine], app_dirs: Path
) -> None:
    engine = start_engine()
    key = "nmv_test_not_a_user_key_0123456789"
    client = GatewayClient(engine.base_url, api_key=key)
    try:
        with pytest.raises(Exception) as caught:
            await client.credits()
    finally:
        await client.aclose()
    message = str(caught.value)
    assert message.startswith("The API key was rejected")
    assert key not in message and key not in repr(caught.value)


async def test_a_second_drop_ends_the_turn_and_the_state_tells_what_changed(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, data_dir: Path
) -> None:
    engine = start_engine(chunk_delay=0.1)
    opened: list[ClientConnection] = []
    real_open = gateway_chat.GatewayChat._open

    async def always_dropping(self: Any, session_id: str) -> ClientConnection:
        socket = await real_open(self, session_id)
        opened.append(socket)
        asyncio.get_running_loop().call_later(0.2, socket.transport.abort)
        return socket

    updates: list[Update] = []
    controller = gateway_controller(engine.base_url, new_key(), app_dirs, updates)
    await controller.start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(gateway_chat.GatewayChat, "_open", always_dropping)
        patch.setattr(gateway_chat, "RECONNECT_AFTER", 0.05)
        try:
            await controller.say("generate a 5-second video of snow falling on a village")
        finally:
            await controller.aclose()
    assert len(opened) == 2, "one reconnect, then no more"
    said = [notice.text for notice in of_type(updates, Notice)]
    assert any("dropped again after reconnecting" in text for text in said), said
    # SPEC 4.3: the state is polled and the person told what changed; nothing was resent.
    [finished] = of_type(updates, TurnFinished)
    assert finished.summary is not None and finished.summary.startswith("Updated:"), finished
    assert controller.draft.is_exportable()
    assert recorded_messages(data_dir, controller.session_id) == [
        "generate a 5-second video of snow falling on a village"
    ]


async def test_the_client_pings_while_a_turn_runs(
    start_engine: Callable[..., RunningEngine], app_dirs: Path
) -> None:
    engine = start_engine(chunk_delay=0.1)
    key = new_key()
    client = GatewayClient(engine.base_url, api_key=key, ping_every=0.05)
    sent: list[str] = []
    real_open = gateway_chat.GatewayChat._open

    async def recording_open(self: Any, session_id: str) -> ClientConnection:
        socket = await real_open(self, session_id)
        real_send = socket.send

        async def send(message: Any, *args: Any, **kwargs: Any) -> None:
            sent.append(message)
            await real_send(message, *args, **kwargs)

        socket.send = send  # type: ignore[method-assign]
        return socket

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(gateway_chat.GatewayChat, "_open", recording_open)
        try:
            session = await client.create_session()
            async with client.run_sse(
                session.session_id, "add a title 'Ping' for 2 seconds"
            ) as events:
                kinds = [type(event).__name__ async for event in events]
        finally:
            await client.aclose()
    assert '{"type": "ping"}' in sent
    assert sent[0].startswith('{"type": "message"')
    assert "KeepAlive" in kinds  # the gateway's pong, a progress signal


async def test_a_preview_renders_through_the_gateway(
    start_engine: Callable[..., RunningEngine], app_dirs: Path
) -> None:
    engine = start_engine()
    controller = gateway_controller(engine.base_url, new_key(), app_dirs, [])
    try:
        await controller.start()
        await controller.say("generate a 2-second video of a lighthouse")
        path = await controller.preview(max_height=120)
    finally:
        await controller.aclose()
    assert path is not None
    facts = mp4_facts(path)
    assert facts.height == 120 and 1.5 < facts.duration < 2.5
