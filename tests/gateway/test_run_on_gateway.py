"""`nemo-tui run` and the one-shot commands on the gateway (SPEC 11) with `NEMOVIDEO_API_KEY`, as
a script would use them: real processes against the engine's gateway, an MP4 at the end. The
key never shows: not on stdout or stderr, not in a file the app writes, not in any log line."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from pathlib import Path

import av
import pytest

from nemo_tui.engine.http.server import RunningEngine
from nemo_tui.skills import SKILLS_BY_ID
from tests.cli.test_run import HAS_AUDIO, SKILL_FILES, cli_env, nemo


def key_env(app_dirs: Path, key: str, base_url: str, **extra: str) -> dict[str, str]:
    return cli_env(app_dirs, NEMOVIDEO_API_KEY=key, NEMO_API_BASE=base_url, **extra)


@pytest.mark.parametrize("skill_id", list(SKILL_FILES))
def test_each_skill_runs_headless_on_the_gateway(
    skill_id: str,
    start_engine: Callable[..., RunningEngine],
    app_dirs: Path,
    media_dir: Path,
    tmp_path: Path,
) -> None:
    engine = start_engine()
    key = f"nmv_usr_run_{uuid.uuid4().hex}"
    out = tmp_path / "out" / "video.mp4"
    files = [str(media_dir / name) for name in SKILL_FILES[skill_id]]
    args = ["run", "--skill", skill_id, "--height", "180"]
    args += ["--files", *files] if files else []
    args += ["--say", SKILLS_BY_ID[skill_id].typical_request, "--export", str(out)]

    result = nemo(*args, env=key_env(app_dirs, key, engine.base_url), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), result.stderr
    # No anonymous token and no claim link on the gateway; the project is named for later.
    assert "claim" not in result.stderr
    assert "Project task_" in result.stderr and "--project task_" in result.stderr
    assert key not in result.stdout + result.stderr
    with av.open(str(out)) as container:
        video = container.streams.video[0]
        assert video.codec_context.name == "h264"
        assert min(video.codec_context.width, video.codec_context.height) == 180
        assert container.duration / av.time_base > 1.0
        assert (len(container.streams.audio) == 1) == (skill_id in HAS_AUDIO)


def test_a_run_continues_a_project_and_the_history_lists_it(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, tmp_path: Path
) -> None:
    engine = start_engine()
    env = key_env(app_dirs, f"nmv_usr_cont_{uuid.uuid4().hex}", engine.base_url)
    first = nemo(
        "run", "--say", "generate a 3-second video of a red sunrise", env=env, cwd=tmp_path
    )
    assert first.returncode == 0, first.stderr
    projects = nemo("projects", "--json", env=env, cwd=tmp_path)
    [project] = json.loads(projects.stdout)["projects"]
    project_id = project["project_id"]
    # A fresh state folder: the project is found on the gateway, not in our memory.
    fresh = {**env, "NEMO_STATE_DIR": str(tmp_path / "other-state")}
    out = tmp_path / "continued.mp4"
    second = nemo(
        "run", "--project", project_id, "--say", "add a title 'Again' for 2 seconds",
        "--height", "180", "--export", str(out), env=fresh, cwd=tmp_path,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert f"Project {project_id}" in second.stderr
    with av.open(str(out)) as container:
        assert 2.5 < container.duration / av.time_base < 3.5  # the 3-second video, titled
    history = nemo("credits", "--history", "--json", "--all-pages", env=env, cwd=tmp_path)
    assert history.returncode == 0, history.stderr
    body = json.loads(history.stdout)
    said = [item["conversation"]["user_message"] for item in body["items"] if item["conversation"]]
    assert "generate a 3-second video of a red sunrise" in said
    assert "add a title 'Again' for 2 seconds" in said
    assert any(item["kind"] == "grant" for item in body["items"])
    filtered = nemo("credits", "--history", "--json", "--project-id", "nope", env=env, cwd=tmp_path)
    assert json.loads(filtered.stdout)["items"] == []


def test_a_rejected_key_is_one_line_and_no_renewal(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, tmp_path: Path
) -> None:
    engine = start_engine()
    key = "nmv_bogus_0123456789abcdef"  # not a user key: the engine refuses it
    env = key_env(app_dirs, key, engine.base_url)
    for args in (("run", "--say", "make it vertical"), ("credits",), ("projects",)):
        result = nemo(*args, env=env, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("nemo-tui: The API key was rejected"), lines[0]
        assert "NEMOVIDEO_API_KEY" in lines[0] and "nemo-tui login" in lines[0]
        assert key not in result.stdout + result.stderr
    # No anonymous token was ever asked for (no renewal loop): none exists on the engine.
    assert not (app_dirs / "config" / "secrets.json").exists()


@pytest.mark.slow
def test_the_key_appears_nowhere(
    start_engine: Callable[..., RunningEngine],
    app_dirs: Path,
    media_dir: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    engine = start_engine()
    key = f"nmv_usr_secret_{uuid.uuid4().hex}"
    env = key_env(app_dirs, key, engine.base_url)
    log = tmp_path / "diagnostics.log"
    runs = [
        nemo("run", "--log", str(log), "--files", str(media_dir / "photo1.jpg"),
             "--say", "animate this image into a 2-second video", "--height", "180",
             "--export", str(tmp_path / "v.mp4"), env=env, cwd=tmp_path),
        nemo("config", env=env, cwd=tmp_path),
        nemo("credits", "--json", env=env, cwd=tmp_path),
        nemo("state", "--json", env=env, cwd=tmp_path),
        nemo("projects", env=env, cwd=tmp_path),
        nemo("renders", "--json", env=env, cwd=tmp_path),
        nemo("run", "--log", str(log), "--files", str(tmp_path / "missing.jpg"), env=env,
             cwd=tmp_path),
        nemo("run", "--say", "hello", env={**env, "NEMO_API_BASE": "http://127.0.0.1:9"},
             cwd=tmp_path),
    ]  # fmt: skip
    assert runs[0].returncode == 0, runs[0].stderr
    assert "gateway" in runs[1].stdout and "API key" in runs[1].stdout
    for run in runs:
        assert key not in run.stdout + run.stderr
    for path in [*app_dirs.rglob("*"), log]:
        if path.is_file() and path.suffix != ".mp4":
            assert key not in path.read_text(errors="replace"), path
    # The engine's own log lines (access log included) never hold it either.
    assert caplog.records and key not in caplog.text


def test_a_question_is_answered_headless_over_the_socket(
    start_engine: Callable[..., RunningEngine],
    app_dirs: Path,
    media_dir: Path,
    tmp_path: Path,
) -> None:
    engine = start_engine()
    env = key_env(app_dirs, f"nmv_usr_ask_{uuid.uuid4().hex}", engine.base_url)
    out = tmp_path / "reel.mp4"
    result = nemo(
        "run", "--files", str(media_dir / "photo1.jpg"), str(media_dir / "photo2.jpg"),
        "--say", "make a video", "--answer", "1", "--answer", "9:16 vertical",
        "--height", "180", "--export", str(out), env=env, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "How long should it be?" in result.stderr
    with av.open(str(out)) as container:
        video = container.streams.video[0]
        assert video.codec_context.height > video.codec_context.width  # the shape chosen
        assert container.duration / av.time_base == pytest.approx(15.0, abs=0.3)
