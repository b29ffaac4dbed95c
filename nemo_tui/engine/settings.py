"""The local engine's settings: where it keeps its data, what things cost, and how it paces replies.

Every field can be set from the environment with the `NEMO_ENGINE_` prefix (`NEMO_ENGINE_DATA_DIR`,
`NEMO_ENGINE_SEED`, ...); tests build `EngineSettings(...)` directly.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from nemo_tui.engine.faults import parse_rules

WEEK_SECONDS = 7 * 24 * 3600


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("nemo-tui")) / "engine"


class EngineSettings(BaseSettings):
    """How one engine instance behaves. The defaults mirror the cloud as SPEC.md describes it."""

    model_config = SettingsConfigDict(env_prefix="NEMO_ENGINE_")

    data_dir: Path = Field(default_factory=default_data_dir)
    # One anonymous token per client id inside this window; a second one is answered with 429.
    token_window_seconds: float = WEEK_SECONDS
    token_lifetime_seconds: float = WEEK_SECONDS
    initial_credits: int = 100
    # Credits charged per generated second of video (a 10-second scene costs 10 at the default).
    generate_cost: int = 1
    # The share of editing turns (turns with tool calls) that end with no text, as the cloud may:
    # a fault for tests to ask for. A person on the local engine always gets words.
    silent_share: float = Field(default=0.0, ge=0.0, le=1.0)
    # Seeds the engine's one random source (silent turns); None gives a different run every time.
    seed: int | None = None
    # Seconds between streamed text chunks, so a reply arrives the way a model's does.
    chunk_delay: float = Field(default=0.02, ge=0.0)
    # Seconds between `: ping` comment lines while the agent or a generate is working.
    keepalive_seconds: float = Field(default=5.0, gt=0.0)
    max_concurrent_renders: int = Field(default=1, ge=1)
    # A render cut short by this many engine stops is failed instead of run again.
    max_render_interruptions: int = Field(default=3, ge=1)
    render_preset: str = "veryfast"
    render_crf: int = Field(default=20, ge=0, le=51)
    # Limits on what one request may ask for, each answered with a 4xx naming it (see `limits`).
    max_message_chars: int = Field(default=20_000, ge=1)
    # A draft of the most segments allowed is about 50 KB; json.loads holds the interpreter for
    # its whole parse (~10 ms per 500 KB), so a small cap keeps every other request answering.
    max_body_bytes: int = Field(default=512 * 1024, ge=1024)
    max_json_depth: int = Field(default=64, ge=4)
    max_draft_seconds: float = Field(default=3600.0, gt=0)
    max_canvas_side: int = Field(default=4096, ge=16)
    max_output_height: int = Field(default=2160, ge=16)
    max_segments: int = Field(default=1000, ge=1)
    max_image_pixels: int = Field(default=100_000_000, ge=1)
    # The connection guard (see `engine.http.guard`): open connections past this evict the one
    # that has waited longest for its request headers; headers must arrive within the timeout.
    max_connections: int = Field(default=512, ge=8)
    header_timeout_seconds: float = Field(default=10.0, gt=0)
    # Host names served besides loopback names and the address bound (DNS-rebinding guard).
    allowed_hosts: list[str] = Field(default_factory=list)
    # Needed to listen beyond loopback: the token route then asks for it (`X-Access-Key`).
    access_key: str | None = None
    # The gateway's API keys (SPEC 11) served beyond loopback: only these, each a user with
    # `initial_credits` at first use. On loopback without an access key any `nmv_usr_` key is one.
    api_keys: list[str] = Field(default_factory=list)
    # How long a render's download link (the gateway's `outputUrl`) works without the key.
    download_link_seconds: float = Field(default=3600.0, gt=0)
    # An engine started in the background for `--local` clients exits once it has had no
    # request, render or client for this long (None: it runs until stopped, as `serve` does).
    idle_exit_seconds: float | None = Field(default=None, gt=0)
    # Fault rules for tests (see `nemo_tui.engine.faults`): JSON, off when unset.
    faults: str | None = None

    @field_validator("faults")
    @classmethod
    def _faults_parse(cls, value: str | None) -> str | None:
        parse_rules(value)
        return value

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def renders_dir(self) -> Path:
        return self.data_dir / "renders"

    @property
    def database_path(self) -> Path:
        return self.data_dir / "engine.sqlite3"
