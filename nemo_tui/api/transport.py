"""How every request reaches the backend: attribution headers, the bearer token, envelope
unwrapping, and the recoveries of SPEC 2 and 8 (re-auth once, wait once on 429, new client id on
400, backoff for idempotent GETs). `NemoClient` builds its routes on `Transport`.

The token is sent only to the API base's own origin and never put into a message: any server text
that ends up in an exception passes through `scrub` first.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol, Required, TypedDict, TypeVar, Unpack

import httpx
from pydantic import BaseModel, ValidationError

from nemo_tui.api.bounded_json import JsonRefused, loads_bounded
from nemo_tui.api.bounded_read import read_capped
from nemo_tui.api.errors import (
    BAD_TOKEN_CODES,
    AuthError,
    BadRequest,
    ErrorCode,
    ExportBlocked,
    FileTooLarge,
    NemoError,
    NoCredits,
    NotAllowed,
    RateLimited,
    ServerError,
    SessionNotFound,
    StreamError,
    UnsupportedFile,
)
from nemo_tui.api.models import AnonymousToken
from nemo_tui.api.sse import StreamFailure
from nemo_tui.api.wire import FROM_WIRE
from nemo_tui.skills import ACCEPTED_EXTENSIONS, DEFAULT_SKILL_ID

log = logging.getLogger(__name__)
# Errors with the server's trace id, for support; off unless `nemo_tui.diagnostics` turns it on.
diagnostics = logging.getLogger("nemo_tui.diagnostics")
# Off means off: without a handler of its own, Python's last-resort handler would print each
# warning (`POST /api/... -> HTTP 415 ...`) on stderr, before the app's own words for it.
diagnostics.addHandler(logging.NullHandler())

CLOUD_API_BASE = "https://mega-api-prod.nemovideo.ai"
TOKEN_ROUTE = "/api/auth/anonymous-token"
HEALTH_ROUTE = "/health"
# Asking who the backend is must not hold up a start against a backend that does not answer it.
HEALTH_TIMEOUT = httpx.Timeout(5.0)
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
GET_TRIES = 3
NEMO_TOKEN_REJECTED = (
    "Your NEMO_TOKEN was rejected (bad or expired): set a valid token, or unset NEMO_TOKEN to "
    "use a free anonymous one."
)
# The largest JSON answer read (after decompression): a session state with a big draft is well
# under a megabyte, so this only stops hostile or broken servers.
MAX_ANSWER_BYTES = 16 * 1024 * 1024
# How much of a server's error text reaches a message (it is one line on screen).
MAX_DETAIL = 300
# Error codes an error event mid-stream may carry that mean more than "the turn failed".
_STREAM_CODES = BAD_TOKEN_CODES | {ErrorCode.SESSION_NOT_FOUND, ErrorCode.NO_CREDITS}
_CLIENT_ID_SHAPE = re.compile(r"[A-Za-z0-9_\-]{1,128}")
_TOKEN_SHAPE = re.compile(r"nmv_[A-Za-z0-9_\-]{4,}")

T = TypeVar("T")
Model = TypeVar("Model", bound=BaseModel)
Sleep = Callable[[float], Awaitable[None]]


# After a 429 on the token route, how long (checks x seconds) to look for the token another
# process of the app was given meanwhile, before waiting as for any rate limit.
SHARED_TOKEN_CHECKS = 30
SHARED_TOKEN_CHECK_SECONDS = 0.1


class CredentialStore(Protocol):
    """Where the anonymous token (with its user id) and the client id are kept between runs
    (`nemo_tui.config` keeps them in 0600 files; tests use `MemoryCredentials`).

    Tokens are kept per backend identity: `use_backend` says which backend the token calls mean
    from then on, so two engines, or an engine and the cloud, never overwrite each other's."""

    # True when other processes of the app read and write the same store (a file).
    shared: bool

    def use_backend(self, identity: str) -> None: ...
    def reload(self) -> None: ...
    def get_token(self) -> str | None: ...
    def set_token(self, token: str | None, user_id: str | None = None) -> None: ...
    def get_user_id(self) -> str | None: ...
    def get_client_id(self) -> str | None: ...
    def set_client_id(self, client_id: str) -> None: ...


