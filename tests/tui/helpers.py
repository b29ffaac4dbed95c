"""Test helpers for the TUI: what the screen shows, as text, and small drafts to show."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import events
from textual.app import App
from textual.pilot import Pilot

from nemo_tui.api.draft import (
    TRACK_AUDIO,
    TRACK_TEXT,
    TRACK_VIDEO,
    Draft,
    Segment,
    SegmentMeta,
    Track,
    TrackMeta,
    Transition,
)


def screen_text(app: App[object]) -> str:
    """The characters on the screen, row by row, as a person would read them."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def shown(pilot: Pilot[object], rounds: int = 40) -> str:
    """The screen once it stops changing: updates mount widgets, which post more messages, so
    one pause is not always enough."""
    await pilot.pause()
    text = screen_text(pilot.app)
    for _ in range(rounds):
        await pilot.pause(0.02)
        again = screen_text(pilot.app)
        if again == text:
            return text
        text = again
    return text


async def paste(pilot: Pilot[object], text: str) -> None:
    """Give the focused widget `text` the way a terminal delivers a paste. Pilot waits for the
    app to go idle after every key it presses (about 70 ms a key, more in the palette, which
    searches on each), so typing cost a second or two a phrase; tests of typing press keys."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def wait_for_text(
    pilot: Pilot[object], predicate: Callable[[str], bool], timeout: float = 10
) -> str:
    """The screen as soon as `predicate` holds for it (work in threads and workers lands in its own
    time); fails with the screen's text when it never does."""
    deadline = time.monotonic() + timeout
    text = await shown(pilot)
    while not predicate(text):
        if time.monotonic() > deadline:
            raise AssertionError(f"the screen never showed what was expected:\n{text}")
        await pilot.pause(0.05)
        text = screen_text(pilot.app)
    return text


def promo_draft() -> Draft:
    """Two photos with a fade, music at 35%, a three-second title."""
    draft = Draft.blank()
    draft.d = 10000
    draft.t = [
        Track(
            id="v1",
            tt=TRACK_VIDEO,
            m=TrackMeta(name="Video"),
            sg=[
                Segment(
                    id="s1",
                    st=0,
                    d=5500,
                    m=SegmentMeta(name="photo1.jpg", transition=Transition(type="fade", d=500)),
                ),
                Segment(id="s2", st=5000, d=5000, m=SegmentMeta(name="photo2.jpg")),
            ],
        ),
        Track(
            id="a1",
            tt=TRACK_AUDIO,
            m=TrackMeta(name="BGM", role="bgm"),
            sg=[Segment(id="s3", st=0, d=10000, m=SegmentMeta(name="Lo-fi", volume=0.35))],
        ),
        Track(
            id="x1",
            tt=TRACK_TEXT,
            m=TrackMeta(name="Title"),
            sg=[Segment(id="s4", st=0, d=3000, m=SegmentMeta(text="Summer Sale"))],
        ),
    ]
    return draft


PROMO_SUMMARY = (
    "Timeline (3 tracks): 1. Video: photo1.jpg +1 more (0-10s) 2. BGM: Lo-fi (0-10s, 35%) "
    '3. Title: "Summer Sale" (0-3s)'
)
