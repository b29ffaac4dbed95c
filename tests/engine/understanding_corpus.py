"""What the local agent understands: requests as people type them, in English and Chinese, each
with the media and the timeline it is said over (a `World`) and its expected effect on the draft,
or the question or the one-line decline it should get. Shared by tests/engine/test_understanding.py
(which sends each request to a real engine over HTTP) and tests/bench/agent_bench.py.

Grouped by kind, so a reader sees what the agent covers. Timings are in ms. The promo world is the
create-a-video-using-ai skill's typical request over five photos, a voice and music: 30 s, five
6.4 s shots overlapping by 0.5 s crossfades, music at 35%, the voice at 100%.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PHOTOS = ("photo1.jpg", "photo2.jpg", "photo3.jpg", "photo4.jpg", "photo5.jpg")
PROMO_REQUEST = "turn these photos and audio into a 30-second promotional video with transitions"
SLIDESHOW_REQUEST = "create a slideshow video from these images without any AI generation effects"
PROMO_SHOTS = (6400, 6400, 6400, 6400, 6400)

# The canvases a draft can have.
LANDSCAPE = (1920, 1080)
VERTICAL = (1080, 1920)
SQUARE = (1080, 1080)


@dataclass(frozen=True)
class World:
    """The uploads (file names of the test media), the messages said before the request, and the
    uploads made after them (not on the timeline yet)."""

    media: tuple[str, ...]
    given: tuple[str, ...] = ()
    language: str = "en"
    later: tuple[str, ...] = ()


WORLDS: dict[str, World] = {
    # Nothing uploaded: text-to-video, or an ask to upload.
    "empty": World(()),
    "photos": World(PHOTOS),
    "photos_music": World((*PHOTOS, "music.mp3")),
    "photos_logo_music": World((*PHOTOS, "logo.png", "music.mp3")),
    "one_photo": World(("shoes.jpg",)),
    "one_gif": World(("spin.gif",)),
    "two_music": World((*PHOTOS[:3], "calm.mp3", "upbeat.mp3")),
    "promo": World((*PHOTOS, "voice.m4a", "music.mp3"), (PROMO_REQUEST,)),
    "promo_zh": World((*PHOTOS, "voice.m4a", "music.mp3"), (PROMO_REQUEST,), "zh"),
    "promo_silent": World(
        (*PHOTOS, "music.mp3"),
        ("turn these photos into a 30-second promo video", "remove the music"),
    ),
    # The gratis skill's typical request: title placeholder, closing line, logo top-right.
    "promo_logo": World(
        (*PHOTOS, "logo.png", "music.mp3"),
        ("create a 30-second promotional video with music and text overlays",),
    ),
    "promo_no_logo": World(
        (*PHOTOS, "logo.png", "music.mp3"),
        ("turn these photos into a 20-second promo video", "remove the logo"),
    ),
    # Photo, clip, photo: the clip is 3 s and can never play longer.
    "mixed": World(
        ("photo1.jpg", "clip.mp4", "photo2.jpg", "music.mp3"),
        ("turn these photos and clips into a 20-second promo video",),
    ),
    "slideshow": World(PHOTOS, (SLIDESHOW_REQUEST,)),
    "two_music_promo": World(
        (*PHOTOS[:3], "calm.mp3", "upbeat.mp3"),
        ("turn these photos into a 9-second promo", "remove the music"),
    ),
}


@dataclass(frozen=True)
class Expect:
    """What the draft the engine stores must show after the request (None: not checked), or the
    question it asks, or that it declines with the draft untouched."""

    duration: int | None = None
    canvas: tuple[int, int] | None = None
    # Every text on screen in time order: (words, position), and optionally (start, end) each.
    texts: tuple[tuple[str, str], ...] | None = None
    text_spans: tuple[tuple[int, int], ...] | None = None
    # The Video track: file names in order, and each shot's length.
    shots: tuple[str, ...] | None = None
    shot_ms: tuple[int, ...] | None = None
    # Track names in order (Video, Logo, Voice, BGM, Title, Text...).
    tracks: tuple[str, ...] | None = None
    # Volume (0-1) of every segment of an audio role: "bgm", "voice".
    volumes: dict[str, float] = field(default_factory=dict)
    # The transition between shots ("fade", "wipeleft", "dissolve") or "none".
    transition: str | None = None
    motions: tuple[str, ...] | None = None
    logo: str | None = None
    # The prompts of the question asked instead of an edit (SPEC 4.4).
    question: tuple[str, ...] | None = None
    # Nothing changed: the draft after is the draft before (a decline, a hint, a question).
    unchanged: bool = False
    # A generated scene is on the Video track (text-to-video).
    generated: bool = False
    # Words the reply must hold (the person's terms, in the request's language).
    says: tuple[str, ...] = ()
    # The reply is one line (a decline names the closest things in one line).
    one_line: bool = False


@dataclass(frozen=True)
class Case:
    kind: str
    message: str
    world: str
    expect: Expect


def _cases() -> list[Case]:
    cases: list[Case] = []

    def add(kind: str, world: str, message: str, **expect: object) -> None:
        cases.append(Case(kind, message, world, Expect(**expect)))  # type: ignore[arg-type]

    # -- The five seeds, verbatim: each "Try saying" line and each typical request -------------
    seeds = "seed sentences"
    add(
        seeds,
        "photos_music",
        "create my images or clips",
        question=("How long should it be?", "Which shape?"),
        unchanged=True,
    )
    add(seeds, "promo", "export 1080p MP4", unchanged=True, says=("Export",))
    add(
        seeds,
        "photos_music",
        "turn these photos and audio into",
        question=("How long should it be?", "Which shape?"),
        unchanged=True,
    )
    add(
        seeds,
        "photos_music",
        PROMO_REQUEST,
        duration=30000,
        shots=PHOTOS,
        transition="fade",
        volumes={"bgm": 0.35},
        says=("30 s",),
    )
    add(
        seeds,
        "empty",
        "generate a short text description of a scene into a 1080p MP4",
        unchanged=True,
        says=("What should the scene show?",),
    )
    add(
        seeds,
        "empty",
        "generate a 10-second video of a sunset over a city skyline",
        duration=10000,
        generated=True,
        says=("no generative model", "a sunset over a city"),
    )
    add(
        seeds,
        "empty",
        "generating videos from text prompts using Sora-style AI for content creators",
        unchanged=True,
        says=("What should the scene show?",),
    )
    add(
        seeds,
        "photos",
        "convert five product photos in JPG format into a 1080p MP4",
        duration=13000,
        shots=PHOTOS,
        motions=("none",) * 5,
    )
    add(
        seeds,
        "photos",
        SLIDESHOW_REQUEST,
        duration=13000,
        shots=PHOTOS,
        transition="fade",
        motions=("none",) * 5,
    )
    add(
        seeds,
        "photos",
        "turning image collections into videos without AI generation for marketers",
        duration=13000,
        shots=PHOTOS,
        motions=("none",) * 5,
    )
    add(
        seeds,
        "photos_logo_music",
        "create five product photos and a logo file into a 1080p MP4",
        question=("How long should it be?", "Which shape?"),
        unchanged=True,
    )
    add(
        seeds,
        "photos_logo_music",
        "create a 30-second promotional video with music and text overlays",
        duration=30000,
        shots=PHOTOS,
        logo="top-right",
        volumes={"bgm": 0.35},
        texts=(("Your brand here", "center"), ("Shop now", "bottom")),
        text_spans=((0, 3000), (27000, 30000)),
    )
    add(
        seeds,
        "photos_logo_music",
        "generating polished videos from images or clips without paid software for small "
        "business owners and social media creators",
        question=("How long should it be?", "Which shape?"),
        unchanged=True,
    )
    add(
        seeds,
        "one_photo",
        "generate my images with prompts",
        question=("How long should it be?", "Which shape?"),
        unchanged=True,
    )
    add(
        seeds,
        "one_photo",
        "animate this image into a 5-second",
        duration=5000,
        shots=("shoes.jpg",),
        motions=("zoom_in",),
    )
    add(
        seeds,
        "one_photo",
        "animate this image into a 5-second video of the shoes in motion on a track",
        duration=5000,
        shots=("shoes.jpg",),
        motions=("zoom_in",),
        says=("what is in the photo does not move",),
    )
    # The official CLI's `create` prompts (issue 19): text-to-video with nothing uploaded.
    add(
        seeds,
        "empty",
        "5-second coffee product showcase. Duration: 5 seconds",
        duration=5000,
        generated=True,
        says=("coffee product showcase", "no generative model"),
    )
    add(
        seeds,
        "empty",
        "10s tech product demo, modern style",
        duration=10000,
        generated=True,
        says=("tech product demo", "procedural"),
    )

    # -- Building a video from the uploads ------------------------------------------------------
    b = "building from uploads"
    add(
        b,
        "photos_music",
        "make a 20 second promo from my photos with music",
        duration=20000,
        shots=PHOTOS,
        volumes={"bgm": 0.35},
    )
    add(b, "photos_music", "turn these pictures into a fifteen-second ad", duration=15000)
    add(
        b,
        "photos_music",
        "put my pics together into a half-minute video with music",
        duration=30000,
    )
    add(b, "photos_music", "turn these photos into a 1:30 promo", duration=90000)
    add(
        b,
        "photos",
        "make a slideshow from these photos, 2 seconds each, no transitions",
        duration=10000,
        shot_ms=(2000,) * 5,
        transition="none",
    )
    add(
        b,
        "photos",
        "make a slideshow of these photos, four seconds each",
        duration=18000,
        shot_ms=(4000,) * 5,
    )
    add(b, "photos", "slideshow from my pictures with a slow zoom in", motions=("zoom_in",) * 5)
    add(
        b,
        "photos_music",
        "turn these photos into a 30-second promo with the text 'New Collection' and 'Shop now'",
        duration=30000,
        texts=(("New Collection", "center"), ("Shop now", "bottom")),
        text_spans=((0, 3000), (27000, 30000)),
    )
    add(
        b,
        "photos_music",
        "turn these photos into a 20-second video for TikTok with the title 'Summer Drop'",
        duration=20000,
        canvas=VERTICAL,
        texts=(("Summer Drop", "center"),),
    )
    add(
        b,
        "photos_logo_music",
        "make a 15 second promo from these photos with the logo in the bottom-left corner",
        duration=15000,
        logo="bottom-left",
    )
    add(
        b,
        "one_photo",
        "make the shoes move on a track, 5 seconds",
        duration=5000,
        shots=("shoes.jpg",),
        says=("what is in the photo does not move",),
    )
    add(
        b,
        "one_photo",
        "animate this picture for ten seconds, pan left",
        duration=10000,
        motions=("pan_left",),
    )
    add(
        b,
        "one_gif",
        "turn this GIF into a 5-second video",
        duration=5000,
        shots=("spin.gif",),
    )
    add(
        b,
        "one_gif",
        "turn this GIF into a video",
        question=("How long should it be?", "Which shape?"),
        unchanged=True,
    )
    add(b, "one_gif", "把这个动图做成8秒的视频", duration=8000)
    add(
        b,
        "photos_music",
        "把这些照片做成20秒的宣传视频，竖屏，不要转场，背景音乐音量50%",
        duration=20000,
        canvas=VERTICAL,
        transition="none",
        volumes={"bgm": 0.5},
    )
    add(b, "photos_music", "用这些照片做一个半分钟的视频", duration=30000)
    add(b, "photos_music", "把这些照片做成十五秒的广告", duration=15000)
    add(b, "photos", "用这些图片制作幻灯片视频，每张两秒", duration=8000, shot_ms=(2000,) * 5)
    add(
        b,
        "one_photo",
        "把这张图片做成5秒的动态视频，向右平移",
        duration=5000,
        motions=("pan_right",),
    )
    add(
        b,
        "photos_music",
        "把这些照片做成30秒的宣传视频，带文字「新品上市」和「立即购买」",
        duration=30000,
        texts=(("新品上市", "center"), ("立即购买", "bottom")),
    )
    add(
        b, "one_photo", "让鞋子在跑道上动起来，5秒", duration=5000, says=("照片里的东西本身不会动",)
    )

    # -- Text to video, nothing uploaded ---------------------------------------------------------
    g = "text to video"
    add(
        g,
        "empty",
        "generate a video of waves on a beach",
        duration=5000,
        generated=True,
        says=("waves on a beach",),
    )
    add(
        g,
        "empty",
        "a 6 second intro of a city at night, vertical",
        duration=6000,
        canvas=VERTICAL,
        generated=True,
    )
    add(
        g,
        "empty",
        "生成一个8秒的海浪视频，竖屏",
        duration=8000,
        canvas=VERTICAL,
        generated=True,
        says=("程序化",),
    )
    add(
        g,
        "empty",
        "做一个十秒的咖啡产品展示视频",
        duration=10000,
        generated=True,
        says=("咖啡产品展示",),
    )
    add(
        g,
        "empty",
        "coffee product showcase video",
        question=("How long should the scene “coffee product showcase” be?",),
        unchanged=True,
    )
    add(
        g, "empty", "咖啡产品展示短片", question=("「咖啡产品展示」的画面要多长？",), unchanged=True
    )
    add(
        g,
        "empty",
        "turn these photos into a 30-second video",
        unchanged=True,
        says=("photos or clips",),
    )
    add(g, "empty", "make it vertical", canvas=VERTICAL, says=("1080x1920",))
    add(g, "empty", "add the title 'Hello'", texts=(("Hello", "center"),), duration=3000)
    add(g, "empty", "each photo 3 seconds", unchanged=True, says=("no video on the timeline",))

    # -- The whole video's length: digits, words, halves, clock times, Chinese --------------------
    n = "video length"
    for message, ms in (
        ("make it 15 seconds", 15000),
        ("make it twenty-five seconds", 25000),
        ("make it twenty five seconds long", 25000),
        ("make the video ten seconds", 10000),
        ("shorten it to 12s", 12000),
        ("make it 0:20", 20000),
        ("make it 1:30", 90000),
        ("make it a minute", 60000),
        ("make it one minute and a half", 90000),
        ("make it a minute and a half", 90000),
        ("make it 2 minutes", 120000),
        ("set the length to 45 seconds", 45000),
        ("I want it 18 seconds long", 18000),
        ("total duration 40 sec", 40000),
        ("make it 10 seconds longer", 40000),
        ("make it five seconds shorter", 25000),
        ("lengthen it by 6 seconds", 36000),
        ("做成15秒", 15000),
        ("时长改成二十五秒", 25000),
        ("视频做成一分钟", 60000),
        ("改成一分半", 90000),
        ("缩短到十秒", 10000),
        ("延长5秒", 35000),
        ("总长20秒", 20000),
    ):
        add(n, "promo", message, duration=ms)
    add(n, "slideshow", "make it half a minute", duration=30000)
    add(n, "slideshow", "半分钟", duration=30000)
    add(n, "slideshow", "make it thirty seconds", duration=30000)
    add(n, "promo", "make it 2000 seconds", unchanged=True, says=("out of range",))

    # -- One photo or clip: its length, a trim ---------------------------------------------------
    i = "one shot's length"
    add(
        i,
        "promo",
        "make the first photo 5 seconds",
        duration=28600,
        shot_ms=(5000, 6400, 6400, 6400, 6400),
        says=("first photo", "5 s"),
    )
    add(
        i,
        "promo",
        "the last photo should last 2 seconds",
        duration=25600,
        shot_ms=(6400, 6400, 6400, 6400, 2000),
        says=("last photo",),
    )
    add(
        i,
        "promo",
        "show the third picture for ten seconds",
        duration=33600,
        shot_ms=(6400, 6400, 10000, 6400, 6400),
    )
    add(
        i,
        "promo",
        "make photo 2 three seconds",
        duration=26600,
        shot_ms=(6400, 3000, 6400, 6400, 6400),
    )
    add(
        i,
        "promo",
        "make the 4th image 1.5 seconds",
        duration=25100,
        shot_ms=(6400, 6400, 6400, 1500, 6400),
    )
    add(
        i,
        "promo",
        "make photo3.jpg 4 seconds",
        duration=27600,
        shot_ms=(6400, 6400, 4000, 6400, 6400),
    )
    add(
        i,
        "promo",
        "第一张照片5秒",
        duration=28600,
        shot_ms=(5000, 6400, 6400, 6400, 6400),
        says=("第1张照片",),
    )
    add(i, "promo", "最后一张图片改成两秒", duration=25600, shot_ms=(6400, 6400, 6400, 6400, 2000))
    add(i, "promo", "make the seventh photo 3 seconds", unchanged=True, says=("out of range",))
    add(i, "mixed", "trim the clip to 2 seconds", shot_ms=(9000, 2000, 9000), duration=19000)
    add(i, "mixed", "cut the clip to one second", shot_ms=(9000, 1000, 9000), duration=18000)
    add(i, "mixed", "make the clip 9 seconds", unchanged=True, says=("only 3 s",))
    add(i, "mixed", "把视频剪到2秒", shot_ms=(9000, 2000, 9000))
    add(
        i,
        "mixed",
        "make the second photo 4 seconds",
        shot_ms=(9000, 3000, 4000),
        duration=15000,
        says=("last photo",),
    )

    # -- Order: swap, move, reverse, remove a shot ----------------------------------------------
    o = "order of shots"
    add(
        o,
        "promo",
        "swap the first and second photos",
        shots=("photo2.jpg", "photo1.jpg", "photo3.jpg", "photo4.jpg", "photo5.jpg"),
        duration=30000,
        says=("Swapped",),
    )
    add(
        o,
        "promo",
        "switch photo 1 and photo 5",
        shots=("photo5.jpg", "photo2.jpg", "photo3.jpg", "photo4.jpg", "photo1.jpg"),
    )
    add(
        o,
        "promo",
        "move the last photo to the start",
        shots=("photo5.jpg", "photo1.jpg", "photo2.jpg", "photo3.jpg", "photo4.jpg"),
        duration=30000,
    )
    add(
        o,
        "promo",
        "move the first photo to the end",
        shots=("photo2.jpg", "photo3.jpg", "photo4.jpg", "photo5.jpg", "photo1.jpg"),
    )
    add(
        o,
        "promo",
        "put the third photo first",
        shots=("photo3.jpg", "photo1.jpg", "photo2.jpg", "photo4.jpg", "photo5.jpg"),
    )
    add(
        o,
        "promo",
        "reverse the order",
        shots=("photo5.jpg", "photo4.jpg", "photo3.jpg", "photo2.jpg", "photo1.jpg"),
        duration=30000,
    )
    add(
        o,
        "promo",
        "remove the second photo",
        shots=("photo1.jpg", "photo3.jpg", "photo4.jpg", "photo5.jpg"),
        duration=24100,
        says=("Removed the second photo",),
    )
    add(
        o,
        "promo",
        "delete the last picture",
        shots=("photo1.jpg", "photo2.jpg", "photo3.jpg", "photo4.jpg"),
    )
    add(
        o,
        "promo",
        "drop photo4.jpg",
        shots=("photo1.jpg", "photo2.jpg", "photo3.jpg", "photo5.jpg"),
    )
    add(o, "mixed", "remove the clip", shots=("photo1.jpg", "photo2.jpg"))
    add(
        o,
        "promo",
        "交换第一张和第二张",
        shots=("photo2.jpg", "photo1.jpg", "photo3.jpg", "photo4.jpg", "photo5.jpg"),
    )
    add(
        o,
        "promo",
        "把最后一张照片移到开头",
        shots=("photo5.jpg", "photo1.jpg", "photo2.jpg", "photo3.jpg", "photo4.jpg"),
    )
    add(
        o,
        "promo",
        "删除第二张照片",
        shots=("photo1.jpg", "photo3.jpg", "photo4.jpg", "photo5.jpg"),
        says=("已删除",),
    )
    add(
        o,
        "promo",
        "顺序反过来",
        shots=("photo5.jpg", "photo4.jpg", "photo3.jpg", "photo2.jpg", "photo1.jpg"),
    )
    add(o, "promo", "remove the ninth photo", unchanged=True, says=("out of range",))
    add(
        o,
        "promo",
        "remove the first two photos",
        shots=("photo3.jpg", "photo4.jpg", "photo5.jpg"),
        duration=18200,
    )
    add(
        o,
        "promo",
        "delete photos 2 and 3",
        shots=("photo1.jpg", "photo4.jpg", "photo5.jpg"),
        says=("second photo", "third photo"),
    )
    add(o, "promo", "删除前两张", shots=("photo3.jpg", "photo4.jpg", "photo5.jpg"))
    add(o, "promo", "make the intro 5 seconds", shot_ms=(5000, 6400, 6400, 6400, 6400))
    add(o, "promo", "删掉最后一段", shots=("photo1.jpg", "photo2.jpg", "photo3.jpg", "photo4.jpg"))

    # -- Uploads put on the timeline, or in place of a shot --------------------------------------
    u = "adding and replacing shots"
    three = ("photo1.jpg", "photo2.jpg", "photo3.jpg")
    add(
        u,
        "promo_later",
        "add shoes.jpg at the end",
        shots=(*three, "shoes.jpg"),
        shot_ms=(5334, 5333, 5333, 5333),
        duration=19833,
        says=("shoes.jpg",),
    )
    add(
        u,
        "promo_later",
        "put clip.mp4 at the start",
        shots=("clip.mp4", *three),
        shot_ms=(3000, 5334, 5333, 5333),
    )
    add(u, "promo_later", "add the new photos", shots=(*three, "shoes.jpg", "clip.mp4"))
    add(u, "promo_later", "加入新上传的照片", shots=(*three, "shoes.jpg", "clip.mp4"))
    add(
        u,
        "promo_later",
        "replace the second photo with shoes.jpg",
        shots=("photo1.jpg", "shoes.jpg", "photo3.jpg"),
        duration=15000,
        says=("Replaced",),
    )
    add(u, "promo_later", "把第一张换成shoes.jpg", shots=("shoes.jpg", "photo2.jpg", "photo3.jpg"))
    add(u, "promo_later", "add photo9.jpg", unchanged=True, says=("no uploaded photo",))

    # -- Shape and platform ----------------------------------------------------------------------
    c = "shape and platform"
    for message, canvas in (
        ("make it vertical", VERTICAL),
        ("portrait please", VERTICAL),
        ("9:16", VERTICAL),
        ("make it for TikTok", VERTICAL),
        ("I want to post it as Instagram Reels", VERTICAL),
        ("format it for YouTube Shorts", VERTICAL),
        ("make it square", SQUARE),
        ("1:1 for an Instagram post", SQUARE),
        ("for my instagram feed", SQUARE),
        ("竖屏", VERTICAL),
        ("改成抖音的竖版", VERTICAL),
        ("方形", SQUARE),
        ("正方形的", SQUARE),
    ):
        add(c, "promo", message, canvas=canvas, duration=30000, says=(f"{canvas[0]}x",))
    for message in ("make it landscape", "16:9 for YouTube", "widescreen", "横屏"):
        add(c, "promo_vertical", message, canvas=LANDSCAPE, duration=30000)

    # -- Words on screen: quotes of every kind kept exactly, several in order, places, times -----
    t = "texts"
    for message, words in (
        ("add the title 'Sale'", "Sale"),
        ('add the title "Big Day"', "Big Day"),
        ("add the title “Grand Opening”", "Grand Opening"),
        ("add the title ‘Last Chance’", "Last Chance"),
        ("add the title 「夏日特卖」", "夏日特卖"),
        ("add the title 『新品』", "新品"),
        ("add the title «Soldes d'été»", "Soldes d'été"),
        ("title: 'Salt and Pepper, 50% off'", "Salt and Pepper, 50% off"),
        ("加标题'夏季促销'", "夏季促销"),
        ("加标题“夏季促销”", "夏季促销"),
    ):
        add(t, "promo", message, texts=((words, "center"),), text_spans=((0, 3000),), says=(words,))
    add(
        t,
        "promo",
        "the text 'New Collection' and 'Shop now'",
        texts=(("New Collection", "bottom"), ("Shop now", "bottom")),
        text_spans=((0, 3000), (3000, 6000)),
    )
    add(
        t,
        "promo",
        "add the texts 'One', 'Two' and 'Three' at the top",
        texts=(("One", "top"), ("Two", "top"), ("Three", "top")),
        text_spans=((0, 3000), (3000, 6000), (6000, 9000)),
    )
    add(
        t,
        "promo",
        "add a title 'Summer Sale' for 4 seconds at the top",
        texts=(("Summer Sale", "top"),),
        text_spans=((0, 4000),),
    )
    add(
        t,
        "promo",
        "add text 'Free shipping' at 5 seconds",
        texts=(("Free shipping", "bottom"),),
        text_spans=((5000, 8000),),
    )
    add(
        t,
        "promo",
        "add the caption 'Hello' from 2 to 6 seconds",
        texts=(("Hello", "bottom"),),
        text_spans=((2000, 6000),),
    )
    add(t, "promo", "put 'Limited offer' in the middle", texts=(("Limited offer", "center"),))
    add(
        t,
        "promo",
        "write 'Call now' at the bottom for five seconds",
        texts=(("Call now", "bottom"),),
        text_spans=((0, 5000),),
    )
    add(
        t,
        "promo",
        "add the subtitle 'Made by hand' at the end",
        texts=(("Made by hand", "bottom"),),
        text_spans=((27000, 30000),),
    )
    add(
        t,
        "promo",
        "add 'New' in the top-right corner",
        texts=(("New", "top"),),
        says=("not in a corner",),
    )
    add(
        t,
        "promo",
        "add a title 'Go' and the text 'Now' at the bottom",
        texts=(("Go", "bottom"), ("Now", "bottom")),
    )
    add(
        t,
        "promo",
        "添加标题「夏日特卖」3秒",
        texts=(("夏日特卖", "center"),),
        text_spans=((0, 3000),),
    )
    add(
        t,
        "promo",
        "添加标题《新品上市》5秒，放在底部",
        texts=(("新品上市", "bottom"),),
        text_spans=((0, 5000),),
    )
    add(
        t,
        "promo",
        "在第10秒添加文字「包邮」",
        texts=(("包邮", "bottom"),),
        text_spans=((10000, 13000),),
    )
    add(
        t,
        "promo",
        "加上文字「限时」和「抢购」",
        texts=(("限时", "bottom"), ("抢购", "bottom")),
        text_spans=((0, 3000), (3000, 6000)),
    )
    add(t, "promo", "在顶部写上「新品」", texts=(("新品", "top"),))
    add(t, "promo", "add a title", unchanged=True, says=("What should the title say?",))
    add(t, "promo_logo", "remove the title", texts=(("Shop now", "bottom"),))
    add(t, "promo_logo", "remove all the text", texts=())
    add(t, "promo_logo", "删除标题", texts=(("Shop now", "bottom"),), says=("已删除标题",))
    add(t, "promo", "remove the title", unchanged=True, says=("couldn't find the title",))
    add(
        t,
        "promo_logo",
        "move the title to the bottom",
        texts=(("Your brand here", "bottom"), ("Shop now", "bottom")),
    )
    add(
        t,
        "promo_logo",
        "center the text",
        texts=(("Your brand here", "center"), ("Shop now", "center")),
    )
    add(
        t,
        "promo_logo",
        "把标题移到顶部",
        texts=(("Your brand here", "top"), ("Shop now", "bottom")),
    )

    # -- The logo --------------------------------------------------------------------------------
    lg = "logo"
    add(
        lg,
        "promo_no_logo",
        "add the logo in the top-right corner",
        logo="top-right",
        says=("top-right",),
    )
    add(lg, "promo_no_logo", "put the logo at the bottom left", logo="bottom-left")
    add(lg, "promo_no_logo", "add my logo", logo="top-right")
    add(lg, "promo_no_logo", "add the watermark in the center", logo="center")
    add(lg, "promo_no_logo", "在右下角加上标志", logo="bottom-right")
    add(lg, "promo_no_logo", "左上角加水印", logo="top-left")
    add(lg, "promo_logo", "move the logo to the top left", logo="top-left", says=("top-left",))
    add(lg, "promo_logo", "remove the logo", logo=None, tracks=("Video", "BGM", "Title", "Text"))
    add(lg, "promo_logo", "把标志移到左下角", logo="bottom-left")
    add(lg, "promo_logo", "把logo放到右下角", logo="bottom-right")
    add(lg, "promo", "add the logo in the top-right corner", unchanged=True, says=("logo picture",))

    # -- Volume: absolute, relative, ducking, muting ---------------------------------------------
    v = "volume"
    for message, role, volume in (
        ("background music at 25%", "bgm", 0.25),
        ("music volume 20%", "bgm", 0.2),
        ("set the song to 10 percent", "bgm", 0.1),
        ("music at thirty percent", "bgm", 0.3),
        ("turn the music down to 15%", "bgm", 0.15),
        ("make the music quieter", "bgm", 0.2),
        ("the music is too loud", "bgm", 0.2),
        ("turn the music down", "bgm", 0.2),
        ("make the music louder", "bgm", 0.5),
        ("turn up the background music", "bgm", 0.5),
        ("duck the music under the voice", "bgm", 0.2),
        ("mute the music", "bgm", 0.0),
        ("voice volume 80%", "voice", 0.8),
        ("make the voiceover quieter", "voice", 0.5),
        ("narration louder", "voice", 1.5),
        ("mute the narration", "voice", 0.0),
        ("背景音乐音量50%", "bgm", 0.5),
        ("音乐小声一点", "bgm", 0.2),
        ("配乐调高一点", "bgm", 0.5),
        ("静音音乐", "bgm", 0.0),
        ("旁白音量百分之九十", "voice", 0.9),
        ("背景音乐压低，让旁白更清楚", "bgm", 0.2),
    ):
        add(v, "promo", message, volumes={role: volume}, duration=30000)
    add(v, "promo", "music volume 500%", unchanged=True, says=("500%", "200%"))
    add(v, "promo_silent", "background music at 40%", volumes={"bgm": 0.4})
    add(v, "promo_silent", "add background music", volumes={"bgm": 0.35})
    add(
        v,
        "two_music_promo",
        "add background music",
        question=("Which music should I use?",),
        unchanged=True,
    )
    add(v, "two_music_promo", "add background music calm", volumes={"bgm": 0.35})
    add(
        v,
        "two_music_promo",
        "switch the music to upbeat",
        volumes={"bgm": 0.35},
        says=("upbeat.mp3",),
    )
    add(v, "promo", "kill the music", tracks=("Video", "Voice"))
    add(v, "promo", "音乐声音太大了", volumes={"bgm": 0.2})

    # -- Transitions and camera motion -----------------------------------------------------------
    m = "transitions and motion"
    for message, kind in (
        ("remove all the transitions", "none"),
        ("no transitions", "none"),
        ("get rid of the crossfades", "none"),
        ("just hard cuts please", "none"),
        ("去掉所有转场", "none"),
        ("不要转场", "none"),
        ("use wipe transitions", "wipeleft"),
        ("dissolve between the photos", "dissolve"),
        ("溶解转场", "dissolve"),
    ):
        add(m, "promo", message, transition=kind, duration=30000)
    add(m, "slideshow_cuts", "add crossfades", transition="fade", duration=13000)
    add(m, "slideshow_cuts", "加上转场", transition="fade")
    for message, motions in (
        ("zoom in slowly", ("zoom_in",) * 5),
        ("no motion", ("none",) * 5),
        (
            "pan right on the first photo",
            ("pan_right", "zoom_out", "zoom_in", "zoom_out", "zoom_in"),
        ),
        ("zoom out on the last photo", ("zoom_in", "zoom_out", "zoom_in", "zoom_out", "zoom_out")),
        (
            "pan left on the second picture",
            ("zoom_in", "pan_left", "zoom_in", "zoom_out", "zoom_in"),
        ),
        ("慢慢放大", ("zoom_in",) * 5),
        ("向左平移", ("pan_left",) * 5),
        ("第二张向右平移", ("zoom_in", "pan_right", "zoom_in", "zoom_out", "zoom_in")),
        ("每张照片都静止", ("none",) * 5),
        ("stop the movement", ("none",) * 5),
        (
            "zoom in on the second and third photos",
            ("zoom_in", "zoom_in", "zoom_in", "zoom_out", "zoom_in"),
        ),
        ("pan left on photos 1 and 5", ("pan_left", "zoom_out", "zoom_in", "zoom_out", "pan_left")),
    ):
        add(m, "promo", message, motions=motions, duration=30000)

    # -- Several asks in one message -------------------------------------------------------------
    s = "several asks in one message"
    add(
        s,
        "promo",
        "make it vertical and add the title 'Sale'",
        canvas=VERTICAL,
        texts=(("Sale", "center"),),
        duration=30000,
    )
    add(
        s,
        "promo",
        "add a title 'Summer Sale' for 3 seconds and make it 15 seconds, music at 20%, "
        "make it vertical",
        canvas=VERTICAL,
        duration=15000,
        texts=(("Summer Sale", "center"),),
        volumes={"bgm": 0.2},
    )
    add(
        s,
        "promo",
        "square, no transitions, and the music quieter",
        canvas=SQUARE,
        transition="none",
        volumes={"bgm": 0.2},
    )
    add(
        s,
        "promo",
        "make the first photo 2 seconds and the last photo 3 seconds",
        shot_ms=(2000, 6400, 6400, 6400, 3000),
    )
    add(
        s,
        "promo",
        "swap the first and second photos, then make it twenty seconds",
        shots=("photo2.jpg", "photo1.jpg", "photo3.jpg", "photo4.jpg", "photo5.jpg"),
        duration=20000,
    )
    add(
        s,
        "promo",
        "for TikTok, 15 seconds, with the text 'Link in bio' at the end",
        canvas=VERTICAL,
        duration=15000,
        texts=(("Link in bio", "bottom"),),
        text_spans=((12000, 15000),),
    )
    add(
        s,
        "promo",
        "remove the voice and make the music louder",
        tracks=("Video", "BGM"),
        volumes={"bgm": 0.5},
    )
    add(
        s,
        "promo",
        "竖屏，加标题「周末特卖」，音乐音量20%",
        canvas=VERTICAL,
        texts=(("周末特卖", "center"),),
        volumes={"bgm": 0.2},
    )
    add(s, "promo", "做成20秒，然后去掉转场", duration=20000, transition="none")
    add(
        s,
        "promo",
        "make it 20 seconds with the title 'Drop'",
        duration=20000,
        texts=(("Drop", "center"),),
        text_spans=((0, 3000),),
    )
    add(s, "promo", "make it square and speed it up", canvas=SQUARE, says=("playback speed",))

    # -- What it cannot do: one line, the closest things, the draft untouched ----------------------
    d = "declines"
    for message, words in (
        ("speed up the video", "playback speed"),
        ("add slow motion", "playback speed"),
        ("play it at 2x", "playback speed"),
        ("add a vintage filter", "filters"),
        ("make it black and white", "filters"),
        ("remove the background from the photos", "inside a picture"),
        ("rotate the second photo", "inside a picture"),
        ("add some stickers", "inside a picture"),
        ("change the font to something bold", "fonts"),
        ("generate subtitles from the voice automatically", "transcribe"),
        ("generate a voiceover for it", "voice-over"),
        ("compose some upbeat music", "compose music"),
        ("play the video backwards", "backwards"),
        ("redo", "not redo"),
        ("make the GIF loop", "loop"),
        ("加速播放", "播放速度"),
        ("加个黑白滤镜", "滤镜"),
        ("换个字体", "字体"),
        ("自动生成字幕", "字幕"),
        ("倒放这个视频", "倒放"),
        ("make the text bigger", "fonts"),
        ("make the title red", "fonts"),
        ("标题大一点", "字体"),
    ):
        add(d, "promo", message, unchanged=True, one_line=True, says=(words,))
    add(
        d,
        "promo",
        "make the shoes run on a track",
        unchanged=True,
        says=("can't make what is in a photo move", "zoom"),
    )
    add(d, "promo", "what's the weather like?", unchanged=True, says=("background music at 35%",))
    add(d, "promo", "今天天气怎么样", unchanged=True, says=("背景音乐音量35%",))

    # -- Asking when it matters ------------------------------------------------------------------
    q = "questions"
    add(
        q,
        "photos",
        "make a video",
        question=("How long should it be?", "Which shape?"),
        unchanged=True,
    )
    add(q, "photos", "做个视频", question=("视频要多长？", "要什么画幅？"), unchanged=True)
    add(
        q,
        "photos",
        "make a vertical video from these",
        question=("How long should it be?",),
        unchanged=True,
    )
    add(q, "two_music", "make a 9-second video from these photos", duration=9000)

    # -- More ways of saying it --------------------------------------------------------------
    w = "more ways of saying it"
    add(
        w,
        "promo",
        "reorder the photos 3, 1, 2, 4, 5",
        shots=("photo3.jpg", "photo1.jpg", "photo2.jpg", "photo4.jpg", "photo5.jpg"),
    )
    add(
        w,
        "promo",
        "顺序改成3,1,2",
        shots=("photo3.jpg", "photo1.jpg", "photo2.jpg", "photo4.jpg", "photo5.jpg"),
    )
    add(
        w,
        "promo",
        "cut the last photo",
        shots=("photo1.jpg", "photo2.jpg", "photo3.jpg", "photo4.jpg"),
    )
    add(w, "promo", "cut the voiceover", tracks=("Video", "BGM"))
    add(w, "promo", "make the second photo longer", unchanged=True, says=("By how much?",))
    add(w, "promo", "make the video longer", unchanged=True, says=("By how much?",))
    add(
        w,
        "promo",
        "make the music 50 percent and the voice 80 percent",
        volumes={"bgm": 0.5, "voice": 0.8},
    )
    add(w, "promo", "music 20% voice 60%", volumes={"bgm": 0.2, "voice": 0.6})
    add(
        w,
        "promo_logo",
        "change the title to say 'Hi'",
        texts=(("Hi", "center"), ("Shop now", "bottom")),
        says=("Changed the title",),
    )
    add(
        w,
        "promo",
        "insert a title 'Hello' at 3 seconds",
        texts=(("Hello", "center"),),
        text_spans=((3000, 6000),),
    )
    add(w, "promo", "I want the words 'Buy now' at the bottom", texts=(("Buy now", "bottom"),))
    add(w, "promo", "make a caption saying 'Fresh'", texts=(("Fresh", "bottom"),))
    add(w, "promo", "lengthen the video to 40 seconds", duration=40000)
    add(w, "promo", "shorten the first photo to 2 seconds", shot_ms=(2000, 6400, 6400, 6400, 6400))

    add(w, "one_photo", "zoom in on it for 6 seconds", duration=6000, motions=("zoom_in",))
    add(w, "one_photo", "pan right", duration=5000, motions=("pan_right",))
    add(
        w,
        "empty",
        "make me a video about autumn leaves, 8 seconds",
        duration=8000,
        generated=True,
        says=('"autumn leaves"',),
    )

    add(
        w,
        "promo",
        "zoom in slowly, and make the first photo 5 seconds",
        shot_ms=(5000, 6400, 6400, 6400, 6400),
        motions=("zoom_in",) * 5,
    )
    add(
        w,
        "promo",
        "make the first photo 5 seconds and zoom in on it",
        shot_ms=(5000, 6400, 6400, 6400, 6400),
        motions=("zoom_in", "zoom_out", "zoom_in", "zoom_out", "zoom_in"),
    )

    add(
        w,
        "promo",
        "第一张和第二张换一下位置",
        shots=("photo2.jpg", "photo1.jpg", "photo3.jpg", "photo4.jpg", "photo5.jpg"),
    )
    add(w, "promo", "去掉最后两张", shots=("photo1.jpg", "photo2.jpg", "photo3.jpg"))
    add(w, "promo", "把第三张照片改成4秒", shot_ms=(6400, 6400, 4000, 6400, 6400))
    add(w, "promo", "加一句字幕「限量发售」放在底部", texts=(("限量发售", "bottom"),))
    add(w, "promo", "背景音乐调小一点", volumes={"bgm": 0.2})
    add(w, "promo", "做成抖音竖屏，15秒", canvas=VERTICAL, duration=15000)
    add(
        w,
        "promo",
        "把第4张放到最前面",
        shots=("photo4.jpg", "photo1.jpg", "photo2.jpg", "photo3.jpg", "photo5.jpg"),
    )
    add(w, "promo", "视频长一点", unchanged=True, says=("要改多少",))
    add(w, "promo", "加快速度", unchanged=True, one_line=True, says=("播放速度",))

    # -- Near-miss spellings ---------------------------------------------------------------------
    ty = "typos"
    add(ty, "promo", "remove the trasitions", transition="none")
    add(ty, "promo", "make it verticle", canvas=VERTICAL)
    add(ty, "promo", "lower the muisc", volumes={"bgm": 0.2})
    add(ty, "promo", "make the frist photo 5 secnods", shot_ms=(5000, 6400, 6400, 6400, 6400))
    add(ty, "promo", "make it twnety seconds", duration=20000)
    add(ty, "promo", "add the tittle 'Sale'", texts=(("Sale", "center"),))
    add(ty, "promo", "add the title 'Trasition Sale'", texts=(("Trasition Sale", "center"),))

    # -- The request's language ------------------------------------------------------------------
    lang = "language of the reply"
    add(lang, "promo_zh", "make it vertical", canvas=VERTICAL, says=("竖屏",))
    add(lang, "promo_zh", "add the title 'Sale'", texts=(("Sale", "center"),), says=("标题",))
    add(lang, "promo", "音乐音量40%", volumes={"bgm": 0.4}, says=("背景音乐", "40%"))

    return cases


WORLDS["promo_vertical"] = World(
    (*PHOTOS, "voice.m4a", "music.mp3"), (PROMO_REQUEST, "make it vertical")
)
WORLDS["promo_later"] = World(
    (*PHOTOS[:3], "music.mp3"),
    ("turn these photos into a 15-second promo video",),
    later=("shoes.jpg", "clip.mp4"),
)
WORLDS["slideshow_cuts"] = World(PHOTOS, (SLIDESHOW_REQUEST, "no transitions"))

CASES: list[Case] = _cases()
