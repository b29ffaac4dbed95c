"""What `nemo-tui run` prints, as a script (pipes) and a person (a pseudo-terminal) would read it:
the answer once and in order on stdout, activity and progress on lines of their own on stderr,
"Saved PATH" once, a silent turn's summary, and only commands that exist."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from nemo_tui.api.intents import GuiHints
from tests.cli.test_run import cli_env, nemo
from tests.terminal import Terminal

ROOT = Path(__file__).resolve().parents[2]
# A promo in English, then a Chinese title in straight quotes; the engine's Chinese closing line
# sometimes carries GUI phrases ("点击导出按钮") the client translates as the text streams in.
SAYS = ("turn these photos into a 4-second promo video", "加标题'夏季促销'", "竖屏")


def run_args(media_dir: Path, out: Path, *says: str) -> list[str]:
    args = ["run", "--local", "--height", "180", "--files"]
    args += [str(media_dir / "photo1.jpg"), str(media_dir / "photo2.jpg")]
    for say in says:
        args += ["--say", say]
    return [*args, "--export", str(out)]


def test_a_script_reads_each_answer_once_in_order_and_saved_once(
    app_dirs: Path, media_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "v.mp4"
    result = nemo(*run_args(media_dir, out, *SAYS), env=cli_env(app_dirs), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    said = result.stdout
    firsts = ("Done: 2 photos over 4 s", "已添加标题「夏季促销」", "画布已改为竖屏")
    assert [said.count(first) for first in firsts] == [1, 1, 1], said
    assert [said.index(first) for first in firsts] == sorted(said.index(f) for f in firsts)
    # Chinese answers carry Chinese hints, and no hint names a key or pane a script lacks.
    assert "press" not in result.stdout and "timeline pane" not in result.stdout
    errors = result.stderr.splitlines()
    assert "· add_text" in errors and "✓ add_text" in errors
    assert errors.count(f"Saved {out}") == 1
    assert "\r" not in result.stderr and "\x1b" not in result.stderr
    # Plain progress: a few lines per phase, never one per chunk.
    assert 1 <= sum(line.startswith("download") for line in errors) <= 5


def test_a_turn_that_says_nothing_prints_what_changed(
    app_dirs: Path, media_dir: Path, tmp_path: Path
) -> None:
    env = cli_env(app_dirs, NEMO_ENGINE_SILENT_SHARE="1")
    result = nemo(*run_args(media_dir, tmp_path / "v.mp4", SAYS[0], SAYS[1]), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Updated: added track Video")
    assert lines[1] == 'Updated: added track Title "夏季促销" (0-3s)'


def test_on_a_terminal_activity_has_its_own_lines_and_the_bar_is_redrawn_clean(
    app_dirs: Path, media_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "v.mp4"
    argv = [sys.executable, "-m", "nemo_tui", *run_args(media_dir, out, *SAYS)]
    terminal = Terminal(argv, cli_env(app_dirs), size=(200, 40))
    try:
        terminal.wait(re.compile(rb"Saved "), timeout=120)
        assert terminal.process.wait(timeout=30) == 0
    finally:
        terminal.close()
    screen = terminal.output.decode("utf-8", "replace")
    lines = screen.replace("\r\n", "\n").split("\n")
    # Each tool line starts a line of its own, never glued to the end of an answer.
    assert any(line == "· add_text" for line in lines), screen
    assert "ready.·" not in screen and "。·" not in screen
    # The bar goes back to the line start and erases what a longer earlier bar left.
    assert "\x1b[K" in screen and "\r" in screen
    assert screen.count("Saved ") == 1
    assert screen.count("已添加标题「夏季促销」") == 1


def suggested_commands() -> set[str]:
    """Every `nemo-tui WORD ...` the app's own code may print, in backticks or plain."""
    texts = [path.read_text("utf-8") for path in (ROOT / "nemo_tui").rglob("*.py")]
    hints = GuiHints.for_cli()
    texts += [hints.words(kind, zh) for kind in ("export", "timeline", "edit") for zh in (0, 1)]
    found = set()
    for text in texts:
        found.update(re.findall(r"`nemo-tui ([a-z][a-z-]*)[^`]*`", text))
    return found


def test_suggested_commands_list_is_not_empty() -> None:
    assert {"run", "state"} <= suggested_commands()


@pytest.mark.parametrize("command", sorted(suggested_commands()))
def test_every_command_the_output_suggests_exists(command: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nemo_tui", command, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: nemo-tui {command}")


def test_the_flags_the_headless_hints_name_exist() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nemo_tui", "run", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    hints = GuiHints.for_cli()
    for flag in re.findall(r"`(--[a-z-]+)", hints.export + hints.export_zh):
        assert flag in result.stdout
