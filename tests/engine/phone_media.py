"""Media files as phones and cameras make them, each with its property really in the file (not a
file merely named like it): made with the ffmpeg of imageio-ffmpeg and with Pillow, small and quick.

Pictures carry marks a test can find again in a render: a dark disc (round only when the aspect
is right), red above blue (upright only when the rotation was applied), coloured ends (present
only when the whole width is shown).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
from PIL import Image, ImageDraw

RED = (230, 30, 30)
BLUE = (30, 60, 230)
GREEN = (30, 200, 60)
GREY = (128, 128, 128)
# EXIF's Orientation tag, and its value for "turn the stored picture 90 degrees clockwise".
EXIF_ORIENTATION = 0x0112
ROTATE_CLOCKWISE = 6


def ffmpeg(*args: str) -> None:
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args]
    subprocess.run(command, check=True, stdin=subprocess.DEVNULL, timeout=120)


def has_encoder(name: str) -> bool:
    listed = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-encoders"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return any(line.split()[1:2] == [name] for line in listed.splitlines() if line.strip())


def upright_picture(width: int, height: int) -> Image.Image:
    """Red in the top half, blue in the bottom half: upright only if the top stays on top."""
    picture = Image.new("RGB", (width, height), BLUE)
    ImageDraw.Draw(picture).rectangle((0, 0, width, height // 2 - 1), fill=RED)
    return picture


def anamorphic_clip(path: Path, seconds: float = 2.0) -> Path:
    """A 240x180 H.264 clip with 4:3 pixels (SAR 4:3, shown 320x180), holding a disc that is
    round only when shown with its pixels 4:3 wide: drawn 90 stored pixels wide, 120 high."""
    ffmpeg(
        "-f", "lavfi", "-i", f"color=c=white:s=320x180:r=25:d={seconds}",
        "-vf", "geq=lum='if(lt(hypot(X-160,Y-90),60),16,235)':cb=128:cr=128,"
        "scale=240:180,setsar=4/3",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path),
    )  # fmt: skip
    return path


def animated_gif(path: Path, frames: int = 10, size: tuple[int, int] = (160, 90)) -> Path:
    """A looping GIF of `frames` frames at 10 per second: a green square crossing a grey field."""
    width, height = size
    pictures = []
    for index in range(frames):
        picture = Image.new("RGB", size, GREY)
        left = index * (width - height // 2) // frames
        ImageDraw.Draw(picture).rectangle((left, 0, left + height // 2, height - 1), fill=GREEN)
        pictures.append(picture)
    pictures[0].save(path, save_all=True, append_images=pictures[1:], duration=100, loop=0)
    return path


def panorama(path: Path, width: int = 12000, height: int = 200) -> Path:
    """A JPEG far wider than high (or far higher than wide): grey, with a red band at its left
    (top) end and a blue one at its right (bottom) end."""
    picture = Image.new("RGB", (width, height), GREY)
    draw = ImageDraw.Draw(picture)
    band = max(width, height) // 30
    if width >= height:
        draw.rectangle((0, 0, band, height - 1), fill=RED)
        draw.rectangle((width - band - 1, 0, width - 1, height - 1), fill=BLUE)
    else:
        draw.rectangle((0, 0, width - 1, band), fill=RED)
        draw.rectangle((0, height - band - 1, width - 1, height - 1), fill=BLUE)
    picture.save(path, quality=90)
    return path


def truncated_mp4(path: Path, seconds: float = 3.0, kept: float = 0.5) -> Path:
    """A clip with sound whose index is at the front (a web download), cut after `kept` of its
    bytes, as a download that stopped half way leaves it."""
    whole = path.with_name(f"whole-{path.name}")
    ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=s=320x180:r=25:d={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest", "-movflags", "+faststart", str(whole),
    )  # fmt: skip
    data = whole.read_bytes()
    whole.unlink()
    path.write_bytes(data[: int(len(data) * kept)])
    return path


def truncated_jpeg(path: Path, kept: float = 0.6) -> Path:
    """A photo whose download stopped part way: the JPEG's first `kept` of its bytes."""
    whole = path.with_name(f"whole-{path.name}")
    panorama(whole, width=1200, height=800)
    data = whole.read_bytes()
    whole.unlink()
    path.write_bytes(data[: int(len(data) * kept)])
    return path


def exif_rotated_jpeg(path: Path) -> Path:
    """A portrait photo stored on its side (320x180) with EXIF Orientation 6, as phones save it:
    shown upright (180x320, red on top) only when the orientation is applied."""
    stored = upright_picture(180, 320).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATE_CLOCKWISE
    stored.save(path, quality=90, exif=exif)
    return path


