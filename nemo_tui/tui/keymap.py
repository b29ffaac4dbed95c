"""Key remapping: the `keymap` setting, a `[keymap]` table in config.toml of binding id -> keys
(or `NEMO_KEYMAP` as JSON), e.g.

    [keymap]
    export = "ctrl+e"
    upload = "U"

Terminal multiplexers and SSH clients eat some keys; every binding in the app has an id so any of
them can be moved. Unknown ids and non-string values are reported, not silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping


def check_keymap(
    table: Mapping[str, object], known_ids: set[str]
) -> tuple[dict[str, str], list[str]]:
    """The usable part of the `keymap` setting and one line per problem found in it."""
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in table.items():
        if binding_id not in known_ids:
            problems.append(
                f"[keymap] {binding_id} is not a binding id; "
                f"known ids: {', '.join(sorted(known_ids))}."
            )
        elif not isinstance(keys, str) or not keys.strip():
            problems.append(f"[keymap] {binding_id} needs keys as a string.")
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

    return {
        binding.id
        for owner in (NemoApp, ChatInput, MediaTree, HelpScreen)
        for binding in owner.BINDINGS
        if isinstance(binding, Binding) and binding.id
    }
