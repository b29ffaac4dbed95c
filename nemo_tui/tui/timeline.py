"""The timeline pane: the draft as a tree of tracks and segments, a proportional bar per track, and
the one-line summary. Segments and tracks that changed in the last update are highlighted briefly.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static, Tree

from nemo_tui.api.draft import TRACK_AUDIO, TRACK_TEXT, Draft, PlacedSegment, Track
from nemo_tui.api.safe_text import terminal_safe
from nemo_tui.api.summary import seconds, span
from nemo_tui.tui.pane import Pane

HIGHLIGHT_SECONDS = 2.5
HIGHLIGHT_STYLE = "bold reverse"
# Segment colours of the bar view, alternating so neighbours are told apart; ANSI names follow the
# terminal's own palette.
BAR_COLOURS = {
    0: ("blue", "cyan"),
    TRACK_AUDIO: ("green", "bright_green"),
    TRACK_TEXT: ("magenta",),
}


def segment_label(track: Track, placed: PlacedSegment) -> str:
    """What a segment is, in a few words: a text's words, a clip's name, an audio level."""
    meta = placed.segment.m
    parts: list[str] = []
    if track.tt == TRACK_TEXT:
        parts.append(f'"{meta.text or ""}"')
    else:
        parts.append(meta.name or placed.segment.id)
    parts.append(span(placed.start, placed.end))
    if meta.volume is not None and track.tt == TRACK_AUDIO:
        parts.append(f"{round(meta.volume * 100)}%")
    if meta.transition is not None:
        parts.append(f"{meta.transition.type} {seconds(meta.transition.d)}s")
    if meta.motion and meta.motion != "none":
        parts.append(meta.motion.replace("_", " "))
    return "  ".join(parts)


def track_label(track: Track) -> str:
    placed = track.placed()
    start = min((p.start for p in placed), default=0)
    label = f"{track.name}  {span(start, track.end_ms())}  ({len(placed)})"
    if track.tt == TRACK_AUDIO and placed and placed[0].segment.m.volume is not None:
        label += f"  {round(placed[0].segment.m.volume * 100)}%"
    return label


class TimelineTree(Tree[str]):
    """Tracks and their segments; node data is the track or segment id."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("timeline", id=id)
        self.show_root = False
        self.guide_depth = 2

    def show_draft(self, draft: Draft, changed: frozenset[str]) -> None:
        self.clear()
        for track in draft.t:
            node = self.root.add(
                self._label(track_label(track), track.id in changed), data=track.id, expand=True
            )
            for placed in track.placed():
                segment_id = placed.segment.id
                node.add_leaf(
                    self._label(segment_label(track, placed), segment_id in changed),
                    data=segment_id,
                )

    @staticmethod
    def _label(text: str, changed: bool) -> Text:
        # Track and segment names come from the server's draft.
        label = Text(terminal_safe(text))
        if changed:
            # A span, not the base style: the tree keeps spans when it processes a label.
            label.stylize(HIGHLIGHT_STYLE)
        return label


class TrackBars(Widget):
    """Each track as a bar across the pane: segments drawn in proportion to the whole draft."""

    DEFAULT_CSS = "TrackBars { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._draft = Draft.blank()

    def show_draft(self, draft: Draft) -> None:
        self._draft = draft
        self.styles.height = max(len(draft.t), 1)
        self.refresh(layout=True)

    def render(self) -> Text:
        draft = self._draft
        if not draft.t:
            return Text("no tracks yet", "dim")
        total = max(draft.computed_duration(), draft.d, 1)
        name_width = min(max(len(track.name) for track in draft.t), 8)
        width = max(self.size.width - name_width - 1, 4)
        lines = Text(no_wrap=True, overflow="crop")
        for index, track in enumerate(draft.t):
            if index:
                lines.append("\n")
            name = terminal_safe(track.name)[:name_width]
            lines.append(name.ljust(name_width) + " ", "dim")
            lines.append_text(self._bar(track, total, width))
        return lines

    @staticmethod
    def _bar(track: Track, total: int, width: int) -> Text:
        cells: list[str | None] = [None] * width
        colours = BAR_COLOURS.get(track.tt, ("white",))
        for number, placed in enumerate(track.placed()):
            first = int(placed.start * width / total)
            last = max(int(placed.end * width / total), first + 1)
            for cell in range(first, min(last, width)):
                cells[cell] = colours[number % len(colours)]
        bar = Text()
        for colour in cells:
            bar.append("█" if colour else "·", colour or "dim")
        return bar


class TimelinePane(Pane):
    """Tree, bars and summary, refreshed on every TimelineChanged."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Timeline"
        self.draft = Draft.blank()

    def compose(self) -> ComposeResult:
        yield TimelineTree(id="timeline-tree")
        # The highlighted row whole, wrapped: a narrow pane cuts rows at its edge.
        yield Static("", id="timeline-detail")
        yield TrackBars(id="track-bars")
        yield Static("Timeline is empty: upload media and ask for an edit.", id="timeline-summary")

    def show(self, draft: Draft, summary: str, changed: frozenset[str]) -> None:
        self.draft = draft
        self.query_one(TimelineTree).show_draft(draft, changed)
        self.query_one(TrackBars).show_draft(draft)
        # Plain text, never markup: the summary names the server's segments.
        self.query_one("#timeline-summary", Static).update(Text(summary))
        self.border_subtitle = f"{seconds(max(draft.computed_duration(), draft.d))}s"
        if changed:
            self.set_timer(HIGHLIGHT_SECONDS, lambda: self._fade_highlight(draft))

    @on(Tree.NodeHighlighted, "#timeline-tree")
    def _show_whole_row(self, event: Tree.NodeHighlighted[str]) -> None:
        detail = self.query_one("#timeline-detail", Static)
        whole = Text(str(event.node.label)) if self.has_focus_within else Text()
        detail.update(whole)

    def _fade_highlight(self, draft: Draft) -> None:
        if draft is self.draft:
            self.query_one(TimelineTree).show_draft(draft, frozenset())
