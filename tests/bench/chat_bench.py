"""Chat transport benchmark: the same turns on one local engine over the skills' API (`/run_sse`,
an anonymous token) and over the gateway (`/ws/chat`, an API key), by the same client code.

Run on demand: `.venv/bin/python tests/bench/chat_bench.py [--turns 20]`. Prints a table: time to
the first text and to the turn's end (median and worst, ms), and the client's CPU time per turn.
The goal is that the gateway costs about what SSE does (a ratio near 1, measured in the same run):
a turn's time is the engine's, not the transport's. The engine runs in its own process, with no
pacing between chunks, so its CPU is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nemo_tui.api.client import NemoClient  # noqa: E402
from nemo_tui.api.gateway import GatewayClient  # noqa: E402
from nemo_tui.api.sse import TextDelta  # noqa: E402
from nemo_tui.api.transport import MemoryCredentials  # noqa: E402
from tests.bench.upload_bench import engine_process  # noqa: E402

MESSAGES = ("add a title 'Bench' for 2 seconds", "make it vertical 9:16", "make it square")


async def run_turns(client: NemoClient, turns: int) -> tuple[list[float], list[float], float]:
    """(first text times, turn times, client CPU seconds) for `turns` turns in one session."""
    session = await client.create_session()
    firsts: list[float] = []
    totals: list[float] = []
    cpu_before = time.process_time()
    for index in range(turns):
        started = time.perf_counter()
        first: float | None = None
        async with client.run_sse(session.session_id, MESSAGES[index % len(MESSAGES)]) as events:
            async for event in events:
                if first is None and isinstance(event, TextDelta):
                    first = time.perf_counter() - started
        totals.append(time.perf_counter() - started)
        firsts.append(first if first is not None else totals[-1])
    return firsts, totals, time.process_time() - cpu_before


def row(name: str, firsts: list[float], totals: list[float], cpu: float, turns: int) -> str:
    def ms(value: float) -> str:
        return f"{value * 1000:8.1f}"

    return (
        f"| {name:<22} | {ms(statistics.median(firsts))} | {ms(max(firsts))} "
        f"| {ms(statistics.median(totals))} | {ms(max(totals))} | {ms(cpu / turns)} |"
    )


async def bench(base: str, turns: int) -> None:
    async with NemoClient(base, credentials=MemoryCredentials()) as skills:
        sse = await run_turns(skills, turns)
    key = f"nmv_usr_bench_{uuid.uuid4().hex}"
    async with GatewayClient(base, api_key=key) as gateway:
        ws = await run_turns(gateway, turns)
    print(f"{turns} turns each, one engine process (chunk delay 0)")
    print("| transport              | first ms | worst ms | turn ms  | worst ms | cpu ms/turn |")
    print("|---|---|---|---|---|---|")
    print(row("skills' API (SSE)", *sse, turns))
    print(row("gateway (WebSocket)", *ws, turns))
    ratio = statistics.median(ws[1]) / statistics.median(sse[1])
    cpu_ratio = ws[2] / sse[2] if sse[2] else float("nan")
    print(f"gateway / SSE: turn time x{ratio:.2f}, client CPU x{cpu_ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        env = {"NEMO_ENGINE_CHUNK_DELAY": "0", "NEMO_ENGINE_SILENT_SHARE": "0"}
        with engine_process(Path(scratch), **env) as base:
            asyncio.run(bench(base, args.turns))


if __name__ == "__main__":
    main()
