"""Wire models of the gateway's own answers (SPEC 11, GATEWAY.md 1.3): projects, their sessions,
and the paged usage history. Unknown keys are kept, as everywhere in `api`."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from nemo_tui.api.wire import WireModel


class GatewaySession(WireModel):
    """One session of a project; the gateway lists the active one first."""

    session_id: str
    project_id: str | None = None
    name: str | None = None
    status: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class Project(WireModel):
    """A project: on the gateway one per session made with `create_session`."""

    project_id: str
    name: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class ProjectList(WireModel):
    projects: list[Project] = Field(default_factory=list)
    count: int | None = None


class SessionList(WireModel):
    sessions: list[GatewaySession] = Field(default_factory=list)


class CreatedProject(WireModel):
    """`POST /projects` with `create_session`: the project and its first session."""

    project_id: str
    user_id: str | None = None
    session: GatewaySession


class UsageItem(WireModel):
    """One row of the usage history: a conversation's cost, a grant, or an expiry."""

    kind: str = "conversation"
    amount_delta: int = 0
    created_at: str | None = None
    conversation: dict[str, Any] | None = None
    grant: dict[str, Any] | None = None

    @property
    def what(self) -> str:
        """The row in a few words: the message a conversation answered, or the grant's source."""
        if self.kind == "conversation" and self.conversation:
            hidden = self.conversation.get("user_message_hidden")
            message = self.conversation.get("user_message")
            if not hidden and isinstance(message, str) and message.strip():
                return " ".join(message.split())
            return "conversation"
        if self.kind == "grant" and self.grant:
            return f"grant: {_grant_source(self.grant.get('source'))}"
        return self.kind

    @property
    def project_id(self) -> str | None:
        value = (self.conversation or {}).get("project_id")
        return value if isinstance(value, str) else None


class UsagePage(WireModel):
    """`GET /billing/usage/conversations`: one page of the history."""

    items: list[UsageItem] = Field(default_factory=list)
    total: int = 0
    total_pages: int = 0
    has_next: bool = False
    page_no: int = 1


def _grant_source(source: Any) -> str:
    """GATEWAY.md 1.3's names for where credits came from."""
    text = str(source or "")
    if text == "welcome":
        return "welcome gift"
    if text.startswith("subscription_webhook:booster"):
        return "booster pack"
    if text.startswith("subscription_webhook:"):
        return "subscription"
    return text.replace("_", " ") or "credits"
