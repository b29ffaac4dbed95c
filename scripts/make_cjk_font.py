"""Make the CJK font the package ships for on-screen text: Noto Sans CJK SC cut down to GB 2312.

A fresh machine often has no font with Chinese glyphs, and drawtext would then draw every Han
character as the same empty box. So the package carries a subset of Noto Sans CJK SC (SIL Open
Font License 1.1; its licence sits beside the font as OFL.txt) holding the 7,445 characters of
GB 2312, ASCII and the punctuation Chinese text uses. Used only when fontconfig finds no system
font for the text (see nemo_tui/engine/render/fonts.py).

The source is Debian's fonts-noto-cjk package, fetched and unpacked without installing it:

    apt-get download fonts-noto-cjk
    .venv/bin/python scripts/make_cjk_font.py fonts-noto-cjk_*.deb

(a NotoSansCJK-Regular.ttc path works too). Needs fontTools (in the dev extra).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "nemo_tui/engine/render/fonts/NotoSansSC-GB2312.otf"
TTC_IN_DEB = "usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SC_FACE_NAME = "Noto Sans CJK SC"

# Punctuation and symbols Chinese (and mixed Latin) text uses that GB 2312 leaves out or that
# sit in other blocks: general punctuation, CJK symbols and punctuation, full-width forms.
EXTRA_RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: ©, °, ·, accented letters in brand names
    (0x2010, 0x2027),  # dashes, quotes “”‘’, ellipsis …
    (0x2030, 0x203A),  # per mille, primes, ‹ ›
    (0x20AC, 0x20AC),  # €
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、。「」『』【】〈〉
    (0xFF01, 0xFF5E),  # full-width forms: ！（），：；？
    (0xFFE0, 0xFFE6),  # full-width ￥ ￡
)


def gb2312_characters() -> set[str]:
    """Every character GB 2312 encodes (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    found: set[str] = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                found.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return found


def characters() -> set[str]:
    chars = gb2312_characters()
    for first, last in EXTRA_RANGES:
        chars.update(chr(code) for code in range(first, last + 1))
    return chars


def ttc_from(source: Path, workdir: Path) -> Path:
    if source.suffix != ".deb":
        return source
    subprocess.run(["dpkg-deb", "-x", str(source), str(workdir)], check=True)
    return workdir / TTC_IN_DEB


def make(source: Path, output: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        collection = TTCollection(str(ttc_from(source, Path(tmp))))
        faces = [f for f in collection.fonts if f["name"].getDebugName(4) == SC_FACE_NAME]
        if not faces:
            sys.exit(f"{source}: no '{SC_FACE_NAME}' face in it")
        font = faces[0]
        options = subset.Options()
        # drawtext lays out horizontal text only: no vertical forms, no hinting (smaller file).
        options.hinting = False
        options.name_IDs = ["*"]  # keep the copyright and licence records
        options.notdef_outline = True  # a missing glyph is a visible box, never nothing
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(ord(char) for char in characters()))
        subsetter.subset(font)
        output.parent.mkdir(parents=True, exist_ok=True)
        font.save(str(output))
    print(f"{output}: {output.stat().st_size / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="fonts-noto-cjk .deb or NotoSansCJK-Regular.ttc")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    make(args.source, args.output)


if __name__ == "__main__":
    main()
