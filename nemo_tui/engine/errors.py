"""The engine's protocol error: raised by any service, answered by the HTTP layer in the envelope
of SPEC 1."""

from __future__ import annotations

from nemo_tui.api.errors import HTTP_STATUS_FOR_CODE, ErrorCode


class ApiError(Exception):
    """A protocol error: answered as `{"code": code, "message": message, "data": null}`.

    Codes of SPEC 8 take their HTTP status from HTTP_STATUS_FOR_CODE; other codes are plain HTTP
    statuses (404, 422) and are answered with themselves.
    """

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = int(code)
        self.message = message

    @property
    def status(self) -> int:
        try:
            return HTTP_STATUS_FOR_CODE[ErrorCode(self.code)]
        except (ValueError, KeyError):
            return self.code if 400 <= self.code < 600 else 400
