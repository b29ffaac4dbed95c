"""The streamed answer as the person sees it: GUI phrases translated even when a chunk boundary
splits them, and deltas that always add up to the translation of the whole answer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nemo_tui.api.intents import GuiHints, translate_gui
from nemo_tui.core.turn import TranslatedText

HINTS = GuiHints.for_tui()
SENTENCES = (
    "Adding a crossfade between the photos. ",
    "Preview it in the timeline, and click the Export button when you're ready. ",
    "Drag and drop the clips to reorder them! ",
    "可以在时间线中预览，满意后点击导出按钮。",
    "The music sits at 35% under the voice, fading out over the last 1.5 s",
    " and then a long run-on clause with no sentence end at all " * 12,
)


def shown_after(chunks: list[str]) -> str:
    """Apply every (delta, replace) the way a chat view does."""
    text = TranslatedText(HINTS)
    shown = ""
    for chunk in chunks:
        delta, replace = text.append(chunk)
        shown = delta if replace else shown + delta
    assert shown == text.shown
    return shown


def test_a_phrase_split_across_chunks_is_still_translated() -> None:
    shown = shown_after(["Preview it in the timeline, and click the Exp", "ort button now."])
    assert "Export button" not in shown
    assert "press e to export" in shown


@settings(max_examples=60, deadline=None)
@given(
    picks=st.lists(st.integers(0, len(SENTENCES) - 1), min_size=1, max_size=40),
    size=st.integers(1, 9),
)
def test_deltas_add_up_to_the_whole_answer_translated(picks: list[int], size: int) -> None:
    answer = "".join(SENTENCES[i] for i in picks)
    chunks = [answer[i : i + size] for i in range(0, len(answer), size)]
    assert shown_after(chunks) == translate_gui(answer, HINTS)


def test_reset_redraws_the_whole_answer() -> None:
    text = TranslatedText(HINTS)
    text.append("Draft answr")
    assert text.reset("Final answer: click the Export button.") == (
        "Final answer: press e to export."
    )
