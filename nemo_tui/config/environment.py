"""The one place in the app, besides `Settings` itself, that reads the process environment.

`Settings` (pydantic-settings) reads every `NEMO_*` setting. What is left is read here, because it
cannot be a setting: `NEMO_CONFIG_DIR` says where the config file is, so it is needed before
the file can be read; the terminal's own variables (`TERM`, `TERM_PROGRAM`, ...) describe the
terminal, not a choice of the user's; and `LANG` is the locale. The engine keeps its own
`EngineSettings` and reads nothing here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable


def read_variables(names: Iterable[str]) -> dict[str, str]:
    """Those of `names` that are set, with their values."""
    return {name: os.environ[name] for name in names if name in os.environ}


def read_variable(name: str) -> str:
    """The variable's value, '' when unset."""
    return os.environ.get(name, "")
