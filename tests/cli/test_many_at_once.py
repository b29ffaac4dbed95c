"""Several real `nemo-tui` processes on one HOME at once: they share one engine (the first starts
it in the background, the others attach), and nobody's render is killed, re-run or lost."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import mp4_facts

from .test_run import cli_env, nemo


def nemo_in_background(*args: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "nemo_tui", *args],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def interruptions(engine_dir: Path) -> dict[str, tuple[str, int]]:
    """Each render's status and how often an engine stop cut it short, from the engine's DB."""
    with sqlite3.connect(engine_dir / "engine.sqlite3") as db:
        rows = db.execute("SELECT id, status, interruptions FROM renders").fetchall()
    return {render_id: (status, count) for render_id, status, count in rows}


@pytest.mark.slow
def test_an_export_a_listing_and_a_second_export_at_once_all_complete(
    app_dirs: Path, media_dir: Path, tmp_path: Path
) -> None:
    env = cli_env(app_dirs)
    engine_dir = app_dirs / "engine"
    photos = [str(media_dir / f"photo{index}.jpg") for index in range(1, 6)]
    big = tmp_path / "promo.mp4"
    # A 30-second 1080p promo with motion: long enough to still be rendering while the others run.
    first = nemo_in_background(
        "run", "--local", "--files", *photos,
        "--say", "turn these photos into a 30-second promotional video, slow zoom in",
        "--export", str(big),
        env=env, cwd=tmp_path,
    )  # fmt: skip
    renders = engine_dir / "renders"
    deadline = time.monotonic() + 120
    while not (renders.is_dir() and any(".tmp." in p.name for p in renders.iterdir())):
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the first export never started rendering"
        time.sleep(0.1)

    small = tmp_path / "small.mp4"
    second = nemo_in_background(
        "run", "--local", "--height", "180", "--files", photos[0],
        "--say", "animate this image into a 2-second video", "--export", str(small),
        env=env, cwd=tmp_path,
    )  # fmt: skip
    listing = nemo("renders", "--local", env=env, cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert "processing" in listing.stdout or "pending" in listing.stdout, listing.stdout

    _, second_err = second.communicate(timeout=300)
    assert second.returncode == 0, second_err
    _, first_err = first.communicate(timeout=600)
    assert first.returncode == 0, first_err
    assert "exit code -9" not in first_err + second_err

    assert mp4_facts(big).height == 1080 and abs(mp4_facts(big).duration - 30) < 1
    assert mp4_facts(small).height == 180

    after = nemo("renders", "--local", env=env, cwd=tmp_path)
    completed = [line for line in after.stdout.splitlines() if " completed " in line]
    assert any(line.endswith(str(big)) for line in completed), after.stdout
    assert any(line.endswith(str(small)) for line in completed), after.stdout
    # One engine served all three: no render was cut short by a second engine's start-up.
    jobs = interruptions(engine_dir)
    assert len(jobs) == 2 and all(value == ("completed", 0) for value in jobs.values()), jobs


@pytest.mark.usefixtures("media_dir")
def test_first_commands_at_once_on_a_fresh_home_share_one_engine_and_one_token(
    app_dirs: Path, tmp_path: Path
) -> None:
    env = cli_env(app_dirs)
    commands = [nemo_in_background("credits", "--local", env=env, cwd=tmp_path) for _ in range(4)]
    results = [command.communicate(timeout=120) for command in commands]
    assert [command.returncode for command in commands] == [0] * 4, results
    assert all("Credits: 100 available" in out for out, _ in results)
    # One engine served them all: every one of them found it through the folder's lock file.
    log = (app_dirs / "engine" / "engine.log").read_text()
    assert log.count("listening on") == 1
