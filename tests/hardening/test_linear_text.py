"""Work on text from outside grows with its length, never with its square; proven by counting the
characters handed to regular expressions, not by timing (a noisy machine times nothing reliably).

The engine's intent reading runs every pattern through `engine.agent.words`, on at most `WINDOW`
characters at a time, a bounded number of times per character of the message: whatever a pattern
costs on one window is a constant, so a message costs time in proportion to its length. The client's
GUI-phrase translation re-translates only a bounded tail of a streaming answer, in any language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nemo_tui.api.intents import GuiHints, translate_gui
from nemo_tui.core import turn as client_turn
from nemo_tui.core.turn import TranslatedText
from nemo_tui.engine.agent import words
from nemo_tui.engine.agent.intent import is_undo, read_request

# Pieces that make backtracking patterns work hard: long runs of blanks, digits and letters,
# unclosed quotes, verbs without their objects, CJK text without punctuation.
HOSTILE_PIECES = [
    " ", "   ", "\n", "\t", "1", "12345", ".", ",", "-", "%", "'", '"', "“", "《", "「",
    "make ", "video", "turn ", "and ", "then ", "my ", "photo ", "seconds ", "s ", "第", "张",
    "生成", "点", "视频", "做成", "x" * 40, "a", "undo", "zoom", "fade", "title ", "text ",
    "İ" * 30,
]  # fmt: skip
LONG = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))


def long_texts(pieces: list[str]) -> st.SearchStrategy[str]:
    """Texts of thousands of characters: a generated run of pieces, repeated."""
    run = st.lists(st.sampled_from(pieces), min_size=20, max_size=120).map("".join)
    return st.tuples(run, st.integers(min_value=20, max_value=60)).map(lambda p: p[0] * p[1])


class CountingRe:
    """Stands in for `re` inside `words`: counts each match call and the characters it reads."""

    def __init__(self) -> None:
        self.calls = 0
        self.characters = 0
        self.longest = 0

    def _count(self, text: str) -> None:
        self.calls += 1
        self.characters += len(text)
        self.longest = max(self.longest, len(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)

    def search(self, pattern: Any, string: str, *args: Any, **kwargs: Any) -> Any:
        self._count(string)
        return re.search(pattern, string, *args, **kwargs)

    def match(self, pattern: Any, string: str, *args: Any, **kwargs: Any) -> Any:
        self._count(string)
        return re.match(pattern, string, *args, **kwargs)

    def finditer(self, pattern: Any, string: str, *args: Any, **kwargs: Any) -> Any:
        self._count(string)
        return re.finditer(pattern, string, *args, **kwargs)

    def split(self, pattern: Any, string: str, *args: Any, **kwargs: Any) -> Any:
        self._count(string)
        return re.split(pattern, string, *args, **kwargs)  # noqa: B034

    def sub(self, pattern: Any, repl: Any, string: str, *args: Any, **kwargs: Any) -> Any:
        self._count(string)
        return re.sub(pattern, repl, string, *args, **kwargs)  # noqa: B034


@contextmanager
def counting_words() -> Iterator[CountingRe]:
    counter = CountingRe()
    original = words.re
    words.re = counter  # type: ignore[assignment]
    try:
        yield counter
    finally:
        words.re = original


@LONG
@given(long_texts(HOSTILE_PIECES))
def test_intent_reading_does_work_in_proportion_to_the_message(message: str) -> None:
    with counting_words() as counter:
        read_request(message)
        is_undo(message)
    n = len(message)
    # Every pattern reads at most one window: its cost there is a constant...
    assert counter.longest <= words.WINDOW
    # ...and the windows read add up to a bounded multiple of the message, in number and length.
    assert counter.characters <= 400 * (n + words.WINDOW)
    assert counter.calls <= 150 * (n + words.WINDOW)
    # (and the patterns did read the message: nothing bypasses `words`.)
    assert counter.calls > 0 or not message.strip()


def test_a_pattern_refuses_a_text_longer_than_its_window() -> None:
    too_long = "x" * (words.WINDOW + 1)
    for bounded in (words.first, words.each, words.cut):
        try:
            bounded(words.TITLE, too_long)
        except ValueError as error:
            assert str(words.WINDOW) in str(error)
        else:
            raise AssertionError(f"{bounded.__name__} read {len(too_long)} characters")
    # `found` reads any length, a window at a time, and finds what straddles two windows.
    assert words.found(words.TITLE, "x " * words.WINDOW + "title" + " y" * words.WINDOW)


@contextmanager
def counting_translation() -> Iterator[list[int]]:
    lengths: list[int] = []
    original = client_turn.translate_gui

    def counted(text: str, hints: GuiHints | None = None) -> str:
        lengths.append(len(text))
        return original(text, hints)

    client_turn.translate_gui = counted  # type: ignore[assignment]
    try:
        yield lengths
    finally:
        client_turn.translate_gui = original


def streamed(answer: str, chunk: int = 4) -> str:
    translated = TranslatedText(GuiHints())
    for start in range(0, len(answer), chunk):
        translated.append(answer[start : start + chunk])
    return translated.shown


def test_a_40000_character_chinese_answer_without_sentence_ends_is_translated_linearly() -> None:
    # 点 starts a GUI phrase (点击导出), so every chunk of this answer could change the translation.
    answer = ("我们把照片做成视频点" * 4000)[:40_000]
    with counting_translation() as lengths:
        shown = streamed(answer)
    assert shown == translate_gui(answer)
    assert_bounded_per_chunk(lengths, chunks=len(answer) // 4)


def assert_bounded_per_chunk(lengths: list[int], chunks: int) -> None:
    """Each translation reads a bounded tail, a bounded number of times per chunk: the work per
    chunk is a constant, whatever the answer's length or language."""
    assert max(lengths, default=0) <= 2 * client_turn._LONGEST_TAIL, max(lengths)
    assert len(lengths) <= 3 * chunks + 3


@LONG
@given(long_texts(["点", "击", "导出", "拖", "时间轴", "预览", "的", "click", "the ", "x"]))
def test_translation_work_is_linear_for_any_run_on_text(answer: str) -> None:
    with counting_translation() as lengths:
        shown = streamed(answer, chunk=3)
    assert_bounded_per_chunk(lengths, chunks=-(-len(answer) // 3))
    # The streamed translation shows what translating the whole answer at once shows.
    assert shown == translate_gui(answer)
