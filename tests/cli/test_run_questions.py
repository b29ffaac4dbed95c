"""`nemo-tui run` and the agent's questions (SPEC 4.4), as a real process on the local engine:
stdin not a terminal takes each first option and says so on stderr, `--answer` chooses, and a
terminal is asked. The answers are sent once, in SPEC 4.4's form, and the MP4 has the length and
shape chosen."""

from __future__ import annotations

import re
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.support import mp4_facts
from tests.terminal import Terminal

from .test_run import cli_env, nemo

PHOTOS = [f"photo{i}.jpg" for i in range(1, 4)]
FIRST_OPTIONS = [
    "? How long should it be? -> 15 seconds (first option; pass --answer to choose)",
    "? Which shape? -> 16:9 landscape (first option; pass --answer to choose)",
]
FIRST_SENT = "1. How long should it be?: 15 seconds\n2. Which shape?: 16:9 landscape"
CHOSEN = "1. How long should it be?: 30 seconds\n2. Which shape?: 9:16 vertical"


def run_args(media_dir: Path, *extra: str) -> list[str]:
    files = [str(media_dir / name) for name in PHOTOS]
    return ["run", "--local", "--files", *files, "--say", "make a video", *extra]


def all_messages(app_dirs: Path) -> list[str]:
    """Every message the engine received, from its own database (the run made one session)."""
    with sqlite3.connect(app_dirs / "engine" / "engine.sqlite3") as db:
        return [row[0] for row in db.execute("SELECT text FROM messages ORDER BY id")]


@pytest.mark.parametrize(
    ("answers", "told", "sent", "seconds", "portrait"),
    [
        ([], FIRST_OPTIONS, FIRST_SENT, 15, False),
        (["2", "9:16 vertical"], [], CHOSEN, 30, True),
    ],
    ids=["first-options", "answered"],
)
def test_headless_run_answers_and_the_mp4_follows(
    answers: list[str],
    told: list[str],
    sent: str,
    seconds: float,
    portrait: bool,
    app_dirs: Path,
    media_dir: Path,
    tmp_path: Path,
) -> None:
    out = tmp_path / "video.mp4"
    extra = [arg for answer in answers for arg in ("--answer", answer)]
    args = run_args(media_dir, "--height", "180", *extra, "--export", str(out))
    result = nemo(*args, env=cli_env(app_dirs), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    for line in told:
        assert line in lines, result.stderr
    if not told:
        assert "first option" not in result.stderr
    # The answer went out once, in SPEC 4.4's form, and nothing after it.
    assert all_messages(app_dirs) == ["make a video", sent]
    facts = mp4_facts(out)
    assert facts.duration == pytest.approx(seconds, abs=0.3)
    assert (facts.height > facts.width) == portrait and min(facts.width, facts.height) == 180


@pytest.mark.slow
@pytest.mark.parametrize(
    ("answers", "size", "seconds"),
    [([], (1920, 1080), 15), (["2", "9:16 vertical"], (1080, 1920), 30)],
    ids=["first-options", "answered"],
)
def test_headless_run_at_full_size(
    answers: list[str],
    size: tuple[int, int],
    seconds: float,
    app_dirs: Path,
    media_dir: Path,
    tmp_path: Path,
) -> None:
    out = tmp_path / "video.mp4"
    extra = [arg for answer in answers for arg in ("--answer", answer)]
    result = nemo(
        *run_args(media_dir, *extra, "--export", str(out)), env=cli_env(app_dirs), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    facts = mp4_facts(out)
    assert facts.video_codec == "h264"
    assert (facts.width, facts.height) == size
    assert facts.duration == pytest.approx(seconds, abs=0.3)


def test_on_a_terminal_the_question_is_asked_there(app_dirs: Path, media_dir: Path) -> None:
    argv = [sys.executable, "-m", "nemo_tui", *run_args(media_dir, "--answer", "30 SECONDS")]
    terminal = Terminal(argv, cli_env(app_dirs))
    try:
        # The first question was answered on the command line; the second is asked here.
        asked = terminal.wait(re.compile(rb"Which shape\?.*3\. 1:1 square.*or skip: ", re.S))
        terminal.send(b"nonsense\r")
        terminal.wait(re.compile(rb"Not an option: choose 1-3 or skip"), after=asked)
        terminal.send(b"2\r")
        assert terminal.process.wait(timeout=60) == 0, terminal.output.decode(errors="replace")
    finally:
        terminal.close()
    assert all_messages(app_dirs) == ["make a video", CHOSEN]


def test_ctrl_c_at_the_question_prompt_ends_the_run_at_once(
    app_dirs: Path, media_dir: Path
) -> None:
    argv = [sys.executable, "-m", "nemo_tui", *run_args(media_dir)]
    terminal = Terminal(argv, cli_env(app_dirs))
    try:
        terminal.wait(re.compile(rb"or skip: "))
        # What Ctrl+C sends (this pseudo-terminal is not the process's controlling one). No
        # Enter follows: the prompt's reader must not hold the exit.
        terminal.process.send_signal(signal.SIGINT)
        assert terminal.process.wait(timeout=10) == 130
        assert b"interrupted" in terminal.output
    finally:
        terminal.close()
