"""PNG screenshots of `nemo-tui play` in a real terminal, Debian's xterm under Xvfb, for the
README: a square clip and the sample clip, in Sixel (`xterm -ti vt340`, chosen with no setting)
and in half blocks (plain `xterm`), each with the picture's measured aspect.

    .venv/bin/python scripts/xterm_screenshots.py   # needs xterm, xvfb and x11-apps (apt-get)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import imageio_ffmpeg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nemo_tui.engine.media import samples  # noqa: E402
from tests.xterm import missing_tools, picture_box, wait_until_shown, x_display, xterm  # noqa: E402

NEMO_TUI = str(Path(sys.executable).parent / "nemo-tui")


def square_clip(path: Path) -> Path:
    subprocess.run(
        [
            *(imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi"),
            *("-i", "color=c=red:s=240x240:d=30:r=15", "-pix_fmt", "yuv420p", str(path)),
        ],
        check=True,
    )
    return path


def main() -> int:
    missing = missing_tools()
    if missing:
        print(f"needs {', '.join(missing)}: apt-get install xterm xvfb x11-apps", file=sys.stderr)
        return 1
    env = {key: value for key, value in os.environ.items() if key != "NEMO_GRAPHICS"}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        clips = {
            "square": square_clip(work / "square.mp4"),
            "clip": samples.make_clip(work / "clip.mp4", seconds=30.0),
        }
        for name, clip in clips.items():
            for kind, vt340 in (("sixel", True), ("halfblocks", False)):
                with (
                    x_display() as display,
                    xterm(
                        display, [NEMO_TUI, "play", str(clip)], env, work / "log", vt340=vt340
                    ) as terminal,
                ):
                    shot = wait_until_shown(terminal, settled=3.0)
                window = shot.getbbox()
                assert window is not None
                shot = shot.crop((0, 0, window[2] + 6, window[3] + 2))
                out = ROOT / "screenshots" / f"xterm-{kind}-{name}.png"
                shot.save(out)
                box = picture_box(shot)
                aspect = (box[2] - box[0]) / (box[3] - box[1]) if box else 0.0
                print(f"{out.relative_to(ROOT)}: picture {box}, {aspect:.3f} wide for 1 tall")
    return 0


if __name__ == "__main__":
    sys.exit(main())
