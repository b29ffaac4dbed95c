"""The official NemoVideo CLI (`nemovideo-tools` 0.1.8 from npm, bin `nemovideo`) against
`nemo-tui serve` over loopback, configured as GATEWAY.md 1.1 says: `base_url` in its own config
file, the key in `NEMOVIDEO_API_KEY`. Every command ends in its documented output and exit 0, and
every video it saves is a real MP4 (opened with PyAV).

The CLI is installed with npm once per machine (`tests/official_cli.py`); where node or npm is
missing, or the registry cannot be reached, these tests are skipped with the reason."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.engine.gateway_helpers import KeyUser, new_key
from tests.engine.helpers import EngineUser, data_of
from tests.official_cli import Unavailable, installed_cli
from tests.support import EngineProcess, free_port, mp4_facts, serve

pytestmark = pytest.mark.slow

CLI_SECONDS = 240
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture(scope="session")
def nemovideo_bin() -> Path:
    """The official CLI, from the cache `tests/official_cli.py` installs it into."""
    try:
        return installed_cli()
    except Unavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProcess]:
    """One `nemo-tui serve` for the module; each test is a user of its own (its own key)."""
    with serve(tmp_path_factory.mktemp("engine"), free_port()) as process:
        yield process


@dataclass
class Cli:
    """The official CLI as one user runs it: its own config folder, key and working folder."""

    binary: Path
    key: str
    home: Path
    engine: EngineProcess

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NEMO", "CLAUDE"))}
        env.update(
            XDG_CONFIG_HOME=str(self.home / "config"),
            NEMOVIDEO_API_KEY=self.key,
            NO_UPDATE_NOTIFIER="1",
            NO_COLOR="1",
        )
        return env

    def __call__(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(self.binary), *args],
            cwd=self.home,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=CLI_SECONDS,
            check=False,
        )
        result.stdout = _ANSI.sub("", result.stdout)
        result.stderr = _ANSI.sub("", result.stderr)
        if ok:
            assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
        return result

    def gateway(self, http: httpx.Client) -> KeyUser:
        return KeyUser(http, self.key)


@pytest.fixture
def cli(nemovideo_bin: Path, engine: EngineProcess, tmp_path: Path) -> Cli:
    runner = Cli(nemovideo_bin, new_key(), tmp_path, engine)
    configured = runner("config", "set", "base_url", engine.url)
    assert f"base_url = {engine.url}" in configured.stdout
    stored = json.loads((tmp_path / "config" / "nemovideo-nodejs" / "config.json").read_text())
    assert stored["base_url"] == engine.url
    return runner


@pytest.fixture
def http(engine: EngineProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=engine.url, trust_env=False, timeout=60) as client:
        yield client


def project_id_in(text: str) -> str:
    match = re.search(r"Project(?: created)?: (task_[0-9a-f]+)", text)
    assert match, text
    return match.group(1)


def test_credits_and_their_history_for_a_new_key(cli: Cli) -> None:
    credits = cli("credits")
    assert "Available: 100 | Frozen: 0 | Total consumed: 0" in credits.stdout
    history = json.loads(cli("credits", "history", "--json").stdout)
    assert history["total"] == 1 and history["pages_fetched"] == 1
    (grant,) = history["items"]
    assert (grant["kind"], grant["amount_delta"], grant["grant"]) == (
        "grant",
        100,
        {"source": "welcome"},
    )
    table = cli("credits", "history")
    assert "Welcome gift" in table.stdout and "+100" in table.stdout


def test_create_with_export_makes_a_project_and_saves_its_mp4(cli: Cli) -> None:
    # A plain description, as people give `create`: the engine takes it as text-to-video.
    created = cli("create", "-p", "coffee product showcase", "-d", "3", "--export")
    project_id = project_id_in(created.stdout)
    assert "✓ Done! Project:" in created.stdout
    saved = cli.home / "output" / f"{project_id}.mp4"
    assert f"✓ Exported: {saved}" in created.stdout
    facts = mp4_facts(saved)
    assert facts.video_codec == "h264" and (facts.width, facts.height) == (1920, 1080)
    assert facts.duration == pytest.approx(3.0, abs=0.2)
    # The generated scene was paid for: the balance says so.
    balance = re.search(
        r"Available: (\d+) \| Frozen: 0 \| Total consumed: (\d+)", cli("credits").stdout
    )
    assert balance is not None
    available, consumed = int(balance.group(1)), int(balance.group(2))
    assert consumed > 0 and available + consumed == 100


def test_upload_chat_export_and_the_project_commands(
    cli: Cli, http: httpx.Client, media_dir: Path
) -> None:
    project_id, _ = cli.gateway(http).new_project()
    for name in ("photo1.jpg", "photo2.jpg"):
        uploaded = cli("upload", str(media_dir / name), "--project", project_id)
        assert f"Uploaded {name}" in uploaded.stderr
    chat = cli("chat", project_id, "-p", "turn these photos into a 4-second video")
    assert "✓ Done!" in chat.stdout
    assert "4 s" in chat.stdout or "4-second" in chat.stdout, chat.stdout
    assert f"nemovideo export {project_id}" in chat.stdout
    exported = cli("export", project_id, "-o", "out/edit.mp4")
    saved = cli.home / "out" / "edit.mp4"
    assert f"✓ Done! {saved}" in exported.stdout
    facts = mp4_facts(saved)
    assert facts.video_codec == "h264"
    assert facts.duration == pytest.approx(4.0, abs=0.2)

    listed = cli("project", "list")
    assert project_id in listed.stdout
    got = cli("project", "get", project_id)
    assert f"Project: {project_id}" in got.stdout and "State:   has content" in got.stdout
    downloaded = cli("project", "download", project_id, "-o", "again.mp4")
    assert "Saved" in downloaded.stderr
    assert (cli.home / "again.mp4").read_bytes() == saved.read_bytes()

    history = json.loads(cli("credits", "history", "--json", "--project-id", project_id).stdout)
    (turn,) = history["items"]
    assert turn["kind"] == "conversation"
    assert turn["conversation"]["user_message"] == "turn these photos into a 4-second video"


def test_a_question_is_answered_non_interactively_with_the_first_option(
    cli: Cli, http: httpx.Client, media_dir: Path
) -> None:
    gateway = cli.gateway(http)
    project_id, session_id = gateway.new_project()
    gateway.upload(session_id, media_dir / "photo1.jpg", "image/jpeg")
    gateway.upload(session_id, media_dir / "clip.mp4", "video/mp4")
    chat = cli("chat", project_id, "-p", "make a video")
    shown = chat.stdout + chat.stderr
    assert "How long should it be?" in shown
    assert '(non-interactive: auto-selecting "15 seconds")' in shown
    assert '(non-interactive: auto-selecting "16:9 landscape")' in shown
    assert "✓ Done!" in chat.stdout
    draft = gateway.frontend(project_id)["project"]["timeline_draft"]
    assert draft["d"] == 15_000


def test_what_the_cli_makes_the_skills_api_continues_and_the_reverse(
    cli: Cli, http: httpx.Client, media_dir: Path
) -> None:
    gateway = cli.gateway(http)
    project_id, session_id = gateway.new_project()
    cli("upload", str(media_dir / "photo1.jpg"), "--project", project_id)
    cli("chat", project_id, "-p", "turn these photos into a 5-second video")
    # The same key on the skills' API: the project is its session, and an edit there shows here.
    skills = EngineUser(http, token=cli.key, user_id="")
    skills.chat(session_id, "add a title 'Made in two tools' for 2 seconds")
    got = gateway.frontend(project_id)["project"]["timeline_draft"]
    assert any(t["tt"] == 7 for t in got["t"]), got
    # A session made on the skills' API with an anonymous token is a project for the CLI.
    anonymous = EngineUser.create(http)
    made = anonymous.new_session()
    task_id = data_of(anonymous.get(f"/api/state/nemo_agent/me/{made}/latest"))["task_id"]
    other = Cli(cli.binary, anonymous.token, cli.home, cli.engine)
    assert task_id in other("project", "list").stdout
    chat = other("chat", task_id, "-p", "generate a 2-second video of rain")
    assert "✓ Done!" in chat.stdout
    assert anonymous.state(made)["state"]["draft"]["d"] == 2000


def test_a_refused_key_fails_with_the_clis_auth_message_and_never_shows_the_key(
    cli: Cli,
) -> None:
    refused = Cli(cli.binary, "sk_not_a_nemovideo_key_42", cli.home, cli.engine)
    answer = refused("credits", ok=False)
    assert answer.returncode == 1
    assert "Authentication failed. Run `nemovideo setup`" in answer.stdout + answer.stderr
    assert "sk_not_a_nemovideo_key_42" not in answer.stdout + answer.stderr
