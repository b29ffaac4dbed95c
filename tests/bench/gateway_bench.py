"""Gateway benchmark: the same chat turn over the gateway's WebSocket (`/ws/chat`, dialect B) and
over the skills' `/run_sse` (ADK events), on one in-process engine, for the same key; and the
project list (`GET /projects`) of a user with many projects. Both transports run the same turn, so
the difference is the transport's own cost (translation, framing).

Run on demand: `.venv/bin/python tests/bench/gateway_bench.py [--turns 20] [--projects 500]`.
Prints a table of medians and 90th percentiles (wall time, milliseconds).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

from nemo_tui.engine.http.server import start_in_process
from nemo_tui.engine.settings import EngineSettings

MESSAGE = "what can you do"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def socket_turns(base: str, key: str, session_id: str, turns: int) -> list[float]:
    url = f"{base.replace('http://', 'ws://')}/ws/chat?token={key}&session_id={session_id}"
    times = []
    async with connect(url) as socket:
        await socket.recv()
        for _ in range(turns):
            started = time.perf_counter()
            await socket.send(json.dumps({"type": "message", "content": MESSAGE, "metadata": {}}))
            while json.loads(await socket.recv())["type"] != "done":
                pass
            times.append(time.perf_counter() - started)
    return times


def sse_turns(http: httpx.Client, key: str, session_id: str, turns: int) -> list[float]:
    body = {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": session_id,
        "new_message": {"role": "user", "parts": [{"text": MESSAGE}]},
        "streaming": True,
    }
    headers = {"Authorization": f"Bearer {key}", "Accept": "text/event-stream"}
    times = []
    for _ in range(turns):
        started = time.perf_counter()
        with http.stream("POST", "/run_sse", json=body, headers=headers) as response:
            for _line in response.iter_lines():
                pass
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--projects", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = EngineSettings(data_dir=Path(folder), chunk_delay=0.0, silent_share=0.0)
        with (
            start_in_process(settings) as engine,
            httpx.Client(base_url=engine.base_url, trust_env=False, timeout=60) as http,
        ):
            key = f"nmv_usr_bench_{uuid.uuid4().hex}"
            auth = {"Authorization": f"Bearer {key}"}

            def new_project() -> str:
                answer = http.post("/projects", json={"create_session": True}, headers=auth)
                return str(answer.json()["data"]["session"]["session_id"])

            ws = asyncio.run(socket_turns(engine.base_url, key, new_project(), args.turns))
            sse = sse_turns(http, key, new_project(), args.turns)
            for _ in range(args.projects - 2):
                new_project()
            listing = []
            for _ in range(args.turns):
                started = time.perf_counter()
                count = http.get("/projects", headers=auth).json()["data"]["count"]
                listing.append(time.perf_counter() - started)
    rows = [
        (f"chat turn over /ws/chat ({args.turns})", ws),
        (f"chat turn over /run_sse ({args.turns})", sse),
        (f"GET /projects, {count} projects ({args.turns})", listing),
    ]
    print(f"{'what':<44} {'median ms':>10} {'p90 ms':>8}")
    for name, values in rows:
        median, p90 = statistics.median(values) * 1000, percentile(values, 0.9) * 1000
        print(f"{name:<44} {median:>10.1f} {p90:>8.1f}")


if __name__ == "__main__":
    main()
