"""`GatewayClient`: the gateway (SPEC 11, GATEWAY.md) behind `NemoClient`'s methods.

The official CLI's API: a user's API key, projects (a session's project is its task), the state
as `project.timeline_draft` plus `files:*`, uploads one file per `/files/upload`, renders under
`/services/v1/render-proxy/`, the balance and usage history under `/billing/`, and chat over a
WebSocket (`gateway_chat`). `core` calls the same methods as on the skills' API and gets the same
models and events back; the few things only the gateway has (projects, usage history, the web
link) are methods of their own, guarded by `lists_projects`.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import time
from collections.abc import AsyncGenerator, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from nemo_tui.api.client import UPLOAD_TIMEOUT, EventStream, NemoClient
from nemo_tui.api.draft import Draft
from nemo_tui.api.errors import (
    BadRequest,
    RenderFailed,
    ServerError,
    SessionNotFound,
    UploadRejected,
)
from nemo_tui.api.gateway_chat import PING_EVERY, GatewayChat
from nemo_tui.api.gateway_models import (
    CreatedProject,
    GatewaySession,
    Project,
    ProjectList,
    SessionList,
    UsagePage,
)
from nemo_tui.api.models import (
    Credits,
    RenderRequest,
    RenderStatus,
    SessionInfo,
    SessionState,
    SessionStateBody,
    UploadResult,
)
from nemo_tui.api.render_status import normalize_render_status
from nemo_tui.api.sse import StreamEvent
from nemo_tui.api.transport import MemoryCredentials, Sleep, parse_answer
from nemo_tui.api.uploads import MultipartBody, ProgressCallback, check_files
from nemo_tui.skills import DEFAULT_SKILL_ID

GATEWAY_API_BASE = "https://mega-x-api-prod.nemovideo.ai"
# SPEC 11: the browser link of a project's session (the dev site for a dev gateway).
GATEWAY_WEB_URL = "https://nemovideo.ai"
GATEWAY_DEV_WEB_URL = "https://dev.nemovideo.ai"
KEY_REJECTED = (
    "The API key was rejected (bad, revoked or for another gateway): set another with "
    "NEMOVIDEO_API_KEY or `nemo-tui login`."
)
# Where a gateway draft names an uploaded file (GATEWAY.md 1.3, export).
_USERDATA_PATH = re.compile(r"/mnt/userdata/[^\"]*")
MAX_HISTORY_PAGE = 100


def rewrite_userdata_paths(draft: Any, files: Sequence[dict[str, Any]]) -> Any:
    """SPEC 11: every `/mnt/userdata/.../<name>` in a gateway draft becomes the `cdn_url` of the
    `files:*` entry whose `s3_key` has that name, as the official CLI does before an export."""
    urls: dict[str, str] = {}
    for entry in files:
        key, url = entry.get("s3_key"), entry.get("cdn_url")
        if isinstance(key, str) and isinstance(url, str) and key and url:
            urls[key.rsplit("/", 1)[-1]] = url
    if not urls:
        return draft
    text = json.dumps(draft, ensure_ascii=False)

    def swap(match: re.Match[str]) -> str:
        path = match.group()
        for name, url in urls.items():
            if path.endswith(name):
                # Escaped for the JSON string it lands in.
                return json.dumps(url, ensure_ascii=False)[1:-1]
        return path

    return json.loads(_USERDATA_PATH.sub(swap, text))


class GatewayClient(NemoClient):
    """The gateway with a user's API key: no anonymous token, no claim link, no renewal."""

    kind = "gateway"
    lists_projects = True

    def __init__(
        self,
        api_base: str = GATEWAY_API_BASE,
        *,
        api_key: str,
        skill: str = DEFAULT_SKILL_ID,
        skill_version: str = "1.0.0",
        skill_platform: str = "unknown",
        rate_limit_wait: float = 30.0,
        retry_backoff: float = 0.5,
        web_url: str | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        http_transport: httpx.AsyncBaseTransport | None = None,
        ping_every: float = PING_EVERY,
    ) -> None:
        super().__init__(
            api_base,
            token=api_key,
            credentials=MemoryCredentials(),
            skill=skill,
            skill_version=skill_version,
            skill_platform=skill_platform,
            rate_limit_wait=rate_limit_wait,
            retry_backoff=retry_backoff,
            web_url=web_url or _web_url_for(api_base),
            sleep=sleep,
            clock=clock,
            http_transport=http_transport,
            token_rejected=KEY_REJECTED,
        )
        self._chat = GatewayChat(
            self._transport.base,
            api_key,
            # The official CLI sends its attribution on the handshake too (not the platform).
            {"X-Skill-Source": skill, "X-Skill-Version": skill_version},
            KEY_REJECTED,
            self.scrub,
            sleep=sleep,
            ping_every=ping_every,
        )
        # Each project's uploaded files (`files:*`), for the path rewrite at export.
        self._files: dict[str, list[dict[str, Any]]] = {}

    def __repr__(self) -> str:
        return f"GatewayClient({self.api_base!r}, skill={self.skill!r})"

    async def aclose(self) -> None:
        await self._chat.aclose()
        await super().aclose()

    async def identify(self) -> str:
        # A key is one user: its sessions are kept apart from the skills' API's on one backend.
        return f"gateway {await super().identify()}"

    def web_link(self, session_id: str) -> str | None:
        project = self.task_of(session_id)
        if project is None:
            return None
        return f"{self.web_url}/workspace/project/{quote(project, safe='')}/{quote(session_id)}"

    async def claim_url(self, session_id: str) -> str | None:
        return None  # SPEC 11: there is no claim link on the gateway

    async def verify(self) -> dict[str, Any]:
        """`POST /auth/verify`: who the key belongs to (an `AuthError` when it is refused)."""
        key = self._transport.user_token
        data = await self._transport.request("POST", "/auth/verify", json_body={"token": key})
        return data if isinstance(data, dict) else {}

    # --- projects ----------------------------------------------------------------------------

    async def create_session(self, language: str = "en") -> SessionInfo:
        data = await self._transport.request(
            "POST", "/projects", json_body={"create_session": True}
        )
        created = parse_answer(CreatedProject, data, "new project")
        self.remember_task(created.session.session_id, created.project_id)
        return SessionInfo(task_id=created.project_id, session_id=created.session.session_id)

    async def projects(self) -> list[Project]:
        data = await self._transport.request("GET", "/projects", idempotent=True)
        if isinstance(data, list):
            data = {"projects": data}
        return parse_answer(ProjectList, data, "project list").projects

    async def project_sessions(self, project_id: str) -> list[GatewaySession]:
        """A project's sessions, the active one first; `SessionNotFound` for an unknown one."""
        try:
            data = await self._transport.request(
                "GET", f"/projects/{quote(project_id, safe='')}/sessions", idempotent=True
            )
        except BadRequest as error:
            if error.status == 404:
                raise SessionNotFound(f"The project {project_id} was not found.") from None
            raise
        sessions = parse_answer(SessionList, data, "project sessions").sessions
        for session in sessions:
            self.remember_task(session.session_id, project_id)
        return sessions

    async def open_project(self, project_id: str) -> SessionInfo:
        """The project's active session, to continue it."""
        sessions = await self.project_sessions(project_id)
        if not sessions:
            raise SessionNotFound(f"The project {project_id} has no session to continue.")
        return SessionInfo(task_id=project_id, session_id=sessions[0].session_id)

    async def usage_history(
        self,
        page_no: int = 1,
        page_size: int = 20,
        start_date: str | None = None,
        end_date: str | None = None,
    ) -> UsagePage:
        params: dict[str, str | int] = {
            "page_no": max(page_no, 1),
            "page_size": min(max(page_size, 1), MAX_HISTORY_PAGE),
        }
        if start_date:
            params["start_date"] = start_date
        if end_date:
            params["end_date"] = end_date
        path = str(httpx.URL("/billing/usage/conversations", params=params))
        data = await self._transport.request("GET", path, idempotent=True)
        return parse_answer(UsagePage, data, "usage history")

    async def _project_of(self, session_id: str) -> str:
        """The project of a session: known from this run or an earlier one (`remember_task`),
        else looked up in the project list."""
        known = self.task_of(session_id)
        if known is not None:
            return known
        for project in await self.projects():
            sessions = await self.project_sessions(project.project_id)
            if any(session.session_id == session_id for session in sessions):
                return project.project_id
        raise SessionNotFound(f"The session {session_id} belongs to no project of this key.")

    # --- account and state -------------------------------------------------------------------

    async def credits(self) -> Credits:
        data = await self._transport.request("GET", "/billing/balance", idempotent=True)
        return parse_answer(Credits, data, "credits")

    async def state(self, session_id: str) -> SessionState:
        project_id = await self._project_of(session_id)
        try:
            data = await self._transport.request(
                "GET", f"/api/v1/state/frontend/{quote(project_id, safe='')}", idempotent=True
            )
        except BadRequest as error:
            if error.status == 404:
                raise SessionNotFound(f"The project {project_id} was not found.") from None
            raise
        project = data.get("project") if isinstance(data, dict) else None
        project = project if isinstance(project, dict) else {}
        files = [
            entry
            for key, entries in project.items()
            if key.startswith("files:") and isinstance(entries, list)
            for entry in entries
            if isinstance(entry, dict)
        ]
        self._files[project_id] = files
        body = SessionStateBody(draft=Draft.from_wire(project.get("timeline_draft")))
        name = data.get("projectName") if isinstance(data, dict) else None
        return SessionState(
            session_id=session_id,
            task_id=project_id,
            task_name=name if isinstance(name, str) else None,
            state=body,
        )

    # --- chat --------------------------------------------------------------------------------

    def run_sse(self, session_id: str, text: str) -> EventStream:
        """One turn over the WebSocket (the name is the skills' API's: `core` calls one method)."""
        return EventStream(self._chat_events(session_id, text))

    async def _chat_events(self, session_id: str, text: str) -> AsyncGenerator[StreamEvent, None]:
        await self._transport.ensure_token()
        events = self._chat.turn(session_id, text)
        try:
            async for event in events:
                yield event
        finally:
            await events.aclose()

    # --- uploads -----------------------------------------------------------------------------

    async def upload(
        self,
        session_id: str,
        paths: Sequence[Path | str],
        on_progress: ProgressCallback | None = None,
    ) -> UploadResult:
        """SPEC 11: one file per `/files/upload` (a `file` part, then `session_id`)."""
        files = [Path(p) for p in paths]
        if not files:
            raise UploadRejected([])
        problems = check_files(files, self.skill)
        if problems:
            raise UploadRejected(problems)
        sent_before = 0
        for path in files:
            body = MultipartBody([path], field="file", text_fields={"session_id": session_id})

            def progress(sent: int, total: int | None, before: int = sent_before) -> None:
                if on_progress is not None:
                    on_progress(before + sent, None)

            await self._transport.request(
                "POST",
                "/files/upload",
                content_factory=functools.partial(body.stream, progress),
                headers=body.headers(),
                timeout=UPLOAD_TIMEOUT,
            )
            sent_before += body.file_bytes
        return UploadResult()

    # --- renders -----------------------------------------------------------------------------

    async def _submit(self, request: RenderRequest) -> Any:
        """SPEC 11: the draft's `/mnt/userdata` paths rewritten; the id we send is the one kept."""
        body = request.to_wire()
        project_id = self.task_of(request.session_id)
        files = self._files.get(project_id, []) if project_id else []
        body["draft"] = rewrite_userdata_paths(body.get("draft"), files)
        data = await self._transport.request(
            "POST", "/services/v1/render-proxy/lambda", json_body=body
        )
        # The gateway answers what it likes (the CLI reads nothing): the id sent is the one polled.
        if isinstance(data, dict) and not any(key in data for key in ("id", "render_id")):
            return {**data, "id": request.id}
        return data

    async def render_status(self, render_id: str) -> RenderStatus:
        try:
            data = await self._transport.request(
                "GET",
                f"/services/v1/render-proxy/lambda/{quote(render_id, safe='')}",
                idempotent=True,
            )
        except BadRequest as error:
            if error.status != 404:
                raise
            raise RenderFailed(f"The render {render_id} is unknown to the gateway.") from None
        return normalize_render_status(data, render_id=render_id)

    async def cancel_render(self, render_id: str) -> RenderStatus:
        route = f"/services/v1/render-proxy/lambda/{quote(render_id, safe='')}/cancel"
        try:
            data = await self._transport.request("POST", route)
        except BadRequest as error:
            if error.status not in (404, 405):
                raise
            raise ServerError(
                f"The gateway cannot cancel a render; {render_id} runs to its end."
            ) from None
        if isinstance(data, dict) and "status" in data:
            return normalize_render_status(data, render_id=render_id)
        return RenderStatus(id=render_id, status="cancelled")


def _web_url_for(api_base: str) -> str:
    """GATEWAY.md 1.3: the dev site when the base names "dev", else nemovideo.ai."""
    return GATEWAY_DEV_WEB_URL if "dev" in api_base else GATEWAY_WEB_URL
