"""Product-shoot stills for the demo, drawn with Pillow: a shaded object on a studio backdrop
(a lit sweep with a soft floor shadow), each photo a different product, and a logo with a word.

Nothing is downloaded and no font is needed (Pillow's own scalable font draws the words), so
`nemo-tui --demo` makes a first video that looks like a small product promo, not a test card.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

Color = tuple[int, int, int]


@dataclass(frozen=True)
class Shoot:
    """One photo: the backdrop's top and floor colours and the product drawn on it."""

    top: Color
    floor: Color
    product: Callable[[Image.Image, int, int, int], None]  # (photo, centre x, floor y, scale)


def _mix(a: Color, b: Color, share: float) -> Color:
    return (
        round(a[0] + (b[0] - a[0]) * share),
        round(a[1] + (b[1] - a[1]) * share),
        round(a[2] + (b[2] - a[2]) * share),
    )


def _lit(color: Color, light: float) -> Color:
    """`color` under `light` (0 dark, 1 as is, up to 2 towards white)."""
    if light <= 1:
        return _mix((0, 0, 0), color, light)
    return _mix(color, (255, 255, 255), min(1.0, light - 1))


def _backdrop(size: tuple[int, int], top: Color, floor: Color) -> Image.Image:
    """A paper sweep: the wall fades into the floor, with a soft key light behind the product."""
    width, height = size
    column = Image.new("RGB", (1, height))
    horizon = 0.62
    for y in range(height):
        share = y / height
        if share < horizon:
            color = _mix(top, floor, (share / horizon) ** 2)
        else:
            color = _lit(floor, 1.0 - 0.25 * (share - horizon) / (1 - horizon))
        column.putpixel((0, y), color)
    photo = column.resize(size)
    glow = Image.radial_gradient("L").resize((width, round(height * 1.3)))
    glow = ImageChops.invert(glow).crop((0, 0, width, height)).point(lambda v: v * 0.45)
    return Image.composite(Image.new("RGB", size, (255, 255, 255)), photo, glow)


