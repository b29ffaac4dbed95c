"""`terminal_safe` at its edges: what a terminal is given of outside text."""

from __future__ import annotations

from nemo_tui.api.safe_text import terminal_safe


def test_escape_sequences_go_and_text_stays() -> None:
    hostile = "title\x1b]0;owned\x07 clip\x1b]52;c;aGk=\x1b\\board \x1b[2Jwipe\x07bell"
    assert terminal_safe(hostile) == "title clipboard wipebell"


def test_line_and_paragraph_separators_are_kept_and_nel_is_a_newline() -> None:
    # SPEC 4.2: U+2028, U+2029 and U+0085 are text. NEL is a C1 control a terminal may act on,
    # so it is given as the newline it means rather than dropped with the other controls.
    assert terminal_safe("a\u2028b\u2029c\u0085d\te\nf") == "a\u2028b\u2029c\nd\te\nf"
