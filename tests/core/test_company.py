"""The controller when calls overlap: a retry cut short can be tried again, and callers that
need a session at the same moment share one."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

from nemo_tui.core.updates import Notice, Update
from nemo_tui.engine.http.server import RunningEngine
from tests.engine import phone_media
from tests.support import controller_for, engine_store, of_type

# The first render fails; the second submission (the retry) is answered seconds late.
FAILED_THEN_SLOW = json.dumps(
    [
        {
            "path": "/api/render/proxy/lambda/*",
            "method": "GET",
            "body": json.dumps({"status": "failed", "error": "injected: a chunk died"}),
        },
        {"path": "/api/render/proxy/lambda", "method": "POST", "skip": 1, "delay": 3.0},
    ]
)


async def test_a_retry_cancelled_before_it_reached_the_engine_can_be_retried(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, media_dir: Path
) -> None:
    engine = start_engine(faults=FAILED_THEN_SLOW)
    updates: list[Update] = []
    controller = controller_for(engine.base_url, app_dirs, updates)
    await controller.start()
    await controller.upload([media_dir / "photo1.jpg"])
    await controller.say("animate this image into a 1-second video")
    failed_id = await controller.submit_export()
    assert failed_id is not None
    assert await controller.follow_render(failed_id) is None  # the injected failure

    cut_short = asyncio.create_task(controller.retry_render(failed_id))
    await asyncio.sleep(1.0)  # its submission is on its way, answered late
    assert not cut_short.done()
    cut_short.cancel()
    await asyncio.gather(cut_short, return_exceptions=True)
    record = controller.find_render(failed_id)
    assert record is not None and not record.retried

    new_id = await controller.retry_render(failed_id)
    assert new_id is not None and new_id != failed_id
    assert (await controller.follow_render(new_id)) is not None
    record = controller.find_render(failed_id)
    assert record is not None and record.retried
    await controller.aclose()


async def test_callers_needing_a_session_at_once_share_one(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, media_dir: Path
) -> None:
    engine = start_engine()
    controller = controller_for(engine.base_url, app_dirs, [])
    await controller.identify()
    await controller._client.ensure_token()
    await asyncio.gather(
        controller.upload([media_dir / "photo1.jpg"]),
        controller.upload([media_dir / "photo2.jpg"]),
        controller.say("make it vertical 9:16"),
    )
    with engine_store(engine.settings.data_dir) as store:
        sessions = store._db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    assert sessions == 1
    await controller.aclose()


async def test_a_file_cut_short_is_refused_in_the_engines_words_not_as_a_file_type(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, tmp_path: Path
) -> None:
    engine = start_engine()
    updates: list[Update] = []
    controller = controller_for(engine.base_url, app_dirs, updates)
    await controller.start()
    clip = phone_media.truncated_mp4(tmp_path / "holiday.mp4")
    assert await controller.upload([clip]) == 0
    (refusal,) = [u.text for u in of_type(updates, Notice) if "holiday.mp4" in u.text]
    assert "ends early" in refusal and "file type" not in refusal and "Accepted" not in refusal
    await controller.aclose()
