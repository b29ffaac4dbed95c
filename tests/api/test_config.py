"""Settings from env and config.toml, the 0600 secrets file written atomically, masked tokens."""

from __future__ import annotations

import math
import os
import re
import stat
from pathlib import Path

import platformdirs
import pytest
from pydantic import ValidationError

from nemo_tui import atomic, config
from nemo_tui.config import SecretsFile, Settings, describe, mask_token
from nemo_tui.loopback import is_loopback_host, is_loopback_url

TOKEN = "nmv_usr_0123456789abcdefXY"


def default_state_dir() -> Path:
    # Read when the test runs: the run's private home is in place by then, not at import.
    return Path(platformdirs.user_data_dir("nemo-tui")) / "state"


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("NEMO_CONFIG_DIR", str(folder))
    for name in list(os.environ):
        if name.startswith("NEMO_") and name != "NEMO_CONFIG_DIR":
            monkeypatch.delenv(name)
    return folder


def test_defaults_follow_the_spec() -> None:
    settings = Settings()
    assert settings.api_base == "https://mega-api-prod.nemovideo.ai"
    # SPEC 1: the official `nemo-video` 1.9 profile is the default.
    assert settings.skill == "nemo-video"
    assert (settings.attribution_version, settings.skill_platform) == ("1.9", "unknown")
    assert settings.download_dir == Path("nemo-exports")
    # SPEC 7: the cloud is polled every 10 s, backing off to 30 s, for 15 minutes.
    assert (settings.render_poll_seconds, settings.render_poll_longest_seconds) == (10, 30)
    assert settings.render_follow_limit == 900 and settings.rate_limit_wait == 30
    assert settings.user_token() is None


def test_config_file_then_environment_override(
    config_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_home.mkdir()
    (config_home / "config.toml").write_text(
        'api_base = "http://127.0.0.1:8765"\nskill = "ai-video-maker-sora"\n'
        "rate_limit_wait = 0.01\n"
    )
    settings = Settings()
    assert settings.api_base == "http://127.0.0.1:8765" and settings.skill == "ai-video-maker-sora"
    assert settings.render_poll_seconds == 0.5  # a loopback engine is polled fast
    monkeypatch.setenv("NEMO_SKILL", "image-no-generator")
    monkeypatch.setenv("NEMO_TOKEN", TOKEN)
    settings = Settings()
    assert settings.skill == "image-no-generator" and settings.user_token() == TOKEN
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.model_dump())


def test_secrets_file_is_0600_and_keeps_a_token_per_api_base(config_home: Path) -> None:
    path = config_home / "secrets.json"
    cloud = SecretsFile(path, "https://mega-api-prod.nemovideo.ai")
    local = SecretsFile(path, "http://127.0.0.1:9000/")
    cloud.set_client_id("client-1")
    cloud.set_token("nmv_cloud_token_1")
    local.set_token("nmv_local_token_2")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cloud.get_token() == "nmv_cloud_token_1" and local.get_token() == "nmv_local_token_2"
    assert local.get_client_id() == "client-1"
    local.set_token(None)
    assert local.get_token() is None and cloud.get_token() == "nmv_cloud_token_1"
    assert TOKEN not in repr(cloud)


def test_a_crash_mid_write_leaves_the_old_secrets(
    config_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = SecretsFile(config_home / "secrets.json", "https://mega-api-prod.nemovideo.ai")
    secrets.set_token("nmv_old_token_1")

    def crash(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        secrets.set_token("nmv_new_token_2")
    assert secrets.get_token() == "nmv_old_token_1"
    # The old file and the lock other processes take to change it; no temp file.
    assert sorted(p.name for p in config_home.iterdir()) == [".secrets.json.lock", "secrets.json"]


def test_tokens_are_kept_per_backend_identity_not_per_address(config_home: Path) -> None:
    """An engine on a new port is the same engine (same instance id); two engines on loopback
    are not, and neither is the cloud: nobody overwrites another's token."""
    path = config_home / "secrets.json"
    first = SecretsFile(path, "http://127.0.0.1:41001")
    first.use_backend("instance aaaa")
    first.set_token("nmv_engine_a_token", "anon_a")
    again = SecretsFile(path, "http://127.0.0.1:52002/")
    again.use_backend("instance aaaa")
    assert (again.get_token(), again.get_user_id()) == ("nmv_engine_a_token", "anon_a")
    other = SecretsFile(path, "http://127.0.0.1:52002/")
    other.use_backend("instance bbbb")
    assert other.get_token() is None
    other.set_token("nmv_engine_b_token")
    assert first.get_token() == "nmv_engine_a_token"
    assert SecretsFile(path, "https://mega-api-prod.nemovideo.ai").get_token() is None


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True), ("127.0.0.2", True), ("127.255.255.254", True), ("localhost", True),
        ("::1", True), ("[::1]", True), ("0.0.0.0", False), ("10.0.0.1", False),
        ("127.0.0.1.nip.io", False), ("example.com", False), ("", False),
    ],
)  # fmt: skip
def test_loopback_is_all_of_127_slash_8_and_localhost(host: str, loopback: bool) -> None:
    """One check for the client (a loopback API base is the local engine) and the engine (which
    fetches URL uploads only from this machine)."""
    assert is_loopback_host(host) is loopback
    in_url = f"[{host}]" if host == "::1" else host  # an IPv6 address is bracketed in a URL
    assert is_loopback_url(f"http://{in_url}:8765/x") is loopback


