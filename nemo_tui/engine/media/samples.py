"""Sample media made on the spot with ffmpeg: photos, a clip with sound, tones, a voice-like
track and a music bed.

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


def make_voice(path: Path, seconds: float = 8.0) -> Path:
    """A voice-like track: a buzzing pitch that rises and falls, with syllables and pauses and a
    vowel colour that changes per syllable (harmonics weighted by slow waves)."""
    pitch = "2*PI*130*t-2*PI*130*0.12/(2*PI*0.6)*cos(2*PI*0.6*t)"
    syllables = "pow(max(0,sin(2*PI*3.1*t)),0.7)*gt(sin(2*PI*0.22*t+1),-0.55)"
    harmonics = "+".join(
        f"(0.5+0.5*sin(2*PI*{rate}*t+{k}))*sin({k}*({pitch}))/{k}"
        for k, rate in ((1, 0.9), (2, 1.7), (3, 2.3), (4, 1.3), (5, 2.9))
    )
    _ffmpeg(
        "-f", "lavfi", "-i", f"aevalsrc='0.35*({syllables})*({harmonics})':s=44100:d={seconds}",
        "-af", "lowpass=f=3000,highpass=f=90", str(path),
    )  # fmt: skip
    return path


def make_music(path: Path, seconds: float = 12.0) -> Path:
    """A music bed: a four-chord pad (C, G, A minor, F; two seconds each), a soft kick on every
    beat at 120 bpm and a light off-beat tick."""
    chords = ((261.6, 329.6, 392.0), (246.9, 293.7, 392.0), (220.0, 261.6, 329.6),
              (174.6, 220.0, 261.6))  # fmt: skip

    def note(voice: int) -> str:
        # The voice-th note of the chord playing at t (chords change every 2 s, cycle every 8 s).
        expression = str(chords[-1][voice])
        for index in range(len(chords) - 2, -1, -1):
            expression = f"if(lt(mod(t,8),{2 * (index + 1)}),{chords[index][voice]},{expression})"
        return expression

    pad = "+".join(f"0.12*sin(2*PI*t*{note(voice)})" for voice in range(3))
    kick = "0.5*sin(2*PI*55*mod(t,0.5)*(1+2*exp(-mod(t,0.5)*30)))*exp(-mod(t,0.5)*9)"
    tick = "0.05*(random(0)*2-1)*exp(-mod(t+0.25,0.5)*60)"
    _ffmpeg(
        "-f", "lavfi", "-i", f"aevalsrc='{pad}+{kick}+{tick}':s=44100:d={seconds}",
        "-af", "afade=t=in:d=0.5", str(path),
    )  # fmt: skip
    return path
