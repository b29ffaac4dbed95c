"""Canary for `nemo_tui.tui.virtual_size`: what it relies on in Textual, checked on this Textual.

The workaround pays only while Textual lays the screen out whenever a widget's virtual size
changes, and works only while Textual sets that size through the `virtual_size` attribute, so a
descriptor a widget class declares replaces Widget's. If either changes, these fail: drop or
rethink the workaround (see `tests/bench/ui_bench.py --without virtual-size`), not the test.
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.widgets import Static

from nemo_tui.tui.virtual_size import repainting_virtual_size


class Counting(VerticalScroll):
    """Counts the layouts it asks for (`refresh(layout=True)`)."""

    def __init__(self, *children: Static, id: str) -> None:
        super().__init__(*children, id=id)
        self.layouts = 0

    def refresh(self, *regions: Any, layout: bool = False, **options: Any) -> Counting:
        self.layouts += layout
        return super().refresh(*regions, layout=layout, **options)


class Repainting(Counting):
    virtual_size = repainting_virtual_size()


class TwoScrolls(App[None]):
    def compose(self) -> ComposeResult:
        yield Counting(Static("short"), id="plain")
        yield Repainting(Static("short"), id="repainting")


async def test_canary_textual_lays_out_on_a_virtual_size_change_unless_told_not_to() -> None:
    app = TwoScrolls()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        plain, repainting = (
            app.query_one("#plain", Counting),
            app.query_one("#repainting", Counting),
        )
        plain.layouts = repainting.layouts = 0
        plain.virtual_size = Size(40, 500)
        repainting.virtual_size = Size(40, 500)
        assert plain.layouts == 1, "Textual no longer lays out on a virtual size change"
        assert repainting.layouts == 0

        # Textual's own layout sets the size through the class's descriptor: the repainting
        # widget still learns how tall its content is (its scrollbar depends on it).
        for scroll in (plain, repainting):
            await scroll.mount(Static("\n".join(f"line {n}" for n in range(30))))
        await pilot.pause()
        assert repainting.virtual_size.height == plain.virtual_size.height >= 30
        assert repainting.max_scroll_y > 0
