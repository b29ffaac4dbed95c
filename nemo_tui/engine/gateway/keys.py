"""Who an API key is: a known token or key, a key given at start, or, on loopback where no access
key guards the engine, any `nmv_usr_` key (a new user with the starting credits at first sight)."""

from __future__ import annotations

import secrets

from nemo_tui.engine.settings import EngineSettings
from nemo_tui.engine.store import Store
from nemo_tui.loopback import is_loopback_host

KEY_PREFIX = "nmv_usr_"
MAX_KEY_CHARS = 256


def _plain(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_CHARS and key.isascii() and key.isprintable() and " " not in key


def _given(key: str, settings: EngineSettings) -> bool:
    # Every given key is compared, so the time taken does not say which one nearly matched.
    matches = [secrets.compare_digest(key.encode(), k.encode()) for k in settings.api_keys]
    return any(matches)


def open_registration(settings: EngineSettings, client_host: str) -> bool:
    """True when any `nmv_usr_` key makes a user: a loopback caller of an engine without an
    access key (one listening only on this machine)."""
    return settings.access_key is None and is_loopback_host(client_host)


def user_for_key(store: Store, settings: EngineSettings, key: str, client_host: str) -> str | None:
    """The user id of `key`, registering it when this engine accepts it; None when refused."""
    if not _plain(key):
        return None
    known = store.user_for_token(key)
    if known is not None:
        return known
    given = _given(key, settings)
    if given or (key.startswith(KEY_PREFIX) and open_registration(settings, client_host)):
        return store.register_api_key(key, settings.initial_credits)
    return None
