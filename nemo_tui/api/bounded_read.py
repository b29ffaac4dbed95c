"""Reading an answer's body with a size cap that holds after decompression: the raw bytes are
read and inflated here, a little at a time, so a small gzip body that would expand to gigabytes
(a "zip bomb") is stopped at the cap instead of filling memory.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

import httpx

from nemo_tui.api.errors import ServerError


def _inflater(encoding: str) -> zlib._Decompress | None:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise ServerError(f"The server sent an answer encoded as {encoding!r}, which is not readable.")


def too_big(limit: int) -> ServerError:
    return ServerError(f"The server sent an answer over {limit // 1024} KiB (answer size limit).")


async def raw_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    """The body as the server sent it, never decoded. A body read before it got here (test
    transports build answers whole) comes as one chunk."""
    if response.is_stream_consumed:
        yield response.content
        return
    async for chunk in response.aiter_raw():
        yield chunk


async def read_capped(response: httpx.Response, limit: int) -> bytes:
    """The decoded body of a streamed `response`, or `ServerError` once it passes `limit` bytes."""
    inflater = (
        None
        if response.is_stream_consumed
        else _inflater(response.headers.get("content-encoding", ""))
    )
    body = bytearray()
    async for raw in raw_chunks(response):
        if inflater is None:
            body += raw
        else:
            # Never inflate more than the room left (+1 to notice going over).
            data = raw
            while data and len(body) <= limit:
                body += inflater.decompress(data, limit - len(body) + 1)
                data = inflater.unconsumed_tail
        if len(body) > limit:
            raise too_big(limit)
    return bytes(body)
