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

_SPLIT = re.compile(
    r"[,;，；。!！?？\n]+|\.(?:\s+|$)|\s+(?:and|then|also)\s+(?=(?:then\s+|also\s+)?(?:add|make|set"
    r"|use|put|mute|unmute|remove|delete|trim|cut|zoom|pan|change|turn|give|apply|switch|each"
    r"|every|no|music|voice|background)\b)|然后|并且|同时|另外"
)

_PROMO = r"\bpromo(?:tional)?\b|\badvert|\bad video\b|\bcommercial\b|宣传|广告|推广"
_SLIDESHOW = r"\bslide ?shows?\b|幻灯|轮播|相册视频"
_ANIMATE = r"\banimat(?:e|ion)\b|\bbring\b.{0,24}\bto life\b|动起来|让.{0,8}动|动态视频"
_GENERATE = r"\bgenerate\b|\btext[- ]to[- ]video\b|生成"
_NOT_GENERATE = (
    r"\b(?:don'?t|do not|without|no)\b.{0,24}\bgenerat"
    r"|(?:不要|不用|无|没有|不带|不使用|别).{0,8}生成"
)
_MAKE_VIDEO = (
    r"\b(?:turn|make|create|build|put|combine|edit|assemble|produce)\b.*\b(?:video|movie|reel|film)s?"
    r"\b|(?:做成|制作|合成|剪成|剪辑|变成|做个|做一个|做一段).{0,16}视频"
)
_UPLOAD_REF = (
    r"\b(?:these|my|the|those|all|uploaded|this)\s+(?:\w+\s+){0,2}(?:photos?|images?|pictures?|pics"
    r"|clips?|footage|files|shots|stills|audio)\b|照片|图片|相片|素材|这张图|这些图"
)
_VERTICAL = r"\bvertical\b|\bportrait\b|\b9\s*[:：x/]\s*16\b|竖屏|竖版|竖向"
_SQUARE = r"\bsquare\b|\b1\s*[:：x/]\s*1\b|方形|方屏"
_LANDSCAPE = r"\bhorizontal\b|\blandscape\b|\bwidescreen\b|\b16\s*[:：x/]\s*9\b|横屏|横版|横向"
_NO_TRANSITION = (
    r"\b(?:no|without|remove|drop|disable|skip|turn off|get rid of)\b(?:\s+(?:the|any|all))?"
    r"\s+transitions?\b|(?:不要|无|没有|去掉|取消|不带|删除|关闭|不用)转场"
)
_WIPE = r"\bwipes?\b|擦除|划像"
_DISSOLVE = r"\bdissolves?\b|溶解"
_FADE = (
    r"\bcross-?fades?\b|\bfades?\b(?!\s+(?:in|out)\b)|\btransitions?\b"
    r"|淡入淡出|交叉淡|渐变|淡化|带转场"
)
_ZOOM_OUT = r"\bzoom(?:s|ing)?\s*out\b|缩小|拉远"
_ZOOM_IN = r"\bzoom(?:s|ing)?\s*in\b|\bslow zoom\b|\bken burns\b|放大|推近|拉近"
_PAN_LEFT = r"\bpan(?:s|ning)?\s+(?:to\s+the\s+)?left\b|向左|往左|左移"
_PAN_RIGHT = r"\bpan(?:s|ning)?\s+(?:to\s+the\s+)?right\b|向右|往右|右移"
_NO_MOTION = (
    r"\b(?:no|without(?:\s+any)?)\s+(?:motion|movement|zoom(?:ing)?|pan(?:ning)?|ken burns)\b"
    r"|不要(?:动|缩放|运动|动效)|静止|无动效"
)
_ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "last": -1}
_STILL_WORD = r"(?:photo|image|picture|pic|slide|still|shot)"
_ORDINAL_EN = re.compile(r"\b(" + "|".join(_ORDINALS) + r")\s+" + _STILL_WORD + r"\b")
_NUMBERED_EN = re.compile(r"\b" + _STILL_WORD + r"\s*#?\s*(\d+)\b")
_ORDINAL_ZH = re.compile(r"第([一二三四五六七八九十\d]+)张|最后一张")
_TRIM = r"\b(?:trim|cut|shorten)\b.{0,30}\b(?:clip|footage)s?\b|(?:剪|裁|截)(?:到|成|为|短到)"
_LENGTH = (
    r"\b(?:make|set|change|cut|shorten|extend|lengthen|stretch|trim)\s+(?:it|the video|the whole"
    r"(?: thing| video)?|everything|the length|the total|this)\b|\blong\b|\blength\b|\btotal\b"
    r"|\bduration\b|做成|改成|变成|缩短|延长|总长|时长|长度"
)
_TITLE = r"\btitles?\b|\bheadlines?\b|\bheadings?\b|标题"
_TEXT = r"\btexts?\b|\bcaptions?\b|\bsubtitles?\b|\blabels?\b|\boverlays?\b|文字|字幕|文本"
_TEXT_OVERLAYS = r"\btext\s+overlays?\b|\btexts\b|\bcaptions\b|文字|字幕"
_REMOVE = (
    r"\b(?:remove|delete|drop|clear|erase|get rid of|take (?:off|out)|hide)\b"
    r"|删除|去掉|移除|删掉|去除|不要"
)
_ADD = r"\b(?:add|put|include|insert|use|with|give)\b|添加|加上|加入|配上|加个|加一|加"
_TOP = r"\btop\b|\bupper\b|顶部|上方|顶端|上面|上部"
_CENTER = r"\bcent(?:er|re)\b|\bmiddle\b|中间|居中|中央|正中"
_BOTTOM = r"\bbottom\b|\blower\b|底部|下方|底端|下面|下部"
_MUSIC = r"\bmusic\b|\bbgm\b|\bsoundtrack\b|\bsong\b|背景音乐|音乐|配乐|歌曲"
_VOICE = r"\bvoice(?:over|-over)?\b|\bnarration\b|\bnarrator\b|\bvo\b|旁白|配音|人声|解说"
_CLIP_SOUND = r"\b(?:clip|video|original)\s+(?:sound|audio)\b|原声|视频声音"
_VOLUME = r"\bvolume\b|\bloud(?:ness)?\b|音量"
_MUTE = r"\bmute\b|\bsilence\b|\bturn off\b|静音|关掉|关闭"
_UNMUTE = r"\bunmute\b|取消静音"
_LOGO = r"\blogo\b|标志|徽标"
_UNDO = re.compile(r"\b(?:undo|revert)\b|\bgo back\b|撤销|撤回|回退|返回上一步")


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


