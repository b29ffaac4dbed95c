"""What a newcomer meets in the app's first minutes (issue 20), each as they would see it: a new
session forgets what was sent to the old one, a loopback engine offers no claim link that dies
with the app, a cloud out of reach is met with the way to work without it, and the footer fits."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Footer

from nemo_tui.config import Settings
from nemo_tui.core.controller import SessionController
from nemo_tui.core.updates import Update
from nemo_tui.engine.http.server import RunningEngine
from nemo_tui.skills import SKILLS_BY_ID
from nemo_tui.tui.app import NemoApp
from nemo_tui.tui.chat import NoticeLine
from nemo_tui.tui.timeline import TimelineTree

from .engine_app import busy, engine_app, select_files, send, wait_ready, wait_turn, wait_until
from .helpers import shown, wait_for_text

pytestmark = pytest.mark.usefixtures("app_dirs")

StartEngine = Callable[..., RunningEngine]


async def test_a_new_session_clears_the_sent_marks_and_the_files_can_go_again(
    start_engine: StartEngine, shoot: Path, tmp_path: Path
) -> None:
    engine = start_engine()
    app = engine_app(engine.base_url, "image-no-generator", shoot, tmp_path / "exports")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, app)
        await select_files(pilot, app, ["photo1.jpg"])
        await pilot.press("u")
        await wait_until(pilot, lambda: not busy(app, "upload"), "the upload")
        text = await shown(pilot)
        assert "✓ photo1.jpg" in text, text
        first = app.session_id

        await pilot.press("ctrl+n")
        await wait_until(
            pilot,
            lambda: app.session_id not in (None, first) and not busy(app, "session"),
            "the new session",
        )
        text = await shown(pilot)
        assert "Started a new session." in text, text
        assert "✓ photo1.jpg" not in text and "□ photo1.jpg" in text, text

        await select_files(pilot, app, ["photo1.jpg"])
        await pilot.press("u")
        await wait_until(pilot, lambda: not busy(app, "upload"), "the upload again")
        request = "create a slideshow video from these images"
        await send(pilot, app, request)
        await wait_turn(pilot, app, request)
        text = await shown(pilot)
        assert "first to build from them" not in text, text
        tree = app.query_one(TimelineTree)
        await wait_until(pilot, lambda: len(tree.root.children) > 0, "the timeline")
        segments = [leaf.label.plain for track in tree.root.children for leaf in track.children]
        assert any("photo1" in segment for segment in segments), segments
        # Neither the start nor the new session offered a link to this engine's claim page.
        assert app.link is None and "/claim" not in text, text


async def test_a_cloud_out_of_reach_is_one_line_naming_local_and_demo(tmp_path: Path) -> None:
    """Plain `nemo-tui` with no network: the app is on the cloud backend and its server does not
    answer (here a closed port, so no test depends on DNS)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(api_base=f"http://127.0.0.1:{port}")

    def controller(emit: Callable[[Update], None]) -> SessionController:
        return SessionController(settings, emit, backend_label="cloud")

    app = NemoApp(
        tmp_path,
        skill=SKILLS_BY_ID["create-a-video-using-ai"],
        backend="cloud",
        core_factory=controller,
    )
    async with app.run_test(size=(120, 40)) as pilot:
        text = await wait_for_text(pilot, lambda text: "Cannot reach" in text, timeout=30)
        said = [
            str(line.content)
            for line in app.query(NoticeLine)
            if "Cannot reach" in str(line.content)
        ]
        assert len(said) == 1, text
        assert "`nemo-tui --local`" in said[0] and "`nemo-tui --demo`" in said[0], text
        assert "nemo-tui --local" in text, text  # on the screen, not only in a widget


@pytest.mark.parametrize("width", [80, 120])
async def test_the_footer_shows_only_whole_keys_and_always_f1(
    make_app: Callable[..., NemoApp], width: int
) -> None:
    """At 120 columns the footer used to end in "f5 S". Whatever pane has the focus, each key
    it shows is whole, nothing else is on its line, and F1 (which lists every key) is there."""
    app = make_app()
    async with app.run_test(size=(width, 30)) as pilot:
        for pane in ("f2", "f3", "f4", "f5"):
            await pilot.press(pane)
            footer = (await shown(pilot)).splitlines()[-1]
            entries = [
                str(widget.render()).strip()
                for widget in app.query_one(Footer).query("FooterKey, FooterLabel")
                if widget.display and widget.parent.display
            ]
            words = " ".join(entries).split()
            assert footer.replace("▏", " ").split() == words, (pane, footer)
            assert "f1 Help" in entries and "^p palette" in entries, (pane, footer)


async def test_the_footer_is_built_again_only_when_its_keys_change(
    make_app: Callable[..., NemoApp],
) -> None:
    """Textual rebuilt the footer's keys on every change of the bindings (each move of the
    focus, 11 times at start-up), restyling a dozen widgets each time; the same keys stay."""
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("f2")
        footer = app.query_one(Footer)
        keys = list(footer.query("FooterKey"))
        before = [str(key.render()) for key in keys]
        app.refresh_bindings()  # bindings changed, but not what the footer shows
        await pilot.pause()
        assert all(a is b for a, b in zip(footer.query("FooterKey"), keys, strict=True))
        await pilot.press("f3")  # the chat shows other keys than the file pane
        assert [str(key.render()) for key in footer.query("FooterKey")] != before
        assert not any(key.is_attached for key in keys)