def display_matrix_clip(path: Path, seconds: float = 2.0) -> Path:
    """A portrait phone clip: frames stored on their side (320x180) with a display matrix that
    turns them 90 degrees clockwise, shown upright (red on top) only when it is applied."""
    sideways = path.with_name(f"sideways-{path.name}")
    ffmpeg(
        "-f", "lavfi", "-i", f"color=c=0x1e3ce6:s=320x180:r=25:d={seconds}",
        "-vf", "drawbox=x=0:y=0:w=160:h=180:c=0xe61e1e:t=fill",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(sideways),
    )  # fmt: skip
    # ffmpeg's display rotation counts anticlockwise: -90 turns the left (red) side to the top.
    ffmpeg("-display_rotation", "-90", "-i", str(sideways), "-c", "copy", str(path))
    sideways.unlink()
    return path


def variable_rate_clip(path: Path) -> Path:
    """A clip whose frame rate changes half way (30 frames a second, then 10), as phones record
    in changing light: 1 s at 30 fps then 1 s at 10 fps, timestamps kept as they are."""
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=s=320x180:r=30:d=1.34",
        "-vf", "setpts='if(lt(N,30),N/30,1+(N-30)/10)/TB'",
        "-fps_mode", "vfr", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-video_track_timescale", "90000", str(path),
    )  # fmt: skip
    return path


def ten_bit_clip(path: Path, seconds: float = 2.0) -> Path:
    """A 10-bit clip as recent phones record it: HEVC when this ffmpeg can encode it (tagged
    hvc1, as Apple writes it), else 10-bit H.264."""
    codec = [
        "-c:v",
        "libx265",
        "-preset",
        "ultrafast",
        "-tag:v",
        "hvc1",
        "-x265-params",
        "log-level=error",
    ]
    if not has_encoder("libx265"):
        codec = ["-c:v", "libx264", "-preset", "ultrafast"]
    ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=s=320x180:r=25:d={seconds}",
        *codec, "-pix_fmt", "yuv420p10le", str(path),
    )  # fmt: skip
    return path


def uhd_60_clip(path: Path, seconds: float = 0.5) -> Path:
    """A 3840x2160 clip at 60 frames a second (kept short: it is the size that counts)."""
    # A flat field with a moving box: a test pattern this size costs seconds to draw.
    ffmpeg(
        "-f", "lavfi", "-i", f"color=c=0x2a9d8f:s=3840x2160:r=60:d={seconds}",
        "-vf", "drawbox=x='t*4000':y=800:w=400:h=400:c=white:t=fill",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path),
    )  # fmt: skip
    return path


def surround_audio(path: Path, seconds: float = 3.0) -> Path:
    """An AAC track in 5.1 (six channels, a different tone in each)."""
    tones = "|".join(f"0.3*sin(2*PI*{220 * (k + 1)}*t)" for k in range(6))
    ffmpeg(
        "-f", "lavfi", "-i", f"aevalsrc={tones}:c=5.1:s=48000:d={seconds}",
        "-c:a", "aac", str(path),
    )  # fmt: skip
    return path


def cmyk_jpeg(path: Path) -> Path:
    """A JPEG in CMYK (as print workflows and some cameras save it): upright red over blue."""
    upright_picture(320, 180).convert("CMYK").save(path, quality=90)
    return path


def sixteen_bit_png(path: Path) -> Path:
    """A PNG of 16 bits per channel (rgb48), red over blue."""
    eight_bit = path.with_name(f"eight-{path.name}")
    upright_picture(320, 180).save(eight_bit)
    ffmpeg("-i", str(eight_bit), "-pix_fmt", "rgb48be", str(path))
    eight_bit.unlink()
    return path


def webp_still(path: Path) -> Path:
    """A still WebP (lossy), red over blue."""
    upright_picture(320, 180).save(path, quality=90)
    return path


def audio_with_cover(path: Path, seconds: float = 3.0) -> Path:
    """An MP3 carrying its album cover as an attached picture (ID3 APIC)."""
    cover = path.with_name(f"cover-{path.stem}.jpg")
    upright_picture(200, 200).save(cover)
    ffmpeg(
        "-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}", "-i", str(cover),
        "-map", "0:a", "-map", "1:v", "-c:a", "libmp3lame", "-c:v", "copy",
        "-disposition:v", "attached_pic", "-id3v2_version", "3", str(path),
    )  # fmt: skip
    cover.unlink()
    return path


def broken_clip(path: Path) -> Path:
    """A file named like a clip holding no media: the head of an MP4 box, then noise."""
    noise = bytes((index * 73 + 41) % 256 for index in range(64 * 1024))
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + noise)
    return path
