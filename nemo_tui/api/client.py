"""`NemoClient`: the NemoVideo protocol (SPEC 1-8) as typed async calls.

Sessions, credits, state, chat turns as a stream of typed events, uploads from disk with progress,
renders (submit, poll, download with resume). Auth, retries and envelopes live in `transport`;
multipart bodies and pre-upload checks in `uploads`; SSE parsing in `sse`. Every failure is a
`NemoError` subclass with a one-line message.

    async with NemoClient("http://127.0.0.1:8765", credentials=store) as client:
        session = await client.create_session("en")
        async with client.run_sse(session.session_id, "make it vertical") as events:
            async for event in events:
                ...
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import AsyncGenerator, Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

import httpx

from nemo_tui.api.bounded_read import raw_chunks
from nemo_tui.api.draft import Draft
from nemo_tui.api.errors import (
    BadRequest,
    DownloadIncomplete,
    ExportBlocked,
    FileProblem,
    NemoError,
    NoCredits,
    NotAllowed,
    RateLimited,
    RenderCancelled,
    RenderFailed,
    RenderStillRunning,
    ServerError,
    StreamError,
    UploadRejected,
)
from nemo_tui.api.models import (
    ClaimRequest,
    ClaimToken,
    Credits,
    RenderOutputOptions,
    RenderRequest,
    RenderStatus,
    RunSseRequest,
    SessionCreateRequest,
    SessionInfo,
    SessionState,
    UploadResult,
    new_render_id,
)
from nemo_tui.api.render_status import normalize_render_status
from nemo_tui.api.sse import StreamEvent, StreamFailure, TurnDone, parse_bytes
from nemo_tui.api.transport import (
    CLOUD_API_BASE,
    NEMO_TOKEN_REJECTED,
    Attribution,
    CredentialStore,
    MemoryCredentials,
    Sleep,
    Transport,
    parse_answer,
    unwrap,
)
from nemo_tui.api.uploads import MultipartBody, ProgressCallback, check_files
from nemo_tui.skills import DEFAULT_SKILL_ID

# A turn may run 15 minutes (SPEC 4); connecting should fail fast.
SSE_TIMEOUT = httpx.Timeout(connect=10.0, read=900.0, write=60.0, pool=10.0)
# The server probes uploaded media before it answers.
UPLOAD_TIMEOUT = httpx.Timeout(connect=10.0, read=300.0, write=60.0, pool=10.0)
DOWNLOAD_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)
DOWNLOAD_TRIES = 3
WEB_URL = "https://nemovideo.com"
# SPEC 7: following a render is given up after 15 minutes; the id is kept for a later start.
FOLLOW_LIMIT_SECONDS = 15 * 60
# How much longer each poll waits than the one before, up to the longest interval.
POLL_BACKOFF = 1.5
# The fallback download route may answer JSON pointing at the file; a few KB at most.
MAX_POINTER_BYTES = 64 * 1024
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")

RenderProgress = Callable[[RenderStatus], None]


class _ClosedOnExit:
    """`async with` gives the object itself and calls its `aclose()` on the way out."""

    async def aclose(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


class EventStream(_ClosedOnExit):
    """The events of one chat turn. Iterate it; `aclose()`, or leaving `async with`, closes the
    HTTP stream at once (the user pressed Escape). Errors arrive as `NemoError` subclasses: a
    server error event or a dropped connection as `StreamError`, which ends the iteration."""

    def __init__(self, events: AsyncGenerator[StreamEvent, None]) -> None:
        self._events = events

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> StreamEvent:
        return await self._events.__anext__()

    async def aclose(self) -> None:
        await self._events.aclose()


def _is_event_stream(response: httpx.Response) -> bool:
    content_type = response.headers.get("content-type", "")
    return response.status_code == 200 and content_type.startswith("text/event-stream")


def _is_download(response: httpx.Response) -> bool:
    return response.status_code in (200, 206, 416)


def _is_json(response: httpx.Response) -> bool:
    content_type: str = response.headers.get("content-type", "")
    return content_type.split(";")[0].strip().endswith("json")


def _is_duplicate_id(error: NemoError) -> bool:
    return "duplicate" in str(error).lower()


class NemoClient(_ClosedOnExit):
    """The protocol client. One `httpx.AsyncClient`; use as `async with` or call `aclose()`.

    `token` is a user-supplied NEMO_TOKEN; without it an anonymous token is fetched and kept in
    `credentials`. `sleep` is what waits (429, backoff, render polls): tests pass a recorder.

    This is the skills' API (SPEC 1-10); `nemo_tui.api.gateway.GatewayClient` speaks the gateway
    (SPEC 11) behind the same methods, so `core` drives either without knowing which.
    """

    # Which API this is ("skills" or "gateway"), and whether it keeps a list of projects.
    kind = "skills"
    lists_projects = False

    def __init__(
        self,
        api_base: str = CLOUD_API_BASE,
        *,
        token: str | None = None,
        access_key: str | None = None,
        credentials: CredentialStore | None = None,
        skill: str = DEFAULT_SKILL_ID,
        skill_version: str = "1.0.0",
        skill_platform: str = "unknown",
        rate_limit_wait: float = 30.0,
        retry_backoff: float = 0.5,
        web_url: str = WEB_URL,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        http_transport: httpx.AsyncBaseTransport | None = None,
        token_rejected: str | None = None,
    ) -> None:
        self.skill = skill
        self.web_url = web_url.rstrip("/")
        self._sleep = sleep
        self._clock = clock
        self._transport = Transport(
            api_base,
            token=token or None,
            access_key=access_key or None,
            credentials=credentials if credentials is not None else MemoryCredentials(),
            attribution=Attribution(skill, skill_version, skill_platform),
            rate_limit_wait=rate_limit_wait,
            sleep=sleep,
            backoff=retry_backoff,
            http_transport=http_transport,
            user_token_rejected=token_rejected or NEMO_TOKEN_REJECTED,
        )
        # The task of each session this client created, for the claim link when credits run out.
        self._tasks: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"NemoClient({str(self._transport.base)!r}, skill={self.skill!r})"

    @property
    def api_base(self) -> str:
        return str(self._transport.base).rstrip("/")

    @property
    def on_token_renewed(self) -> Callable[[], None] | None:
        """Called (no arguments, never the token) after a rejected anonymous token was replaced
        and before the call is repeated."""
        return self._transport.on_token_renewed

    @on_token_renewed.setter
    def on_token_renewed(self, callback: Callable[[], None] | None) -> None:
        self._transport.on_token_renewed = callback

    @property
    def anonymous(self) -> bool:
        """True when the client runs on an anonymous token rather than the user's NEMO_TOKEN."""
        return self._transport.anonymous

    async def aclose(self) -> None:
        await self._transport.aclose()

    # --- account and session -----------------------------------------------------------------

    async def ensure_token(self) -> None:
        """Fetch an anonymous token now if none is stored (otherwise the first call does)."""
        await self._transport.ensure_token()

    async def identify(self) -> str:
        """Who the backend is (its `/health` instance id, else its origin): the key its token
        and the app's memory of it are kept under."""
        return await self._transport.identify()

    def register_url(self) -> str | None:
        """SPEC 2: the registration link of an anonymous user, when their id is known."""
        user_id = self._transport.user_id
        if not user_id:
            return None
        return str(httpx.URL(f"{self.web_url}/register", params={"bind": user_id}))

    async def health(self) -> dict[str, Any]:
        """The server's health answer (the engine reports its version and render counts)."""
        data = await self._transport.request("GET", "/health", idempotent=True)
        return data if isinstance(data, dict) else {"status": data}

    async def create_session(self, language: str = "en") -> SessionInfo:
        body = SessionCreateRequest(language=language).to_wire()
        data = await self._transport.request(
            "POST", "/api/tasks/me/with-session/nemo_agent", json_body=body
        )
        session = parse_answer(SessionInfo, data, "new session")
        self._tasks[session.session_id] = session.task_id
        return session

    async def credits(self) -> Credits:
        data = await self._transport.request("GET", "/api/credits/balance/simple", idempotent=True)
        return parse_answer(Credits, data, "credits")

    async def state(self, session_id: str) -> SessionState:
        data = await self._transport.request(
            "GET", f"/api/state/nemo_agent/me/{session_id}/latest", idempotent=True
        )
        state = parse_answer(SessionState, data, "session state")
        if state.task_id:
            self._tasks[session_id] = state.task_id
        return state

    def remember_task(self, session_id: str, task_id: str) -> None:
        """The task (on the gateway: the project) of a session known from an earlier run."""
        self._tasks[session_id] = task_id

    def task_of(self, session_id: str) -> str | None:
        return self._tasks.get(session_id)

    def web_link(self, session_id: str) -> str | None:
        """A link to open the session in the browser, where the API has one (the gateway)."""
        return None

    async def claim_token(self, task_id: str | None, session_id: str | None) -> ClaimToken:
        """The registration link for an anonymous user (SPEC 2); `claim_url` is always filled."""
        body = ClaimRequest(task_id=task_id, session_id=session_id).to_wire()
        data = await self._transport.request("POST", "/api/auth/claim-token", json_body=body)
        claim = parse_answer(ClaimToken, data, "claim link")
        if not claim.claim_url:
            # Only `ct` works, and the user's token never goes into a URL (SPEC 2).
            url = httpx.URL(f"{self.web_url}/workspace/claim", params={"ct": claim.claim_token})
            claim.claim_url = str(url)
        return claim

    async def claim_url(self, session_id: str) -> str | None:
        """The claim link of a session, or None when it cannot be had (any failure)."""
        try:
            claim = await self.claim_token(self._tasks.get(session_id), session_id)
        except NemoError:
            return None
        return claim.claim_url

    async def _with_claim_link(self, error: NoCredits, session_id: str) -> NoCredits:
        """The same error with the claim and registration links, when the user is anonymous."""
        if not error.anonymous:
            return error
        claim_url = await self.claim_url(session_id)
        return NoCredits(anonymous=True, claim_url=claim_url, register_url=self.register_url())

    # --- chat --------------------------------------------------------------------------------

    def run_sse(self, session_id: str, text: str) -> EventStream:
        """Send one message and stream the turn's events. The message is never resent: after a
        dropped stream, poll `state()` instead."""
        return EventStream(self._turn_events(session_id, text))

    async def _turn_events(self, session_id: str, text: str) -> AsyncGenerator[StreamEvent, None]:
        body = RunSseRequest.for_text(session_id, text).to_wire()
        try:
            stream = self._transport.stream(
                "POST",
                "/run_sse",
                accept=_is_event_stream,
                json_body=body,
                headers={"Accept": "text/event-stream"},
                timeout=SSE_TIMEOUT,
            )
            async with stream as response:
                try:
                    # ADK 2.x announces an error in an event, then writes the `error` line and
                    # closes: the announcement (which has the code) is kept until then.
                    announced: StreamFailure | None = None
                    async for event in parse_bytes(response.aiter_bytes()):
                        if isinstance(event, StreamFailure):
                            if event.announced and announced is None:
                                announced = event
                                continue
                            raise self._transport.stream_failure(announced or event)
                        if isinstance(event, TurnDone):
                            break
                        yield event
                    if announced is not None:
                        raise self._transport.stream_failure(announced)
                except httpx.ReadTimeout:
                    raise StreamError(
                        "The agent sent nothing for 15 minutes; the turn is treated as lost "
                        "(the message was not resent).",
                        dropped=True,
                    ) from None
                except httpx.TransportError:
                    raise StreamError(
                        "The connection dropped mid-turn; the message was not resent.",
                        dropped=True,
                    ) from None
        except NoCredits as error:
            raise await self._with_claim_link(error, session_id) from None

    # --- uploads -----------------------------------------------------------------------------

    def check_files(self, paths: Sequence[Path | str]) -> list[FileProblem]:
        """The pre-upload problems of `paths` for this client's skill (type, size, readability)."""
        return check_files([Path(p) for p in paths], self.skill)

    async def upload(
        self,
        session_id: str,
        paths: Sequence[Path | str],
        on_progress: ProgressCallback | None = None,
    ) -> UploadResult:
        """Upload files, streamed from disk. Every file is checked first; if any fails, nothing
        is sent and `UploadRejected` lists each problem with the file named."""
        files = [Path(p) for p in paths]
        if not files:
            raise UploadRejected([])
        problems = check_files(files, self.skill)
        if problems:
            raise UploadRejected(problems)
        body = MultipartBody(files)
        try:
            data = await self._transport.request(
                "POST",
                f"/api/upload-video/nemo_agent/me/{session_id}",
                content_factory=lambda: body.stream(on_progress),
                headers=body.headers(),
                timeout=UPLOAD_TIMEOUT,
            )
        except NoCredits as error:
            raise await self._with_claim_link(error, session_id) from None
        return parse_answer(UploadResult, data, "upload")

    # --- renders -----------------------------------------------------------------------------

    async def submit_render(
        self,
        session_id: str,
        draft: Draft,
        output_height: int | None = None,
        render_id: str | None = None,
        quality: str = "high",
    ) -> RenderStatus:
        """Start an export (free of credits). The answer's id is the one to poll: the server
        may replace a client id it cannot use. A "duplicate id" refusal gets a new id, once. A
        402 or 403 (an anonymous token may not export) comes with the claim link.
        `quality="preview"` is for the local engine only."""
        request = RenderRequest(
            id=render_id or new_render_id(),
            session_id=session_id,
            draft=draft,
            output=RenderOutputOptions(height=output_height, quality=quality),
        )
        try:
            try:
                data = await self._submit(request)
            except (BadRequest, ServerError) as error:
                if not _is_duplicate_id(error):
                    raise
                request.id = f"{new_render_id()}_{os.urandom(3).hex()}"
                data = await self._submit(request)
        except ExportBlocked:
            raise ExportBlocked(await self.claim_url(session_id)) from None
        except NotAllowed as error:
            raise NotAllowed(error.detail, await self.claim_url(session_id)) from None
        if not isinstance(data, dict) or not any(
            key in data or key in (data.get("data") or {}) for key in ("status", "id")
        ):
            return RenderStatus(id=request.id, status="pending")
        if "status" not in data and "status" not in (data.get("data") or {}):
            data = {**data, "status": "pending"}
        return normalize_render_status(data, render_id=request.id)

    async def _submit(self, request: RenderRequest) -> Any:
        return await self._transport.request(
            "POST", "/api/render/proxy/lambda", json_body=request.to_wire()
        )

    async def cancel_render(self, render_id: str) -> RenderStatus:
        """SPEC 7: ask the server to stop a render; its answer (or `cancelled`) comes back."""
        path = f"/api/render/proxy/lambda/{quote(render_id, safe='')}/cancel"
        data = await self._transport.request("POST", path)
        if isinstance(data, dict) and ("status" in data or "status" in (data.get("data") or {})):
            return normalize_render_status(data, render_id=render_id)
        return RenderStatus(id=render_id, status="cancelled")

    def scrub(self, text: str) -> str:
        """`text` with this client's token (and anything shaped like one) masked: for whatever
        the front ends print or store of a server's words."""
        return self._transport.scrub(text)

    def partial_secret(self, text: str) -> int:
        """How many characters at the end of streamed `text` to hold back: they may be the start
        of the token, split across chunks by a server that echoes it."""
        return self._transport.partial_secret(text)

    async def render_status(self, render_id: str) -> RenderStatus:
        """The job's status; `RenderFailed` when the server does not know the job (any more)."""
        try:
            data = await self._transport.request(
                "GET", f"/api/render/proxy/lambda/{quote(render_id, safe='')}", idempotent=True
            )
        except BadRequest as error:
            if error.status != 404:
                raise
            raise RenderFailed(f"The render {render_id} is unknown to the server.") from None
        return normalize_render_status(data, render_id=render_id)

    async def wait_for_render(
        self,
        render_id: str,
        poll_interval: float = 30.0,
        on_progress: RenderProgress | None = None,
        *,
        longest_interval: float | None = None,
        give_up_after: float = FOLLOW_LIMIT_SECONDS,
    ) -> RenderStatus:
        """Poll until the render completes (returned), fails (`RenderFailed`) or is cancelled
        (`RenderCancelled`). Each wait is `POLL_BACKOFF` times the last, from `poll_interval` up
        to `longest_interval`. A poll that fails in passing (no answer, 408, 429, 5xx) is
        repeated for the same id after a longer wait: the render is never submitted again.
        After `give_up_after` seconds `RenderStillRunning` is raised; the job may still finish."""
        longest = max(longest_interval or poll_interval, poll_interval)
        interval = poll_interval
        deadline = self._clock() + give_up_after
        while True:
            try:
                status = await self.render_status(render_id)
            except (ServerError, RateLimited, BadRequest) as error:
                if not _poll_failure_is_transient(error):
                    raise
                status = None
            if status is not None:
                if on_progress is not None:
                    on_progress(status)
                if status.status == "completed":
                    return status
                if status.status == "failed":
                    reason = status.error or "no reason given"
                    raise RenderFailed(f"The render {render_id} failed: {reason}.")
                if status.status == "cancelled":
                    raise RenderCancelled(f"The render {render_id} was cancelled.")
            if self._clock() >= deadline:
                minutes = give_up_after / 60
                raise RenderStillRunning(
                    f"Stopped following the render {render_id} after {minutes:g} minutes; it is "
                    "kept and followed again at the next start."
                )
            wait = interval if status is not None else min(interval * 2, max(longest, interval))
            await self._sleep(wait)
            interval = min(interval * POLL_BACKOFF, longest)

    def download_url(self, target: RenderStatus | str) -> str:
        """Where a render's file is: its output URL, else the fallback route of SPEC 7."""
        if isinstance(target, str):
            return target
        if target.output is not None and target.output.url:
            return target.output.url
        return self.fallback_download_route(target.id)

    @staticmethod
    def fallback_download_route(render_id: str) -> str:
        return f"/api/render/proxy/{quote(render_id, safe='')}/download"

    async def download(
        self,
        target: RenderStatus | str,
        dest: Path,
        on_progress: ProgressCallback | None = None,
    ) -> Path:
        """Download a render to `dest` through `dest.part`, resuming a `.part` left by an earlier
        attempt with a Range request. The file appears at `dest` only when complete and of the
        announced size; otherwise the `.part` stays for the next try."""
        url = self.download_url(target)
        expected = (
            target.output.size if isinstance(target, RenderStatus) and target.output else None
        )
        if isinstance(target, RenderStatus) and url == self.fallback_download_route(target.id):
            url, expected = await self._resolve_fallback(url, expected)
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(dest.name + ".part")
        # One retry schedule, the transport's (SPEC 8 backoff for idempotent requests); each
        # attempt resumes from what the .part file holds by then.
        return await self._transport.recover(
            lambda: self._download_once(url, dest, part, expected, on_progress), idempotent=True
        )

    async def _resolve_fallback(self, route: str, expected: int | None) -> tuple[str, int | None]:
        """SPEC 7: the fallback route answers the video itself, or JSON `{"output":{"url",
        "size"}}` pointing at it. Which one is told by the content type: a JSON answer gives the
        URL to download (its body is read here, bounded); a video is downloaded from the route."""
        async with self._transport.stream(
            "GET", route, accept=_is_download, headers={"Accept-Encoding": "identity"},
            timeout=DOWNLOAD_TIMEOUT, idempotent=True,
        ) as response:  # fmt: skip
            if not _is_json(response):
                return route, expected
            body = b""
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_POINTER_BYTES:
                    raise ServerError("The download route answered with an oversized JSON body.")
        data = unwrap(200, body, anonymous=self.anonymous)
        output = data.get("output") if isinstance(data, dict) else None
        url = output.get("url") if isinstance(output, dict) else None
        if not isinstance(url, str) or not url:
            raise ServerError("The download route answered JSON without an output URL.")
        size = output.get("size") if isinstance(output, dict) else None
        return url, size if isinstance(size, int) and size >= 0 else expected

    async def _download_once(
        self,
        url: str,
        dest: Path,
        part: Path,
        expected: int | None,
        on_progress: ProgressCallback | None,
    ) -> Path:
        offset = part.stat().st_size if part.exists() else 0
        # Byte ranges count stored bytes, so ask for the file as stored, never compressed.
        headers = {"Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        response = await self._transport.open_stream(
            "GET", url, accept=_is_download, headers=headers, timeout=DOWNLOAD_TIMEOUT
        )
        try:
            if response.status_code == 416:
                # The range starts at or past the end: the .part may already be whole.
                total = _total_from_content_range(response.headers.get("content-range"))
                if total is None or total != offset:
                    part.unlink(missing_ok=True)
                    raise ServerError(
                        "The partial download did not match; starting over.", transient=True
                    )
                return _finish(part, dest, total)
            if response.status_code == 206:
                start, total = _parse_content_range(response.headers.get("content-range"))
                if start != offset:
                    part.unlink(missing_ok=True)
                    raise ServerError(
                        "The server resumed at the wrong byte; starting over.", transient=True
                    )
            else:
                # A 200 to a Range request means the server sends the whole file again.
                offset = 0
                length = response.headers.get("content-length")
                total = int(length) if length and length.isdigit() else None
            encoding = response.headers.get("content-encoding", "identity").strip().lower()
            if encoding not in ("", "identity"):
                raise ServerError(
                    f"The server sent {dest.name} encoded as {encoding!r} although the stored "
                    "bytes were asked for; the download was refused."
                )
            # The announced size is the render's own when it gave one: the file is cut there
            # whatever the server keeps sending.
            total = expected if expected is not None else total
            done = offset
            with part.open("ab" if offset else "wb") as handle:
                # Raw bytes: never decoded, so what lands on disk is what the server stored.
                async for chunk in raw_chunks(response):
                    if total is not None and done + len(chunk) > total:
                        chunk = chunk[: max(0, total - done)]
                    handle.write(chunk)
                    done += len(chunk)
                    if on_progress is not None:
                        on_progress(done, total)
                    if total is not None and done >= total:
                        break
        except httpx.TransportError:
            raise ServerError(
                f"The download of {dest.name} was cut off; run it again to resume from byte "
                f"{part.stat().st_size if part.exists() else 0}.",
                transient=True,
            ) from None
        finally:
            await response.aclose()
        return _finish(part, dest, total)


def _poll_failure_is_transient(error: NemoError) -> bool:
    """SPEC 7: no answer, 408, 429 and 5xx mean "poll the same id again later"."""
    if isinstance(error, RateLimited):
        return True
    if isinstance(error, BadRequest):
        return error.status == 408
    return isinstance(error, ServerError) and error.transient


def _parse_content_range(value: str | None) -> tuple[int, int | None]:
    match = _CONTENT_RANGE.fullmatch((value or "").strip())
    if not match:
        raise ServerError(f"The server sent a partial download without a usable range ({value}).")
    total = match.group(3)
    return int(match.group(1)), int(total) if total != "*" else None


def _total_from_content_range(value: str | None) -> int | None:
    # A 416 answer carries `bytes */<total>`.
    _, _, total = (value or "").rpartition("/")
    return int(total) if total.isdigit() else None


def _finish(part: Path, dest: Path, total: int | None) -> Path:
    size = part.stat().st_size
    if total is not None and size != total:
        raise DownloadIncomplete(
            f"The download of {dest.name} stopped at {size} of {total} bytes; run it again to "
            "resume."
        )
    os.replace(part, dest)
    return dest
