"""The typed updates the session core emits; the TUI and the headless CLI render them.

Each front end passes one callback to the controller and matches on these classes. They are plain
frozen dataclasses so a Textual message can carry one as it is, and a test can compare them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Literal, TypeVar

from nemo_tui.api.draft import Draft
from nemo_tui.api.models import Credits
from nemo_tui.api.questions import Question

NoticeLevel = Literal["info", "warning", "error"]
ConnectionPhase = Literal["connecting", "ready", "offline"]


@dataclass(frozen=True)
class Connection:
    """Where the controller stands with the backend; `detail` is one human line, never the token."""

    phase: ConnectionPhase
    backend: str
    session_id: str | None = None
    detail: str = ""
    # The skill in use once the backend is known (a skill chosen earlier on it comes back).
    skill: str | None = None


@dataclass(frozen=True)
class TurnStarted:
    """The person's message went to the agent (it is shown as theirs in the chat)."""

    turn_id: str
    text: str


@dataclass(frozen=True)
class AgentText:
    """Agent text for a turn, already GUI-translated. `delta` is appended to what is shown; when
    `replace` is set the shown text becomes `delta` (a final event that differs from its
    partials)."""

    turn_id: str
    delta: str
    replace: bool = False


@dataclass(frozen=True)
class Activity:
    """A tool call or result: a dim line, not chat text."""

    turn_id: str
    text: str


@dataclass(frozen=True)
class StillWorking:
    """Only keep-alives for a while (at most once per 2 minutes of them)."""

    turn_id: str
    elapsed: float


@dataclass(frozen=True)
class TurnFinished:
    """The stream closed. `summary` is the one-line diff when the turn closed with no text."""

    turn_id: str
    text: str
    summary: str | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class QuestionAsked:
    """The agent asks and waits (SPEC 4.4): the front end lets the person choose and hands the
    choices to `SessionController.answer`."""

    turn_id: str
    question: Question


@dataclass(frozen=True)
class Notice:
    """One line for the person: what happened and, for problems, what to do."""

    text: str
    level: NoticeLevel = "info"


@dataclass(frozen=True)
class TimelineChanged:
    """The draft as the backend now has it, its summary line, and the ids of the segments and
    tracks that changed since the last one (for a brief highlight)."""

    draft: Draft
    summary: str
    changed_ids: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class CreditsChanged:
    credits: Credits


@dataclass(frozen=True)
class UploadProgress:
    """Bytes of one file sent so far. `done` with `error` None means the backend accepted it."""

    path: Path
    sent: int
    total: int
    done: bool = False
    error: str | None = None


@dataclass(frozen=True)
class RenderProgress:
    """A render job: status is pending, processing, completed, failed or cancelled; `eta` in
    seconds. `finalising` past 95 % (the cloud joins its chunks there, SPEC 7); `retryable` on a
    failed render that may be submitted once more with a new id."""

    render_id: str
    status: str
    progress: float
    eta: float | None = None
    error: str | None = None
    finalising: bool = False
    retryable: bool = False


@dataclass(frozen=True)
class LinkOffered:
    """A link for the person (SPEC 2): `claim` saves this project to an account (offered after
    a session is created and with each delivered export), `register` makes an account."""

    url: str
    kind: Literal["claim", "register"] = "claim"


@dataclass(frozen=True)
class DownloadProgress:
    """Bytes of a finished render fetched so far; `path` is where the MP4 lands when `done`."""

    render_id: str
    received: int
    total: int | None
    path: Path
    done: bool = False


@dataclass(frozen=True)
class PreviewProgress:
    """A preview on its way (rendered small, then fetched): not an export. It is played when
    ready; it gets no downloads entry, no "Saved", no bell. `phase` is rendering, fetching,
    ready or failed."""

    render_id: str
    phase: Literal["rendering", "fetching", "ready", "failed"]
    progress: float = 0.0


Update = (
    Connection
    | TurnStarted
    | AgentText
    | Activity
    | StillWorking
    | TurnFinished
    | QuestionAsked
    | Notice
    | TimelineChanged
    | CreditsChanged
    | UploadProgress
    | RenderProgress
    | DownloadProgress
    | PreviewProgress
    | LinkOffered
)


AnyUpdate = TypeVar("AnyUpdate")


def clean_update(update: AnyUpdate, clean: Callable[[str], str]) -> AnyUpdate:
    """The update with `clean` applied to each of its text fields (the draft of a
    `TimelineChanged` is drawn by the timeline, which cleans the names it shows)."""
    changes = {
        item.name: clean(value)
        for item in fields(update)  # type: ignore[arg-type]
        if isinstance(value := getattr(update, item.name), str)
    }
    return replace(update, **changes) if changes else update  # type: ignore[type-var]
