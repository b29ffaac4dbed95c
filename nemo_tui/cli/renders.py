"""`nemo-tui renders` and `nemo-tui cancel [RENDER_ID]`: this backend's exports from the shell.

Both read the renders the app remembers for the backend (in flight and finished); `renders` asks the
backend for the live status of those in flight, `cancel` stops one (default: the newest in flight).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import textwrap
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from nemo_tui.api.errors import NemoError
from nemo_tui.cli.backend import Backend, add_backend_options, open_backend
from nemo_tui.cli.run import RunFailed
from nemo_tui.core.controller import SessionController
from nemo_tui.core.persistence import IN_FLIGHT, PendingRender
from nemo_tui.core.updates import Notice, Update

INDENT = "    "
MIN_WIDTH = 40  # narrower than this, a reason wrapped at words reads worse than long lines


def _when(epoch: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch)) if epoch else "-"


def render_line(record: PendingRender, live: str | None = None, width: int = 80) -> str:
    """`<id>  <status>  <time>  <file>`: one render as `nemo-tui renders` lists it. Only a
    render saved (or on its way) names its file: a failed or cancelled one never wrote it. A
    failure's reason follows whole, on indented lines wrapped at words to `width` columns."""
    status = live or record.status
    saved = record.dest if record.status in ("completed", IN_FLIGHT) else None
    when = _when(record.finished or record.submitted)
    line = f"{record.render_id}  {status}  {when}  {saved or '-'}"
    if record.error and record.status == "failed":
        reason = textwrap.fill(
            record.error,
            max(width - 1, MIN_WIDTH),
            initial_indent=INDENT,
            subsequent_indent=INDENT,
            break_long_words=False,
            break_on_hyphens=False,
        )
        line += "\n" + reason
    return line


async def _with_controller(
    backend: Backend, job: Callable[[SessionController], Awaitable[None]]
) -> list[str]:
    notices: list[str] = []

    def keep(update: Update) -> None:
        if isinstance(update, Notice):
            notices.append(update.text)

    controller = SessionController(backend.settings, keep, backend_label=backend.label)
    try:
        await controller.identify()
        await job(controller)
    finally:
        await controller.aclose()
    return notices


def run_renders(args: argparse.Namespace) -> int:
    lines: list[str] = []
    width = shutil.get_terminal_size().columns
    rows: list[dict[str, Any]] = []

    async def listing(controller: SessionController) -> None:
        for record in controller.renders:
            live = None
            if record.in_flight:
                live = await controller.live_status(record.render_id)
            lines.append(render_line(record, live, width))
            rows.append({**asdict(record), "live": live})

    with open_backend(args) as backend:
        asyncio.run(_with_controller(backend, listing))
    if args.json:
        print(json.dumps({"renders": rows}, indent=2, ensure_ascii=False))
    else:
        print("\n".join(lines) if lines else "No renders yet on this backend.")
    return 0


def run_cancel(args: argparse.Namespace) -> int:
    cancelled: list[str] = []

    async def cancel(controller: SessionController) -> None:
        render_id = await controller.cancel_render(args.render_id)
        if render_id is not None:
            cancelled.append(render_id)

    with open_backend(args) as backend:
        try:
            notices = asyncio.run(_with_controller(backend, cancel))
        except NemoError as error:
            raise RunFailed(f"cannot cancel: {error}") from None
    print("\n".join(notices))
    return 0 if cancelled else 1


def add_render_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    listing = commands.add_parser(
        "renders",
        help="list this backend's exports: status, time, file",
        description="List the exports made on this backend, in flight and finished.",
    )
    add_backend_options(listing)
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.set_defaults(handler=run_renders)
    cancel = commands.add_parser(
        "cancel",
        help="cancel an export (default: the newest in flight)",
        description="Ask the backend to stop an export; the engine kills its ffmpeg run.",
    )
    cancel.add_argument("render_id", nargs="?", metavar="RENDER_ID", help="the render to cancel")
    add_backend_options(cancel)
    cancel.set_defaults(handler=run_cancel)
