"""The session controller against the real local engine over loopback: what a person is shown and
what lands on disk, for typical turns, silent edits, bad files, cancelled turns, lost sessions and
a restart in the middle of an export."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import av
import pytest

from nemo_tui.api.draft import TRACK_AUDIO, TRACK_TEXT, TRACK_VIDEO
from nemo_tui.core.updates import (
    AgentText,
    Connection,
    Notice,
    RenderProgress,
    TimelineChanged,
    TurnFinished,
    TurnStarted,
    Update,
    UploadProgress,
)
from nemo_tui.engine.http.server import RunningEngine
from tests.support import controller_for, of_type, recorded_messages, shown_text

TYPICAL = "turn these photos and audio into a 12-second promotional video with transitions"


def photos_and_voice(media_dir: Path) -> list[Path]:
    return [media_dir / f"photo{i}.jpg" for i in range(1, 6)] + [media_dir / "voice.m4a"]


async def test_typical_request_streams_text_and_export_lands_an_mp4(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, media_dir: Path
) -> None:
    updates: list[Update] = []
    controller = controller_for(start_engine().base_url, app_dirs, updates)
    await controller.start()
    assert of_type(updates, Connection)[-1].phase == "ready"

    assert await controller.upload(photos_and_voice(media_dir)) == 6
    await controller.say(TYPICAL)

    started = of_type(updates, TurnStarted)[-1]
    finished = of_type(updates, TurnFinished)[-1]
    assert finished.text and finished.summary is None
    # What the chat shows is the final text exactly once: partial chunks never doubled.
    assert shown_text(updates, started.turn_id) == finished.text
    assert "12" in finished.text
    draft = of_type(updates, TimelineChanged)[-1].draft
    assert [track.tt for track in draft.t] == [TRACK_VIDEO, TRACK_AUDIO]
    assert len(draft.t[0].sg) == 5 and draft.d == 12000

    render_id = await controller.say("export")
    assert render_id is not None
    path = await controller.follow_render(render_id)
    assert path is not None and path.parent == app_dirs / "exports"
    assert of_type(updates, RenderProgress)[-1].status == "completed"
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        assert video.codec_context.name == "h264"
        assert (video.codec_context.width, video.codec_context.height) == (320, 180)
        assert abs(container.duration / av.time_base - 12.0) <= 0.2
        assert len(container.streams.audio) == 1
    assert controller.pending_renders == []
    await controller.aclose()


async def test_gui_phrases_reach_the_person_as_this_apps_actions(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, media_dir: Path
) -> None:
    updates: list[Update] = []
    controller = controller_for(start_engine().base_url, app_dirs, updates)
    await controller.start()
    await controller.upload([media_dir / "photo1.jpg"])
    for request in ("add a title 'One' for 2 seconds", "make it vertical", "make it square"):
        await controller.say(request)
    texts = [finished.text for finished in of_type(updates, TurnFinished)]
    assert not any("Export button" in text for text in texts)
    assert any("press e to export" in text for text in texts), texts
    await controller.aclose()


async def test_silent_edit_reports_what_changed(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, media_dir: Path
) -> None:
    updates: list[Update] = []
    controller = controller_for(start_engine(silent_share=1.0).base_url, app_dirs, updates)
    await controller.start()
    await controller.upload([media_dir / "photo1.jpg", media_dir / "photo2.jpg"])
    await controller.say("create a slideshow video from these images")
    await controller.say("add a title 'Urban Dreams' for 3 seconds")

    finished = of_type(updates, TurnFinished)[-1]
    assert finished.text == ""
    assert finished.summary is not None
    assert finished.summary.startswith("Updated:")
    assert '"Urban Dreams"' in finished.summary and "(0-3s)" in finished.summary
    assert [t.tt for t in controller.draft.t].count(TRACK_TEXT) == 1
    await controller.aclose()


async def test_bad_files_are_named_and_the_rest_still_upload(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, media_dir: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.pdf"
    notes.write_text("not media")
    empty = tmp_path / "empty.jpg"
    empty.touch()
    fake = tmp_path / "fake.jpg"
    fake.write_text("this is text, not a picture")
    updates: list[Update] = []
    controller = controller_for(start_engine().base_url, app_dirs, updates)
    await controller.start()

    accepted = await controller.upload([notes, media_dir / "photo1.jpg", empty, fake, tmp_path])
    assert accepted == 1
    failures = {u.path.name: u.error for u in of_type(updates, UploadProgress) if u.error}
    assert set(failures) == {"notes.pdf", "empty.jpg", "fake.jpg", tmp_path.name}
    for name, error in failures.items():
        assert name in error and "\n" not in error
    notices = [n.text for n in of_type(updates, Notice) if n.level == "warning"]
    assert len(notices) == 4
    await controller.aclose()


async def test_escape_mid_turn_closes_the_stream_and_nothing_is_resent(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, media_dir: Path
) -> None:
    engine = start_engine(chunk_delay=0.2)
    updates: list[Update] = []
    controller = controller_for(engine.base_url, app_dirs, updates)
    await controller.start()
    await controller.upload([media_dir / "photo1.jpg"])

    turn = asyncio.create_task(controller.say(TYPICAL))
    while not of_type(updates, AgentText):
        await asyncio.sleep(0.02)
    turn.cancel()
    with pytest.raises(asyncio.CancelledError):
        await turn

    assert of_type(updates, TurnFinished)[-1].cancelled
    assert recorded_messages(engine.settings.data_dir, controller.session_id) == [TYPICAL]
    # The app goes on: the next message is answered.
    await controller.say("make it square")
    assert of_type(updates, TurnFinished)[-1].text
    await controller.aclose()


async def test_restart_resumes_session_chat_and_render_in_flight(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, media_dir: Path
) -> None:
    engine = start_engine()
    first: list[Update] = []
    controller = controller_for(engine.base_url, app_dirs, first)
    await controller.start()
    await controller.upload([media_dir / "photo1.jpg", media_dir / "photo2.jpg"])
    await controller.say("create a slideshow video from these images")
    render_id = await controller.submit_export()
    session_id = controller.session_id
    await controller.aclose()  # the person quits before the render is followed

    again: list[Update] = []
    reopened = controller_for(engine.base_url, app_dirs, again)
    assert await reopened.start() == [render_id]
    assert reopened.session_id == session_id
    assert [entry.role for entry in reopened.history][:1] == ["notice"]
    assert any(entry.text.startswith("create a slideshow") for entry in reopened.history)
    path = await reopened.follow_render(render_id)
    assert path is not None and path.stat().st_size > 0
    assert reopened.pending_renders == []
    await reopened.aclose()


async def test_a_session_the_backend_lost_is_replaced_and_said(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, tmp_path: Path
) -> None:
    updates: list[Update] = []
    engine = start_engine()
    controller = controller_for(engine.base_url, app_dirs, updates)
    await controller.start()
    # The backend forgets the session (it expired there, say).
    controller.memory.start_session("session-the-backend-lost", "task-lost", "en")
    await controller.aclose()

    after: list[Update] = []
    reopened = controller_for(engine.base_url, app_dirs, after)
    await reopened.start()
    assert reopened.session_id not in (None, "session-the-backend-lost")
    assert any("not found" in n.text for n in of_type(after, Notice))
    assert of_type(after, Connection)[-1].phase == "ready"
    await reopened.aclose()


async def test_another_engine_has_its_own_memory_and_token(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, tmp_path: Path
) -> None:
    """Two engines on loopback are two backends (issue 11): neither's session or token is tried
    on the other, and going back to the first finds its session again."""
    first = start_engine()
    controller = controller_for(first.base_url, app_dirs, [])
    await controller.start()
    first_session = controller.session_id
    await controller.aclose()

    other = start_engine(data_dir=tmp_path / "other-engine")
    after: list[Update] = []
    elsewhere = controller_for(other.base_url, app_dirs, after)
    await elsewhere.start()
    assert elsewhere.session_id not in (None, first_session)
    assert not any("not found" in n.text for n in of_type(after, Notice))
    await elsewhere.aclose()

    back: list[Update] = []
    again = controller_for(first.base_url, app_dirs, back)
    await again.start()
    assert again.session_id == first_session
    assert of_type(back, Connection)[-1].phase == "ready"
    await again.aclose()


async def test_commands_are_routed_before_anything_is_sent(
    start_engine: Callable[..., RunningEngine], app_dirs: Path
) -> None:
    engine = start_engine()
    updates: list[Update] = []
    controller = controller_for(engine.base_url, app_dirs, updates)
    await controller.start()
    assert await controller.say("积分") is None
    assert await controller.say("show tracks") is None
    assert await controller.say("export") is None  # nothing on the timeline yet
    notices = [n.text for n in of_type(updates, Notice)]
    assert notices[0].startswith("Credits: 100 available")
    assert notices[1] == "Timeline is empty"
    assert notices[2].startswith("Nothing to export yet")
    assert not of_type(updates, TurnStarted)
    assert recorded_messages(engine.settings.data_dir, controller.session_id) == []
    await controller.aclose()


async def test_preview_renders_the_timeline_small_and_keeps_only_the_newest(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, media_dir: Path
) -> None:
    updates: list[Update] = []
    controller = controller_for(start_engine().base_url, app_dirs, updates)
    await controller.start()
    assert await controller.preview() is None  # nothing on the timeline yet: said, not sent
    assert of_type(updates, Notice)[-1].text.startswith("Nothing to preview yet")
    await controller.upload(photos_and_voice(media_dir))
    await controller.say(TYPICAL)

    first = await controller.preview(max_height=120)
    assert first is not None and first.is_file()
    with av.open(str(first)) as container:
        video = container.streams.video[0].codec_context
        assert (video.name, video.height) == ("h264", 120)
        assert abs(container.duration / av.time_base - 12.0) <= 0.2
        # The voice, in one channel: a preview's sound costs a quarter of an export's.
        assert container.streams.audio[0].codec_context.channels == 1
    second = await controller.preview(max_height=100)
    assert second is not None and second.is_file() and not first.exists()
    assert controller.pending_renders == []  # a preview is not an export to resume
    await controller.aclose()
