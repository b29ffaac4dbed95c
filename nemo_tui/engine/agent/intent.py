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
from dataclasses import dataclass, field
from typing import Literal

from nemo_tui.api.draft import CANVAS_LANDSCAPE, CANVAS_PORTRAIT, CANVAS_SQUARE, Motion
from nemo_tui.engine.agent import words as words

BuildKind = Literal["promo", "slideshow", "animate"]
Role = Literal["bgm", "voice", "clip"]

_QUOTE = re.compile(
    r"“(.*?)”|‘(.*?)’|「(.*?)」|『(.*?)』|《(.*?)》|\"(.*?)\"|(?<!\w)'(.+?)'(?!\w)", re.S
)
# A stand-in for a quoted string: letters only, so no number or keyword pattern can match it.
_SLOT = "\ue000{}\ue001"
_SLOT_RE = re.compile("\ue000([a-z])\ue001")

_ZH_DIGITS = {char: value for value, char in enumerate("零一二三四五六七八九")} | {"两": 2}
_EN_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "sixty": 60,
}  # fmt: skip
_NUMBER = (
    r"(\d+(?:\.\d+)?|[零一二两三四五六七八九十]{1,3}|(?<![a-z])(?:"
    + "|".join(_EN_NUMBERS)
    + r")(?![a-z]))"
)
_DURATION = re.compile(_NUMBER + r"\s*-?\s*(seconds?|secs?|s|minutes?|mins?|秒钟?|分钟)(?![a-z])")
_PERCENT = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:[%％]|percent\b)|百分之([零一二两三四五六七八九十]+|\d+)"
)


@dataclass(frozen=True)
class TextAsk:
    """A title or text overlay the message asks for. `text` is None when no words were quoted."""

    kind: Literal["title", "text"]
    text: str | None
    seconds: float | None = None
    start: float | None = None
    pos: Literal["top", "center", "bottom"] | None = None


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
    return bool(words.UNDO.search(_QUOTE.sub(" ", message).lower()))


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


def read_request(message: str) -> Request:
    """Everything the message asks for (an empty Request when it asks for nothing known)."""
    quotes: list[str] = []

    def stash(match: re.Match[str]) -> str:
        quotes.append(next(group for group in match.groups() if group is not None).strip())
        return f" {_SLOT.format(chr(ord('a') + min(len(quotes) - 1, 25)))} "

    text = _QUOTE.sub(stash, message)
    request = Request()
    whole = text.lower()
    request.build = _build_kind(whole)
    request.generate = request.build is None and _generate_asked(whole)
    request.text_overlays = request.build is not None and _has(words.TEXT_OVERLAYS, whole)
    for clause in _clauses(text):
        _read_clause(clause, quotes, request)
    return request