@dataclass
class MemoryCredentials:
    """A `CredentialStore` for one backend that forgets everything when the process ends."""

    token: str | None = None
    client_id: str | None = None
    user_id: str | None = None
    backend: str | None = None

    shared = False

    def use_backend(self, identity: str) -> None:
        self.backend = identity

    def reload(self) -> None:
        """Nothing to re-read: this store is the process's own."""

    def get_token(self) -> str | None:
        return self.token

    def set_token(self, token: str | None, user_id: str | None = None) -> None:
        self.token = token
        self.user_id = user_id

    def get_user_id(self) -> str | None:
        return self.user_id

    def get_client_id(self) -> str | None:
        return self.client_id

    def set_client_id(self, client_id: str) -> None:
        self.client_id = client_id

    def __repr__(self) -> str:
        return f"MemoryCredentials(token={'set' if self.token else 'not set'})"


@dataclass(frozen=True)
class Attribution:
    """The three headers the backend attributes every request by (SPEC 1)."""

    skill: str = DEFAULT_SKILL_ID
    version: str = "1.0.0"
    platform: str = "unknown"

    def headers(self) -> dict[str, str]:
        return {
            "X-Skill-Source": self.skill,
            "X-Skill-Version": self.version,
            "X-Skill-Platform": self.platform,
        }


def scrub(text: str, token: str | None = None) -> str:
    """`text` with any token in it masked, so it can go into an exception or a log."""
    if token:
        text = text.replace(token, "[token]")
    return _TOKEN_SHAPE.sub("nmv_[token]", text)


_TOKEN_START = re.compile(r"(?:nmv_[A-Za-z0-9_\-]*|nmv|nm|n)\Z")
# Enough of the end of a text to hold any token start (tokens are far shorter).
_TOKEN_REACH = 256


def partial_secret(text: str, token: str | None = None) -> int:
    """The length of the longest end of `text` that may begin the token (or a token's shape)."""
    end = text[-_TOKEN_REACH:]
    shaped = _TOKEN_START.search(end)
    held = len(shaped.group()) if shaped else 0
    if token:
        # A partial token starts at one of the last len(token) - 1 characters that equal its
        # first: the earliest such start that matches is the longest end (called per chunk).
        tail = end[max(len(end) - len(token) + 1, 0) :] if len(token) > 1 else ""
        start = tail.find(token[0])
        while start != -1 and len(tail) - start > held:
            if token.startswith(tail[start:]):
                return len(tail) - start
            start = tail.find(token[0], start + 1)
    return held


def error_for(status: int, payload: Any, *, anonymous: bool, token: str | None = None) -> NemoError:
    """The exception for an error answer (HTTP status and parsed JSON body, or None)."""
    code: int | None = None
    detail = ""
    if isinstance(payload, dict):
        raw_code = payload.get("code")
        if isinstance(raw_code, int) and not isinstance(raw_code, bool) and raw_code != 0:
            code = raw_code
        detail = scrub(" ".join(_detail_text(payload).split()), token)[:MAX_DETAIL]
    if code is None:
        code = _code_for_status(status, detail)
    said = f": {detail}" if detail else ""
    if code in BAD_TOKEN_CODES:
        return AuthError(f"The token was rejected{said}.")
    match code:
        case ErrorCode.SESSION_NOT_FOUND:
            return SessionNotFound(f"The session was not found{said}; a new one is needed.")
        case ErrorCode.NO_CREDITS:
            return NoCredits(anonymous=anonymous)
        case ErrorCode.UNSUPPORTED_FILE:
            if detail and "type" not in detail.lower():
                # Refused for what is in it (a file cut short, say): its own words say why.
                return UnsupportedFile(f"The server refused a file{said}.")
            accepted = ", ".join(sorted(ACCEPTED_EXTENSIONS))
            return UnsupportedFile(f"The server refused a file type{said}. Accepted: {accepted}.")
        case ErrorCode.FILE_TOO_LARGE:
            return FileTooLarge(f"A file is too large{said}. Compress or trim it and try again.")
        case ErrorCode.EXPORT_BLOCKED:
            return ExportBlocked()
        case ErrorCode.NOT_ALLOWED:
            return NotAllowed(detail)
        case ErrorCode.UNPROCESSABLE:
            # The backend's own words say what it cannot do (a clip over 15 s, say).
            return BadRequest(f"The backend cannot do that: {detail or 'no reason given'}.", 422)
        case ErrorCode.RATE_LIMITED:
            return RateLimited(f"The server is limiting requests{said}; try again later.")
    if status >= 500:
        return ServerError(
            f"The server failed (HTTP {status}){said}; try again in a moment.", transient=True
        )
    if 400 <= status < 500:
        return BadRequest(f"The server refused the request (HTTP {status}){said}.", status)
    return ServerError(f"The server answered with error code {code}{said}.")


