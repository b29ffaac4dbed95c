"""Write SVG screenshots of the app's main states into `screenshots/`, at 80x24 and 120x40.

The states are the ones the snapshot tests check (tests/tui/states.py): the real app, brought to
each state by the same updates the session controller emits; the project list ("Open project…")
over a filled timeline. Then `nemo-tui play`'s player on a
moving test pattern, paused a second in (not snapshot-tested: which frame is on screen depends on
timing). Run from the repository root:

    .venv/bin/python scripts/screenshots.py [OUTPUT_DIR]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The states live beside the tests that check them; make the repository importable as a whole.
sys.path.insert(0, str(ROOT))

from nemo_tui.engine.media import samples  # noqa: E402
from nemo_tui.tui.player import PlayerApp, VideoPlayer  # noqa: E402
from tests.tui.states import (  # noqa: E402
    STATES,
    State,
    arrange,
    arrange_project_list,
    freeze_clock,
    make_folder,
    state_app,
)

SIZES = ((80, 24), (120, 40))


async def shoot(state: State, size: tuple[int, int], folder: Path, output: Path) -> Path:
    app = state_app(folder)
    async with app.run_test(size=size, notifications=True) as pilot:
        await arrange(state, size[0])(pilot)
        # The narrow layout's tab underline slides to the active tab: shot where it comes to rest
        # (as the snapshot tests see it), not midway.
        await pilot.wait_for_scheduled_animations()
        svg = app.export_screenshot(title=f"nemo-tui: {state.name.replace('_', ' ')}")
    path = output / f"{state.name}-{size[0]}x{size[1]}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


async def shoot_project_list(size: tuple[int, int], folder: Path, output: Path) -> Path:
    app = state_app(folder)
    async with app.run_test(size=size, notifications=True) as pilot:
        await arrange_project_list(size[0])(pilot)
        await pilot.wait_for_scheduled_animations()
        svg = app.export_screenshot(title="nemo-tui: open project")
    path = output / f"project_list-{size[0]}x{size[1]}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


async def shoot_playback(video: Path, size: tuple[int, int], output: Path) -> Path:
    app = PlayerApp(video)
    async with app.run_test(size=size) as pilot:
        player = app.query_one(VideoPlayer)
        while player.position < 1.0 or player.frames_shown < 3:
            await pilot.pause(0.05)
        await pilot.press("space")
        await pilot.pause(0.2)
        svg = app.export_screenshot(title="nemo-tui play")
    path = output / f"playback-{size[0]}x{size[1]}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


async def main(output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    freeze_clock()
    with tempfile.TemporaryDirectory() as scratch:
        folder = make_folder(Path(scratch))
        for state in STATES:
            for size in SIZES:
                print(await shoot(state, size, folder, output))
        for size in SIZES:
            print(await shoot_project_list(size, folder, output))
        video = samples.make_clip(Path(scratch) / "pattern.mp4", 4.0, 640, 360, audio=False)
        for size in SIZES:
            print(await shoot_playback(video, size, output))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots"))
