"""`nemo-tui projects`, `nemo-tui login` and `nemo-tui logout` (SPEC 11).

`projects` lists every earlier project that can be opened again (the gateway's list, or this
app's remembered sessions on the skills' API); `nemo-tui run --project ID` continues one.
`login` keeps a gateway API key in the 0600 secrets file after checking it with the gateway;
`logout` forgets it. The key is read without echo and never printed.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys

from pydantic import SecretStr

from nemo_tui.api.errors import AuthError, NemoError
from nemo_tui.api.gateway import GatewayClient
from nemo_tui.cli.backend import add_backend_options, open_backend
from nemo_tui.cli.run import RunFailed
from nemo_tui.config import SecretsFile, Settings
from nemo_tui.config.gateway import KEY_PREFIX, read_official_config, with_gateway
from nemo_tui.core.controller import SessionController
from nemo_tui.core.projects import ProjectEntry
from nemo_tui.core.updates import Update

MAX_KEY_LENGTH = 512


def project_line(entry: ProjectEntry) -> str:
    """`<id>  <updated>  <name>`, the current one starred: one project as the list shows it."""
    mark = "*" if entry.current else " "
    some_id = entry.project_id or entry.session_id or "-"
    when = (entry.updated or "-")[:19].replace("T", " ")
    return f"{mark} {some_id}  {when}  {entry.name}"


def run_projects(args: argparse.Namespace) -> int:
    entries: list[ProjectEntry] = []

    def ignore(_update: Update) -> None:
        return None

    async def listing(settings: Settings, label: str) -> None:
        controller = SessionController(settings, ignore, backend_label=label)
        try:
            await controller.identify()
            entries.extend(await controller.projects())
        finally:
            await controller.aclose()

    with open_backend(args) as backend:
        asyncio.run(listing(backend.settings, backend.label))
    if args.json:
        print(json.dumps({"projects": [entry.to_json() for entry in entries]}, indent=2))
    elif entries:
        print("\n".join(project_line(entry) for entry in entries))
    else:
        print("No projects yet on this backend.")
    return 0


def run_login(args: argparse.Namespace) -> int:
    key = _read_key()
    if not key.startswith(KEY_PREFIX) or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise RunFailed(f"that is not an API key: keys start with {KEY_PREFIX}")
    settings = Settings(**({"api_base": args.api} if args.api else {}))
    secrets = SecretsFile.for_settings(settings)
    settings = with_gateway(settings.model_copy(update={"api_key": SecretStr(key)}), secrets)

    async def verify() -> None:
        async with GatewayClient(settings.api_base, api_key=key) as client:
            await client.verify()

    try:
        asyncio.run(verify())
    except AuthError:
        raise RunFailed(f"the gateway at {settings.api_base} refused that API key") from None
    except NemoError as error:
        secrets.set_api_key(key)
        print(f"Saved the API key, but it could not be checked: {error}", file=sys.stderr)
        return 0
    secrets.set_api_key(key)
    print(f"Saved the API key in {secrets.path}; nemo-tui now uses the gateway.", file=sys.stderr)
    return 0


def run_logout(args: argparse.Namespace) -> int:
    settings = Settings()
    secrets = SecretsFile.for_settings(settings)
    had = secrets.get_api_key() is not None
    secrets.set_api_key(None)
    print("Forgot the API key." if had else "No API key was saved.", file=sys.stderr)
    if settings.gateway_key():
        print("NEMOVIDEO_API_KEY is still set in the environment.", file=sys.stderr)
    if read_official_config(settings.official_cli_config.expanduser()).api_key:
        print(
            f"The official CLI's key in {settings.official_cli_config} is still used.",
            file=sys.stderr,
        )
    return 0


def _read_key() -> str:
    """The key from the terminal without echo, or the first line of stdin in a script."""
    if sys.stdin.isatty():
        return getpass.getpass("NemoVideo API key (nmv_usr_...): ").strip()
    return sys.stdin.readline(MAX_KEY_LENGTH + 1).strip()


def add_project_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    projects = commands.add_parser(
        "projects",
        help="list the projects you can open again (nemo-tui run --project ID continues one)",
        description="List the earlier projects: the gateway's, or this app's remembered sessions "
        "on the skills' API. The current one is starred.",
    )
    add_backend_options(projects)
    projects.add_argument("--json", action="store_true", help="print JSON for scripts")
    projects.set_defaults(handler=run_projects)
    login = commands.add_parser(
        "login",
        help="save a NemoVideo API key (nmv_usr_...) so nemo-tui uses the gateway",
        description="Read an API key (no echo on a terminal, else the first line of stdin), "
        "check it with the gateway and keep it in the 0600 secrets file.",
    )
    login.add_argument("--api", metavar="URL", help="the gateway's base URL to check it with")
    login.set_defaults(handler=run_login)
    logout = commands.add_parser(
        "logout", help="forget the saved API key", description="Forget the saved API key."
    )
    logout.set_defaults(handler=run_logout)
