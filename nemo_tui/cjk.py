"""Which characters are Chinese, for the places that treat Chinese text apart: a message's language,
the spacing of an English hint inside Chinese text, and cutting text without spaces into chunks.
"""

from __future__ import annotations

import re

# Character-class ranges for a regex: the unified ideographs, extension A, the compatibility block.
IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# CJK punctuation and full-width forms: not letters, but each stands alone like an ideograph.
PUNCTUATION = "\u3000-\u303f\uff00-\uffef"

_IDEOGRAPH = re.compile(f"[{IDEOGRAPHS}]")


def has_cjk(text: str) -> bool:
    """True when `text` (a message, or one character) holds a Chinese ideograph."""
    return _IDEOGRAPH.search(text) is not None
