"""Walk the demo as a new person would, in tmux, and save each screen as an SVG for the README.

A fresh home (config, app state and engine data in a scratch folder), `nemo-tui --demo` in a
120x40 tmux window, then only keys: go to the files, select the four photos, the voice and the
music, upload; ask for a promo; add a Chinese title; look at the timeline; export (ctrl+e); wait
for the MP4; quit. After each step the screen is captured (`tmux capture-pane -e`, colours
included) and drawn as an SVG by Rich. Run from the repository root (a minute or two: the export
is a real 1080p render):

    .venv/bin/python scripts/demo_walk.py [OUTPUT_DIR]     # default: screenshots/

It exits non-zero, naming the step, when a screen it waits for does not come.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.text import Text

ROOT = Path(__file__).resolve().parent.parent
SESSION = "nemo-demo-walk"
SIZE = (120, 40)
PROMO = "turn these photos and audio into a 30-second promotional video with transitions"
TITLE = "加标题'夏季促销'"


def tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], check=True, capture_output=True, text=True, stdin=subprocess.DEVNULL
    ).stdout


def screen(colours: bool = False) -> str:
    return tmux("capture-pane", "-p", *(["-e"] if colours else []), "-t", SESSION)


def keys(*names: str, pause: float = 0.3) -> None:
    """Press keys by tmux name ("F2", "Space", "Down", "Enter", "C-q") or type literal text."""
    for name in names:
        if re.fullmatch(r"F\d+|Space|Down|Up|Enter|Escape|Tab|C-.", name):
            tmux("send-keys", "-t", SESSION, name)
        else:
            tmux("send-keys", "-t", SESSION, "-l", name)
        time.sleep(pause)


def wait_for(pattern: str, step: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not re.search(pattern, screen()):
        if time.monotonic() > deadline:
            print(screen(), file=sys.stderr)
            sys.exit(f"demo walk: step '{step}': never saw /{pattern}/ on the screen")
        time.sleep(0.5)


def save(name: str, title: str, output: Path) -> Path:
    with open(os.devnull, "w") as nowhere:
        console = Console(
            record=True, width=SIZE[0], force_terminal=True, color_system="truecolor", file=nowhere
        )
        console.print(Text.from_ansi(screen(colours=True).rstrip("\n")), end="")
    path = output / f"demo-{name}.svg"
    path.write_text(console.export_svg(title=f"nemo-tui --demo: {title}"), encoding="utf-8")
    print(path)
    return path


def walk(output: Path, scratch: Path) -> None:
    env = {
        **os.environ,
        "NEMO_CONFIG_DIR": str(scratch / "config"),
        "NEMO_STATE_DIR": str(scratch / "state"),
        "NEMO_ENGINE_DATA_DIR": str(scratch / "engine"),
        "NEMO_DOWNLOAD_DIR": str(scratch / "exports"),
        # Every edit answered in words, so the screens are the same on each run.
        "NEMO_ENGINE_SILENT_SHARE": "0",
    }
    command = f"{sys.executable} -m nemo_tui --demo"
    variables = [f"-e{key}={value}" for key, value in env.items() if key.startswith("NEMO_")]
    size = ["-x", str(SIZE[0]), "-y", str(SIZE[1])]
    tmux("new-session", "-d", "-s", SESSION, *size, "-c", str(scratch), *variables)
    # The window stays after the app quits, so what it prints on leaving can be read.
    tmux("set-option", "-t", SESSION, "remain-on-exit", "on")
    tmux("respawn-pane", "-k", "-t", SESSION, command)
    try:
        wait_for(r"● ready", "first start", 90)
        save("first-start", "first start", output)

        keys("F2")  # the files pane; the tree's first row is the folder itself
        keys("Down", "Down", "Down", "Down", "Space")  # photo1.jpg
        for _ in range(4):  # photo2-4.jpg and voice.m4a
            keys("Down", "Space")
        keys("Up", "Up", "Up", "Up", "Up", "Space")  # music.mp3
        save("files-selected", "photos, voice and music selected", output)
        keys("u")
        wait_for(r"music\.mp3 uploaded", "upload", 60)

        keys("F3", PROMO, "Enter")
        wait_for(r"export when you|满意", "the promo answer")
        # The turn is over once the timeline shows what it built (the answer ends before that).
        wait_for(r"▼ Video", "the promo's timeline")
        save("promo", "the agent builds a promo", output)

        keys(TITLE, "Enter")
        wait_for(r"夏季促销", "the Chinese title")
        keys("F4")
        time.sleep(1)
        save("timeline", "the timeline with the title", output)

        keys("C-e")  # the footer's export key, which works from any pane
        wait_for(r"processing", "export", 60)
        time.sleep(2)
        save("rendering", "a render in progress", output)
        wait_for(r"Saved ", "the saved MP4", 900)
        save("saved", "the MP4 saved", output)
        keys("C-q")
        deadline = time.monotonic() + 30
        while tmux("display-message", "-p", "-t", SESSION, "#{pane_dead}").strip() != "1":
            if time.monotonic() > deadline:
                sys.exit("demo walk: step 'quitting': the app did not exit")
            time.sleep(0.5)
        # What the app printed on leaving (a render to resume, say), as a person would read it.
        print("\n".join(line for line in screen().splitlines() if line.strip()))
    finally:
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True, check=False)


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots"
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nemo-demo-walk-") as scratch:
        walk(output.resolve(), Path(scratch))


if __name__ == "__main__":
    main()
