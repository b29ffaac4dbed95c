"""One agent answer as it streams in: a Markdown widget fed through `Markdown.get_stream()`.

Deltas are gathered for `FLUSH_SECONDS` before they are written, so a fast stream costs a few
Markdown appends (parse, mount, layout) a second rather than one per chunk; the stream coalesces
further when even those outrun the widget.

A finished answer keeps its stream open until the next turn starts: stopping a stream while an
append is in flight can leave its last fragment unrendered, and by the next turn it is idle.
"""

from __future__ import annotations

import contextlib

from textual.timer import Timer
from textual.widget import MountError
from textual.widgets import Markdown
from textual.widgets.markdown import MarkdownStream

FLUSH_SECONDS = 0.1


class AgentMarkdown(Markdown):
    """The widget that shows one agent answer."""


class StreamedAnswer:
    """The text of one answer and the stream that renders it."""

    def __init__(self, markdown: AgentMarkdown) -> None:
        self.markdown = markdown
        self.text = ""
        # Made on the first write: a stream stopped before its task has run raises on stop.
        self._stream: MarkdownStream | None = None
        self._unwritten: list[str] = []
        self._timer: Timer | None = None

    def append(self, delta: str) -> None:
        self.text += delta
        self._unwritten.append(delta)
        if self._timer is None:
            self._timer = self.markdown.set_timer(FLUSH_SECONDS, self.flush)

    async def flush(self) -> None:
        self._timer = None
        if self._unwritten:
            fragment = "".join(self._unwritten)
            self._unwritten.clear()
            if self._stream is None:
                self._stream = Markdown.get_stream(self.markdown)
            await self._stream.write(fragment)

    async def replace(self, text: str) -> None:
        """Show `text` instead (the final event differed from the partials, or a translation
        rewrote what was shown): a full render, after the stream has settled."""
        self._cancel_timer()
        self._unwritten.clear()
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        self.text = text
        await self.markdown.update(text)

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
        """End the stream's task; its last append may find the widget already gone."""
        self._cancel_timer()
        await self.flush()
        if self._stream is not None:
            with contextlib.suppress(MountError):
                await self._stream.stop()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
