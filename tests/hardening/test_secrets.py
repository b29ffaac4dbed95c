"""The token stays secret: not in any log record at DEBUG (the app's, httpx's, httpcore's, the
engine's), not in a crash's output, and the files that hold it or the session are 0600, written
whole. `tests/cli/test_run.py::test_the_token_appears_nowhere` covers `run`, `config`, `credits`
and `state` output and every file the app writes; `tests/api/test_config.py` covers the secrets
file's mode and a crash mid-write."""

from __future__ import annotations

import json
import logging
import stat
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from nemo_tui.core.updates import Update
from nemo_tui.engine.http.server import RunningEngine
from tests.support import controller_for, engine_env, faults

CRASH_SCRIPT = """
import sys
from nemo_tui import cli
from nemo_tui.core import controller

async def crash(self, *args, **kwargs):
    token = self._client._transport.token
    raise RuntimeError(f"request to {self.settings.api_base}?token={token} failed\\nsecond line")

controller.SessionController.start = crash
sys.exit(cli.main(sys.argv[1:]))
"""


def files_and_modes(folder: Path) -> dict[str, int]:
    return {
        str(path.relative_to(folder)): stat.S_IMODE(path.stat().st_mode)
        for path in folder.rglob("*")
        if path.is_file()
    }


async def test_a_whole_session_at_debug_logs_no_token(
    start_engine: Callable[..., RunningEngine],
    app_dirs: Path,
    photos: list[Path],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # One expired-token renewal and one 500 on the way, so the error paths log too.
    engine = start_engine(
        faults=faults({"path": "/api/credits/*", "skip": 1, "error": 1001}),
        token_window_seconds=0,
    )
    updates: list[Update] = []
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "nemo_tui", "uvicorn", "uvicorn.access"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    controller = controller_for(engine.base_url, app_dirs, updates)
    await controller.start()
    first_token = json.loads((app_dirs / "config" / "secrets.json").read_text())["tokens"]
    await controller.upload(photos[:2])
    await controller.say("create a slideshow video from these images")
    await controller.refresh_credits(announce=True)
    render_id = await controller.submit_export()
    assert render_id is not None
    assert await controller.follow_render(render_id) is not None
    await controller.aclose()

    secrets = json.loads((app_dirs / "config" / "secrets.json").read_text())
    tokens = [*first_token.values(), *secrets["tokens"].values()]
    assert len(set(tokens)) == 2, "the token was not renewed on the way"
    assert all(token.startswith("nmv_usr_") for token in tokens)
    records = "\n".join(
        f"{record.name} {record.getMessage()} {record.args!r}" for record in caplog.records
    )
    assert "HTTP Request: GET" in records  # httpx really logged every call
    assert "send_request_headers" in records  # and httpcore its header sends
    assert "fault error on GET /api/credits/balance/simple" in records
    for token in tokens:
        assert token not in records
        assert token[8:] not in records
    assert "Bearer" not in records
    for update in updates:
        assert "nmv_usr_" not in repr(update)


async def test_private_files_are_0600_and_no_temp_file_is_left(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, photos: list[Path]
) -> None:
    updates: list[Update] = []
    controller = controller_for(start_engine().base_url, app_dirs, updates)
    await controller.start()
    await controller.upload(photos[:1])
    await controller.say("create a slideshow video from these images")
    await controller.aclose()

    written = files_and_modes(app_dirs / "config") | files_and_modes(app_dirs / "state")
    # The secrets, and the memory and the remembered sessions of the one backend (named after
    # its instance id), each with the lock file other processes of the app take to change it.
    files = {name for name in written if not name.endswith(".lock")}
    assert len(files) == 3 and "secrets.json" in files
    assert any(name.startswith("instance-") and name.endswith(".json") for name in files)
    assert any(name.startswith("sessions-instance-") for name in files)
    assert {name for name in written if name.endswith(".lock")} == {f".{f}.lock" for f in files}
    assert set(written.values()) == {0o600}


def test_a_crash_prints_one_scrubbed_line_not_a_traceback(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, tmp_path: Path
) -> None:
    engine = start_engine()
    token = httpx.post(
        f"{engine.base_url}/api/auth/anonymous-token", headers={"X-Client-Id": str(uuid.uuid4())}
    ).json()["data"]["token"]
    env = engine_env(
        NEMO_CONFIG_DIR=str(app_dirs / "config"),
        NEMO_STATE_DIR=str(app_dirs / "state"),
        NEMO_TOKEN=token,
        NEMO_API_BASE=engine.base_url,
    )

    def crash(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", CRASH_SCRIPT, *args],
            env={**env, **extra}, cwd=tmp_path, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    for args in (("credits",), ("run", "--say", "hello")):
        result = crash(*args)
        assert result.returncode == 70
        assert result.stdout == ""
        [line] = result.stderr.splitlines()
        assert line.startswith("nemo-tui: unexpected error (RuntimeError: request to http://")
        assert "NEMO_DEBUG=1" in line and "second line" not in line
        assert token not in line and token[8:] not in line

    # Asked for, the traceback is there (the person chose to see it).
    debug = crash("credits", NEMO_DEBUG="1")
    assert "Traceback" in debug.stderr and debug.returncode == 1

    bad_setting = crash("credits", NEMO_RENDER_POLL_INTERVAL="soon")
    assert bad_setting.returncode == 2
    [line] = bad_setting.stderr.splitlines()
    assert line.startswith("nemo-tui: bad setting render_poll_interval: ")
    assert token not in line
