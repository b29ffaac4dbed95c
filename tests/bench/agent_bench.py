"""Agent benchmark: how fast the local agent reads what people type. Every request of the
understanding corpus (tests/engine/understanding_corpus.py) goes through the intent reader
(`read_request`), and through the whole planner (`plan_turn`: reading, building or editing a copy
of the draft, wording the reply) over the timeline its world implies. Goal: under 5 ms a
message, i.e. over 200 messages a second, on every row. CPU time, so a busy machine counts less.

Run on demand: `.venv/bin/python tests/bench/agent_bench.py [--rounds 5]`. Prints a table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# The corpus is shared with the tests; run as a script, this file sees only its own folder, so
# the repository root goes on the path first.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from nemo_tui.api.draft import Draft
from nemo_tui.engine.agent.intent import read_request
from nemo_tui.engine.agent.planner import plan_turn
from nemo_tui.engine.media.info import MediaInfo
from tests.engine.understanding_corpus import CASES, WORLDS

GOAL_MS = 5.0
KINDS = {"jpg": "image", "png": "image", "gif": "image", "mp4": "video", "mp3": "audio"}
KINDS["m4a"] = "audio"


def media_of(names: tuple[str, ...]) -> list[MediaInfo]:
    """Stand-ins for the uploads (no file is read: the agent does no I/O)."""
    found = []
    for index, name in enumerate(names):
        kind = KINDS[name.rsplit(".", 1)[1]]
        seconds = {"image": 0.0, "video": 3.0, "audio": 8.0}[kind]
        found.append(
            MediaInfo(f"m{index}", name, Path(name), kind, seconds, 480, 320, 30.0, True, 1)
        )
    return found


def worlds() -> dict[str, tuple[Draft, list[MediaInfo], str]]:
    """Each world's timeline, made by planning its given messages."""
    made = {}
    for name, world in WORLDS.items():
        media = media_of(world.media)
        draft = Draft.blank()
        for message in world.given:
            draft = plan_turn(message, draft, media, world.language).draft
        made[name] = (draft, media, world.language)
    return made


def per_message_ms(work: Callable[[], None], count: int, rounds: int) -> tuple[float, float]:
    """(median, worst) CPU ms a message over `rounds` passes through the corpus."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        work()
        times.append((time.process_time() - start) * 1000 / count)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    made = worlds()
    messages = [case.message for case in CASES]

    def read_all() -> None:
        for message in messages:
            read_request(message)

    def plan_all() -> None:
        for case in CASES:
            draft, media, language = made[case.world]
            plan_turn(case.message, draft, media, language)

    read_all()  # compile the patterns once, as a running engine has
    rows = [
        ("intent reader (read_request)", per_message_ms(read_all, len(messages), rounds)),
        ("whole plan (plan_turn)", per_message_ms(plan_all, len(CASES), rounds)),
    ]
    slowest = max(messages, key=lambda m: _time_one(m))
    print(f"{len(messages)} requests of the understanding corpus, {rounds} rounds, CPU time")
    print(f"{'path':32} {'messages/s':>11} {'ms/message':>11} {'worst round':>12} {'goal':>8}")
    for name, (median, worst) in rows:
        verdict = "ok" if worst < GOAL_MS else "MISSED"
        print(f"{name:32} {1000 / median:11.0f} {median:11.3f} {worst:12.3f} {verdict:>8}")
    print(f"slowest single message to read: {_time_one(slowest):.3f} ms: {slowest[:60]!r}")


def _time_one(message: str, repeat: int = 20) -> float:
    start = time.process_time()
    for _ in range(repeat):
        read_request(message)
    return (time.process_time() - start) * 1000 / repeat


if __name__ == "__main__":
    main()
