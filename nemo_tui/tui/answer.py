"""One agent answer as it streams in: Markdown widgets fed through `Markdown.get_stream()`.

Deltas are gathered for `FLUSH_SECONDS` before they are written, so a fast stream costs a few
Markdown appends (parse, mount, layout) a second rather than one per chunk. After a large write
the gap grows with it (up to `MAX_GAP_SECONDS`): an append's layout and paint cost much the same
whatever its size, so a flood of text is drawn in a few large steps rather than many frames,
and the stream itself keeps most of the loop.

A long answer is shown as a run of Markdown widgets, its segments, of about `SEGMENT_BLOCKS`
blocks each. Appending to a Markdown lays out all of its blocks again, so with one widget per
answer every append (and every key typed meanwhile, which waits for it) would cost more as the
answer grew. A segment ends only at a paragraph break outside a code fence, where Markdown starts
a new block anyway, so the seam does not show.

Over a slow link writes wait for the terminal to take the last one (`AnswerHost.link_busy`, see
`link`), checking every `LINK_POLL_SECONDS`: the slower the link, the more text each write
gathers, and a key's echo never queues behind more than one of them.

While the person types, writes wait: one comes right after a key is painted, at most every
`TYPING_GAP_SECONDS` (or after `HOLD_SECONDS` without one), so the stream's work runs in the gap
after a keystroke instead of delaying the next; and it is at most `TYPING_WRITE_CHARS` long, so a
flood of text advances in steps that fit in that gap and catches up once the typing stops.

A write of more paragraphs than the chat log keeps (a flood of text arriving between two writes)
draws only its end (`splitting.DRAWN_BLOCKS` paragraphs), and a dim line in the middle says how
many were skipped: the log would prune them the moment they were drawn. The answer's text stays
whole for copying and in the session's history.

A finished answer keeps its streams open until the next turn starts: stopping a stream while an
append is in flight can leave its last fragment unrendered, and by the next turn it is idle.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from textual.timer import Timer
from textual.visual import VisualType
from textual.widget import MountError, Widget
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownBlock, MarkdownStream

from nemo_tui.tui.splitting import paragraph_break, undrawn_span
from nemo_tui.tui.virtual_size import repainting_virtual_size

FLUSH_SECONDS = 0.1
# While typing, writes come at most this often: each lays the screen out (20-30 ms) and a key
# that comes meanwhile waits for it; once a second keeps that to one key in twenty even at 50 ms
# a key.
TYPING_GAP_SECONDS = 1.0
HOLD_SECONDS = 1.0
MAX_GAP_SECONDS = 1.0
# A write longer than this makes the next gap proportionally longer.
FLUSH_CHARS = 4000
TYPING_WRITE_CHARS = 3000
SEGMENT_BLOCKS = 20
# While the link is busy, a due write looks again this often.
LINK_POLL_SECONDS = 0.02

# Textual's paragraph block: `Markdown.BLOCKS` is the public way to it.
_Paragraph = Markdown.BLOCKS["paragraph_open"]


# mypy cannot take a class read from a table as a base (valid-type) nor its type (misc).
class StreamedParagraph(_Paragraph):  # type: ignore[misc, valid-type]
    """Textual's paragraph, without a second layout per append: its virtual size repaints (see
    `virtual_size`), and the text it is built with asks for no layout of its own before it is
    mounted (mounting lays it out anyway; the request would come in one frame later).
    `test_appending_paragraphs_lays_the_screen_out_once` fails if Textual stops going through
    `update` to set a block's text."""

    virtual_size = repainting_virtual_size()

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(content, layout=layout and self.is_mounted)


class AgentMarkdown(Markdown):
    """The widget that shows one agent answer, or one segment of a long one."""

    virtual_size = repainting_virtual_size()

    def get_block_class(self, block_name: str) -> type[MarkdownBlock]:
        if block_name == "paragraph_open":
            return StreamedParagraph
        return super().get_block_class(block_name)


class UndrawnText(Static):
    """Stands for the middle of an answer that came too fast to draw."""

    def __init__(self, paragraphs: int) -> None:
        super().__init__(
            f"⋯ {paragraphs} paragraphs came in too fast to draw "
            "(ctrl+p › Copy last answer copies the whole answer).",
            classes="elided",
        )


class Segment:
    """One Markdown widget of an answer, the text written to it, and its stream."""

    def __init__(self, markdown: AgentMarkdown) -> None:
        self.markdown = markdown
        self.text = ""
        # Made on the first write: a stream stopped before its task has run raises on stop.
        self._stream: MarkdownStream | None = None

    @property
    def full(self) -> bool:
        return len(self.markdown.children) >= SEGMENT_BLOCKS

    async def write(self, fragment: str) -> None:
        self.text += fragment
        if self._stream is None:
            self._stream = Markdown.get_stream(self.markdown)
        await self._stream.write(fragment)

    async def stop(self) -> None:
        """End the stream's task; its last append may find the widget already gone."""
        if self._stream is not None:
            stream, self._stream = self._stream, None
            with contextlib.suppress(MountError):
                await stream.stop()


