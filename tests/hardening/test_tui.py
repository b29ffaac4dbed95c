"""The TUI half of the hardening cases, on the real app and the real local engine: bad files
picked in the file pane are each named with the reason while the rest upload, and the token is
never on screen, even with the configuration shown."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import httpx

from nemo_tui.config import SecretsFile, secrets_path
from nemo_tui.engine.http.server import RunningEngine
from nemo_tui.engine.media import samples
from nemo_tui.skills import MB
from nemo_tui.tui.files import UploadRow
from tests.support import recorded_media
from tests.tui.engine_app import engine_app, select_files, send, wait_ready, wait_turn, wait_until
from tests.tui.helpers import screen_text, shown

ODD_NAME = "ça & $(echo hi).jpg"


def finished(row: UploadRow) -> bool:
    return row.has_class("-done") or row.has_class("-failed")


async def test_bad_files_picked_in_the_ui_are_named_and_the_rest_upload(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "pick"
    folder.mkdir()
    good = samples.make_photo(folder / "good.jpg", 320, 180)
    shutil.copy(good, folder / ODD_NAME)
    shutil.copy(good, folder / "new\nline.jpg")
    (folder / "fake.jpg").write_text("this is text, not a picture")
    (folder / "empty.jpg").touch()
    with (folder / "huge.mp4").open("wb") as handle:
        os.truncate(handle.fileno(), 600 * MB)  # sparse: over the 200 MB image-skill limit
    engine = start_engine()
    app = engine_app(engine.base_url, "image-no-generator", folder, tmp_path / "exports")

    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, app)
        names = ["empty.jpg", "fake.jpg", "good.jpg", "huge.mp4", "new\nline.jpg", ODD_NAME]
        await select_files(pilot, app, names)
        await pilot.press("u")
        await wait_until(
            pilot,
            lambda: len(app.query(UploadRow)) == 6 and all(map(finished, app.query(UploadRow))),
            "every upload to finish",
        )
        rows = {row.path.name: row for row in app.query(UploadRow)}
        assert {name for name, row in rows.items() if row.has_class("-failed")} == {
            "empty.jpg",
            "fake.jpg",
            "huge.mp4",
        }
        text = await shown(pilot)
        assert "empty" in text and "huge.mp4" in text and "fake.jpg" in text
        # A newline in a name is shown escaped: one file, one line.
        assert "new\\nline.jpg uploaded" in text
        assert app.is_running  # one refused file never takes the app down
        session_id = app.core.session_id if app.core else None

    stored = sorted(media.name for media in recorded_media(engine.settings.data_dir, session_id))
    # multipart sends a line break in a name percent-encoded, as browsers do.
    assert stored == ["good.jpg", "new%0Aline.jpg", ODD_NAME]


async def test_the_token_is_never_on_screen(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, media_dir: Path, tmp_path: Path
) -> None:
    engine = start_engine()
    app = engine_app(engine.base_url, "create-a-video-using-ai", media_dir, tmp_path / "exports")

    # Tall enough that the whole configuration, secrets file line included, stays on screen.
    async with app.run_test(size=(120, 70)) as pilot:
        await wait_ready(pilot, app)
        secrets = SecretsFile(secrets_path(), engine.base_url)
        health = httpx.get(f"{engine.base_url}/health", trust_env=False).json()["data"]
        secrets.use_backend(f"instance {health['instance_id']}")
        token = secrets.get_token()
        assert token and token.startswith("nmv_")
        await select_files(pilot, app, ["photo1.jpg"])
        await pilot.press("u")
        await send(pilot, app, "add a title 'Hello' for 2 seconds")
        await wait_turn(pilot, app, "add a title 'Hello' for 2 seconds")
        app.action_config()
        text = await shown(pilot)
        assert "secrets file:" in text  # the configuration is on screen...
        assert token not in text  # ...and the token is not
        assert token not in app.export_screenshot()
        assert token not in screen_text(app)


async def test_control_sequences_from_a_hostile_server_never_reach_the_screen(
    app_dirs: Path, media_dir: Path, tmp_path: Path
) -> None:
    from tests.hardening.hostile_server import HostileServer, hostile_server
    from tests.hardening.test_hostile_server import CONTROL_CHARS, HOSTILE

    server = HostileServer(agent_texts=[f"Clip{HOSTILE} ready", f" now.{HOSTILE}"])
    server.draft["t"][0]["name"] = f"Track{HOSTILE}"
    server.draft["t"][0]["sg"][0]["m"]["name"] = f"shot{HOSTILE}"
    with hostile_server(server) as server:
        app = engine_app(server.base_url, "image-no-generator", media_dir, tmp_path / "exports")
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_ready(pilot, app)
            await send(pilot, app, "make it nice")
            await wait_turn(pilot, app, "make it nice")
            await pilot.press("f4")
            text = await shown(pilot)
            assert "Clip ready now." in text
            strips = app.screen._compositor.render_strips()
            drawn = "".join(segment.text for strip in strips for segment in strip)
            for char in CONTROL_CHARS:
                assert char not in drawn, repr(char)
