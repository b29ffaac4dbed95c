"""The error codes of SPEC section 8, as constants shared by the engine and the client.

Both halves name codes the same way; the client's exception types live beside its client code.
"""

from __future__ import annotations

from enum import IntEnum


class ErrorCode(IntEnum):
    """Envelope `code` values (the HTTP-level ones use the HTTP status as their code)."""

    OK = 0
    BAD_TOKEN = 1001
    SESSION_NOT_FOUND = 1002
    NO_CREDITS = 2001
    UNSUPPORTED_FILE = 4001
    FILE_TOO_LARGE = 4002
    MISSING_CLIENT_ID = 400
    EXPORT_BLOCKED = 402
    RATE_LIMITED = 429


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
