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
from collections.abc import Callable, Iterator

# The longest text one pattern is run on, and how far apart `found`'s windows start: a match of up
# to WINDOW - STEP characters lies whole in some window.
WINDOW = 400
STEP = WINDOW // 2

SPLIT = re.compile(
    r"[,;，；。!！?？\n]+|\.(?:\s+|$)|\s+(?:and|then|also|plus)\s+(?=(?:then\s+|also\s+)?(?:add|make"
    r"|set|use|put|mute|unmute|remove|delete|drop|trim|cut|zoom|pan|change|turn|give|apply|switch"
    r"|each|every|no|music|voice|background|move|swap|insert|place|lower|raise|duck|shorten"
    r"|lengthen|extend|replace|show|write|get rid)\b)|然后|并且|同时|另外|再把|再加",
    re.IGNORECASE,
)

PROMO = r"\bpromo(?:tional)?\b|\badvert|\bads?\b|\bcommercial\b|宣传|广告|推广"
SLIDESHOW = r"\bslide ?shows?\b|幻灯|轮播|相册视频"
ANIMATE = r"\banimat(?:e|ion)\b|\bbring\b.{0,24}\bto life\b|动起来|让.{0,8}动|动态视频"
# What is in a photo moving by itself: the engine can only move the camera over it (zoom, pan).
SUBJECT_MOTION = (
    r"\bin motion\b|\b(?:running|walking|jumping|dancing|flying|spinning|bouncing|rolling)\b"
    r"|\b(?:make|let|have|see|show)\b.{0,30}\b(?:run|walk|jump|dance|fly|spin|bounce|roll|move"
    r"|race|drive|swim|wave)\b"
    r"|跑动|奔跑|跑起来|走动|走起来|跳起来|飞起来|转起来|动起来|运动起来|在跑道上"
)
GENERATE = r"\bgenerate\b|\btext[- ]to[- ]video\b|生成"
# A plain description of a new video, as the official CLI's `create` sends it.
SCENE = (
    r"\b(?:video|clip|scene|showcase|demo|trailer|teaser|intro|outro|ad|advert|commercial|promo"
    r"|animation|footage|reel|film|movie|short|montage|spot|explainer|b-roll|loop|sequence"
    r"|timelapse|story)s?\b|视频|短片|宣传片|广告|演示|展示|动画|片头|片尾|镜头"
)
NOT_GENERATE = (
    r"\b(?:don'?t|do not|without|no)\b.{0,24}\bgenerat"
    r"|(?:不要|不用|无|没有|不带|不使用|别).{0,8}生成"
)
MAKE_VIDEO = (
    r"\b(?:turn(?:ing)?|mak(?:e|ing)|creat(?:e|ing)|build|put|combine|edit|assemble|produce"
    r"|convert(?:ing)?|compile|stitch)\b.{0,120}?\b(?:video|movie|reel|film|slideshow)s?"
    r"\b|\b(?:into|to)\s+an?\s+(?:\d+p\s+)?mp4\b|(?:做成|制作|合成|剪成|剪辑|变成|做个|做一个|做一段|转成|转换成|生成).{0,16}(?:视频|短片|mp4)"
)
# "create my images or clips", "turn these photos and audio into": a build named by its verb and
# the uploads alone, its product left unsaid.
MAKE_FROM_UPLOADS = (
    r"\b(?:turn|make|create|build|combine|assemble|produce|convert|compile|generate|generating"
    r"|turning|creating|making)\b.{0,40}?\b(?:photos?|images?|pictures?|pics|clips?|footage"
    r"|gifs?|image collections?)\b|把(?:这些|这个|这张)?(?:照片|图片|素材|动图)"
)
UPLOAD_REF = (
    r"\b(?:these|my|the|those|all|uploaded|this|our|\d+)\s+(?:\w+\s+){0,2}(?:photos?|images?"
    r"|pictures?|pics|clips?|footage|files|shots|stills|audio|gifs?|image collections?)\b"
    r"|照片|图片|相片|素材|这张图|这些图|动图"
)
GIF = r"\bgifs?\b|动图"
SLIDESHOW_HINT = (
    r"\b(?:without|no)\b.{0,20}\b(?:ai|effects?|generation)\b|\bconvert\b|不要.{0,6}(?:ai|特效|效果)"
    r"|不用.{0,6}(?:ai|特效)|转成|转换成"
)
VERTICAL = (
    r"\bvertical\b|\bportrait\b|\b9\s*[:：x/]\s*16\b|\btik ?tok\b|\breels\b|\bshorts\b"
    r"|\b(?:instagram|ig|facebook|fb)\s+reels?\b"
    r"|\b(?:instagram|ig) stor(?:y|ies)\b|\bstories\b|竖屏|竖版|竖向|抖音|快手|视频号"
)
SQUARE = (
    r"\bsquare\b|\b1\s*[:：x/]\s*1\b|\binstagram\b(?!\s+(?:reels?|stor))|\big (?:post|feed)\b"
    r"|方形|方屏|正方形"
)
LANDSCAPE = (
    r"\bhorizontal\b|\blandscape\b|\bwidescreen\b|\b16\s*[:：x/]\s*9\b|\byoutube\b(?!\s+shorts)"
    r"|横屏|横版|横向|宽屏"
)
# Said with a ratio, a shape outranks a platform named beside it ("9:16 for YouTube Shorts").
RATIO = r"\b(?:9\s*[:：x/]\s*16|16\s*[:：x/]\s*9|1\s*[:：x/]\s*1)\b"
NO_TRANSITION = (
    r"\b(?:no|without|remove|drop|disable|skip|turn off|get rid of|delete|lose|kill)\b"
    r"(?:\s+(?:the|any|all|of|those|these|every|my)){0,3}\s+(?:transitions?|crossfades?|fades?)\b"
    r"|\b(?:hard|straight|jump) cuts?\b|\bcut straight\b"
    r"|(?:不要|无|没有|去掉|取消|不带|删除|关闭|不用|删掉|去除)(?:所有的?|全部的?)?(?:转场|过渡)"
)
WIPE = r"\bwipes?\b|擦除|划像"
DISSOLVE = r"\bdissolves?\b|溶解"
FADE = (
    r"\bcross-?fades?\b|\bfades?\b(?!\s+(?:in|out)\b)|\btransitions?\b"
    r"|淡入淡出|交叉淡|渐变|淡化|转场|过渡效果"
)
ZOOM_OUT = r"\bzoom(?:s|ing)?\s*out\b|缩小|拉远"
ZOOM_IN = r"\bzoom(?:s|ing)?\s*in\b|\bslow zoom\b|\bken burns\b|放大|推近|拉近"
PAN_LEFT = r"\bpan(?:s|ning)?\s+(?:to\s+the\s+)?left\b|向左|往左|左移"
PAN_RIGHT = r"\bpan(?:s|ning)?\s+(?:to\s+the\s+)?right\b|向右|往右|右移"
NO_MOTION = (
    r"\b(?:no|without(?:\s+any)?|stop(?:\s+the)?)\s+(?:motion|movement|zoom(?:ing)?|pan(?:ning)?"
    r"|ken burns)\b|\bkeep\b.{0,20}\bstill\b|\bstatic\b|不要(?:动|缩放|运动|动效)|静止|无动效"
)
ORDINALS = {
    "first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "sixth": 5, "seventh": 6,
    "eighth": 7, "ninth": 8, "tenth": 9, "last": -1, "final": -1, "penultimate": -2,
    "second-to-last": -2, "second to last": -2, "opening": 0, "closing": -1,
}  # fmt: skip
STILL_WORD = r"(?:photo|image|picture|pic|slide|still|gif|frame)"
CLIP_WORD = r"(?:clip|video clip|footage)"
ANY_WORD = r"(?:shot|segment|scene|item|one)"
_ORDINAL = r"(" + "|".join(sorted(ORDINALS, key=len, reverse=True)) + r"|\d+(?:st|nd|rd|th))"
ORDINAL_EN = re.compile(
    r"(?<!\d)(?<!\d\s)(?<!\d-)\b" + _ORDINAL + r"\s+(?:(?:product|uploaded|new|still)\s+)?"
    r"(" + STILL_WORD + "|" + CLIP_WORD + "|" + ANY_WORD + r")s?\b"
)
# "the first and second photos": the first ordinal borrows the noun of the second.
ORDINAL_PAIR = re.compile(
    r"(?<!\d)\b" + _ORDINAL + r"\s+(?:and|&|with)\s+(?:the\s+)?" + _ORDINAL + r"\s+"
    r"(" + STILL_WORD + "|" + CLIP_WORD + "|" + ANY_WORD + r")s?\b"
)
# "photo 2", "clip #3": a number that is not a length ("each photo 3 seconds").
NUMBERED_EN = re.compile(
    r"\b(" + STILL_WORD + "|" + CLIP_WORD + "|" + ANY_WORD + r")\s*(?:#|no\.?\s*|number\s*)?"
    r"(\d+)\b(?!\s*-?\s*(?:s|secs?|seconds?|mins?|minutes?|%|percent)\b|\.\w)"
)
ORDINAL_ZH = re.compile(
    r"(?:第(\d+)|最后(?:一|1)?|倒数第(\d+))(张|幅|个|段|条)?"
    r"(照片|图片|相片|图|动图|片段|视频|镜头|素材|画面)?"
)
# "the clip", "the GIF": the one there is (the first, when there are more).
THE_ONE = re.compile(r"\bthe\s+(?:video\s+)?(clip|gif|intro|opening shot|outro|ending)\b(?!s)")
# "photos 2 and 3", "the first two photos", "前两张".
NUMBERED_LIST = re.compile(
    r"\b(" + STILL_WORD + "|" + CLIP_WORD + "|" + ANY_WORD + r")s\s+(\d+)\s*(?:and|&|,)\s*(\d+)\b"
)
FIRST_FEW = re.compile(
    r"\b(first|last)\s+(\d+)\s+(" + STILL_WORD + "|" + CLIP_WORD + "|" + ANY_WORD + r")s\b"
    r"|(前|后)([2-9]|\d\d)(张|个|段)"
)
FILE_NAME = re.compile(
    r"[A-Za-z0-9_\-]+\.(?:jpe?g|png|gif|webp|heic|mp4|mov|avi|webm|mkv|mp3|wav|m4a|aac)\b"
)
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
    r"\b(?:remove|delete|drop|clear|erase|get rid of|take (?:off|out)|hide|kill|ditch|lose)\b"
    r"|删除|去掉|移除|删掉|去除|不要"
)
ADD = r"\b(?:add|put|include|insert|use|with|give)\b|添加|加上|加入|配上|加个|加一|加"
TOP = r"\btop\b|\bupper\b|顶部|上方|顶端|上面|上部"
CENTER = r"\bcent(?:er|re)\b|\bmiddle\b|中间|居中|中央|正中"
BOTTOM = r"\bbottom\b|\blower\b|底部|下方|底端|下面|下部"
# English words inside Chinese text have no word boundary (把logo放...): those that Chinese
# messages borrow are matched between non-letters instead.
MUSIC = r"\bmusic\b|(?<![a-z])bgm(?![a-z])|\bsoundtrack\b|\bsong\b|背景音乐|音乐|配乐|歌曲"
VOICE = r"\bvoice(?:over|-over)?\b|\bnarration\b|\bnarrator\b|\bvo\b|旁白|配音|人声|解说"
CLIP_SOUND = r"\b(?:clip|video|original)\s+(?:sound|audio)\b|原声|视频声音"
VOLUME = r"\bvolume\b|\bloud(?:ness)?\b|音量"
MUTE = r"\bmute\b|\bsilence\b|\bturn off\b|静音|关掉|关闭"
UNMUTE = r"\bunmute\b|取消静音"
LOGO = r"(?<![a-z])logos?(?![a-z])|\bwatermarks?\b|\bbrand mark\b|标志|徽标|水印|标识|商标"
TOP_LEFT = r"\b(?:top|upper)[- ]left\b|\bleft[- ](?:top|upper)\b|左上"
TOP_RIGHT = r"\b(?:top|upper)[- ]right\b|\bright[- ](?:top|upper)\b|右上"
BOTTOM_LEFT = r"\b(?:bottom|lower)[- ]left\b|\bleft[- ](?:bottom|lower)\b|左下"
BOTTOM_RIGHT = r"\b(?:bottom|lower)[- ]right\b|\bright[- ](?:bottom|lower)\b|右下"
QUIETER = (
    r"\bquieter\b|\bsofter\b|\blower\b|\bturn\b.{0,24}\bdown\b|\bdecrease\b|\breduce\b"
    r"|\bless loud\b|\btoo loud\b|调低|降低|小一点|小声|轻一点|太大|太吵|太响|低一点|减小"
)
LOUDER = (
    r"\blouder\b|\braise\b|\bturn\b.{0,24}\bup\b|\bincrease\b|\bboost\b|\btoo quiet\b"
    r"|调高|提高|大一点|大声|响一点|太小声|高一点|增大"
)
DUCK = (
    r"\bduck(?:s|ed|ing)?\b|\b(?:under|beneath|behind|below)\s+the\s+(?:voice|narration|vo)\b"
    r"|(?:音乐|背景音乐|配乐)(?:压低|让位)|压低(?:背景)?音乐|避让"
)
SWAP = (
    r"\bswap\b|\bexchange\b|\bswitch\b.{0,40}\band\b|\btrade places\b|交换|互换|对调|调换"
    r"|换(?:一下|个)?位置|换一下"
)
MOVE = r"\bmove\b|\bput\b|\bplace\b|\bbring\b|\bshift\b|移到|放到|挪到|调到|放在"
TO_START = (
    r"\b(?:to|at)\s+the\s+(?:start|beginning|front|top)\b|\bfirst\s*$|\bup front\b"
    r"|\bopen with\b|最前面|开头|最前|第一个位置"
)
TO_END = r"\b(?:to|at)\s+the\s+(?:end|back|bottom)\b|\blast\s*$|最后面|结尾|最后"
REPLACE = r"\breplace\b|\bswap out\b|\bswap\b.{0,40}\bfor\b|换成|替换|换掉"
INSERT = r"\b(?:add|insert|include|append|put|bring in|use)\b|加上|加入|添加|插入|放进"
# Uploads not yet on the timeline: "the new photos", "the rest of the pictures", 其他照片.
NEW_UPLOADS = (
    r"\b(?:new|other|remaining|unused|rest of the|extra)\s+(?:\w+\s+)?(?:photos|pictures|images"
    r"|pics|clips|shots|files)\b|新(?:上传的?)?(?:照片|图片|素材|片段)|其他(?:的)?(?:照片|图片|素材)"
    r"|剩下的(?:照片|图片)"
)
VISUAL_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|heic|mp4|mov|avi|webm|mkv)$")
REORDER = r"\b(?:reorder|re-order|rearrange|order|sequence)\b|顺序|排序|重新排列"
# "cut the voiceover", "cut the last photo": with nothing after it but what to cut, cut removes.
CUT_OUT = r"\bcut\s+(?:out\s+)?(?:the|this|that|my)\b|剪掉|裁掉"
# "longer" / "shorter" with no amount: how much is not said.
NO_AMOUNT = r"\b(?:longer|shorter)\b|长一点|短一点|加长|缩短"
REVERSE = r"\breverse\s+(?:the\s+)?order\b|\bbackwards order\b|倒序|顺序反过来|反转顺序"
REDO = re.compile(r"\bredo\b|重做|恢复撤销")
# Longer and shorter by an amount: "10 seconds longer", "延长5秒".
MORE_AFTER = r"\s*(?:longer|more|extra)\b"
LESS_AFTER = r"\s*(?:shorter|less)\b"
MORE_BEFORE = (
    r"(?:\b(?:longer|lengthen|extend)\b.{0,20}\bby\s+|\badd\s+(?:another\s+)?|延长|加长|增加|多)$"
)
LESS_BEFORE = r"(?:\b(?:shorter|shorten|cut|trim)\b.{0,20}\bby\s+|\btake off\s+|缩短|减少|减掉|少)$"
# Requests that no rule can carry out, each with the closest things the agent can do instead.
CANNOT = {
    "speed": r"\bspeed\b|\bslow[- ]?mo(?:tion)?\b|\bfaster\b|\bslower\b|\btime[- ]?lapse\b"
    r"|\b\d+(?:\.\d+)?x\b|加速|减速|慢动作|快进|倍速|变速|加快|放慢|速度",
    "color": r"\bfilters?\b|\bblack and white\b|\bsepia\b|\bgrayscale\b|\bcolou?r grad"
    r"|\bsaturat|\bbrightness\b|\bcontrast\b|\bvintage\b|\bwarmer\b|\bcooler\b|滤镜|黑白"
    r"|调色|复古|饱和度|亮度|对比度",
    "picture_edit": r"\bremove the background\b|\bbackground remov|\bgreen ?screen\b|\bblur\b"
    r"|\brotate\b|\bflip\b|\bmirror\b|\bupscale\b|\bstabili[sz]e|\bsticker"
    r"|\bemoji|\b3d\b|\bspin(?:ning)?\b.{0,12}\btext|抠图|去背景|模糊|裁剪|旋转|翻转|贴纸|镜像",
    "font": r"\bfonts?\b|\bbold\b|\bitalic\b|\btypeface\b|字体|加粗|斜体"
    r"|\b(?:bigger|smaller|larger|tiny|huge|red|blue|green|yellow|black|white|colou?r(?:ed)?)\s+"
    r"(?:text|title|words|letters|caption)s?\b|\b(?:text|title|words|caption)s?\b.{0,16}"
    r"\b(?:bigger|smaller|larger|size|colou?r|red|blue|green|yellow|black)\b"
    r"|(?:文字|标题|字)(?:大一点|小一点|变大|变小|颜色|改成红色)",
    "transcribe": r"\bauto[- ]?(?:subtitles?|captions?)\b|\btranscri|\bsubtitles? from\b"
    r"|\bcaptions? from\b|自动(?:生成|识别|添加|加)?字幕|识别字幕|生成字幕|语音转文字",
    "make_voice": r"\btext[- ]to[- ]speech\b|\btts\b|\b(?:generate|create|make|write)\s+(?:me\s+)?"
    r"(?:an?\s+|some\s+)?(?:ai\s+)?(?:voice ?-?over|narration)\b|\bread\b.{0,20}\baloud\b"
    r"|\bai voice\b|合成(?:配音|语音)|生成(?:配音|旁白|语音)|朗读",
    "make_music": r"\b(?:generate|compose|create|write|make)\s+(?:me\s+)?"
    r"(?:an?|some|new|original)\s+(?:\w+\s+)?(?:music|song|soundtrack|jingle|beat)\b|\bgenerate\s+(?:\w+\s+)?(?:music|songs?"
    r"|soundtrack)\b|\bcompose\b|生成(?:音乐|配乐|歌曲)|作曲",
    "reverse_play": r"\bplay\b.{0,20}\bbackwards?\b"
    r"|\breverse\s+(?:the\s+)?(?:clip|video|playback)\b|\brewind effect\b|倒放",
    "loop": r"\bboomerang\b|\bloop(?:ing)?\s+(?:the\s+|this\s+)?(?:gif|video|clip)\b"
    r"|\b(?:gif|video|clip)\s+loops?\b|循环播放",
}
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


def replace(
    pattern: str | re.Pattern[str],
    new: str | Callable[[re.Match[str]], str],
    text: str,
    flags: int = 0,
) -> str:
    return re.sub(pattern, new, _bounded(text), flags=flags)
