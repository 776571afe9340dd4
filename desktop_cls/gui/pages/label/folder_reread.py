"""The Label page's view of the dataset folder, kept up to date without listing the folder on the UI thread.

The page's own steps tell it what moved (each is journaled: a key press takes one image out of the queue), so a
key press costs the same beside 20 loose images as beside 20,000. Changes made outside the app are found by
reading the folder again on a worker thread a moment after the dataset was read again; that listing replaces
the page's only when no step was made since it began (a step made meanwhile is newer than what it saw).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer

RESCAN_DELAY_MS = 1500


class FolderReread(QObject):
    """Asks the Data page to read the folder again after the last step (`timer`), and re-lists the loose images
    and classes off the UI thread when a dataset arrives (`start`)."""

    def __init__(self, page: Any) -> None:
        super().__init__(page)
        self.page = page
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(RESCAN_DELAY_MS)
        self.timer.timeout.connect(self._rescan)

    def _rescan(self) -> None:
        """Have the dataset read again a moment after the last change (not on every key press)."""
        ws = self.page.state.workspace
        if ws is not None:
            self.page.state.files_changed.emit(str(ws.root))

    def dataset_read(self) -> None:
        """The open dataset was read again: the page keeps the queue its steps left (the class counts are new)
        and the folder is listed off the UI thread."""
        page = self.page
        if page.model.stale(page.suggest_panel.source()):  # (suggestions of another model go)
            page.refresh((page.model.queue, page.model.classes))
        else:
            page.classes.fill(page.model.classes, page.state.dataset.counts() if page.state.dataset else {})
            page.update_buttons()
        self.start()

    def start(self) -> None:
        """List the folder on a worker thread; show what it found when no step came meanwhile and it differs."""
        page, ws = self.page, self.page.state.workspace
        if ws is None or page.tasks is None:
            return
        started = ws.next_id  # a step made after this is newer than the listing

        def done(listing: tuple[list[str], list[str]]) -> None:
            if (ws is page.state.workspace and ws.next_id == started and not page.model.moving
                    and not page.model.holds(*listing)):
                page.refresh(listing)

        page.run_task("labelListing", lambda progress, cancel: ws.reread(), done, on_error=lambda _m, _d: None)
