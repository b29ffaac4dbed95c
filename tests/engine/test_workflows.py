"""The five skills of SPEC 9, each from upload to a downloaded MP4, over HTTP as a client does it:
session, upload, the skill's typical request over /run_sse, state, export, poll, download, and
the file opened with PyAV."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from nemo_tui.skills import SKILLS_BY_ID
from tests.support import mp4_facts

from .helpers import EngineUser

pytestmark = pytest.mark.slow

OUTPUT_SHORT_SIDE = 180


@dataclass(frozen=True)
class Workflow:
    skill: str
    files: tuple[str, ...]
    has_audio: bool


WORKFLOWS = (
    Workflow(
        "create-a-video-using-ai",
        ("photo1.jpg", "photo2.jpg", "photo3.jpg", "photo4.jpg", "photo5.jpg", "music.mp3"),
        has_audio=True,
    ),
    Workflow("ai-video-maker-sora", (), has_audio=False),
    Workflow(
        "image-no-generator",
        ("photo1.jpg", "photo2.jpg", "photo3.jpg", "photo4.jpg"),
        has_audio=False,
    ),
    Workflow(
        "ai-video-maker-gratis",
        ("photo1.jpg", "photo2.jpg", "clip.mp4", "logo.png", "music.mp3"),
        has_audio=True,
    ),
    Workflow("image-to-video-by-prompt", ("photo1.jpg",), has_audio=False),
)


def expected_size(width: int, height: int) -> tuple[int, int]:
    """The output frame for a canvas when the export asks for a 180-pixel short side."""
    if width >= height:
        return round(OUTPUT_SHORT_SIDE * width / height / 2) * 2, OUTPUT_SHORT_SIDE
    return OUTPUT_SHORT_SIDE, round(OUTPUT_SHORT_SIDE * height / width / 2) * 2


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda workflow: workflow.skill)
def test_skill_from_upload_to_downloaded_mp4(
    http: httpx.Client, workflow: Workflow, media_dir: Path, tmp_path: Path
) -> None:
    user = EngineUser.create(http, skill=workflow.skill)
    session_id = user.new_session()
    if workflow.files:
        uploaded = user.upload(session_id, [media_dir / name for name in workflow.files])
        assert [file["filename"] for file in uploaded] == list(workflow.files)
    turn = user.chat(session_id, SKILLS_BY_ID[workflow.skill].typical_request)
    assert not turn.errors, turn.errors
    # A skill's typical request is acted on at once: never a question (SPEC 4.4).
    assert not [c for c in turn.parts_with("functionCall") if c["name"] == "ask_question"]
    reply = turn.text
    assert reply and turn.parts_with("functionCall")
    state = user.state(session_id)["state"]
    draft = state["draft"]
    assert any(track["sg"] for track in draft["t"]), draft

    status = user.wait_render(user.export(session_id, draft, height=OUTPUT_SHORT_SIDE))
    assert status["status"] == "completed", status
    video = user.download(status["output"]["url"], tmp_path / f"{workflow.skill}.mp4")
    facts = mp4_facts(video)
    assert facts.video_codec == "h264"
    canvas = state["canvas_config"]
    assert (facts.width, facts.height) == expected_size(canvas["width"], canvas["height"])
    assert facts.duration == pytest.approx(draft["d"] / 1000, abs=0.2)
    if workflow.has_audio:
        assert facts.audio_codec == "aac"