def is_undo_message(message: str) -> bool:
    """True for "undo", "revert", "go back", 撤销 and the like (quoted words do not count)."""
    return bool(_UNDO.search(_QUOTE.sub(" ", message).lower()))


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
    request.text_overlays = request.build is not None and _has(_TEXT_OVERLAYS, whole)
    for clause in _clauses(text):
        _read_clause(clause, quotes, request)
    return request


def _has(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


def _build_kind(text: str) -> BuildKind | None:
    if _has(_SLIDESHOW, text):
        return "slideshow"
    if _has(_ANIMATE, text):
        return "animate"
    if _has(_PROMO, text) or (_has(_MAKE_VIDEO, text) and _has(_UPLOAD_REF, text)):
        return "promo"
    return None


def _generate_asked(text: str) -> bool:
    return _has(_GENERATE, text) and not _has(_NOT_GENERATE, text)


def _asks_something(clause: str) -> bool:
    """Whether a clause holds an instruction of its own (else it continues the one before)."""
    patterns = (
        _PROMO, _SLIDESHOW, _ANIMATE, _GENERATE, _MAKE_VIDEO, _VERTICAL, _SQUARE, _LANDSCAPE,
        _NO_TRANSITION, _WIPE, _DISSOLVE, _FADE, _ZOOM_IN, _ZOOM_OUT, _PAN_LEFT, _PAN_RIGHT,
        _NO_MOTION, _TRIM, _LENGTH, _TITLE, _TEXT, _REMOVE, _MUSIC, _VOICE, _MUTE, _VOLUME,
        r"\b(?:each|every|per)\b|每",
    )  # fmt: skip
    return any(_has(pattern, clause) for pattern in patterns)


def _clauses(text: str) -> list[str]:
    """The message cut into clauses; a fragment without an instruction joins the clause before it
    (or the next one, when it comes first)."""
    clauses: list[str] = []
    pending = ""
    for fragment in _SPLIT.split(text):
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
        _has(pattern, clause) for pattern in (_PROMO, _SLIDESHOW, _ANIMATE, _MAKE_VIDEO)
    )

    removing = _has(_REMOVE, clause) and not _has(_NO_TRANSITION, clause)
    if removing:
        request.remove.extend(_removal_targets(clause))
    elif _has(_TITLE, clause) or (_has(_TEXT, clause) and request.build is None):
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

    if request.generate and _has(_GENERATE, clause):
        request.generate_prompt = _generate_prompt(original, quotes)
        if plain:
            request.generate_seconds = plain[0]
    elif plain and _has(_TRIM, clause) and not builds_here:
        request.trim_s = plain[0]
    elif plain and (builds_here or _has(_LENGTH, clause) or not _has_other_edit(clause)):
        request.length_s = plain[0]


