"""`nemo-tui play FILE`: play a video in this terminal, without the rest of the app."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def run_play(args: argparse.Namespace) -> int:
    # Textual is imported only here, so the other commands start faster.
    from nemo_tui.config import Settings
    from nemo_tui.tui.graphics import picture_widget
    from nemo_tui.tui.player import PlayerApp

    path: Path = args.file.expanduser()
    if not path.is_file():
        print(f"nemo-tui play: {path} is not a file; give an MP4 to play", file=sys.stderr)
        return 2
    # Asks the terminal (when the `graphics` setting allows), so before the app reads keys.
    app = PlayerApp(path, picture=picture_widget(Settings().graphics))
    code = app.run() or 0
    # The player's own process: what is left is the interpreter freeing every object one by one
    # (0.6-1 s after q on a busy machine), which the system does at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def add_play(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "play",
        help="play a video in this terminal (space pauses, arrows seek, q quits)",
        description="Play FILE (an MP4 or any video PyAV reads) in this terminal, at up to "
        "15 frames a second: with its graphics (Sixel, kitty) where it has them, else in half "
        "blocks. Space pauses, left/right seek 1 s, up/down 5 s, q or Escape quits.",
    )
    parser.add_argument("file", type=Path, help="the video to play")
    parser.set_defaults(handler=run_play)
