"""Wire models of SPEC sections 1-7, shared by the client (which parses them) and the engine (which
serialises them). Every model ignores nothing it does not know: unknown keys are kept, so a newer
server never breaks an older client. What they send is `nemo_tui.api.wire`'s one policy.
"""

from __future__ import annotations

import time
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from nemo_tui.api.draft import Draft
from nemo_tui.api.wire import WireModel


class AnonymousToken(WireModel):
    """SPEC 2: the answer to `POST /api/auth/anonymous-token`."""

    token: str
    user_id: str
    credits: int
    expires_at: str


class ClaimToken(WireModel):
    """SPEC 2: the answer to `POST /api/auth/claim-token`."""

    claim_token: str
    expires_in: int
    claim_url: str | None = None


class ClaimRequest(WireModel):
    task_id: str | None = None
    session_id: str | None = None


class SessionCreateRequest(WireModel):
    task_name: str = "project"
    language: str = "en"


class SessionInfo(WireModel):
    """SPEC 3: the answer to session creation."""

    task_id: str
    session_id: str


class UploadedFile(WireModel):
    """One file of an upload answer (SPEC 5). `file_type` is 'video', 'image' or 'audio'."""

    filename: str
    file_type: str
    cdn_url: str
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    hash: str | None = None


class UploadResult(WireModel):
    files: list[UploadedFile] = Field(default_factory=list)
    session_state_applied: bool = True


class UrlUploadRequest(WireModel):
    urls: list[str]
    source_type: Literal["url"] = "url"


class Credits(WireModel):
    """SPEC 6: the credit balance. Another gateway answers `total_granted` / `total_consumed`
    without `total`; then the total is what is available plus what running jobs hold."""

    available: int
    frozen: int = 0
    total: int = 0
    total_granted: int | None = None
    total_consumed: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _total_from_parts(cls, data: Any) -> Any:
        if isinstance(data, dict) and "total" not in data and "available" in data:
            available, frozen = data.get("available"), data.get("frozen", 0)
            if isinstance(available, int) and isinstance(frozen, int):
                return {**data, "total": available + frozen}
        return data


class SessionStateBody(WireModel):
    """The `state` object of a state answer: the draft and what the session knows of its media."""

    draft: Draft = Field(default_factory=Draft)
    video_infos: list[dict[str, Any]] = Field(default_factory=list)
    generated_media: list[dict[str, Any]] = Field(default_factory=list)
    canvas_config: dict[str, Any] = Field(default_factory=dict)
    # The cloud's analyses of uploaded clips (SPEC 6): kept as they came.
    video_analyses: list[Any] = Field(default_factory=list)

    @field_validator("draft", mode="before")
    @classmethod
    def _any_draft(cls, value: Any) -> Any:
        # A draft in another form (a "Draft Protocol V3" string, an object without `t`) is kept
        # whole for export, never a validation error (SPEC 6).
        return Draft.from_wire(value)


class SessionState(WireModel):
    """SPEC 6: the answer to `GET /api/state/nemo_agent/me/<sid>/latest`."""

    session_id: str
    task_id: str | None = None
    task_name: str | None = None
    state: SessionStateBody = Field(default_factory=SessionStateBody)


class RenderOutputOptions(WireModel):
    """`output` of a render request. `height` is an engine extension: the short side of the file
    (e.g. 180 for small test renders); without it the draft's canvas size is used. `quality`
    "preview" asks the engine for a quick low-resolution render (the cloud knows only "high")."""

    format: str = "mp4"
    quality: str = "high"
    height: int | None = None


def new_render_id() -> str:
    """SPEC 7: `render_<unix ms>`."""
    return f"render_{int(time.time() * 1000)}"


class RenderRequest(WireModel):
    """SPEC 7: `POST /api/render/proxy/lambda`. Note the camelCase `sessionId`."""

    id: str
    session_id: str = Field(alias="sessionId")
    draft: Draft
    output: RenderOutputOptions = Field(default_factory=RenderOutputOptions)


RenderState = Literal["pending", "processing", "completed", "failed", "cancelled"]
# Past this percentage the cloud is joining its chunks: say "finalising", not a stuck bar (SPEC 7).
FINALISING_PERCENT = 95.0


class RenderOutput(WireModel):
    url: str
    duration: float | None = None
    size: int | None = None


class RenderStatus(WireModel):
    """SPEC 7 shape 1, the one the engine emits and every other shape is normalised into.
    `progress` is 0-100; `created_at` / `completed_at` are epoch milliseconds when given."""

    id: str
    status: RenderState
    progress: float = 0
    output: RenderOutput | None = None
    error: str | None = None
    created_at: int | None = Field(default=None, alias="createdAt")
    completed_at: int | None = Field(default=None, alias="completedAt")

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed", "cancelled")

    @property
    def finalising(self) -> bool:
        return self.status == "processing" and self.progress > FINALISING_PERCENT


# --- ADK events (SPEC 4.1): camelCase keys, nulls omitted -------------------------------------


class FunctionCall(WireModel):
    id: str | None = None
    name: str
    args: dict[str, Any] = Field(default_factory=dict)


class FunctionResponse(WireModel):
    id: str | None = None
    name: str
    response: dict[str, Any] = Field(default_factory=dict)


class Part(WireModel):
    text: str | None = None
    thought: bool | None = None
    function_call: FunctionCall | None = Field(default=None, alias="functionCall")
    function_response: FunctionResponse | None = Field(default=None, alias="functionResponse")


class Content(WireModel):
    role: str = "model"
    parts: list[Part] = Field(default_factory=list)


class EventActions(WireModel):
    state_delta: dict[str, Any] = Field(default_factory=dict, alias="stateDelta")
    artifact_delta: dict[str, Any] = Field(default_factory=dict, alias="artifactDelta")
    requested_auth_configs: dict[str, Any] = Field(
        default_factory=dict, alias="requestedAuthConfigs"
    )


class AdkEvent(WireModel):
    """One event of dialect A. `partial` text chunks are followed by a final event (partial false
    or absent) that repeats the whole text."""

    content: Content | None = None
    partial: bool | None = None
    invocation_id: str | None = Field(default=None, alias="invocationId")
    author: str | None = None
    actions: EventActions | None = None
    id: str | None = None
    timestamp: float | None = None
    error_code: str | None = Field(default=None, alias="errorCode")
    error_message: str | None = Field(default=None, alias="errorMessage")
    turn_complete: bool | None = Field(default=None, alias="turnComplete")
    finish_reason: str | None = Field(default=None, alias="finishReason")
    usage_metadata: dict[str, Any] | None = Field(default=None, alias="usageMetadata")
    model_version: str | None = Field(default=None, alias="modelVersion")
    node_info: dict[str, Any] | None = Field(default=None, alias="nodeInfo")


class RunSseRequest(WireModel):
    """The body of `POST /run_sse` (SPEC 4)."""

    app_name: str = "nemo_agent"
    user_id: str = "me"
    session_id: str
    new_message: Content
    streaming: bool = True

    @classmethod
    def for_text(cls, session_id: str, text: str) -> RunSseRequest:
        return cls(session_id=session_id, new_message=Content(role="user", parts=[Part(text=text)]))

    def text(self) -> str:
        return "".join(part.text or "" for part in self.new_message.parts)