def test_mask_token_shows_at_most_the_last_two_characters() -> None:
    assert mask_token(TOKEN) == "nmv_…XY"
    assert mask_token("some-other-token") == "set"
    assert mask_token(None) == "not set"


def test_describe_lists_the_files_and_never_the_token(
    config_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEMO_TOKEN", TOKEN)
    settings = Settings()
    SecretsFile(config.secrets_path(), settings.api_base).set_token("nmv_anon_abcdefghij99")
    text = describe(settings)
    assert str(config_home / "config.toml") in text and str(config_home / "secrets.json") in text
    assert "NEMO_TOKEN:    nmv_…XY" in text
    assert "nmv_…99" in text
    assert TOKEN not in text and "abcdefghij" not in text


@pytest.mark.parametrize(
    ("field", "default", "toml_line", "in_toml", "env_text", "in_env"),
    [
        (
            "state_dir",
            default_state_dir,
            'state_dir = "/t/state"',
            Path("/t/state"),
            "/e",
            Path("/e"),
        ),
        ("graphics", "auto", 'graphics = "on"', "on", "off", "off"),
        ("debug", False, "debug = true", True, "0", False),
        (
            "keymap",
            {},
            '[keymap]\nexport = "e"',
            {"export": "e"},
            '{"export": "x"}',
            {"export": "x"},
        ),
    ],
)
def test_environment_beats_config_file_beats_default(
    config_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    field: str,
    default: object,
    toml_line: str,
    in_toml: object,
    env_text: str,
    in_env: object,
) -> None:
    assert getattr(Settings(), field) == (default() if callable(default) else default)
    config_home.mkdir()
    (config_home / "config.toml").write_text(toml_line + "\n", encoding="utf-8")
    assert getattr(Settings(), field) == in_toml
    monkeypatch.setenv(f"NEMO_{field.upper()}", env_text)
    assert getattr(Settings(), field) == in_env


@pytest.mark.parametrize(
    ("word", "choice"),
    [("1", "on"), ("Yes", "on"), ("false", "off"), ("", "auto"), ("auto", "auto")],
)
def test_graphics_takes_the_usual_words_for_on_and_off(
    monkeypatch: pytest.MonkeyPatch, word: str, choice: str
) -> None:
    monkeypatch.setenv("NEMO_GRAPHICS", word)
    assert Settings().graphics == choice


def test_a_graphics_choice_outside_auto_on_off_is_a_bad_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEMO_GRAPHICS", "sixel")
    with pytest.raises(ValidationError, match="graphics"):
        Settings()


def test_describe_shows_the_new_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEMO_KEYMAP", '{"export": "ctrl+e"}')
    text = describe(Settings(state_dir=tmp_path / "state", graphics="off", debug=True))
    assert f"app state:     {tmp_path / 'state'}" in text
    assert "graphics:      off" in text
    assert "keymap:        export = ctrl+e" in text
    assert "debug:         on" in text


def test_only_the_config_package_reads_the_environment() -> None:
    """`Settings` is the app's one source of settings: a module that reads `os.environ` itself
    would give a setting that `nemo-tui config` does not show and config.toml cannot set."""
    package = Path(config.__file__).parent.parent
    allowed = {package / "config" / "environment.py"}
    readers = [
        path.relative_to(package)
        for path in package.rglob("*.py")
        if path not in allowed
        and not path.is_relative_to(package / "engine")  # EngineSettings is the engine's own
        and re.search(r"os\.environ|getenv\(", path.read_text(encoding="utf-8"))
    ]
    assert readers == []


def test_following_a_render_has_no_time_cap_on_a_loopback_engine(config_home: Path) -> None:
    assert Settings(api_base="http://127.0.0.1:8000").follow_limit_seconds == math.inf
    assert Settings(api_base="https://mega-api-prod.nemovideo.ai").follow_limit_seconds == 900
    capped = Settings(api_base="http://127.0.0.1:8000", render_follow_limit=60)
    assert capped.follow_limit_seconds == 60


def test_the_engine_settings_are_part_of_the_one_settings(
    config_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_home.mkdir()
    (config_home / "config.toml").write_text('[engine]\nrender_preset = "faster"\nseed = 3\n')
    monkeypatch.delenv("NEMO_ENGINE_SEED", raising=False)
    assert (Settings().engine.render_preset, Settings().engine.seed) == ("faster", 3)
    monkeypatch.setenv("NEMO_ENGINE_RENDER_PRESET", "slow")
    # As for every setting, the environment overrides the file.
    assert (Settings().engine.render_preset, Settings().engine.seed) == ("slow", 3)
