"""Where the gateway's API key comes from (SPEC 11): `NEMOVIDEO_API_KEY`, else the official CLI's
own config file (`nemovideo-nodejs/config.json`, with its `base_url`), else `nemo-tui login`,
which keeps it 0600 in the secrets file. Without any, the skills' API is used as before."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from nemo_tui.config import SecretsFile, Settings
from nemo_tui.config.gateway import read_official_config, with_gateway
from nemo_tui.config.settings import official_cli_config_file
from nemo_tui.engine.http.server import RunningEngine
from tests.cli.test_run import cli_env, nemo


def test_the_official_cli_config_lives_where_conf_puts_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert official_cli_config_file() == tmp_path / "xdg" / "nemovideo-nodejs" / "config.json"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert official_cli_config_file() == Path.home() / ".config/nemovideo-nodejs/config.json"
    monkeypatch.setattr(sys, "platform", "darwin")
    expected = Path.home() / "Library/Preferences/nemovideo-nodejs/config.json"
    assert official_cli_config_file() == expected


def test_key_sources_in_order(
    app_dirs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    official = tmp_path / "official.json"
    monkeypatch.setenv("NEMO_OFFICIAL_CLI_CONFIG", str(official))
    secrets = SecretsFile.for_settings(Settings())
    # Nothing anywhere: the skills' API, unchanged.
    plain = with_gateway(Settings())
    assert not plain.uses_gateway and plain.api_base == "https://mega-api-prod.nemovideo.ai"

    secrets.set_api_key("nmv_usr_from_login_000")
    assert stat.S_IMODE(secrets.path.stat().st_mode) == 0o600
    assert with_gateway(Settings()).gateway_key() == "nmv_usr_from_login_000"
    assert with_gateway(Settings()).api_base == "https://mega-x-api-prod.nemovideo.ai"

    official.write_text(
        json.dumps({"api_key": "nmv_usr_official_111", "base_url": "http://127.0.0.1:7777"})
    )
    chosen = with_gateway(Settings())
    assert chosen.gateway_key() == "nmv_usr_official_111"
    assert chosen.api_base == "http://127.0.0.1:7777" and chosen.is_local

    monkeypatch.setenv("NEMOVIDEO_API_KEY", "nmv_usr_env_222")
    chosen = with_gateway(Settings())
    assert chosen.gateway_key() == "nmv_usr_env_222"
    assert chosen.api_base == "http://127.0.0.1:7777"  # the official CLI's base still
    # `--api` (or NEMO_API_BASE) wins over the official base.
    assert with_gateway(Settings(api_base="http://127.0.0.1:8888")).api_base.endswith("8888")
    assert "nmv_usr_env_222" not in repr(chosen) and "nmv_usr_env_222" not in str(chosen)


@pytest.mark.parametrize(
    "text", ["", "not json", "[1, 2]", '{"api_key": 5, "base_url": "ftp://x"}', "{" * 100_000]
)
def test_a_broken_official_config_is_ignored(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.json"
    path.write_text(text)
    found = read_official_config(path)
    assert found.api_key is None and found.base_url is None


def test_login_checks_the_key_keeps_it_0600_and_the_gateway_is_used(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, tmp_path: Path
) -> None:
    engine = start_engine()
    env = cli_env(app_dirs)
    key = f"nmv_usr_login_{uuid.uuid4().hex}"

    def login(typed: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "nemo_tui", "login", "--api", engine.base_url],
            env=env, cwd=tmp_path, input=typed + "\n", capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip

    refused = login("nmv_bogus_key_0000")
    assert refused.returncode == 1 and "not an API key" in refused.stderr
    assert "nmv_bogus_key_0000" not in refused.stdout + refused.stderr

    saved = login(key)
    assert saved.returncode == 0, saved.stderr
    assert key not in saved.stdout + saved.stderr
    secrets = app_dirs / "config" / "secrets.json"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert json.loads(secrets.read_text())["api_key"] == key

    credits = nemo("credits", "--json", "--api", engine.base_url, env=env, cwd=tmp_path)
    assert credits.returncode == 0, credits.stderr
    assert json.loads(credits.stdout)["total_granted"] == 100  # the gateway's balance
    state = nemo("state", "--json", "--api", engine.base_url, env=env, cwd=tmp_path)
    assert json.loads(state.stdout)["api"] == "gateway"

    logout = nemo("logout", env=env, cwd=tmp_path)
    assert logout.returncode == 0 and "Forgot the API key" in logout.stderr
    state = nemo("state", "--json", "--api", engine.base_url, env=env, cwd=tmp_path)
    assert json.loads(state.stdout)["api"] == "skills"
