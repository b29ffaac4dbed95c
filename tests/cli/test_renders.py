"""`nemo-tui renders`, `nemo-tui cancel` and a failed render's one retry, as real processes on the
local engine (SPEC 7; issue 11). The failure is the engine's fault switch answering one status
poll with `failed`; the retry is the very command `run` printed."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from tests.support import mp4_facts

from .test_run import cli_env, nemo

pytestmark = pytest.mark.slow

FAILED_ONCE = json.dumps(
    [
        {
            "path": "/api/render/proxy/lambda/*",
            "method": "GET",
            "body": json.dumps({"status": "failed", "error": "injected: a chunk died"}),
        }
    ]
)


def test_a_failed_render_exits_1_with_the_command_that_retries_it_once(
    app_dirs: Path, media_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "promo.mp4"
    env = cli_env(app_dirs)
    failed = nemo(
        "run", "--local", "--height", "180", "--files", str(media_dir / "photo1.jpg"),
        "--say", "animate this image into a 2-second video", "--export", str(out),
        env={**env, "NEMO_ENGINE_FAULTS": FAILED_ONCE}, cwd=tmp_path,
    )  # fmt: skip
    assert failed.returncode == 1, failed.stderr
    last = failed.stderr.strip().splitlines()[-1]
    assert "injected: a chunk died" in failed.stderr and "failed" in last
    command = last.split("run: ", 1)[1]
    words = shlex.split(command)
    assert words[:3] == ["nemo-tui", "run", "--local"] and "--retry" in words
    assert not out.exists()

    retried = nemo(*words[1:], env=env, cwd=tmp_path)
    assert retried.returncode == 0, retried.stderr
    assert mp4_facts(out).height == 180

    listing = nemo("renders", "--local", env=env, cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.strip().splitlines()
    failed_id = words[words.index("--retry") + 1]
    assert any(line.startswith(failed_id) and " failed" in line for line in lines), lines
    assert any(" completed " in line and line.endswith(str(out)) for line in lines), lines

    again = nemo(*words[1:], env=env, cwd=tmp_path)
    assert again.returncode == 1 and "already tried again once" in again.stderr

    nothing = nemo("cancel", "--local", env=env, cwd=tmp_path)
    assert nothing.returncode == 1 and "No export in flight" in nothing.stdout
