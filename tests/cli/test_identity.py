"""Who the client is and whom it talks to (SPEC 1, 2; issue 11), as real processes.

The lockout a new user met: `run --local`, then a separately started `serve` used with `--api`,
then `run --local` again was refused for a week (HTTP 429), because every loopback engine shared
one stored token. Tokens are now kept per backend identity (the engine's instance id), so every
run exits 0. And the client id is the official skill's file: used when present, created 0600 when
not, and what the engine saw in `X-Client-Id`.
"""

from __future__ import annotations

import sqlite3
import stat
import uuid
from pathlib import Path

import pytest

from tests.support import free_port, serve

from .test_run import cli_env, nemo

pytestmark = pytest.mark.slow


def client_ids_seen(data_dir: Path) -> set[str]:
    """The `X-Client-Id`s an engine issued tokens to, read from its database."""
    with sqlite3.connect(data_dir / "engine.sqlite3") as db:
        return {row[0] for row in db.execute("SELECT client_id FROM tokens")}


def test_local_then_serve_then_local_again_every_run_exits_0(
    app_dirs: Path, client_id_file: Path, tmp_path: Path
) -> None:
    env = cli_env(app_dirs)
    first = nemo("run", "--local", "--say", "credits", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr

    served_data = tmp_path / "served"
    with serve(served_data, free_port()) as engine:
        second = nemo("run", "--api", engine.url, "--say", "credits", env=env, cwd=tmp_path)
        assert second.returncode == 0, second.stderr

    third = nemo("run", "--local", "--say", "credits", env=env, cwd=tmp_path)
    assert third.returncode == 0, third.stderr
    assert "429" not in third.stderr and "limiting" not in third.stderr
    # One client id, shared by every run, and each engine issued it exactly one token.
    client_id = client_id_file.read_text().strip()
    assert client_ids_seen(app_dirs / "engine") == {client_id}
    assert client_ids_seen(served_data) == {client_id}


def test_the_official_skills_client_id_file_is_used_when_present(
    app_dirs: Path, client_id_file: Path, tmp_path: Path
) -> None:
    shared = str(uuid.uuid4())
    client_id_file.parent.mkdir(parents=True)
    client_id_file.write_text(shared + "\n")
    result = nemo("run", "--local", env=cli_env(app_dirs), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert client_ids_seen(app_dirs / "engine") == {shared}
    assert client_id_file.read_text().strip() == shared


def test_the_client_id_file_is_created_0600_when_absent_and_used(
    app_dirs: Path, client_id_file: Path, tmp_path: Path
) -> None:
    assert not client_id_file.exists()
    result = nemo("run", "--local", env=cli_env(app_dirs), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(client_id_file.stat().st_mode) == 0o600
    created = client_id_file.read_text().strip()
    assert str(uuid.UUID(created)) == created
    assert client_ids_seen(app_dirs / "engine") == {created}


def test_nemo_client_id_wins_over_the_file(
    app_dirs: Path, client_id_file: Path, tmp_path: Path
) -> None:
    chosen = str(uuid.uuid4())
    env = cli_env(app_dirs, NEMO_CLIENT_ID=chosen)
    result = nemo("run", "--local", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert client_ids_seen(app_dirs / "engine") == {chosen}
    assert not client_id_file.exists()
