"""A timeline row longer than the pane is cut at its edge; highlighted, it is shown whole."""

from __future__ import annotations

from collections.abc import Callable

from nemo_tui.core.updates import TimelineChanged
from nemo_tui.tui.app import NemoApp

from .helpers import PROMO_SUMMARY, promo_draft, shown

WHOLE = "a-very-long-product-photo-name.jpg  0-5.5s  fade 0.5s  zoom in"


async def test_a_cut_row_is_shown_whole_when_highlighted(make_app: Callable[..., NemoApp]) -> None:
    draft = promo_draft()
    first = draft.t[0].sg[0]
    first.m.name = "a-very-long-product-photo-name.jpg"
    first.m.motion = "zoom_in"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.emit(TimelineChanged(draft, PROMO_SUMMARY, frozenset()))
        text = await shown(pilot)
        assert WHOLE not in text.replace("\n", "")  # the pane is too narrow for the row
        await pilot.press("f4")
        await shown(pilot)
        await pilot.press("down", "down")  # from no row to the track, then its first shot
        text = await shown(pilot)
        # The whole row, wrapped in the timeline pane (the rightmost column of the screen's
        # rows): compared with its spacing folded.
        column = [row.split("│")[-2] for row in text.splitlines() if row.count("│") >= 2]
        flat = " ".join(" ".join(column).split())
        assert " ".join(WHOLE.split()) in flat, text
