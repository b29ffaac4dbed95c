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
        "logo_file": "a logo picture (a file with 'logo' in its name, png or jpg)",
        "top-left": "top-left", "top-right": "top-right", "bottom-left": "bottom-left",
        "bottom-right": "bottom-right", "start": "start", "end": "end",
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
        "logo_file": "一张标志图片（文件名里带logo，png或jpg）",
        "top-left": "左上角", "top-right": "右上角", "bottom-left": "左下角",
        "bottom-right": "右下角", "start": "开头", "end": "结尾",
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
        "cannot_animate": "I can't make what is in a photo move (shoes running on a track, say): "
        "this local engine has no model that animates pictures. What I can do is move the camera "
        "over a photo: a slow zoom in or out, or a pan to the left or right. Try: zoom in on the "
        "first photo.",
        "camera_only": "To be plain: that is the camera moving over the photo; what is in the "
        "photo does not move, since this local engine has no model that animates pictures.",
        "item_length": "{item_cap} ({name}) now lasts {each_s} s; the video runs {length_s} s.",
        "item_length_capped": "{item_cap} ({name}) is only {each_s} s long, so it plays in full; "
        "the video runs {length_s} s.",
        "move_item": "Moved {item} ({name}) to the {to_word}.",
        "reverse": "Reversed the order of the {count} shots.",
        "title_change": 'Changed the title from "{old}" to "{text}", {pos_word}, '
        "{start_s}-{end_s} s.",
        "order": "The shots now run in this order: {names}.",
        "needs_amount": "By how much? Try: make it 5 seconds longer, or make the second photo 4 "
        "seconds.",
        "length_same": "The video is already {length_s} s long.",
        "text_move": "Moved {kind_word} to the {pos}.",
        "replace_item": "Replaced {item} ({name}) with {new}; the video runs {length_s} s.",
        "insert_item": "Added {name} at the {to_word} for {each_s} s; the video now runs "
        "{length_s} s.",
        "no_upload": "There is no uploaded photo or clip called {name}: upload it first.",
        "no_new_uploads": "Every photo and clip you uploaded is already on the timeline.",
        "remove_item": "Removed {item} ({name}); the video now runs {length_s} s.",
        "last_item": "That is the only shot on the timeline, so I left it: say 'turn these photos "
        "into a 30-second video' to start again.",
        "no_file": "There is no {name} on the timeline.",
        "text_corner": "Text sits at the top, in the center or at the bottom, not in a corner, so "
        "it is {pos_word}.",
        "logo_where": "Where should the logo go? Try: move the logo to the bottom-left corner.",
        "logo_move": "Moved the logo to the {corner_word} corner.",
        "logo_add": "Added the logo {name} in the {corner_word} corner, 0-{length_s} s.",
        "volume_step": "{role_word_cap} is now at {percent}% (it was {old}%).",
        "volume_limit": "{role_word_cap} is already at {percent}%, as far as it goes.",
        "duck": "Lowered the background music to {percent}% throughout{voice_note}.",
        "needs_scene": "What should the scene show? Try: generate a 10-second video of a sunset "
        "over a city skyline.",
        "cannot_speed": "I can't change playback speed; I can trim a clip, set how long each "
        "photo shows, or change the whole video's length.",
        "cannot_color": "I can't change colours or add filters; I can change the shape, the "
        "transitions, the camera motion, the texts and the music.",
        "cannot_picture_edit": "I can't edit what is inside a picture (background, blur, "
        "rotation, stickers); I can move the camera over it, reorder, trim or remove shots.",
        "cannot_font": "I can't change fonts or text styles; I can change a text's words, its "
        "place (top, center, bottom) and its timing.",
        "cannot_transcribe": "I can't transcribe speech into subtitles; add the words yourself: "
        "add text 'Hello' at 5 seconds.",
        "cannot_make_voice": "I can't make a voice-over (no speech model here); upload a "
        "recording and I'll put it under the video.",
        "cannot_make_music": "I can't compose music (no generative model here); upload a track "
        "and I'll lay it under the video at 35%.",
        "cannot_reverse_play": "I can't play footage backwards; I can reverse the order of the "
        "shots, trim or remove them.",
        "cannot_loop": "I can't loop or boomerang footage; I can lengthen a shot or the whole "
        "video, and the music repeats to fill it.",
        "cannot_redo": "I can undo, but not redo: say the edit again and I'll make it.",
        "export_hint": "When you're ready, click the Export button: the video renders as an MP4, "
        "1080p by default.",
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
        "cannot_animate": "我没法让照片里的东西真的动起来（比如鞋子在跑道上跑）："
        "本地引擎没有能让画面动起来的模型。我能做的是让镜头在照片上移动：缓慢放大、缩小，或向左、向右平移。"
        "试试：第一张照片缓慢放大。",
        "camera_only": "说明一下：这是镜头在照片上移动，照片里的东西本身不会动，"
        "因为本地引擎没有能让画面动起来的模型。",
        "item_length": "{item_cap}（{name}）现在{each_s}秒，视频总长{length_s}秒。",
        "item_length_capped": "{item_cap}（{name}）只有{each_s}秒，所以完整保留"
        "，视频总长{length_s}秒。",
        "move_item": "已把{item}（{name}）移到{to_word}。",
        "reverse": "已把{count}个镜头的顺序倒过来。",
        "title_change": "已把标题从「{old}」改成「{text}」，位于{pos_word}，{start_s}-{end_s}秒。",
        "order": "镜头顺序现在是：{names}。",
        "needs_amount": "要改多少？试试：延长5秒，或者第二张照片4秒。",
        "length_same": "视频已经是{length_s}秒了。",
        "text_move": "已把{kind_word}移到{pos_word}。",
        "replace_item": "已把{item}（{name}）换成{new}，视频总长{length_s}秒。",
        "insert_item": "已在{to_word}加入{name}（{each_s}秒），视频现在{length_s}秒。",
        "no_upload": "没有叫{name}的已上传照片或视频，请先上传。",
        "no_new_uploads": "上传的照片和视频都已经在时间线上了。",
        "remove_item": "已删除{item}（{name}），视频现在{length_s}秒。",
        "last_item": "时间线上只剩这一个镜头，所以没有删除：想重来就说“把这些照片做成30秒的视频”。",
        "no_file": "时间线上没有{name}。",
        "text_corner": "文字只能放在顶部、中间或底部，不能放在角上，所以放在{pos_word}。",
        "logo_where": "标志要放在哪里？试试：把标志移到左下角。",
        "logo_move": "已把标志移到{corner_word}。",
        "logo_add": "已在{corner_word}添加标志{name}，0-{length_s}秒。",
        "volume_step": "{role_word}音量已调到{percent}%（原来{old}%）。",
        "volume_limit": "{role_word}音量已经是{percent}%，不能再调了。",
        "duck": "已把背景音乐全程降到{percent}%{voice_note}。",
        "needs_scene": "要生成什么画面？试试：生成一个10秒的城市天际线日落视频。",
        "cannot_speed": "我没法改变播放速度；我可以剪短片段、设置每张照片的时长，"
        "或者改变整个视频的时长。",
        "cannot_color": "我没法调色或加滤镜；我可以改画幅、转场、镜头运动、文字和音乐。",
        "cannot_picture_edit": "我没法修改画面里的内容（背景、模糊、旋转、贴纸）；"
        "我可以让镜头在画面上移动，或者调整、剪短、删除镜头。",
        "cannot_font": "我没法改字体或文字样式；我可以改文字内容、位置（顶部、中间、底部）"
        "和出现时间。",
        "cannot_transcribe": "我没法把语音识别成字幕；可以自己加文字，"
        "比如：在第5秒添加文字「你好」。",
        "cannot_make_voice": "我没法生成配音（这里没有语音模型）；上传一段录音，"
        "我会把它铺在视频下面。",
        "cannot_make_music": "我没法作曲（这里没有生成模型）；上传一首音乐，"
        "我会以35%的音量铺在视频下面。",
        "cannot_reverse_play": "我没法倒放视频；我可以把镜头顺序倒过来，或者剪短、删除镜头。",
        "cannot_loop": "我没法循环或做回旋效果；我可以延长某个镜头或整个视频，音乐会重复铺满。",
        "cannot_redo": "我可以撤销，但不能重做：再说一次那个修改，我会重新做。",
        "export_hint": "准备好了就点击导出按钮：视频会渲染成MP4，默认1080p。",
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
        "photo": "the photo number", "still": "the photo number", "clip": "the clip number",
        "any": "the shot number",
    },
    "zh": {
        "length": "视频时长", "each": "每张照片的时长", "trim": "片段时长", "text": "文字时长",
        "volume": "音量", "generate": "生成画面的时长", "photo": "照片序号",
        "still": "照片序号", "clip": "片段序号", "any": "镜头序号",
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
    if "item" in values:
        expanded["item"] = item_name(
            values["item"], values["item_kind"], values["item_count"], language
        )
        expanded["item_cap"] = expanded["item"][:1].upper() + expanded["item"][1:]
    if "voice" in values and isinstance(values["voice"], bool):
        if language == "zh":
            expanded["voice_note"] = "，让旁白更清楚" if values["voice"] else ""
        else:
            expanded["voice_note"] = ", so the voice stands out" if values["voice"] else ""
    return expanded


def item_name(index: int, kind: str, count: int, language: str) -> str:
    """A photo or clip by its place: "the second photo", "the last clip", 第二张照片."""
    if language == "zh":
        noun = "张照片" if kind == "still" else "段视频"
        if index == count - 1 and count > 1:
            return f"最后一{noun}"
        return f"第{index + 1}{noun}"
    noun = "photo" if kind == "still" else "clip"
    if count == 1:
        return f"the {noun}"
    if index == count - 1:
        return f"the last {noun}"
    ordinals = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
    return f"the {ordinals[index]} {noun}" if index < len(ordinals) else f"{noun} {index + 1}"


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
        logo, corner = values["logo"], values.get("logo_corner", "top-right")
        sentences.append(
            f"{logo}全程显示在{_WORDS['zh'][corner]}。"
            if zh
            else f"{logo} sits in the {corner} corner throughout."
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
    for middle in values.get("middle", []):
        sentences.append(f"接着显示「{middle}」。" if zh else f'"{middle}" follows it.')
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


def _swap(values: Values, language: str) -> str:
    names = [
        (item_name(v["item"], v["item_kind"], v["item_count"], language), v["name"])
        for v in (values["a"], values["b"])
    ]
    if language == "zh":
        return f"已交换{names[0][0]}（{names[0][1]}）和{names[1][0]}（{names[1][1]}）。"
    return f"Swapped {names[0][0]} ({names[0][1]}) and {names[1][0]} ({names[1][1]})."


_BUILDS: dict[str, Callable[[Values, str], str]] = {
    "swap": _swap,
    "build_promo": _build_promo,
    "build_slideshow": _build_slideshow,
    "build_animate": _build_animate,
}
