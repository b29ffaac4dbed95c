"""TUI benchmark: streaming, typing while it streams, a long chat, and start-up. Prints a table.

Run on demand: `.venv/bin/python tests/bench/ui_bench.py [--chunks 20000] [--messages 5000]`.

(a) A `/run_sse` answer of N chunks, sent as fast as a loopback stub can, streamed into the app
    the way a turn is (`nemo_tui.core.turn.run_turn`: the client's SSE parsing, partial/final
    assembly, GUI translation): the seconds until a 120x40 pseudo-terminal running the app is
    sent the answer's last words, against a plain httpx-sse consumer reading the same stream's
    texts into a list (each the best of `--runs`). Goal: ratio <= 1.5. The core's turn is also
    timed alone, at two sizes, to show that it grows linearly.
(b) Keystroke to screen while that answer streams (a second run, with a key typed every 50 ms):
    a key written to the terminal until the terminal is sent the input line with it; and the
    same while a stream paced at `--pace` chunks a second (far faster than a model writes) runs
    for 4 s. Goal: p95 <= 50 ms. While keys come, the app writes the answer in small steps
    between them, so the flood takes longer to show in this run than in (a).
(c) M chat messages (a question and a Markdown answer each), appended 100 at a time: ms per
    message for the first and the last hundred (flat means pruning works), and RSS after.
    Goal: RSS <= 250 MB.
(d) `nemo-tui FOLDER --api URL` on a pseudo-terminal: seconds from spawning the process until the
    terminal is sent the header. Goal: <= 1 s.

`--without virtual-size` (Textual's own layout-per-change `virtual_size` on our widgets) and
`--without collector` (Python's own full collections) run (a)-(c) without one of the app's two
workarounds, to show whether it still pays; (d) runs the installed app as it is.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import httpx_sse
import psutil
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route
from textual.widget import Widget

from nemo_tui.api.client import NemoClient
from nemo_tui.api.intents import GuiHints
from nemo_tui.core.turn import run_turn
from nemo_tui.core.updates import AgentText, TurnFinished, TurnStarted, Update
from nemo_tui.skills import SKILLS_BY_ID
from nemo_tui.tui.answer import AgentMarkdown, StreamedParagraph
from nemo_tui.tui.app import NemoApp
from nemo_tui.tui.chat import ChatInput, ChatLog
from nemo_tui.tui.collector import QuietCollector

# The pseudo-terminal is shared with the tests; run as a script, this file sees only its own
# folder, so the repository root goes on the path first.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.terminal import Terminal

SKILL = SKILLS_BY_ID["create-a-video-using-ai"]
BENCH_TOKEN = "nmv_bench_token"


def chunk(index: int) -> str:
    """Chunk `index` of the long answer: words, with a paragraph break every 60 chunks."""
    return f"word{index}" + ("\n\n" if index % 60 == 59 else " ")


def sse_app(chunks: int, pace: float | None = None) -> Starlette:
    """A `/run_sse` that streams `chunks` partial ADK events, then the final one (SPEC 4.1);
    as fast as it can, or `pace` chunks a second."""

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
                if pace and index % 10 == 9:
                    await asyncio.sleep(10 / pace)
            full = "".join(chunk(index) for index in range(chunks))
            final = {**base, "content": {"role": "model", "parts": [{"text": full}]}}
            yield f"data: {json.dumps(final)}\n\n".encode()

        return StreamingResponse(events(), media_type="text/event-stream")

    return Starlette(routes=[Route("/run_sse", run_sse, methods=["POST"])])


@contextmanager
def sse_server(chunks: int, pace: float | None = None) -> Iterator[str]:
    """The stub on a free loopback port, in a thread; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(sse_app(chunks, pace), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


WORKAROUNDS = ("virtual-size", "collector")


def without(workarounds: list[str]) -> None:
    """Take these workarounds out of the app in this process (before any app is built)."""
    if "virtual-size" in workarounds:
        # Back to Widget's own descriptor, which lays the screen out on every change.
        for widget in (ChatInput, ChatLog, AgentMarkdown, StreamedParagraph):
            delattr(widget, "virtual_size")
            widget._reactives["virtual_size"] = Widget.virtual_size
    if "collector" in workarounds:
        for method in ("start", "stop", "tick", "typed"):
            setattr(QuietCollector, method, lambda *args, **kwargs: False)


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


async def stream_turn(base_url: str, emit: Callable[[Update], None]) -> str:
    """One turn over the stub, as the app runs it: `run_turn`, each update handed to `emit`."""
    async with NemoClient(base_url, token=BENCH_TOKEN) as client:
        outcome = await run_turn(client, "bench", "go", "t1", emit, GuiHints.for_tui())
    return outcome.text


async def plain_consumer(base_url: str) -> tuple[float, int]:
    """The same stream read by httpx-sse, each event's text kept in a list: what the stream
    costs without our client, core or UI."""
    texts: list[str] = []
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        started = time.perf_counter()
        async with httpx_sse.aconnect_sse(client, "POST", "/run_sse", json={}) as source:
            async for event in source.aiter_sse():
                payload = json.loads(event.data)
                if payload.get("partial"):
                    texts.extend(part["text"] for part in payload["content"]["parts"])
        elapsed = time.perf_counter() - started
    return elapsed, len("".join(texts))


async def core_turn_seconds(base_url: str) -> float:
    """`run_turn` over the stub into a list (no UI)."""
    started = time.perf_counter()
    await stream_turn(base_url, [].append)
    return time.perf_counter() - started


STREAM_CHILD = """
import asyncio, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from ui_bench import bench_app, stream_turn, without
from nemo_tui.core.updates import TurnFinished, TurnStarted

url, folder, mark = sys.argv[1:4]
without(sys.argv[5:])
app = bench_app(Path(folder))

async def turn():
    app.query_one("#chat-input").cursor_blink = False
    await asyncio.sleep(1.0)
    Path(mark).write_text(str(time.perf_counter()))
    app.emit(TurnStarted("t1", "go"))
    app.emit(TurnFinished("t1", await stream_turn(url, app.emit)))

app.call_later(lambda: app.run_worker(turn(), group="sse"))
app.run()
"""


def app_consumer(
    base_url: str, chunks: int, folder: Path, *, typing: bool, workarounds_off: list[str]
) -> tuple[float, list[float]]:
    """The answer streamed into the app on a 120x40 pseudo-terminal: seconds from the stream's
    start until the terminal is sent its last words, and, when `typing`, the latency of a key
    typed every 50 ms meanwhile (sent to the terminal until its echo is sent back)."""
    with tempfile.TemporaryDirectory() as scratch:
        mark = Path(scratch) / "started"
        argv = [sys.executable, "-c", STREAM_CHILD, base_url, str(folder), str(mark)]
        terminal = Terminal([*argv, str(Path(__file__).parent), *workarounds_off], os.environ)
        try:
            while not mark.exists() or not mark.read_text():
                time.sleep(0.005)
            started = float(mark.read_text())
            last_words = re.compile(f"word{chunks - 1}".encode())
            latencies: list[float] = []
            while typing and terminal.seen(last_words, started) is None:
                # Nothing else on screen has a q, and the cursor does not blink: the first q
                # sent back after the key is the input line repainted with it.
                sent = terminal.send(b"q")
                echo = terminal.wait(re.compile(b"q"), sent, timeout=30)
                latencies.append(echo - sent)
                time.sleep(0.05)
            shown = terminal.wait(last_words, started) - started
        finally:
            terminal.close()
    return shown, latencies


async def long_chat(messages: int, folder: Path, batch: int = 100) -> tuple[list[float], float]:
    """Append `messages` question-and-answer pairs, `batch` at a time, each batch timed until it
    is on screen; ms per message for each batch, and the RSS after."""
    app = bench_app(folder)
    per_message: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        paints = Paints(app)
        log = app.query_one(ChatLog)
        for first in range(0, messages, batch):
            started = time.perf_counter()
            for index in range(first, min(first + batch, messages)):
                turn = f"m{index}"
                answer = f"Answer **{index}**: added a crossfade."
                app.emit(TurnStarted(turn, f"question {index}"))
                app.emit(AgentText(turn, answer))
                app.emit(TurnFinished(turn, answer))
            last = f"Answer {min(first + batch, messages) - 1}:"
            while not any(
                isinstance(child, AgentMarkdown)
                and child.source.replace("**", "").startswith(last)
                and child.children
                for child in log.children[-3:]
            ):
                await asyncio.sleep(0.001)
            painted = await paints.next_after(time.perf_counter())
            per_message.append((painted - started) / batch * 1000)
        rss = psutil.Process().memory_info().rss / 2**20
    return per_message, rss


def first_paint(folder: Path, base_url: str, runs: int = 3) -> float:
    """Seconds from spawning `nemo-tui FOLDER --api URL` on a pseudo-terminal until the terminal
    is sent its header (best of `runs`)."""
    times: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "NEMO_CONFIG_DIR": f"{home}/config", "NEMO_STATE_DIR": f"{home}/s"}
        command = [str(Path(sys.executable).parent / "nemo-tui"), str(folder), "--api", base_url]
        for _ in range(runs):
            terminal = Terminal(command, env)
            try:
                times.append(terminal.wait(re.compile(b"nemo-tui"), 0.0) - terminal.started)
            finally:
                terminal.close()
    return min(times)


