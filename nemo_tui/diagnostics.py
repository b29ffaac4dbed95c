"""The diagnostics log: the client's errors, each with the server's `X-Trace-Id` beside it (SPEC 1:
support asks for it). Off unless the `log_file` setting or `--log FILE` turns it on. Lines pass
through `scrub`, so a token can never land in the file."""

from __future__ import annotations

import logging
from pathlib import Path

from nemo_tui.api.transport import diagnostics, scrub


class _Scrubbed(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def enable(path: Path) -> Path:
    """Append the client's errors to `path` (created with its folder). Returns the path."""
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    target = str(path.absolute())
    if not any(getattr(h, "baseFilename", None) == target for h in diagnostics.handlers):
        handler = logging.FileHandler(target, encoding="utf-8")
        handler.setFormatter(_Scrubbed("%(asctime)s %(levelname)s %(message)s"))
        diagnostics.addHandler(handler)
    diagnostics.setLevel(logging.INFO)
    return path
