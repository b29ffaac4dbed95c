"""The engine's fault switch: ASGI middleware that makes chosen routes misbehave the way a real
network and a real backend do, so the client's recoveries can be proven against a real server.

It is off unless `EngineSettings.faults` holds rules (JSON, also `NEMO_ENGINE_FAULTS` for an engine
run as its own process). A rule names a path pattern and one misbehaviour:

    [{"path": "/run_sse", "drop_after_events": 2},
     {"path": "/api/state/*", "skip": 1, "times": 2, "error": 500},
     {"path": "/api/render/proxy/*/download", "cut_after_bytes": 20000}]

`path` is an fnmatch pattern on the URL path (`method` optionally narrows it). Of the calls that
match, the first `skip` pass untouched, the next `times` (default 1; null for every one) get the
fault. Misbehaviours:

- `error`: 500 (server failure), 429 (rate limited) or 1001 (token rejected), in the envelope.
- `body`: answer HTTP 200 with this raw text as JSON (malformed data from the server).
- `drop_after_events`: an SSE stream is cut (no clean end) after this many `data:` events.
- `stall_after_events`: after this many events nothing more is sent, not even keep-alives, and
  the connection stays open until the client leaves.
- `cut_after_bytes`: the response body is cut after this many bytes.
- `delay`: the route answers this many seconds late.
- `bytes_per_second`: the response body trickles out at this rate.
- `replay`: answer with this text as a `text/event-stream` body (a stream written from SPEC 4, to
  prove the client reads what our own agent never sends), in pieces of `chunk_bytes` bytes
  (default: whole) so lines and characters arrive cut at odd places.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

log = logging.getLogger(__name__)

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Message, Receive, Send], Awaitable[None]]

ACTIONS = (
    "error",
    "body",
    "drop_after_events",
    "stall_after_events",
    "cut_after_bytes",
    "delay",
    "bytes_per_second",
    "replay",
)
# (HTTP status, envelope code, message) for each injectable error.
ERRORS: dict[int, tuple[int, int, str]] = {
    500: (500, 500, "injected fault: the server failed"),
    429: (429, 429, "injected fault: too many requests, retry later"),
    1001: (401, 1001, "injected fault: the token is unknown or expired"),
}
# A trickled body goes out in pieces this many times a second.
TRICKLE_STEPS_PER_SECOND = 20


class FaultRule(BaseModel):
    """One misbehaviour for the calls that match `path` (and `method`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    method: str | None = None
    skip: int = Field(default=0, ge=0)
    times: int | None = Field(default=1, ge=1)
    error: Literal[500, 429, 1001] | None = None
    body: str | None = None
    drop_after_events: int | None = Field(default=None, ge=0)
    stall_after_events: int | None = Field(default=None, ge=0)
    cut_after_bytes: int | None = Field(default=None, ge=0)
    delay: float | None = Field(default=None, gt=0)
    bytes_per_second: float | None = Field(default=None, gt=0)
    replay: str | None = None
    chunk_bytes: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one_action(self) -> FaultRule:
        chosen = [name for name in ACTIONS if getattr(self, name) is not None]
        if len(chosen) != 1:
            raise ValueError(f"a fault rule needs exactly one of {', '.join(ACTIONS)}")
        return self

    @property
    def action(self) -> str:
        return next(name for name in ACTIONS if getattr(self, name) is not None)

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return fnmatch.fnmatchcase(path, self.path)


_RULES = TypeAdapter(list[FaultRule])


def parse_rules(text: str | None) -> list[FaultRule]:
    """The rules of a `faults` setting; ValueError with one line when it is not valid."""
    if not text or not text.strip():
        return []
    try:
        return _RULES.validate_python(json.loads(text))
    except json.JSONDecodeError as exc:
        raise ValueError(f"faults is not valid JSON ({exc.msg})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "faults"
        what = first["msg"].removeprefix("Value error, ")
        raise ValueError(f"bad fault rule at {where}: {what}") from None


class _Cut(Exception):
    """Raised inside `send` to abandon a response half-way (the client sees a broken stream)."""


def _is_cut(exc: BaseException) -> bool:
    if isinstance(exc, _Cut):
        return True
    if isinstance(exc, BaseExceptionGroup):
        cut, rest = exc.split(_Cut)
        return cut is not None and rest is None
    return False


class FaultMiddleware:
    """Applies `rules` to the HTTP calls of `app`; with no rules it only passes calls through.

    Counting is per rule and per engine, so a test gets the same faults on every run."""

    def __init__(self, app: App, rules: list[FaultRule]) -> None:
        self.app = app
        self.rules = rules
        self._calls = [0] * len(rules)

    def _rule_for(self, method: str, path: str) -> FaultRule | None:
        chosen: FaultRule | None = None
        for index, rule in enumerate(self.rules):
            if not rule.matches(method, path):
                continue
            self._calls[index] += 1
            faulted = self._calls[index] - rule.skip
            if chosen is None and faulted >= 1 and (rule.times is None or faulted <= rule.times):
                chosen = rule
        return chosen

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.rules:
            await self.app(scope, receive, send)
            return
        rule = self._rule_for(scope["method"], scope["path"])
        if rule is None:
            await self.app(scope, receive, send)
            return
        log.warning("fault %s on %s %s", rule.action, scope["method"], scope["path"])
        if rule.error is not None:
            status, code, message = ERRORS[rule.error]
            payload = json.dumps({"code": code, "message": message, "data": None})
            await _answer(send, status, payload.encode())
            return
        if rule.body is not None:
            await _answer(send, 200, rule.body.encode("utf-8", "surrogatepass"))
            return
        if rule.replay is not None:
            await _replay(send, rule.replay.encode("utf-8"), rule.chunk_bytes)
            return
        if rule.delay is not None:
            await asyncio.sleep(rule.delay)
            await self.app(scope, receive, send)
            return
        if rule.stall_after_events is not None:
            await self._stalled(rule.stall_after_events, scope, receive, send)
            return
        faulty = _faulty_send(rule, send)
        try:
            await self.app(scope, receive, faulty)
        except BaseException as exc:
            if not _is_cut(exc):
                raise
            # Returning without the last body message makes the server drop the connection.

    async def _stalled(self, events: int, scope: Message, receive: Receive, send: Send) -> None:
        """Forward `events` events, then nothing: the client sees an open, silent stream."""
        sent = 0

        async def stalling_send(message: Message) -> None:
            nonlocal sent
            if message["type"] != "http.response.body":
                await send(message)
                return
            if sent < events:
                sent += _events_in(message.get("body", b""))
                await send({**message, "more_body": True})

        await self.app(scope, receive, stalling_send)
        # The turn is over but the client must not learn it: hold the connection until it leaves.
        while (await receive())["type"] != "http.disconnect":
            pass


def _events_in(body: bytes) -> int:
    return sum(1 for line in body.split(b"\n") if line.startswith(b"data:"))


def _faulty_send(rule: FaultRule, send: Send) -> Send:
    events = 0
    bytes_sent = 0

    async def faulty_send(message: Message) -> None:
        nonlocal events, bytes_sent
        if message["type"] != "http.response.body":
            await send(message)
            return
        body: bytes = message.get("body", b"")
        if rule.drop_after_events is not None:
            if events >= rule.drop_after_events and _events_in(body):
                raise _Cut
            events += _events_in(body)
            await send(message)
        elif rule.cut_after_bytes is not None:
            room = rule.cut_after_bytes - bytes_sent
            if len(body) >= room:
                if room > 0:
                    await send(
                        {"type": "http.response.body", "body": body[:room], "more_body": True}
                    )
                raise _Cut
            bytes_sent += len(body)
            await send(message)
        else:
            assert rule.bytes_per_second is not None
            await _trickle(send, message, rule.bytes_per_second)

    return faulty_send


async def _trickle(send: Send, message: Message, rate: float) -> None:
    body: bytes = message.get("body", b"")
    step = max(1, int(rate / TRICKLE_STEPS_PER_SECOND))
    for start in range(0, len(body), step):
        await send(
            {"type": "http.response.body", "body": body[start : start + step], "more_body": True}
        )
        await asyncio.sleep(min(step, len(body) - start) / rate)
    if not message.get("more_body", False):
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _replay(send: Send, body: bytes, chunk_bytes: int | None) -> None:
    headers = [(b"content-type", b"text/event-stream; charset=utf-8")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    step = chunk_bytes or max(1, len(body))
    for start in range(0, len(body), step):
        piece = body[start : start + step]
        await send({"type": "http.response.body", "body": piece, "more_body": True})
        # A turn of the loop between pieces, so they leave as separate writes.
        await asyncio.sleep(0)
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _answer(send: Send, status: int, body: bytes) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
