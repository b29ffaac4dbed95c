"""A program on a pseudo-terminal, as a person's terminal would run it: a size in cells and pixels,
answers to the queries a real terminal answers, and everything the program sends recorded with
the moment it arrived. Used by the TUI tests and by `tests/bench/ui_bench.py`."""

from __future__ import annotations

import bisect
import fcntl
import os
import re
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Mapping

ASK_ATTRIBUTES = b"\x1b[c"
ASK_CURSOR = b"\x1b[6n"
# Every terminal answers a device-attributes query; these say "a VT220", without and with Sixel.
# And where its cursor is (the app asks after it paints, to keep to the link: `tui.link`).
PLAIN_TERMINAL = {ASK_ATTRIBUTES: b"\x1b[?62;22c", ASK_CURSOR: b"\x1b[1;1R"}
SIXEL_TERMINAL = {ASK_ATTRIBUTES: b"\x1b[?62;4c", ASK_CURSOR: b"\x1b[1;1R"}


def sized_by_the_terminal(env: Mapping[str, str]) -> dict[str, str]:
    """`env` without COLUMNS and LINES, which override the terminal's own size (Textual reads
    the size with `shutil.get_terminal_size`); pytest-xdist's workers have them set to 80x24,
    which made every app started from a worker lay itself out for 80 columns."""
    return {name: value for name, value in env.items() if name not in ("COLUMNS", "LINES")}


class Terminal:
    """`argv` on a pseudo-terminal of `size` (columns, rows) with cells of 10x20 pixels, answering
    each query in `answers` when the program sends it."""

    def __init__(
        self,
        argv: list[str],
        env: Mapping[str, str],
        size: tuple[int, int] = (120, 40),
        answers: Mapping[bytes, bytes] = PLAIN_TERMINAL,
    ) -> None:
        self.chunks: list[tuple[float, bytes]] = []
        self._answers = answers
        master, slave = os.openpty()
        winsize = struct.pack("HHHH", size[1], size[0], size[0] * 10, size[1] * 20)
        fcntl.ioctl(slave, termios.TIOCSWINSZ, winsize)
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**sized_by_the_terminal(env), "TERM": "xterm-256color", "COLORTERM": "truecolor"},
            start_new_session=True,
        )
        os.close(slave)
        self._master = master
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:
                return
            if not data:
                return
            self.chunks.append((time.perf_counter(), data))
            for query, answer in self._answers.items():
                if query in data:
                    try:
                        os.write(self._master, answer)
                    except OSError:  # hung up meanwhile
                        return

    @property
    def output(self) -> bytes:
        return b"".join(data for _, data in self.chunks)

    def send(self, keys: bytes) -> float:
        sent = time.perf_counter()
        os.write(self._master, keys)
        return sent

    def seen(self, pattern: re.Pattern[bytes], after: float = 0.0) -> float | None:
        """When output sent after `after` first contained `pattern`, or None. Only that output
        is looked at: a benchmark calls this every 2 ms for minutes, in the process whose reader
        thread stamps the arrival times, and it must not slow down as the output grows."""
        chunks = self.chunks[bisect.bisect_left(self.chunks, after, key=lambda chunk: chunk[0]) :]
        text, ends = b"", []
        for at, data in chunks:
            text += data
            ends.append((len(text), at))
        found = pattern.search(text)
        if found is None:
            return None
        return next(at for end, at in ends if end >= found.end())

    def wait(self, pattern: re.Pattern[bytes], after: float = 0.0, timeout: float = 60) -> float:
        """When `pattern` was seen; TimeoutError with the last output if it never is."""
        deadline = time.perf_counter() + timeout
        while (moment := self.seen(pattern, after)) is None:
            if time.perf_counter() > deadline or self.process.poll() is not None:
                raise TimeoutError(f"never saw {pattern.pattern!r}: {self.output[-2000:]!r}")
            time.sleep(0.002)
        return moment

    def hang_up(self) -> None:
        """The terminal goes away as a killed terminal window does: its end of the pseudo-terminal
        closes, and no hang-up signal is sent (the program runs in a session of its own)."""
        os.close(self._master)

    def close(self) -> None:
        self.send(b"\x11")  # ctrl+q
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self._master)
