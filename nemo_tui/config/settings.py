"""The user's settings (DESIGN "Files on the user's machine"): what there is to set and where
each value comes from.

`Settings` reads, highest first: constructor arguments, `NEMO_*` environment variables (an empty
one counts as unset), then `config.toml` in the config directory (platformdirs' user config dir,
or `NEMO_CONFIG_DIR`). It is the app's one source of settings: nothing else in the app reads a
`NEMO_*` variable (`environment` holds the few variables that are not settings).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from nemo_tui.api.client import FOLLOW_LIMIT_SECONDS, WEB_URL
from nemo_tui.api.transport import CLOUD_API_BASE
from nemo_tui.config.environment import read_variable
from nemo_tui.engine.settings import EngineSettings
from nemo_tui.loopback import is_loopback_url
from nemo_tui.skills import DEFAULT_SKILL_ID, SKILLS_BY_ID

APP_NAME = "nemo-tui"
CONFIG_FILE = "config.toml"
# SPEC 7: the cloud is polled every 10-30 s, backing off; a loopback engine every half second.
CLOUD_RENDER_POLL_SECONDS = (10.0, 30.0)
CLOUD_POLL_SECONDS = 30.0
LOCAL_RENDER_POLL_SECONDS = 0.5
LOCAL_STATE_POLL_SECONDS = 1.0
# After an editing turn the state is read once more this long after the stream closed (SPEC 4.3).
CLOUD_SETTLE_SECONDS = 2.0
# What `graphics` accepts besides auto/on/off, so `NEMO_GRAPHICS=1` means what it says.
GRAPHICS_WORDS = {
    "": "auto",
    "auto": "auto",
    "on": "on",
    "1": "on",
    "yes": "on",
    "true": "on",
    "off": "off",
    "0": "off",
    "no": "off",
    "false": "off",
}

GraphicsChoice = Literal["auto", "on", "off"]


def config_dir() -> Path:
    """`NEMO_CONFIG_DIR` when set (tests point it at a tmp dir), else the platform's config dir."""
    override = read_variable("NEMO_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def config_path() -> Path:
    return config_dir() / CONFIG_FILE


def default_state_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "state"


def official_cli_config_file() -> Path:
    """The official `nemovideo` CLI's own config file (GATEWAY.md 1.1: `conf` with project name
    `nemovideo` and its `nodejs` suffix), where its `api_key` and `base_url` live."""
    home = Path.home()
    if sys.platform == "darwin":
        folder = home / "Library" / "Preferences"
    elif sys.platform == "win32":
        appdata = read_variable("APPDATA")
        return Path(appdata or home) / "nemovideo-nodejs" / "Config" / "config.json"
    else:
        folder = Path(read_variable("XDG_CONFIG_HOME") or home / ".config")
    return folder / "nemovideo-nodejs" / "config.json"


def shared_client_id_file() -> Path:
    """The official NemoVideo skill's client id file (SPEC 2), under the user's home."""
    return Path.home() / ".config" / "nemovideo" / "client_id"


class Settings(BaseSettings):
    """What the app is configured to do. Poll intervals left unset follow the backend: the cloud
    is polled every 10 s backing off to 30 s (renders) or every 30 s (state), a loopback engine
    much faster: the only thing the client does differently on loopback, and tests shorten it.

    The API base is `NEMO_API_BASE`, else the official tools' `NEMO_API_URL`. `skill_version`
    unset is the skill's own (1.9 for `nemo-video`, 1.0.0 for the seed skills)."""

    model_config = SettingsConfigDict(
        env_prefix="NEMO_", env_ignore_empty=True, extra="ignore", populate_by_name=True
    )

    token: SecretStr | None = None
    # A user's API key for the gateway (SPEC 11), as the official CLI reads it. When there is one
    # (here, in the official CLI's config file, or from `nemo-tui login`), the gateway is used.
    api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("NEMOVIDEO_API_KEY", "NEMO_API_KEY")
    )
    # The official CLI's config file, read for its `api_key` and `base_url`.
    official_cli_config: Path = Field(default_factory=official_cli_config_file)
    # The key of an engine that listens beyond loopback (`nemo-tui serve --access-key`).
    access_key: SecretStr | None = None
    api_base: str = Field(
        default=CLOUD_API_BASE, validation_alias=AliasChoices("NEMO_API_BASE", "NEMO_API_URL")
    )
    # The base of the claim and registration links (SPEC 2).
    web_url: str = WEB_URL
    # The client id shared with the official skill: this, else the file (SPEC 2).
    client_id: str | None = None
    client_id_file: Path = Field(default_factory=shared_client_id_file)
    skill: str = DEFAULT_SKILL_ID
    skill_version: str | None = None
    skill_platform: str = "unknown"
    download_dir: Path = Path("nemo-exports")
    render_poll_interval: float | None = Field(default=None, gt=0)
    render_poll_longest: float | None = Field(default=None, gt=0)
    render_follow_limit: float = Field(default=FOLLOW_LIMIT_SECONDS, gt=0)
    # The local engine's own settings (`NEMO_ENGINE_*`, or an `[engine]` table in the config
    # file): one source of settings for the app and the engine it starts.
    engine: EngineSettings = Field(default_factory=EngineSettings)
    # How long the local engine started for `--local` stays up once no client, request or render
    # needs it (a quick second start finds it running).
    local_engine_idle_seconds: float = Field(default=60.0, gt=0)
    state_poll_interval: float | None = Field(default=None, gt=0)
    rate_limit_wait: float = Field(default=30.0, ge=0)
    # The diagnostics log (errors with the server's X-Trace-Id, `nemo_tui.diagnostics`); off
    # when unset; `--log FILE` sets it for one command.
    log_file: Path | None = None
    # Sessions, chat history and renders in flight, per backend (`core.persistence`).
    state_dir: Path = Field(default_factory=default_state_dir)
    # Previews in the terminal's own graphics (Sixel, kitty): "auto" asks every terminal that may
    # answer, "on" asks any terminal, "off" asks nothing (`tui.graphics`).
    graphics: GraphicsChoice = "auto"
    # Action id -> keys, e.g. `[keymap]` / `export = "ctrl+e"`. The TUI checks the ids and values
    # against its action table and names what it cannot use (`tui.keymap`), so any value is kept.
    # `NEMO_KEYMAP` is JSON; its keys replace the file's one by one.
    keymap: dict[str, object] = Field(default_factory=dict)
    # Show the whole traceback of an unexpected error instead of one scrubbed line.
    debug: bool = False

    @field_validator("graphics", mode="before")
    @classmethod
    def _graphics_word(cls, value: object) -> object:
        if isinstance(value, str):
            return GRAPHICS_WORDS.get(value.strip().lower(), value)
        return value

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

    @field_validator("engine", mode="before")
    @classmethod
    def _engine_environment_first(cls, value: object) -> object:
        """The config file's `[engine]` table under the `NEMO_ENGINE_*` variables, as everywhere
        else the environment overrides the file."""
        if isinstance(value, dict):
            from_environment = EngineSettings().model_dump(exclude_unset=True)
            return EngineSettings(**{**value, **from_environment})
        return value

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
    def follow_limit_seconds(self) -> float:
        """How long a render is followed before it is left for the next start: SPEC 7's
        15 minutes on the cloud; on a loopback engine, whose renders run on this machine and
        always end, until it ends (unless set)."""
        if self.is_local and "render_follow_limit" not in self.model_fields_set:
            return math.inf
        return self.render_follow_limit

    @property
    def attribution_version(self) -> str:
        """What `X-Skill-Version` says: the setting, else the skill's own version."""
        skill = SKILLS_BY_ID.get(self.skill)
        return self.skill_version or (skill.version if skill else "1.0.0")

    @property
    def state_poll_seconds(self) -> float:
        if self.state_poll_interval is not None:
            return self.state_poll_interval
        return LOCAL_STATE_POLL_SECONDS if self.is_local else CLOUD_POLL_SECONDS

    @property
    def settle_seconds(self) -> float:
        """How long after an editing turn the state is read once more (SPEC 4.3: the agent's
        last write may land after the stream closed); at once on a loopback engine."""
        return 0.0 if self.is_local else CLOUD_SETTLE_SECONDS

    def gateway_key(self) -> str | None:
        """The gateway API key set for this run, if any ('' counts as none)."""
        return (self.api_key.get_secret_value() or None) if self.api_key else None

    @property
    def uses_gateway(self) -> bool:
        return self.gateway_key() is not None

    def user_token(self) -> str | None:
        """The NEMO_TOKEN the user supplied, if any ('' counts as none)."""
        return (self.token.get_secret_value() or None) if self.token else None