def _has_other_edit(clause: str) -> bool:
    """Whether a clause asks for something that takes no length (so its number is not one)."""
    patterns = (_VERTICAL, _SQUARE, _LANDSCAPE, _MUSIC, _VOICE, _ZOOM_IN, _ZOOM_OUT, _PAN_LEFT)
    return any(_has(pattern, clause) for pattern in (*patterns, _PAN_RIGHT))


def _removal_targets(clause: str) -> list[str]:
    targets = []
    if _has(_TITLE, clause):
        targets.append("title")
    if _has(_TEXT, clause):
        targets.append("text")
    if _has(_MUSIC, clause):
        targets.append("bgm")
    if _has(_VOICE, clause):
        targets.append("voice")
    if _has(_LOGO, clause):
        targets.append("logo")
    return targets


def _text_asks(
    clause: str, quotes: list[str], durations: list[tuple[str, float]], seconds: float | None
) -> list[TextAsk]:
    """One ask per title/text keyword, each taking the next quoted string after it."""
    pos: Literal["top", "center", "bottom"] | None = None
    for name, pattern in (("top", _TOP), ("center", _CENTER), ("bottom", _BOTTOM)):
        if _has(pattern, clause):
            pos = name  # type: ignore[assignment]
    start = next((value for kind, value in durations if kind == "start"), None)
    keywords = sorted(
        [(m.start(), "title") for m in re.finditer(_TITLE, clause)]
        + [(m.start(), "text") for m in re.finditer(_TEXT, clause)]
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
        words = quotes[chosen] if chosen is not None else None
        asks.append(TextAsk(kind, words or None, seconds, start, pos))  # type: ignore[arg-type]
    # "add a title and text 'X'": only the asks that got words matter when any did.
    with_words = [ask for ask in asks if ask.text]
    return with_words or asks[:1]


def _read_canvas(clause: str, request: Request) -> None:
    for pattern, size in (
        (_VERTICAL, CANVAS_PORTRAIT),
        (_SQUARE, CANVAS_SQUARE),
        (_LANDSCAPE, CANVAS_LANDSCAPE),
    ):
        if _has(pattern, clause):
            request.canvas = size


def _read_transition(clause: str, request: Request) -> None:
    if _has(_NO_TRANSITION, clause):
        request.transition = "none"
    elif _has(_WIPE, clause):
        request.transition = "wipeleft"
    elif _has(_DISSOLVE, clause):
        request.transition = "dissolve"
    elif _has(_FADE, clause):
        request.transition = "fade"


def _read_motion(clause: str, request: Request) -> None:
    motions: tuple[tuple[str, Motion], ...] = (
        (_NO_MOTION, "none"),
        (_ZOOM_OUT, "zoom_out"),
        (_ZOOM_IN, "zoom_in"),
        (_PAN_LEFT, "pan_left"),
        (_PAN_RIGHT, "pan_right"),
    )
    motion = next((name for pattern, name in motions if _has(pattern, clause)), None)
    if motion is None:
        return
    request.motion = motion
    if match := _ORDINAL_EN.search(clause):
        request.motion_target = _ORDINALS[match.group(1)]
    elif match := _NUMBERED_EN.search(clause):
        request.motion_target = int(match.group(1)) - 1
    elif match := _ORDINAL_ZH.search(clause):
        index = number_value(match.group(1)) if match.group(1) else None
        request.motion_target = int(index) - 1 if index else -1


def _read_audio(clause: str, request: Request) -> None:
    role: Role | None = None
    if _has(_CLIP_SOUND, clause):
        role = "clip"
    elif _has(_VOICE, clause):
        role = "voice"
    elif _has(_MUSIC, clause):
        role = "bgm"
    percent = _PERCENT.search(clause)
    if _has(_UNMUTE, clause):
        request.volumes[role or "bgm"] = 0.35 if role in (None, "bgm") else 1.0
    elif _has(_MUTE, clause) and (role or _has(r"\baudio\b|\bsound\b|声音", clause)):
        request.volumes[role or "bgm"] = 0.0
    elif percent and (role or _has(_VOLUME, clause)):
        value = float(percent.group(1)) if percent.group(1) else number_value(percent.group(2))
        if value is not None:
            request.volumes[role or "bgm"] = value / 100
    elif role in ("bgm", "voice") and _has(_ADD, clause) and request.build is None:
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