def _has(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


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


def _asks_something(clause: str) -> bool:
    """Whether a clause holds an instruction of its own (else it continues the one before)."""
    patterns = (
        words.PROMO,
        words.SLIDESHOW,
        words.ANIMATE,
        words.GENERATE,
        words.MAKE_VIDEO,
        words.VERTICAL,
        words.SQUARE,
        words.LANDSCAPE,
        words.NO_TRANSITION,
        words.WIPE,
        words.DISSOLVE,
        words.FADE,
        words.ZOOM_IN,
        words.ZOOM_OUT,
        words.PAN_LEFT,
        words.PAN_RIGHT,
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


def _clauses(text: str) -> list[str]:
    """The message cut into clauses; a fragment without an instruction joins the clause before it
    (or the next one, when it comes first)."""
    clauses: list[str] = []
    pending = ""
    for fragment in words.SPLIT.split(text):
        fragment = fragment.strip()
        if not fragment:
            continue
        if _asks_something(fragment.lower()):
            clauses.append(f"{pending} {fragment}".strip())
            pending = ""
        elif clauses:
            clauses[-1] = f"{clauses[-1]} {fragment}"
        else:
            pending = f"{pending} {fragment}".strip()
    if pending:
        clauses.append(pending)
    return clauses


def _durations(clause: str) -> list[tuple[str, float]]:
    """Each duration in the clause, in seconds, with what its neighbours say it is:
    'start' (at 5 s), 'each' (3 s each), 'for' (for 3 s), 'to' (trim to 4 s) or 'plain'."""
    found: list[tuple[str, float]] = []
    for match in _DURATION.finditer(clause):
        value = number_value(match.group(1))
        if value is None:
            continue
        if match.group(2).startswith(("min", "分")):
            value *= 60
        before = clause[max(0, match.start() - 30) : match.start()]
        after = clause[match.end() : match.end() + 20]
        if re.search(
            r"(?:\b(?:at|from|after|starting at)\s+(?:the\s+)?|在第?|从第?|第)$", before
        ) or (re.match(r"\s*(?:mark\b|处|时|开始|的位置)", after)):
            kind = "start"
        elif re.search(r"\b(?:each|every|per)\b|每", before) or re.match(
            r"\s*(?:each|apiece|a piece|per\b|一张|每张)", after
        ):
            kind = "each"
        elif re.search(r"(?:\bfor\s+(?:about\s+|the\s+first\s+)?|持续)$", before):
            kind = "for"
        elif re.search(r"(?:\b(?:to|down to)\s+(?:just\s+|only\s+)?|到|成|为)$", before):
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
    elif plain and (builds_here or _has(words.LENGTH, clause) or not _has_other_edit(clause)):
        request.length_s = plain[0]


def _has_other_edit(clause: str) -> bool:
    """Whether a clause asks for something that takes no length (so its number is not one)."""
    patterns = (
        words.VERTICAL,
        words.SQUARE,
        words.LANDSCAPE,
        words.MUSIC,
        words.VOICE,
        words.ZOOM_IN,
        words.ZOOM_OUT,
        words.PAN_LEFT,
    )
    return any(_has(pattern, clause) for pattern in (*patterns, words.PAN_RIGHT))


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
    pos: Literal["top", "center", "bottom"] | None = None
    for name, pattern in (("top", words.TOP), ("center", words.CENTER), ("bottom", words.BOTTOM)):
        if _has(pattern, clause):
            pos = name  # type: ignore[assignment]
    start = next((value for kind, value in durations if kind == "start"), None)
    keywords = sorted(
        [(m.start(), "title") for m in re.finditer(words.TITLE, clause)]
        + [(m.start(), "text") for m in re.finditer(words.TEXT, clause)]
    )
    slots = [(m.start(), ord(m.group(1)) - ord("a")) for m in _SLOT_RE.finditer(clause)]
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
        asks.append(TextAsk(kind, said or None, seconds, start, pos))  # type: ignore[arg-type]
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
    if match := words.ORDINAL_EN.search(clause):
        request.motion_target = words.ORDINALS[match.group(1)]
    elif match := words.NUMBERED_EN.search(clause):
        request.motion_target = int(match.group(1)) - 1
    elif match := words.ORDINAL_ZH.search(clause):
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
    percent = _PERCENT.search(clause)
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
    """What to show: the words after "video of", or the clause without the generate phrasing."""
    text = _SLOT_RE.sub(lambda m: quotes[ord(m.group(1)) - ord("a")], original).strip()
    english = re.search(
        r"\b(?:video|clip|scene|footage|film)\s+(?:of|showing|about|featuring|depicting|with)\s+(.+)",
        text,
        re.I | re.S,
    )
    if english:
        prompt = english.group(1)
    else:
        prompt = _DURATION.sub(" ", text.lower() if text.isascii() else text)
        prompt = re.sub(
            r"\b(?:please|can you|could you|generate|me|a|an|video|clip|scene|of)\b"
            r"|请|帮我|给我|生成|一个|一段|一条|视频|短片|的",
            " ",
            prompt,
            flags=re.I,
        )
    return re.sub(r"\s+", " ", prompt).strip(" .!?。！？")
