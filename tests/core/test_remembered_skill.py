"""The skill chosen in the app is remembered per backend (its identity, SPEC 1: an engine is the
same engine on any port) and used at its next start, unless the person set one (config file,
environment, --skill)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from nemo_tui.config import Settings
from nemo_tui.core.controller import SessionController
from nemo_tui.core.updates import Connection, Update
from nemo_tui.engine.http.server import RunningEngine


async def started(base_url: str, state: Path, **chosen: str) -> tuple[SessionController, str]:
    updates: list[Update] = []
    settings = Settings(api_base=base_url, state_dir=state, state_poll_interval=0.05, **chosen)
    controller = SessionController(settings, updates.append, backend_label="local")
    await controller.start()
    ready = [u for u in updates if isinstance(u, Connection) and u.phase == "ready"]
    assert ready and ready[-1].skill == controller.skill.id  # what the header is told
    return controller, controller.skill.id


async def test_a_chosen_skill_comes_back_on_the_same_backend_only(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, tmp_path: Path
) -> None:
    state = app_dirs / "state"
    engine = start_engine()
    controller, _ = await started(engine.base_url, state)
    controller.switch_skill("image-no-generator")
    await controller.aclose()

    # The same engine (its data, whatever its port) brings the choice back...
    again, skill = await started(engine.base_url, state)
    await again.aclose()
    assert skill == "image-no-generator"
    # ...a skill the person set wins over it...
    chosen, skill = await started(engine.base_url, state, skill="ai-video-maker-sora")
    await chosen.aclose()
    assert skill == "ai-video-maker-sora"
    # ...and another backend has its own memory.
    other = start_engine(data_dir=tmp_path / "other-engine")
    elsewhere, skill = await started(other.base_url, state)
    await elsewhere.aclose()
    assert skill == "nemo-video"
