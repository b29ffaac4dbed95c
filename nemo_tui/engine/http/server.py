"""Running the engine: `serve()` in the foreground for `nemo-tui serve`, and `start_in_process()`
on a free loopback port in a background thread for the app's `--local` mode and the tests."""

from __future__ import annotations

import gc
import socket
import sys
import threading
import time
from types import TracebackType

import uvicorn

from nemo_tui.engine.http.app import create_app
from nemo_tui.engine.http.connections import GuardedH11Protocol
from nemo_tui.engine.ownership import FolderLock
from nemo_tui.engine.settings import EngineSettings
from nemo_tui.loopback import is_loopback_host

STARTUP_TIMEOUT_SECONDS = 20.0
# Open SSE turns get this long to finish when an in-process engine stops.
GRACEFUL_SHUTDOWN_SECONDS = 3
# Connections the kernel may queue before the engine accepts them (a burst of clients).
LISTEN_BACKLOG = 1024
# Request headers larger than this are refused by h11 (431-like 400) instead of being buffered.
MAX_HEADER_BYTES = 16 * 1024
KEEP_ALIVE_SECONDS = 5
# How long a thread holding the interpreter keeps it when another wants it. Parsing a big body or
# planning a long message runs in worker threads; each time the event loop wakes it waits up to
# this long for the interpreter, so Python's 5 ms default adds up to tens of ms per request.
SWITCH_INTERVAL_SECONDS = 0.0005


class EngineRefused(Exception):
    """The engine will not start with these settings; `str()` says why and what to do."""


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # An explicit IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose
    # proto says TCP, and without it every small response waits ~40 ms on a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(LISTEN_BACKLOG)
    sock.set_inheritable(True)
    return sock


def _url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _reachable_url(sock: socket.socket) -> str:
    """The URL a client on this machine uses: a wildcard address is reached on loopback."""
    url = _url(sock)
    return url.replace("//0.0.0.0:", "//127.0.0.1:").replace("//[::]:", "//[::1]:")


def _config(
    settings: EngineSettings,
    log_level: str,
    lock: FolderLock,
    url: str,
    server: list[uvicorn.Server],
) -> uvicorn.Config:
    """uvicorn's settings for an app that announces itself in the folder's lock file once it
    serves, and stops its server (`server[0]`, made from this config) when idle."""

    def stop() -> None:
        server[0].should_exit = True

    return uvicorn.Config(
        create_app(settings, on_ready=lambda instance: lock.announce(url, instance), stop=stop),
        lifespan="on",
        log_level=log_level,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        http=GuardedH11Protocol.configured(
            settings.header_timeout_seconds, settings.max_connections
        ),
        # A backstop behind the guard's own cap: past it, new requests are answered 503.
        limit_concurrency=2 * settings.max_connections,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        # A chat socket's frame is a message: bounded like a request body.
        ws_max_size=settings.max_body_bytes,
    )


def check_bind(settings: EngineSettings, host: str) -> None:
    """An engine reachable from other machines hands out tokens only to holders of its access
    key; without one it refuses to start there."""
    if not is_loopback_host(host) and not settings.access_key:
        raise EngineRefused(
            f"{host} is not a loopback address and no access key is set: anyone who can reach "
            "this machine could use the engine; give --access-key KEY (or NEMO_ENGINE_ACCESS_KEY)"
            " or listen on 127.0.0.1"
        )


def serve(settings: EngineSettings, host: str = "127.0.0.1", port: int = 0) -> None:
    """Run the engine until interrupted (or idle, with `idle_exit_seconds`). Prints its URL (port
    0 picks a free one). Listening beyond this machine needs an access key (EngineRefused
    otherwise); a folder another engine serves raises `ownership.FolderInUse`."""
    check_bind(settings, host)
    lock = FolderLock(settings.data_dir)
    lock.acquire()
    try:
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
        if not is_loopback_host(host):
            print(
                f"note: listening on {host}: new tokens need the access key (X-Access-Key header)",
                file=sys.stderr,
            )
        sock = _bind(host, port)
        print(f"nemo-tui engine listening on {_url(sock)} (data: {settings.data_dir})", flush=True)
        server: list[uvicorn.Server] = []
        server.append(
            uvicorn.Server(_config(settings, "warning", lock, _reachable_url(sock), server))
        )
        # Everything loaded so far lives as long as the process: out of the collector's way, a
        # full collection (set off by a big body's thousands of new objects) takes milliseconds,
        # not the ~100 ms that would hold up every request. Only here: an engine inside the app
        # or a test shares its process and must not freeze another's objects.
        gc.freeze()
        server[0].run(sockets=[sock])
    finally:
        lock.release()


class RunningEngine:
    """An engine serving in a background thread once `start()` returns; `stop()` (or leaving
    the `with`) ends it. `request_stop()` only asks: the thread winds down (uvicorn takes about
    0.2 s) and gives the folder and the port back on its own."""

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self._lock = FolderLock(settings.data_dir)
        self._lock.acquire()  # FolderInUse when another engine serves the folder
        self._socket = _bind("127.0.0.1", 0)
        self.base_url = _url(self._socket)
        server: list[uvicorn.Server] = []
        server.append(uvicorn.Server(_config(settings, "error", self._lock, self.base_url, server)))
        self._server = server[0]
        self._thread = threading.Thread(target=self._serve, daemon=True, name="nemo-engine")

    def _serve(self) -> None:
        try:
            self._server.run(sockets=[self._socket])
        finally:
            self._socket.close()
            self._lock.release()

    def start(self) -> None:
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the local engine did not start; see the log above")
            time.sleep(0.01)

    def request_stop(self) -> None:
        self._server.should_exit = True

    def stop(self) -> None:
        self.request_stop()
        if self._thread.is_alive():
            self._thread.join()
        # The thread gives these back as it ends; one that never ran gives nothing (both repeat
        # safely).
        self._socket.close()
        self._lock.release()

    def __enter__(self) -> RunningEngine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def start_in_process(settings: EngineSettings) -> RunningEngine:
    """Start an engine on a free port of 127.0.0.1 and return once it answers requests."""
    engine = RunningEngine(settings)
    engine.start()
    return engine
