"""On-screen text in every script: each text gets a font that has all its glyphs, Chinese works
with the font the package ships, and a character no font has fails in one line naming what to
install instead of coming out as boxes."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter, ImageStat

from nemo_tui.api.draft import Draft, Segment, SegmentMeta, Track, TrackMeta
from nemo_tui.engine.render import fonts
from nemo_tui.engine.render.renderer import RenderError, RenderOptions, render
from tests.support import frame_at

TITLE = "夏季促销"
OPTIONS = RenderOptions(height=180, preset="ultrafast")
CELL = (32, 32)
# Measured: distinct glyphs of the title differ by 0.28-0.34, boxes by 0.02-0.11.
GLYPHS_DIFFER = 0.2


def title_draft(text: str) -> Draft:
    """One second of `text`, big, alone on black."""
    draft = Draft.blank(width=1920, height=1080)
    segment = Segment(id="t1", st=0, d=1000, m=SegmentMeta(text=text, size=280))
    draft.t.append(Track(id="x1", tt=7, m=TrackMeta(name="text"), sg=[segment]))
    return draft


def glyph_cells(frame: Image.Image, count: int) -> list[Image.Image]:
    """The inked area of a frame cut into `count` equal cells side by side (CJK glyphs are all
    one em wide, so each cell holds one glyph)."""
    ink = frame.convert("L").point(lambda v: 255 if v > 128 else 0)
    box = ink.getbbox()
    assert box is not None, "nothing was drawn"
    left, top, right, bottom = box
    width = (right - left) / count
    cells = []
    for i in range(count):
        cell = ink.crop((round(left + i * width), top, round(left + (i + 1) * width), bottom))
        # Each glyph cut to its own ink and brought to one size, so a pixel of misalignment
        # between cells does not count as a difference.
        cell = cell.crop(cell.getbbox() or (0, 0, cell.width, cell.height))
        cells.append(cell.resize(CELL).filter(ImageFilter.GaussianBlur(1)))
    return cells


def unlike(a: Image.Image, b: Image.Image) -> float:
    """How different two glyph cells are: 0 (same picture) to 1 (ink exactly where the other
    has none)."""
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0] / 255


@pytest.fixture
def no_system_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh machine: DejaVu for Latin, no fontconfig, so only the shipped font has CJK."""
    monkeypatch.setattr(fonts, "_fc_match", lambda pattern: None)
    fonts.covers.cache_clear()


async def test_chinese_title_draws_four_different_glyphs_with_the_shipped_font(
    tmp_path: Path, no_system_fonts: None
) -> None:
    assert fonts.font_for(TITLE) == fonts.BUNDLED_CJK
    result = await render(title_draft(TITLE), {}, tmp_path / "title.mp4", OPTIONS)
    cells = glyph_cells(frame_at(result.path, 0.5), len(TITLE))
    # Boxes would be the same picture four times over; real glyphs differ from one another.
    for i, first in enumerate(cells):
        for second in cells[i + 1 :]:
            assert unlike(first, second) > GLYPHS_DIFFER


async def test_the_cell_comparison_sees_boxes_as_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above must be able to fail: DejaVu draws the title as four equal boxes."""
    monkeypatch.setattr(fonts, "font_for", lambda text: fonts.DEJAVU_SANS)
    monkeypatch.setattr("nemo_tui.engine.render.renderer.font_for", fonts.font_for)
    result = await render(title_draft(TITLE), {}, tmp_path / "boxes.mp4", OPTIONS)
    cells = glyph_cells(frame_at(result.path, 0.5), len(TITLE))
    assert max(unlike(cells[0], other) for other in cells[1:]) < GLYPHS_DIFFER


async def test_a_character_no_font_has_fails_in_one_line_naming_what_to_install(
    tmp_path: Path, no_system_fonts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "BUNDLED_CJK", tmp_path / "absent.otf")
    with pytest.raises(RenderError) as caught:
        await render(title_draft(f"Sale {TITLE}"), {}, tmp_path / "never.mp4", OPTIONS)
    message = str(caught.value)
    assert "\n" not in message
    assert "'夏' (U+590F" in message and "fonts-noto-cjk" in message
    assert not (tmp_path / "never.mp4").exists()


def test_latin_text_keeps_dejavu_and_mixed_text_gets_one_font_for_all(
    no_system_fonts: None,
) -> None:
    assert fonts.font_for("Summer sale -50%") == fonts.DEJAVU_SANS
    mixed = "Summer 夏季促销 50%！「新品」"
    chosen = fonts.font_for(mixed)
    assert all(fonts.covers(chosen, char) for char in mixed if not char.isspace())


def test_a_system_font_for_the_language_comes_before_the_shipped_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where fontconfig knows a font for Chinese, that one is used (its glyph forms are the
    machine's choice); a language font that lacks the characters is passed over."""
    system_font = tmp_path / "system-zh.otf"
    system_font.write_bytes(fonts.BUNDLED_CJK.read_bytes())
    answers = {":lang=zh": system_font}
    monkeypatch.setattr(fonts, "_fc_match", answers.get)
    assert fonts.font_for(TITLE) == system_font
    answers[":lang=zh"] = fonts.DEJAVU_SANS  # fontconfig's best guess, without Han glyphs
    assert fonts.font_for(TITLE) == fonts.BUNDLED_CJK


def test_the_shipped_font_and_its_licence_are_package_data() -> None:
    folder = resources.files("nemo_tui.engine.render") / "fonts"
    assert "SIL OPEN FONT LICENSE Version 1.1" in (folder / "OFL.txt").read_text("utf-8")
    font = Path(str(folder / fonts.BUNDLED_CJK.name))
    assert font.stat().st_size < 4_000_000
    # GB 2312's first and last Han characters, common ones, and the punctuation titles use.
    for char in "啊齄的一是夏季促销，。！？“”「」『』、…":
        assert fonts.covers(font, char), char
