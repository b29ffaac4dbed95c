"""The user's settings and secrets on disk (DESIGN "Files on the user's machine").

`Settings` reads, highest first: constructor arguments, `NEMO_*` environment variables, then
`config.toml` in the config directory (platformdirs' user config dir, or `NEMO_CONFIG_DIR`).
Secrets (the anonymous token per API base, one for all loopback engines, and the install's
client id) live apart in `secrets.json`, mode 0600, replaced atomically so a crash mid-write leaves
the old file whole.
`describe()` says where each file lives and what is set, never showing the token.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from nemo_tui.api.client import NemoClient
from nemo_tui.api.transport import CLOUD_API_BASE
from nemo_tui.atomic import write_atomically
from nemo_tui.loopback import is_loopback_url
from nemo_tui.skills import DEFAULT_SKILL_ID, SKILLS_BY_ID

APP_NAME = "nemo-tui"
CONFIG_FILE = "config.toml"
SECRETS_FILE = "secrets.json"
LOCAL_ENGINE_KEY = "local engine"
CLOUD_POLL_SECONDS = 30.0
LOCAL_RENDER_POLL_SECONDS = 0.5
LOCAL_STATE_POLL_SECONDS = 1.0


def config_dir() -> Path:
    """`NEMO_CONFIG_DIR` when set (tests point it at a tmp dir), else the platform's config dir."""
    override = os.environ.get("NEMO_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def config_path() -> Path:
    return config_dir() / CONFIG_FILE


def secrets_path() -> Path:
    return config_dir() / SECRETS_FILE


CLOUD_SETTLE_SECONDS = 2.0


class Settings(BaseSettings):
    """What the app is configured to do. Poll intervals left unset follow the backend: the cloud
    is polled every 30 s, a loopback engine much faster."""

    model_config = SettingsConfigDict(env_prefix="NEMO_", extra="ignore")

    token: SecretStr | None = None
    api_base: str = CLOUD_API_BASE
    skill: str = DEFAULT_SKILL_ID
    skill_version: str = "1.0.0"
    skill_platform: str = "unknown"
    download_dir: Path = Path("nemo-exports")
    render_poll_interval: float | None = Field(default=None, gt=0)
    state_poll_interval: float | None = Field(default=None, gt=0)
    rate_limit_wait: float = Field(default=30.0, ge=0)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The file's location is read at load time so NEMO_CONFIG_DIR set by a test takes effect.
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_path())
        return init_settings, env_settings, toml

    @property
    def is_local(self) -> bool:
        return is_loopback_url(self.api_base)

    @property
    def render_poll_seconds(self) -> float:
        if self.render_poll_interval is not None:
            return self.render_poll_interval
        return LOCAL_RENDER_POLL_SECONDS if self.is_local else CLOUD_POLL_SECONDS

    @property
    def state_poll_seconds(self) -> float:
        if self.state_poll_interval is not None:
            return self.state_poll_interval
        return LOCAL_STATE_POLL_SECONDS if self.is_local else CLOUD_POLL_SECONDS

    @property
    def settle_seconds(self) -> float:
        """How long after an editing turn the state is read once more (SPEC 4.3: the agent's
        last write may land after the stream closed)."""
        return 0.0 if self.is_local else CLOUD_SETTLE_SECONDS

    def user_token(self) -> str | None:
        """The NEMO_TOKEN the user supplied, if any ('' counts as none)."""
        return (self.token.get_secret_value() or None) if self.token else None


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


def open_client(settings: Settings, secrets: SecretsFile | None = None) -> NemoClient:
    """A client configured from `settings`, keeping its anonymous token in the secrets file."""
    return NemoClient(
        settings.api_base,
        token=settings.user_token(),
        credentials=secrets or SecretsFile(secrets_path(), settings.api_base),
        skill=settings.skill,
        skill_version=settings.skill_version,
        skill_platform=settings.skill_platform,
        rate_limit_wait=settings.rate_limit_wait,
    )


def mask_token(token: str | None) -> str:
    """`nmv_…` and at most the last 2 characters; 'set' for other shapes; 'not set'."""
    if not token:
        return "not set"
    if token.startswith("nmv_") and len(token) > 10:
        return f"nmv_…{token[-2:]}"
    return "set"


def describe(settings: Settings) -> str:
    """What `nemo-tui config` prints: the files, the settings, and the tokens masked."""
    config_file = config_path()
    secrets = SecretsFile(secrets_path(), settings.api_base)
    skill = SKILLS_BY_ID.get(settings.skill)
    lines = [
        f"config file:   {config_file}" + ("" if config_file.exists() else " (not created)"),
        f"secrets file:  {secrets.path}" + ("" if secrets.path.exists() else " (not created)"),
        f"api base:      {settings.api_base}" + (" (local engine)" if settings.is_local else ""),
        f"skill:         {settings.skill}" + ("" if skill else " (unknown skill)"),
        f"skill version: {settings.skill_version}",
        f"platform:      {settings.skill_platform}",
        f"download dir:  {settings.download_dir.expanduser().resolve()}",
        f"render poll:   every {settings.render_poll_seconds:g} s",
        f"state poll:    every {settings.state_poll_seconds:g} s",
        f"429 wait:      {settings.rate_limit_wait:g} s",
        f"NEMO_TOKEN:    {mask_token(settings.user_token())}",
        f"anonymous token for this api base: {mask_token(secrets.get_token())}",
        f"client id:     {'set' if secrets.get_client_id() else 'not set'}",
    ]
    return "\n".join(lines)
