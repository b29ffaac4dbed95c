"""The words the agent listens for, in English and Chinese: one regular expression per kind of
request, matched against a lower-cased clause whose quoted words were taken out. `SPLIT` cuts a
piece of a message into clauses.

Patterns run only through the functions at the end, and only on text of at most `WINDOW`
characters (`found` looks through a longer text in overlapping windows). Whatever a pattern costs
on one window is a constant, so reading a message costs time in proportion to its length: a user's
text can never make a regular expression backtrack over the whole of it.

Kept apart from `intent` (which decides what a clause means) so the vocabulary can grow
without touching the logic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# The longest text one pattern is run on, and how far apart `found`'s windows start: a match of up
# to WINDOW - STEP characters lies whole in some window.
WINDOW = 400
STEP = WINDOW // 2

SPLIT = re.compile(
    r"[,;，；。!！?？\n]+|\.(?:\s+|$)|\s+(?:and|then|also)\s+(?=(?:then\s+|also\s+)?(?:add|make|set"
    r"|use|put|mute|unmute|remove|delete|trim|cut|zoom|pan|change|turn|give|apply|switch|each"
    r"|every|no|music|voice|background)\b)|然后|并且|同时|另外",
    re.IGNORECASE,
)

PROMO = r"\bpromo(?:tional)?\b|\badvert|\bad video\b|\bcommercial\b|宣传|广告|推广"
SLIDESHOW = r"\bslide ?shows?\b|幻灯|轮播|相册视频"
ANIMATE = r"\banimat(?:e|ion)\b|\bbring\b.{0,24}\bto life\b|动起来|让.{0,8}动|动态视频"
# What is in a photo moving by itself: the engine can only move the camera over it (zoom, pan).
SUBJECT_MOTION = (
    r"\bin motion\b|\b(?:running|walking|jumping|dancing|flying|spinning|bouncing|rolling)\b"
    r"|\b(?:make|let|have|see|show)\b.{0,30}\b(?:run|walk|jump|dance|fly|spin|bounce|roll)\b"
    r"|跑动|奔跑|跑起来|走动|走起来|跳起来|飞起来|转起来|动起来|运动起来|在跑道上"
)
GENERATE = r"\bgenerate\b|\btext[- ]to[- ]video\b|生成"
NOT_GENERATE = (
    r"\b(?:don'?t|do not|without|no)\b.{0,24}\bgenerat"
    r"|(?:不要|不用|无|没有|不带|不使用|别).{0,8}生成"
)
MAKE_VIDEO = (
    r"\b(?:turn|make|create|build|put|combine|edit|assemble|produce)\b.{0,120}?\b(?:video|movie|reel|film)s?"
    r"\b|(?:做成|制作|合成|剪成|剪辑|变成|做个|做一个|做一段).{0,16}视频"
)
UPLOAD_REF = (
    r"\b(?:these|my|the|those|all|uploaded|this)\s+(?:\w+\s+){0,2}(?:photos?|images?|pictures?|pics"
    r"|clips?|footage|files|shots|stills|audio)\b|照片|图片|相片|素材|这张图|这些图"
)
VERTICAL = r"\bvertical\b|\bportrait\b|\b9\s*[:：x/]\s*16\b|竖屏|竖版|竖向"
SQUARE = r"\bsquare\b|\b1\s*[:：x/]\s*1\b|方形|方屏"
LANDSCAPE = r"\bhorizontal\b|\blandscape\b|\bwidescreen\b|\b16\s*[:：x/]\s*9\b|横屏|横版|横向"
NO_TRANSITION = (
    r"\b(?:no|without|remove|drop|disable|skip|turn off|get rid of)\b(?:\s+(?:the|any|all))?"
    r"\s+transitions?\b|(?:不要|无|没有|去掉|取消|不带|删除|关闭|不用)转场"
)
WIPE = r"\bwipes?\b|擦除|划像"
DISSOLVE = r"\bdissolves?\b|溶解"
FADE = (
    r"\bcross-?fades?\b|\bfades?\b(?!\s+(?:in|out)\b)|\btransitions?\b"
    r"|淡入淡出|交叉淡|渐变|淡化|带转场"
)
ZOOM_OUT = r"\bzoom(?:s|ing)?\s*out\b|缩小|拉远"
ZOOM_IN = r"\bzoom(?:s|ing)?\s*in\b|\bslow zoom\b|\bken burns\b|放大|推近|拉近"
PAN_LEFT = r"\bpan(?:s|ning)?\s+(?:to\s+the\s+)?left\b|向左|往左|左移"
PAN_RIGHT = r"\bpan(?:s|ning)?\s+(?:to\s+the\s+)?right\b|向右|往右|右移"
NO_MOTION = (
    r"\b(?:no|without(?:\s+any)?)\s+(?:motion|movement|zoom(?:ing)?|pan(?:ning)?|ken burns)\b"
    r"|不要(?:动|缩放|运动|动效)|静止|无动效"
)
ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "last": -1}
STILL_WORD = r"(?:photo|image|picture|pic|slide|still|shot)"
ORDINAL_EN = re.compile(r"\b(" + "|".join(ORDINALS) + r")\s+" + STILL_WORD + r"\b")
NUMBERED_EN = re.compile(r"\b" + STILL_WORD + r"\s*#?\s*(\d+)\b")
ORDINAL_ZH = re.compile(r"第([一二三四五六七八九十\d]+)张|最后一张")
TRIM = r"\b(?:trim|cut|shorten)\b.{0,30}\b(?:clip|footage)s?\b|(?:剪|裁|截)(?:到|成|为|短到)"
# "a 30-second video": a number that says how long the video is, whatever else the clause asks.
VIDEO_LENGTH = (
    r"\d+(?:\.\d+)?[ -]?(?:s|secs?|seconds?)[ -](?:long )?(?:video|movie|reel|film)s?\b"
    r"|\d+(?:\.\d+)?\s?秒(?:钟)?的?(?:视频|短片)"
)
LENGTH = (
    r"\b(?:make|set|change|cut|shorten|extend|lengthen|stretch|trim)\s+(?:it|the video|the whole"
    r"(?: thing| video)?|everything|the length|the total|this)\b|\blong\b|\blength\b|\btotal\b"
    r"|\bduration\b|做成|改成|变成|缩短|延长|总长|时长|长度"
)
TITLE = r"\btitles?\b|\bheadlines?\b|\bheadings?\b|标题"
TEXT = r"\btexts?\b|\bcaptions?\b|\bsubtitles?\b|\blabels?\b|\boverlays?\b|文字|字幕|文本"
TEXT_OVERLAYS = r"\btext\s+overlays?\b|\btexts\b|\bcaptions\b|文字|字幕"
REMOVE = (
    r"\b(?:remove|delete|drop|clear|erase|get rid of|take (?:off|out)|hide)\b"
    r"|删除|去掉|移除|删掉|去除|不要"
)
ADD = r"\b(?:add|put|include|insert|use|with|give)\b|添加|加上|加入|配上|加个|加一|加"
TOP = r"\btop\b|\bupper\b|顶部|上方|顶端|上面|上部"
CENTER = r"\bcent(?:er|re)\b|\bmiddle\b|中间|居中|中央|正中"
BOTTOM = r"\bbottom\b|\blower\b|底部|下方|底端|下面|下部"
MUSIC = r"\bmusic\b|\bbgm\b|\bsoundtrack\b|\bsong\b|背景音乐|音乐|配乐|歌曲"
VOICE = r"\bvoice(?:over|-over)?\b|\bnarration\b|\bnarrator\b|\bvo\b|旁白|配音|人声|解说"
CLIP_SOUND = r"\b(?:clip|video|original)\s+(?:sound|audio)\b|原声|视频声音"
VOLUME = r"\bvolume\b|\bloud(?:ness)?\b|音量"
MUTE = r"\bmute\b|\bsilence\b|\bturn off\b|静音|关掉|关闭"
UNMUTE = r"\bunmute\b|取消静音"
LOGO = r"\blogo\b|标志|徽标"
UNDO = re.compile(r"\b(?:undo|revert)\b|\bgo back\b|撤销|撤回|回退|返回上一步")


def windows(text: str) -> list[str]:
    """`text` as overlapping slices of at most WINDOW characters, each STEP after the last."""
    if len(text) <= WINDOW:
        return [text]
    return [text[start : start + WINDOW] for start in range(0, len(text) - STEP, STEP)]


def _bounded(text: str) -> str:
    if len(text) > WINDOW:
        raise ValueError(f"a pattern was asked to read {len(text)} characters (limit {WINDOW})")
    return text


def found(pattern: str | re.Pattern[str], text: str) -> bool:
    """Whether `pattern` matches anywhere in `text`, of any length."""
    return any(re.search(pattern, window) is not None for window in windows(text))


def first(pattern: str | re.Pattern[str], text: str) -> re.Match[str] | None:
    return re.search(pattern, _bounded(text))


def at_start(pattern: str | re.Pattern[str], text: str) -> re.Match[str] | None:
    return re.match(pattern, _bounded(text))


def each(pattern: str | re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    return re.finditer(pattern, _bounded(text))


def cut(pattern: str | re.Pattern[str], text: str) -> list[str]:
    return re.split(pattern, _bounded(text))


def replace(pattern: str | re.Pattern[str], new: str, text: str, flags: int = 0) -> str:
    return re.sub(pattern, new, _bounded(text), flags=flags)
