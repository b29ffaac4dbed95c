"""`nemo-tui serve`: the local engine as a standalone server."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def run_serve(args: argparse.Namespace) -> int:
    # Imported here so commands that never serve do not pay for uvicorn and PyAV at start-up.
    from nemo_tui.config import Settings
    from nemo_tui.engine.http.server import EngineRefused, serve
    from nemo_tui.engine.ownership import FolderInUse
    from nemo_tui.engine.settings import EngineSettings

    overrides = {
        "data_dir": args.data,
        "access_key": args.access_key,
        "idle_exit_seconds": args.idle_exit,
        "api_keys": args.api_keys,
    }
    # The command line over the one Settings' engine part (environment, config file).
    given = {key: value for key, value in overrides.items() if value}
    settings = EngineSettings(**{**Settings().engine.model_dump(exclude_unset=True), **given})
    if settings.data_dir.exists() and not settings.data_dir.is_dir():
        print(
            f"nemo-tui serve: --data {settings.data_dir} is a file; give a folder", file=sys.stderr
        )
        return 2
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        serve(settings, host=args.host, port=args.port)
    except (EngineRefused, FolderInUse) as exc:
        print(f"nemo-tui serve: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"nemo-tui serve: cannot listen on {args.host}:{args.port} or use "
            f"{settings.data_dir} ({exc.strerror or exc}); pick another --port or --data",
            file=sys.stderr,
        )
        return 1
    return 0


def add_serve(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "serve",
        help="run the local engine (the NemoVideo protocol on loopback, real MP4 renders)",
        description="Run the local engine until interrupted. It prints its URL on start.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    parser.add_argument("--port", type=int, default=0, help="port (0: pick a free one)")
    parser.add_argument(
        "--data", type=Path, default=None, help="data folder (default: the user data dir)"
    )
    parser.add_argument(
        "--access-key",
        default=None,
        metavar="KEY",
        help="needed to listen beyond loopback: clients send it to get a token (X-Access-Key)",
    )
    parser.add_argument(
        "--idle-exit",
        type=float,
        default=None,
        metavar="SECONDS",
        help="exit once no client, request or render has needed the engine for this long "
        "(how `--local` runs it in the background)",
    )
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        default=None,
        metavar="KEY",
        help="a gateway API key this engine accepts (repeatable); beyond loopback only these",
    )
    parser.set_defaults(handler=run_serve)
