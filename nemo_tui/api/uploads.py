"""Uploads from disk (SPEC 5): the checks made before anything is sent, and a multipart body
streamed from the files in chunks, never a whole file in memory, with byte progress.
"""

from __future__ import annotations

import asyncio
import mimetypes
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path

from nemo_tui.api.errors import FileProblem, UploadRejected
from nemo_tui.skills import ACCEPTED_EXTENSIONS, extension_of, max_upload_bytes, megabytes

CHUNK_SIZE = 1024 * 1024
FIELD_NAME = "files"

# bytes done, bytes in total (None when the total is not known)
ProgressCallback = Callable[[int, int | None], None]


def display_name(path: Path) -> str:
    """A file's name for a one-line message: control characters (a newline is legal in a file
    name) are shown escaped, so a name can never break or forge a line of output."""
    name = path.name or str(path)
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in name
    )


def check_file(path: Path, skill_id: str | None) -> FileProblem | None:
    """Why `path` cannot be uploaded for this skill, or None when it can."""
    name = display_name(path)
    if not path.exists():
        return FileProblem(path, "missing", f"{name} does not exist: check the path.")
    if path.is_dir():
        return FileProblem(path, "directory", f"{name} is a folder: choose the files inside it.")
    ext = extension_of(name)
    if ext not in ACCEPTED_EXTENSIONS:
        kind = f".{ext} files" if ext else "files without an extension"
        accepted = ", ".join(sorted(ACCEPTED_EXTENSIONS))
        return FileProblem(
            path, "unsupported", f"{name}: {kind} are not accepted (use {accepted})."
        )
    try:
        with path.open("rb"):
            pass
        size = path.stat().st_size
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return FileProblem(
            path, "unreadable", f"{name} cannot be read ({reason}): check its permissions."
        )
    if size == 0:
        return FileProblem(path, "empty", f"{name} is empty (0 bytes): choose a real media file.")
    limit = max_upload_bytes(skill_id)
    if size > limit:
        return FileProblem(
            path,
            "too_large",
            f"{name} is {megabytes(size)}, over the {megabytes(limit)} limit: "
            "compress or trim it first.",
        )
    return None


def check_files(paths: Sequence[Path], skill_id: str | None) -> list[FileProblem]:
    """Every problem among `paths`, in their order; empty when all can be uploaded."""
    return [problem for path in paths if (problem := check_file(path, skill_id)) is not None]


def _quoted(filename: str) -> str:
    # Browsers percent-encode these three inside a quoted multipart filename; do the same.
    return (
        filename.replace("\\", "%5C").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
    )


class MultipartBody:
    """A `multipart/form-data` body of files under the field `files` (or `field`), then any text
    fields, read lazily.

    Its length is known up front (the files were sized when checked), so the request carries a
    `Content-Length` and the server can refuse an over-limit body before reading it.
    """

    def __init__(
        self,
        paths: Sequence[Path],
        chunk_size: int = CHUNK_SIZE,
        *,
        field: str = FIELD_NAME,
        text_fields: Mapping[str, str] | None = None,
    ) -> None:
        self.boundary = f"nemo-{uuid.uuid4().hex}"
        self._chunk_size = chunk_size
        self._field = field
        self._files = [(path, path.stat().st_size, self._part_head(path)) for path in paths]
        # Text fields follow the files (the gateway reads its `session_id` after the file).
        texts = "".join(
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="{_quoted(name)}"\r\n\r\n{value}\r\n'
            for name, value in (text_fields or {}).items()
        )
        self._tail = f"{texts}--{self.boundary}--\r\n".encode()
        self.file_bytes = sum(size for _, size, _ in self._files)
        self.content_length = sum(len(head) + size + 2 for _, size, head in self._files) + len(
            self._tail
        )

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def headers(self) -> dict[str, str]:
        return {"Content-Type": self.content_type, "Content-Length": str(self.content_length)}

    def _part_head(self, path: Path) -> bytes:
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return (
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="{self._field}"; '
            f'filename="{_quoted(path.name)}"\r\n'
            f"Content-Type: {mime}\r\n\r\n"
        ).encode()

    async def stream(self, on_progress: ProgressCallback | None = None) -> AsyncIterator[bytes]:
        """The body, chunk by chunk. Each call starts over, so a refused request can be resent."""
        sent = 0
        for path, size, head in self._files:
            yield head
            remaining = size
            with path.open("rb") as handle:
                while remaining > 0:
                    # Reading in a thread keeps the event loop (and a TUI on it) responsive on a
                    # slow disk.
                    chunk = await asyncio.to_thread(handle.read, min(self._chunk_size, remaining))
                    if not chunk:
                        message = f"{path.name} got shorter while it was being uploaded: retry."
                        raise UploadRejected([FileProblem(path, "unreadable", message)])
                    remaining -= len(chunk)
                    sent += len(chunk)
                    yield chunk
                    if on_progress is not None:
                        on_progress(sent, self.file_bytes)
            yield b"\r\n"
        yield self._tail
