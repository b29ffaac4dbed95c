"""Which font draws a piece of on-screen text: one that has a glyph for every character in it.

drawtext takes one font file per text and draws a character the font lacks as an empty box, so
a Chinese title in DejaVu Sans comes out as four identical boxes. For each text the candidates
are tried in order and the first that covers every character wins:

1. DejaVu Sans (Latin, Greek, Cyrillic), else whatever fontconfig calls "sans";
2. the system's font for the text's language (`fc-match :lang=zh`), so Chinese, Japanese and
   Korean get their own glyph forms where the machine has them;
3. any system font fontconfig says holds the characters (`fc-match :charset=...`);
4. the CJK font shipped with the package (Noto Sans CJK SC cut to GB 2312, made by
   scripts/make_cjk_font.py), so Chinese works on a fresh machine with `pip install` alone.

Coverage is checked by drawing: a character the font lacks draws the font's .notdef glyph, the
same picture an unassigned code point draws. fontconfig is only asked, never required.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from nemo_tui.engine.render.ffmpeg import MissingToolError

DEJAVU_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
BUNDLED_CJK = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-GB2312.otf"

# A code point no font maps (the last private-use one of plane 16): it always draws .notdef.
_UNMAPPED = "\U0010fffd"
_PROBE_SIZE = 32
# Fonts fontconfig is asked for: a text's characters beyond this many are not named in the query.
_CHARSET_QUERY_LIMIT = 64
_FC_TIMEOUT_S = 10


class MissingFontError(MissingToolError):
    """No font on this machine, nor the shipped one, has a glyph for a character of a text."""


def font_for(text: str) -> Path:
    """The font file drawtext should use for `text`; MissingFontError (one line) if none has
    every character, naming the first missing one and what to install."""
    needed = _drawn_characters(text)
    tried: list[Path] = []
    for candidate in _candidates(needed):
        if candidate in tried:
            continue
        tried.append(candidate)
        if all(covers(candidate, char) for char in needed):
            return candidate
    if not tried:
        raise MissingToolError(
            "no font found for on-screen text: install fonts-dejavu-core "
            "(or any font fontconfig knows)"
        )
    missing = next(c for c in needed if not any(covers(font, c) for font in tried))
    raise MissingFontError(
        f"no font here can draw {missing!r} (U+{ord(missing):04X}, "
        f"{unicodedata.name(missing, 'unnamed').lower()}): install {_advice(missing)} "
        "and render again"
    )


def default_font() -> Path:
    """The font for Latin text (DejaVu Sans, else fontconfig's "sans")."""
    return font_for("A")


def _drawn_characters(text: str) -> list[str]:
    # Whitespace and control characters draw nothing, so no font needs a glyph for them.
    seen = dict.fromkeys(c for c in text if not c.isspace() and unicodedata.category(c)[0] != "C")
    return list(seen)


def _candidates(needed: list[str]) -> Iterator[Path]:
    latin = DEJAVU_SANS if DEJAVU_SANS.is_file() else _fc_match("sans")
    if latin is not None:
        yield latin
    language = _language_of(needed)
    if language is not None:
        found = _fc_match(f":lang={language}")
        if found is not None:
            yield found
    if needed:
        charset = " ".join(f"{ord(c):x}" for c in needed[:_CHARSET_QUERY_LIMIT])
        found = _fc_match(f"sans:charset={charset}")
        if found is not None:
            yield found
    if BUNDLED_CJK.is_file():
        yield BUNDLED_CJK


def _language_of(chars: list[str]) -> str | None:
    """The CJK language a text is in, from its script: kana → ja, hangul → ko, Han → zh."""
    names = [unicodedata.name(c, "") for c in chars]
    if any(n.startswith(("HIRAGANA", "KATAKANA")) for n in names):
        return "ja"
    if any(n.startswith("HANGUL") for n in names):
        return "ko"
    if any(n.startswith("CJK") for n in names):
        return "zh"
    return None


def _advice(char: str) -> str:
    name = unicodedata.name(char, "")
    if name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO")):
        return "a CJK font (Debian/Ubuntu: fonts-noto-cjk)"
    if unicodedata.category(char) == "So":
        return "a symbol or emoji font (Debian/Ubuntu: fonts-noto-color-emoji, fonts-symbola)"
    return "a font for that script (Debian/Ubuntu: fonts-noto)"


@functools.cache
def _fc_match(pattern: str) -> Path | None:
    """The file fontconfig picks for `pattern`, or None without fontconfig."""
    fc_match = shutil.which("fc-match")
    if not fc_match:
        return None
    try:
        found = subprocess.run(
            [fc_match, "-f", "%{file}", pattern],
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
            timeout=_FC_TIMEOUT_S,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = Path(found) if found else None
    return path if path is not None and path.is_file() else None


@functools.cache
def covers(font: Path, char: str) -> bool:
    """Whether `font` (its first face, which is the one drawtext loads) has a glyph for `char`."""
    try:
        return _picture(font, char) != _picture(font, _UNMAPPED)
    except OSError:  # not a font FreeType can open
        return False


@functools.cache
def _picture(font: Path, char: str) -> bytes:
    face = _face(font)
    canvas = Image.new("L", (_PROBE_SIZE * 2, _PROBE_SIZE * 2))
    ImageDraw.Draw(canvas).text((_PROBE_SIZE // 2, _PROBE_SIZE // 2), char, font=face, fill=255)
    return canvas.tobytes()


@functools.cache
def _face(font: Path) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font), _PROBE_SIZE, layout_engine=ImageFont.Layout.BASIC)
