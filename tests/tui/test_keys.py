"""Keys: a `[keymap]` in config.toml moves a binding; the command palette runs the real actions;
F1 shows the keys of the focused pane; the footer's actions run from every pane, the chat input
included, and Escape leaves the input."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from nemo_tui.api.intents import GuiHints, translate_gui
from nemo_tui.config import Settings, config_path
from nemo_tui.core.updates import AgentText, TurnFinished, TurnStarted
from nemo_tui.tui.actions import first_key
from nemo_tui.tui.app import NemoApp
from nemo_tui.tui.chat import ChatInput, ChatLog
from nemo_tui.tui.help import HelpScreen
from nemo_tui.tui.keymap import check_keymap

from .helpers import paste, shown, wait_for_text

AppMaker = Callable[..., NemoApp]


@pytest.mark.usefixtures("app_dirs")
def test_keymap_is_read_and_its_mistakes_are_named() -> None:
    config_path().parent.mkdir(parents=True)
    config_path().write_text('[keymap]\nexport = "x"\nexprot = "y"\nupload = 3\n', encoding="utf-8")
    keymap, problems = check_keymap(Settings().keymap)
    assert keymap == {"export": "x"}
    assert len(problems) == 2
    assert "exprot is not an action id" in problems[0]
    assert "upload needs keys as a string" in problems[1]


async def test_remapped_key_runs_the_action_and_the_old_key_does_not(make_app: AppMaker) -> None:
    app = make_app(keymap={"export": "x"})
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("f4", "e")
        text = await shown(pilot)
        assert "Not connected to a backend" not in text, text
        await pilot.press("x")
        text = await shown(pilot)
        # No controller in this test: the export action answers that it cannot run.
        assert "Not connected to a backend: restart nemo-tui." in text, text
        assert "x Export" in text, text


async def test_palette_copies_the_last_answer(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(200, 60)) as pilot:
        app.emit(TurnStarted("t1", "hi"))
        app.emit(AgentText("t1", "Added a **crossfade**."))
        app.emit(TurnFinished("t1", "Added a **crossfade**."))
        await shown(pilot)
        await pilot.press("ctrl+p")
        await paste(pilot, "Copy last")
        await shown(pilot)
        await pilot.press("enter")
        await shown(pilot)
        assert app.clipboard == "Added a **crossfade**."


async def test_palette_says_how_to_switch_backend(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("ctrl+p")
        await paste(pilot, "Switch backend")
        await shown(pilot)
        await pilot.press("enter")
        text = await shown(pilot)
        assert "The backend is local; to switch, restart without --local." in text, text


async def test_f1_shows_the_focused_panes_keys(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("f2")
        await shown(pilot)
        await pilot.press("f1")
        text = await wait_for_text(pilot, lambda text: "Keys here" in text)
        assert isinstance(app.screen, HelpScreen)
        assert "Files — photos, clips and audio" in text, text
        assert "Upload the selected files" in text, text
        await pilot.press("escape")
        await shown(pilot)
        assert not isinstance(app.screen, HelpScreen)


FOOTER_ACTIONS = ("export", "credits", "state", "new_session")
PANE_KEYS = {"files": "f2", "chat": "f3", "timeline": "f4", "status": "f5"}


@pytest.mark.parametrize("pane", list(PANE_KEYS))
async def test_every_footer_action_runs_from_every_pane(
    make_app: AppMaker, pane: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chat input included: its keys (ctrl+...) run before the input can take them."""
    ran: list[str] = []
    for name in FOOTER_ACTIONS:
        monkeypatch.setattr(NemoApp, f"action_{name}", lambda self, name=name: ran.append(name))
    app = make_app()
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press(PANE_KEYS[pane])
        await shown(pilot)
        if pane == "chat":
            await pilot.press(*"hello")
        await pilot.press("ctrl+e", "ctrl+r", "ctrl+t", "ctrl+n")
        await shown(pilot)
        assert ran == list(FOOTER_ACTIONS)
        if pane == "chat":
            assert app.query_one(ChatInput).value == "hello"  # nothing typed or moved


async def test_in_the_input_letters_type_and_escape_leaves_for_the_pane(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[str] = []
    monkeypatch.setattr(NemoApp, "action_export", lambda self: ran.append("export"))
    app = make_app()
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press(*"see")
        await shown(pilot)
        assert app.query_one(ChatInput).value == "see" and ran == []
        await pilot.press("escape")
        await shown(pilot)
        assert isinstance(app.focused, ChatLog)
        await pilot.press("e")  # out of the input, the single letter exports
        await shown(pilot)
        assert ran == ["export"]


async def test_quit_is_in_the_footer_and_in_f1(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(200, 60)) as pilot:
        text = await shown(pilot)
        assert "^q Quit" in text, text
        await pilot.press("f1")
        text = await wait_for_text(pilot, lambda text: "Keys" in text or "keys" in text)
        assert isinstance(app.screen, HelpScreen)
        assert "Quit" in text and "^q" in text, text


def test_hints_name_the_key_that_exports_from_the_chat_input() -> None:
    hints = GuiHints.for_tui(first_key("export", {}))
    assert translate_gui("Click the Export button.", hints) == "Press ctrl+e to export."
    assert translate_gui("满意后点击导出按钮。", hints) == "满意后按 ctrl+e 导出。"
    remapped = GuiHints.for_tui(first_key("export", {"export": "f6,x"}))
    assert translate_gui("Click the Export button.", remapped) == "Press f6 to export."


async def test_a_collector_tick_after_the_widgets_are_gone_does_not_raise(
    make_app: AppMaker,
) -> None:
    """The idle collector's timer can fire while the app takes its widgets down (seen in a full
    run: NoMatches for the chat pane, and a crashed app). A tick then must be a quiet no-op."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")
        await wait_for_text(pilot, lambda text: "Keys here" in text)
        app._collect_when_idle()  # under the help screen, the chat is still found
        assert app.is_running
    app._collect_when_idle()  # the widgets are gone
