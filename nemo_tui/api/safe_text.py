"""Text from outside (a server's answers and errors, file names) made safe to show on a terminal:
`terminal_safe` strips every control sequence and control character but newline and tab. Called at
each place such text reaches a terminal (stdout, stderr, the TUI), so a hostile agent answer cannot
set the window title, write the clipboard (OSC 52) or wipe the screen.
"""

from __future__ import annotations

import re

# Each alternative is linear: no nested or overlapping repeats, so any text is one pass.
_CONTROL = re.compile(
    # CSI: ESC [ (or the C1 CSI), parameters, intermediates, one final byte.
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    # OSC, DCS, SOS, PM, APC strings, ended by BEL, ESC \ or ST (or the end of the text).
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    # Any other escape: ESC, intermediates, one final byte.
    r"|\x1b[ -/]*[0-~]?"
    # The remaining C0 controls but tab and newline, DEL, and the C1 controls.
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def terminal_safe(text: str) -> str:
    """`text` without control sequences or control characters; newlines and tabs stay, and NEL
    (U+0085, "next line", which SPEC 4.2 keeps as text) is shown as the newline it means."""
    return _CONTROL.sub("", text.replace("\x85", "\n"))
