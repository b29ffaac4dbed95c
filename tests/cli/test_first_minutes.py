"""The commands as a newcomer meets them in the first minutes (issue 20): `renders` names only files
that were written and gives a failure's whole reason, wrapped at words; `run --export` does not ask
for `--export`; a refused file is one friendly line, with no internal HTTP line before it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from nemo_tui.api.client import NemoClient
from nemo_tui.cli import main
from nemo_tui.config import Settings
from nemo_tui.core.persistence import BackendMemory, MemoryFile, PendingRender, backend_key
from nemo_tui.engine.http.server import RunningEngine
from tests.support import mp4_facts

from .test_run import cli_env, nemo

REASON = (
    "the renderer stopped: ffmpeg could not open photo-with-a-rather-long-name.jpg because its "
    "colour profile is not supported; convert it to sRGB and upload it again"
)


async def remember_renders(engine: RunningEngine, renders: list[PendingRender]) -> None:
    """What earlier runs on this engine left in the app's memory of it."""
    async with NemoClient(engine.base_url) as client:
        key = backend_key(await client.identify())

    def remember(memory: BackendMemory) -> None:
        memory.renders.extend(renders)

    MemoryFile(Settings().state_dir, key).update(remember)


def test_renders_names_only_written_files_and_wraps_a_reason_at_words(
    start_engine: Callable[..., RunningEngine],
    app_dirs: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = start_engine()
    saved = tmp_path / "promo.mp4"
    saved.write_bytes(b"\0" * 64)
    now = time.time()
    never = {name: str(tmp_path / f"{name}.mp4") for name in ("failed", "stopped")}
    records = [
        PendingRender("render_done", "s1", str(saved), "completed", now, now),
        PendingRender("render_failed", "s1", never["failed"], "failed", now, now, REASON),
        PendingRender("render_stopped", "s1", never["stopped"], "cancelled", now, now),
    ]
    asyncio.run(remember_renders(engine, records))
    monkeypatch.setenv("COLUMNS", "60")

    assert main(["renders", "--api", engine.base_url]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert any(
        line.startswith("render_done  completed") and line.endswith(str(saved)) for line in lines
    )
    assert "failed.mp4" not in out and "stopped.mp4" not in out, out
    stopped = next(line for line in lines if line.startswith("render_stopped"))
    assert stopped.endswith("  -"), out
    first = lines.index(next(line for line in lines if line.startswith("render_failed")))
    reason = [line for line in lines[first + 1 :] if line.startswith("    ")]
    assert " ".join(line.strip() for line in reason) == REASON, out
    assert all(len(line) < 60 for line in reason), out


@pytest.mark.slow
def test_run_with_export_says_it_is_coming_and_a_refused_file_is_one_friendly_line(
    app_dirs: Path, media_dir: Path, tmp_path: Path
) -> None:
    """`run --export X`: the agent's "click Export" becomes what this run will do, not "add
    `--export`"; a file the engine refuses (415) is named once, in words, with no internal HTTP
    line on stderr (that is for the `--log` file only); and no claim link to the run's own
    loopback engine."""
    not_video = tmp_path / "fake.mp4"
    not_video.write_text("just words")
    out = tmp_path / "promo.mp4"
    result = nemo(
        "run", "--local", "--height", "180",
        "--files", str(media_dir / "photo1.jpg"), str(not_video),
        "--say", "create a slideshow video from these images", "--export", str(out),
        env=cli_env(app_dirs), cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1 and "not uploaded: fake.mp4" in result.stderr, result.stderr
    assert f"this run exports it to {out}" in result.stdout, result.stdout
    assert "--export" not in result.stdout, result.stdout
    assert "fake.mp4 is not a readable media file" in result.stderr, result.stderr
    assert "/api/" not in result.stderr and "HTTP 415" not in result.stderr, result.stderr
    assert "/claim" not in result.stderr, result.stderr
    assert mp4_facts(out).height == 180
