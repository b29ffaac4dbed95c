"""The screenshot action keeps Textual's signature, so an action string may name the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from nemo_tui.tui.app import NemoApp


async def test_screenshot_action_writes_the_named_svg(
    make_app: Callable[..., NemoApp], tmp_path: Path
) -> None:
    """`screenshot('shot.svg', '<dir>')` (a binding or the keymap can say it) raised TypeError
    while the override dropped Textual's `filename` and `path` parameters."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.run_action(f"screenshot('shot.svg', '{tmp_path}')")
    svg = (tmp_path / "shot.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "nemo-tui" in svg
