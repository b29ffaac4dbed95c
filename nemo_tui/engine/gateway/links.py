"""Download links that work without the key: the render id, an expiry time and an HMAC of both
under a secret of the store. Unguessable without the secret, and useless after `expires`."""

from __future__ import annotations

import hashlib
import hmac
import math
import time


def signature(secret: bytes, render_id: str, expires: int) -> str:
    message = f"{render_id}\n{expires}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def sign(secret: bytes, render_id: str, lifetime_seconds: float) -> tuple[int, str]:
    """(expires, signature) for a link to `render_id` valid for `lifetime_seconds`."""
    expires = math.ceil(time.time() + lifetime_seconds)
    return expires, signature(secret, render_id, expires)


def valid(secret: bytes, render_id: str, expires: str, given: str) -> bool:
    """True when `given` signs `render_id` until `expires` and that time has not passed."""
    # ASCII digits only, and few: `str.isdigit` also passes "²", which `int` refuses.
    if not (expires.isascii() and expires.isdigit() and len(expires) <= 12):
        return False
    if int(expires) < time.time():
        return False
    return hmac.compare_digest(signature(secret, render_id, int(expires)), given)
