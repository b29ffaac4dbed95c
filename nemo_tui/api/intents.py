"""What a typed message asks for before anything is sent (SPEC 9), and the GUI-phrase translation
of the agent's replies (SPEC 4.3).

Routing rule: a message is a command (export, credits, state, upload) when it contains one of the
command's keywords and no editing verb. An editing verb means the user is describing an edit, so
"add a download button to the title" goes to the agent as chat: sending an edit to the agent costs
a message, but treating it as a command would silently drop the edit. When several commands'
keywords appear, the first one in the text wins.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import Enum

from nemo_tui.cjk import has_cjk


class Intent(Enum):
    EXPORT = "export"
    CREDITS = "credits"
    STATE = "state"
    UPLOAD = "upload"
    CHAT = "chat"


def _words(*phrases: str) -> str:
    # English keywords match whole words only: "status" must not match "statuses" mid-word, and
    # "download" must not match "upload".
    return "|".join(rf"\b{phrase}\b" for phrase in phrases)


_KEYWORDS: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    (
        Intent.EXPORT,
        re.compile(
            _words(
                "export(?:s|ed|ing)?",
                "download(?:s|ed|ing)?",
                # "render" alone or with the video as object; "render the title in bold" is chat.
                r"render(?: (?:it|the video|my video|the final video|the timeline))?(?=\W*$)",
                r"send (?:me )?(?:the |my |that )?(?:final )?(?:video|file|mp4|movie|result)",
                r"save (?:the |my )?(?:video|mp4|movie)",
            )
            + "|导出|下载|渲染",
            re.IGNORECASE,
        ),
    ),
    (
        Intent.CREDITS,
        re.compile(_words("credits?", "balance", "quota") + "|积分|余额|额度", re.IGNORECASE),
    ),
    (
        Intent.STATE,
        re.compile(
            _words(
                "status",
                "state",
                r"(?:show|list)(?: me)?(?: the| my)? (?:tracks|timeline|draft)",
                r"what(?:'s| is) on the timeline",
            )
            + "|状态|(?:查看|显示|看看)(?:时间轴|时间线|轨道)",
            re.IGNORECASE,
        ),
    ),
    (Intent.UPLOAD, re.compile(_words("upload(?:s|ed|ing)?") + "|上传", re.IGNORECASE)),
)

_EDIT_VERBS = re.compile(
    _words(
        r"add(?:s|ed|ing)?",
        r"insert",
        r"put",
        r"place",
        r"make",
        r"change",
        r"remove",
        r"delete",
        r"replace",
        r"move",
        r"set",
        r"create",
        r"turn",
        r"generate",
        r"animate",
        r"trim",
        r"cut",
        r"crop",
        r"zoom",
        r"fade",
        r"apply",
        r"rename",
        r"swap",
        r"shorten",
        r"lengthen",
        r"speed up",
        r"slow down",
        r"edit",
    )
    + "|添加|加上|加入|增加|插入|删除|删掉|去掉|修改|改成|改为|换成|替换|换一|设置|调整|调到|调成"
    + "|放到|放在|制作|生成|做成|做一|做个|加(?=[一个点段首些])",
    re.IGNORECASE,
)


def route(text: str) -> Intent:
    """The intent of one typed message; CHAT unless it is plainly one of the commands."""
    if _EDIT_VERBS.search(text):
        return Intent.CHAT
    found = [
        (match.start(), intent) for intent, pattern in _KEYWORDS if (match := pattern.search(text))
    ]
    return min(found, key=lambda hit: hit[0])[1] if found else Intent.CHAT


@dataclass(frozen=True)
class GuiHints:
    """The client's own words for what the backend calls GUI actions, in English and in Chinese
    (an answer in Chinese gets its hint in Chinese). The TUI passes its keys."""

    export: str = "press e to export"
    timeline: str = "see the timeline pane"
    edit: str = "describe the edit in chat"
    export_zh: str = "按 e 导出"
    timeline_zh: str = "在时间线窗格中查看"
    edit_zh: str = "在聊天里描述修改"
    # How a failed render is tried once more (SPEC 7); the CLI prints the whole command instead.
    retry: str = "It may be tried once more with a new id."

    @classmethod
    def for_tui(cls, export_key: str = "e", retry_key: str = "r") -> GuiHints:
        return cls(
            export=f"press {export_key} to export",
            export_zh=f"按 {export_key} 导出",
            retry=f"Press {retry_key} on its row in the status pane to try once more (new id).",
        )

    @classmethod
    def for_cli(cls, export_to: str | None = None) -> GuiHints:
        """`export_to`: the run's `--export` file, when given (the hint then says it is coming,
        rather than asking for the option)."""
        return cls(
            export=(
                f"this run exports it to {export_to}"
                if export_to
                else "add `--export OUT.mp4` to `nemo-tui run`"
            ),
            timeline="run `nemo-tui state` to see the timeline",
            export_zh=(
                f"本次运行会把它导出到 {export_to}"
                if export_to
                else "给 `nemo-tui run` 加上 `--export OUT.mp4`"
            ),
            timeline_zh="运行 `nemo-tui state` 查看时间线",
            retry="",
        )

    def words(self, hint: str, chinese: bool) -> str:
        """The hint named `hint` ("export", "timeline", "edit") in English or Chinese."""
        return str(getattr(self, f"{hint}_zh" if chinese else hint))


_QUOTE = "[\"'“”‘’「」『』【】]?"

# Order matters: "preview in the timeline panel" must be seen whole before "panel" alone.
_GUI_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            rf"\b(?:click|tap|press|hit|select|use)(?: on)?(?: the)? {_QUOTE}"
            rf"(?:export|download|render){_QUOTE}(?: (?:button|icon|option|menu))?",
            re.IGNORECASE,
        ),
        "export",
    ),
    (re.compile(rf"(?:点击|单击|点)\s*{_QUOTE}(?:导出|下载)(?:视频)?{_QUOTE}(?:按钮)?"), "export"),
    (
        re.compile(
            r"\bpreview(?: it| this| them| the video| the result)? (?:in|on) the timeline"
            r"(?: (?:panel|pane|view|editor))?",
            re.IGNORECASE,
        ),
        "timeline",
    ),
    (
        re.compile(
            r"\bopen(?:ing)? the (?:[\w-]+ )?(?:panel|editor|timeline|preview window)",
            re.IGNORECASE,
        ),
        "timeline",
    ),
    (re.compile(r"在?(?:时间轴|时间线)(?:上|中|里)?预览"), "timeline"),
    (
        re.compile(r"打开[^\s，。,.!！?？]{0,8}?(?:面板|窗口|时间轴|时间线|预览|编辑器)(?:查看)?"),
        "timeline",
    ),
    (
        re.compile(r"\bdrag(?:ging)?(?: and | ?& ?|-and-| ?/ ?)drop(?:ping)?\b", re.IGNORECASE),
        "edit",
    ),
    (re.compile(r"拖拽|拖放|拖动"), "edit"),
)


# Every phrase above starts with one of these: text without any is left as it is, at the cost of
# one search instead of eight (the translation runs on every chunk of a streaming answer).
_GUI_TRIGGER_WORDS = (
    *("click", "tap", "press", "hit", "select", "use", "preview", "open", "drag"),
    *("点", "单击", "时间轴", "时间线", "打开", "拖"),
)
_GUI_TRIGGER = re.compile("|".join(_GUI_TRIGGER_WORDS), re.IGNORECASE)
# Text appended to a string already known to have no trigger needs a search from this far back
# (the longest trigger's length), to catch one split across the two.
GUI_TRIGGER_REACH = max(len(word) for word in _GUI_TRIGGER_WORDS)


def may_mention_gui(text: str, start: int = 0) -> bool:
    """Whether `text[start:]` holds the first word of a GUI phrase; if not, `translate_gui`
    leaves the text as it is."""
    return _GUI_TRIGGER.search(text, start) is not None


def translate_gui(text: str, hints: GuiHints | None = None) -> str:
    """Replace the backend's GUI phrases ("click the Export button", 点击导出, "drag and drop", ...)
    with what works in this client."""
    if not may_mention_gui(text):
        return text
    hints = hints or GuiHints()
    for pattern, hint in _GUI_PHRASES:
        text = pattern.sub(functools.partial(_fit, hints=hints, kind=hint), text)
    return text


_OBJECT_FOLLOWS = re.compile(r" [A-Za-z]")


def _in_chinese(match: re.Match[str]) -> bool:
    """Whether the phrase is written in Chinese or sits in Chinese text (its hint then is too)."""
    text = match.string
    around = text[match.start() - 1 : match.start()] + text[match.end() : match.end() + 1]
    return has_cjk(match.group() + around)


def _fit(match: re.Match[str], hints: GuiHints, kind: str) -> str:
    """The hint of `kind` in the phrase's language, shaped to the sentence around it."""
    phrase, text = match.group(), match.string
    chinese = _in_chinese(match)
    hint = hints.words(kind, chinese)
    if chinese:
        # "拖拽片段调整顺序" keeps its object after a colon, as the English does below.
        follows = text[match.end() : match.end() + 1]
        return f"{hint}：" if kind == "edit" and has_cjk(follows) else hint
    # "Drag and drop the clips to reorder" keeps its object: "Describe the edit in chat: move the
    # clips to reorder".
    if kind == "edit" and _OBJECT_FOLLOWS.match(text, match.end()):
        hint = f"{hint}: move"
    if phrase[:1].isupper():
        hint = hint[:1].upper() + hint[1:]
    return hint
