"""The agent's words: each edit as a sentence in English or Chinese, the closing line, the help
answer, and the undo reply.

An edit is reported as a `Fact`: a template key and language-neutral values (counts, names, times in
ms, codes such as "zoom_in"). Wording lives only here, so the rules never build a sentence.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nemo_tui.api.summary import seconds

Values = Mapping[str, Any]


@dataclass(frozen=True)
class Fact:
    """One thing the agent did (or could not do, when `changed` is False), for the reply."""

    key: str
    values: Values = field(default_factory=dict)
    changed: bool = True


_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "zoom_in": "a slow zoom in", "zoom_out": "a slow zoom out", "pan_left": "a pan to the left",
        "pan_right": "a pan to the right", "none": "no motion", "fade": "crossfades",
        "dissolve": "dissolves", "wipeleft": "wipes", "bgm": "the background music",
        "voice": "the voice track", "clip": "the clips' own sound", "title": "the title",
        "text": "the text overlays", "logo": "the logo", "vertical": "vertical 9:16",
        "square": "square 1:1", "landscape": "landscape 16:9", "top": "at the top",
        "center": "in the center", "bottom": "at the bottom", "visuals": "photos or clips",
        "image": "a photo", "music": "a music file (mp3, m4a, wav)",
        "voice_file": "a voice recording (mp3, m4a, wav)",
    },
    "zh": {
        "zoom_in": "缓慢放大", "zoom_out": "缓慢缩小", "pan_left": "向左平移",
        "pan_right": "向右平移",
        "none": "静止不动", "fade": "交叉淡化", "dissolve": "溶解", "wipeleft": "擦除",
        "bgm": "背景音乐", "voice": "旁白", "clip": "视频原声", "title": "标题", "text": "文字",
        "logo": "标志", "vertical": "竖屏 9:16", "square": "方形 1:1", "landscape": "横屏 16:9",
        "top": "顶部", "center": "中间", "bottom": "底部", "visuals": "照片或视频片段",
        "image": "一张照片", "music": "一个音乐文件（mp3、m4a、wav）",
        "voice_file": "一段旁白录音（mp3、m4a、wav）",
    },
}  # fmt: skip

_TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "canvas": "The canvas is now {shape_word} ({width}x{height}).",
        "each": "Each photo now lasts {each_s} s, so the video runs {length_s} s.",
        "length": "The video is now {length_s} s long (it was {old_s} s).",
        "trim": "Trimmed {name} to {length_s} s; the video now runs {video_s} s.",
        "trim_capped": "{name} is only {length_s} s long, so it plays in full; the video runs "
        "{video_s} s.",
        "transition": "Switched to {type_word} ({ms_s} s) between the {count} shots.",
        "transition_none": "Removed the transitions: the {count} shots now cut straight to each "
        "other.",
        "motion": "Set {motion_word} on {target}.",
        "title": 'Added the title "{text}" {pos_word}, {start_s}-{end_s} s.',
        "text": 'Added the text "{text}" {pos_word}, {start_s}-{end_s} s.',
        "remove": "Removed {target_word}.",
        "volume": "{role_word_cap} is now at {percent}%.",
        "mute": "Muted {role_word}.",
        "add_audio": "Added {name} as {role_word} at {percent}%, 0-{length_s} s.",
        "generate_start": 'Making a {seconds} s scene of "{prompt}"; generating uses credits.',
        "generate_done": 'Here is a {seconds} s scene for "{prompt}", on the Video track at '
        "{start_s}-{end_s} s. To be plain about it: this local engine has no generative model, "
        "so this is a procedural stand-in scene coloured from your prompt, not real footage.",
        "need_media": "For that I need {what_word}; please upload and ask again.",
        "no_video": "There is no video on the timeline yet: say 'turn these photos into a "
        "30-second video' first.",
        "no_clip": "There is no video clip on the timeline to trim.",
        "no_stills": "There are no photos on the timeline to move.",
        "no_track": "I couldn't find {target_word} on the timeline.",
        "needs_words": "What should {kind_word} say? Try: add a {kind} 'Summer Sale' for 3 "
        "seconds.",
        "needs_prompt": "What should the scene show? Try: generate a 10-second video of a sunset "
        "over a city skyline.",
        "out_of_range": "{value} is out of range for {what_word}: pick {low} to {high}.",
    },
    "zh": {
        "canvas": "画布已改为{shape_word}（{width}x{height}）。",
        "each": "每张照片现在{each_s}秒，视频总长{length_s}秒。",
        "length": "视频现在{length_s}秒（原来{old_s}秒）。",
        "trim": "已把{name}剪到{length_s}秒，视频现在{video_s}秒。",
        "trim_capped": "{name}只有{length_s}秒，所以完整保留，视频现在{video_s}秒。",
        "transition": "{count}个镜头之间改用{type_word}转场（{ms_s}秒）。",
        "transition_none": "已去掉转场，{count}个镜头直接切换。",
        "motion": "{target}设置为{motion_word}。",
        "title": "已添加标题「{text}」，位于{pos_word}，{start_s}-{end_s}秒。",
        "text": "已添加文字「{text}」，位于{pos_word}，{start_s}-{end_s}秒。",
        "remove": "已删除{target_word}。",
        "volume": "{role_word}音量已调到{percent}%。",
        "mute": "已将{role_word}静音。",
        "add_audio": "已添加{name}作为{role_word}，音量{percent}%，0-{length_s}秒。",
        "generate_start": "正在生成一段{seconds}秒的「{prompt}」场景，生成会消耗积分。",
        "generate_done": "这是一段{seconds}秒的「{prompt}」场景，放在视频轨道{start_s}-{end_s}秒。"
        "说明一下：本地引擎没有生成模型，这是根据你的描述配色的程序化替代画面，不是真实拍摄的素材。",
        "need_media": "这个操作需要{what_word}，请先上传，然后再说一次。",
        "no_video": "时间线上还没有视频，请先说“把这些照片做成30秒的视频”。",
        "no_clip": "时间线上没有可以剪辑的视频片段。",
        "no_stills": "时间线上没有可以设置运动效果的照片。",
        "no_track": "时间线上没有{target_word}。",
        "needs_words": "{kind_word}要写什么？试试：添加{kind_word}「夏日特卖」3秒。",
        "needs_prompt": "要生成什么画面？试试：生成一个10秒的城市天际线日落视频。",
        "out_of_range": "{value}超出了{what_word}的范围，请选择{low}到{high}。",
    },
}  # fmt: skip

_EXAMPLES = {
    "en": (
        "turn these photos and audio into a 30-second promotional video with transitions",
        "add a title 'Summer Sale' for 3 seconds at the top",
        "background music at 35%",
        "make it vertical 9:16",
        "generate a 10-second video of a sunset over a city skyline",
    ),
    "zh": (
        "把这些照片和音频做成30秒的宣传视频，带转场",
        "添加标题「夏日特卖」3秒",
        "背景音乐音量35%",
        "竖屏 9:16",
        "生成一个10秒的城市天际线日落视频",
    ),
}
_RANGE_NAMES = {
    "en": {
        "length": "the video length", "each": "a photo's length", "trim": "the clip length",
        "text": "a text's length", "volume": "the volume", "generate": "a generated scene",
        "photo": "the photo number",
    },
    "zh": {
        "length": "视频时长", "each": "每张照片的时长", "trim": "片段时长", "text": "文字时长",
        "volume": "音量", "generate": "生成画面的时长", "photo": "照片序号",
    },
}  # fmt: skip


def describe(fact: Fact, language: str) -> str:
    """The sentence that reports a fact in the given language ('en' or 'zh')."""
    builder = _BUILDS.get(fact.key)
    if builder is not None:
        return builder(fact.values, language)
    values = _expand(fact.values, language)
    return _TEMPLATES[language][fact.key].format_map(values)


def closing(language: str, key: str) -> str:
    """The last line of an editing reply. About a third of replies (chosen by a checksum of `key`,
    so the same turn always reads the same) use the GUI phrasing the cloud agent uses, which the
    client translates into its own key hints."""
    gui = zlib.crc32(key.encode("utf-8")) % 3 == 0
    if language == "zh":
        return (
            "可以在时间线中预览，满意后点击导出按钮。"
            if gui
            else "还想改什么直接说，满意了就导出。"
        )
    if gui:
        return "Preview it in the timeline, and click the Export button when you're ready."
    return "Tell me what to change next, or export when you're ready."


def help_text(language: str, has_media: bool) -> str:
    """The answer to a request the agent does not understand: four things it can do."""
    examples = _EXAMPLES[language]
    picked = examples[:4] if has_media else (examples[4], *examples[1:4])
    if language == "zh":
        lead = "我没听懂这个要求。我可以这样帮你剪辑，比如："
        tail = "" if has_media else "\n先上传照片、视频片段或音乐，效果更好。"
    else:
        lead = "I didn't catch what to change. Here is what I can do, for example:"
        tail = "" if has_media else "\nUpload photos, clips or music first to build from them."
    return "\n".join([lead, *(f"- {example}" for example in picked)]) + tail


def undo_text(language: str, restored: bool) -> str:
    if language == "zh":
        return "已撤销：时间线恢复到上一次修改之前。" if restored else "没有可以撤销的修改。"
    if restored:
        return "Undone: the timeline is back to how it was before your last edit."
    return "There is nothing to undo yet."


def _expand(values: Values, language: str) -> dict[str, Any]:
    """Template values: each `*_ms` also as `*_s` seconds, each code also as `*_word`."""
    words = _WORDS[language]
    expanded: dict[str, Any] = dict(values)
    for name, value in values.items():
        if name.endswith("_ms") or name == "ms":
            expanded[f"{name[:-3] if name != 'ms' else 'ms'}_s"] = seconds(value)
        if isinstance(value, str) and value in words:
            expanded[f"{name}_word"] = words[value]
    if "role_word" in expanded:
        expanded["role_word_cap"] = expanded["role_word"][:1].upper() + expanded["role_word"][1:]
    if "what" in values and values["what"] in _RANGE_NAMES[language]:
        expanded["what_word"] = _RANGE_NAMES[language][values["what"]]
    if "target" in values and isinstance(values["target"], int):
        expanded["target"] = _target(values["target"], values.get("count", 0), language)
    return expanded


def _target(index: int, count: int, language: str) -> str:
    """Which photos an edit touched: all of them, or one by position (-2 means all)."""
    if language == "zh":
        if index == -2:
            return f"全部{count}张照片"
        return "最后一张照片" if index == -1 else f"第{index + 1}张照片"
    if index == -2:
        return f"all {count} photos" if count != 1 else "the photo"
    if index == -1:
        return "the last photo"
    ordinals = ("first", "second", "third", "fourth", "fifth")
    return f"the {ordinals[index]} photo" if index < len(ordinals) else f"photo {index + 1}"


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def _visuals_en(images: int, clips: int) -> str:
    parts = [_count(images, "photo", "photos")] if images else []
    if clips:
        parts.append(_count(clips, "clip", "clips"))
    return " and ".join(parts)


def _visuals_zh(images: int, clips: int) -> str:
    parts = [f"{images}张照片"] if images else []
    if clips:
        parts.append(f"{clips}段视频")
    return "和".join(parts)


def _extras(values: Values, language: str) -> str:
    """The audio, logo and text sentences shared by every build."""
    sentences: list[str] = []
    zh = language == "zh"
    if values.get("voice"):
        voice = values["voice"]
        sentences.append(
            f"旁白{voice}以原音量铺在画面下。" if zh else f"Your voice track {voice} runs under it."
        )
    if values.get("music"):
        music, percent = values["music"], values["music_percent"]
        fade = seconds(values["fade_out_ms"])
        sentences.append(
            f"背景音乐{music}音量{percent}%，最后{fade}秒淡出。"
            if zh
            else f"{music} plays as background music at {percent}%, fading out over the last "
            f"{fade} s."
        )
    if values.get("logo"):
        logo = values["logo"]
        sentences.append(
            f"{logo}全程显示在右上角。"
            if zh
            else f"{logo} sits in the top-right corner throughout."
        )
    if values.get("title"):
        title, title_end = values["title"], seconds(values["title_end_ms"])
        if zh:
            sentences.append(f"开头标题「{title}」（0-{title_end}秒）。")
        else:
            sentences.append(f'The title "{title}" opens it (0-{title_end} s).')
        if values.get("title_is_default"):
            sentences.append(
                "把标题换成你自己的：说“添加标题「……」”。"
                if zh
                else "Swap in your own: say add a title '...'."
            )
    if values.get("cta"):
        cta = values["cta"]
        sentences.append(f"结尾显示「{cta}」。" if zh else f'"{cta}" closes it.')
    return "".join(sentences) if zh else " ".join(sentences)


def _build_promo(values: Values, language: str) -> str:
    length = seconds(values["length_ms"])
    if language == "zh":
        visuals = _visuals_zh(values["images"], values["clips"])
        head = f"完成：{visuals}，共{length}秒"
        head += (
            f"，{seconds(values['transition_ms'])}秒{_WORDS['zh'][values['transition']]}转场。"
            if values["transition_ms"]
            else "，无转场。"
        )
        return head + _extras(values, language)
    visuals = _visuals_en(values["images"], values["clips"])
    head = f"Done: {visuals} over {length} s"
    head += (
        f" with {seconds(values['transition_ms'])} s {_WORDS['en'][values['transition']]}."
        if values["transition_ms"]
        else " with straight cuts."
    )
    extras = _extras(values, language)
    return f"{head} {extras}" if extras else head


def _build_slideshow(values: Values, language: str) -> str:
    count, each, length = values["images"], seconds(values["each_ms"]), seconds(values["length_ms"])
    if language == "zh":
        head = f"完成：{count}张照片的幻灯片，每张{each}秒，共{length}秒，"
        head += (
            f"{seconds(values['transition_ms'])}秒{_WORDS['zh'][values['transition']]}转场，"
            if values["transition_ms"]
            else "无转场，"
        )
        return head + f"{_WORDS['zh'][values['motion']]}。" + _extras(values, language)
    head = f"Done: a slideshow of {_count(count, 'photo', 'photos')}, {each} s each, {length} s in "
    head += (
        f"all, with {seconds(values['transition_ms'])} s {_WORDS['en'][values['transition']]}"
        if values["transition_ms"]
        else "all, with straight cuts"
    )
    head += f" and {_WORDS['en'][values['motion']]}."
    extras = _extras(values, language)
    return f"{head} {extras}" if extras else head


def _build_animate(values: Values, language: str) -> str:
    name, length, motion = values["name"], seconds(values["length_ms"]), values["motion"]
    if language == "zh":
        head = f"完成：{name}做成了{length}秒的动态镜头，效果是{_WORDS['zh'][motion]}。"
        return head + _extras(values, language)
    head = f"Done: {name} is now a {length} s shot with {_WORDS['en'][motion]}."
    extras = _extras(values, language)
    return f"{head} {extras}" if extras else head


_BUILDS: dict[str, Callable[[Values, str], str]] = {
    "build_promo": _build_promo,
    "build_slideshow": _build_slideshow,
    "build_animate": _build_animate,
}
