"""Which backend a command talks to: the cloud (default), another URL (`--api`), or the local engine
of the user data dir (`--local`: the one running there, else one started in the background; see
`local_engine`); and which of its APIs: the gateway when an API key is found (SPEC 11), else the
skills' API. `--log FILE` turns the diagnostics log on for any of them."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nemo_tui import diagnostics
from nemo_tui.config import Settings
from nemo_tui.config.gateway import with_gateway


@dataclass(frozen=True)
class Backend:
    settings: Settings
    label: str


def add_backend_options(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--local",
        action="store_true",
        help="use the local engine (the running one, else start one in the background)",
    )
    where.add_argument("--api", metavar="URL", help="the API base URL (default: the cloud)")
    parser.add_argument("--skill", metavar="ID", help="the skill profile to use (see `config`)")
    parser.add_argument(
        "--log",
        type=Path,
        metavar="FILE",
        help="write errors with the server's trace ids to FILE (for support)",
    )


def backend_flags(args: argparse.Namespace) -> list[str]:
    """The options that chose this backend, to repeat in a command printed for the user."""
    flags: list[str] = []
    if getattr(args, "local", False):
        flags.append("--local")
    elif getattr(args, "api", None):
        flags += ["--api", args.api]
    if getattr(args, "skill", None):
        flags += ["--skill", args.skill]
    return flags


@contextmanager
def open_backend(args: argparse.Namespace) -> Iterator[Backend]:
    """Settings pointed at the chosen backend; the local engine runs until the block ends."""
    overrides: dict[str, Any] = {}  # Settings fields, validated by Settings itself
    if getattr(args, "skill", None):
        overrides["skill"] = args.skill
    if getattr(args, "api", None):
        overrides["api_base"] = args.api
    if getattr(args, "log", None):
        overrides["log_file"] = args.log
    if not getattr(args, "local", False):
        settings = with_gateway(Settings(**overrides))
        _start_diagnostics(settings)
        yield Backend(settings, _label(settings))
        return
    # Imported here: only --local pays for the engine's modules.
    from nemo_tui.cli.local_engine import attached

    chosen = Settings(**overrides)
    with attached(chosen.engine.data_dir, chosen.local_engine_idle_seconds) as url:
        settings = with_gateway(Settings(api_base=url, **overrides))
        _start_diagnostics(settings)
        yield Backend(settings, _label(settings))


def _label(settings: Settings) -> str:
    """What the header calls the backend: local or cloud, and which API (SPEC 11)."""
    where = "local" if settings.is_local else "cloud"
    return f"{where} gateway" if settings.uses_gateway else where


def _start_diagnostics(settings: Settings) -> None:
    if settings.log_file is not None:
        diagnostics.enable(settings.log_file)
