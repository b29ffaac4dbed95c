"""Reading a chat message: which edits it asks for, with their numbers, in English and Chinese.

Pure text work (no draft, no media): `read_request(message)` returns a `Request`. Quoted words are
taken out first, so a title such as 'Salt and Pepper, 50% off' is never read as an instruction.
The message is cut into clauses at punctuation and at "and"/"then" before a new verb; a fragment
with no instruction of its own ("..., for 3 seconds") belongs to the clause before it. Each clause
has its numbers rewritten in digits (`spoken`: "twenty-five seconds", "半分钟", "1:30") before it
is read. A number of seconds is tied to what its clause asks for: a text's length or start, each
photo's length ("3 seconds each"), one photo's length ("the first photo 5 seconds"), a clip's trim
("to 4 seconds"), a change of length ("10 seconds longer") or the whole video's length.

Photos and clips are named by position ("the second photo", "the last clip", "photo 3", 第二张,
最后一段) or by file name ("shoe2.jpg"): an `ItemRef`, resolved against the timeline by `rules`.
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
    OverlayPosition,
    TextPosition,
)
from nemo_tui.engine.agent import spelling, spoken
from nemo_tui.engine.agent import words as words

BuildKind = Literal["promo", "slideshow", "animate"]
Role = Literal["bgm", "voice", "clip"]
ItemKind = Literal["still", "clip", "any", "file"]
Corner = OverlayPosition | Literal["center"]

# Quotes as (opener, closer); their words are taken out before anything else is read.
_QUOTES = {
    "“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "«": "»", "„": "“", "‹": "›",
    '"': '"', "'": "'",
}  # fmt: skip
# The longest quoted string read as one (longer ones stay text): it keeps the search for a closing
# quote short, so any number of unclosed quotes costs time in proportion to the message.
MAX_QUOTE = 200
# The longest clause: half a pattern window, as lower-casing may double a character (İ).
CLAUSE_LIMIT = words.WINDOW // 2
_HARD_BREAKS = str.maketrans(dict.fromkeys(",;，；。!！?？", "\n"))
_SLOT = "\ue000{}\ue001"
_SLOT_RE = re.compile("\ue000([a-z])\ue001")
# What may stand between two quoted texts of one list: "'A' and 'B'", "「A」、「B」".
_LIST_GAP = re.compile(r"\s*(?:,|and|&|plus|then|or|和|与|及|、|跟)?\s*")

_DURATION = re.compile(
    r"((?<![\d.])\d+(?:\.\d+)?)\s*-?\s*(seconds?|secs?|s|minutes?|mins?|m|秒钟?|分钟)(?![a-z])"
)
_RANGE = re.compile(
    r"(?:\bfrom\s+|从)?((?<![\d.])\d+(?:\.\d+)?)\s*(?:s|secs?|seconds?|秒)?\s*(?:to|until|till|-|–|到|至)"
    r"\s*(\d+(?:\.\d+)?)\s*(?:s\b|secs?\b|seconds?\b|秒)"
)
_PROMPT_AFTER = re.compile(
    r"\b(?:video|clip|scene|footage|film)\s+(?:of|showing|about|featuring|depicting|with)\s+(.+)",
    re.I | re.S,
)
_PROMPT_FILLER = re.compile(
    r"\b(?:please|can you|could you|generate|generating|create|make|produce|me|a|an|the|video"
    r"|videos|clip|scene|of|duration|length|long|into|in|hd|full hd|\d+p|mp4|\d+k)\b"
    r"|请|帮我|给我|生成|制作|做|[1一](?:个|段|条)|视频|短片|的|时长",
    re.I,
)
# Words that describe the tool or the request, not a scene: a prompt of only these says nothing.
_META = frozenset(
    (
        "short", "text", "description", "prompt", "prompts", "scene", "scenes", "using", "sora",
        "sora-style", "style", "ai", "for", "content", "creators", "from", "with", "and", "to",
        "of", "videos", "video", "my", "some", "any", "it", "this", "that", "something",
    )
)  # fmt: skip
_STARTS_BEFORE = (
    r"(?:\b(?:at|from|after|starting at|starts at|beginning at)\s+(?:the\s+)?|在第?|从第?|第)$"
)
# Said beside a text, a length for the whole video ("make it 30 seconds ... with the title 'X'").
_WHOLE_VIDEO = (
    r"\b(?:make|set|change|cut|shorten|extend|lengthen|stretch|trim)\s+(?:it|the video"
    r"|the whole(?: thing| video)?|everything|this)\b|做成|改成|总长|时长"
)
_PERCENT = re.compile(r"((?<![\d.])\d+(?:\.\d+)?)\s*(?:[%％]|percent\b)")
_AT_END = r"\bat the (?:end|close)\b|\bto close\b|结尾|片尾"
_SAYS = (
    r"\b(?:add|put|write|show|display|insert|place|say|says|saying|reads?|type|overlay)\b"
    r"|写|显示|打上|加上|添加|加"
)
_CORNERS: tuple[tuple[str, OverlayPosition], ...] = (
    (words.TOP_LEFT, "top-left"),
    (words.TOP_RIGHT, "top-right"),
    (words.BOTTOM_LEFT, "bottom-left"),
    (words.BOTTOM_RIGHT, "bottom-right"),
)


@dataclass(frozen=True)
class ItemRef:
    """A photo or clip on the timeline: by kind and position (0 the first, -1 the last), or by
    file name (kind 'file')."""

    kind: ItemKind
    index: int = 0
    name: str = ""


@dataclass(frozen=True)
class TextAsk:
    """A title or text overlay the message asks for. `text` is None when no words were quoted.
    `follows` says it comes right after the ask before it (several quoted texts in one list);
    `corner` is a corner asked for, which text cannot take (it sits top, centre or bottom)."""

    kind: Literal["title", "text"]
    text: str | None
    seconds: float | None = None
    start: float | None = None
    pos: TextPosition | None = None
    follows: bool = False
    at_end: bool = False
    corner: str | None = None


@dataclass(frozen=True)
class Move:
    """A photo or clip moved to the start or the end of the video."""

    ref: ItemRef
    to: Literal["start", "end"]


@dataclass
class Request:
    """Everything one message asks for. Unset fields mean "not asked"."""

    build: BuildKind | None = None
    text_overlays: bool = False
    generate: bool = False
    generate_prompt: str = ""
    generate_seconds: float | None = None
    length_s: float | None = None
    length_delta: float | None = None
    each_s: float | None = None
    trim_s: float | None = None
    canvas: tuple[int, int] | None = None
    transition: str | None = None
    motion: Motion | None = None
    motion_target: int | None = None
    # More photos the same motion is asked for ("the second and third photos").
    motion_more: list[int] = field(default_factory=list)
    # A length said beside a camera move ("zoom in on it for 6 seconds"): the shot's, when the
    # one photo becomes a moving shot.
    motion_seconds: float | None = None
    texts: list[TextAsk] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    volumes: dict[Role, float] = field(default_factory=dict)
    volume_steps: dict[Role, float] = field(default_factory=dict)
    duck: bool = False
    add_audio: list[Role] = field(default_factory=list)
    item_lengths: list[tuple[ItemRef, float]] = field(default_factory=list)
    item_removals: list[ItemRef] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    # Uploads put on the timeline ("add photo6.jpg at the start"; "*" for every one not on it
    # yet), and shots replaced by an upload ("replace the second photo with shoes.jpg").
    inserts: list[tuple[str, Literal["start", "end"]]] = field(default_factory=list)
    replacements: list[tuple[ItemRef, str]] = field(default_factory=list)
    swaps: list[tuple[ItemRef, ItemRef]] = field(default_factory=list)
    reverse: bool = False
    # Shots in a new order, as 1-based places of the old one ("reorder 3, 1, 2").
    order: list[int] = field(default_factory=list)
    # "make the second photo longer": by how much is not said, so it is asked.
    needs_amount: bool = False
    # A logo added or moved; None inside means its corner was not named.
    logo: Corner | None = None
    logo_asked: bool = False
    # Asks for what is *in* a picture to move (shoes running, a bird flying), which no rule can do.
    subject_motion: bool = False
    # Asks no rule can carry out (keys of `words.CANNOT`, and "redo").
    cannot: list[str] = field(default_factory=list)
    # The message names the uploads ("these photos") or builds from them ("create my images").
    refs_uploads: bool = False
    from_uploads: bool = False
    gif: bool = False
    # It reads like a description of a new video (a kind of video named, or a length).
    scene: bool = False
    scene_prompt: str = ""
    # The shots the last clause named, for "it" in the next ("... the first photo, zoom in on it").
    named_before: list[ItemRef] = field(default_factory=list, repr=False)

    def asks_anything(self) -> bool:
        return any(
            (
                self.build, self.generate, self.length_s, self.length_delta, self.each_s,
                self.trim_s, self.canvas, self.transition, self.motion, self.texts, self.remove,
                self.volumes, self.volume_steps, self.duck, self.add_audio, self.item_lengths,
                self.item_removals, self.moves, self.swaps, self.reverse, self.logo_asked,
                self.inserts, self.replacements, self.order, self.needs_amount,
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


def durations_in(text: str) -> list[float]:
    """Every duration written in `text` (digits, words or Chinese numerals), in seconds."""
    found: list[float] = []
    for start in range(0, len(text), CLAUSE_LIMIT):
        piece = spoken.in_digits(text[start : start + CLAUSE_LIMIT].lower())
        found += [seconds for _, seconds in _durations(piece)]
    return found


def read_request(message: str) -> Request:
    """Everything the message asks for (an empty Request when it asks for nothing known)."""
    text, quotes = _take_quotes(_tidy(message))
    text = spelling.corrected(text)
    request = Request()
    whole = text.lower()
    request.refs_uploads = _has(words.UPLOAD_REF, whole)
    request.from_uploads = _has(words.MAKE_FROM_UPLOADS, whole)
    request.gif = _has(words.GIF, whole)
    request.build = _build_kind(whole, request)
    request.generate = (
        request.build is None
        and _has(words.GENERATE, whole)
        and not _has(words.NOT_GENERATE, whole)
        and not (request.refs_uploads or request.from_uploads)
    )
    request.text_overlays = request.build is not None and _has(words.TEXT_OVERLAYS, whole)
    request.subject_motion = request.build == "animate" or _has(words.SUBJECT_MOTION, whole)
    if words.found(words.REDO, whole):
        request.cannot.append("redo")
    for clause in _clauses(text):
        _read_clause(clause, quotes, request)
    if "font" in request.cannot:
        # "make the text bigger": about a style, not new words.
        request.texts = [ask for ask in request.texts if ask.text]
    if set(request.cannot) & {"transcribe", "make_voice", "make_music"}:
        # "generate subtitles", "生成配音": a generative ask no procedural scene stands in for.
        request.generate = False
    request.scene = (_has(words.SCENE, whole) or request.length_s is not None) and not (
        _asks_an_edit(request)
    )
    if request.scene and not request.scene_prompt:
        request.scene_prompt = scene_prompt(text, quotes)
    request.generate_prompt = request.scene_prompt if request.generate else ""
    return request


def _asks_an_edit(request: Request) -> bool:
    """Whether the request asks for anything beyond a length, a shape and words on screen."""
    return any(
        (
            request.each_s, request.trim_s, request.transition, request.motion, request.remove,
            request.volumes, request.volume_steps, request.duck, request.item_lengths,
            request.item_removals, request.moves, request.swaps, request.reverse,
            request.logo_asked, request.length_delta, request.inserts, request.replacements,
            request.order,
        )
    )  # fmt: skip


def _has(pattern: str, text: str) -> bool:
    return words.found(pattern, text)


def _build_kind(text: str, request: Request) -> BuildKind | None:
    if _has(words.SLIDESHOW, text):
        return "slideshow"
    if _has(words.ANIMATE, text):
        return "animate"
    from_uploads = request.refs_uploads or request.from_uploads
    if _has(words.PROMO, text) or (_has(words.MAKE_VIDEO, text) and from_uploads):
        if _has(words.SLIDESHOW_HINT, text) and not _has(words.PROMO, text):
            return "slideshow"
        return "promo"
    return None


# Words that ask for a canvas shape, and for a camera move.
_CANVAS_WORDS = (words.VERTICAL, words.SQUARE, words.LANDSCAPE)
_MOVE_WORDS = (words.ZOOM_IN, words.ZOOM_OUT, words.PAN_LEFT, words.PAN_RIGHT)
_INSTRUCTIONS = (
    words.PROMO, words.SLIDESHOW, words.ANIMATE, words.GENERATE, words.MAKE_VIDEO,
    *_CANVAS_WORDS, words.NO_TRANSITION, words.WIPE, words.DISSOLVE, words.FADE, *_MOVE_WORDS,
    words.NO_MOTION, words.TRIM, words.LENGTH, words.TITLE, words.TEXT, words.REMOVE,
    words.MUSIC, words.VOICE, words.MUTE, words.VOLUME, words.LOGO, words.SWAP, words.REVERSE,
    words.QUIETER, words.LOUDER, words.DUCK, r"\b(?:each|every|per)\b|每",
)  # fmt: skip


def _asks_something(clause: str) -> bool:
    """Whether a clause holds an instruction of its own (else it continues the one before)."""
    return any(_has(pattern, clause) for pattern in _INSTRUCTIONS) or _item_refs(clause) != []


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
    """Each duration in the clause (numbers in digits), in seconds, with what its neighbours say
    it is: 'start' (at 5 s), 'each' (3 s each), 'for' (for 3 s), 'to' (trim to 4 s), 'more' /
    'less' (10 s longer, 延长5秒) or 'plain'."""
    found: list[tuple[str, float]] = []
    for match in words.each(_DURATION, clause):
        value = float(match.group(1))
        if match.group(2).startswith(("min", "分")) or match.group(2) == "m":
            value *= 60
        before = clause[max(0, match.start() - 30) : match.start()]
        after = clause[match.end() : match.end() + 20]
        if words.first(_STARTS_BEFORE, before) or (
            words.at_start(r"\s*(?:mark\b|in\b|处|时|开始|的位置)", after)
        ):
            kind = "start"
        elif words.first(r"\b(?:each|every|per)\b|每", before) or words.at_start(
            r"\s*(?:each|apiece|a piece|per\b|一张|每张)", after
        ):
            kind = "each"
        elif words.first(r"(?:\bfor\s+(?:about\s+|the\s+first\s+|just\s+|only\s+)?|持续)$", before):
            kind = "for"
        elif words.first(
            r"(?:\b(?:to|down to|up to)\s+(?:just\s+|only\s+|about\s+)?|到|成|为)$", before
        ):
            kind = "to"
        elif words.at_start(words.MORE_AFTER, after) or words.first(words.MORE_BEFORE, before):
            kind = "more"
        elif words.at_start(words.LESS_AFTER + r"|\s*off\b", after) or words.first(
            words.LESS_BEFORE, before
        ):
            kind = "less"
        else:
            kind = "plain"
        found.append((kind, value))
    return found


def _item_refs(clause: str) -> list[ItemRef]:
    """The photos and clips a clause names, in the order it names them."""
    found: list[tuple[int, ItemRef]] = []
    for match in words.each(words.ORDINAL_EN, clause):
        found.append((match.start(), ItemRef(_item_kind(match.group(2)), _ordinal(match.group(1)))))
    for match in words.each(words.ORDINAL_PAIR, clause):
        found.append((match.start(), ItemRef(_item_kind(match.group(3)), _ordinal(match.group(1)))))
    for match in words.each(words.NUMBERED_EN, clause):
        found.append((match.start(), ItemRef(_item_kind(match.group(1)), int(match.group(2)) - 1)))
    for match in words.each(words.ORDINAL_ZH, clause):
        if not (match.group(3) or match.group(4)):
            continue
        if match.group(1):
            index = int(match.group(1)) - 1
        elif match.group(2):
            index = -int(match.group(2))
        else:
            index = -1
        found.append((match.start(), ItemRef(_zh_kind(match.group(3), match.group(4)), index)))
    for match in words.each(words.NUMBERED_LIST, clause):
        kind = _item_kind(match.group(1))
        for number in (match.group(2), match.group(3)):
            found.append((match.start(), ItemRef(kind, int(number) - 1)))
    for match in words.each(words.FIRST_FEW, clause):
        last = match.group(1) == "last" or match.group(4) == "后"
        count = min(int(match.group(2) or match.group(5)), 20)
        kind = _item_kind(match.group(3)) if match.group(3) else _zh_kind(match.group(6), None)
        indexes = range(-count, 0) if last else range(count)
        found += [(match.start(), ItemRef(kind, index)) for index in indexes]
    if not found:
        for match in words.each(words.THE_ONE, clause):
            said = match.group(1)
            index = -1 if said in ("outro", "ending") else 0
            kind = _item_kind(said) if said in ("clip", "gif") else "any"
            found.append((match.start(), ItemRef(kind, index)))
    for match in words.each(words.FILE_NAME, clause):
        found.append((match.start(), ItemRef("file", name=match.group(0))))
    return [ref for _, ref in sorted(found, key=lambda pair: pair[0])]


def _ordinal(said: str) -> int:
    index = words.ORDINALS.get(said)
    return int(said[:-2]) - 1 if index is None else index


def _item_kind(word: str) -> ItemKind:
    if words.at_start(words.STILL_WORD, word):
        return "still"
    if words.at_start(words.CLIP_WORD, word):
        return "clip"
    return "any"


def _zh_kind(counter: str | None, noun: str | None) -> ItemKind:
    if noun in ("照片", "图片", "相片", "图", "动图") or (noun is None and counter in ("张", "幅")):
        return "still"
    return "clip" if noun == "视频" else "any"


def _read_clause(original: str, quotes: list[str], request: Request) -> None:
    clause = spoken.in_digits(original.lower())
    ranges = list(words.each(_RANGE, clause))
    durations = _durations(words.replace(_RANGE, " ", clause)) if ranges else _durations(clause)
    plain = [value for kind, value in durations if kind in ("plain", "to")]
    lasting = [value for kind, value in durations if kind == "for"]
    for kind, value in durations:
        if kind == "each":
            request.each_s = value
    refs = _item_refs(clause)
    if not refs and words.first(r"\b(?:on|over|across)\s+(?:it|them|that one|this one)\b", clause):
        refs = request.named_before
    request.named_before = refs or request.named_before
    for key, pattern in words.CANNOT.items():
        if _has(pattern, clause) and key not in request.cannot:
            request.cannot.append(key)
    builds_here = request.build is not None and any(
        _has(pattern, clause)
        for pattern in (words.PROMO, words.SLIDESHOW, words.ANIMATE, words.MAKE_VIDEO)
    )

    removing = (
        _has(words.REMOVE, clause) or (_has(words.CUT_OUT, clause) and not durations)
    ) and not _has(words.NO_TRANSITION, clause)
    texting = False
    if removing:
        targets = _removal_targets(clause)
        if refs and not targets:
            request.item_removals.extend(refs)
            refs = []
        request.remove.extend(targets)
    else:
        asks = _text_asks(clause, quotes, durations, ranges, lasting, plain, builds_here)
        if asks:
            texting = True
            request.texts.extend(asks)
            lasting = []
        if _has(words.LOGO, clause) and not texting:
            request.logo_asked = True
            request.logo = _corner(clause) or request.logo
    plain += lasting
    if not removing and not texting and request.build is None:
        refs = _read_uploads(clause, refs, request)
    _read_canvas(clause, request)
    _read_transition(clause, request)
    _read_motion(clause, refs, request)
    _read_order(clause, refs, request)
    if not removing:
        _read_audio(clause, request)
    for kind, value in durations:
        if kind in ("more", "less") and not texting:
            request.length_delta = value if kind == "more" else -value
    if not durations and not texting and _has(words.NO_AMOUNT, clause) and not builds_here:
        request.needs_amount = True

    moves_here = any(_has(pattern, clause) for pattern in (*_MOVE_WORDS, words.NO_MOTION))
    if plain and moves_here:
        request.motion_seconds = plain[0]
    if request.generate and _has(words.GENERATE, clause):
        if plain:
            request.generate_seconds = plain[0]
    elif plain and refs and not texting and not builds_here and not moves_here:
        # "the first photo 2 seconds and the last 3 seconds": a length each, in order.
        lengths = plain if len(plain) == len(refs) else [plain[0]] * len(refs)
        request.item_lengths.extend(zip(refs, lengths, strict=True))
    elif plain and _has(words.TRIM, clause) and not builds_here:
        request.trim_s = plain[0]
    elif plain and (
        builds_here
        or (texting and _has(_WHOLE_VIDEO, clause))
        or (
            not texting
            and (
                _has(words.LENGTH, clause)
                or _has(words.VIDEO_LENGTH, clause)
                or not _has_other_edit(clause)
            )
        )
    ):
        request.length_s = plain[0]
    if not request.scene_prompt and (_has(words.GENERATE, clause) or _has(words.SCENE, clause)):
        request.scene_prompt = scene_prompt(original, quotes)


def _has_other_edit(clause: str) -> bool:
    """Whether a clause asks for something that takes no length (so its number is not one)."""
    patterns = (words.MUSIC, words.VOICE, *_MOVE_WORDS, words.LOGO)
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


def _corner(clause: str) -> Corner | None:
    for pattern, corner in _CORNERS:
        if _has(pattern, clause):
            return corner
    if _has(words.CENTER, clause):
        return "center"
    left = _has(r"\bleft\b|左", clause)
    if _has(words.TOP, clause):
        return "top-left" if left else "top-right"
    if _has(words.BOTTOM, clause):
        return "bottom-left" if left else "bottom-right"
    return None


def _text_asks(
    clause: str,
    quotes: list[str],
    durations: list[tuple[str, float]],
    ranges: list[re.Match[str]],
    lasting: list[float],
    plain: list[float],
    builds_here: bool,
) -> list[TextAsk]:
    """One ask per quoted text a title/text keyword takes (the list of quotes right after it,
    else the nearest one before it), and one per quoted text a clause asks to show without
    naming it a text ("put 'Sale' at the top")."""
    keywords: list[tuple[int, Literal["title", "text"]]] = sorted(
        [(m.start(), "title") for m in words.each(words.TITLE, clause)]
        + [(m.start(), "text") for m in words.each(words.TEXT, clause)]
    )
    slots = [(m.start(), m.end(), ord(m.group(1)) - ord("a")) for m in words.each(_SLOT_RE, clause)]
    slots = [slot for slot in slots if slot[2] < len(quotes)]
    if not keywords:
        other_object = any(
            _has(pattern, clause) for pattern in (words.MUSIC, words.VOICE, words.LOGO)
        ) or words.first(words.FILE_NAME, clause)
        if not slots or other_object or not (_has(_SAYS, clause) or _corner(clause)):
            return []
        keywords = [(slots[0][0] - 1, "text")]
    pos, corner = _text_position(clause)
    start = next((value for kind, value in durations if kind == "start"), None)
    seconds = lasting[0] if lasting else None
    if seconds is None and plain and not builds_here and not _has(_WHOLE_VIDEO, clause):
        seconds = plain[0]
    if ranges:
        low, high = float(ranges[0].group(1)), float(ranges[0].group(2))
        start, seconds = low, max(high - low, 0.0)
    at_end = _has(_AT_END, clause)
    picked: list[tuple[Literal["title", "text"], list[int]]] = []
    used: set[int] = set()
    for number, (position, kind) in enumerate(keywords):
        limit = keywords[number + 1][0] if number + 1 < len(keywords) else len(clause)
        run: list[int] = []
        cursor = position
        for begin, end, index in slots:
            if begin < position or index in used or begin >= limit:
                continue
            gap = clause[cursor:begin]
            if run and not words.at_start(_LIST_GAP.pattern + "$", gap):
                break
            run.append(index)
            cursor = end
        if not run:
            earlier = [index for begin, _, index in slots if begin < position and index not in used]
            run = earlier[-1:]
        used.update(run)
        picked.append((kind, run))
    asks: list[TextAsk] = []
    for kind, run in picked:
        if not run:
            if not any(ask.text is None for ask in asks):
                asks.append(TextAsk(kind, None, seconds, start, pos, corner=corner))
            continue
        for order, index in enumerate(run):
            said = quotes[index] or None
            ask_kind: Literal["title", "text"] = kind if order == 0 else "text"
            follows = order > 0 or bool(asks and asks[-1].text)
            asks.append(
                TextAsk(ask_kind, said, seconds, start, pos, follows, at_end, corner=corner)
            )
    # "add a title and text 'X'": only the asks that got words matter when any did.
    with_words = [ask for ask in asks if ask.text]
    return with_words or asks[:1]


def _text_position(clause: str) -> tuple[TextPosition | None, str | None]:
    corner = next((name for pattern, name in _CORNERS if _has(pattern, clause)), None)
    if corner is not None:
        return ("top" if corner.startswith("top") else "bottom"), corner
    places: tuple[tuple[TextPosition, str], ...] = (
        ("top", words.TOP), ("center", words.CENTER), ("bottom", words.BOTTOM)
    )  # fmt: skip
    pos: TextPosition | None = None
    for name, pattern in places:
        if _has(pattern, clause):
            pos = name
    return pos, None


def _read_canvas(clause: str, request: Request) -> None:
    ratio = words.first(words.RATIO, clause)
    said = ratio.group(0) if ratio else clause
    for pattern, size in (
        (words.VERTICAL, CANVAS_PORTRAIT),
        (words.SQUARE, CANVAS_SQUARE),
        (words.LANDSCAPE, CANVAS_LANDSCAPE),
    ):
        if _has(pattern, said):
            request.canvas = size
            return


def _read_transition(clause: str, request: Request) -> None:
    if _has(words.NO_TRANSITION, clause):
        request.transition = "none"
    elif _has(words.WIPE, clause):
        request.transition = "wipeleft"
    elif _has(words.DISSOLVE, clause):
        request.transition = "dissolve"
    elif _has(words.FADE, clause) and not _has(r"\bfade[- ]?out\b|淡出", clause):
        request.transition = "fade"


def _read_motion(clause: str, refs: list[ItemRef], request: Request) -> None:
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
    stills = [ref.index for ref in refs if ref.kind in ("still", "any")]
    if stills:
        request.motion_target, request.motion_more = stills[0], stills[1:]


def _read_uploads(clause: str, refs: list[ItemRef], request: Request) -> list[ItemRef]:
    """Uploads put on the timeline or in place of a shot; returns the refs left for the rest of
    the clause (the files taken here are not on the timeline yet)."""
    files = [ref for ref in refs if ref.kind == "file" and words.first(words.VISUAL_FILE, ref.name)]
    placed = [ref for ref in refs if ref.kind != "file"]
    if _has(words.REPLACE, clause) and files and placed:
        request.replacements.append((placed[0], files[0].name))
        return []
    if not _has(words.INSERT, clause) or _has(words.LOGO, clause):
        return refs
    where: Literal["start", "end"] = "start" if _has(words.TO_START, clause) else "end"
    inserted = [(ref.name, where) for ref in files]
    if _has(words.NEW_UPLOADS, clause):
        inserted.append(("*", where))
    request.inserts.extend(inserted)
    return [ref for ref in refs if ref not in files] if inserted else refs


def _read_order(clause: str, refs: list[ItemRef], request: Request) -> None:
    if _has(words.REVERSE, clause) and not _has(words.CANNOT["reverse_play"], clause):
        request.reverse = True
    elif _has(words.REORDER, clause) and not refs:
        said = [int(m.group(0)) for m in words.each(r"(?<![\d.])\d{1,2}(?![\d.%])", clause)]
        if len(said) >= 2 and len(set(said)) == len(said) and min(said) >= 1:
            request.order = said
    if not refs or _has(words.LOGO, clause):
        return
    if request.replacements or request.inserts:
        return
    if _has(words.SWAP, clause) and len(refs) >= 2:
        request.swaps.append((refs[0], refs[1]))
    elif _has(words.MOVE, clause) or _has(r"\bmake\b", clause):
        if _has(words.TO_START, clause):
            request.moves.append(Move(refs[0], "start"))
        elif _has(words.TO_END, clause):
            request.moves.append(Move(refs[0], "end"))


def _read_audio(clause: str, request: Request) -> None:
    role: Role | None = None
    if _has(words.CLIP_SOUND, clause):
        role = "clip"
    elif _has(words.VOICE, clause) and not _has(words.DUCK, clause):
        role = "voice"
    elif _has(words.MUSIC, clause):
        role = "bgm"
    percents = list(words.each(_PERCENT, clause))
    if len(percents) >= 2 and _pair_volumes(clause, percents, request):
        return
    percent = percents[0] if percents else None
    if _has(words.UNMUTE, clause):
        request.volumes[role or "bgm"] = 0.35 if role in (None, "bgm") else 1.0
    elif _has(words.MUTE, clause) and (role or _has(r"\baudio\b|\bsound\b|声音", clause)):
        request.volumes[role or "bgm"] = 0.0
    elif percent and (role or _has(words.VOLUME, clause)):
        request.volumes[role or "bgm"] = float(percent.group(1)) / 100
    elif _has(words.DUCK, clause) and (role == "bgm" or _has(words.VOICE, clause)):
        request.duck = True
    elif (role or _has(words.VOLUME, clause)) and _has(words.QUIETER, clause):
        request.volume_steps[role or "bgm"] = 0.5
    elif (role or _has(words.VOLUME, clause)) and _has(words.LOUDER, clause):
        request.volume_steps[role or "bgm"] = 1.5
    elif (
        role in ("bgm", "voice")
        and request.build is None
        and (_has(words.ADD, clause) or _has(r"\b(?:switch|change|swap)\b|换成|换一首|换", clause))
    ):
        request.add_audio.append(role)


def _pair_volumes(clause: str, percents: list[re.Match[str]], request: Request) -> bool:
    """ "music 20% and the voice 80%": each percent goes to the sound named just before it (or
    just after, for the first). False when fewer than two sounds are named."""
    named: list[tuple[int, Role]] = sorted(
        [(m.start(), "clip") for m in words.each(words.CLIP_SOUND, clause)]
        + [(m.start(), "voice") for m in words.each(words.VOICE, clause)]
        + [(m.start(), "bgm") for m in words.each(words.MUSIC, clause)]
    )
    if len({role for _, role in named}) < 2:
        return False
    for percent in percents:
        before = [role for at, role in named if at < percent.start()]
        role = before[-1] if before else named[0][1]
        request.volumes[role] = float(percent.group(1)) / 100
    return True


def scene_prompt(text: str, quotes: list[str]) -> str:
    """What a described scene shows: the words after "video of", or the message without its
    lengths, shapes and the generate phrasing. Empty when only words about the request itself
    remain ("a short text description of a scene"). Cut to one window: a caption, not a story."""
    restored = _restore_quotes(text[: words.WINDOW], quotes)[: words.WINDOW]
    english = words.first(_PROMPT_AFTER, restored)
    if english:
        # "a video about autumn leaves, 8 seconds": the length is not part of the scene.
        prompt = words.replace(_DURATION, " ", spoken.in_digits(english.group(1)[: words.WINDOW]))
    else:
        prompt = restored.lower()[: words.WINDOW] if restored.isascii() else restored
        prompt = spoken.in_digits(prompt)
        prompt = words.replace(_DURATION, " ", prompt)
        prompt = words.replace(r"\bduration\s*:|时长\s*[:：]", " ", prompt)
        for pattern in (*_CANVAS_WORDS, words.RATIO):
            prompt = words.replace(pattern, " ", prompt)
        prompt = words.replace(_PROMPT_FILLER, " ", prompt)
    prompt = words.replace(r"\s+([,.])", r"\1", " ".join(prompt.split())[: words.WINDOW])
    prompt = prompt.strip(" .,!?;:。！？，；：-")
    kept = [word for word in words.cut(r"[\s,.]+", prompt.lower()[: words.WINDOW]) if word]
    if not kept or all(word in _META for word in kept):
        return ""
    return prompt


def _restore_quotes(text: str, quotes: list[str]) -> str:
    restored, done = "", 0
    for slot in words.each(_SLOT_RE, text):
        index = ord(slot.group(1)) - ord("a")
        restored += text[done : slot.start()] + (quotes[index] if index < len(quotes) else "")
        done = slot.end()
    return (restored + text[done:]).strip()
