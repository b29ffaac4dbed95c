"""What `nemo-tui config` (and the palette's "Show config") prints: where each file lives and what
is set, the tokens masked."""

from __future__ import annotations

from nemo_tui.config.secrets import SecretsFile
from nemo_tui.config.settings import Settings, config_path
from nemo_tui.skills import SKILLS_BY_ID


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
    secrets = SecretsFile.for_settings(settings)
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
        f"app state:     {settings.state_dir} (sessions, chat, renders in flight)",
        f"graphics:      {settings.graphics}",
        "keymap:        "
        + (", ".join(f"{name} = {keys}" for name, keys in settings.keymap.items()) or "defaults"),
        f"debug:         {'on' if settings.debug else 'off'}",
        f"api:           {_api_line(settings)}",
        f"API key:       {mask_token(settings.gateway_key())}",
        f"official CLI:  {settings.official_cli_config}"
        + ("" if settings.official_cli_config.exists() else " (not found)"),
        f"NEMO_TOKEN:    {mask_token(settings.user_token())}",
        f"anonymous token for this api base: {mask_token(secrets.get_token())}",
        f"client id:     {'set' if secrets.get_client_id() else 'not set'}"
        + (" (NEMO_CLIENT_ID)" if settings.client_id else f" ({secrets.client_id_file})"),
        f"web links:     {settings.web_url}",
        f"diagnostics:   {settings.log_file or 'off'}",
    ]
    return "\n".join(lines)


def _api_line(settings: Settings) -> str:
    if settings.uses_gateway:
        return "gateway (API key; projects, chat over a WebSocket)"
    return "skills' API (anonymous token or NEMO_TOKEN)"
