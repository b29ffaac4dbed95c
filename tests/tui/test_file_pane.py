"""The file pane as a newcomer uses it: the folder above, new files appearing while it is open (and
on `r`), a mark on files already sent, and the selection count."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from nemo_tui.core.updates import UploadProgress
from nemo_tui.tui.app import NemoApp
from nemo_tui.tui.files import FilePane, MediaTree

from .engine_app import wait_until
from .helpers import shown

AppMaker = Callable[..., NemoApp]


def names(tree: MediaTree) -> list[str]:
    return [node.data.path.name for node in tree.root.children if node.data is not None]


async def test_new_files_appear_while_the_app_is_open(make_app: AppMaker, shoot: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.query_one(MediaTree)
        await wait_until(pilot, lambda: "photo1.jpg" in names(tree), "the listing")
        shutil.copy(shoot / "photo1.jpg", shoot / "arrived.jpg")
        await wait_until(pilot, lambda: "arrived.jpg" in names(tree), "the new file", timeout=15)
        (shoot / "late.jpg").write_bytes((shoot / "photo1.jpg").read_bytes())
        await pilot.press("f2", "r")
        await wait_until(pilot, lambda: "late.jpg" in names(tree), "the file after r", timeout=5)


async def test_backspace_shows_the_folder_above(make_app: AppMaker, shoot: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.query_one(MediaTree)
        await wait_until(pilot, lambda: "photo1.jpg" in names(tree), "the listing")
        await pilot.press("f2", "backspace")
        await wait_until(pilot, lambda: shoot.name in names(tree), "the parent's listing")
        assert str(tree.root.label).rstrip("/") == shoot.parent.name


async def test_sent_files_are_marked_and_the_selection_is_counted(
    make_app: AppMaker, shoot: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.query_one(MediaTree)
        await wait_until(pilot, lambda: "photo2.jpg" in names(tree), "the listing")
        await pilot.press("f2", "down", "space", "down", "space")
        text = await shown(pilot)
        assert "2 selected · u uploads" in text, text
        photo = shoot / "photo1.jpg"
        app.query_one(FilePane).show_progress(UploadProgress(photo, 10, 10, done=True))
        text = await shown(pilot)
        # photo1 was selected and is now sent: the selection is cleared by an upload's start,
        # which this test skips, so take it out by hand to see the sent mark.
        await pilot.press("space")
        text = await shown(pilot)
        assert "✓ photo1.jpg" in text and "□ photo2.jpg" in text, text
