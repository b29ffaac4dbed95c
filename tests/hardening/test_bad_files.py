"""Bad files handed to `nemo-tui run`, a real process, in one batch with good ones: every bad file
gets one line on stderr that names it and says what to do, and the good files still upload (the
engine's database says so afterwards)."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from nemo_tui.engine.http.server import RunningEngine
from tests.support import backend_memory, engine_env, recorded_media

PR_CAPBSET_DROP = 24
# Root reads a mode-000 file through these two capabilities; without them it is refused too.
CAP_DAC_OVERRIDE = 1
CAP_DAC_READ_SEARCH = 2
WEIRD_NAME = "new\nline ✓ 照片 $(touch pwned); `id` 'q\" & | > x.jpg"


def multipart_name(name: str) -> str:
    return name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def drop_file_read_override() -> None:
    """In the child before exec: lose the capabilities that let root read any file."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def mode_000_is_enforced(locked: Path) -> bool:
    """Whether a child started as `run_app` starts it is refused the mode-000 file."""
    probe = [sys.executable, "-c", f"open({str(locked)!r}, 'rb')"]
    kwargs = {"preexec_fn": drop_file_read_override} if os.geteuid() == 0 else {}
    try:
        return subprocess.run(probe, capture_output=True, **kwargs).returncode != 0
    except (OSError, subprocess.SubprocessError):
        return False


def run_app(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    kwargs = {"preexec_fn": drop_file_read_override} if os.geteuid() == 0 else {}
    return subprocess.run(
        [sys.executable, "-m", "nemo_tui", *args],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL, **kwargs,
    )  # fmt: skip


def test_each_bad_file_is_named_in_one_line_and_the_rest_upload(
    start_engine: Callable[..., RunningEngine],
    app_dirs: Path,
    media_dir: Path,
    tmp_path: Path,
) -> None:
    engine = start_engine()
    batch = tmp_path / "batch"
    batch.mkdir()
    notes = batch / "notes.pdf"
    notes.write_text("not media")
    huge = batch / "huge.mp4"
    huge.touch()
    os.truncate(huge, 600 * 1024 * 1024)  # sparse: 600 MB on paper, nothing on disk
    empty = batch / "empty.png"
    empty.touch()
    locked = batch / "locked.jpg"
    shutil.copy(media_dir / "photo1.jpg", locked)
    locked.chmod(0)
    fake = batch / "fake.jpg"
    fake.write_text("this is text, not a picture")
    folder = batch / "folder.jpg"
    folder.mkdir()
    weird = batch / WEIRD_NAME
    shutil.copy(media_dir / "photo2.jpg", weird)
    good = [media_dir / "photo3.jpg", weird, media_dir / "voice.m4a"]
    bad = {
        notes: "not accepted",
        huge: "600 MB, over the 500 MB limit",
        empty: "empty",
        fake: "refused",
        folder: "folder",
    }
    if mode_000_is_enforced(locked):
        bad[locked] = "cannot be read"
    else:
        good.append(locked)
    env = engine_env(
        NEMO_CONFIG_DIR=str(app_dirs / "config"), NEMO_STATE_DIR=str(app_dirs / "state")
    )
    files = [notes, good[0], huge, empty, weird, locked, fake, folder, good[2]]

    result = run_app("run", "--api", engine.base_url, "--files", *map(str, files),
                     env=env, cwd=batch)  # fmt: skip

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    for path, reason in bad.items():
        said = [line for line in lines if path.name in line]
        assert len(said) >= 1, (path.name, result.stderr)
        assert any(reason in line for line in said), (path.name, said)
    assert lines[-1].startswith("nemo-tui: not uploaded: ")
    assert all(path.name in lines[-1] for path in bad)
    # The name with a newline is shown escaped, on one line, and nothing in it ran.
    assert any("new\\nline ✓ 照片" in line for line in lines), result.stderr
    assert not (batch / "pwned").exists()
    # The good files are in the session, named as on disk in multipart's own encoding (a quote
    # and line breaks percent-encoded, as browsers send them).
    # The run's own session: a headless run keeps its chat under it (and moves no pointer).
    (session_id,) = backend_memory(app_dirs / "state")["histories"]
    stored = [m.name for m in recorded_media(engine.settings.data_dir, session_id)]
    assert sorted(stored) == sorted(multipart_name(path.name) for path in good)
    for path in engine.settings.media_dir.iterdir():
        assert path.resolve().is_relative_to(engine.settings.media_dir.resolve())
