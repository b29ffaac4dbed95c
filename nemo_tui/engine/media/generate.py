"""The engine's stand-in for AI video generation: a procedural ffmpeg scene whose colours come from
the prompt ("sunset" is orange and purple, "ocean" is blue), slowly drifting, with a city skyline
silhouette when the prompt asks for a city. There is no generative model here, and nothing pretends
otherwise: the agent says so when it uses this.
"""

from __future__ import annotations

import colorsys
import hashlib
import random
import re
from pathlib import Path

from nemo_tui.engine.render.ffmpeg import run_ffmpeg

FPS = 30
MAX_SECONDS = 600.0
# The sky is drawn this much taller than the frame and the frame slides down it: slow movement
# for the price of a crop.
SKY_OVERSIZE = 1.5

# (keywords, colours top to bottom). The first theme with a matching keyword wins, so "sunset over
# a city" is a sunset that also gets a skyline. English keywords match whole words (plural too).
THEMES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("sunset", "sunrise", "dusk", "dawn", "golden hour", "日落", "夕阳", "黄昏", "日出"),
        ("#1b1f4b", "#6a2c70", "#e8505b", "#ff9a3c"),
    ),
    (
        ("fire", "flame", "lava", "volcano", "火"),
        ("#2b0a05", "#9b1d0c", "#e63b0e", "#ffb627"),
    ),
    (
        ("ocean", "sea", "beach", "wave", "underwater", "lake", "海", "湖", "浪"),
        ("#a7d8f0", "#3e8ed0", "#145da0", "#0b2545"),
    ),
    (
        ("forest", "jungle", "tree", "wood", "meadow", "grass", "森林", "树", "草"),
        ("#d8f3dc", "#74c69d", "#2d6a4f", "#10301f"),
    ),
    (
        ("snow", "winter", "ice", "glacier", "frost", "雪", "冬", "冰"),
        ("#ffffff", "#e3f2fd", "#bbdefb", "#90caf9"),
    ),
    (
        ("night", "city", "skyline", "neon", "street", "夜", "城市", "街"),
        ("#03041a", "#0b1a4a", "#1c2f7a", "#3a2d6b"),
    ),
)
CITY_WORDS = ("city", "skyline", "downtown", "building", "城市", "高楼")
NIGHT_WORDS = ("night", "neon", "夜")
BUILDING_COLOR = "0x0a0a12"
WINDOW_COLOR = "0xffd166"


def _mentions(prompt: str, words: tuple[str, ...]) -> bool:
    text = prompt.lower()
    for word in words:
        if word.isascii():
            if re.search(rf"\b{re.escape(word)}(s|es|y)?\b", text):
                return True
        elif word in text:
            return True
    return False


def scene_colors(prompt: str) -> list[str]:
    """Four `#rrggbb` colours, top of the sky to the bottom, for a prompt. Prompts that match no
    theme get colours derived from a hash of the prompt: the same prompt, the same scene."""
    for words, theme in THEMES:
        if _mentions(prompt, words):
            return list(theme)
    digest = hashlib.sha256(prompt.strip().lower().encode("utf-8")).digest()
    base_hue = digest[0] / 255
    colors: list[str] = []
    for step in range(4):
        hue = (base_hue + step * (0.06 + digest[1] / 255 * 0.1)) % 1.0
        lightness = 0.25 + step * 0.12
        saturation = 0.55 + digest[2 + step] / 255 * 0.35
        red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
        colors.append(f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}")
    return colors


def _skyline(prompt: str, width: int, height: int, night: bool) -> list[str]:
    """drawbox filters for a row of buildings along the bottom (and lit windows at night),
    laid out from a seed of the prompt so a prompt always gets the same skyline."""
    rng = random.Random(hashlib.sha256(prompt.encode("utf-8")).digest())
    boxes: list[str] = []
    x = 0
    while x < width:
        building_w = rng.randint(width // 24, width // 9)
        building_h = rng.randint(height // 8, height // 2)
        top = height - building_h
        boxes.append(
            f"drawbox=x={x}:y={top}:w={building_w}:h={building_h}:color={BUILDING_COLOR}:t=fill"
        )
        if night:
            window = max(2, width // 160)
            for _ in range(rng.randint(1, 3)):
                wx = x + rng.randint(window, max(window, building_w - 2 * window))
                wy = top + rng.randint(window, max(window, building_h - 2 * window))
                boxes.append(
                    f"drawbox=x={wx}:y={wy}:w={window}:h={window}:color={WINDOW_COLOR}:t=fill"
                )
        x += building_w
    return boxes


def scene_filter(prompt: str, seconds: float, width: int, height: int) -> str:
    """The filter graph (source chains ending in [v]) for a prompt's scene."""
    colors = scene_colors(prompt)
    sky_h = round(height * SKY_OVERSIZE / 2) * 2
    # One pixel per colour, stacked, then stretched: bilinear scaling turns the strip into a
    # smooth vertical gradient for the cost of one small scale per frame. RGB, because 4:2:0
    # chroma would average neighbouring swatches and leave hard colour bands.
    swatches = [
        f"color=c={color.replace('#', '0x')}:s=1x1:r={FPS}:d={seconds:.6f},format=rgb24[c{index}]"
        for index, color in enumerate(colors)
    ]
    strip = "".join(f"[c{index}]" for index in range(len(colors)))
    sky = f"{strip}vstack=inputs={len(colors)},scale={width}:{sky_h}:flags=bilinear"
    # Slide the frame from the top of the sky towards its bottom over the whole scene.
    drift = f"crop={width}:{height}:0:{sky_h - height}*t/{seconds:.6f}"
    filters = [sky, drift]
    if _mentions(prompt, CITY_WORDS):
        filters += _skyline(prompt, width, height, night=_mentions(prompt, NIGHT_WORDS))
    filters.append("format=yuv420p")
    return ";".join(swatches) + ";" + ",".join(filters) + "[v]"


async def generate_scene(
    prompt: str, seconds: float, out_path: Path, width: int = 640, height: int = 360
) -> Path:
    """Render the prompt's procedural scene: an H.264 MP4 of exactly `seconds`, no audio."""
    if not 0 < seconds <= MAX_SECONDS:
        raise ValueError(
            f"scene length {seconds:g} s is out of range: use at most {MAX_SECONDS:g} s, above 0"
        )
    if width < 16 or height < 16:
        raise ValueError(f"scene size {width}x{height} is too small: use at least 16x16")
    width, height = width // 2 * 2, height // 2 * 2
    out_path.parent.mkdir(parents=True, exist_ok=True)
    temp_path = out_path.with_name(f"{out_path.stem}.tmp.mp4")
    args = [
        "-filter_complex",
        scene_filter(prompt, seconds, width, height),
        "-map",
        "[v]",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-crf",
        "23",
        "-r",
        str(FPS),
        "-t",
        f"{seconds:.6f}",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        str(temp_path),
    ]
    try:
        await run_ffmpeg(args, seconds, None)
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    temp_path.replace(out_path)
    return out_path