def _detail_text(payload: dict[str, Any]) -> str:
    """The human part of an error body: `message`, FastAPI's `detail` (a string, or a list of
    `{"msg"}` items), or `error` (a string or `{"message"}`)."""
    for key in ("message", "detail", "error"):
        value = payload.get(key)
        if isinstance(value, dict):
            value = value.get("message") or value.get("msg")
        elif isinstance(value, list):
            value = "; ".join(
                str(item.get("msg", "")) if isinstance(item, dict) else str(item)
                for item in value[:5]
            )
        if value:
            return str(value)
    return ""


def _code_for_status(status: int, detail: str) -> int | None:
    if status == 401:
        return ErrorCode.BAD_TOKEN
    if status == 404 and "session" in detail.lower():
        return ErrorCode.SESSION_NOT_FOUND
    if status in (
        ErrorCode.EXPORT_BLOCKED,
        ErrorCode.NOT_ALLOWED,
        ErrorCode.UNPROCESSABLE,
        ErrorCode.RATE_LIMITED,
    ):
        return status
    return None


def unwrap(status: int, body: bytes, *, anonymous: bool, token: str | None = None) -> Any:
    """The `data` of a JSON answer in any of the three shapes of SPEC 1, or the exception its
    status or non-zero `code` stands for (raised even under HTTP 200)."""
    payload: Any = None
    if body.strip():
        try:
            payload = loads_bounded(body, max_bytes=MAX_ANSWER_BYTES)
        except JsonRefused as refused:
            raise ServerError(f"The server sent an answer refused as {refused}.") from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            if status < 400:
                raise ServerError("The server sent a malformed answer (not JSON).") from None
    if status >= 400:
        raise error_for(status, payload, anonymous=anonymous, token=token)
    if not isinstance(payload, dict):
        return payload
    if "code" in payload:
        if payload["code"] not in (0, None):
            raise error_for(status, payload, anonymous=anonymous, token=token)
        return payload.get("data")
    if payload.get("success") is False:
        raise error_for(500 if status < 400 else status, payload, anonymous=anonymous, token=token)
    if "success" in payload and "data" in payload:
        return payload["data"]
    return payload


def parse_answer(model: type[Model], data: Any, what: str) -> Model:
    """`data` as `model`. An answer of the wrong shape (a draft whose tracks are not a list, say)
    is the server's fault, so it is a `ServerError` like malformed JSON, never pydantic's own."""
    try:
        return model.model_validate(data, context=FROM_WIRE)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the answer"
        raise ServerError(
            f"The server sent a malformed {what} answer ({where}: {first['msg']})."
        ) from None


def same_origin(url: httpx.URL, base: httpx.URL) -> bool:
    return (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)


def backend_identity(base: httpx.URL, health: Any) -> str:
    """Who a backend is, for keeping its token and its memory apart from others': the
    `instance_id` its `/health` reports (a local engine keeps one per data folder, whatever port
    it listens on), else its origin."""
    if isinstance(health, dict):
        instance = health.get("instance_id")
        if isinstance(instance, str) and _CLIENT_ID_SHAPE.fullmatch(instance):
            return f"instance {instance}"
    return f"{base.scheme}://{base.netloc.decode()}"


class StreamOptions(TypedDict, total=False):
    """What a streaming request says besides its method and URL; `accept` tells the stream asked
    for from any other answer."""

    accept: Required[Callable[[httpx.Response], bool]]
    json_body: Any
    headers: dict[str, str] | None
    timeout: httpx.Timeout | None


