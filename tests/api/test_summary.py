"""The one-line timeline summary (SPEC 10) and the `Updated: ...` diff line (SPEC 4.3)."""

from __future__ import annotations

from nemo_tui.api.draft import (
    TRACK_AUDIO,
    TRACK_TEXT,
    TRACK_VIDEO,
    Draft,
    Segment,
    SegmentMeta,
    Track,
    TrackMeta,
)
from nemo_tui.api.summary import describe_diff, diff, summarize


def photo(seg_id: str, name: str, duration: int = 6000) -> Segment:
    return Segment(id=seg_id, d=duration, m=SegmentMeta(name=name, src=f"m_{seg_id}"))


def spec_draft(video_ms: int = 6000) -> Draft:
    draft = Draft.blank()
    draft.t = [
        Track(
            id="v1",
            tt=TRACK_VIDEO,
            m=TrackMeta(name="Video"),
            sg=[photo(f"s{i}", f"shoe{i}.jpg", video_ms) for i in range(1, 6)],
        ),
        Track(
            id="a1",
            tt=TRACK_AUDIO,
            m=TrackMeta(name="BGM", role="bgm"),
            sg=[Segment(id="s9", st=0, d=5 * video_ms, m=SegmentMeta(name="Lo-fi", volume=0.35))],
        ),
    ]
    return draft


def title_track(text: str = "Urban Dreams", duration: int = 3000) -> Track:
    return Track(
        id="x1",
        tt=TRACK_TEXT,
        m=TrackMeta(name="Title"),
        sg=[Segment(id="s12", st=0, d=duration, m=SegmentMeta(text=text))],
    )


def test_summary_is_exactly_the_spec_format() -> None:
    draft = spec_draft()
    draft.t.append(title_track())
    assert summarize(draft) == (
        "Timeline (3 tracks): 1. Video: shoe1.jpg +4 more (0-30s) 2. BGM: Lo-fi (0-30s, 35%) "
        '3. Title: "Urban Dreams" (0-3s)'
    )


def test_summary_of_an_empty_draft() -> None:
    assert summarize(Draft.blank()) == "Timeline is empty"
    assert summarize(Draft.from_wire({})) == "Timeline is empty"


def test_summary_of_a_cloud_draft_with_fractional_times() -> None:
    draft = Draft.from_wire({"t": [{"id": "v", "tt": 0, "sg": [{"id": "a", "d": 6400}]}]})
    assert summarize(draft) == "Timeline (1 track): 1. Video: a (0-6.4s)"


def test_diff_line_for_a_silent_edit() -> None:
    old = spec_draft(6000)
    new = spec_draft(4800)
    new.t.append(title_track())
    changes = diff(old, new)
    assert 'added track Title "Urban Dreams" (0-3s)' in changes
    assert changes[-1] == "video 30s -> 24s"
    line = describe_diff(old, new)
    assert line.startswith('Updated: added track Title "Urban Dreams" (0-3s); ')
    assert line.endswith("; video 30s -> 24s")


def test_diff_names_text_volume_canvas_and_segment_changes() -> None:
    old = spec_draft()
    old.t.append(title_track("Urban Dreams"))
    new = spec_draft()
    new.t.append(title_track("Summer Sale"))
    new.t[1].sg[0].m.volume = 0.5
    new.t[0].sg.append(photo("s6", "shoe6.jpg", 3000))
    new.t[0].sg.pop(0)
    new.m.width, new.m.height = 1080, 1920
    assert diff(old, new) == [
        "canvas 1920x1080 -> 1080x1920",
        "Video: removed shoe1.jpg (0-6s)",
        "Video: added shoe6.jpg (24-27s)",
        "BGM: volume 35% -> 50%",
        'Title: text "Urban Dreams" -> "Summer Sale"',
    ]


def test_diff_of_removed_track_and_no_change() -> None:
    old = spec_draft()
    new = spec_draft()
    assert describe_diff(old, new) == "No changes to the timeline"
    new.t.pop(1)
    assert diff(old, new) == ["removed track BGM"]


def test_many_retimed_segments_are_counted_not_listed() -> None:
    assert diff(spec_draft(6000), spec_draft(3000)) == [
        "Video: 5 segments retimed",
        "BGM: Lo-fi 30s -> 15s",
        "video 30s -> 15s",
    ]
