"""A pane of the app: a round border that lights up while the focus is inside it.

The light is set on the pane's own inline styles when focus enters or leaves it, not by a CSS
`:focus-within` rule: Textual restyles every widget under an ancestor that has such a rule on
each focus change, and under the chat pane of a long conversation that was some 600 widgets,
0.27 s for a pane switch (F2, F3...) and again on quitting, when the focused input goes. The
dim look is `.pane` in app.tcss; the lit one takes the theme's `border` and `accent` colours,
and follows a change of theme.
"""

from __future__ import annotations

from textual import events
from textual.color import Color
from textual.containers import Vertical

_LIT_RULES = ("border_top", "border_right", "border_bottom", "border_left", "border_title_color")


class Pane(Vertical):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="pane")
        self._lit = False

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._show(self._lit))

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        self._show(self.has_focus_within)

    def on_descendant_blur(self, _event: events.DescendantBlur) -> None:
        # By the time this runs, the screen has moved focus on: to a sibling in this pane or out.
        self._show(self.has_focus_within)

    def _show(self, lit: bool) -> None:
        self._lit = lit
        if lit:
            colours = self.app.theme_variables
            self.styles.border = ("round", Color.parse(colours["border"]))
            self.styles.border_title_color = Color.parse(colours["accent"])
        else:
            for rule in _LIT_RULES:
                self.styles.clear_rule(rule)
        self.refresh()

    @property
    def lit(self) -> bool:
        """Whether the pane shows that the focus is inside it."""
        return self._lit
