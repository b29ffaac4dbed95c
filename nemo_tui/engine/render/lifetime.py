"""ffmpeg's life tied to the engine's: a render's ffmpeg is told by the kernel to die with the
engine (Linux `PR_SET_PDEATHSIG`), and an engine starting up stops any ffmpeg an earlier run left
writing into its renders folder (killed before that signal could be set, or on other kernels).
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
# ffmpeg runs this much nicer than the engine, so a big render never slows the engine's answers.
RENDER_NICENESS = 10


def die_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` that makes the child get SIGKILL when the engine dies, and run at a lower
    priority than the engine (None off Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    parent = os.getpid()
    libc = ctypes.CDLL(None, use_errno=True)

    def set_death_signal() -> None:
        os.nice(RENDER_NICENESS)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        # The engine may have died between fork and prctl: then no signal will ever come.
        if os.getppid() != parent:
            os._exit(1)

    return set_death_signal


def stop_orphans(folder: Path) -> list[int]:
    """Kill every ffmpeg whose command line writes into `folder` (Linux `/proc`); their pids."""
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    markers = tuple({os.fsencode(str(folder)), os.fsencode(str(folder.resolve()))})
    stopped = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if "ffmpeg" in os.fsdecode(os.path.basename(argv[0])) and any(
            arg.startswith(markers) for arg in argv[1:]
        ):
            try:
                os.kill(int(entry.name), signal.SIGKILL)
            except OSError:
                continue
            log.warning("stopped ffmpeg %s left writing by an earlier engine", entry.name)
            stopped.append(int(entry.name))
    return stopped