def media_folder(parent: Path) -> Path:
    folder = parent / "media"
    folder.mkdir()
    for index in range(6):
        (folder / f"photo{index}.jpg").write_bytes(b"\0" * 1000)
    return folder


def p95_of(latencies: list[float]) -> float:
    """The 95th percentile in ms (the largest when there are few samples)."""
    if len(latencies) < 2:
        return float("nan")
    return statistics.quantiles(latencies, n=20, method="inclusive")[-1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=20_000)
    parser.add_argument("--messages", type=int, default=5_000)
    parser.add_argument(
        "--pace", type=float, default=1_000, help="chunks/s of the paced stream for (b), 4 s long"
    )
    parser.add_argument(
        "--core-chunks", type=int, default=2_000, help="chunks for the core turn's own timing"
    )
    parser.add_argument("--runs", type=int, default=3, help="(a) is the best of this many runs")
    parser.add_argument(
        "--without", action="append", default=[], choices=WORKAROUNDS, help="a workaround to drop"
    )
    args = parser.parse_args()
    without(args.without)

    from nemo_tui.engine.http.server import start_in_process
    from nemo_tui.engine.settings import EngineSettings

    with tempfile.TemporaryDirectory() as scratch:
        folder = media_folder(Path(scratch))
        with sse_server(args.chunks) as base_url:
            # The best of a few runs: one run on a shared 2-core box varies by half.
            plains = [asyncio.run(plain_consumer(base_url)) for _ in range(args.runs)]
            plain, characters = min(plains)
            shown = min(
                app_consumer(
                    base_url, args.chunks, folder, typing=False, workarounds_off=args.without
                )[0]
                for _ in range(args.runs)
            )
            shown_typing, latencies = app_consumer(
                base_url, args.chunks, folder, typing=True, workarounds_off=args.without
            )
        paced_chunks = int(args.pace * 4)
        with sse_server(paced_chunks, args.pace) as base_url:
            _, paced_latencies = app_consumer(
                base_url, paced_chunks, folder, typing=True, workarounds_off=args.without
            )
        core_turns = {}
        for chunks in (args.core_chunks, 2 * args.core_chunks):
            with sse_server(chunks) as base_url:
                core_turns[chunks] = asyncio.run(core_turn_seconds(base_url))
        per_message, rss = asyncio.run(long_chat(args.messages, folder))
        first, last = per_message[0], per_message[-1]
        with start_in_process(EngineSettings(data_dir=Path(scratch) / "engine")) as engine:
            paint = first_paint(folder, engine.base_url)

    p95 = p95_of(latencies)
    rows = [
        (
            "(a) plain httpx-sse consumer, s",
            f"{plain:.2f}",
            f"{args.chunks} chunks, {characters} chars",
        ),
        ("(a) app shows it all, s", f"{shown:.2f}", ""),
        ("(a) app / plain", f"{shown / plain:.2f}", f"goal <= 1.5 (best of {args.runs} each)"),
        *(
            (f"core run_turn, {chunks} chunks, s", f"{seconds:.2f}", "no UI")
            for chunks, seconds in core_turns.items()
        ),
        ("(b) key to screen p95, ms", f"{p95:.1f}", f"goal <= 50 ({len(latencies)} keys)"),
        (
            "(b) app shows it all while typing, s",
            f"{shown_typing:.2f}",
            "the answer yields to keys",
        ),
        ("(b) key to screen max, ms", f"{max(latencies) * 1000:.1f}", ""),
        (
            f"(b) p95 at {args.pace:g} chunks/s, ms",
            f"{p95_of(paced_latencies):.1f}",
            f"a paced 4 s stream ({len(paced_latencies)} keys)",
        ),
        ("(c) first 100 msgs, ms/msg", f"{first:.2f}", f"{args.messages} messages"),
        ("(c) last 100 msgs, ms/msg", f"{last:.2f}", f"last/first {last / first:.2f} (flat)"),
        (
            "(c) median 100 msgs, ms/msg",
            f"{statistics.median(per_message):.2f}",
            f"over all {len(per_message)} batches",
        ),
        ("(c) RSS after, MB", f"{rss:.0f}", "goal <= 250"),
        ("(d) first paint, s", f"{paint:.2f}", "goal <= 1 (process start to frame)"),
    ]
    width = max(len(name) for name, _, _ in rows)
    print(f"{'measure'.ljust(width)}  {'value':>8}  note")
    for name, value, note in rows:
        print(f"{name.ljust(width)}  {value:>8}  {note}")


if __name__ == "__main__":
    main()
