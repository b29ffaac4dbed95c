"""A pane of the app: a round border that lights up while the focus is inside it.

The light is set on the pane's own inline styles when focus enters or leaves it, not by a CSS
`:focus-within` rule: Textual restyles every widget under an ancestor that has such a rule on
each focus change: under the chat pane of a long conversation, some 600 widgets on every pane
switch (F2, F3...), and 0.27 s (profiled) on quitting, when the focused input goes. The
dim look is `.pane` in app.tcss; the lit one takes the theme's `border` and `accent` colours,
and follows a change of theme.
"""

from __future__ import annotations

from textual import events, on
from textual.color import Color
from textual.containers import Vertical

_LIT_RULES = ("border_top", "border_right", "border_bottom", "border_left", "border_title_color")


class Pane(Vertical):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="pane")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._show_focus())

    # By the time a blur is handled, the screen has moved focus on: to a sibling here, or out.
    @on(events.DescendantFocus)
    @on(events.DescendantBlur)
    def _show_focus(self) -> None:
        if self.has_focus_within:
            colours = self.app.theme_variables
            self.styles.border = ("round", Color.parse(colours["border"]))
            self.styles.border_title_color = Color.parse(colours["accent"])
        else:
            for rule in _LIT_RULES:
                self.styles.clear_rule(rule)
        self.refresh()
