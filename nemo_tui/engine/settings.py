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
    # The share of editing turns (turns with tool calls) that end with no text, as the cloud does.
    silent_share: float = Field(default=0.3, ge=0.0, le=1.0)
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
