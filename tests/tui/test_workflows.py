"""Whole workflows through the UI against the real local engine: keys in, MP4 out.

Each skill: select its files in the file pane, upload with `u`, type the skill's typical request,
watch the answer stream into the chat and the tracks appear in the timeline, press `e`, follow the
render to a downloaded MP4 and open it with PyAV. Then: Escape stops a turn without resending it,
and quitting mid-render then reopening resumes the job until its MP4 arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from nemo_tui.engine.http.server import RunningEngine
from nemo_tui.skills import SKILLS_BY_ID
from nemo_tui.tui.answer import AgentMarkdown
from nemo_tui.tui.chat import ChatLog
from nemo_tui.tui.files import MediaTree, UploadRow
from nemo_tui.tui.status import RenderRow
from nemo_tui.tui.timeline import TimelineTree
from tests.support import mp4_facts

from .engine_app import (
    OUTPUT_HEIGHT,
    busy,
    engine_app,
    select_files,
    send,
    wait_ready,
    wait_turn,
    wait_until,
)
from .helpers import shown

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("app_dirs")]

StartEngine = Callable[..., RunningEngine]


@dataclass(frozen=True)
class Workflow:
    skill: str
    files: tuple[str, ...]
    track_names: tuple[str, ...]  # tracks the timeline must show, by name, in any order
    has_audio: bool


WORKFLOWS = (
    Workflow(
        "create-a-video-using-ai",
        ("photo1.jpg", "photo2.jpg", "photo3.jpg", "music.mp3"),
        ("Video",),
        has_audio=True,
    ),
    Workflow("ai-video-maker-sora", (), ("Video",), has_audio=False),
    Workflow("image-no-generator", ("photo1.jpg", "photo2.jpg", "photo3.jpg"), ("Video",), False),
    Workflow(
        "ai-video-maker-gratis",
        ("clip.mp4", "logo.png", "music.mp3", "photo1.jpg"),
        ("Video",),
        has_audio=True,
    ),
    Workflow("image-to-video-by-prompt", ("photo1.jpg",), ("Video",), has_audio=False),
)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda workflow: workflow.skill)
async def test_skill_workflow_through_the_ui(
    workflow: Workflow, start_engine: StartEngine, media_dir: Path, tmp_path: Path
) -> None:
    engine = start_engine()
    downloads = tmp_path / "exports"
    app = engine_app(engine.base_url, workflow.skill, media_dir, downloads)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, app)
        text = await shown(pilot)
        assert f"● ready  {workflow.skill} · local · session" in text, text

        if workflow.files:
            await select_files(pilot, app, list(workflow.files))
            await pilot.press("u")
            await wait_until(pilot, lambda: not busy(app, "upload"), "the upload")
            rows = list(app.query(UploadRow))
            assert [row.path.name for row in rows] == list(workflow.files)
            assert all(row.has_class("-done") for row in rows), [row.classes for row in rows]
            # The row's label once took Textual's own `_name` slot, so `row.name` was a Label.
            assert [row.name for row in rows] == [None] * len(rows)

        request = SKILLS_BY_ID[workflow.skill].typical_request
        await send(pilot, app, request)
        await wait_turn(pilot, app, request)
        (answer,) = app.query(AgentMarkdown)
        assert len(answer.source) > 20, answer.source
        tree = app.query_one(TimelineTree)
        await wait_until(pilot, lambda: len(tree.root.children) > 0, "the timeline")
        track_names = [str(node.label.plain).split("  ")[0] for node in tree.root.children]
        assert set(workflow.track_names) <= set(track_names), track_names
        assert all(node.children for node in tree.root.children if node.label.plain != "")
        text = await shown(pilot)
        assert "Timeline (" in text, text

        await pilot.press("f4", "e")
        await wait_until(pilot, lambda: bool(app.downloads), "the MP4", timeout=120)
        (video,) = app.downloads
        assert video.parent == downloads and video.suffix == ".mp4"
        facts = mp4_facts(video)
        assert facts.video_codec == "h264"
        assert min(facts.width, facts.height) == OUTPUT_HEIGHT
        draft = app.core.draft  # type: ignore[union-attr]
        assert facts.duration == pytest.approx(draft.d / 1000, abs=0.3)
        assert (facts.audio_codec == "aac") == workflow.has_audio, facts
        row = app.query_one(RenderRow)
        assert row.path == video and row.has_class("-done")
        text = await shown(pilot)
        assert "saved" in text, text


async def test_escape_stops_the_turn_and_nothing_is_resent(
    start_engine: StartEngine, media_dir: Path, tmp_path: Path
) -> None:
    # Slow chunks so the answer is still streaming when Escape arrives.
    engine = start_engine(chunk_delay=0.3)
    app = engine_app(engine.base_url, "ai-video-maker-sora", media_dir, tmp_path / "exports")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, app)
        await send(pilot, app, "generate a 10-second video of a sunset over a city skyline")
        log = app.query_one(ChatLog)
        await wait_until(
            pilot, lambda: any(m.source for m in app.query(AgentMarkdown)), "streamed text"
        )
        assert log.turn_running()
        await pilot.press("escape")
        await wait_until(pilot, lambda: not log.turn_running(), "the turn to stop", timeout=10)
        text = await shown(pilot)
        assert "Stopped. Nothing was resent" in text, text
        assert "agent working" not in text, text
        core = app.core
        assert core is not None
        sent = [entry.text for entry in core.history if entry.role == "user"]
        assert sent == ["generate a 10-second video of a sunset over a city skyline"]
        # The app is still usable: the next message gets its own answer.
        await send(pilot, app, "what are my credits")
        await wait_until(
            pilot,
            lambda: "Credits:" in " ".join(str(notice.content) for notice in app.query(".notice")),
            "the credits answer",
        )


async def test_quit_mid_render_then_reopen_resumes_until_the_mp4_arrives(
    start_engine: StartEngine, media_dir: Path, tmp_path: Path
) -> None:
    # A slow x264 preset keeps the render running after the first app has gone.
    engine = start_engine(render_preset="veryslow")
    downloads = tmp_path / "exports"
    skill = "image-no-generator"
    first = engine_app(engine.base_url, skill, media_dir, downloads)
    async with first.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, first)
        await select_files(pilot, first, ["photo1.jpg", "photo2.jpg", "photo3.jpg"])
        await pilot.press("u")
        await wait_until(pilot, lambda: not busy(first, "upload"), "the upload")
        request = SKILLS_BY_ID[skill].typical_request
        await send(pilot, first, request)
        await wait_turn(pilot, first, request)
        await pilot.press("f4", "e")
        await wait_until(pilot, lambda: bool(first.query(RenderRow)), "the render job")
        render_id = first.query_one(RenderRow).render_id
        assert first.core is not None and first.core.pending_renders == [render_id]
        await pilot.press("ctrl+q")
    assert not list(downloads.glob("*.mp4")), "the first run must quit before the download"

    second = engine_app(engine.base_url, skill, media_dir, downloads)
    async with second.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: bool(second.downloads), "the resumed MP4", timeout=180)
        (video,) = second.downloads
        assert video.parent == downloads
        assert mp4_facts(video).video_codec == "h264"
        assert second.query_one(RenderRow).render_id == render_id
        assert second.core is not None and second.core.pending_renders == []
        # The chat of the first run came back with the session.
        text = await shown(pilot)
        assert "create a slideshow video" in text, text


async def test_a_refused_file_is_named_with_its_reason_and_the_rest_upload(
    start_engine: StartEngine, media_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4 not media")
    (folder / "photo1.jpg").write_bytes((media_dir / "photo1.jpg").read_bytes())
    engine = start_engine()
    app = engine_app(engine.base_url, "image-no-generator", folder, tmp_path / "exports")
    async with app.run_test(size=(200, 60)) as pilot:
        await wait_ready(pilot, app)
        await pilot.press("f2", "a")  # show files that are not media too
        await wait_until(pilot, lambda: len(app.query_one(MediaTree).root.children) == 2, "files")
        await select_files(pilot, app, ["notes.pdf", "photo1.jpg"])
        await pilot.press("u")
        await wait_until(pilot, lambda: not busy(app, "upload"), "the upload")
        rows = {row.path.name: row for row in app.query(UploadRow)}
        assert rows["notes.pdf"].has_class("-failed")
        assert rows["photo1.jpg"].has_class("-done")
        text = await shown(pilot)
        assert "✗ notes.pdf:" in text and "✓ photo1.jpg uploaded" in text, text
