"""The three shapes of a render-status answer (SPEC 7) normalised into one `RenderStatus`.

1. `{"id","status","progress","output":{"url","duration","size"}}` (the engine's),
2. `{"success":true,"data":{"id","status","progress","outputUrl","createdAt","completedAt"}}`,
3. `{"render_id","status","output":{"url",...},"error"}`.
A `{"code":0,"data":...}` envelope around any of them is accepted too.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from nemo_tui.api.errors import ServerError
from nemo_tui.api.models import RenderOutput, RenderState, RenderStatus

# Words other backends use for the four states.
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
    "cancelled": "failed",
    "canceled": "failed",
}


def normalize_render_status(payload: Any, render_id: str | None = None) -> RenderStatus:
    """One `RenderStatus` from any accepted shape; `render_id` fills in an answer without an id."""
    body = _unwrap(payload)
    raw_state = str(body.get("status", "")).strip().lower()
    status = _STATES.get(raw_state)
    if status is None:
        raise ServerError(f"The render service answered with an unknown status {raw_state!r}.")
    found_id = body.get("id") or body.get("render_id") or body.get("renderId") or render_id
    if not found_id:
        raise ServerError("The render service answered without a render id.")
    output = _output(body)
    progress = _progress(body.get("progress"), status)
    return RenderStatus(
        id=str(found_id),
        status=status,
        progress=progress,
        output=output,
        error=_error_text(body.get("error")) if status == "failed" else None,
    )


def _unwrap(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ServerError("The render service answered with something other than a JSON object.")
    if "status" not in payload and isinstance(payload.get("data"), dict):
        if payload.get("success") is False:
            detail = _error_text(payload.get("error") or payload.get("message")) or "no details"
            raise ServerError(f"The render service reported a failure: {detail}")
        data: dict[str, Any] = payload["data"]
        return data
    return payload


def _output(body: dict[str, Any]) -> RenderOutput | None:
    output = body.get("output")
    if isinstance(output, dict) and output.get("url"):
        try:
            return RenderOutput.from_wire(output)
        except ValidationError:
            raise ServerError("The render service answered with an unusable output.") from None
    url = body.get("outputUrl") or body.get("output_url")
    if isinstance(output, str) and output:
        url = url or output
    return RenderOutput(url=str(url)) if url else None


def _progress(value: Any, status: RenderState) -> float:
    if status == "completed":
        return 100.0
    try:
        progress = float(value)
    except (TypeError, ValueError):
        return 0.0
    return min(max(progress, 0.0), 100.0)


def _error_text(error: Any) -> str | None:
    if error is None or error == "":
        return None
    if isinstance(error, dict):
        error = error.get("message") or error.get("error") or str(error)
    return " ".join(str(error).split())
