"""The three render-status shapes of SPEC 7, normalised into one RenderStatus."""

from __future__ import annotations

import pytest

from nemo_tui.api.errors import ServerError
from nemo_tui.api.render_status import normalize_render_status


def test_shape_one_the_engine_s() -> None:
    status = normalize_render_status(
        {
            "id": "render_1",
            "status": "completed",
            "progress": 100,
            "output": {"url": "http://h/x.mp4", "duration": 3.0, "size": 1234},
        }
    )
    assert (status.id, status.status, status.progress) == ("render_1", "completed", 100)
    assert status.output is not None and status.output.url == "http://h/x.mp4"
    assert status.output.size == 1234


def test_shape_two_success_wrapper_with_output_url() -> None:
    status = normalize_render_status(
        {
            "success": True,
            "data": {
                "id": "render_2",
                "status": "processing",
                "progress": 42.5,
                "outputUrl": None,
                "createdAt": "2025-01-01T00:00:00Z",
            },
        }
    )
    assert (status.id, status.status, status.progress, status.output) == (
        "render_2",
        "processing",
        42.5,
        None,
    )
    done = normalize_render_status(
        {"success": True, "data": {"id": "r", "status": "completed", "outputUrl": "https://c/x"}}
    )
    assert done.output is not None and done.output.url == "https://c/x"


def test_shape_three_render_id_and_error() -> None:
    status = normalize_render_status(
        {"render_id": "render_3", "status": "failed", "output": {}, "error": "ffmpeg exited 1"}
    )
    assert (status.id, status.status, status.error) == ("render_3", "failed", "ffmpeg exited 1")


def test_other_status_words_and_a_missing_id() -> None:
    status = normalize_render_status({"status": "queued"}, render_id="render_4")
    assert (status.id, status.status, status.progress) == ("render_4", "pending", 0)


@pytest.mark.parametrize(
    "payload",
    [{"id": "x", "status": "exploded"}, {"status": "pending"}, ["not", "an", "object"]],
)
def test_unusable_answers_are_server_errors_with_one_line(payload: object) -> None:
    with pytest.raises(ServerError) as caught:
        normalize_render_status(payload)
    assert "\n" not in str(caught.value)
