"""Snapshots of the states worth seeing, at 80x24 (tabs) and 120x40 (all panes).

Update with `pytest tests/tui/test_snapshots.py --snapshot-update` and look at the report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nemo_tui.tui import chat

from .states import STATES, FrozenClock, State, arrange, make_folder, state_app

SIZES = ((80, 24), (120, 40))


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("state", STATES, ids=lambda state: state.name)
def test_state_snapshot(
    snap_compare: Callable[..., bool],
    state: State,
    size: tuple[int, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(chat, "time", FrozenClock)
    app = state_app(make_folder(tmp_path))
    assert snap_compare(app, terminal_size=size, run_before=arrange(state, size[0]))
