"""The skill chosen in the app is remembered per backend and used at its next start, unless the
person set one (config file, environment, --skill)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemo_tui.config import Settings
from nemo_tui.core.controller import SessionController, with_remembered_skill

LOCAL = "http://127.0.0.1:8765"


@pytest.mark.usefixtures("app_dirs")
def test_a_chosen_skill_comes_back_on_the_same_backend_only(tmp_path: Path) -> None:
    state = tmp_path / "state"
    controller = SessionController(
        Settings(api_base=LOCAL, state_dir=state), lambda update: None, backend_label="local"
    )
    controller.switch_skill("image-no-generator")

    assert with_remembered_skill(Settings(api_base=LOCAL, state_dir=state)).skill == (
        "image-no-generator"
    )
    # Another local port is the same local engine; the cloud is another backend.
    assert with_remembered_skill(
        Settings(api_base="http://127.0.0.1:9", state_dir=state)
    ).skill == ("image-no-generator")
    cloud = Settings(api_base="https://mega-api-prod.nemovideo.ai", state_dir=state)
    assert with_remembered_skill(cloud).skill == "create-a-video-using-ai"
    # A skill the person set wins over the remembered one.
    chosen = Settings(api_base=LOCAL, state_dir=state, skill="ai-video-maker-sora")
    assert with_remembered_skill(chosen).skill == "ai-video-maker-sora"
