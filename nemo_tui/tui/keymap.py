"""Key remapping from config.toml: a `[keymap]` table of binding id -> keys, e.g.

    [keymap]
    export = "ctrl+e"
    upload = "U"

Terminal multiplexers and SSH clients eat some keys; every binding in the app has an id so any of
them can be moved. Unknown ids and non-string values are reported, not silently ignored.
"""

from __future__ import annotations

import tomllib
from pathlib import Path


def load_keymap(config_file: Path | None, known_ids: set[str]) -> tuple[dict[str, str], list[str]]:
    """The keymap in `config_file` and one line per problem found in it."""
    if config_file is None or not config_file.is_file():
        return {}, []
    try:
        table = tomllib.loads(config_file.read_text(encoding="utf-8")).get("keymap", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, [
            f"{config_file}: cannot read the [keymap] table ({exc}); keys are the defaults."
        ]
    if not isinstance(table, dict):
        return {}, [f'{config_file}: [keymap] must be a table of binding id = "keys".']
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in table.items():
        if binding_id not in known_ids:
            problems.append(
                f"{config_file}: [keymap] {binding_id} is not a binding id; "
                f"known ids: {', '.join(sorted(known_ids))}."
            )
        elif not isinstance(keys, str) or not keys.strip():
            problems.append(f"{config_file}: [keymap] {binding_id} needs keys as a string.")
        else:
            keymap[binding_id] = keys.strip()
    return keymap, problems


def known_binding_ids() -> set[str]:
    """The id of every binding in the app, the ones a `[keymap]` table may name."""
    # Imported here: the widgets import this module's neighbours, not the other way round.
    from textual.binding import Binding

    from nemo_tui.tui.app import NemoApp
    from nemo_tui.tui.chat import ChatInput
    from nemo_tui.tui.files import MediaTree
    from nemo_tui.tui.help import HelpScreen
    from nemo_tui.tui.player import PlayerScreen, VideoPlayer
    from nemo_tui.tui.status import RenderRow

    owners = (NemoApp, ChatInput, MediaTree, HelpScreen, PlayerScreen, VideoPlayer, RenderRow)
    return {
        binding.id
        for owner in owners
        for binding in owner.BINDINGS
        if isinstance(binding, Binding) and binding.id
    }
