"""Reading a chat message: which edits it asks for, with their numbers, in English and Chinese.

Pure text work (no draft, no media): `read_request(message)` returns a `Request`. Quoted words are
taken out first, so a title such as 'Salt and Pepper, 50% off' is never read as an instruction.
The message is cut into clauses at punctuation and at "and"/"then" before a new verb; a fragment
with no instruction of its own ("..., for 3 seconds") belongs to the clause before it. A number
of seconds is tied to what its clause asks for: a title's length, a text's start ("at 5 seconds"),
each photo's length ("3 seconds each"), a clip's trim ("to 4 seconds") or the whole video's length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from nemo_tui.api.draft import (
    CANVAS_LANDSCAPE,
    CANVAS_PORTRAIT,
    CANVAS_SQUARE,
    Motion,
    TextPosition,
)
from nemo_tui.engine.agent import words as words

BuildKind = Literal["promo", "slideshow", "animate"]
Role = Literal["bgm", "voice", "clip"]

# Quotes as (opener, closer); their words are taken out before anything else is read.
_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", '"': '"', "'": "'"}
# The longest quoted string read as one (longer ones stay text): it keeps the search for a closing
# quote short, so any number of unclosed quotes costs time in proportion to the message.
MAX_QUOTE = 200
# The longest clause: half a pattern window, as lower-casing may double a character (İ).
CLAUSE_LIMIT = words.WINDOW // 2
_HARD_BREAKS = str.maketrans(dict.fromkeys(",;，；。!！?？", "\n"))
_SLOT = "\ue000{}\ue001"
_SLOT_RE = re.compile("\ue000([a-z])\ue001")

_ZH_DIGITS = {char: value for value, char in enumerate("零一二三四五六七八九")} | {"两": 2}
_EN_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "sixty": 60,
}  # fmt: skip
_NUMBER = (
    r"((?<![\d.])\d+(?:\.\d+)?|[零一二两三四五六七八九十]{1,3}|(?<![a-z])(?:"
    + "|".join(_EN_NUMBERS)
    + r")(?![a-z]))"
)
_DURATION = re.compile(_NUMBER + r"\s*-?\s*(seconds?|secs?|s|minutes?|mins?|秒钟?|分钟)(?![a-z])")
_PROMPT_AFTER = re.compile(
    r"\b(?:video|clip|scene|footage|film)\s+(?:of|showing|about|featuring|depicting|with)\s+(.+)",
    re.I | re.S,
)
_PROMPT_FILLER = re.compile(
    r"\b(?:please|can you|could you|generate|me|a|an|video|clip|scene|of)\b"
    r"|请|帮我|给我|生成|一个|一段|一条|视频|短片|的",
    re.I,
)
_PERCENT = re.compile(
    r"((?<![\d.])\d+(?:\.\d+)?)\s*(?:[%％]|percent\b)|百分之([零一二两三四五六七八九十]+|\d+)"
)


@dataclass(frozen=True)
class TextAsk:
    """A title or text overlay the message asks for. `text` is None when no words were quoted."""

    kind: Literal["title", "text"]
    text: str | None
    seconds: float | None = None
    start: float | None = None
    pos: TextPosition | None = None


@dataclass
class Request:
    """Everything one message asks for. Unset fields mean "not asked"."""

    build: BuildKind | None = None
    text_overlays: bool = False
    generate: bool = False
    generate_prompt: str = ""
    generate_seconds: float | None = None
    length_s: float | None = None
    each_s: float | None = None
    trim_s: float | None = None
    canvas: tuple[int, int] | None = None
    transition: str | None = None
    motion: Motion | None = None
    motion_target: int | None = None
    texts: list[TextAsk] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    volumes: dict[Role, float] = field(default_factory=dict)
    add_audio: list[Role] = field(default_factory=list)
    # Asks for what is *in* a picture to move (shoes running, a bird flying), which no rule can do.
    subject_motion: bool = False

    def asks_anything(self) -> bool:
        return any(
            (
                self.build, self.generate, self.length_s, self.each_s, self.trim_s, self.canvas,
                self.transition, self.motion, self.texts, self.remove, self.volumes,
                self.add_audio,
            )
        )  # fmt: skip


def is_undo(message: str) -> bool:
    """True for "undo", "revert", "go back", 撤销 and the like (quoted words do not count)."""
    return words.found(words.UNDO, _take_quotes(_tidy(message))[0].lower())


def _tidy(message: str) -> str:
    """Each run of spaces as one space and each run of line breaks as one, so no pattern ever
    meets a long run of blanks (string methods only: linear whatever the text)."""
    lines = (" ".join(line.split()) for line in message.splitlines())
    return "\n".join(line for line in lines if line)


def _is_word_char(text: str, index: int) -> bool:
    # Latin letters and digits only: "don't" is a word, while in 加标题'夏季促销' the CJK letters
    # touching the quotes do not stop them being quotes.
    char = text[index] if 0 <= index < len(text) else ""
    return char.isascii() and (char.isalnum() or char == "_")


def _closing(text: str, start: int, opener: str) -> int:
    """Where the quote opened at `start` closes (-1: not within MAX_QUOTE characters). A single
    quote counts only outside a word ("don't" opens nothing) and holds at least one character."""
    closer = _QUOTES[opener]
    limit = min(len(text), start + MAX_QUOTE + 2)
    if opener != "'":
        return text.find(closer, start + 1, limit)
    if _is_word_char(text, start - 1):
        return -1
    end = text.find("'", start + 2, limit)
    while end != -1 and _is_word_char(text, end + 1):
        end = text.find("'", end + 1, limit)
    return end


def _take_quotes(text: str) -> tuple[str, list[str]]:
    """`text` with each quoted string replaced by a slot, and the strings in order. One pass, and
    each closing quote is looked for within MAX_QUOTE characters only."""
    quotes: list[str] = []
    pieces: list[str] = []
    done = index = 0
    while index < len(text):
        char = text[index]
        end = _closing(text, index, char) if char in _QUOTES else -1
        if end == -1:
            index += 1
            continue
        quotes.append(text[index + 1 : end].strip())
        slot = _SLOT.format(chr(ord("a") + min(len(quotes) - 1, 25)))
        pieces += [text[done:index], f" {slot} "]
        done = index = end + 1
    pieces.append(text[done:])
    return "".join(pieces), quotes


def number_value(token: str) -> float | None:
    """A number written in digits, as an English word, or in Chinese numerals up to 99."""
    if token[0].isdigit():
        return float(token)
    if token in _EN_NUMBERS:
        return float(_EN_NUMBERS[token])
    tens, ten_sign, ones = token.partition("十")
    if not ten_sign:
        return float(_ZH_DIGITS[token]) if token in _ZH_DIGITS else None
    high = _ZH_DIGITS.get(tens, -1) if tens else 1
    low = _ZH_DIGITS.get(ones, -1) if ones else 0
    return float(high * 10 + low) if high >= 0 and low >= 0 else None


def durations_in(text: str) -> list[float]:
    """Every duration written in `text`, in seconds, in order."""
    return [seconds for _, seconds in _durations(text.lower())]


def read_request(message: str) -> Request:
    """Everything the message asks for (an empty Request when it asks for nothing known)."""
    text, quotes = _take_quotes(_tidy(message))
    request = Request()
    whole = text.lower()
    request.build = _build_kind(whole)
    request.generate = request.build is None and _generate_asked(whole)
    request.text_overlays = request.build is not None and _has(words.TEXT_OVERLAYS, whole)
    request.subject_motion = request.build == "animate" or _has(words.SUBJECT_MOTION, whole)
    for clause in _clauses(text):
        _read_clause(clause, quotes, request)
    return request


def _has(pattern: str, text: str) -> bool:
    return words.found(pattern, text)


def _build_kind(text: str) -> BuildKind | None:
    if _has(words.SLIDESHOW, text):
        return "slideshow"
    if _has(words.ANIMATE, text):
        return "animate"
    if _has(words.PROMO, text) or (_has(words.MAKE_VIDEO, text) and _has(words.UPLOAD_REF, text)):
        return "promo"
    return None


def _generate_asked(text: str) -> bool:
    return _has(words.GENERATE, text) and not _has(words.NOT_GENERATE, text)


# Words that ask for a canvas shape, and for a camera move.
_CANVAS_WORDS = (words.VERTICAL, words.SQUARE, words.LANDSCAPE)
_MOVE_WORDS = (words.ZOOM_IN, words.ZOOM_OUT, words.PAN_LEFT, words.PAN_RIGHT)


def _asks_something(clause: str) -> bool:
    """Whether a clause holds an instruction of its own (else it continues the one before)."""
    patterns = (
        words.PROMO,
        words.SLIDESHOW,
        words.ANIMATE,
        words.GENERATE,
        words.MAKE_VIDEO,
        *_CANVAS_WORDS,
        words.NO_TRANSITION,
        words.WIPE,
        words.DISSOLVE,
        words.FADE,
        *_MOVE_WORDS,
        words.NO_MOTION,
        words.TRIM,
        words.LENGTH,
        words.TITLE,
        words.TEXT,
        words.REMOVE,
        words.MUSIC,
        words.VOICE,
        words.MUTE,
        words.VOLUME,
        r"\b(?:each|every|per)\b|每",
    )
    return any(_has(pattern, clause) for pattern in patterns)


def _fragments(text: str) -> Iterator[str]:
    """The message cut at punctuation and at "and"/"then" before a verb, in pieces of at most
    `CLAUSE_LIMIT` characters (a longer run without punctuation is cut at spaces)."""
    for line in text.translate(_HARD_BREAKS).split("\n"):
        start = 0
        while start < len(line):
            end = start + CLAUSE_LIMIT
            if end < len(line):
                space = line.rfind(" ", start + 1, end)
                end = space if space != -1 else end
            yield from words.cut(words.SPLIT, line[start:end])
            start = end


def _clauses(text: str) -> list[str]:
    """The message cut into clauses; a fragment without an instruction joins the clause before it
    (or the next one, when it comes first), as long as the clause stays within one window."""
    clauses: list[str] = []
    pending = ""
    for fragment in _fragments(text):
        fragment = fragment.strip()
        if not fragment:
            continue
        if _asks_something(fragment.lower()):
            joined = f"{pending} {fragment}".strip()
            clauses.append(joined if len(joined) <= CLAUSE_LIMIT else fragment)
            pending = ""
        elif clauses and len(clauses[-1]) + len(fragment) < CLAUSE_LIMIT:
            clauses[-1] = f"{clauses[-1]} {fragment}"
        elif len(pending) + len(fragment) < CLAUSE_LIMIT:
            pending = f"{pending} {fragment}".strip()
        else:
            clauses.append(fragment)
    if pending:
        clauses.append(pending)
    return clauses


def _durations(clause: str) -> list[tuple[str, float]]:
    """Each duration in the clause, in seconds, with what its neighbours say it is:
    'start' (at 5 s), 'each' (3 s each), 'for' (for 3 s), 'to' (trim to 4 s) or 'plain'."""
    found: list[tuple[str, float]] = []
    for match in words.each(_DURATION, clause):
        value = number_value(match.group(1))
        if value is None:
            continue
        if match.group(2).startswith(("min", "分")):
            value *= 60
        before = clause[max(0, match.start() - 30) : match.start()]
        after = clause[match.end() : match.end() + 20]
        if words.first(
            r"(?:\b(?:at|from|after|starting at)\s+(?:the\s+)?|在第?|从第?|第)$", before
        ) or (words.at_start(r"\s*(?:mark\b|处|时|开始|的位置)", after)):
            kind = "start"
        elif words.first(r"\b(?:each|every|per)\b|每", before) or words.at_start(
            r"\s*(?:each|apiece|a piece|per\b|一张|每张)", after
        ):
            kind = "each"
        elif words.first(r"(?:\bfor\s+(?:about\s+|the\s+first\s+)?|持续)$", before):
            kind = "for"
        elif words.first(r"(?:\b(?:to|down to)\s+(?:just\s+|only\s+)?|到|成|为)$", before):
            kind = "to"
        else:
            kind = "plain"
        found.append((kind, value))
    return found


def _read_clause(original: str, quotes: list[str], request: Request) -> None:
    clause = original.lower()
    durations = _durations(clause)
    plain = [value for kind, value in durations if kind in ("plain", "to")]
    lasting = [value for kind, value in durations if kind == "for"]
    for kind, value in durations:
        if kind == "each":
            request.each_s = value
    builds_here = request.build is not None and any(
        _has(pattern, clause)
        for pattern in (words.PROMO, words.SLIDESHOW, words.ANIMATE, words.MAKE_VIDEO)
    )

    removing = _has(words.REMOVE, clause) and not _has(words.NO_TRANSITION, clause)
    if removing:
        request.remove.extend(_removal_targets(clause))
    elif _has(words.TITLE, clause) or (_has(words.TEXT, clause) and request.build is None):
        seconds = lasting[0] if lasting else None
        if seconds is None and plain and not builds_here:
            seconds = plain.pop(0)
        request.texts.extend(_text_asks(clause, quotes, durations, seconds))
        lasting = []
    plain += lasting
    _read_canvas(clause, request)
    _read_transition(clause, request)
    _read_motion(clause, request)
    if not removing:
        _read_audio(clause, request)

    if request.generate and _has(words.GENERATE, clause):
        request.generate_prompt = _generate_prompt(original, quotes)
        if plain:
            request.generate_seconds = plain[0]
    elif plain and _has(words.TRIM, clause) and not builds_here:
        request.trim_s = plain[0]
    elif plain and (
        builds_here
        or _has(words.LENGTH, clause)
        or _has(words.VIDEO_LENGTH, clause)
        or not _has_other_edit(clause)
    ):
        request.length_s = plain[0]


def _has_other_edit(clause: str) -> bool:
    """Whether a clause asks for something that takes no length (so its number is not one)."""
    patterns = (*_CANVAS_WORDS, words.MUSIC, words.VOICE, *_MOVE_WORDS)
    return any(_has(pattern, clause) for pattern in patterns)


def _removal_targets(clause: str) -> list[str]:
    targets = []
    if _has(words.TITLE, clause):
        targets.append("title")
    if _has(words.TEXT, clause):
        targets.append("text")
    if _has(words.MUSIC, clause):
        targets.append("bgm")
    if _has(words.VOICE, clause):
        targets.append("voice")
    if _has(words.LOGO, clause):
        targets.append("logo")
    return targets


def _text_asks(
    clause: str, quotes: list[str], durations: list[tuple[str, float]], seconds: float | None
) -> list[TextAsk]:
    """One ask per title/text keyword, each taking the next quoted string after it."""
    pos: TextPosition | None = None
    places: tuple[tuple[TextPosition, str], ...] = (
        ("top", words.TOP), ("center", words.CENTER), ("bottom", words.BOTTOM)
    )  # fmt: skip
    for name, pattern in places:
        if _has(pattern, clause):
            pos = name
    start = next((value for kind, value in durations if kind == "start"), None)
    keywords: list[tuple[int, Literal["title", "text"]]] = sorted(
        [(m.start(), "title") for m in words.each(words.TITLE, clause)]
        + [(m.start(), "text") for m in words.each(words.TEXT, clause)]
    )
    slots = [(m.start(), ord(m.group(1)) - ord("a")) for m in words.each(_SLOT_RE, clause)]
    asks: list[TextAsk] = []
    used: set[int] = set()
    for position, kind in keywords:
        later = [index for at, index in slots if at > position and index not in used]
        earlier = [index for at, index in slots if at < position and index not in used]
        chosen = later[0] if later else (earlier[-1] if earlier else None)
        if chosen is None and any(ask.text is None for ask in asks):
            continue
        if chosen is not None:
            used.add(chosen)
        said = quotes[chosen] if chosen is not None else None
        asks.append(TextAsk(kind, said or None, seconds, start, pos))
    # "add a title and text 'X'": only the asks that got words matter when any did.
    with_words = [ask for ask in asks if ask.text]
    return with_words or asks[:1]


def _read_canvas(clause: str, request: Request) -> None:
    for pattern, size in (
        (words.VERTICAL, CANVAS_PORTRAIT),
        (words.SQUARE, CANVAS_SQUARE),
        (words.LANDSCAPE, CANVAS_LANDSCAPE),
    ):
        if _has(pattern, clause):
            request.canvas = size


def _read_transition(clause: str, request: Request) -> None:
    if _has(words.NO_TRANSITION, clause):
        request.transition = "none"
    elif _has(words.WIPE, clause):
        request.transition = "wipeleft"
    elif _has(words.DISSOLVE, clause):
        request.transition = "dissolve"
    elif _has(words.FADE, clause):
        request.transition = "fade"


def _read_motion(clause: str, request: Request) -> None:
    motions: tuple[tuple[str, Motion], ...] = (
        (words.NO_MOTION, "none"),
        (words.ZOOM_OUT, "zoom_out"),
        (words.ZOOM_IN, "zoom_in"),
        (words.PAN_LEFT, "pan_left"),
        (words.PAN_RIGHT, "pan_right"),
    )
    motion = next((name for pattern, name in motions if _has(pattern, clause)), None)
    if motion is None:
        return
    request.motion = motion
    if match := words.first(words.ORDINAL_EN, clause):
        request.motion_target = words.ORDINALS[match.group(1)]
    elif match := words.first(words.NUMBERED_EN, clause):
        request.motion_target = int(match.group(1)) - 1
    elif match := words.first(words.ORDINAL_ZH, clause):
        index = number_value(match.group(1)) if match.group(1) else None
        request.motion_target = int(index) - 1 if index else -1


def _read_audio(clause: str, request: Request) -> None:
    role: Role | None = None
    if _has(words.CLIP_SOUND, clause):
        role = "clip"
    elif _has(words.VOICE, clause):
        role = "voice"
    elif _has(words.MUSIC, clause):
        role = "bgm"
    percent = words.first(_PERCENT, clause)
    if _has(words.UNMUTE, clause):
        request.volumes[role or "bgm"] = 0.35 if role in (None, "bgm") else 1.0
    elif _has(words.MUTE, clause) and (role or _has(r"\baudio\b|\bsound\b|声音", clause)):
        request.volumes[role or "bgm"] = 0.0
    elif percent and (role or _has(words.VOLUME, clause)):
        value = float(percent.group(1)) if percent.group(1) else number_value(percent.group(2))
        if value is not None:
            request.volumes[role or "bgm"] = value / 100
    elif role in ("bgm", "voice") and _has(words.ADD, clause) and request.build is None:
        request.add_audio.append(role)


def _generate_prompt(original: str, quotes: list[str]) -> str:
    """What to show: the words after "video of", or the clause without the generate phrasing.
    Cut to one window of text: it is a caption for the scene, not a story."""
    slots = words.each(_SLOT_RE, original)
    text, done = "", 0
    for slot in slots:
        text += original[done : slot.start()] + quotes[ord(slot.group(1)) - ord("a")]
        done = slot.end()
    text = (text + original[done:]).strip()[: words.WINDOW]
    english = words.first(_PROMPT_AFTER, text)
    if english:
        prompt = english.group(1)
    else:
        prompt = words.replace(_DURATION, " ", text.lower() if text.isascii() else text)
        prompt = words.replace(_PROMPT_FILLER, " ", prompt)
    return " ".join(prompt.split()).strip(" .!?。！？")
