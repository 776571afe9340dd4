"""Dragging thumbnails costs the same for one image as for 100,000: the selection travels by reference.

A drag carries a token for its rows (SELECTION_MIME), which the app's own drop targets turn into paths when the
drop happens (`dropped_paths`); Qt's own drag start went through every selected row (a Python call each) and
built a file URL for each. For a program outside the app (a file manager) the drag also offers file URLs, built
only when that program asks for them (QMimeData.retrieveData): hovering over the app's own widgets builds none.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QMimeData, QUrl

SELECTION_MIME = "application/x-desktop-cls-selection"  # a token: the rows live in this process
URI_LIST = "text/uri-list"
_live: dict[bytes, Callable[[], list[str]]] = {}  # the drag in progress (one at a time): token -> its paths


class SelectionDrag(QMimeData):
    """The mime data of a drag of thumbnails: a token for the app, file URLs on request for other programs."""

    def __init__(self, paths: Callable[[], list[str]]) -> None:
        super().__init__()
        self._paths = paths
        self.urls_built = 0  # how often the file URLs were made (tests count work with it)
        token = secrets.token_hex(8).encode()
        _live.clear()  # an older drag is over: its rows are not kept alive
        _live[token] = paths
        self.setData(SELECTION_MIME, token)

    def formats(self) -> list[str]:
        return [SELECTION_MIME, URI_LIST]

    def hasFormat(self, mimetype: str) -> bool:
        return mimetype in (SELECTION_MIME, URI_LIST)

    def retrieveData(self, mimetype: str, preferred: Any) -> Any:
        """File URLs only when asked (Qt turns the list into text/uri-list bytes for another program)."""
        if mimetype == URI_LIST:
            self.urls_built += 1
            return [QUrl.fromLocalFile(p) for p in self._paths()]
        return super().retrieveData(mimetype, preferred)


def carries_files(data: QMimeData | None) -> bool:
    """Whether a drag brings files: thumbnails of the app, or files from another program. Reads no URL."""
    return data is not None and (data.hasFormat(SELECTION_MIME) or data.hasUrls())


def from_the_app(data: QMimeData | None) -> bool:
    """A drag of the app's own thumbnails (images, never a dataset folder to open)."""
    return data is not None and data.hasFormat(SELECTION_MIME)


def dropped_paths(data: QMimeData | None) -> list[str]:
    """The local files a drop brings: the dragged thumbnails' (by their token), else the URLs' local files."""
    if data is None:
        return []
    if data.hasFormat(SELECTION_MIME):
        paths = _live.get(bytes(data.data(SELECTION_MIME).data()))
        if paths is not None:
            return paths()
    return [u.toLocalFile() for u in data.urls() if u.isLocalFile()]
