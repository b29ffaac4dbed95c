"""Whether a host or URL is this machine: the engine warns when it listens elsewhere, and the
client polls a loopback API base faster (the only thing it does differently there: tokens and
memory follow the backend's identity, every protocol behaviour follows the answers)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    return is_loopback_host(urlsplit(url).hostname or "")
