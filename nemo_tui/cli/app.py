"""`nemo-tui [PATH] [--local | --api URL] [--demo]`: the TUI, wired to a session controller."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from nemo_tui.api.intents import GuiHints
from nemo_tui.cli.backend import add_backend_options, open_backend
from nemo_tui.cli.demo import make_demo_folder
from nemo_tui.config import describe
from nemo_tui.core.controller import SessionController
from nemo_tui.core.updates import Update
from nemo_tui.skills import DEFAULT_SKILL_ID, SKILLS_BY_ID


def add_app_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", nargs="?", type=Path, default=Path("."), help="folder to pick media from"
    )
    add_backend_options(parser)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="make a folder of sample media and open the app in it on the local engine",
    )


def run_app(args: argparse.Namespace) -> int:
    # Textual is imported only for the TUI, so `run`, `serve` and `config` start faster.
    from nemo_tui.tui.actions import first_key
    from nemo_tui.tui.app import NemoApp
    from nemo_tui.tui.graphics import picture_widget
    from nemo_tui.tui.keymap import check_keymap

    path: Path = args.path.expanduser()
    if args.demo:
        args.local = True
        args.api = None
        print("Making sample media for the demo...", file=sys.stderr)
        path = make_demo_folder(path.resolve())
    if not path.is_dir():
        print(
            f"nemo-tui: {path} is not a folder; give a folder to pick media from", file=sys.stderr
        )
        return 2
    made: list[SessionController] = []
    with open_backend(args) as backend:
        settings = backend.settings
        keymap, problems = check_keymap(settings.keymap)
        for problem in problems:
            print(f"nemo-tui: {problem}", file=sys.stderr)

        def controller(emit: Callable[[Update], None]) -> SessionController:
            made.append(
                SessionController(
                    settings,
                    emit,
                    backend_label=backend.label,
                    # Hints name the key that exports from every pane, the chat input included.
                    hints=GuiHints.for_tui(first_key("export", keymap)),
                    upload_hint="select files in the file pane (space) and press u",
                )
            )
            return made[-1]

        app = NemoApp(
            path.resolve(),
            skill=SKILLS_BY_ID.get(settings.skill) or SKILLS_BY_ID[DEFAULT_SKILL_ID],
            backend=backend.label,
            core_factory=controller,
            keymap=keymap,
            config_lines=describe(settings).splitlines(),
            # Asks the terminal, so it runs before the app reads the keyboard.
            picture=picture_widget(settings.graphics),
        )
        code = app.run() or 0
    if args.local and made and (unfinished := made[-1].pending_renders):
        print(resume_notice(len(unfinished), "--demo" if args.demo else "--local"), file=sys.stderr)
    return code


def resume_notice(count: int, option: str) -> str:
    """What to say on leaving with exports unfinished on the local engine, which keeps rendering
    them in the background (it stays up until its work is done): the app saves them at its next
    start."""
    exports = "An export is" if count == 1 else f"{count} exports are"
    it = "it" if count == 1 else "they"
    return (
        f"nemo-tui: {exports} still rendering in the background; {it} will be saved the next "
        f"time you run `nemo-tui {option}`."
    )
