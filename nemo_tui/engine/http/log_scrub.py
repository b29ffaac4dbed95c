"""No log line holds an API key or token. The gateway's socket carries the key in its query
string (`/ws/chat?token=...`), and uvicorn's access and handshake lines print the path with its
query, so a filter on uvicorn's loggers masks `token=` values and `nmv_` keys in every record."""

from __future__ import annotations

import logging
import re

_TOKEN_VALUE = re.compile(r"((?:^|[?&\s])(?:token|api_key|key)=)[^&\s\"']*", re.IGNORECASE)
_KEY = re.compile(r"nmv_[a-z]{2,5}_[A-Za-z0-9_\-.~%]+")
MASK = "***"
LOGGERS = ("uvicorn.error", "uvicorn.access", "uvicorn", "nemo_tui")


def scrub(text: str) -> str:
    return _KEY.sub(MASK, _TOKEN_VALUE.sub(rf"\g<1>{MASK}", text))


class SecretScrubber(logging.Filter):
    """Masks secrets in a record's message and in its string arguments, keeping their places
    (uvicorn's access formatter reads the arguments by position)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = scrub(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(scrub(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: scrub(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


def install() -> None:
    """Put the scrubber on the loggers that can see a request's path (once each)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, SecretScrubber) for f in logger.filters):
            logger.addFilter(SecretScrubber())
