"""The size of the window the first time it opens (later it comes back as the user left it)."""

from __future__ import annotations

from PySide6.QtCore import QSize

PREFERRED = QSize(1280, 800)
# what the window manager adds around the window: a title bar above, thin borders at the sides
FRAME = QSize(16, 40)


def first_window_size(available: QSize, preferred: QSize = PREFERRED) -> QSize:
    """The preferred size, made smaller where the screen's free area (without panels and docks) is
    smaller once the window's frame is counted: on a 1366x768 laptop the window fits with its title bar."""
    room = QSize(max(1, available.width() - FRAME.width()), max(1, available.height() - FRAME.height()))
    return preferred.boundedTo(room)
