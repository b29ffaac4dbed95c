"""After an engine stop: the jobs it cut short (a quit, or a kill while they were processing) go
back in line to run again, so closing the app mid-render loses nothing; one cut short
`max_render_interruptions` times (a render that itself brings the engine down, say) is failed with
a message telling the user to export again. ffmpeg an earlier run left writing is stopped, and
every file in the renders folder that is not a finished render (the renderer's temp files) is
removed.

Only the engine holding the data folder's lock may do this (`engine.ownership`): to any other
process, those jobs and files are a live engine's work.
"""

from __future__ import annotations

import logging

from nemo_tui.engine.render.lifetime import stop_orphans
from nemo_tui.engine.settings import EngineSettings
from nemo_tui.engine.store import Store

log = logging.getLogger(__name__)


def recover(store: Store, settings: EngineSettings) -> list[str]:
    """Put unfinished jobs back in line (or fail them after too many tries) and clear partial
    files. Returns the ids to run, oldest first."""
    stop_orphans(settings.renders_dir)
    again, failed = store.requeue_unfinished_renders(settings.max_render_interruptions)
    for render_id in failed:
        log.info("render %s was cut short by too many engine stops; marked failed", render_id)
    finished = store.completed_render_outputs()
    for path in settings.renders_dir.iterdir():
        if path.is_file() and path not in finished:
            path.unlink(missing_ok=True)
    return again
