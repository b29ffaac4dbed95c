"""Settings a person got wrong end as one line naming the file or the setting, and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemo_tui.cli import main


def test_a_config_file_that_is_not_toml_is_named(
    app_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = app_dirs / "config" / "config.toml"
    config.parent.mkdir()
    config.write_text("graphics = [\n", encoding="utf-8")
    assert main(["config"]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"nemo-tui: cannot read {config}: ") and "fix or remove it" in error
    assert error.count("\n") == 1


@pytest.mark.usefixtures("app_dirs")
def test_a_bad_graphics_choice_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEMO_GRAPHICS", "sixel")
    assert main(["config"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("nemo-tui: bad setting graphics: Input should be 'auto', 'on' or 'off'")
