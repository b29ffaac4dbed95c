"""A long answer as it streams: split into Markdown segments at paragraph breaks (so its start
can be pruned like any old message), written in small steps between keystrokes while the person
types; and typing itself costs no layout."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.screen import Screen
from textual.widget import Widget

from nemo_tui.core.updates import AgentText, TurnFinished, TurnStarted
from nemo_tui.tui import answer as answer_module
from nemo_tui.tui import chat as chat_module
from nemo_tui.tui import splitting
from nemo_tui.tui.answer import AgentMarkdown, StreamedAnswer, UndrawnText
from nemo_tui.tui.chat import ChatLog, HiddenAbove
from nemo_tui.tui.splitting import paragraph_break

from .helpers import shown
from .test_panes import AppMaker


def count_layouts(monkeypatch: pytest.MonkeyPatch) -> list[Screen[object]]:
    """From now on, one entry per full layout of the screen (the cost typing must not pay)."""
    layouts: list[Screen[object]] = []
    refresh_layout = Screen._refresh_layout

    def counted(screen: Screen[object], *args: object, **kwargs: object) -> None:
        layouts.append(screen)
        refresh_layout(screen, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    return layouts


def paragraph(index: int) -> str:
    return f"Paragraph {index} says what changed in the edit, in a few plain words.\n\n"


def test_a_segment_ends_after_the_last_blank_line_before_plain_text() -> None:
    fragment = "one\n\ntwo\n\nthree"
    assert paragraph_break("", fragment) == fragment.index("three")


def test_no_segment_ends_inside_a_code_fence_or_before_indented_text() -> None:
    written = "Run this:\n\n```\nfirst line\n"
    fragment = "\n\nstill code\n```\n\nafter the code"
    assert paragraph_break(written, fragment) == fragment.index("after")
    assert paragraph_break("", "- item\n\n  the item goes on") is None
    assert paragraph_break("", "a paragraph that ends\n\n") is None


async def test_a_long_answer_streams_into_segments_and_its_start_is_pruned_with_a_note(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small segments and a small cap, so a short answer shows both.
    monkeypatch.setattr(answer_module, "SEGMENT_BLOCKS", 5)
    monkeypatch.setattr(chat_module, "MAX_WIDGETS", 20)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.emit(TurnStarted("t1", "describe every edit"))
        text = ""
        for index in range(40):
            text += paragraph(index)
            app.emit(AgentText("t1", paragraph(index)))
            if index % 4 == 3:
                await pilot.pause(answer_module.FLUSH_SECONDS * 3)
        app.emit(TurnFinished("t1", text))
        screen = await shown(pilot)
        assert "Paragraph 39 says what changed" in screen, screen
        log = app.query_one(ChatLog)
        segments = list(log.query(AgentMarkdown))
        assert len(segments) >= 2
        # The newest segments, in order and next to each other: the end of the answer.
        shown_text = "".join(segment.source for segment in segments)
        assert text.endswith(shown_text)
        assert shown_text.startswith("Paragraph ")
        children = list(log.children)
        first = children.index(segments[0])
        assert children[first : first + len(segments)] == segments
        # Its start was dropped from the log, with a line at the top saying so.
        assert len(shown_text) < len(text)
        assert isinstance(children[0], HiddenAbove)
        assert log.last_answer() == text  # copying still gets all of it


async def test_a_long_answer_redrawn_after_its_start_was_pruned_stays_on_screen(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answer_module, "SEGMENT_BLOCKS", 5)
    monkeypatch.setattr(chat_module, "MAX_WIDGETS", 20)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.emit(TurnStarted("t1", "describe every edit"))
        for index in range(40):
            app.emit(AgentText("t1", paragraph(index)))
            if index % 4 == 3:
                await pilot.pause(answer_module.FLUSH_SECONDS * 3)
        await pilot.pause(answer_module.FLUSH_SECONDS * 3)
        assert isinstance(app.query_one(ChatLog).children[0], HiddenAbove)  # start pruned
        # The final event differs from the partials: the answer is drawn again, as a whole.
        app.emit(TurnFinished("t1", "One short sentence instead."))
        await pilot.pause(answer_module.FLUSH_SECONDS * 5)
        screen = await shown(pilot)
        assert "One short sentence instead." in screen, screen
        assert "Paragraph 39" not in screen


async def test_a_flood_draws_only_what_the_log_keeps_and_says_so(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(splitting, "DRAWN_BLOCKS", 5)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.emit(TurnStarted("t1", "describe every edit"))
        text = "".join(paragraph(index) for index in range(30))
        app.emit(AgentText("t1", text))  # all at once, between two writes
        app.emit(TurnFinished("t1", text))
        screen = await shown(pilot)
        log = app.query_one(ChatLog)
        drawn = "".join(segment.source for segment in log.query(AgentMarkdown))
        assert drawn.startswith(paragraph(0))  # the first finishes what was on screen
        assert drawn.endswith(paragraph(29))
        (note,) = log.query(UndrawnText)
        skipped = int(str(note.render()).split()[1])
        assert drawn.count("Paragraph ") + skipped == 30
        assert paragraph(10) not in drawn
        assert f"⋯ {skipped} paragraphs came in too fast to draw" in screen, screen
        assert "Paragraph 29 says what changed" in screen, screen
        assert log.last_answer() == text


class FakeTimer:
    def stop(self) -> None:
        pass


class Host:
    """The chat log's part, with the timers held for the test to fire and typing switchable."""

    def __init__(self, log: ChatLog) -> None:
        self.log = log
        self.timers: list[Callable[[], Awaitable[None]]] = []
        self.delays: list[float] = []
        self.is_typing = False
        self.is_link_busy = False

    def set_timer(self, delay: float, callback: Callable[[], Awaitable[None]]) -> FakeTimer:
        self.timers.append(callback)
        self.delays.append(delay)
        return FakeTimer()

    def add_after(self, previous: Widget, widget: Widget) -> Awaitable[object]:
        return self.log.add_after(previous, widget)

    def typing(self) -> bool:
        return self.is_typing

    def link_busy(self) -> bool:
        return self.is_link_busy

    async def fire(self) -> None:
        await self.timers.pop()()


