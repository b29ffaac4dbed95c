"""Numbers and lengths as people say them, rewritten in digits before a clause is read.

English: "twenty-five seconds" -> "25 seconds", "half a minute" -> "30 seconds", "a minute and a
half" -> "90 seconds", "1:30" -> "90 seconds", "2 minutes 10 seconds" -> "130 seconds".
Chinese: "十秒" -> "10秒", "二十五秒" -> "25秒", "半分钟" -> "30秒", "一分半" -> "90秒",
"第二张" -> "第2张", "百分之三十五" -> "35%". A Chinese numeral is rewritten only beside a unit
or a counter (秒, 张, 个...) or after 第 / 百分之, so 一起 and 一下 stay words.

Ordinal words ("the second photo") are left alone: "second" is a unit only after a number.

Why not text2num and cn2an: text2num's `alpha2digit` reads "a thirty second video" as "a 32nd
video" and "one second" as "1 2nd", exactly the phrases an editor hears most; this grammar covers
what the agent needs (0-99 in words, 0-999 in Chinese, halves, m:ss) in a few patterns that run
on one bounded clause, like every other pattern of the agent (see `words`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from nemo_tui.engine.agent import words

_UNITS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_VALUE = {word: value for value, word in enumerate(_UNITS)} | {
    word: 20 + 10 * index for index, word in enumerate(_TENS)
}
_EN_NUMBER = re.compile(
    r"\b(?:(?P<tens>" + "|".join(_TENS) + r")(?:[- ](?P<ones>one|two|three|four|five|six|seven"
    r"|eight|nine))?|(?P<unit>" + "|".join(_UNITS) + r"))\b"
)
_UNIT_WORDS = r"(?:seconds?|secs?|minutes?|mins?)"
_HALVES = (
    (
        re.compile(r"(?<!and )\b(?:half\s+an?\s+|an?\s+half[- ]|half[- ])(?:minute|min)s?\b"),
        "30 seconds",
    ),
    (re.compile(r"\ban?\s+minute\s+and\s+an?\s+half\b"), "90 seconds"),
    (re.compile(r"\ban?\s+second\s+and\s+an?\s+half\b"), "1.5 seconds"),
    (re.compile(r"\ban?\s+(?=minute\b)"), "1 "),
)
_AND_A_HALF = re.compile(
    r"(?<![\d.])(\d+)\s+(?:and\s+an?\s+half\s+(" + _UNIT_WORDS + r")|(" + _UNIT_WORDS + r")"
    r"\s+and\s+an?\s+half)\b"
)
_CLOCK = re.compile(r"(?<![\d:.])(\d{1,2}):([0-5]\d)(?![\d:])")
# Ratios a person writes for a shape; never a time.
_RATIOS = {(9, 16), (16, 9), (4, 5), (5, 4), (4, 3), (3, 4), (2, 3), (3, 2), (21, 9)}
_MIN_SEC = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:minutes?|mins?|m|分钟?)\s*(?:and\s+)?(?:零\s*)?"
    r"(\d+(?:\.\d+)?)\s*(?:seconds?|secs?|s|秒钟?)(?![a-z])"
)

_ZH_DIGIT = {c: v for v, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_ZH_NUMBER = re.compile(
    r"(?P<pre>第|百分之)?(?P<num>[零〇一二两三四五六七八九十百]+)"
    r"(?P<unit>秒|分|张|个|段|首|条|帧|遍|倍|次|幅|%|％)?"
)
# 一个半分钟 is "a half-minute" (做一个半分钟的视频); 两个半分钟 is two and a half minutes.
_ZH_HALF_MINUTE = re.compile(
    r"(?<![\d.])(?:(\d+)\s*分钟?半|([2-9]|\d\d+)\s*个半分钟|1?\s*个?半分钟)"
)


def zh_number(text: str) -> int | None:
    """A Chinese numeral up to 999 (十五, 二十五, 一百零五, 两), or None."""
    if not text:
        return None
    total = current = 0
    for char in text:
        if char in _ZH_DIGIT:
            current = (
                current * 10 + _ZH_DIGIT[char] if current and char != "零" else _ZH_DIGIT[char]
            )
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def _en_number(match: re.Match[str]) -> str:
    if match.group("unit"):
        return str(_EN_VALUE[match.group("unit")])
    ones = match.group("ones")
    return str(_EN_VALUE[match.group("tens")] + (_EN_VALUE[ones] if ones else 0))


def _zh_number(match: re.Match[str]) -> str:
    pre, unit = match.group("pre") or "", match.group("unit") or ""
    value = zh_number(match.group("num"))
    if value is None or not (pre or unit):
        return match.group(0)
    if pre == "百分之":
        return f"{value}%"
    return f"{pre}{value}{unit}"


def _and_a_half(match: re.Match[str]) -> str:
    unit = match.group(2) or match.group(3)
    return f"{int(match.group(1))}.5 {unit}"


def _clock(match: re.Match[str]) -> str:
    minutes, secs = int(match.group(1)), int(match.group(2))
    if (minutes, secs) in _RATIOS:
        return match.group(0)
    return f"{minutes * 60 + secs} seconds"


def _min_sec(match: re.Match[str]) -> str:
    total = float(match.group(1)) * 60 + float(match.group(2))
    return f"{total:g} seconds"


def _zh_half_minute(match: re.Match[str]) -> str:
    said = match.group(1) or match.group(2)
    minutes = int(said) if said else 0
    return f"{minutes * 60 + 30}秒"


def in_digits(clause: str) -> str:
    """The lower-cased clause (at most `words.WINDOW` characters) with its numbers in digits.
    A rewrite may lengthen the text ("1:30" -> "90 seconds"): each step is cut to one window."""
    steps: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str] | str]] = [
        (_ZH_NUMBER, _zh_number),
        (_ZH_HALF_MINUTE, _zh_half_minute),
    ]
    if any("a" <= char <= "z" for char in clause):
        steps += [(_EN_NUMBER, _en_number), (_AND_A_HALF, _and_a_half), *_HALVES]
    steps += [(_CLOCK, _clock), (_MIN_SEC, _min_sec)]
    text = clause[: words.WINDOW]
    for pattern, new in steps:
        text = words.replace(pattern, new, text)[: words.WINDOW]
    return text
