"""`nemo-tui config`, `nemo-tui credits` and `nemo-tui state`: one-shot answers for the shell."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable

from nemo_tui.cli.backend import Backend, add_backend_options, open_backend
from nemo_tui.config import describe
from nemo_tui.core.controller import SessionController
from nemo_tui.core.updates import Notice, Update
from nemo_tui.skills import SKILLS


def run_config(args: argparse.Namespace) -> int:
    # The engine's settings module is light (no uvicorn, no PyAV): only its data dir is read.
    from nemo_tui.engine.settings import EngineSettings

    with open_backend(args) as backend:
        print(describe(backend.settings))
    print(f"local engine:  {EngineSettings().data_dir} (its database, uploads and renders)")
    print("skills:")
    for skill in SKILLS:
        print(f"  {skill.id:<26} {skill.title}")
    return 0


def run_credits(args: argparse.Namespace) -> int:
    return _ask(args, lambda controller: controller.refresh_credits(announce=True))


def run_state(args: argparse.Namespace) -> int:
    return _ask(args, lambda controller: controller.refresh_state(announce=True))


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
        ("credits", run_credits, "print the credit balance"),
        ("state", run_state, "print the timeline summary of the last session"),
    ):
        parser = commands.add_parser(name, help=summary, description=summary.capitalize() + ".")
        add_backend_options(parser)
        parser.set_defaults(handler=handler)
