"""Hardening fixtures: the shared engine fixtures (tests/conftest.py) and the photos turns use."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def photos(media_dir: Path) -> list[Path]:
    return [media_dir / f"photo{index}.jpg" for index in range(1, 4)]
