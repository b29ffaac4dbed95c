"""The five shapes of a render-status answer (SPEC 7) normalised into one `RenderStatus`.

1. `{"id","status","progress","output":{"url","duration","size"}}` (the engine's),
2. `{"success":true,"data":{"id","status","progress","outputUrl","createdAt","completedAt"}}`,
3. `{"render_id","status","output":{"url",...},"error"}`,
4. `{"taskId","status","progress","output":{"url","duration","size"}}`,
5. the render farm's own fields passed through: `overallProgress` (0-1), `outputFile`,
   `fatalErrorEncountered` with `errors[].message`, `framesRendered`, `outputSizeInBytes`.
A `{"code":0,"data":...}` envelope around any of them is accepted too. Progress comes out 0-100
(a 0-1 value beside `overallProgress` is a fraction); times stay epoch milliseconds.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from nemo_tui.api.errors import ServerError
from nemo_tui.api.models import RenderOutput, RenderState, RenderStatus

# Words other backends use for the five states.
_STATES: dict[str, RenderState] = {
    "pending": "pending",
    "queued": "pending",
    "waiting": "pending",
    "processing": "processing",
    "running": "processing",
    "rendering": "processing",
    "in_progress": "processing",
    "completed": "completed",
    "complete": "completed",
    "succeeded": "completed",
    "success": "completed",
    "done": "completed",
    "failed": "failed",
    "error": "failed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
}
_ID_KEYS = ("id", "render_id", "renderId", "taskId", "task_id")
# How much of a server's error text is kept: it is one line on screen.
MAX_ERROR_TEXT = 300


def normalize_render_status(payload: Any, render_id: str | None = None) -> RenderStatus:
    """One `RenderStatus` from any accepted shape; `render_id` fills in an answer without an id."""
    body = _unwrap(payload)
    status = _state(body)
    found_id = next((body[key] for key in _ID_KEYS if body.get(key)), None) or render_id
    if not found_id:
        raise ServerError("The render service answered without a render id.")
    return RenderStatus(
        id=str(found_id)[:200],
        status=status,
        progress=_progress(body, status),
        output=_output(body),
        error=_error_text(body) if status == "failed" else None,
        created_at=_epoch_ms(body.get("createdAt", body.get("created_at"))),
        completed_at=_epoch_ms(body.get("completedAt", body.get("completed_at"))),
    )


def _unwrap(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ServerError("The render service answered with something other than a JSON object.")
    if "status" not in payload and isinstance(payload.get("data"), dict):
        if payload.get("success") is False:
            detail = _error_text(payload) or "no details"
            raise ServerError(f"The render service reported a failure: {detail}")
        data: dict[str, Any] = payload["data"]
        return data
    return payload


def _state(body: dict[str, Any]) -> RenderState:
    raw_state = str(body.get("status", "")).strip().lower()
    if not raw_state and "overallProgress" in body:
        # Shape 5 may come without a status: the farm's own flags say where it stands.
        if body.get("fatalErrorEncountered"):
            return "failed"
        if body.get("done") or body.get("outputFile"):
            return "completed"
        return "processing"
    status = _STATES.get(raw_state)
    if status is None:
        raise ServerError(f"The render service answered with an unknown status {raw_state!r}.")
    if status != "cancelled" and body.get("fatalErrorEncountered"):
        return "failed"
    return status


def _output(body: dict[str, Any]) -> RenderOutput | None:
    output = body.get("output")
    if isinstance(output, dict) and output.get("url"):
        try:
            return RenderOutput.from_wire(output)
        except ValidationError:
            raise ServerError("The render service answered with an unusable output.") from None
    url = body.get("outputUrl") or body.get("output_url") or body.get("outputFile")
    if isinstance(output, str) and output:
        url = url or output
    if not url or not isinstance(url, str):
        return None
    size = body.get("outputSizeInBytes")
    return RenderOutput(url=url, size=size if isinstance(size, int) and size >= 0 else None)


def _progress(body: dict[str, Any], status: RenderState) -> float:
    if status == "completed":
        return 100.0
    value = body.get("progress")
    fraction = False
    if value is None and "overallProgress" in body:
        value, fraction = body["overallProgress"], True
    elif "overallProgress" in body:
        # Beside the farm's 0-1 fraction, a progress of at most 1 is a fraction too.
        fraction = _number(value) is not None and (_number(value) or 0) <= 1
    progress = _number(value)
    if progress is None:
        return 0.0
    if fraction:
        progress *= 100
    return min(max(progress, 0.0), 100.0)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is no number


def _epoch_ms(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None and number >= 0 else None


def _error_text(body: dict[str, Any]) -> str | None:
    error: Any = body.get("error") or body.get("message")
    errors = body.get("errors")
    if not error and isinstance(errors, list) and errors:
        first = errors[0]
        error = first.get("message") if isinstance(first, dict) else first
    if error is None or error == "":
        return None
    if isinstance(error, dict):
        error = error.get("message") or error.get("error") or str(error)
    return " ".join(str(error).split())[:MAX_ERROR_TEXT]
