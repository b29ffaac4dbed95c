"""The claim link in the TUI (SPEC 2): a line in the chat when it is offered, "Copy link" puts it
on the clipboard by OSC 52 (wrapped for tmux's passthrough inside tmux), and a render row past 95 %
says "finalising" (SPEC 7)."""

from __future__ import annotations

import base64

import pytest

from nemo_tui.core.updates import LinkOffered, RenderProgress
from nemo_tui.tui.clipboard import osc52, tmux_passthrough

from .helpers import shown, wait_for_text
from .test_panes import AppMaker

CLAIM = "https://nemovideo.com/workspace/claim?ct=clm_abc123"


def test_osc52_and_its_tmux_passthrough_wrapping() -> None:
    sequence = osc52(CLAIM)
    assert sequence == f"\x1b]52;c;{base64.b64encode(CLAIM.encode()).decode()}\a"
    wrapped = tmux_passthrough(sequence)
    assert wrapped.startswith("\x1bPtmux;\x1b\x1b]52;c;") and wrapped.endswith("\a\x1b\\")


async def test_the_claim_link_is_shown_and_copied(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        written: list[str] = []
        assert app._driver is not None
        monkeypatch.setattr(app._driver, "write", written.append)
        app.emit(LinkOffered(CLAIM))
        await wait_for_text(pilot, lambda text: "clm_abc123" in text)
        await pilot.press("ctrl+p", *"Copy link", "enter")
        await shown(pilot)
        assert app.clipboard == CLAIM
        assert osc52(CLAIM) in written and tmux_passthrough(osc52(CLAIM)) in written


async def test_a_render_past_95_percent_says_finalising(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        app.emit(RenderProgress("render_1", "processing", 97.0, finalising=True))
        text = await wait_for_text(pilot, lambda text: "render_1" in text)
        assert "finalising" in text, text