class Transport:
    """One `httpx.AsyncClient` to the API base, with the token and the recoveries of SPEC 8."""

    def __init__(
        self,
        api_base: str,
        *,
        token: str | None,
        access_key: str | None = None,
        credentials: CredentialStore,
        attribution: Attribution,
        rate_limit_wait: float,
        sleep: Sleep,
        backoff: float,
        http_transport: httpx.AsyncBaseTransport | None,
        user_token_rejected: str = NEMO_TOKEN_REJECTED,
    ) -> None:
        self.base = httpx.URL(api_base.rstrip("/") + "/")
        # What is said when the user's own token (or gateway API key) is refused: never renewed.
        self.user_token_rejected = user_token_rejected
        # A token the user supplied (NEMO_TOKEN) is theirs: when it is rejected we say so rather
        # than quietly replacing it with an anonymous one.
        self.user_token = token
        # An engine beyond loopback gives tokens only for its access key (sent on that route only).
        self._access_key = access_key
        self._credentials = credentials
        self._rate_limit_wait = rate_limit_wait
        self._sleep = sleep
        self._backoff = backoff
        # Called after an expired anonymous token was replaced, so the app can say so in a line.
        self.on_token_renewed: Callable[[], None] | None = None
        self._token_lock = asyncio.Lock()
        # Set by `identify()`, before any token is read or stored.
        self.identity: str | None = None
        self.http = httpx.AsyncClient(
            base_url=self.base,
            headers=attribution.headers(),
            timeout=DEFAULT_TIMEOUT,
            transport=http_transport,
        )

    @property
    def anonymous(self) -> bool:
        return self.user_token is None

    @property
    def token(self) -> str | None:
        return self.user_token or self._credentials.get_token()

    async def aclose(self) -> None:
        await self.http.aclose()

    # --- the token ---------------------------------------------------------------------------

    async def identify(self) -> str:
        """Ask `/health` who this backend is (once; no token sent) and key the stored token by
        the answer. A backend without the route, or that cannot say, is known by its origin."""
        if self.identity is not None:
            return self.identity
        health: Any = None
        answered = False
        try:
            response, body = await self._exchange(
                "GET", HEALTH_ROUTE, authorize=False, timeout=HEALTH_TIMEOUT
            )
            # A server without the route (404) has said all it will; a failure has not.
            answered = response.status_code in (200, 404)
            if response.status_code == 200:
                health = unwrap(200, body, anonymous=self.anonymous)
        except NemoError:
            answered = False
        if not answered:
            # Not reached this time (the engine still starting, the network away): known by
            # its origin for now, and asked again next time instead of for the whole process.
            identity = backend_identity(self.base, None)
            self._credentials.use_backend(identity)
            return identity
        self.identity = backend_identity(self.base, health)
        self._credentials.use_backend(self.identity)
        return self.identity

    async def ensure_token(self) -> str:
        await self.identify()
        token = self.token
        if token:
            return token
        async with self._token_lock:
            return self.token or await self._acquire_anonymous_token()

    @property
    def user_id(self) -> str | None:
        """The anonymous user's id (for the registration link), when known."""
        return None if self.user_token else self._credentials.get_user_id()

    async def _renew_token(self, rejected: str | None) -> None:
        async with self._token_lock:
            # Another call may have renewed it while this one waited for the lock.
            if self.token == rejected:
                # Another process of the app may have renewed it already: use that one.
                self._credentials.reload()
                if self.token != rejected and self.token:
                    return
                self._credentials.set_token(None)
                await self._acquire_anonymous_token()
                if self.on_token_renewed is not None:
                    self.on_token_renewed()

    async def _acquire_anonymous_token(self) -> str:
        """SPEC 2: `POST /api/auth/anonymous-token` with this install's client id. A 400 means
        the id was missing or refused: a new one is made and the call repeated once."""
        client_id = self._credentials.get_client_id()
        # A damaged stored id would make every token call fail: replace it like a missing one.
        if not client_id or not _CLIENT_ID_SHAPE.fullmatch(client_id):
            client_id = str(uuid.uuid4())
            self._credentials.set_client_id(client_id)
        new_id_tried = waited = False
        while True:
            headers = {"X-Client-Id": client_id}
            if self._access_key:
                headers["X-Access-Key"] = self._access_key
            response, body = await self._exchange(
                "POST", TOKEN_ROUTE, headers=headers, authorize=False
            )
            if response.status_code == 400 and not new_id_tried:
                new_id_tried = True
                client_id = str(uuid.uuid4())
                self._credentials.set_client_id(client_id)
                continue
            if response.status_code == 429 and not waited:
                # Another process of the app on this machine (same client id) may have just
                # been given the one token: it is about to store it where this one reads.
                if shared := await self._token_stored_by_another_process():
                    return shared
                waited = True
                await self._sleep(self._rate_limit_wait)
                continue
            data = self.check(response, body)
            answer = parse_answer(AnonymousToken, data, "anonymous token")
            self._credentials.set_token(answer.token, answer.user_id)
            log.info("acquired an anonymous token")
            return answer.token

    async def _token_stored_by_another_process(self) -> str | None:
        if not self._credentials.shared:
            return None
        for _ in range(SHARED_TOKEN_CHECKS):
            self._credentials.reload()
            if token := self._credentials.get_token():
                log.info("using the anonymous token another process of the app stored")
                return token
            await self._sleep(SHARED_TOKEN_CHECK_SECONDS)
        return None

    # --- requests ----------------------------------------------------------------------------

    def url(self, path_or_url: str) -> httpx.URL:
        return self.base.join(path_or_url.lstrip("/") if "://" not in path_or_url else path_or_url)

    def _headers(self, url: httpx.URL, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(extra or {})
        token = self.token
        # Never hand the token to another host (a CDN download URL, say).
        if token and same_origin(url, self.base):
            headers["Authorization"] = f"Bearer {token}"
        return headers

    async def _send(
        self,
        method: str,
        path_or_url: str,
        *,
        headers: dict[str, str] | None = None,
        json_body: Any = None,
        content: Any = None,
        timeout: httpx.Timeout | None = None,
        authorize: bool = True,
    ) -> httpx.Response:
        """Send a request and return the answer with its body still unread (see `read_capped`)."""
        url = self.url(path_or_url)
        request_headers = self._headers(url, headers) if authorize else dict(headers or {})
        request = self.http.build_request(
            method,
            url,
            headers=request_headers,
            json=json_body,
            content=content,
            timeout=timeout or DEFAULT_TIMEOUT,
        )
        try:
            response = await self.http.send(request, stream=True)
        except httpx.TimeoutException:
            raise ServerError(
                f"No answer in time from {self._where()}; try again.", transient=True
            ) from None
        except httpx.TransportError as exc:
            raise ServerError(
                f"Cannot reach {self._where()} ({_reason(exc)}).", transient=True
            ) from None
        log.debug("%s %s -> %s", method, url.path, response.status_code)
        return response

    async def _exchange(
        self, method: str, path_or_url: str, **options: Any
    ) -> tuple[httpx.Response, bytes]:
        """One request and its whole answer body, read with the answer size cap."""
        response = await self._send(method, path_or_url, **options)
        try:
            return response, await read_capped(response, MAX_ANSWER_BYTES)
        except httpx.TransportError as exc:
            raise ServerError(
                f"The answer from {self._where()} was cut off ({_reason(exc)}).", transient=True
            ) from None
        finally:
            await response.aclose()

    def _where(self) -> str:
        return f"the server at {self.base.scheme}://{self.base.netloc.decode()}"

    def stream_failure(self, failure: StreamFailure) -> NemoError:
        """The exception for an error event mid-turn: the SPEC 8 one when its `errorCode` is a
        code the client acts on (2001 out of credits, say), otherwise a `StreamError`."""
        code = int(failure.code) if failure.code and failure.code.isdigit() else None
        if code in _STREAM_CODES:
            return error_for(
                200,
                {"code": code, "message": failure.message},
                anonymous=self.anonymous,
                token=self.token,
            )
        return StreamError(scrub(failure.message, self.token))

    def check(self, response: httpx.Response, body: bytes) -> Any:
        """Unwrap an answer's status and body. A failure is written to the diagnostics log with
        the server's `X-Trace-Id`, and carries it."""
        try:
            return unwrap(response.status_code, body, anonymous=self.anonymous, token=self.token)
        except NemoError as error:
            trace_id = _trace_id(response)
            error.trace_id = trace_id
            diagnostics.warning(
                "%s %s -> HTTP %s %s: %s%s",
                response.request.method,
                response.request.url.path,
                response.status_code,
                type(error).__name__,
                error,
                f" [X-Trace-Id {trace_id}]" if trace_id else "",
            )
            raise

    def scrub(self, text: str) -> str:
        """`text` with this client's token (and anything shaped like a token) masked."""
        return scrub(text, self.token)

    def partial_secret(self, text: str) -> int:
        """How many characters at the end of `text` may be the start of a token still arriving:
        text streamed in chunks holds them back until the next chunk says whether it is one."""
        return partial_secret(text, self.token)

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        content_factory: Callable[[], Any] | None = None,
        headers: dict[str, str] | None = None,
        timeout: httpx.Timeout | None = None,
        idempotent: bool = False,
    ) -> Any:
        """One call with the SPEC 8 recoveries; returns the unwrapped `data`."""

        async def attempt() -> Any:
            response, body = await self._exchange(
                method,
                path,
                headers=headers,
                json_body=json_body,
                content=content_factory() if content_factory else None,
                timeout=timeout,
            )
            return self.check(response, body)

        return await self.recover(attempt, idempotent=idempotent)

    @asynccontextmanager
    async def stream(
        self,
        method: str,
        path_or_url: str,
        *,
        idempotent: bool = False,
        **options: Unpack[StreamOptions],
    ) -> AsyncIterator[httpx.Response]:
        """A streaming answer once `accept(response)` says it is the stream asked for. Any other
        answer is read whole and turned into its exception (with the same recoveries as
        `request`). Leaving the block closes the HTTP stream."""
        response = await self.recover(
            lambda: self.open_stream(method, path_or_url, **options), idempotent=idempotent
        )
        try:
            yield response
        finally:
            await response.aclose()

    async def open_stream(
        self, method: str, path_or_url: str, **options: Unpack[StreamOptions]
    ) -> httpx.Response:
        """One try at `stream`'s answer, without its recoveries (for a caller that runs its own
        attempt inside `recover`); the caller closes the response."""
        accept = options["accept"]
        response = await self._send(
            method,
            path_or_url,
            headers=options.get("headers"),
            json_body=options.get("json_body"),
            timeout=options.get("timeout"),
        )
        if accept(response):
            return response
        try:
            self.check(response, await read_capped(response, MAX_ANSWER_BYTES))
        finally:
            await response.aclose()
        raise ServerError(
            f"The server answered HTTP {response.status_code} "
            f"({response.headers.get('content-type', 'no content type')}) "
            "where a stream was expected."
        )

    async def recover(self, attempt: Callable[[], Awaitable[T]], *, idempotent: bool) -> T:
        """Run `attempt` with SPEC 8's recoveries. Only answers that say the request was refused
        (1001, 429) or that it never arrived (idempotent requests only) are tried again, so a
        message that charges credits is never sent twice."""
        reauthed = waited = False
        tries = 0
        while True:
            tries += 1
            token = await self.ensure_token()
            try:
                return await attempt()
            except AuthError as exc:
                if self.user_token is not None:
                    raise AuthError(self.user_token_rejected) from None
                if reauthed:
                    raise AuthError(f"{exc} A fresh anonymous token was rejected too.") from None
                reauthed = True
                await self._renew_token(token)
            except RateLimited:
                if waited:
                    raise
                waited = True
                await self._sleep(self._rate_limit_wait)
            except ServerError as exc:
                if not (exc.transient and idempotent) or tries >= GET_TRIES:
                    raise
                await self._sleep(self._backoff * 2 ** (tries - 1))


def _trace_id(response: httpx.Response) -> str | None:
    # Bounded and printable: it is the server's text going into a log line.
    value = response.headers.get("x-trace-id", "")
    cleaned = "".join(char for char in value[:128] if char.isprintable())
    return cleaned or None


def _reason(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "connection refused or host unreachable"
    return type(exc).__name__
