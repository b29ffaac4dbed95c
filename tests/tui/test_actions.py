"""The action table (`nemo_tui.tui.actions`) is the one declaration of every user action: each one
shows in F1 help, each slash command in /help, each app-wide action in the command palette; a
`[keymap]` entry moves an action's key by its id; a slash command runs its action."""

from __future__ import annotations

import pytest
from textual.containers import VerticalScroll

from nemo_tui.tui.actions import ACTIONS, SLASH_COMMANDS
from nemo_tui.tui.chat import ChatInput
from nemo_tui.tui.commands import palette_commands
from nemo_tui.tui.help import HelpScreen
from nemo_tui.tui.slash import usage

from .helpers import paste, shown, wait_for_text
from .test_panes import AppMaker

# Tall enough that the whole help and the whole palette list fit on the screen: F1 help lists every
# action (questions, the player, quit, leaving the input, the file pane's refresh and parent
# folder) and the test reads what is on screen.
TALL = (200, 240)


async def test_every_action_is_in_f1_help(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=TALL) as pilot:
        await pilot.press("f1")
        text = await wait_for_text(pilot, lambda text: "Every action" in text)
        assert isinstance(app.screen, HelpScreen)
        body = app.screen.query_one("#help-body", VerticalScroll)
        for _ in range(20):  # read it all, a page at a time
            if body.scroll_y >= body.max_scroll_y:
                break
            body.scroll_page_down(animate=False)
            text += await shown(pilot)
        missing = [action.id for action in ACTIONS if f"({action.id})" not in text]
        assert missing == [], text
        for action in SLASH_COMMANDS.values():
            assert f"/{action.slash}" in text, text


async def test_every_slash_command_is_in_slash_help(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=TALL) as pilot:
        app.query_one(ChatInput).value = "/help"
        await pilot.press("enter")
        text = await wait_for_text(pilot, lambda text: "Commands" in text)
        for action in SLASH_COMMANDS.values():
            assert f"{usage(action)} — {action.tooltip}" in text, text


async def test_every_app_wide_action_is_in_the_palette(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=TALL) as pilot:
        await pilot.press("ctrl+p")
        text = await shown(pilot)
        titles = [command.title for command in palette_commands()]
        app_wide = [action for action in ACTIONS if action.where == "app"]
        assert all(action.palette for action in app_wide)
        assert len(titles) >= len(app_wide)
        missing = [title for title in titles if title not in text]
        assert missing == [], text


async def test_a_palette_entry_runs_its_action(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=TALL) as pilot:
        await pilot.press("ctrl+p")
        await paste(pilot, "Go to timeline")
        await shown(pilot)
        await pilot.press("enter")
        await shown(pilot)
        assert app.active_pane == "timeline"


async def test_remapping_a_pane_action_moves_its_key(make_app: AppMaker) -> None:
    app = make_app(keymap={"show_all_files": "x"})
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("f2")
        text = await shown(pilot)
        assert "x All files" in text and "notes.pdf" not in text, text
        await pilot.press("a")
        assert "notes.pdf" not in await shown(pilot)
        await pilot.press("x")
        text = await wait_for_text(pilot, lambda text: "notes.pdf" in text)


# What each slash command shows without a backend: the action ran and answered.
SLASH_SHOWS = {
    "export": "Not connected to a backend",
    "preview": "Not connected to a backend",
    "credits": "Not connected to a backend",
    "status": "Not connected to a backend",
    "new": "Not connected to a backend",
    "cancel": "Not connected to a backend",
    "projects": "Not connected to a backend",
    "upload": "Nothing selected: select files in the file pane with space first.",
    "skill": "image-no-generator · local",
    "help": "Commands",
}
ARGUMENTS = {"skill": "image-no-generator"}


def test_every_slash_command_has_a_case_here() -> None:
    assert set(SLASH_SHOWS) == set(SLASH_COMMANDS)


@pytest.mark.parametrize("name", sorted(SLASH_SHOWS))
async def test_a_slash_command_runs_its_action(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    app = make_app()
    ran: list[str] = []
    run_action = app.run_action

    async def recording(action: str, *args: object, **kwargs: object) -> bool:
        ran.append(action)
        return await run_action(action, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(app, "run_action", recording)
    async with app.run_test(size=(200, 60)) as pilot:
        line = f"/{name} {ARGUMENTS.get(name, '')}".strip()
        app.query_one(ChatInput).value = line
        await pilot.press("enter")
        await wait_for_text(pilot, lambda text: SLASH_SHOWS[name] in text)
    action = SLASH_COMMANDS[name]
    expected = action.with_argument(ARGUMENTS[name]) if action.argument else action.action
    assert expected in ran, ran
