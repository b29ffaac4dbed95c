"""Sample media made on the spot with ffmpeg: photos, a clip with sound, a voice-like track.

Used by the tests, the benchmarks and the app's demo folder, so nothing is ever downloaded and every
file is small and reproducible.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg

# Distinct, saturated colours so frames from different photos are easy to tell apart.
PALETTE = ("0xe63946", "0x2a9d8f", "0xe9c46a", "0x457b9d", "0xf4a261", "0x8338ec", "0x06d6a0")


def _ffmpeg(*args: str) -> None:
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args]
    subprocess.run(command, check=True, stdin=subprocess.DEVNULL)


def make_photo(path: Path, width: int = 640, height: int = 360, index: int = 0) -> Path:
    """A still with a coloured background and a test pattern inset, as JPEG or PNG by suffix."""
    color = PALETTE[index % len(PALETTE)]
    inset_w, inset_h = max(width // 3, 2) // 2 * 2, max(height // 3, 2) // 2 * 2
    _ffmpeg(
        "-f", "lavfi", "-i", f"color=c={color}:s={width}x{height}",
        "-f", "lavfi", "-i", f"testsrc2=s={inset_w}x{inset_h}",
        "-filter_complex", "[0][1]overlay=(W-w)/2:(H-h)/2",
        "-frames:v", "1", "-update", "1", str(path),
    )  # fmt: skip
    return path


def make_clip(
    path: Path, seconds: float = 3.0, width: int = 320, height: int = 180, audio: bool = True
) -> Path:
    """A moving test pattern, H.264, with a 440 Hz tone when `audio` is set."""
    inputs = ["-f", "lavfi", "-i", f"testsrc2=s={width}x{height}:r=25:d={seconds}"]
    codecs = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if audio:
        inputs += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
        codecs += ["-c:a", "aac", "-shortest"]
    _ffmpeg(*inputs, *codecs, str(path))
    return path


def make_tone(path: Path, seconds: float = 5.0, frequency: int = 220) -> Path:
    """A voice-like audio track (a tone that rises and falls) as mp3, m4a or wav by suffix."""
    expression = f"0.4*sin(2*PI*{frequency}*t*(1+0.1*sin(2*PI*0.5*t)))"
    _ffmpeg("-f", "lavfi", "-i", f"aevalsrc={expression}:s=44100:d={seconds}", str(path))
    return path
