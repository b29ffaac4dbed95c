"""`secrets.json`: an anonymous token (and its user id) per backend identity, kept apart from the
settings in mode 0600 and replaced atomically, so a crash mid-write leaves the old file whole; the
gateway API key `nemo-tui login` keeps (SPEC 11); and the client id shared with the official
NemoVideo skill (SPEC 2).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from nemo_tui.api.transport import backend_identity
from nemo_tui.atomic import write_atomically
from nemo_tui.config.settings import Settings, config_dir, shared_client_id_file
from nemo_tui.file_lock import locked

SECRETS_FILE = "secrets.json"
# A client id file holds one uuid; anything longer is not one.
MAX_CLIENT_ID_LENGTH = 200


def secrets_path() -> Path:
    return config_dir() / SECRETS_FILE


class SecretsFile:
    """A `CredentialStore` on `secrets.json`: one anonymous token (and its user id) per backend
    identity, so the cloud's token and each engine's never overwrite each other (a token is only
    good where it was issued). The client id is the official skill's, shared on this machine:
    `client_id` when given (`NEMO_CLIENT_ID`), else `client_id_file`, read when present and
    created 0600 when not."""

    def __init__(
        self,
        path: Path,
        api_base: str,
        *,
        client_id: str | None = None,
        client_id_file: Path | None = None,
    ) -> None:
        self.path = path
        self.api_base = api_base.rstrip("/")
        self._client_id = client_id or None
        self.client_id_file = client_id_file or shared_client_id_file()
        # Until the backend says who it is (`use_backend`), its token is kept under its origin.
        self._key = backend_identity(httpx.URL(self.api_base), None)
        # What the file held when last read: the token is asked for several times a request,
        # and read from disk again only on renewal (`reload`) or when this process changes it.
        self._cached: dict[str, Any] | None = None

    @classmethod
    def for_settings(cls, settings: Settings) -> SecretsFile:
        return cls(
            secrets_path(),
            settings.api_base,
            client_id=settings.client_id,
            client_id_file=settings.client_id_file.expanduser(),
        )

    def use_backend(self, identity: str) -> None:
        self._key = identity

    def __repr__(self) -> str:
        return f"SecretsFile({str(self.path)!r}, {self.api_base!r})"

    shared = True

    def reload(self) -> None:
        """Forget what was read: the next call reads the file (another process may have
        renewed the token)."""
        self._cached = None

    def _load(self) -> dict[str, Any]:
        if self._cached is None:
            self._cached = self._read()
        return self._cached

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, json.JSONDecodeError):
            # An unreadable secrets file only costs a fresh anonymous token.
            return {}
        return data if isinstance(data, dict) else {}

    def _update(self, change: Callable[[dict[str, Any]], None]) -> None:
        """Change the file as it is on disk now, under its lock: other processes' tokens (for
        other backends, or renewed meanwhile) are kept."""
        with locked(self.path.with_name(f".{self.path.name}.lock")):
            data = self._read()
            change(data)
            text = json.dumps(data, indent=2, sort_keys=True) + "\n"
            write_atomically(self.path, text.encode("utf-8"), mode=0o600)
        self._cached = data

    def _get(self, table: str) -> str | None:
        values = self._load().get(table, {})
        value = values.get(self._key) if isinstance(values, dict) else None
        return value if isinstance(value, str) and value else None

    def get_token(self) -> str | None:
        return self._get("tokens")

    def get_user_id(self) -> str | None:
        return self._get("users")

    def set_token(self, token: str | None, user_id: str | None = None) -> None:
        def change(data: dict[str, Any]) -> None:
            for table, value in (("tokens", token), ("users", user_id if token else None)):
                values = data.get(table)
                values = values if isinstance(values, dict) else {}
                if value:
                    values[self._key] = value
                else:
                    values.pop(self._key, None)
                data[table] = values

        self._update(change)

    def get_api_key(self) -> str | None:
        """The gateway API key `nemo-tui login` stored (one per install, SPEC 11)."""
        value = self._load().get("api_key")
        return value if isinstance(value, str) and value else None

    def set_api_key(self, key: str | None) -> None:
        """Keep (or, with None, forget) the gateway API key, in this 0600 file."""

        def change(data: dict[str, Any]) -> None:
            if key:
                data["api_key"] = key
            else:
                data.pop("api_key", None)

        self._update(change)

    def get_client_id(self) -> str | None:
        if self._client_id:
            return self._client_id
        try:
            text = self.client_id_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return text[:MAX_CLIENT_ID_LENGTH] or None

    def set_client_id(self, client_id: str) -> None:
        """Keep a new client id: in the shared file (created 0600), unless one was given."""
        if self._client_id:
            self._client_id = client_id
            return
        write_atomically(self.client_id_file, (client_id + "\n").encode(), mode=0o600)
