"""Key remapping: the `keymap` setting, a `[keymap]` table in config.toml of action id -> keys
(or `NEMO_KEYMAP` as JSON), e.g.

    [keymap]
    export = "ctrl+e"
    upload = "U"

Terminal multiplexers and SSH clients eat some keys; every action with keys has an id in the
action table (`actions`) so any of them can be moved. Unknown ids and non-string values are
reported, not silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping

from nemo_tui.tui.actions import remappable_ids


def check_keymap(table: Mapping[str, object]) -> tuple[dict[str, str], list[str]]:
    """The usable part of the `keymap` setting and one line per problem found in it."""
    known_ids = remappable_ids()
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for action_id, keys in table.items():
        if action_id not in known_ids:
            problems.append(
                f"[keymap] {action_id} is not an action id; "
                f"known ids: {', '.join(sorted(known_ids))}."
            )
        elif not isinstance(keys, str) or not keys.strip():
            problems.append(f"[keymap] {action_id} needs keys as a string.")
        else:
            keymap[action_id] = keys.strip()
    return keymap, problems
