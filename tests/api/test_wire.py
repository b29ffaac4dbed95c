"""The one serialization policy of the wire models (`nemo_tui.api.wire`): what came goes back as it
came, what our code builds goes out whole, and no `null` is invented on the way.

These are the shapes of SPEC 4, 6, 7 and 10; the engine never sends a cloud draft with unknown keys,
so the cloud's side is written out here as data.
"""

from __future__ import annotations

import json
from typing import Any

from nemo_tui.api.draft import Draft, Segment, Track, Transition
from nemo_tui.api.models import RenderRequest, RunSseRequest, SessionState, UploadedFile

# A cloud draft as SPEC 6 and 10 allow: unknown keys at every level, a null, a track type we do not
# know, a segment without `st`, a track without `m`, and no canvas (`m`) or duration (`d`).
CLOUD_DRAFT: dict[str, Any] = {
    "t": [
        {
            "id": "v1",
            "tt": 0,
            "sg": [{"id": "s1", "d": 6400, "m": {"src": "m1", "in": 0, "lut": "warm"}, "x": None}],
            "locked": True,
        },
        {"id": "fx", "tt": 12, "sg": [], "m": {"name": "Sparkles", "blend": "screen"}},
    ],
    "version": 3,
    "templateHints": {"style": "bold"},
}


def test_a_cloud_draft_goes_from_the_state_answer_to_the_export_request_untouched() -> None:
    answer = {"session_id": "sid", "state": {"draft": CLOUD_DRAFT, "video_analyses": []}}
    state = SessionState.from_wire(answer)
    request = RenderRequest(id="render_1", session_id="sid", draft=state.state.draft)
    wire = request.to_wire()
    assert wire["draft"] == CLOUD_DRAFT
    assert wire["sessionId"] == "sid" and wire["output"] == {"format": "mp4", "quality": "high"}
    assert state.to_wire() == answer


def test_a_built_draft_sends_its_defaults_and_the_edits_inside_default_made_parts() -> None:
    draft = Draft.blank(1080, 1920)
    segment = Segment(id="s1", d=3000)
    draft.t.append(Track(id="v1", sg=[segment]))
    segment.m.transition = Transition(type="wipe")  # inside the `m` made by default
    segment.m.name = "a.jpg"
    wire = draft.to_wire()
    assert wire == {
        "d": 0,
        "m": {"width": 1080, "height": 1920, "fps": 30},
        "t": [
            {
                "id": "v1",
                "tt": 0,
                "m": {},
                "sg": [
                    {
                        "id": "s1",
                        "d": 3000,
                        "m": {"name": "a.jpg", "transition": {"type": "wipe", "d": 500}},
                    }
                ],
            }
        ],
    }
    assert Draft.from_wire(json.loads(json.dumps(wire))) == draft


def test_clearing_a_field_leaves_it_out_rather_than_sending_null() -> None:
    segment = Segment(id="s1", d=1000)
    segment.m.transition = Transition()
    segment.m.transition = None
    segment.st = None
    assert segment.to_wire() == {"id": "s1", "d": 1000, "m": {}}
    parsed = Segment.from_wire({"id": "s1", "st": 0, "m": {"transition": {"type": "fade"}}})
    parsed.m.transition = None
    assert parsed.to_wire() == {"id": "s1", "st": 0, "m": {}}


def test_requests_carry_their_protocol_constants_and_no_nulls() -> None:
    assert RunSseRequest.for_text("sid", "hi").to_wire() == {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": "sid",
        "new_message": {"role": "user", "parts": [{"text": "hi"}]},
        "streaming": True,
    }
    photo = UploadedFile(filename="a.jpg", file_type="image", cdn_url="u", duration=None, size=9)
    assert photo.to_wire() == {"filename": "a.jpg", "file_type": "image", "cdn_url": "u", "size": 9}
