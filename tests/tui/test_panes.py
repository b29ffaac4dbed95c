"""The panes, driven by the controller's own update types (the interface the controller calls)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import ProgressBar, Tabs
from textual.worker import WorkerFailed

from nemo_tui.api.models import Credits
from nemo_tui.core.updates import (
    Activity,
    AgentText,
    Connection,
    CreditsChanged,
    DownloadProgress,
    Notice,
    RenderProgress,
    StillWorking,
    TimelineChanged,
    TurnFinished,
    TurnStarted,
    UploadProgress,
)
from nemo_tui.engine.media import samples
from nemo_tui.tui import chat as chat_module
from nemo_tui.tui import timeline as timeline_module
from nemo_tui.tui.answer import AgentMarkdown
from nemo_tui.tui.app import NemoApp
from nemo_tui.tui.chat import ChatInput, ChatLog, HiddenAbove
from nemo_tui.tui.files import MediaTree, UploadRow
from nemo_tui.tui.status import RenderRow
from nemo_tui.tui.timeline import TimelineTree

from .helpers import PROMO_SUMMARY, paste, promo_draft, shown, wait_for_text

AppMaker = Callable[..., NemoApp]
WIDE = (200, 60)


async def test_first_start_shows_skill_examples_and_connecting(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        text = await shown(pilot)
        assert "Connecting..." in text, text
        assert "create-a-video-using-ai" in text, text
        assert "turn these photos and audio" in text, text
        app.emit(Connection("ready", "local", session_id="sess_1234567890abcdef"))
        text = await shown(pilot)
        assert "● ready" in text and "sess_123…" in text and "Connecting" not in text, text


async def test_streamed_answer_lands_in_one_markdown(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        app.emit(TurnStarted("t1", "make a promo"))
        text = await shown(pilot)
        assert "you make a promo" in text, text
        words = [f"word{index} " for index in range(300)]
        for word in words:
            app.emit(AgentText("t1", word))
        text = await shown(pilot)
        assert "agent working" in text, text
        app.emit(Activity("t1", "edit_multitrack"))
        app.emit(TurnFinished("t1", "".join(words)))
        text = await shown(pilot)
        answers = list(app.query(AgentMarkdown))
        assert len(answers) == 1
        assert answers[0].source == "".join(words)
        assert "word299" in text, text  # anchored: the end of the answer is in view
        assert "edit_multitrack" in text, text
        assert "agent working" not in text, text


async def test_final_event_replaces_partial_text(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.emit(TurnStarted("t1", "hi"))
        app.emit(AgentText("t1", "Adding a cross"))
        app.emit(AgentText("t1", "Adding a crossfade between photos.", replace=True))
        app.emit(TurnFinished("t1", "Adding a crossfade between photos."))
        await shown(pilot)
        assert app.query_one(AgentMarkdown).source == "Adding a crossfade between photos."


async def test_silent_edit_summary_and_still_working(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        app.emit(TurnStarted("t1", "add a title"))
        app.emit(StillWorking("t1", 120.0))
        text = await shown(pilot)
        assert "Still working... (2:00)" in text, text
        summary = 'Updated: added track Title "Urban Dreams" (0-3s)'
        app.emit(TurnFinished("t1", "", summary=summary))
        text = await shown(pilot)
        assert summary in text, text
        assert "Still working" not in text, text
        assert not app.query(AgentMarkdown)


async def test_error_notice_is_one_line_in_chat_and_a_toast(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        app.emit(Notice("No credits left: register to get more.", "error"))
        text = await shown(pilot)
        assert "✗ No credits left: register to get more." in text, text
        assert text.count("No credits left") == 2, text  # the chat line and the toast


async def test_timeline_shows_tracks_segments_bars_and_summary(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        app.emit(TimelineChanged(promo_draft(), PROMO_SUMMARY, frozenset({"x1", "s4"})))
        text = await shown(pilot)
        tree = app.query_one(TimelineTree)
        tracks = [node.label.plain for node in tree.root.children]
        assert tracks == ["Video  0-10s  (2)", "BGM  0-10s  (1)  35%", "Title  0-3s  (1)"]
        assert [n.label.plain for n in tree.root.children[0].children] == [
            "photo1.jpg  0-5.5s  fade 0.5s",
            "photo2.jpg  5-10s",
        ]
        assert tree.root.children[2].children[0].label.plain == '"Summer Sale"  0-3s'
        highlighted = [n.label.plain for n in tree.root.children if n.label.spans]
        assert highlighted == ["Title  0-3s  (1)"]
        assert "Title  0-3s  (1)" in text and "photo1.jpg  0-5.5s  fade 0.5s" in text, text
        assert "Timeline (3 tracks)" in text, text
        bar_rows = [line for line in text.splitlines() if "█" in line]
        assert len(bar_rows) == 3, text
        # The title lasts 3 of 10 seconds: its bar is about 30% as long as the video's.
        video, _, title = (row.count("█") for row in bar_rows)
        assert abs(title / video - 0.3) < 0.05


async def test_changed_nodes_fade_back(make_app: AppMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    # Long enough to be seen on a loaded machine, short enough for a test; then polled.
    monkeypatch.setattr(timeline_module, "HIGHLIGHT_SECONDS", 3.0)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.emit(TimelineChanged(promo_draft(), PROMO_SUMMARY, frozenset({"v1"})))
        await pilot.pause()
        tree = app.query_one(TimelineTree)
        assert tree.root.children[0].label.spans
        deadline = time.monotonic() + 15
        while any(node.label.spans for node in tree.root.children):
            assert time.monotonic() < deadline, "the highlight never faded"
            await pilot.pause(0.1)


async def test_credits_render_progress_and_download(make_app: AppMaker, tmp_path: Path) -> None:
    mp4 = samples.make_clip(tmp_path / "render_1.mp4", seconds=2.0)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        app.emit(CreditsChanged(Credits(available=94, frozen=2, total=100)))
        app.emit(RenderProgress("render_1", "processing", 42.0, eta=12.0))
        text = await shown(pilot)
        assert "Credits 94 / 100 (2 frozen)" in text, text
        assert "processing · about 0:12 left" in text, text
        assert app.query_one(RenderRow).query_one(ProgressBar).progress == 42.0
        app.emit(DownloadProgress("render_1", 1000, 4000, mp4))
        text = await shown(pilot)
        assert "downloading 1000 B of 3.9 KB" in text, text
        size = mp4.stat().st_size
        app.emit(DownloadProgress("render_1", size, size, mp4, done=True))
        text = await wait_for_text(
            pilot, lambda text: any(line.count("▀") >= 6 * 4 for line in text.splitlines())
        )
        assert "saved " in text and "render_1.mp4" in text, text
        assert app.downloads == [mp4]


async def test_upload_rows_show_progress_and_refusals(make_app: AppMaker, shoot: Path) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        photo, pdf = shoot / "photo1.jpg", shoot / "notes.pdf"
        app.emit(UploadProgress(photo, 500, 1000))
        app.emit(UploadProgress(pdf, 0, 10, done=True, error="not a photo, clip or audio"))
        text = await shown(pilot)
        assert "✗ notes.pdf: not a photo, clip or audio" in text, text
        assert "50%" in text, text
        app.emit(UploadProgress(photo, 1000, 1000, done=True))
        text = await shown(pilot)
        assert "✓ photo1.jpg uploaded" in text, text
        # A row's `name` is Textual's own (DOMNode.name: none was given); keeping the row's label
        # in `_name` once made it the Label widget.
        rows = list(app.query(UploadRow))
        assert len(rows) == 2 and [row.name for row in rows] == [None, None]


async def test_file_tree_lists_media_and_selects_with_space(
    make_app: AppMaker, shoot: Path
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("f2")
        # The tree reads the folder in a worker: wait for the listing, not just a quiet screen.
        text = await wait_for_text(pilot, lambda text: "voice.m4a  aud" in text)
        assert "clip.mp4  vid" in text and "photo1.jpg  img" in text, text
        assert "notes.pdf" not in text, text
        await pilot.press("down", "space", "down", "space")
        assert app.query_one(MediaTree).selected == [shoot / "clip.mp4", shoot / "photo1.jpg"]
        text = await shown(pilot)
        assert "▣ clip.mp4" in text and "2 selected" in text, text
        await pilot.press("a")
        text = await shown(pilot)
        assert "✗ notes.pdf  not media" in text, text


async def test_highlighted_photo_is_previewed_in_half_blocks(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("f2")
        await shown(pilot)
        await pilot.press("down", "down")
        text = await wait_for_text(pilot, lambda text: "photo1.jpg (image)" in text)
        assert text.count("▀") > 100, text


async def test_chat_log_is_pruned_to_a_bounded_size(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chat_module, "MAX_WIDGETS", 50)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        for index in range(300):
            app.emit(Notice(f"line {index}"))
        text = await shown(pilot)
        log = app.query_one(ChatLog)
        assert len(log.children) == 51  # 50 notices and the line saying older ones are hidden
        assert isinstance(log.children[0], HiddenAbove)
        assert "line 299" in text, text


async def test_input_history_and_slash_commands(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        chat_input = app.query_one(ChatInput)
        await pilot.press("up")
        assert chat_input.value == app.skill.examples[0]
        await pilot.press("down")
        assert chat_input.value == ""
        await paste(pilot, "/bogus")
        await pilot.press("enter")
        text = await shown(pilot)
        assert "Unknown command /bogus: type /help for the list." in text, text
        await pilot.press("up")
        assert chat_input.value == "/bogus"
        chat_input.value = "/help"
        await pilot.press("enter")
        text = await shown(pilot)
        assert "/export" in text and "/skill" in text, text
        chat_input.value = "/skill image-no-generator"
        await pilot.press("enter")
        text = await shown(pilot)
        assert "  image-no-generator · local" in text, text
        assert "create a slideshow video" in text or "Image slideshow" in text, text


async def test_narrow_terminal_shows_one_pane_behind_tabs(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        text = await shown(pilot)
        assert app.query_one(Tabs).display
        # The status pane's frame, not the word "Credits": the footer names that action (^r).
        assert "Describe the video" in text and "╭─ Status" not in text, text
        await pilot.press("f5")
        text = await shown(pilot)
        assert "╭─ Status" in text and "Describe the video" not in text, text


async def test_wide_terminal_shows_all_panes(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        text = await shown(pilot)
        assert not app.query_one(Tabs).display
        for title in ("Files", "Chat", "Timeline", "Status", "Credits"):
            assert title in text, text


async def test_worker_failure_becomes_one_notice(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:

        async def broken() -> None:
            raise ConnectionError("connection refused by 127.0.0.1:9\nsecond line")

        worker = app._start_worker(broken(), group="credits", description="credit refresh")
        with contextlib.suppress(WorkerFailed):
            await worker.wait()
        text = await shown(pilot)
        assert "credit refresh failed: connection refused by 127.0.0.1:9" in text, text
        assert "second line" not in text, text
