"""Where a streamed Markdown answer may be cut: between blocks, never inside a code fence or an
indented continuation, so each piece renders as it would have as part of the whole."""

from __future__ import annotations

import re

# One write draws at most this many paragraphs: the chat log keeps about 120 widgets, so more
# would be pruned as soon as they were drawn.
DRAWN_BLOCKS = 60

# A line that opens or closes a fenced code block. Counting them is enough to tell whether a point
# is inside a fence: an answer does not nest ``` inside ~~~.
FENCE = re.compile(r"^ {0,3}(?:`{3,}|~{3,})", re.MULTILINE)


def paragraph_break(written: str, fragment: str) -> int | None:
    """The last offset in `fragment` where a new segment may start, after `written` (the
    segment so far): just after a blank line, at text that is not indented (an indented line
    continues a list item or is code) and not inside a code fence. None if there is none."""
    end = len(fragment)
    while (blank := fragment.rfind("\n\n", 0, end)) >= 0:
        start = blank + 2
        end = blank
        if start >= len(fragment) or fragment[start] in " \t\n":
            continue
        if len(FENCE.findall(written + fragment[:start])) % 2 == 0:
            return start
    return None


def undrawn_span(written: str, fragment: str) -> tuple[int, int] | None:
    """For a fragment of more than `DRAWN_BLOCKS` paragraphs, the (start, end) of the part not
    to draw: from the end of its first paragraph (which finishes the segment's last one) to the
    paragraph break that leaves `DRAWN_BLOCKS` paragraphs. None when it is all to be drawn."""
    end = len(fragment)
    for _ in range(DRAWN_BLOCKS):
        end = fragment.rfind("\n\n", 0, end)
        if end < 0:
            return None
    # The last place a new segment may start, up to that break (and the character after it).
    resume = paragraph_break(written, fragment[: end + 3])
    start = fragment.find("\n\n") + 2
    if resume is None or resume <= start:
        return None
    return start, resume
