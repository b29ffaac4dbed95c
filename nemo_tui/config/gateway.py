"""Which API a run speaks (SPEC 11): the gateway when the person has an API key, the skills' API
otherwise. The key is taken from `NEMOVIDEO_API_KEY` (a setting), else from the official
`nemovideo` CLI's own config file, else from what `nemo-tui login` stored in `secrets.json`; the
gateway's base is `--api` / `NEMO_API_BASE` when given, else the official CLI's `base_url`, else
the cloud gateway's."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from nemo_tui.api.gateway import GATEWAY_API_BASE
from nemo_tui.config.secrets import SecretsFile
from nemo_tui.config.settings import Settings

# The official CLI's config is a few hundred bytes; anything far larger is not it.
MAX_OFFICIAL_CONFIG_BYTES = 64 * 1024
KEY_PREFIX = "nmv_usr_"


@dataclass(frozen=True)
class OfficialConfig:
    """What the official CLI's config file holds that we use (either may be missing)."""

    api_key: str | None = None
    base_url: str | None = None

    def __repr__(self) -> str:
        return f"OfficialConfig(api_key={'set' if self.api_key else 'not set'}, {self.base_url!r})"


def read_official_config(path: Path) -> OfficialConfig:
    """The official CLI's `api_key` and `base_url`; nothing when the file is missing or unreadable
    (it is that tool's file: a broken one is its business, and we carry on without it)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_OFFICIAL_CONFIG_BYTES + 1)
        data: Any = json.loads(raw) if len(raw) <= MAX_OFFICIAL_CONFIG_BYTES else None
    except (OSError, ValueError):
        return OfficialConfig()
    if not isinstance(data, dict):
        return OfficialConfig()
    key, base = data.get("api_key"), data.get("base_url")
    return OfficialConfig(
        api_key=key.strip() if isinstance(key, str) and key.strip() else None,
        # A base without a scheme breaks the official CLI too; it is not used.
        base_url=base.strip() if isinstance(base, str) and _is_http_url(base.strip()) else None,
    )


def _is_http_url(value: str) -> bool:
    return value.startswith(("http://", "https://")) and len(value) > len("https://")


def with_gateway(settings: Settings, secrets: SecretsFile | None = None) -> Settings:
    """`settings` pointed at the gateway when an API key is found (set, the official CLI's, or
    logged in), with the key and the gateway's base filled in; unchanged when there is none."""
    official = read_official_config(settings.official_cli_config.expanduser())
    key = settings.gateway_key() or official.api_key
    if key is None:
        key = (secrets or SecretsFile.for_settings(settings)).get_api_key()
    if key is None:
        return settings
    update: dict[str, Any] = {"api_key": SecretStr(key)}
    if "api_base" not in settings.model_fields_set:
        update["api_base"] = official.base_url or GATEWAY_API_BASE
    return settings.model_copy(update=update)
