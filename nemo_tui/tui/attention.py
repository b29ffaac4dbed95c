"""Calling the person back to the app: the bell and a desktop notification, for the moments worth
leaving another window for (an export finished, the agent asked something).

Desktop notifications are terminal escape sequences: OSC 9 (iTerm2, kitty, WezTerm, Windows
Terminal, ghostty) and OSC 777 (foot, VTE terminals such as GNOME Terminal, urxvt). Terminals that
know neither ignore both. Their text is the app's own words plus names from outside (file names,
the agent's question), so control characters and the field separator are taken out and the
length is bounded: a crafted name cannot end the sequence early and write to the screen.
"""

from __future__ import annotations

import re

MAX_TITLE = 60
MAX_BODY = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# A sentence that asks ends with a question mark, Latin or full-width; sentences end at these.
_QUESTION_MARK = re.compile(r"[?？]")
_SENTENCE_END = re.compile(r"[.!?。！？\n]")


def _clean(text: str, limit: int) -> str:
    flat = _CONTROL.sub(" ", text).replace(";", ",")
    flat = " ".join(flat.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def desktop_notification(title: str, body: str) -> str:
    """The escape sequences that raise a desktop notification in terminals that have them."""
    title, body = _clean(title, MAX_TITLE), _clean(body, MAX_BODY)
    return f"\x1b]9;{title}: {body}\x07\x1b]777;notify;{title};{body}\x07"


def question_in(answer: str) -> str | None:
    """The first question the answer asks the person, if it asks one."""
    # Two forward scans, no backtracking: an answer of any length (a flood of 200,000 characters
    # without a question mark) costs one pass, where a pattern of "a sentence, then ?" tried
    # from every start was quadratic and froze the app at the end of such an answer.
    mark = _QUESTION_MARK.search(answer)
    if mark is None:
        return None
    start = 0
    for end in _SENTENCE_END.finditer(answer, 0, mark.start()):
        start = end.end()
    return answer[start : mark.end()].strip()
