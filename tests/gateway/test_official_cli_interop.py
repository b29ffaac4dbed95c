"""One project, two tools (SPEC 11): what the official `nemovideo` CLI makes, `nemo-tui run`
continues, and the reverse, on one `nemo-tui serve` with one API key. Skipped with the reason
where node or the npm registry is missing (the CLI is installed from npm once per session)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.cli import test_official_cli as official
from tests.cli.test_official_cli import Cli, project_id_in
from tests.support import engine_env, mp4_facts

pytestmark = pytest.mark.slow
# The official CLI's fixtures (installed once per session, one engine per module), reused.
nemovideo_bin = official.nemovideo_bin
engine = official.engine
cli = official.cli


def nemo_tui(cli: Cli, *args: str) -> subprocess.CompletedProcess[str]:
    """`nemo-tui` as the same person: the CLI's key and the engine, our own folders."""
    env = engine_env(
        NEMOVIDEO_API_KEY=cli.key,
        NEMO_API_BASE=cli.engine.url,
        NEMO_CONFIG_DIR=str(cli.home / "nemo-config"),
        NEMO_STATE_DIR=str(cli.home / "nemo-state"),
    )
    result = subprocess.run(
        [sys.executable, "-m", "nemo_tui", *args],
        env=env, cwd=cli.home, capture_output=True, text=True, timeout=240,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    assert cli.key not in result.stdout + result.stderr
    return result


def test_nemo_tui_continues_what_nemovideo_create_made(cli: Cli) -> None:
    created = cli("create", "-p", "generate a sunset over the sea", "-d", "3")
    project_id = project_id_in(created.stdout)
    listed = json.loads(nemo_tui(cli, "projects", "--json").stdout)["projects"]
    assert project_id in [entry["project_id"] for entry in listed]
    out = cli.home / "continued.mp4"
    run = nemo_tui(
        cli, "run", "--project", project_id, "--say", "add a title 'Two tools' for 2 seconds",
        "--height", "180", "--export", str(out),
    )  # fmt: skip
    assert f"Project {project_id}" in run.stderr
    facts = mp4_facts(out)
    assert facts.height == 180 and facts.duration == pytest.approx(3.0, abs=0.2)
    # The official CLI sees our edit: its project now holds a text track.
    got = cli("project", "get", project_id)
    assert "State:   has content" in got.stdout
    status = nemo_tui(cli, "run", "--project", project_id, "--say", "status")
    assert '"Two tools"' in status.stderr


def test_nemovideo_continues_what_nemo_tui_run_made(cli: Cli) -> None:
    run = nemo_tui(cli, "run", "--say", "generate a 4-second video of a city at night")
    match = re.search(r"Project (task_[0-9a-f]+)", run.stderr)
    assert match, run.stderr
    project_id = match.group(1)
    assert project_id in cli("project", "list").stdout
    chat = cli("chat", project_id, "-p", "make it vertical 9:16")
    assert "✓ Done!" in chat.stdout
    exported = cli("export", project_id, "-o", "out/vertical.mp4")
    saved = cli.home / "out" / "vertical.mp4"
    assert f"✓ Done! {saved}" in exported.stdout
    facts = mp4_facts(saved)
    assert facts.height > facts.width
    assert facts.duration == pytest.approx(4.0, abs=0.2)