class AnswerHost(Protocol):
    """Where an answer lives (the chat log): it runs the flush timer, which must outlive any one
    segment, and mounts each new segment right after the previous one."""

    def set_timer(self, delay: float, callback: Callable[[], Awaitable[None]]) -> Timer: ...
    def add_after(self, previous: Widget, widget: Widget) -> Awaitable[object]: ...
    def typing(self) -> bool:
        """Whether the person is typing: a write would delay the next key."""
        ...

    def link_busy(self) -> bool:
        """Whether the terminal is still being sent the last write (a slow link)."""
        ...


class StreamedAnswer:
    """The text of one answer and the segments that render it."""

    def __init__(
        self, first: AgentMarkdown, host: AnswerHost, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.text = ""
        self.segments = [Segment(first)]
        self._notes: list[UndrawnText] = []
        self._host = host
        self._clock = clock
        self._unwritten: list[str] = []
        self._timer: Timer | None = None
        self._written_at = clock()
        self._gap = FLUSH_SECONDS

    def append(self, delta: str) -> None:
        self.text += delta
        self._unwritten.append(delta)
        self._arm()

    def _arm(self) -> None:
        if self._timer is None:
            self._timer = self._host.set_timer(self._gap, self._write_due)

    async def _write_due(self) -> None:
        self._timer = None
        if self._host.link_busy():
            self._timer = self._host.set_timer(LINK_POLL_SECONDS, self._write_due)
            return
        if self._host.typing() and self._clock() - self._written_at < HOLD_SECONDS:
            # `key_painted` writes after the next key; this timer again if none comes.
            self._arm()
            return
        await self.flush()

    async def key_painted(self) -> None:
        """A key was just painted: the moment, while typing, to write what is due."""
        if (
            self._unwritten
            and self._clock() - self._written_at >= TYPING_GAP_SECONDS
            and not self._host.link_busy()
        ):
            self._cancel_timer()
            await self.flush()

    async def flush(self, *, whole: bool = False) -> None:
        """Write what is waiting: while the person types (and not `whole`), at most
        `TYPING_WRITE_CHARS` of it, and the rest on the next timer or key."""
        if not self._unwritten:
            return
        fragment = "".join(self._unwritten)
        self._unwritten.clear()
        if not whole and len(fragment) > TYPING_WRITE_CHARS and self._host.typing():
            self._unwritten.append(fragment[TYPING_WRITE_CHARS:])
            fragment = fragment[:TYPING_WRITE_CHARS]
        self._written_at = self._clock()
        self._gap = min(MAX_GAP_SECONDS, FLUSH_SECONDS * max(1.0, len(fragment) / FLUSH_CHARS))
        if self._unwritten:
            self._arm()
        current = self.segments[-1]
        undrawn = undrawn_span(current.text, fragment)
        if undrawn is not None:
            start, end = undrawn
            await current.write(fragment[:start])
            note = UndrawnText(fragment[start:end].count("\n\n"))
            self._notes.append(note)
            await self._host.add_after(current.markdown, note)
            await self._start_segment(after=note, text=fragment[end:])
            return
        split = paragraph_break(current.text, fragment) if current.full else None
        if split is None:
            await current.write(fragment)
            return
        await current.write(fragment[:split])
        await self._start_segment(after=current.markdown, text=fragment[split:])

    async def _start_segment(self, *, after: Widget, text: str) -> None:
        following = Segment(AgentMarkdown(classes="agent"))
        await self._host.add_after(after, following.markdown)
        self.segments.append(following)
        await following.write(text)

    async def replace(self, text: str) -> None:
        """Show `text` instead (the final event differed from the partials, or a translation
        rewrote what was shown): a full render in the first segment, after the streams settle."""
        self._cancel_timer()
        self._unwritten.clear()
        # The last segment shows it: the first may have been pruned from the log already (a
        # long answer), and the last is where the answer ends on screen.
        *earlier, last = self.segments
        for segment in self.segments:
            await segment.stop()
        for widget in [*(segment.markdown for segment in earlier), *self._notes]:
            if widget.is_attached:
                await widget.remove()
        self.segments, self._notes = [last], []
        self.text = last.text = text
        await last.markdown.update(text)

    async def finish(self, final: str) -> None:
        """The turn ended with `final` as its whole text ('' when it did not say)."""
        if final and final != self.text:
            if not final.startswith(self.text):
                await self.replace(final)
                return
            self.append(final[len(self.text) :])
        self._cancel_timer()
        await self.flush()

    async def close(self) -> None:
        """Write what is left and end the streams."""
        self._cancel_timer()
        await self.flush(whole=True)
        for segment in self.segments:
            await segment.stop()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
