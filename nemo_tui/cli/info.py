"""`nemo-tui config`, `nemo-tui credits [--history]` and `nemo-tui state`: one-shot answers for
the shell, as text or (`--json`) for scripts."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from nemo_tui.api.gateway_models import UsagePage
from nemo_tui.api.safe_text import terminal_safe
from nemo_tui.api.summary import summarize
from nemo_tui.cli.backend import Backend, add_backend_options, open_backend
from nemo_tui.config import describe
from nemo_tui.core.controller import SessionController
from nemo_tui.core.updates import CreditsChanged, Notice, Update
from nemo_tui.skills import SKILLS


def run_config(args: argparse.Namespace) -> int:
    with open_backend(args) as backend:
        print(describe(backend.settings))
        engine_dir = backend.settings.engine.data_dir
    print(f"local engine:  {engine_dir} (its database, uploads and renders)")
    print("skills:")
    for skill in SKILLS:
        print(f"  {skill.id:<26} {skill.title}")
    return 0


def run_credits(args: argparse.Namespace) -> int:
    if args.history:
        return _history(args)
    if args.json:
        return _ask_json(args, _credits_json)
    return _ask(args, lambda controller: controller.refresh_credits(announce=True))


def run_state(args: argparse.Namespace) -> int:
    if args.json:
        return _ask_json(args, _state_json)
    return _ask(args, lambda controller: controller.refresh_state(announce=True))


async def _credits_json(controller: SessionController, updates: list[Update]) -> dict[str, Any]:
    await controller.refresh_credits()
    seen = [update.credits for update in updates if isinstance(update, CreditsChanged)]
    return seen[-1].to_wire() if seen else {}


async def _state_json(controller: SessionController, _updates: list[Update]) -> dict[str, Any]:
    await controller.refresh_state()
    return {
        "session_id": controller.session_id,
        "project_id": controller.memory.task_id,
        "api": controller.api_kind,
        "web_link": controller.web_link(),
        "summary": summarize(controller.draft),
        "exportable": controller.draft.is_exportable(),
        "draft": controller.draft.to_wire(),
    }


def _history(args: argparse.Namespace) -> int:
    """`credits --history`: the gateway's usage history, a page or all of them (GATEWAY.md 1.3,
    as the official CLI's `credits history`)."""
    pages: list[UsagePage] = []

    async def fetch(controller: SessionController) -> None:
        page_no = args.page
        while True:
            page = await controller.usage_history(page_no, args.page_size)
            pages.append(page)
            if not (args.all_pages and page.has_next and page_no < page.total_pages):
                return
            page_no += 1

    with open_backend(args) as backend:
        asyncio.run(_connected(backend, fetch, start=False))
    items = [item for page in pages for item in page.items]
    if args.project_id:
        items = [item for item in items if item.project_id == args.project_id]
    if args.json:
        body = {
            "total": pages[-1].total if pages else 0,
            "pages_fetched": len(pages),
            "filtered_by_project_id": args.project_id,
            "items": [item.to_wire() for item in items],
        }
        print(json.dumps(body, indent=2, ensure_ascii=False))
        return 0
    for item in items:
        when = (item.created_at or "-")[:19].replace("T", " ")
        what = terminal_safe(item.what)[:80]
        print(f"{when}  {item.amount_delta:+d}  {what}")
    if not items:
        print("No credit history yet.")
    elif pages and pages[-1].has_next and not args.all_pages:
        print(f"(page {pages[-1].page_no} of {pages[-1].total_pages}: --all-pages for the rest)")
    return 0


def _ask_json(
    args: argparse.Namespace,
    question: Callable[[SessionController, list[Update]], Awaitable[dict[str, Any]]],
) -> int:
    """Connect to the last session and print the question's answer as JSON; the question reads
    the updates the controller emitted meanwhile."""
    answers: list[dict[str, Any]] = []
    updates: list[Update] = []

    async def ask(controller: SessionController) -> None:
        updates.clear()
        answers.append(await question(controller, updates))

    with open_backend(args) as backend:
        asyncio.run(_connected(backend, ask, emit=updates.append))
    print(json.dumps(answers[0] if answers else {}, indent=2, ensure_ascii=False))
    return 0


async def _connected(
    backend: Backend,
    job: Callable[[SessionController], Awaitable[None]],
    *,
    start: bool = True,
    emit: Callable[[Update], None] | None = None,
) -> None:
    controller = SessionController(backend.settings, emit or _ignore, backend_label=backend.label)
    try:
        if start:
            await controller.start()
        else:
            await controller.identify()
        await job(controller)
    finally:
        await controller.aclose()


def _ignore(_update: Update) -> None:
    return None


def _ask(args: argparse.Namespace, question: Callable[[SessionController], Awaitable[None]]) -> int:
    """Connect to the last session of the backend and print the notice the question produces."""
    answers: list[str] = []

    def keep_notices(update: Update) -> None:
        if isinstance(update, Notice):
            answers.append(update.text)

    async def ask(backend: Backend) -> None:
        controller = SessionController(backend.settings, keep_notices, backend_label=backend.label)
        try:
            await controller.start()
            answers.clear()  # only the answer to the question, not the start-up notices
            await question(controller)
        finally:
            await controller.aclose()

    with open_backend(args) as backend:
        asyncio.run(ask(backend))
    print("\n".join(answers))
    return 0


def add_info_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for name, handler, summary in (
        ("config", run_config, "print where settings and secrets live, and the settings"),
        ("credits", run_credits, "print the credit balance (--history: what was spent)"),
        ("state", run_state, "print the timeline summary of the last session"),
    ):
        parser = commands.add_parser(name, help=summary, description=summary.capitalize() + ".")
        add_backend_options(parser)
        if name != "config":
            parser.add_argument("--json", action="store_true", help="print JSON for scripts")
        if name == "credits":
            add_history_options(parser)
        parser.set_defaults(handler=handler)


def add_history_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--history", action="store_true", help="the credit history (the gateway's)")
    parser.add_argument("--page", type=int, default=1, metavar="N", help="history page (1-)")
    parser.add_argument(
        "--page-size", type=int, default=20, metavar="N", help="history rows a page (max 100)"
    )
    parser.add_argument("--all-pages", action="store_true", help="every history page")
    parser.add_argument("--project-id", metavar="ID", help="only this project's history rows")
