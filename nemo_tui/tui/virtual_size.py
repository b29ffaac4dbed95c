"""A `virtual_size` that repaints instead of laying the screen out again.

Textual sets a widget's virtual size from every layout (and Input from every keystroke), and by
default setting it asks for another full layout of the screen: two layouts per streamed append,
one per key typed. The virtual size only says how far a widget's content scrolls; the widgets
that use this either do not scroll or have their scrollbars updated with the size anyway, so a
repaint is enough. Each class needs its own descriptor.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive


def repainting_virtual_size() -> Reactive[Size]:
    """Assign to `virtual_size` in a widget class."""
    return Reactive(Size(0, 0), repaint=True)
