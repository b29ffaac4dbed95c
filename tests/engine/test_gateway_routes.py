"""The gateway's HTTP routes (SPEC 11, GATEWAY.md E2-E12) over real loopback: API keys, balance and
the usage ledger, projects, the frontend state, one-file uploads, the render proxy with its
key-free `outputUrl`, and a project being a session that the skills' API continues."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from nemo_tui.engine.http.server import RunningEngine
from tests.engine.gateway_helpers import KeyUser, new_key
from tests.engine.helpers import EngineUser, data_of, envelope_error, files_under
from tests.engine.test_renders import slideshow
from tests.support import engine_env, free_port, mp4_facts


@pytest.fixture
def engine(start_engine: Callable[..., RunningEngine]) -> RunningEngine:
    return start_engine()


@pytest.fixture
def http(engine: RunningEngine) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=engine.base_url, trust_env=False, timeout=60) as client:
        yield client


@pytest.fixture
def user(http: httpx.Client) -> KeyUser:
    return KeyUser(http, new_key())


def test_a_new_key_on_loopback_is_a_user_with_100_credits_and_a_welcome_grant(
    user: KeyUser,
) -> None:
    verified = data_of(user.post("/auth/verify", json={"token": user.key}))
    assert verified["user_id"].startswith("usr_") and verified["balance"] == 100
    assert user.balance() == {
        "available": 100,
        "frozen": 0,
        "total_granted": 100,
        "total_consumed": 0,
    }
    usage = data_of(user.get("/billing/usage/conversations"))
    assert usage["items"] == [
        {
            "id": usage["items"][0]["id"],
            "kind": "grant",
            "amount_delta": 100,
            "created_at": usage["items"][0]["created_at"],
            "conversation": None,
            "grant": {"source": "welcome"},
        }
    ]
    # The same key later is the same user, with the same (single) grant.
    assert data_of(user.post("/auth/verify", json={"token": user.key})) == verified


def test_a_missing_or_refused_key_is_401_with_a_message_that_never_repeats_it(
    http: httpx.Client, start_engine: Callable[..., RunningEngine], tmp_path: Path
) -> None:
    missing = http.get("/billing/balance")
    assert missing.status_code == 401
    assert envelope_error(missing) == (1010, "missing API key: send 'Authorization: Bearer <key>'")
    not_a_key = KeyUser(http, "sk-something-else")
    answer = not_a_key.get("/projects")
    assert answer.status_code == 401
    assert "sk-something" not in answer.text
    # An engine with an access key (one that may listen beyond loopback) takes only given keys.
    given = new_key()
    guarded = start_engine(access_key="door", api_keys=[given], data_dir=tmp_path / "guarded")
    with httpx.Client(base_url=guarded.base_url, trust_env=False) as other:
        assert KeyUser(other, given).balance()["available"] == 100
        stranger = KeyUser(other, new_key())
        assert stranger.get("/billing/balance").status_code == 401
        verify = stranger.post("/auth/verify", json={"token": stranger.key})
        assert verify.status_code == 401
        assert stranger.key not in verify.text


def test_projects_are_listed_newest_first_with_their_session_and_only_to_their_owner(
    http: httpx.Client, user: KeyUser
) -> None:
    first, first_session = user.new_project()
    second, second_session = user.new_project()
    listed = data_of(user.get("/projects"))
    assert [p["project_id"] for p in listed["projects"]] == [second, first]
    assert listed["count"] == 2
    project = data_of(user.get(f"/projects/{first}"))
    assert project["project_id"] == first and project["name"] == "project"
    for stamp in (project["created_at"], project["updated_at"]):
        assert abs(datetime.fromisoformat(stamp).timestamp() - time.time()) < 60
    sessions = data_of(user.get(f"/projects/{second}/sessions"))["sessions"]
    assert [s["session_id"] for s in sessions] == [second_session]
    assert sessions[0]["project_id"] == second and sessions[0]["status"] == "active"
    stranger = KeyUser(http, new_key())
    assert data_of(stranger.get("/projects")) == {"projects": [], "count": 0}
    for path in (
        f"/projects/{first}",
        f"/projects/{first}/sessions",
        f"/api/v1/state/frontend/{first}",
        f"/services/v1/render-proxy/{first}/download",
        "/projects/task_unknown",
        "/projects/task%0Abad%1B[31m" + "x" * 500,
    ):
        answer = stranger.get(path)
        assert answer.status_code == 404, path
        assert "not found for this API key" in envelope_error(answer)[1]
    assert first_session != second_session


def test_one_file_then_the_session_id_is_an_upload_and_a_refused_one_leaves_nothing(
    user: KeyUser, http: httpx.Client, media_dir: Path, data_dir: Path
) -> None:
    project_id, session_id = user.new_project()
    assert user.frontend(project_id)["project"] == {}
    uploaded = user.upload(session_id, media_dir / "photo1.jpg", "image/jpeg")
    assert uploaded["filename"] == "photo1.jpg" and uploaded["file_id"].startswith("m_")
    state = user.frontend(project_id)
    (image,) = state["project"]["files:image"]
    assert image["filename"] == "photo1.jpg"
    assert image["s3_key"].startswith("/mnt/userdata/") and image["cdn_url"]
    # Files but no segment yet: no draft to export (a blank one would look exportable in JS).
    assert "timeline_draft" not in state["project"]
    stored = files_under(data_dir / "media")
    other_session = KeyUser(http, new_key()).new_project()[1]
    with (media_dir / "clip.mp4").open("rb") as handle:
        refused = user.post(
            "/files/upload",
            files=[("file", ("clip.mp4", handle, "video/mp4"))],
            data={"session_id": other_session},
        )
    assert refused.status_code == 404
    assert envelope_error(refused)[0] == 1002
    with (media_dir / "clip.mp4").open("rb") as handle:
        no_session = user.post("/files/upload", files=[("file", ("clip.mp4", handle, "video/mp4"))])
    assert no_session.status_code == 422
    assert "session_id" in envelope_error(no_session)[1]
    unsupported = user.post(
        "/files/upload",
        files=[("file", ("notes.txt", b"hello", "text/plain"))],
        data={"session_id": session_id},
    )
    assert envelope_error(unsupported)[0] == 4001
    assert files_under(data_dir / "media") == stored


def test_an_export_keeps_the_clients_id_and_its_output_url_works_without_the_key(
    user: KeyUser, media_dir: Path, tmp_path: Path
) -> None:
    project_id, session_id = user.new_project()
    for name in ("photo1.jpg", "photo2.jpg"):
        user.upload(session_id, media_dir / name, "image/jpeg")
    before = data_of(user.get(f"/services/v1/render-proxy/{project_id}/download"))
    assert before == {"output": None}
    as_skills = EngineUser(user.http, token=user.key, user_id="")
    as_skills.chat(session_id, "turn these photos into a 4-second video")
    status = user.export(project_id, session_id)
    assert status["status"] == "completed" and status["progress"] == 100
    assert status["id"].startswith("draft-cli-")
    url = status["outputUrl"]
    assert status["output"]["url"] == url and "sig=" in url
    # A bare fetch, as the CLI does: no key, no attribution headers.
    video = httpx.get(url, trust_env=False)
    assert video.status_code == 200
    assert video.headers["content-type"] == "video/mp4"
    path = tmp_path / "out.mp4"
    path.write_bytes(video.content)
    facts = mp4_facts(path)
    assert facts.video_codec == "h264" and facts.height == 180
    assert facts.duration == pytest.approx(4.0, abs=0.2)
    latest = data_of(user.get(f"/services/v1/render-proxy/{project_id}/download"))["output"]
    assert latest["size"] == len(video.content)
    assert httpx.get(latest["url"], trust_env=False).content == video.content
    tampered = url[:-1] + ("0" if url[-1] != "0" else "1")
    forever = re.sub(r"expires=\d+", "expires=" + "9" * 5000, url)
    for bad in (tampered, forever, url.replace("expires=", "expires=²"), url.split("?")[0]):
        refused = httpx.get(bad, trust_env=False)
        assert refused.status_code == 404, bad
        assert "unknown or expired" in envelope_error(refused)[1]


@pytest.mark.slow
def test_a_download_link_expires(
    start_engine: Callable[..., RunningEngine], media_dir: Path
) -> None:
    engine = start_engine(download_link_seconds=3)
    with httpx.Client(base_url=engine.base_url, trust_env=False, timeout=60) as http:
        user = KeyUser(http, new_key())
        project_id, session_id = user.new_project()
        user.upload(session_id, media_dir / "photo1.jpg", "image/jpeg")
        EngineUser(http, token=user.key, user_id="").chat(
            session_id, "turn these photos into a 2-second video"
        )
        url = user.export(project_id, session_id)["outputUrl"]
        assert httpx.get(url, trust_env=False).status_code == 200
        expires = int(parse_qs(urlsplit(url).query)["expires"][0])
        time.sleep(max(0.0, expires - time.time()) + 1.1)
        assert httpx.get(url, trust_env=False).status_code == 404


def test_usage_history_pages_and_filters_by_utc_dates(user: KeyUser) -> None:
    project_id, session_id = user.new_project()
    as_skills = EngineUser(user.http, token=user.key, user_id="")
    for message in ("hello", "generate a 2-second video of rain", "what can you do"):
        as_skills.chat(session_id, message)
    first = data_of(user.get("/billing/usage/conversations", params={"page_size": 2}))
    assert (first["total"], first["total_pages"], first["has_next"], first["page_no"]) == (
        4,
        2,
        True,
        1,
    )
    second = data_of(
        user.get("/billing/usage/conversations", params={"page_size": 2, "page_no": 2})
    )
    assert second["has_next"] is False
    items = first["items"] + second["items"]
    assert [item["kind"] for item in items] == ["conversation"] * 3 + ["grant"]
    generate = items[1]
    assert generate["amount_delta"] == -2
    conversation = generate["conversation"]
    assert conversation["project_id"] == project_id
    assert conversation["session_id"] == session_id
    assert conversation["user_message"] == "generate a 2-second video of rain"
    assert conversation["tool_breakdown"] == [{"tool_key": "generate_video"}]
    assert user.balance()["total_consumed"] == 2
    today = datetime.now(UTC).date()
    tomorrow = (today + timedelta(days=1)).isoformat()
    yesterday = (today - timedelta(days=1)).isoformat()
    for window in ({"start_date": tomorrow}, {"end_date": yesterday}):
        empty = data_of(user.get("/billing/usage/conversations", params=window))
        assert empty["items"] == [] and empty["total"] == 0
    whole_day = {"start_date": today.isoformat(), "end_date": today.isoformat()}
    assert data_of(user.get("/billing/usage/conversations", params=whole_day))["total"] == 4
    for bad in ({"page_size": 101}, {"page_no": "²"}, {"page_no": "9" * 5000}, {"start_date": "x"}):
        refused = user.get("/billing/usage/conversations", params=bad)
        assert refused.status_code == 422, bad


def test_a_project_is_a_session_and_a_session_is_a_project(
    user: KeyUser, http: httpx.Client
) -> None:
    project_id, session_id = user.new_project()
    as_skills = EngineUser(http, token=user.key, user_id="")
    assert as_skills.state(session_id)["task_id"] == project_id
    # An anonymous token of the skills' API is a key to the gateway, and its sessions projects.
    anonymous = EngineUser.create(http)
    made = anonymous.new_session()
    as_gateway = KeyUser(http, anonymous.token)
    (listed,) = data_of(as_gateway.get("/projects"))["projects"]
    sessions = data_of(as_gateway.get(f"/projects/{listed['project_id']}/sessions"))["sessions"]
    assert sessions[0]["session_id"] == made


def test_serve_beyond_loopback_takes_only_the_api_keys_it_was_given(tmp_path: Path) -> None:
    port, given = free_port(), new_key()
    command = [sys.executable, "-m", "nemo_tui", "serve", "--data", str(tmp_path / "data"),
               "--host", "0.0.0.0", "--port", str(port), "--access-key", "door",
               "--api-key", given]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=engine_env()
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("nemo-tui engine listening on")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False) as http:
            assert KeyUser(http, given).balance()["available"] == 100
            assert KeyUser(http, new_key()).get("/billing/balance").status_code == 401
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    assert given not in out + err


def test_a_render_cancelled_under_the_gateway_prefix_is_cancelled_and_never_downloadable(
    start_engine: Callable[..., RunningEngine], media_dir: Path
) -> None:
    engine = start_engine(render_preset="veryslow")
    with httpx.Client(base_url=engine.base_url, trust_env=False, timeout=60) as http:
        user = KeyUser(http, new_key())
        project_id, session_id = user.new_project()
        ids = [
            user.upload(session_id, media_dir / name, "image/jpeg")["file_id"]
            for name in ("photo1.jpg", "photo2.jpg")
        ]
        render_id = f"draft-cli-{int(time.time() * 1000)}"
        body = {
            "id": render_id,
            "draft": slideshow(ids, 60.0, "zoom_in"),
            "sessionId": session_id,
            "output": {"format": "mp4", "codec": "h264", "crf": 23, "height": 720},
        }
        data_of(user.post("/services/v1/render-proxy/lambda", json=body))
        poll = f"/services/v1/render-proxy/lambda/{render_id}"
        deadline = time.monotonic() + 60
        while data_of(user.get(poll))["status"] == "pending":
            assert time.monotonic() < deadline, "the render never started"
            time.sleep(0.05)
        cancelled = data_of(user.post(f"{poll}/cancel"))
        assert (cancelled["id"], cancelled["status"]) == (render_id, "cancelled")
        assert "outputUrl" not in cancelled
        assert data_of(user.get(poll))["status"] == "cancelled"
        latest = data_of(user.get(f"/services/v1/render-proxy/{project_id}/download"))
        assert latest == {"output": None}
        stranger = KeyUser(http, new_key())
        assert stranger.post(f"{poll}/cancel").status_code == 404
