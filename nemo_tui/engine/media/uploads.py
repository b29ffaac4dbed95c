"""Getting files into the media store: multipart uploads parsed as they stream in, URL uploads
fetched from loopback, and generated scenes. Every file is size-checked while it is written, probed
with PyAV, and stored under a generated name; the user's filename is kept only as data.

An upload is all or nothing: when one file is refused, every file of that request is deleted.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import unquote, urlsplit

import anyio.to_thread
import httpx
from python_multipart.multipart import MultipartParser, parse_options_header

from nemo_tui.api.errors import ErrorCode
from nemo_tui.engine.errors import ApiError
from nemo_tui.engine.media.damage import CutShort
from nemo_tui.engine.media.info import MediaInfo
from nemo_tui.engine.media.probe import ProbeError, TooManyPixels, probe_media
from nemo_tui.engine.store import Store, StoredMedia
from nemo_tui.loopback import is_loopback_host
from nemo_tui.skills import ACCEPTED_EXTENSIONS, extension_of, media_kind_of, megabytes

if TYPE_CHECKING:
    # Declared by python-multipart for type checkers only.
    from python_multipart.multipart import MultipartCallbacks

UPLOAD_FIELD = "files"
# A form field beside the files (the gateway's `session_id`) longer than this is refused.
MAX_FIELD_BYTES = 1024
ACCEPTED_LIST = " ".join(sorted(ACCEPTED_EXTENSIONS))
URL_FETCH_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


def unsupported(filename: str) -> ApiError:
    return ApiError(
        ErrorCode.UNSUPPORTED_FILE,
        f"{filename}: unsupported file type; accepted formats: {ACCEPTED_LIST}",
    )


class IncomingFile:
    """One file being written to the media store under a generated name, with its size limit
    enforced on every write and its SHA-256 computed on the way."""

    def __init__(self, media_dir: Path, filename: str, limit: int) -> None:
        if media_kind_of(filename) is None:
            raise unsupported(filename)
        self.filename = filename
        self.limit = limit
        self.media_id = f"m_{uuid.uuid4().hex}"
        # The extension comes from the accepted list, so the stored name is always safe.
        self.path = media_dir / f"{self.media_id}.{extension_of(filename)}"
        self.size = 0
        self._digest = hashlib.sha256()
        self._file: BinaryIO | None = self.path.open("xb")

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise ApiError(
                ErrorCode.FILE_TOO_LARGE,
                f"{self.filename} is too large: {megabytes(self.size)} received so far, over the "
                f"{megabytes(self.limit)} limit; compress or trim it and upload again",
            )
        self._digest.update(data)
        assert self._file is not None
        self._file.write(data)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)

    async def finish(self, max_pixels: int | None) -> tuple[MediaInfo, str]:
        """Close and probe the file: (what it is, its SHA-256). 4001 when it is empty, not
        media PyAV can read, or a picture of more than `max_pixels`."""
        self.close()
        if self.size == 0:
            raise ApiError(
                ErrorCode.UNSUPPORTED_FILE, f"{self.filename} is empty (0 bytes): nothing to use"
            )
        info = await probe_file(self.path, self.filename, self.media_id, max_pixels)
        return info, self._digest.hexdigest()


async def probe_file(
    path: Path, filename: str, media_id: str, max_pixels: int | None = None
) -> MediaInfo:
    try:
        return await anyio.to_thread.run_sync(probe_media, media_id, path, filename, max_pixels)
    except (TooManyPixels, CutShort) as exc:
        raise ApiError(ErrorCode.UNSUPPORTED_FILE, str(exc)) from exc
    except ProbeError as exc:
        raise ApiError(
            ErrorCode.UNSUPPORTED_FILE,
            f"{exc}; PyAV could not read it: check it opens in a media player and upload it again",
        ) from exc


def remove_partial_uploads(store: Store, media_dir: Path) -> list[str]:
    """Delete files in the media folder that no stored upload owns: uploads an engine was killed
    in the middle of (they are written under their final name and recorded only when whole)."""
    owned = store.stored_media_names()
    removed = []
    for path in media_dir.iterdir():
        if path.is_file() and path.name not in owned:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


async def commit(
    store: Store, session_id: str, files: list[IncomingFile], max_pixels: int | None
) -> list[StoredMedia]:
    """Probe every received file, then record them all; any refusal deletes the whole batch."""
    try:
        probed = [await incoming.finish(max_pixels) for incoming in files]
    except BaseException:
        for incoming in files:
            incoming.discard()
        raise
    for info, sha256 in probed:
        store.add_media(session_id, info, sha256)
    return [media for media in map(store.media, (info.id for info, _ in probed)) if media]


class _PartCollector:
    """python-multipart callbacks that queue what the parser saw, so the request loop can act on
    it (and stop reading) between chunks."""

    def __init__(self) -> None:
        self.events: list[tuple[str, bytes | dict[str, str]]] = []
        self._headers: dict[str, str] = {}
        self._field = b""
        self._value = b""

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def drain(self) -> list[tuple[str, bytes | dict[str, str]]]:
        events, self.events = self.events, []
        return events

    def _part_begin(self) -> None:
        self._headers = {}

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._field.decode("latin-1").lower()] = self._value.decode("latin-1")
        self._field = self._value = b""

    def _headers_finished(self) -> None:
        self.events.append(("begin", self._headers))

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        # The parser reuses its buffer, so the slice is copied now.
        self.events.append(("data", bytes(data[start:end])))

    def _part_end(self) -> None:
        self.events.append(("end", b""))


def _part_filename(headers: dict[str, str]) -> tuple[str, str | None]:
    """(field name, filename or None) from a part's Content-Disposition. Filenames arrive as
    UTF-8 bytes that the header parser decoded as latin-1."""
    _, options = parse_options_header(headers.get("content-disposition", ""))
    name = options.get(b"name", b"").decode("latin-1")
    filename = options.get(b"filename")
    if filename is None:
        return name, None
    raw = filename.decode("latin-1").encode("latin-1")
    return name, raw.decode("utf-8", errors="replace")


async def receive_multipart(
    chunks: AsyncIterator[bytes],
    content_type: str,
    store: Store,
    media_dir: Path,
    session_id: str,
    limit: int,
    max_pixels: int | None = None,
) -> list[StoredMedia]:
    """Stream the `files` parts of a multipart body to disk. Reading stops at the first file over
    `limit` (4002) or of an unaccepted type (4001); what was written is deleted."""
    received, _ = await receive_parts(chunks, content_type, media_dir, limit, UPLOAD_FIELD)
    return await commit(store, session_id, received, max_pixels)


async def receive_parts(
    chunks: AsyncIterator[bytes], content_type: str, media_dir: Path, limit: int, file_field: str
) -> tuple[list[IncomingFile], dict[str, str]]:
    """Stream the `file_field` parts of a multipart body to disk, and keep the short text fields
    beside them: (the files, not yet recorded; the fields). Reading stops at the first file over
    `limit` (4002) or of an unaccepted type (4001); what was written is deleted. The caller
    records the files with `commit` or deletes them with `discard_all`."""
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise ApiError(422, "multipart upload without a boundary in its Content-Type")
    collector = _PartCollector()
    parser = MultipartParser(boundary, collector.callbacks())
    received: list[IncomingFile] = []
    current: IncomingFile | None = None
    fields: dict[str, str] = {}
    field: tuple[str, bytearray] | None = None
    try:
        async for chunk in chunks:
            parser.write(chunk)
            for kind, payload in collector.drain():
                if kind == "begin" and isinstance(payload, dict):
                    field_name, filename = _part_filename(payload)
                    if field_name == file_field and filename is not None:
                        current = IncomingFile(media_dir, filename, limit)
                    elif filename is None:
                        field = (field_name, bytearray())
                elif kind == "data" and current is not None and isinstance(payload, bytes):
                    current.write(payload)
                elif kind == "data" and field is not None and isinstance(payload, bytes):
                    field[1].extend(payload)
                    if len(field[1]) > MAX_FIELD_BYTES:
                        raise ApiError(422, f"the form field '{field[0][:40]}' is too long")
                elif kind == "end" and current is not None:
                    current.close()
                    received.append(current)
                    current = None
                elif kind == "end" and field is not None:
                    fields[field[0]] = field[1].decode("utf-8", errors="replace")
                    field = None
        parser.finalize()
    except BaseException:
        discard_all([*received, *([current] if current else [])])
        raise
    if current is not None:
        current.discard()
        discard_all(received)
        raise ApiError(422, "the multipart body ended in the middle of a file; upload it again")
    if not received:
        raise ApiError(
            ErrorCode.UNSUPPORTED_FILE,
            f"no files in the upload: send them in the multipart field '{file_field}'",
        )
    return received, fields


def discard_all(files: list[IncomingFile]) -> None:
    for incoming in files:
        incoming.discard()


def check_loopback_urls(urls: list[str]) -> None:
    """Refuse, before any connection, every URL that is not http(s) on this machine."""
    if not urls:
        raise ApiError(ErrorCode.UNSUPPORTED_FILE, "no URLs given: send {'urls': [...]}")
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not is_loopback_host(parts.hostname or ""):
            raise ApiError(
                ErrorCode.UNSUPPORTED_FILE,
                "URL uploads need the cloud; this engine only fetches files served on loopback "
                f"(refused {parts.scheme}://{parts.hostname or ''}/...)",
            )


async def fetch_urls(
    urls: list[str],
    store: Store,
    media_dir: Path,
    session_id: str,
    limit: int,
    max_pixels: int | None = None,
) -> list[StoredMedia]:
    """Download loopback URLs into the media store, streamed, with the same checks as files."""
    check_loopback_urls(urls)
    received: list[IncomingFile] = []
    try:
        # No environment proxies and no redirects: a redirect could point off this machine.
        async with httpx.AsyncClient(
            timeout=URL_FETCH_TIMEOUT, trust_env=False, follow_redirects=False
        ) as client:
            for url in urls:
                received.append(await _fetch_one(client, url, media_dir, limit))
    except BaseException:
        for incoming in received:
            incoming.discard()
        raise
    return await commit(store, session_id, received, max_pixels)


async def _fetch_one(
    client: httpx.AsyncClient, url: str, media_dir: Path, limit: int
) -> IncomingFile:
    filename = unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "download"
    incoming = IncomingFile(media_dir, filename, limit)
    try:
        async with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise ApiError(
                    ErrorCode.UNSUPPORTED_FILE,
                    f"could not fetch {filename}: the URL answered HTTP {response.status_code}",
                )
            async for data in response.aiter_bytes():
                incoming.write(data)
    except httpx.HTTPError as exc:
        incoming.discard()
        raise ApiError(
            ErrorCode.UNSUPPORTED_FILE,
            f"could not fetch {filename}: {exc.__class__.__name__}; check the URL is being served",
        ) from exc
    except BaseException:
        incoming.discard()
        raise
    incoming.close()
    return incoming


async def store_generated(
    store: Store, session_id: str, path: Path, filename: str, media_id: str
) -> MediaInfo:
    """Record a scene the engine made itself (already written at `path` in the media store)."""
    info = await probe_file(path, filename, media_id)
    digest = await anyio.to_thread.run_sync(_sha256_of, path)
    store.add_media(session_id, info, digest, generated=True)
    return info


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
