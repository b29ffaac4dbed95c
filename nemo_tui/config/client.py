"""The API client as the settings configure it: the gateway's (SPEC 11) when there is an API key,
else the skills' API's, keeping its anonymous token in `secrets.json`."""

from __future__ import annotations

from nemo_tui.api.client import NemoClient
from nemo_tui.api.gateway import GatewayClient
from nemo_tui.config.secrets import SecretsFile
from nemo_tui.config.settings import Settings


def open_client(settings: Settings, secrets: SecretsFile | None = None) -> NemoClient:
    """A client configured from `settings` (see `config.gateway.with_gateway` for the key)."""
    key = settings.gateway_key()
    if key is not None:
        return GatewayClient(
            settings.api_base,
            api_key=key,
            skill=settings.skill,
            skill_version=settings.attribution_version,
            skill_platform=settings.skill_platform,
            rate_limit_wait=settings.rate_limit_wait,
        )
    return NemoClient(
        settings.api_base,
        token=settings.user_token(),
        access_key=settings.access_key.get_secret_value() if settings.access_key else None,
        credentials=secrets or SecretsFile.for_settings(settings),
        skill=settings.skill,
        skill_version=settings.attribution_version,
        skill_platform=settings.skill_platform,
        rate_limit_wait=settings.rate_limit_wait,
        web_url=settings.web_url,
    )
