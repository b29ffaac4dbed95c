"""The user's settings and secrets on disk (DESIGN "Files on the user's machine").

`Settings` reads, highest first: constructor arguments, `NEMO_*` environment variables, then
`config.toml` in the config directory (platformdirs' user config dir, or `NEMO_CONFIG_DIR`).
The anonymous tokens, one per backend identity (SPEC 2: an engine's instance id, else the API
base's origin), live apart in `secrets.json`, mode 0600, replaced atomically so a crash mid-write
leaves the old file whole. The client id is the official NemoVideo skill's: `NEMO_CLIENT_ID`, else
the file `~/.config/nemovideo/client_id` (read when present, created 0600 when not).
`describe()` says where each file lives and what is set, never showing the token.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
import platformdirs
from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from nemo_tui.api.client import FOLLOW_LIMIT_SECONDS, WEB_URL, NemoClient
from nemo_tui.api.transport import CLOUD_API_BASE, backend_identity
from nemo_tui.atomic import write_atomically
from nemo_tui.loopback import is_loopback_url
from nemo_tui.skills import DEFAULT_SKILL_ID, SKILLS_BY_ID

APP_NAME = "nemo-tui"
CONFIG_FILE = "config.toml"
SECRETS_FILE = "secrets.json"
# SPEC 7: the cloud is polled every 10-30 s, backing off; a loopback engine every half second.
CLOUD_RENDER_POLL_SECONDS = (10.0, 30.0)
CLOUD_POLL_SECONDS = 30.0
LOCAL_RENDER_POLL_SECONDS = 0.5
LOCAL_STATE_POLL_SECONDS = 1.0


def shared_client_id_file() -> Path:
    """The official NemoVideo skill's client id file (SPEC 2), under the user's home."""
    return Path.home() / ".config" / "nemovideo" / "client_id"


def config_dir() -> Path:
    """`NEMO_CONFIG_DIR` when set (tests point it at a tmp dir), else the platform's config dir."""
    override = os.environ.get("NEMO_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def config_path() -> Path:
    return config_dir() / CONFIG_FILE


def secrets_path() -> Path:
    return config_dir() / SECRETS_FILE


class Settings(BaseSettings):
    """What the app is configured to do. Poll intervals left unset follow the backend: the cloud
    is polled every 10 s backing off to 30 s, a loopback engine much faster (the only thing the
    client does differently on loopback, SPEC 7 allows it and tests shorten it).

    The API base is `NEMO_API_BASE`, else the official tools' `NEMO_API_URL`. `skill_version`
    unset is the skill's own (1.9 for `nemo-video`, 1.0.0 for the seed skills)."""

    model_config = SettingsConfigDict(env_prefix="NEMO_", extra="ignore", populate_by_name=True)

    token: SecretStr | None = None
    api_base: str = Field(
        default=CLOUD_API_BASE,
        validation_alias=AliasChoices("NEMO_API_BASE", "NEMO_API_URL"),
    )
    web_url: str = WEB_URL
    client_id: str | None = None
    client_id_file: Path = Field(default_factory=shared_client_id_file)
    skill: str = DEFAULT_SKILL_ID
    skill_version: str | None = None
    skill_platform: str = "unknown"
    download_dir: Path = Path("nemo-exports")
    render_poll_interval: float | None = Field(default=None, gt=0)
    render_poll_longest: float | None = Field(default=None, gt=0)
    render_follow_limit: float = Field(default=FOLLOW_LIMIT_SECONDS, gt=0)
    state_poll_interval: float | None = Field(default=None, gt=0)
    rate_limit_wait: float = Field(default=30.0, ge=0)
    # The diagnostics log (errors with the server's X-Trace-Id); off when unset.
    log_file: Path | None = None

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
        """The first wait between render polls."""
        if self.render_poll_interval is not None:
            return self.render_poll_interval
        return LOCAL_RENDER_POLL_SECONDS if self.is_local else CLOUD_RENDER_POLL_SECONDS[0]

    @property
    def render_poll_longest_seconds(self) -> float:
        """The longest wait between render polls, backed off to."""
        if self.render_poll_longest is not None:
            return max(self.render_poll_longest, self.render_poll_seconds)
        if self.render_poll_interval is not None or self.is_local:
            return self.render_poll_seconds
        return CLOUD_RENDER_POLL_SECONDS[1]

    @property
    def attribution_version(self) -> str:
        skill = SKILLS_BY_ID.get(self.skill)
        return self.skill_version or (skill.version if skill else "1.0.0")

    @property
    def state_poll_seconds(self) -> float:
        if self.state_poll_interval is not None:
            return self.state_poll_interval
        return LOCAL_STATE_POLL_SECONDS if self.is_local else CLOUD_POLL_SECONDS

    def user_token(self) -> str | None:
        """The NEMO_TOKEN the user supplied, if any ('' counts as none)."""
        return (self.token.get_secret_value() or None) if self.token else None


class SecretsFile:
    """A `CredentialStore` on `secrets.json`: one anonymous token (and its user id) per backend
    identity, so the cloud's token and each engine's never overwrite each other (a token is only
    good where it was issued). The client id is the official skill's, shared on this machine:
    `client_id` when given (`NEMO_CLIENT_ID`), else `client_id_file`."""

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
        # Until the backend says who it is, its token is kept under its origin.
        self._key = backend_identity(httpx.URL(self.api_base), None)

    def use_backend(self, identity: str) -> None:
        self._key = identity

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

    def _get(self, table: str) -> str | None:
        values = self._load().get(table, {})
        value = values.get(self._key) if isinstance(values, dict) else None
        return value if isinstance(value, str) and value else None

    def get_token(self) -> str | None:
        return self._get("tokens")

    def get_user_id(self) -> str | None:
        return self._get("users")

    def set_token(self, token: str | None, user_id: str | None = None) -> None:
        data = self._load()
        for table, value in (("tokens", token), ("users", user_id if token else None)):
            values = data.get(table)
            values = values if isinstance(values, dict) else {}
            if value:
                values[self._key] = value
            else:
                values.pop(self._key, None)
            data[table] = values
        self._save(data)

    def get_client_id(self) -> str | None:
        if self._client_id:
            return self._client_id
        try:
            text = self.client_id_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return text[:200] or None

    def set_client_id(self, client_id: str) -> None:
        """Keep a new client id: in the shared file (created 0600), unless one was given."""
        if self._client_id:
            self._client_id = client_id
            return
        write_atomically(self.client_id_file, (client_id + "\n").encode(), mode=0o600)


def secrets_file(settings: Settings) -> SecretsFile:
    return SecretsFile(
        secrets_path(),
        settings.api_base,
        client_id=settings.client_id,
        client_id_file=settings.client_id_file.expanduser(),
    )


def open_client(settings: Settings, secrets: SecretsFile | None = None) -> NemoClient:
    """A client configured from `settings`, keeping its anonymous token in the secrets file."""
    return NemoClient(
        settings.api_base,
        token=settings.user_token(),
        credentials=secrets or secrets_file(settings),
        skill=settings.skill,
        skill_version=settings.attribution_version,
        skill_platform=settings.skill_platform,
        rate_limit_wait=settings.rate_limit_wait,
        web_url=settings.web_url,
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
    secrets = secrets_file(settings)
    skill = SKILLS_BY_ID.get(settings.skill)
    lines = [
        f"config file:   {config_file}" + ("" if config_file.exists() else " (not created)"),
        f"secrets file:  {secrets.path}" + ("" if secrets.path.exists() else " (not created)"),
        f"api base:      {settings.api_base}" + (" (local engine)" if settings.is_local else ""),
        f"skill:         {settings.skill}" + ("" if skill else " (unknown skill)"),
        f"skill version: {settings.attribution_version}",
        f"platform:      {settings.skill_platform}",
        f"download dir:  {settings.download_dir.expanduser().resolve()}",
        f"render poll:   every {settings.render_poll_seconds:g}"
        f"-{settings.render_poll_longest_seconds:g} s",
        f"state poll:    every {settings.state_poll_seconds:g} s",
        f"429 wait:      {settings.rate_limit_wait:g} s",
        f"NEMO_TOKEN:    {mask_token(settings.user_token())}",
        f"anonymous token for this api base: {mask_token(secrets.get_token())}",
        f"client id:     {'set' if secrets.get_client_id() else 'not set'}"
        + (" (NEMO_CLIENT_ID)" if settings.client_id else f" ({secrets.client_id_file})"),
        f"web links:     {settings.web_url}",
        f"diagnostics:   {settings.log_file or 'off'}",
    ]
    return "\n".join(lines)
