"""What one request may ask of the engine: message length, draft length, canvas side, output
height and segment count. Each check raises an `ApiError` (4xx) whose message names the limit
and what to do, so a hostile or mistaken request costs a refusal, not hours of a render worker.

Body size, JSON depth and image pixels are checked where those bytes are read (`engine.http.common`,
`engine.media.probe`) with the same settings.
"""

from __future__ import annotations

from nemo_tui.api.draft import Draft
from nemo_tui.engine.errors import ApiError
from nemo_tui.engine.settings import EngineSettings

TOO_LARGE = 413
UNPROCESSABLE = 422


def check_message(text: str, settings: EngineSettings) -> None:
    if len(text) > settings.max_message_chars:
        raise ApiError(
            TOO_LARGE,
            f"the message is {len(text)} characters, over the limit of "
            f"{settings.max_message_chars} (message length): send it in shorter parts",
        )


def check_draft(draft: Draft, settings: EngineSettings) -> None:
    """Refuse a draft whose render would be unreasonably long, large or complex."""
    segments = sum(len(track.sg) for track in draft.t)
    if segments > settings.max_segments:
        raise ApiError(
            UNPROCESSABLE,
            f"the draft has {segments} segments, over the limit of {settings.max_segments} "
            "(segment count): split the video into parts",
        )
    longest = max([draft.d, draft.computed_duration()] + [s.d for t in draft.t for s in t.sg])
    if longest > settings.max_draft_seconds * 1000:
        raise ApiError(
            UNPROCESSABLE,
            f"the draft lasts {longest / 1000:.0f} s, over the limit of "
            f"{settings.max_draft_seconds:.0f} s (draft duration): shorten it",
        )
    side = max(draft.m.width, draft.m.height)
    if side > settings.max_canvas_side:
        raise ApiError(
            UNPROCESSABLE,
            f"the canvas is {draft.m.width}x{draft.m.height}, over the limit of "
            f"{settings.max_canvas_side} pixels a side (canvas side): use e.g. 1920x1080",
        )


def check_output_height(
    draft: Draft, height: int | None, settings: EngineSettings, minimum: int
) -> None:
    """The asked short side must be in range, and the long side it gives the canvas too."""
    if height is None:
        return
    if not minimum <= height <= settings.max_output_height:
        raise ApiError(
            UNPROCESSABLE,
            f"output.height {height} is out of range ({minimum}-{settings.max_output_height}, "
            "output height): use e.g. 1080",
        )
    short = max(1, min(draft.m.width, draft.m.height))
    long_side = max(draft.m.width, draft.m.height) * height // short
    if long_side > settings.max_canvas_side:
        raise ApiError(
            UNPROCESSABLE,
            f"output.height {height} makes the {draft.m.width}x{draft.m.height} canvas "
            f"{long_side} pixels long, over the limit of {settings.max_canvas_side} (canvas "
            "side): ask for a smaller height",
        )
