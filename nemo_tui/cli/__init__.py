"""The `nemo-tui` command: argument parsing and wiring, one module per command.

`nemo-tui [PATH]` opens the TUI; `serve`, `run`, `play`, `renders`, `cancel`, `config`, `credits`,
`state`, `projects`, `login` and `logout` are subcommands.
Every failure a person can act on ends as one line on stderr and a non-zero exit, never a
traceback. So does a bug: its traceback could carry a token (in a message or a URL), so only its
type and first line are printed, scrubbed; the `debug` setting (`NEMO_DEBUG=1`) shows the whole
traceback.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Sequence

from pydantic import ValidationError

from nemo_tui import __version__
from nemo_tui.api.errors import NemoError
from nemo_tui.api.safe_text import terminal_safe
from nemo_tui.api.transport import scrub
from nemo_tui.cli.app import add_app_options, run_app
from nemo_tui.cli.info import add_info_commands
from nemo_tui.cli.play import add_play
from nemo_tui.cli.projects import add_project_commands
from nemo_tui.cli.renders import add_render_commands
from nemo_tui.cli.run import RunFailed, add_run
from nemo_tui.cli.serve import add_serve
from nemo_tui.config import Settings, config_path

SUBCOMMANDS = (
    "serve",
    "run",
    "play",
    "renders",
    "cancel",
    "config",
    "credits",
    "state",
    "projects",
    "login",
    "logout",
)
# sysexits' EX_SOFTWARE: an internal error.
EXIT_BUG = 70
MAX_ERROR_LENGTH = 300


def _top_parser(description: str) -> argparse.ArgumentParser:
    """`nemo-tui` itself: the same name, command list and --version for both of its parsers."""
    parser = argparse.ArgumentParser(
        prog="nemo-tui",
        description=description,
        epilog="commands: " + ", ".join(SUBCOMMANDS) + " (nemo-tui COMMAND --help)",
    )
    parser.add_argument("--version", action="version", version=f"nemo-tui {__version__}")
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = _top_parser("Make videos with the NemoVideo editing agent.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_serve(commands)
    add_run(commands)
    add_play(commands)
    add_render_commands(commands)
    add_info_commands(commands)
    add_project_commands(commands)
    return parser


def build_app_parser() -> argparse.ArgumentParser:
    parser = _top_parser("Open the TUI on PATH (default: the current folder).")
    add_app_options(parser)
    parser.set_defaults(handler=run_app)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # A PATH and subcommands cannot share one argparse parser, so the first word decides.
    is_command = bool(args_list) and args_list[0] in SUBCOMMANDS
    parser = build_parser() if is_command else build_app_parser()
    args = parser.parse_args(args_list)
    try:
        return args.handler(args)
    except (NemoError, RunFailed) as error:
        print(f"nemo-tui: {terminal_safe(str(error))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("nemo-tui: interrupted", file=sys.stderr)
        return 130
    except ValidationError as error:
        print(f"nemo-tui: {_bad_setting(error)}", file=sys.stderr)
        return 2
    except tomllib.TOMLDecodeError as error:
        print(f"nemo-tui: cannot read {config_path()}: {error}; fix or remove it", file=sys.stderr)
        return 2
    except Exception as error:
        settings = _settings_if_readable()
        if settings is not None and settings.debug:
            raise
        token = settings.user_token() if settings is not None else None
        print(f"nemo-tui: {terminal_safe(_unexpected(error, token))}", file=sys.stderr)
        return EXIT_BUG


def _settings_if_readable() -> Settings | None:
    """The settings for reporting an error, or None if they are what is broken."""
    try:
        return Settings()
    except (ValidationError, tomllib.TOMLDecodeError, OSError):
        return None


def _bad_setting(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or error.title
    what = first["msg"].removeprefix("Value error, ")
    # The engine reads only its environment; the app reads its config file too.
    where_from = (
        "the NEMO_ENGINE_* variables"
        if error.title == "EngineSettings"
        else f"{config_path()} and the NEMO_* variables"
    )
    return f"bad setting {where}: {what} (check {where_from})"


def _unexpected(error: Exception, token: str | None) -> str:
    lines = str(error).strip().splitlines()
    detail = scrub(lines[0] if lines else "", token)[:MAX_ERROR_LENGTH]
    said = f": {detail}" if detail else ""
    return (
        f"unexpected error ({type(error).__name__}{said}); this is a bug in nemo-tui: "
        "run again with NEMO_DEBUG=1 to see where it happened"
    )
