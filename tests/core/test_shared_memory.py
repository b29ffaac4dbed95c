"""The memory file shared by every process of the app: changes are merged, never overwritten;
a file of the wrong shape is moved aside; a headless run never moves the TUI's session."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from nemo_tui.core.memory import SessionMemory
from nemo_tui.core.persistence import MemoryFile

WRITER = """
import sys
from pathlib import Path
from nemo_tui.core.memory import SessionMemory

state, name, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
memory = SessionMemory(state, "engine-x", owns_last_session=False)
memory.start_session(f"session-{name}", f"task-{name}", "en")
for index in range(count):
    memory.add_render(f"render-{name}-{index}", f"session-{name}")
    memory.remember("user", f"{name} says {index}")
    memory.finish_render(f"render-{name}-{index}", "completed", dest=Path(f"/tmp/{name}{index}"))
"""


def test_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    # 48 finished renders: under the 50 kept, so every one must be there.
    writers, count = 6, 8
    processes = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), f"p{n}", str(count)])
        for n in range(writers)
    ]
    assert [process.wait(timeout=120) for process in processes] == [0] * writers

    memory = MemoryFile(tmp_path, "engine-x").load()
    assert len(memory.renders) == writers * count
    assert all(render.status == "completed" for render in memory.renders)
    for n in range(writers):
        said = [entry.text for entry in memory.history(f"session-p{n}")]
        assert said == [f"p{n} says {index}" for index in range(count)]
    # None of them was a TUI: the last-session pointer was never moved.
    assert memory.session_id is None


def test_a_tui_moves_the_last_session_and_a_run_keeps_its_own(tmp_path: Path) -> None:
    tui = SessionMemory(tmp_path, "engine-x", owns_last_session=True)
    tui.start_session("tui-session", "tui-task", "en")
    tui.remember("user", "from the TUI")
    script = SessionMemory(tmp_path, "engine-x", owns_last_session=False)
    assert script.session_id is None
    script.start_session("run-session", "run-task", "en")
    script.remember("user", "from the script")

    again = SessionMemory(tmp_path, "engine-x", owns_last_session=True)
    assert again.session_id == "tui-session"
    assert [entry.text for entry in again.history] == ["from the TUI"]


def test_a_memory_file_of_the_wrong_shape_is_moved_aside_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "engine-x.json"
    path.write_text(json.dumps({"renders": "not a list", "histories": [1, 2]}))
    memory = SessionMemory(tmp_path, "engine-x", owns_last_session=True)
    problem = memory.take_problem()
    assert problem is not None and "moved it aside" in problem and "\n" not in problem
    (kept,) = tmp_path.glob("engine-x.bad-*.json")
    assert "not a list" in kept.read_text()
    assert memory.session_id is None and memory.renders == []
    memory.start_session("fresh", "task", "en")
    assert MemoryFile(tmp_path, "engine-x").load().session_id == "fresh"
