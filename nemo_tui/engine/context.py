"""One running engine's parts (settings, store, render queue), shared by the HTTP layer and the
services it calls."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field

from nemo_tui.engine.agent.asking import AskKind
from nemo_tui.engine.render.jobs import RenderQueue
from nemo_tui.engine.settings import EngineSettings
from nemo_tui.engine.store import Store


@dataclass
class EngineContext:
    """One running engine's parts, reachable from every request as `request.app.state.engine`."""

    settings: EngineSettings
    store: Store
    renders: RenderQueue
    rng: random.Random
    # Who this engine is to clients (`/health`): the store's own id.
    instance_id: str
    # Turns keep running when their client goes away; holding the tasks keeps them alive.
    background: set[asyncio.Task[None]] = field(default_factory=set)
    # Held by the turn running in each session; the next one waits for it.
    turn_locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    # The kind of the question each session's agent last asked, until the next message.
    questions: dict[str, AskKind] = field(default_factory=dict)
