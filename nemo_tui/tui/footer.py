"""The footer: the keys that work here, each shown whole or not at all.

Textual's footer lays its keys out in one row and cuts the row where the screen ends, so at 120
columns the last key read "f5 S". This one leaves out, from the end, the keys that would not fit
whole (F1 last of all); the footer lists the most used first, and F1's help has every key.

Textual's footer also builds its keys again on every change of the screen's bindings, which is
every move of the focus, though most moves show the same keys: each build restyles a dozen
widgets (at start-up it happened 11 times). This one builds them only when what it would show
changed.
"""

from __future__ import annotations

from typing import Any

from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from nemo_tui.tui.actions import ACTIONS_BY_ID

HELP_ACTION = ACTIONS_BY_ID["help"].action


def _cells(widget: Widget) -> int:
    """How many columns `widget` takes in the row, margins included. A group's keys add up; a
    margin shared with a neighbour is counted twice, which only errs towards leaving room."""
    if widget.children:
        inside = sum(_cells(child) for child in widget.children)
    else:
        inside = widget.get_content_width(Size(0, 0), Size(0, 0))
    return inside + widget.styles.gutter.width + widget.styles.margin.width


class FittingFooter(Footer):
    """A footer that never shows a key cut short: what does not fit is left out, and built again
    only when the keys it shows change."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._built_for: tuple[object, ...] | None = None

    def _shown(self, screen: Screen[object]) -> tuple[object, ...]:
        """What the footer shows of `screen`'s bindings: a key, its words, whether it works."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip, binding.group)
            for key, (_, binding, enabled, tooltip) in screen.active_bindings.items()
            if binding.show or key == palette
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        unchanged = screen is self.screen and self._shown(screen) == self._built_for
        if self._built_for is not None and unchanged:
            return
        super().bindings_changed(screen)

    async def recompose(self) -> None:
        if self._bindings_ready and self.is_attached:
            self._built_for = self._shown(self.screen)
        await super().recompose()
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        keys = [child for child in self.children if not child.has_class("-command-palette")]
        room = self.size.width - sum(
            _cells(child) for child in self.children if child.has_class("-command-palette")
        )
        # F1 is kept first, wherever it sits: its help lists every key left out.
        for key in sorted(keys, key=lambda key: getattr(key, "action", "") != HELP_ACTION):
            room -= _cells(key)
            key.display = room >= 0
