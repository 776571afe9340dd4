"""The Label page's steps off the UI thread, in the order asked (core.data.labeling_queue): a class key or Delete
takes the image on screen off the list at once and shows the next, while one worker on the labeling lane journals
(with its fsync) and moves it; on a slow or network drive the window stays instant. Undo and Redo asked for while
steps wait are queued behind them and act on the step before them, as they would once those were done.

A step that fails is rolled back by the engine: its image comes back on screen where it still lies loose (a file
gone from the folder stays off the list), with a message naming the file and what to do. While steps wait the app
state's `moving_files` keeps other steps from starting beside them (one writer per dataset), and its `filing`
counts their images (and the steps naming none) for the status bar and holds back what must see them on disk
(opening a folder, training, an import, other pages' changes, a capture: gui.filing), started once the last is
filed; quitting waits for them (`flush`).
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop_cls.core.data.labeling_queue import Filed, StepQueue
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.work.tasks import Lane

QUIT_WAIT_S = 120.0  # quitting waits this long at most for the steps asked for (a network drive gone away)


class LabelSteps(QObject):
    """Queues the page's steps and follows each as it is filed. `busy()` while any is unreported."""

    busy_changed = Signal()  # steps began to wait, or the last was filed: the Edit menu's Undo follows

    def __init__(self, page: Any, filed: Callable[[Any, None, bool], object]) -> None:
        """filed(step, None, shown) is called on the UI thread for each step made (a core Operation), `shown` when
        it took the image that was on screen (already off the list)."""
        super().__init__(page)
        self.page, self._made = page, filed
        self.queue = StepQueue()
        self._workspaces: dict[int, Any] = {}  # ticket -> the Workspace it acts on (until it is reported)
        self._images: dict[int, int] = {}  # ticket -> the images it files (0: a class step, an undo, a redo)

    def busy(self) -> bool:
        """Whether a step asked for has not been reported yet (waiting, running or on its way back)."""
        return bool(self._workspaces)

    def allowed(self) -> bool:
        """No step on a folder that is going, nor beside a large step, an import or another page's step (one
        writer); beside the page's own queued steps, yes: it is queued behind them."""
        page = self.page
        elsewhere = page.model.moving or (page.state.moving_files and not self.busy())
        return page.state.workspace is not None and page.state.opening is None and not elsewhere

    def take_shown(self, step: Callable[[Any, str], Any]) -> None:
        """step(workspace, name) on the image on screen (a class key, Delete): it leaves the list now and the next
        is shown; the step is queued behind those asked for before."""
        page, ws, name = self.page, self.page.state.workspace, self.page.model.current()
        if ws is None or name is None or not self.allowed():
            return
        near = page.model.position
        page.model.leaving.add(name)  # (a listing of the folder made before the step is filed keeps it off)
        page.model.drop({name})
        page.view.strip_model.remove_paths({f"{ws.root}{os.sep}{name}"}, near)
        page.show_current()
        self.put(ws, functools.partial(step, ws, name), (name,))
        page.update_buttons()

    def put(self, ws: Any, run: Callable[[], Any], taking: tuple[str, ...] = (), images: int = 0) -> None:
        """Queue a step of the workspace `ws` (`images`: how many it files, when it takes none off the list); a
        worker carries it out after those asked for before."""
        ticket, start = self.queue.put(ws.root, run, taking)
        first = not self._workspaces
        self._workspaces[ticket] = ws
        self._images[ticket] = len(taking) or images
        if first:
            self.page.state.moving_files = True  # (one writer: other pages' steps wait for them: gui.filing)
            self.busy_changed.emit()
        self._count()  # (the status bar says how many)
        if start:
            self._start()

    def _start(self) -> None:
        tasks = self.page.tasks
        if tasks is None:  # (a page without workers: carried out here and now)
            self.queue.drain(self._filed)
            return
        tasks.start("labelSteps", lambda progress, cancel: self.queue.drain(progress.event), on_event=self._filed,
                    on_cancelled=lambda: self.queue.drain(self._filed),  # (dropped before it ran: done here)
                    lane=Lane.LABELING, keep_result=True)

    def _filed(self, filed: Filed) -> None:
        """One step is over (in the order asked): the page follows it, or shows its image again and says why not;
        after the last one, the work held back for the filing (state.filing) starts."""
        page = self.page
        ws = self._workspaces.pop(filed.ticket, None)
        self._images.pop(filed.ticket, None)
        page.model.leaving.difference_update(filed.taking)
        if not self._workspaces:
            page.state.moving_files = False
            self.busy_changed.emit()
        shown = ws is not None and ws is page.state.workspace and page.state.opening is None
        if filed.error:  # (said also when another folder was opened since: the user pressed that key)
            self._failed(filed, shown)
        elif not shown:
            pass  # (a step of a folder no longer shown: done, nothing of it to show)
        elif filed.step is not None:
            self._made(filed.step, None, bool(filed.taking))
        else:
            page.update_buttons()
        self._count()

    def _count(self) -> None:
        """The status bar's count: the images still to be filed, and the steps that name none."""
        counts = self._images.values()
        self.page.state.filing.set_count(sum(counts), sum(1 for n in counts if not n))

    def _failed(self, filed: Filed, shown: bool) -> None:
        """The step was rolled back: its images that still lie loose come back on screen (`shown`: their folder is
        the one on screen), and the user is told."""
        page = self.page
        if shown:
            page.model.restore([n for n in filed.taking if n in filed.still_loose])
            page.changed(None, page.model.as_shown())
        show_error(page, self.tr("Labeling"), filed.error, filed.details)

    def flush(self) -> bool:
        """Wait until every step asked for is carried out (the window is closing); False if the disk never
        answered (then logged: a step not begun was never journaled, and one cut short is finished when the folder
        is next opened)."""
        if self.queue.wait(QUIT_WAIT_S):
            return True
        logging.getLogger("desktop_cls").warning("labeling steps still waiting for the disk after %.0f s at quit",
                                                 QUIT_WAIT_S)
        return False
