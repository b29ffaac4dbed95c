"""Intent routing before anything is sent (SPEC 9) and GUI-phrase translation (SPEC 4.3)."""

from __future__ import annotations

import pytest

from nemo_tui.api.intents import GuiHints, Intent, route, translate_gui


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("export", Intent.EXPORT),
        ("Export the video please", Intent.EXPORT),
        ("download it", Intent.EXPORT),
        ("send me the video", Intent.EXPORT),
        ("render it", Intent.EXPORT),
        ("导出", Intent.EXPORT),
        ("把视频导出", Intent.EXPORT),
        ("credits", Intent.CREDITS),
        ("how many credits do I have?", Intent.CREDITS),
        ("what's my balance", Intent.CREDITS),
        ("积分", Intent.CREDITS),
        ("余额还有多少", Intent.CREDITS),
        ("status", Intent.STATE),
        ("show tracks", Intent.STATE),
        ("show me the timeline", Intent.STATE),
        ("状态", Intent.STATE),
        ("upload", Intent.UPLOAD),
        ("上传这些照片", Intent.UPLOAD),
        ("turn these photos into a 30-second promo", Intent.CHAT),
        ("make it vertical 9:16", Intent.CHAT),
        ("background music at 35%", Intent.CHAT),
    ],
)
def test_route(text: str, intent: Intent) -> None:
    assert route(text) is intent


@pytest.mark.parametrize(
    "text",
    [
        "add a download button to the title",
        "add credits at the end like a movie",
        "render the title in bold",
        "put the status text at the bottom",
        "加一个导出按钮的标题",
        "把标题放到时间轴开头",
    ],
)
def test_an_edit_that_mentions_a_command_word_is_chat(text: str) -> None:
    assert route(text) is Intent.CHAT


def test_first_command_keyword_wins() -> None:
    assert route("check my credits, then export") is Intent.CREDITS
    assert route("export, then show my credits") is Intent.EXPORT


@pytest.mark.parametrize(
    ("backend", "shown"),
    [
        ("Click the Export button to save your video.", "Press e to export to save your video."),
        ("When ready, click on Export.", "When ready, press e to export."),
        ("点击导出按钮即可", "按 e 导出即可"),
        ("请点击“导出”", "请按 e 导出"),
        ("You can open the timeline panel to check.", "You can see the timeline pane to check."),
        ("Preview it in the timeline.", "See the timeline pane."),
        ("打开面板查看效果", "在时间线窗格中查看效果"),
        ("可以在时间轴上预览效果", "可以在时间线窗格中查看效果"),
        (
            "Drag and drop the clips to reorder them.",
            "Describe the edit in chat: move the clips to reorder them.",
        ),
        ("拖拽片段调整顺序", "在聊天里描述修改：片段调整顺序"),
        ("Nothing GUI here.", "Nothing GUI here."),
    ],
)
def test_translate_gui_for_the_tui(backend: str, shown: str) -> None:
    # One case per phrase pattern: a pattern the quick trigger check missed would fail here.
    assert translate_gui(backend) == shown


def test_key_hints_are_the_caller_s() -> None:
    assert translate_gui("Click the Export button.", GuiHints.for_tui("ctrl+e")) == (
        "Press ctrl+e to export."
    )
    cli = translate_gui(
        "Click the Export button, then preview in the timeline.", GuiHints.for_cli()
    )
    assert cli == (
        "Add `--export OUT.mp4` to `nemo-tui run`, then run `nemo-tui state` to see the timeline."
    )
    # `run --export out.mp4` already exports: the hint says so instead of asking for the option.
    exporting = GuiHints.for_cli("out.mp4")
    assert translate_gui("Click the Export button.", exporting) == "This run exports it to out.mp4."
    assert (
        translate_gui("满意后点击导出按钮。", exporting) == "满意后本次运行会把它导出到 out.mp4。"
    )


def test_a_chinese_answer_gets_its_hints_in_chinese() -> None:
    """The engine's own closing line, translated: no English left in it (issue 13)."""
    shown = translate_gui("可以在时间线中预览，满意后点击导出按钮。", GuiHints.for_tui("ctrl+e"))
    assert shown == "可以在时间线窗格中查看，满意后按 ctrl+e 导出。"
    assert not any("a" <= char.lower() <= "z" for char in shown.replace("ctrl+e", ""))
