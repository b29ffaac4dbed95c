"""The user's configuration: the settings schema (`settings`), the secrets file (`secrets`), the
client they configure (`client`), what `nemo-tui config` prints (`describe`), and the few
environment variables that are not settings (`environment`).

The names other packages use are re-exported here, so callers say `from nemo_tui.config import
Settings` and need not know the layout.
"""

from nemo_tui.config.client import open_client
from nemo_tui.config.describe import describe, mask_token
from nemo_tui.config.secrets import SecretsFile, secrets_path
from nemo_tui.config.settings import Settings, config_path

__all__ = [
    "SecretsFile",
    "Settings",
    "config_path",
    "describe",
    "mask_token",
    "open_client",
    "secrets_path",
]