def _shadow(photo: Image.Image, cx: int, floor: int, half_width: int) -> None:
    mask = Image.new("L", photo.size)
    ImageDraw.Draw(mask).ellipse(
        (cx - half_width, floor - half_width // 7, cx + half_width, floor + half_width // 7),
        fill=150,
    )
    mask = mask.filter(ImageFilter.GaussianBlur(max(2, half_width // 6)))
    photo.paste((20, 20, 24), mask=mask)


def _cylinder(size: tuple[int, int], color: Color, shine: float = 1.6) -> Image.Image:
    """A vertical cylinder's shading: lit from the upper left, a bright streak, dark edges."""
    width = size[0]
    row = Image.new("RGB", (width, 1))
    for x in range(width):
        across = (x + 0.5) / width * 2 - 1  # -1 left edge .. 1 right edge
        facing = math.sqrt(max(0.0, 1 - across * across))
        light = 0.35 + 0.75 * facing * (1 - 0.35 * across)
        streak = math.exp(-(((across + 0.45) / 0.09) ** 2)) * (shine - 1)
        row.putpixel((x, 0), _lit(color, light + streak))
    return row.resize(size)


def _paste_rounded(
    photo: Image.Image, piece: Image.Image, box: tuple[int, int], radius: int
) -> None:
    mask = Image.new("L", piece.size)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, *piece.size), radius=radius, fill=255)
    photo.paste(piece, box, mask)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _bottle(photo: Image.Image, cx: int, floor: int, scale: int) -> None:
    """A perfume bottle: a glass body, a metal cap and a label with the brand's word."""
    body_w, body_h = scale * 2, round(scale * 2.6)
    _shadow(photo, cx, floor, round(body_w * 0.75))
    body = _cylinder((body_w, body_h), (214, 120, 150), shine=1.9)
    _paste_rounded(photo, body, (cx - body_w // 2, floor - body_h), scale // 3)
    neck_w, neck_h = scale // 2, scale // 3
    neck = _cylinder((neck_w, neck_h), (190, 190, 196))
    photo.paste(neck, (cx - neck_w // 2, floor - body_h - neck_h))
    cap_w, cap_h = round(scale * 0.9), round(scale * 0.8)
    cap = _cylinder((cap_w, cap_h), (40, 40, 46), shine=2.0)
    _paste_rounded(photo, cap, (cx - cap_w // 2, floor - body_h - neck_h - cap_h), scale // 8)
    draw = ImageDraw.Draw(photo)
    label_top = floor - round(body_h * 0.62)
    draw.rectangle(
        (cx - body_w // 3, label_top, cx + body_w // 3, label_top + scale // 2),
        fill=(250, 244, 236),
    )
    draw.text((cx, label_top + scale // 4), "AURA", font=_font(scale // 3), fill=(90, 40, 60),
              anchor="mm")  # fmt: skip


def _mug(photo: Image.Image, cx: int, floor: int, scale: int) -> None:
    """A coffee mug: a glazed body, a dark rim with coffee in it and a handle."""
    body_w, body_h = round(scale * 2.2), round(scale * 2.0)
    left = cx - body_w // 2
    _shadow(photo, cx + scale // 3, floor, round(body_w * 0.8))
    draw = ImageDraw.Draw(photo)
    handle = (left + body_w - scale // 3, floor - round(body_h * 0.8),
              left + body_w + round(scale * 0.8), floor - round(body_h * 0.2))  # fmt: skip
    draw.ellipse(handle, outline=(30, 90, 120), width=max(3, scale // 5))
    body = _cylinder((body_w, body_h), (46, 134, 171), shine=1.7)
    _paste_rounded(photo, body, (left, floor - body_h), scale // 6)
    rim = (left, floor - body_h - scale // 5, left + body_w, floor - body_h + scale // 5)
    draw.ellipse(rim, fill=(36, 104, 134))
    inner = (rim[0] + scale // 10, rim[1] + scale // 16, rim[2] - scale // 10, rim[3] - scale // 16)
    draw.ellipse(inner, fill=(74, 44, 30))


def _sneaker(photo: Image.Image, cx: int, floor: int, scale: int) -> None:
    """A running shoe in profile: a white sole, a coloured upper, a stripe and laces."""
    s = scale / 10
    _shadow(photo, cx, floor, round(scale * 2.3))
    draw = ImageDraw.Draw(photo)

    def at(x: float, y: float) -> tuple[float, float]:
        return (cx + x * s, floor + y * s)

    upper = [at(-20, -5), at(-21, -14), at(-17, -20), at(-9, -21), at(-3, -17), at(4, -13),
             at(14, -10), at(21, -7), at(22, -4)]  # fmt: skip
    draw.polygon(upper, fill=(235, 90, 60))
    heel_light = [at(-20, -6), at(-20, -14), at(-16, -19), at(-12, -19), at(-14, -8)]
    draw.polygon(heel_light, fill=(245, 130, 95))
    draw.polygon([at(-12, -8), at(-2, -15), at(8, -10), at(-4, -7)], fill=(250, 245, 240))
    for step in range(4):
        x = -6 + step * 3.5
        draw.line([at(x, -18 + step * 1.6), at(x + 3, -15.5 + step * 1.6)],
                  fill=(250, 250, 250), width=max(2, round(s * 0.8)))  # fmt: skip
    sole = [at(-22, -5), at(23, -5), at(24, -2), at(21, 0), at(-20, 0), at(-22, -2)]
    draw.polygon(sole, fill=(246, 246, 242))
    draw.line([at(-21, -2.5), at(23, -2.5)], fill=(200, 200, 196), width=max(1, round(s * 0.6)))


def _speaker(photo: Image.Image, cx: int, floor: int, scale: int) -> None:
    """A smart speaker: a fabric-covered cylinder with a lit top ring."""
    body_w, body_h = round(scale * 2.0), round(scale * 3.0)
    left, top = cx - body_w // 2, floor - body_h
    _shadow(photo, cx, floor, round(body_w * 0.8))
    body = _cylinder((body_w, body_h), (70, 74, 82), shine=1.3)
    weave = Image.new("L", body.size)
    weave_draw = ImageDraw.Draw(weave)
    for y in range(0, body_h, max(3, scale // 12)):
        weave_draw.line((0, y, body_w, y), fill=40)
    body.paste((20, 20, 24), mask=weave)
    _paste_rounded(photo, body, (left, top), scale // 4)
    draw = ImageDraw.Draw(photo)
    draw.ellipse((left, top - scale // 5, left + body_w, top + scale // 5), fill=(40, 42, 48))
    ring = (left + scale // 4, top - scale // 9, left + body_w - scale // 4, top + scale // 9)
    draw.ellipse(ring, outline=(90, 220, 240), width=max(2, scale // 12))


SHOOTS = (
    Shoot(top=(250, 214, 190), floor=(236, 170, 140), product=_sneaker),
    Shoot(top=(216, 236, 234), floor=(150, 200, 198), product=_bottle),
    Shoot(top=(246, 238, 220), floor=(214, 196, 164), product=_mug),
    Shoot(top=(206, 212, 236), floor=(120, 130, 170), product=_speaker),
)


def make_product_photo(path: Path, index: int, size: tuple[int, int] = (1280, 720)) -> Path:
    """Photo `index` of the shoot (a different product each, cycling), as JPEG or PNG."""
    shoot = SHOOTS[index % len(SHOOTS)]
    photo = _backdrop(size, shoot.top, shoot.floor)
    width, height = size
    shoot.product(photo, width // 2, round(height * 0.8), round(min(width, height) / 7))
    photo.save(path, quality=92)
    return path


def make_logo(path: Path, word: str = "NEMO", size: int = 400) -> Path:
    """A round badge with `word` on it, on a transparent background (PNG)."""
    logo = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.ellipse((4, 4, size - 4, size - 4), fill=(255, 255, 255, 255))
    draw.ellipse((size // 14, size // 14, size - size // 14, size - size // 14),
                 fill=(235, 90, 60, 255))  # fmt: skip
    draw.text((size // 2, size // 2), word, font=_font(size // 4), fill=(255, 255, 255, 255),
              anchor="mm")  # fmt: skip
    logo.save(path)
    return path
