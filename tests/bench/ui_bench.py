"""TUI benchmark: streaming, typing while it streams, a long chat, and start-up. Prints a table.

Run on demand: `.venv/bin/python tests/bench/ui_bench.py [--chunks 20000] [--messages 5000]`.

(a) A `/run_sse` answer of N chunks from a real loopback server, through the same client and turn
    code the app uses: the time until the app's screen shows its last words, against a plain
    consumer that runs the same turn into a list. Goal: ratio <= 1.5.
(b) Keystroke to screen while that answer streams: a key posted to the chat input until the next
    paint after the input holds it. Goal: p95 <= 50 ms.
(c) M chat messages (a question and a Markdown answer each): the time to append the last 100
    against the first 100 (flat means pruning works), and the process RSS after. Goal: <= 250 MB.
(d) Time to first paint of `nemo-tui` on the local engine, from process start. Goal: <= 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route
from textual import events

from nemo_tui.api.client import NemoClient
from nemo_tui.api.intents import GuiHints
from nemo_tui.api.sse import TextDelta
from nemo_tui.api.turns import TurnAssembler
from nemo_tui.core.turn import run_turn
from nemo_tui.core.updates import AgentText, TurnFinished, TurnStarted, Update
from nemo_tui.skills import SKILLS_BY_ID
from nemo_tui.tui.answer import AgentMarkdown
from nemo_tui.tui.app import NemoApp
from nemo_tui.tui.chat import ChatInput, ChatLog

SKILL = SKILLS_BY_ID["create-a-video-using-ai"]
BENCH_TOKEN = "nmv_bench_token"


def chunk(index: int) -> str:
    """Chunk `index` of the long answer: words, with a paragraph break every 60 chunks."""
    return f"word{index}" + ("\n\n" if index % 60 == 59 else " ")


def sse_app(chunks: int) -> Starlette:
    """A `/run_sse` that streams `chunks` partial ADK events, then the final one (SPEC 4.1)."""

    async def run_sse(request: Request) -> StreamingResponse:
        await request.body()

        async def events() -> AsyncIterator[bytes]:
            base = {"invocationId": "e-bench", "author": "nemo_agent"}
            for index in range(chunks):
                event = {
                    **base,
                    "content": {"role": "model", "parts": [{"text": chunk(index)}]},
                    "partial": True,
                }
                yield f"data: {json.dumps(event)}\n\n".encode()
            full = "".join(chunk(index) for index in range(chunks))
            final = {**base, "content": {"role": "model", "parts": [{"text": full}]}}
            yield f"data: {json.dumps(final)}\n\n".encode()

        return StreamingResponse(events(), media_type="text/event-stream")

    return Starlette(routes=[Route("/run_sse", run_sse, methods=["POST"])])


@contextmanager
def sse_server(chunks: int) -> Iterator[str]:
    """The stub on a free loopback port, in a thread; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(sse_app(chunks), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def bench_app(folder: Path) -> NemoApp:
    return NemoApp(folder, skill=SKILL, backend="bench")


class Paints:
    """Records when the app paints: its `_display` is what sends a frame to the terminal."""

    def __init__(self, app: NemoApp) -> None:
        self.times: list[float] = []
        original = app._display

        def display(*args: object, **kwargs: object) -> None:
            original(*args, **kwargs)  # type: ignore[arg-type]
            self.times.append(time.perf_counter())

        app._display = display  # type: ignore[method-assign]

    async def next_after(self, moment: float, timeout: float = 5.0) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            later = [paint for paint in self.times if paint >= moment]
            if later:
                return later[0]
            await asyncio.sleep(0.0005)
        raise TimeoutError("no paint")


async def stream_answer(client: NemoClient, emit: Callable[[Update], None]) -> str:
    """The answer as the client reads it (SSE parsing, partial/final assembly), each delta handed
    to `emit`. The core's turn adds GUI translation on top; `core_turn_seconds` times that."""
    assembler = TurnAssembler()
    async with client.run_sse("bench", "go") as events:
        async for event in events:
            if isinstance(event, TextDelta):
                update = assembler.feed(event)
                if update.delta or update.replaced:
                    emit(
                        AgentText(
                            "t1", update.text if update.replaced else update.delta, update.replaced
                        )
                    )
    return assembler.visible_text


async def plain_consumer(base_url: str) -> tuple[float, int]:
    """The same chunks, the same client, into a list: what the stream costs without a UI."""
    sink: list[Update] = []
    async with NemoClient(base_url, token=BENCH_TOKEN) as client:
        started = time.perf_counter()
        text = await stream_answer(client, sink.append)
        elapsed = time.perf_counter() - started
    return elapsed, len(text)


async def core_turn_seconds(base_url: str) -> float:
    """`nemo_tui.core.turn.run_turn` over the same stream, into a list (no UI)."""
    async with NemoClient(base_url, token=BENCH_TOKEN) as client:
        started = time.perf_counter()
        await run_turn(client, "bench", "go", "t1", [].append, GuiHints.for_tui())
        return time.perf_counter() - started


async def app_consumer(base_url: str, chunks: int, folder: Path) -> tuple[float, list[float]]:
    """The turn streamed into the app; returns the time until its last words are on screen and
    the keystroke-to-paint latencies measured while it streamed."""
    app = bench_app(folder)
    last_words = f"word{chunks - 1}"
    latencies: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        paints = Paints(app)
        chat_input = app.query_one(ChatInput)
        chat_input.cursor_blink = False
        async with NemoClient(base_url, token=BENCH_TOKEN) as client:

            async def turn() -> None:
                app.emit(TurnStarted("t1", "go"))
                app.emit(TurnFinished("t1", await stream_answer(client, app.emit)))

            started = time.perf_counter()
            worker = app.run_worker(turn(), group="sse", exit_on_error=False)
            while not worker.is_finished:
                # Type one key, as a person would, every 50 ms while the answer streams.
                before = chat_input.value
                pressed = time.perf_counter()
                app.post_message(events.Key("x", "x"))
                while chat_input.value == before:
                    await asyncio.sleep(0.0005)
                latencies.append(await paints.next_after(time.perf_counter()) - pressed)
                await asyncio.sleep(0.05)
            answer = app.query_one(AgentMarkdown)
            await worker.wait()
            while app.query(ChatLog).first().turn_running() or answer.lock.is_locked:
                await asyncio.sleep(0.001)
            shown = await paints.next_after(time.perf_counter()) - started
            await pilot.pause()
            screen = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
            if last_words not in screen:
                raise RuntimeError(f"the last words are not on screen:\n{screen}")
    return shown, latencies


async def long_chat(messages: int, folder: Path) -> tuple[float, float, float]:
    """Append `messages` question-and-answer pairs; ms per message for the first and last 100."""
    app = bench_app(folder)
    per_message: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for index in range(messages):
            started = time.perf_counter()
            turn = f"m{index}"
            app.emit(TurnStarted(turn, f"question {index}"))
            app.emit(AgentText(turn, f"Answer **{index}**: added a crossfade."))
            app.emit(TurnFinished(turn, f"Answer **{index}**: added a crossfade."))
            await pilot.pause()
            per_message.append(time.perf_counter() - started)
        rss = psutil.Process().memory_info().rss / 2**20
    first = statistics.mean(per_message[:100]) * 1000
    last = statistics.mean(per_message[-100:]) * 1000
    return first, last, rss


FIRST_PAINT_CHILD = """
import sys, time
from pathlib import Path
from nemo_tui.cli.app import run_app
import nemo_tui.tui.app as tui_app

original = tui_app.NemoApp._display
def display(self, *args, **kwargs):
    original(self, *args, **kwargs)
    print(time.time(), file=sys.stderr, flush=True)
    self.exit(0)
tui_app.NemoApp._display = display
original_run = tui_app.NemoApp.run
tui_app.NemoApp.run = lambda self, **kw: original_run(self, headless=True, size=(120, 40))
from nemo_tui.cli import main
raise SystemExit(main([sys.argv[1], "--api", sys.argv[2]]))
"""


def first_paint(folder: Path, base_url: str, runs: int = 3) -> float:
    """Seconds from spawning `nemo-tui FOLDER --api URL` to its first frame (best of `runs`)."""
    times: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "NEMO_CONFIG_DIR": f"{home}/config", "NEMO_STATE_DIR": f"{home}/s"}
        for _ in range(runs):
            started = time.time()
            child = subprocess.run(
                [sys.executable, "-c", FIRST_PAINT_CHILD, str(folder), base_url],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            painted = [float(line) for line in child.stderr.split() if line[:1].isdigit()]
            if not painted:
                raise RuntimeError(f"no paint reported: {child.stderr[-500:]}")
            times.append(painted[0] - started)
    return min(times)


def media_folder(parent: Path) -> Path:
    folder = parent / "media"
    folder.mkdir()
    for index in range(6):
        (folder / f"photo{index}.jpg").write_bytes(b"\0" * 1000)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=20_000)
    parser.add_argument("--messages", type=int, default=5_000)
    parser.add_argument(
        "--core-chunks", type=int, default=2_000, help="chunks for the core turn's own timing"
    )
    args = parser.parse_args()

    from nemo_tui.engine.server import start_in_process
    from nemo_tui.engine.settings import EngineSettings

    with tempfile.TemporaryDirectory() as scratch:
        folder = media_folder(Path(scratch))
        with sse_server(args.chunks) as base_url:
            plain, characters = asyncio.run(plain_consumer(base_url))
            shown, latencies = asyncio.run(app_consumer(base_url, args.chunks, folder))
        core_turns = {}
        for chunks in (args.core_chunks, 2 * args.core_chunks):
            with sse_server(chunks) as base_url:
                core_turns[chunks] = asyncio.run(core_turn_seconds(base_url))
        first, last, rss = asyncio.run(long_chat(args.messages, folder))
        with start_in_process(EngineSettings(data_dir=Path(scratch) / "engine")) as engine:
            paint = first_paint(folder, engine.base_url)

    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000 if len(latencies) > 1 else float("nan")
    rows = [
        ("(a) plain consumer, s", f"{plain:.2f}", f"{args.chunks} chunks, {characters} chars"),
        ("(a) app shows it all, s", f"{shown:.2f}", ""),
        ("(a) app / plain", f"{shown / plain:.2f}", "goal <= 1.5"),
        *(
            (f"core run_turn, {chunks} chunks, s", f"{seconds:.2f}", "no UI; GUI translation")
            for chunks, seconds in core_turns.items()
        ),
        ("(b) key to screen p95, ms", f"{p95:.1f}", f"goal <= 50 ({len(latencies)} keys)"),
        ("(b) key to screen max, ms", f"{max(latencies) * 1000:.1f}", ""),
        ("(c) first 100 msgs, ms/msg", f"{first:.2f}", f"{args.messages} messages"),
        ("(c) last 100 msgs, ms/msg", f"{last:.2f}", f"last/first {last / first:.2f} (flat)"),
        ("(c) RSS after, MB", f"{rss:.0f}", "goal <= 250"),
        ("(d) first paint, s", f"{paint:.2f}", "goal <= 1 (process start to frame)"),
    ]
    width = max(len(name) for name, _, _ in rows)
    print(f"{'measure'.ljust(width)}  {'value':>8}  note")
    for name, value, note in rows:
        print(f"{name.ljust(width)}  {value:>8}  {note}")


if __name__ == "__main__":
    main()