async def test_while_typing_writes_wait_for_a_painted_key_and_come_in_small_steps(
    make_app: AppMaker,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        log = app.query_one(ChatLog)
        markdown = AgentMarkdown(classes="agent")
        await log.add(markdown)
        now = [0.0]
        host = Host(log)
        answer = StreamedAnswer(markdown, host, clock=lambda: now[0])

        host.is_typing = True
        answer.append("word " * 2000)  # 10,000 characters at once: a flood
        now[0] = 0.2
        await host.fire()
        await answer.key_painted()
        await pilot.pause()
        assert markdown.source == ""  # held: the person is typing, and it is too soon
        assert host.timers  # ...and the timer will look again

        now[0] = answer_module.TYPING_GAP_SECONDS + 0.05
        await answer.key_painted()
        await pilot.pause()
        assert len(markdown.source) == answer_module.TYPING_WRITE_CHARS  # one small step

        now[0] += 0.2
        await answer.key_painted()
        await pilot.pause()
        assert len(markdown.source) == answer_module.TYPING_WRITE_CHARS  # too soon for another

        now[0] += answer_module.HOLD_SECONDS
        await host.fire()
        await pilot.pause()
        assert len(markdown.source) == 2 * answer_module.TYPING_WRITE_CHARS  # held long enough

        host.is_typing = False
        now[0] += answer_module.FLUSH_SECONDS
        await host.fire()
        await pilot.pause()
        assert markdown.source == "word " * 2000  # typing stopped: the rest at once
        await answer.close()


async def test_after_a_large_write_the_next_waits_longer(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        log = app.query_one(ChatLog)
        markdown = AgentMarkdown(classes="agent")
        await log.add(markdown)
        host = Host(log)
        answer = StreamedAnswer(markdown, host)
        answer.append("a few words ")
        await host.fire()
        answer.append("more ")
        assert host.delays[-1] == answer_module.FLUSH_SECONDS  # small writes: the usual pace
        await host.fire()
        answer.append("word " * 2000)  # 10,000 characters
        await host.fire()
        answer.append("and the rest")
        assert answer_module.FLUSH_SECONDS < host.delays[-1] <= answer_module.MAX_GAP_SECONDS
        await pilot.pause()
        await answer.close()


async def test_over_a_busy_link_writes_wait_for_it_and_gather_what_came_meanwhile(
    make_app: AppMaker,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        log = app.query_one(ChatLog)
        markdown = AgentMarkdown(classes="agent")
        await log.add(markdown)
        host = Host(log)
        answer = StreamedAnswer(markdown, host)
        host.is_link_busy = True  # the terminal is still being sent the last write
        answer.append("first words ")
        await host.fire()
        await pilot.pause()
        assert markdown.source == ""
        assert host.delays[-1] == answer_module.LINK_POLL_SECONDS  # looks again soon
        answer.append("and more ")
        host.is_link_busy = False
        await host.fire()
        await pilot.pause()
        assert markdown.source == "first words and more "  # one write for both
        await answer.close()


async def test_typing_in_the_chat_input_costs_no_layout(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await shown(pilot)
        layouts = count_layouts(monkeypatch)
        await pilot.press(*"add a title card")
        screen = await shown(pilot)
        assert "add a title card" in screen
        assert layouts == []


async def test_appending_paragraphs_lays_the_screen_out_once(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        markdown = AgentMarkdown(classes="agent")
        await app.query_one(ChatLog).add(markdown)
        await markdown.append("".join(paragraph(index) for index in range(30)))
        await shown(pilot)  # the log overflows: its scrollbar has appeared
        layouts = count_layouts(monkeypatch)
        await markdown.append("".join(paragraph(index) for index in range(30, 35)))
        screen = await shown(pilot)
        assert "Paragraph 34 says what changed" in screen, screen
        assert len(layouts) == 1
