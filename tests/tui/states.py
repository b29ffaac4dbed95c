"""The screen states worth seeing, as the updates the controller would emit to reach them.

Shared by the snapshot tests and `scripts/screenshots.py`, so the pictures in `screenshots/` and the
snapshots are the same states. Everything is fixed (ids, sizes, times) so the pictures are stable.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from textual.pilot import Pilot

from nemo_tui.api.models import Credits
from nemo_tui.api.questions import parse_question
from nemo_tui.core.projects import ProjectEntry
from nemo_tui.core.updates import (
    Activity,
    AgentText,
    Connection,
    CreditsChanged,
    Notice,
    QuestionAsked,
    RenderProgress,
    TimelineChanged,
    TurnFinished,
    TurnStarted,
    Update,
)
from nemo_tui.skills import SKILLS_BY_ID
from nemo_tui.tui import chat
from nemo_tui.tui.app import NemoApp
from nemo_tui.tui.chat import ChatInput
from nemo_tui.tui.files import MediaTree
from nemo_tui.tui.projects import ProjectList

from .helpers import PROMO_SUMMARY, promo_draft

SESSION = "5529c0ffee42"
REQUEST = "turn these photos and audio into a 30-second promotional video with transitions"
ANSWER = (
    "Adding **crossfades** between the photos and fitting them to the music:\n\n"
    "- photo1.jpg, photo2.jpg and photo3.jpg, 0.5 s fades\n"
    "- the music at 35%, fading out over the last 1.5 s\n\n"
    "See the timeline pane, and press e to export when you're ready."
)
# Fixed names and sizes: the file pane shows them, so the pictures must not depend on an encoder.
FILES = {
    "photo1.jpg": 412_000,
    "photo2.jpg": 388_000,
    "photo3.jpg": 405_000,
    "clip.mp4": 2_400_000,
    "music.mp3": 960_000,
    "voice.m4a": 210_000,
    "notes.pdf": 12_000,
}


def make_folder(parent: Path) -> Path:
    folder = parent / "shoot"
    folder.mkdir(parents=True, exist_ok=True)
    for name, size in FILES.items():
        (folder / name).write_bytes(b"\0" * size)
    return folder


def ready() -> list[Update]:
    return [
        Connection("ready", "local", SESSION, "ready"),
        CreditsChanged(Credits(available=100, frozen=0, total=100)),
    ]


def mid_stream() -> list[Update]:
    half = ANSWER[: len(ANSWER) // 2]
    return [
        *ready(),
        TurnStarted("t1", REQUEST),
        Activity("t1", "✓ edit_multitrack"),
        *(AgentText("t1", half[i : i + 7]) for i in range(0, len(half), 7)),
    ]


def timeline_filled() -> list[Update]:
    return [
        *ready(),
        TurnStarted("t1", REQUEST),
        Activity("t1", "✓ edit_multitrack"),
        AgentText("t1", ANSWER),
        TurnFinished("t1", ANSWER),
        TimelineChanged(promo_draft(), PROMO_SUMMARY, frozenset()),
        CreditsChanged(Credits(available=99, frozen=0, total=100)),
    ]


def render_in_progress() -> list[Update]:
    return [
        *timeline_filled(),
        Notice("Export started (render_1763412345000)."),
        RenderProgress("render_1763412345000", "processing", 63.0, eta=12.0),
    ]


def error_notice() -> list[Update]:
    return [
        *ready(),
        Notice(
            "Export is blocked on the free plan: register or upgrade your plan to unlock export.",
            "error",
        ),
    ]


def question() -> list[Update]:
    """The agent asks (SPEC 4.4) what the engine's agent asks of a vague "make a video"."""
    asked = parse_question(
        {
            "title": "A few choices before I start",
            "questions": [
                {
                    "id": "length",
                    "prompt": "How long should it be?",
                    "options": [{"id": f"l{n}", "label": f"{n} seconds"} for n in (15, 30, 60)],
                },
                {
                    "id": "shape",
                    "prompt": "Which shape?",
                    "options": [
                        {"id": "s1", "label": "16:9 landscape"},
                        {"id": "s2", "label": "9:16 vertical"},
                        {"id": "s3", "label": "1:1 square"},
                    ],
                },
            ],
        }
    )
    assert asked is not None
    return [
        *ready(),
        TurnStarted("t1", "make a video"),
        TurnFinished("t1", ""),
        QuestionAsked("t1", asked),
    ]


@dataclass(frozen=True)
class State:
    name: str
    updates: Callable[[], list[Update]]
    narrow_pane: str  # which tab a narrow terminal shows for this state


STATES = (
    State("first_start", lambda: [], "chat"),
    State("mid_stream", mid_stream, "chat"),
    State("timeline_filled", timeline_filled, "timeline"),
    State("render_in_progress", render_in_progress, "status"),
    State("error_notice", error_notice, "chat"),
    State("question", question, "chat"),
)


class FrozenClock:
    """Stands in for `time` in the chat module so "agent working 0:00" never ticks."""

    @staticmethod
    def monotonic() -> float:
        return 1000.0


def freeze_clock() -> None:
    chat.time = FrozenClock  # type: ignore[assignment]


def state_app(folder: Path) -> NemoApp:
    return NemoApp(folder, skill=SKILLS_BY_ID["create-a-video-using-ai"], backend="local")


def arrange(state: State, width: int) -> Callable[[Pilot[object]], Awaitable[None]]:
    """The `run_before` that brings an app to `state`: the folder listed, the blink frozen, the
    updates posted, the right tab shown when the terminal is narrow."""

    async def run_before(pilot: Pilot[object]) -> None:
        app = pilot.app
        assert isinstance(app, NemoApp)
        app.query_one(ChatInput).cursor_blink = False
        tree = app.query_one(MediaTree)
        while not tree.root.children:
            await pilot.pause(0.02)
        for update in state.updates():
            app.emit(update)
        await pilot.pause()
        if width < 100 and state.narrow_pane != "chat":
            app.action_show_pane(state.narrow_pane)
        # Settle: streams coalesce and widgets mount over a few cycles.
        for _ in range(5):
            await pilot.pause(0.05)

    return run_before


# The project list ("Open project…", SPEC 11) over a filled timeline, on the gateway.
PROJECTS = (
    ProjectEntry(
        "project_ec0738d30af8",
        SESSION,
        "Summer Sale promo",
        "2026-12-07T10:42:11Z",
        current=True,
    ),
    ProjectEntry("project_51b2c4e09a17", None, "Sunset over the skyline", "2026-12-06T18:05:40Z"),
    ProjectEntry(
        "project_a9d03f1c7e22",
        None,
        "Running shoes, 5-second spin on a track for the spring catalogue",
        "2026-12-05T09:13:02Z",
    ),
    ProjectEntry("project_0c4e8b2d6f31", None, "untitled project_0c4e8b", "2026-11-30T21:47:55Z"),
)


def arrange_project_list(width: int) -> Callable[[Pilot[object]], Awaitable[None]]:
    """The filled-timeline state with the project list opened over it."""
    filled = arrange(State("timeline_filled", timeline_filled, "chat"), width)

    async def run_before(pilot: Pilot[object]) -> None:
        await filled(pilot)
        pilot.app.push_screen(ProjectList(list(PROJECTS), "gateway"))
        for _ in range(5):
            await pilot.pause(0.05)

    return run_before
