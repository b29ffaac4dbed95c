"""The client against a hostile server of our own (tests/hardening/hostile_server.py), through
`nemo-tui run` as a person runs it (`cli.main`, in this process): whatever the server sends, paths
stay in the download folder, the terminal gets no control sequences, downloads stop at the
announced size and are never expanded, answers are bounded in size and depth, and the token it
echoes is printed and stored nowhere.
"""

from __future__ import annotations

import gzip
import json
import tracemalloc
import zlib
from pathlib import Path

import pytest
from starlette.responses import Response

from nemo_tui.cli import main
from tests.hardening.hostile_server import HostileServer, hostile_server, streaming

# Window title, OSC 52 clipboard write ended by ESC-backslash, screen wipe, an 8-bit CSI, a bell.
HOSTILE = "\x1b]0;pwned\x07\x1b]52;c;cm0gLXJmIH4=\x1b\\\x1b[2J\x1b[H\x9b31m\x07"
CONTROL_CHARS = ("\x1b", "\x9b", "\x9d", "\x07", "\x08", "\r", "\x00")


@pytest.fixture
def run_in(app_dirs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    """`nemo-tui run --api URL ARGS` in a fresh working folder: (exit code, stdout, stderr)."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)

    def run(server: HostileServer, *args: str) -> tuple[int, str, str]:
        code = main(["run", "--api", server.base_url, *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_a_render_id_with_dot_dots_saves_inside_the_download_folder(run_in, tmp_path: Path) -> None:
    with hostile_server(HostileServer(render_id="x/../../../escaped")) as server:
        code, _, err = run_in(server, "--say", "export")
    assert code == 0, err
    saved = sorted((tmp_path / "work" / "nemo-exports").iterdir())
    assert [path.suffix for path in saved] == [".mp4"] and "escaped" in saved[0].name
    assert saved[0].read_bytes() == server.file_bytes
    outside = [p for p in tmp_path.rglob("*escaped*") if p.parent != saved[0].parent]
    assert outside == []
    # The id is sent as one path segment, never as a route to climb with.
    polled = [path for method, path, _ in server.requests if "/lambda/" in path]
    assert polled and set(polled) == {"/api/render/proxy/lambda/x%2F..%2F..%2F..%2Fescaped"}


def test_control_sequences_from_the_server_never_reach_stdout_or_stderr(run_in) -> None:
    server = HostileServer(
        agent_texts=[f"Here {HOSTILE}is", " your video.\x1b]0;t"],
        render_error=f"bad {HOSTILE}draft",
    )
    server.draft["t"][0]["name"] = f"Video{HOSTILE}"
    with hostile_server(server) as server:
        code, out, err = run_in(server, "--say", "make it nice", "--say", "export")
    assert "Here is your video." in out
    assert "failed: bad draft" in err
    for char in CONTROL_CHARS:
        assert char not in out and char not in err, repr(char)
    assert code == 0


def test_a_download_stops_at_the_announced_size(run_in, tmp_path: Path) -> None:
    server = HostileServer(file_bytes=b"\x01" * 1024)
    # 64 MB sent in chunks with no length: only the render status said how big the file is.
    server.routes["/file.mp4"] = streaming(b"\x01" * 65536, 1024)
    with hostile_server(server) as server:
        code, _, err = run_in(server, "--say", "export")
    assert code == 0, err
    [saved] = (tmp_path / "work" / "nemo-exports").iterdir()
    assert saved.stat().st_size == 1024


def test_a_compressed_download_is_never_expanded(run_in, tmp_path: Path) -> None:
    expanded = b"\x00" * (8 * 1024 * 1024)
    server = HostileServer(file_bytes=expanded)
    server.routes["/file.mp4"] = lambda request: Response(
        gzip.compress(expanded), headers={"Content-Encoding": "gzip"}, media_type="video/mp4"
    )
    with hostile_server(server) as server:
        code, _, err = run_in(server, "--say", "export")
    assert code == 1 and "encoded as 'gzip'" in err and len(err.strip().splitlines()) <= 3
    downloads = [encoding for _, path, encoding in server.requests if path == "/file.mp4"]
    assert downloads and set(downloads) == {"identity"}
    folder = tmp_path / "work" / "nemo-exports"
    assert not folder.exists() or all(p.stat().st_size < len(expanded) for p in folder.iterdir())


def gzip_bomb(expanded_mb: int) -> bytes:
    """A gzip body of spaces that expands to `expanded_mb` MB (about 1000:1)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b" " * (1024 * 1024)
    return b"".join(packer.compress(block) for _ in range(expanded_mb)) + packer.flush()


def test_a_gzip_bomb_answer_is_cut_at_the_size_limit(run_in) -> None:
    bomb = gzip_bomb(512)
    server = HostileServer()
    server.routes["/api/credits/balance/simple"] = lambda request: Response(
        bomb, headers={"Content-Encoding": "gzip"}, media_type="application/json"
    )
    tracemalloc.start()
    try:
        with hostile_server(server) as server:
            code, _, err = run_in(server, "--say", "hello")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 1 and "answer size limit" in err
    assert peak < 128 * 1024 * 1024, f"{peak / 1e6:.0f} MB held for a {len(bomb)} byte answer"


def test_json_nested_a_thousand_deep_is_our_own_error(run_in) -> None:
    server = HostileServer()
    deep = "[" * 1000 + "]" * 1000
    server.routes["/api/credits/balance/simple"] = lambda request: Response(
        f'{{"code": 0, "message": "ok", "data": {deep}}}', media_type="application/json"
    )
    with hostile_server(server) as server:
        code, _, err = run_in(server, "--say", "hello")
    assert code == 1, err  # not 70, the exit code of a bug
    assert "JSON depth" in err and "bug" not in err


def test_a_token_the_server_echoes_is_printed_and_stored_nowhere(run_in, app_dirs: Path) -> None:
    server = HostileServer()
    token = server.token
    server.agent_texts = [f"Your token is {token} ", "keep it."]
    server.render_error = f"token {token} refused"
    server.draft["t"][0]["sg"][0]["m"]["name"] = token
    server.routes["/api/tasks/me/with-session/nemo_agent"] = lambda request: Response(
        json.dumps({"code": 4000, "message": f"bad token {token}", "data": None}), status_code=400
    )
    with hostile_server(server) as server:
        code, out, err = run_in(server, "--say", "hi")
    assert code == 1 and "bad token" in err
    assert token not in out + err

    server.routes.clear()
    with hostile_server(server) as server:
        code, out, err = run_in(server, "--say", "hi", "--say", "export")
    assert "Your token is" in out and "failed" in err
    assert token not in out + err
    state_files = [p for p in (app_dirs / "state").rglob("*") if p.is_file()]
    assert state_files, "the run saved no state"
    for path in state_files:
        assert token not in path.read_text(errors="replace"), path


def test_a_token_echoed_across_several_events_is_never_shown_in_part(run_in) -> None:
    server = HostileServer()
    token = server.token
    pieces = [token[i : i + 3] for i in range(0, len(token), 3)]
    server.agent_texts = ["Your token is ", *pieces, " and that is all."]
    with hostile_server(server) as server:
        code, out, err = run_in(server, "--say", "hi")
    assert code == 0, err
    assert "Your token is [token] and that is all." in out
    # Not even its first characters were printed before the rest arrived.
    assert token[:6] not in out


@pytest.mark.parametrize("where", ["render id", "session id"])
def test_an_id_that_echoes_the_token_is_refused_and_never_stored(
    run_in, app_dirs: Path, tmp_path: Path, where: str
) -> None:
    server = HostileServer()
    token = server.token
    if where == "render id":
        server.render_id = f"r-{token}"
    else:
        server.routes["/api/tasks/me/with-session/nemo_agent"] = lambda request: Response(
            json.dumps({"code": 0, "message": "ok", "data": {"task_id": "t", "session_id": token}}),
            media_type="application/json",
        )
    with hostile_server(server) as server:
        code, out, err = run_in(server, "--say", "export")
    assert code == 1 and "holding the token" in err
    assert token not in out + err
    for path in [*(app_dirs / "state").rglob("*"), *(tmp_path / "work").rglob("*")]:
        assert token not in path.name
        if path.is_file():
            assert token not in path.read_text(errors="replace"), path
