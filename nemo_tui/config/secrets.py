"""`secrets.json`: the install's client id and an anonymous token per API base, kept apart from
the settings in mode 0600 and replaced atomically, so a crash mid-write leaves the old file whole.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nemo_tui.atomic import write_atomically
from nemo_tui.config.settings import config_dir
from nemo_tui.loopback import is_loopback_url

SECRETS_FILE = "secrets.json"
LOCAL_ENGINE_KEY = "local engine"


def secrets_path() -> Path:
    return config_dir() / SECRETS_FILE


class SecretsFile:
    """A `CredentialStore` on `secrets.json`: one client id for the install, and one anonymous
    token per API base (the cloud's token means nothing to a local engine, and the reverse)."""

    def __init__(self, path: Path, api_base: str) -> None:
        self.path = path
        self.api_base = api_base.rstrip("/")
        # Every loopback engine shares one token: the in-process engine gets a new port each run
        # but keeps its data, and a fresh token per run would hit the one-token-per-client rule.
        self._key = LOCAL_ENGINE_KEY if is_loopback_url(api_base) else self.api_base

    def __repr__(self) -> str:
        return f"SecretsFile({str(self.path)!r}, {self.api_base!r})"

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, json.JSONDecodeError):
            # An unreadable secrets file only costs a fresh anonymous token.
            return {}
        return data if isinstance(data, dict) else {}

    def _save(self, data: dict[str, Any]) -> None:
        text = json.dumps(data, indent=2, sort_keys=True) + "\n"
        write_atomically(self.path, text.encode("utf-8"), mode=0o600)

    def get_token(self) -> str | None:
        tokens = self._load().get("tokens", {})
        token = tokens.get(self._key) if isinstance(tokens, dict) else None
        return token if isinstance(token, str) and token else None

    def set_token(self, token: str | None) -> None:
        data = self._load()
        tokens = data.get("tokens")
        tokens = tokens if isinstance(tokens, dict) else {}
        if token:
            tokens[self._key] = token
        else:
            tokens.pop(self._key, None)
        data["tokens"] = tokens
        self._save(data)

    def get_client_id(self) -> str | None:
        client_id = self._load().get("client_id")
        return client_id if isinstance(client_id, str) and client_id else None

    def set_client_id(self, client_id: str) -> None:
        data = self._load()
        data["client_id"] = client_id
        self._save(data)
