"""Write SVG screenshots of the app's main states into `screenshots/`, at 80x24 and 120x40.

The states are the ones the snapshot tests check (tests/tui/states.py): the real app, brought to
each state by the same updates the session controller emits. Run from the repository root:

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

from tests.tui.states import STATES, State, arrange, freeze_clock, make_folder, state_app  # noqa: E402

SIZES = ((80, 24), (120, 40))


async def shoot(state: State, size: tuple[int, int], folder: Path, output: Path) -> Path:
    app = state_app(folder)
    async with app.run_test(size=size, notifications=True) as pilot:
        await arrange(state, size[0])(pilot)
        svg = app.export_screenshot(title=f"nemo-tui: {state.name.replace('_', ' ')}")
    path = output / f"{state.name}-{size[0]}x{size[1]}.svg"
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


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots"))
