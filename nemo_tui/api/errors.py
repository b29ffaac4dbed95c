"""The error codes of SPEC section 8, shared by the engine and the client, and the client's
exception hierarchy (`NemoError` and one subclass per case), so both halves name codes the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Literal


class ErrorCode(IntEnum):
    """Envelope `code` values (the HTTP-level ones use the HTTP status as their code)."""

    OK = 0
    BAD_TOKEN = 1001
    SESSION_NOT_FOUND = 1002
    NO_CREDITS = 2001
    UNSUPPORTED_FILE = 4001
    FILE_TOO_LARGE = 4002
    # Other gateways' words for a bad or expired token (SPEC 8: handled as 1001).
    BAD_TOKEN_OTHER = 1010
    BAD_TOKEN_EXPIRED = 1011
    MISSING_CLIENT_ID = 400
    EXPORT_BLOCKED = 402
    NOT_ALLOWED = 403
    RATE_LIMITED = 429
    UNPROCESSABLE = 422


BAD_TOKEN_CODES = frozenset(
    {ErrorCode.BAD_TOKEN, ErrorCode.BAD_TOKEN_OTHER, ErrorCode.BAD_TOKEN_EXPIRED}
)


# The HTTP status the engine answers each code with.
HTTP_STATUS_FOR_CODE: dict[ErrorCode, int] = {
    ErrorCode.BAD_TOKEN: 401,
    ErrorCode.SESSION_NOT_FOUND: 404,
    ErrorCode.NO_CREDITS: 403,
    ErrorCode.UNSUPPORTED_FILE: 415,
    ErrorCode.FILE_TOO_LARGE: 413,
    ErrorCode.MISSING_CLIENT_ID: 400,
    ErrorCode.EXPORT_BLOCKED: 402,
    ErrorCode.RATE_LIMITED: 429,
}


# --- The client's exceptions: one hierarchy, one human line each ------------------------------
#
# Messages are written for the person at the keyboard: what went wrong and what to do. None of them
# ever contains a token; the client scrubs server-supplied text before it lands here.


class NemoError(Exception):
    """Base of every error the client raises. `str()` is one line a person can act on."""

    code: int | None = None
    # The server's `X-Trace-Id` for this failure, for the diagnostics log (support asks for it).
    trace_id: str | None = None

    def __init__(self, message: str) -> None:
        # Newlines would break a one-line status bar; servers sometimes send multi-line messages.
        super().__init__(" ".join(message.split()))

    @property
    def message(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class AuthError(NemoError):
    """1001: the token was rejected and could not be replaced (or was the user's own NEMO_TOKEN)."""

    code = ErrorCode.BAD_TOKEN


class SessionNotFound(NemoError):
    """1002: the session is gone; the caller creates a new one and tells the user."""

    code = ErrorCode.SESSION_NOT_FOUND


class NoCredits(NemoError):
    """2001: out of credits. Anonymous users can register through the claim link (when known);
    registered users top up."""

    code = ErrorCode.NO_CREDITS

    def __init__(
        self, anonymous: bool, claim_url: str | None = None, register_url: str | None = None
    ) -> None:
        self.anonymous = anonymous
        self.claim_url = claim_url
        self.register_url = register_url
        if anonymous and register_url:
            advice = f"register to get more: {register_url}"
            if claim_url:
                advice += f" (this project comes along through {claim_url})"
        elif anonymous and claim_url:
            advice = f"register to get more: {claim_url}"
        elif anonymous:
            advice = "register a free account to get more"
        else:
            advice = "top up credits in your account"
        super().__init__(f"You are out of credits: {advice}.")


class UnsupportedFile(NemoError):
    """4001 from the server: a file type it does not accept."""

    code = ErrorCode.UNSUPPORTED_FILE


class FileTooLarge(NemoError):
    """4002 from the server: a file over the skill's size limit."""

    code = ErrorCode.FILE_TOO_LARGE


class ExportBlocked(NemoError):
    """HTTP 402: the plan does not allow export. A plan issue, not a credits issue."""

    code = ErrorCode.EXPORT_BLOCKED

    def __init__(self, claim_url: str | None = None) -> None:
        self.claim_url = claim_url
        where = (
            f"save this project to a free account to unlock export: {claim_url}"
            if claim_url
            else "register or upgrade your plan to unlock export"
        )
        super().__init__(f"Export is blocked on this plan (not a credits issue): {where}.")


class NotAllowed(NemoError):
    """HTTP 403: the plan or the token's scope does not allow this (an anonymous token has no
    `render` scope, say). Not retried; saving the project to an account (the claim link) unlocks
    it."""

    code = ErrorCode.NOT_ALLOWED

    def __init__(self, detail: str = "", claim_url: str | None = None) -> None:
        self.detail = detail
        self.claim_url = claim_url
        said = f" ({detail})" if detail else ""
        where = (
            f"save this project to a free account to unlock it: {claim_url}"
            if claim_url
            else "register or upgrade your plan to unlock it"
        )
        super().__init__(f"Your plan or access does not allow this{said}: {where}.")


class RateLimited(NemoError):
    """HTTP 429 that persisted after one wait and retry."""

    code = ErrorCode.RATE_LIMITED


class BadRequest(NemoError):
    """The server refused the request (an HTTP 4xx with no SPEC 8 meaning, such as 404 or 422;
    the anonymous token's 400 the client handles itself). `status` is the HTTP status."""

    def __init__(self, message: str, status: int | None = None) -> None:
        self.status = status
        super().__init__(message)


class ServerError(NemoError):
    """The server failed or could not be reached: 5xx, malformed JSON, connection refused.
    `transient` marks failures where the request may not have arrived or the server may recover
    (no answer, a 5xx): worth another try for a request that is safe to repeat."""

    def __init__(self, message: str, transient: bool = False) -> None:
        self.transient = transient
        super().__init__(message)


class StreamError(NemoError):
    """A chat turn failed after streaming began: the server sent an error event, or the
    connection dropped (`dropped`). The message was not resent; poll the session state."""

    def __init__(self, message: str, dropped: bool = False) -> None:
        self.dropped = dropped
        super().__init__(message)


class SseLineTooLong(StreamError):
    """A line of the event stream grew past the cap: the server is not speaking SSE as it should
    (or is hostile); the turn ends rather than memory growing without end."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(
            f"The agent's stream sent a line longer than {limit // 1024} KiB; the turn was "
            "stopped there (the message was not resent)."
        )


class RenderFailed(NemoError):
    """The render job ended with status `failed` (or the server no longer knows it)."""


class RenderCancelled(NemoError):
    """The render job was cancelled (here or elsewhere) before it finished."""


class RenderStillRunning(NemoError):
    """Following a render was given up (SPEC 7: after 15 minutes); the job may still finish, and
    its id is kept so a later start picks it up."""


class DownloadIncomplete(NemoError):
    """A download ended short of its announced size; the `.part` file is kept for a resume."""


@dataclass(frozen=True)
class FileProblem:
    """Why one file cannot be uploaded, found before anything is sent. `message` names the file."""

    path: Path
    reason: Literal["missing", "directory", "unreadable", "empty", "unsupported", "too_large"]
    message: str


class UploadRejected(NemoError):
    """Some files failed the pre-upload checks; nothing was sent."""

    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = tuple(problems)
        if len(problems) == 1:
            text = problems[0].message
        else:
            text = f"{len(problems)} files can't be uploaded: " + "; ".join(
                problem.message.rstrip(".") for problem in problems
            )
        super().__init__(text)
