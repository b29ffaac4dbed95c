"""A pseudo-terminal at the end of a slow link: the program's output is read off the terminal at
a bounded rate (bytes a second), as sshd reads it when the network carries only so much, so the
program's writes back up into the terminal's buffer and block, as they do over a slow SSH link.
Used by the link tests and by `tests/bench/link_bench.py`."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Mapping

from tests.terminal import PLAIN_TERMINAL, Terminal

# Reads of at most this much at a time: a few milliseconds' worth at the rates measured.
MAX_READ = 16384
# Longer than any query answered.
QUERY_TAIL = 16


class DrainedTerminal(Terminal):
    """`Terminal`, its output read at `rate` bytes a second at most. Queries are answered once
    the link has carried them, as a terminal at the other end would."""

    def __init__(
        self,
        argv: list[str],
        env: Mapping[str, str],
        rate: float,
        size: tuple[int, int] = (120, 40),
        answers: Mapping[bytes, bytes] = PLAIN_TERMINAL,
    ) -> None:
        self.rate = rate
        self._reader: threading.Thread | None = None
        super().__init__(argv, env, size=size, answers=answers)

    def close(self) -> None:
        """As `Terminal.close`, but the reader ends before the descriptor is closed: a reader
        waking from its pause could otherwise read a descriptor number already reused by the
        next terminal, and take its output."""
        self.send(b"\x11")  # ctrl+q
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        if self._reader is not None:
            self._reader.join(timeout=10)  # it ends once the program's side is closed
        os.close(self._master)

    def _read(self) -> None:
        self._reader = threading.current_thread()
        # A read takes about 5 ms of the link: small enough that the drain is smooth.
        size = max(256, min(MAX_READ, int(self.rate / 200)))
        due = time.perf_counter()
        tail = b""  # the end of the last read: a query may arrive split over two
        while True:
            try:
                data = os.read(self._master, size)
            except OSError:
                return
            if not data:
                return
            now = time.perf_counter()
            self.chunks.append((now, data))
            seen = tail + data
            for query, answer in self._answers.items():
                # Each query once, however the reads split it: only those ending in `data`.
                at = seen.find(query)
                while at != -1:
                    if at + len(query) > len(tail):
                        os.write(self._master, answer)
                    at = seen.find(query, at + 1)
            tail = seen[-QUERY_TAIL:]
            # The link carries `rate` bytes a second: the next read waits its turn.
            due = max(due, now - 0.05) + len(data) / self.rate
            time.sleep(max(due - time.perf_counter(), 0.0))
