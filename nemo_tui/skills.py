"""The skill profiles of SPEC section 9: the official `nemo-video` skill (the default) and the five
seed skills, each with its attribution id and version, upload limit, example prompts and tips.

A leaf module with no imports from the rest of the package, so the client, the core, the TUI and the
engine (which takes its upload limit from the request's `X-Skill-Source`) all read the same table.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


def megabytes(size: int) -> str:
    """A size in a message about upload limits: 524288000 -> '500 MB', 1572864 -> '1.5 MB'."""
    return f"{size / MB:.1f}".removesuffix(".0") + " MB"


VIDEO_EXTENSIONS = frozenset({"mp4", "mov", "avi", "webm", "mkv"})
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "gif", "webp"})
AUDIO_EXTENSIONS = frozenset({"mp3", "wav", "m4a", "aac"})
ACCEPTED_EXTENSIONS = VIDEO_EXTENSIONS | IMAGE_EXTENSIONS | AUDIO_EXTENSIONS

# The limit when a request names no known skill (SPEC 5).
DEFAULT_MAX_UPLOAD_BYTES = 500 * MB


@dataclass(frozen=True)
class Skill:
    """One skill profile: what the client sends as attribution and what it shows a new user."""

    id: str
    title: str
    brings: str
    typical_request: str
    max_upload_bytes: int
    examples: tuple[str, ...]
    tip: str
    # What `X-Skill-Version` says unless configured (SPEC 1).
    version: str = "1.0.0"


SKILLS: tuple[Skill, ...] = (
    Skill(
        id="nemo-video",
        title="NemoVideo editing agent",
        brings="anything: photos, clips, audio, or just an idea",
        typical_request="turn these into a 30-second video with music",
        max_upload_bytes=500 * MB,
        examples=(
            "turn these into a 30-second video with music",
            "add a title 'Summer Sale' for 3 seconds",
            "make it vertical 9:16",
        ),
        tip="Say what the video is for and how long it should be; the agent does the rest.",
        version="1.9",
    ),
    Skill(
        id="create-a-video-using-ai",
        title="Create a video using AI",
        brings="images or clips + audio",
        typical_request=(
            "turn these photos and audio into a 30-second promotional video with transitions"
        ),
        max_upload_bytes=500 * MB,
        examples=(
            "turn these photos and audio into a 30-second promotional video with transitions",
            "add a title 'Summer Sale' for 3 seconds",
            "background music at 35%",
        ),
        tip="Fewer than 10 images renders noticeably faster.",
    ),
    Skill(
        id="ai-video-maker-sora",
        title="AI video maker (text to video)",
        brings="a text prompt only",
        typical_request="generate a 10-second video of a sunset over a city skyline",
        max_upload_bytes=200 * MB,
        examples=(
            "generate a 10-second video of a sunset over a city skyline",
            "add a title 'Golden Hour' at the bottom",
            "make it vertical 9:16",
        ),
        tip="Shorter, more specific prompts give more accurate results.",
    ),
    Skill(
        id="image-no-generator",
        title="Image slideshow, no AI effects",
        brings="images",
        typical_request=(
            "create a slideshow video from these images without any AI generation effects"
        ),
        max_upload_bytes=200 * MB,
        examples=(
            "create a slideshow video from these images without any AI generation effects",
            "each photo 3 seconds",
            "no transitions",
        ),
        tip="Photos keep their order: upload them in the order you want them shown.",
    ),
    Skill(
        id="ai-video-maker-gratis",
        title="Free AI video maker (promo with music and text)",
        brings="images or clips + a logo",
        typical_request="create a 30-second promotional video with music and text overlays",
        max_upload_bytes=500 * MB,
        examples=(
            "create a 30-second promotional video with music and text overlays",
            "add text 'Free shipping' at 5 seconds",
            "music volume 35%",
        ),
        tip="Fewer than 10 images keeps render times under a minute.",
    ),
    Skill(
        id="image-to-video-by-prompt",
        title="Animate an image by a motion prompt",
        brings="one image + a motion prompt",
        typical_request=(
            "animate this image into a 5-second video of the shoes in motion on a track"
        ),
        max_upload_bytes=200 * MB,
        examples=(
            "animate this image into a 5-second video of the shoes in motion on a track",
            "zoom in slowly",
            "pan left",
        ),
        tip="Describe the motion you want: zoom in, zoom out, pan left or pan right.",
    ),
)

SKILLS_BY_ID: dict[str, Skill] = {skill.id: skill for skill in SKILLS}
DEFAULT_SKILL_ID = SKILLS[0].id


def max_upload_bytes(skill_id: str | None) -> int:
    """The upload limit for a skill id; unknown or missing ids get the 500 MB default."""
    skill = SKILLS_BY_ID.get(skill_id or "")
    return skill.max_upload_bytes if skill else DEFAULT_MAX_UPLOAD_BYTES


def extension_of(filename: str) -> str:
    """The lower-case extension without the dot ('' when there is none)."""
    _, dot, ext = filename.rpartition(".")
    return ext.lower() if dot else ""


def media_kind_of(filename: str) -> str | None:
    """'video', 'image' or 'audio' by extension, or None when the type is not accepted."""
    ext = extension_of(filename)
    if ext in VIDEO_EXTENSIONS:
        return "video"
    if ext in IMAGE_EXTENSIONS:
        return "image"
    if ext in AUDIO_EXTENSIONS:
        return "audio"
    return None
