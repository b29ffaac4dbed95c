"""Leaving when the terminal goes away.

A terminal that closes without sending the hang-up signal (the app started in a session of its
own, a terminal emulator killed, a pseudo-terminal's other end dropped) leaves the app's input at
end of file. Textual's input thread then reads nothing in a tight loop, and the app would run on,
unseen, at a full core. The app polls its input for a hang-up every `HANGUP_POLL_SECONDS` (asking
for no events, so nothing is read from it) and exits with `HANGUP_EXIT_CODE` when it finds one.
"""

from __future__ import annotations

import select

HANGUP_POLL_SECONDS = 0.25  # a poll costs microseconds; the spin it ends costs a core
HANGUP_EXIT_CODE = 129  # 128 + SIGHUP, as a shell reports a program whose terminal hung up
_GONE = select.POLLHUP | select.POLLERR | select.POLLNVAL


def hung_up(fd: int) -> bool:
    """Whether the terminal on `fd` has gone (hung up, failed or closed)."""
    poller = select.poll()
    poller.register(fd, 0)  # no events asked: hang-ups and errors are reported all the same
    return any(mask & _GONE for _, mask in poller.poll(0))
