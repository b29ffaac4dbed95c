"""A program in a real terminal: Debian's xterm on an Xvfb display of its own, screenshots taken
with xwd and read with Pillow, and what a person would look for measured on them: the picture's
box, and how many position bars the screen shows. Used by tests/tui/test_real_terminal.py and
scripts/xterm_screenshots.py."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from tests.terminal import sized_by_the_terminal

TOOLS = ("Xvfb", "xterm", "xwd")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@contextmanager
def x_display() -> Iterator[str]:
    """An Xvfb display of its own (Xvfb picks a free number), for the block's length."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "800x600x24", "-br", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as answer:
            number = answer.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@dataclass
class XTerm:
    """xterm running `argv` at the top-left of `display`, without borders, its output logged."""

    process: subprocess.Popen[bytes]
    display: str
    log: Path

    def screenshot(self) -> Image.Image:
        dump = subprocess.run(
            ["xwd", "-root", "-silent", "-display", self.display],
            capture_output=True,
            check=True,
            timeout=30,
        ).stdout
        return read_xwd(dump)

    def output(self) -> bytes:
        """What the program sent to the terminal so far (xterm's log)."""
        return self.log.read_bytes() if self.log.exists() else b""

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextmanager
def xterm(
    display: str,
    argv: list[str],
    env: Mapping[str, str],
    log: Path,
    *,
    size: tuple[int, int] = (100, 30),
    vt340: bool = False,
) -> Iterator[XTerm]:
    """`argv` in an xterm of `size` (columns, rows); with `vt340`, one that draws Sixel."""
    command = ["xterm", "-display", display, "-geometry", f"{size[0]}x{size[1]}+0+0"]
    command += ["-b", "0", "-bw", "0", "-l", "-lf", str(log)]
    if vt340:
        command += ["-ti", "vt340"]
    with log.with_suffix(".stderr").open("wb") as errors:  # xterm's own complaints, if any
        process = subprocess.Popen(
            [*command, "-e", *argv],
            env={**sized_by_the_terminal(env), "DISPLAY": display},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
        )
    terminal = XTerm(process, display, log)
    try:
        yield terminal
    finally:
        terminal.close()


def read_xwd(data: bytes) -> Image.Image:
    """An X window dump (xwd's format: a big-endian header, a colour map, then the pixels) of a
    24-bit TrueColor screen, as an RGB image."""
    header = struct.unpack(">25I", data[:100])
    header_size, width, height = header[0], header[4], header[5]
    byte_order, bits_per_pixel, bytes_per_line, colours = (
        header[7],
        header[11],
        header[12],
        header[19],
    )
    if bits_per_pixel != 32:
        raise ValueError(f"an xwd dump of {bits_per_pixel} bits a pixel, not 32")
    start = header_size + colours * 12
    pixels = data[start : start + bytes_per_line * height]
    mode = "BGRX" if byte_order == 0 else "XRGB"
    return Image.frombuffer("RGB", (width, height), pixels, "raw", mode, bytes_per_line, 1)


def picture_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    """The box (left, top, right, bottom; exclusive) of the screen's coloured pixels: the
    picture, since the app's text and the background are shades of grey."""
    saturated = image.convert("HSV").getchannel("S").point(lambda level: 255 if level > 120 else 0)
    bright = image.convert("L").point(lambda level: 255 if level > 40 else 0)
    both = Image.new("L", image.size)
    both.paste(saturated, mask=bright)
    return both.getbbox()


def bar_lines(image: Image.Image, longer_than: int = 150) -> int:
    """How many thin horizontal grey lines of more than `longer_than` pixels the screen shows:
    the position bar's `━━──` once, twice if the screen scrolled under it."""
    hsv = image.convert("HSV")
    grey = hsv.getchannel("S").point(lambda level: 255 if level < 40 else 0)
    lit = hsv.getchannel("V").point(lambda level: 255 if level > 90 else 0)
    mask = Image.new("L", image.size)
    mask.paste(grey, mask=lit)
    # Each row's share of grey pixels, by averaging the row down to one pixel.
    shares = mask.resize((1, image.height), Image.Resampling.BOX).tobytes()
    rows = [share * image.width / 255 > longer_than for share in shares]
    bands, tall = 0, 0
    for line in [*rows, False]:
        if line:
            tall += 1
        elif tall:
            bands += tall <= 4  # a line, not a block of grey
            tall = 0
    return bands


def wait_until_shown(terminal: XTerm, settled: float = 2.0, timeout: float = 60.0) -> Image.Image:
    """A screenshot once the picture has been on screen for `settled` seconds."""
    deadline = time.monotonic() + timeout
    seen_at: float | None = None
    while time.monotonic() < deadline:
        image = terminal.screenshot()
        if picture_box(image) is not None:
            seen_at = seen_at or time.monotonic()
            if time.monotonic() - seen_at >= settled:
                return image
        if terminal.process.poll() is not None:
            break
        time.sleep(0.3)
    ended = terminal.process.poll()
    errors = terminal.log.with_suffix(".stderr")
    said = errors.read_text(errors="replace")[-600:] if errors.exists() else ""
    raise TimeoutError(
        f"no picture on the screen; the program sent {terminal.output()[-600:]!r}"
        + (f"; xterm ended ({ended}) saying {said!r}" if ended is not None else "")
    )
