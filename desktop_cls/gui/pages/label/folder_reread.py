"""The Label page's view of the dataset folder, kept up to date without listing the folder on the UI thread.

The page's own steps tell it what moved (each is journaled: a key press takes one image out of the queue), so a
key press costs the same beside 20 loose images as beside 20,000. A class step (new, renamed, merged, deleted
class, or its undo) moves no loose image, and the engine's FolderShape follows its class folders; where it
cannot tell (the layout itself may have changed) the folder is listed on a worker thread, and the classes shown
meanwhile are the step's own (its folder moves say which class came, went or changed its name). Changes made outside
the app are found by reading the folder again on a worker thread a moment after the dataset was read again; that
listing replaces the page's only when no step was made since it began (a step made meanwhile is newer than what
it saw).
"""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QObject, QTimer

from desktop_cls.core.data.labeling_journal import Operation
from desktop_cls.core.data.labeling_state import TRASH, class_step
from desktop_cls.gui.pages.label.label_model import LabelModel
from desktop_cls.gui.pages.labeling_step import is_large

Listing = tuple[list[str], list[str]]  # the folder's loose images and classes

RESCAN_DELAY_MS = 1500
REVISITS = ("undo", "redo")  # steps that show where they acted: the user looks for what they changed


def _class_of(path: str | None, classes: set[str]) -> str | None:
    """The class whose folder holds `path` (`cat/x.png`, `train/cat/x.png`); None for a loose image or the trash."""
    parts = path.split("/") if path is not None else []
    return parts[-2] if 2 <= len(parts) <= 3 and not parts[0].startswith(".") and parts[-2] in classes else None


def _moved(step: Operation, classes: set[str]) -> dict[str, int]:
    """How many images the step moved into (+) or out of (-) each class's folder: a label, its undo, its redo."""
    moved: dict[str, int] = {}
    for m in step.moves:
        src, dst = _class_of(m.src, classes), _class_of(m.dst, classes)
        if src != dst:
            for name, n in ((src, -1), (dst, 1)):
                if name is not None:
                    moved[name] = moved.get(name, 0) + n
    return moved


def _class_depth(step: Operation) -> int:
    """How deep the step's class folders lie: 1 (`cat`), or 2 with split folders (`train/cat`, `val/cat`). Every
    class step moves at least one class folder, and any image it moves lies deeper, so the shallowest place it names
    outside the trash is a class folder's (the step says it, not a listing of the folder)."""
    return min((len(p.split("/")) for m in step.moves for p in (m.src, m.dst)
                if p is not None and not p.startswith(".")), default=1)


def _folder_key(path: str, depth: int) -> str | None:
    """What a class folder the step moved is counted under: its class (`cat`, `train/cat`: a class's folder in
    train/ names it, its folders in val/ and test/ follow), or where the trash keeps it (`.desktop_cls/trash/7/cat`
    -> `trash:7:cat`, the same for every split); None for anything else (an image, another split's folder)."""
    parts = path.split("/")
    if parts[0].startswith("."):
        return f"trash:{parts[2]}:{parts[-1]}" if len(parts) >= 4 and parts[1] == TRASH else None
    return parts[-1] if len(parts) == depth and (depth == 1 or parts[0].lower() == "train") else None


def _carried(step: Operation) -> list[tuple[str | None, str | None]]:
    """The class folders the step made (None, to), removed (from, None) or moved whole (renamed, deleted, brought
    back from the trash): (from, to) keys, a new name too (nothing is listed for it)."""
    depth = _class_depth(step)
    pairs: list[tuple[str | None, str | None]] = []
    for m in step.moves:
        src = _folder_key(m.src, depth) if m.src is not None else None
        dst = _folder_key(m.dst, depth) if m.dst is not None else None
        if src != dst and (src, dst) not in pairs:
            pairs.append((src, dst))
    return pairs


def classes_after(step: Operation, classes: list[str]) -> list[str]:
    """The classes once a class step's folder moves are made: a new class comes, a renamed one changes its name, a
    deleted one goes, and an undo or redo of each does the same backwards. A listing made before the step (the
    engine could not follow it) is then right at once, not when the folder is listed again."""
    names = set(classes)
    for src, dst in _carried(step):
        if src is not None and not src.startswith("trash:"):
            names.discard(src)
        if dst is not None and not dst.startswith("trash:"):
            names.add(dst)
    return sorted(names)  # (the folder's order, as listed)


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
        self._asked: tuple[Any, int] | None = None  # (workspace, its next step's id) when a read was last asked

    def _rescan(self) -> None:
        """Have the dataset read again a moment after the last change (not on every key press)."""
        ws = self.page.state.workspace
        self._asked = (ws, ws.next_id) if ws is not None else None
        self.page.state.reread_dataset()

    def _missed_a_step(self) -> bool:
        """Whether a step was made after the read just landed was asked for: that read may have listed a class
        folder before the step's images came (or after they left), so its counts are not newer than the page's;
        the step asked for another read, whose counts will be."""
        ws = self.page.state.workspace
        return self._asked is not None and self._asked[0] is ws and ws is not None and ws.next_id != self._asked[1]

    def follow(self, step: Any, listing: Listing | None, shown: bool = False) -> None:
        """After a step: images only taken away leave the queue and the strip (`shown`: the page took them off when
        the key was pressed); images only brought back (an undo) join the queue, the first shown; a class step
        leaves the queue and takes the engine's classes; otherwise the folder is read again (`listing` when it was
        already, on a worker thread)."""
        page, ws = self.page, self.page.state.workspace
        ops = ws.ops if ws is not None else {}
        moved = LabelModel.changes(step, ops)
        if moved is not None and moved[1] and step.kind in REVISITS:
            page.model.wanted = moved[1]  # (a queued undo learns what it brings back only once it is done)
        if ws is not None and listing is None and isinstance(step, Operation) and class_step(step, ops):
            listing = self._after_class_step(ws, step)
            names = set(page.model.classes) | set(listing[1])  # (before and after the step)
            page.classes.add(_moved(step, names))  # a class's images go with it when renamed, deleted, brought back
            for src, dst in _carried(step):
                if src is not None and dst is not None:  # (a renamed class keeps its key; a deleted one frees it)
                    page.classes.carry(src, dst)
                    page.view.key_memory.carry(ws.root, src, dst)
        if moved is None or ws is None:
            page.refresh(listing)
        elif moved[1]:  # (an undo brought images back: the counts of the classes they left go down now)
            page.refresh(page.model.listing(*moved))
            page.classes.add(_moved(step, set(page.model.classes)))
        elif shown:  # (the key's image left the list when it was pressed: only the counts follow now)
            page.classes.add(_moved(step, set(page.model.classes)))
            page.update_buttons()
        else:
            gone = moved[0]
            near = page.model.position  # the image labeled was on screen: its row is here, or next to it
            page.model.drop(gone, to_step=step.kind in REVISITS)  # (first: the summary counts the images left too)
            page.classes.add(_moved(step, set(page.model.classes)))
            page.view.strip_model.remove_paths({f"{ws.root}{os.sep}{n}" for n in gone}, near)
            page.show_current()
            page.update_buttons()

    def revisit(self, undo: bool) -> None:
        """Undo or redo the open dataset's last step (a large one in the background). The images it brings back to
        the queue are shown once it is over, however it ran: the user looks for what was put back, and the next key
        must label it, not the image that followed it. Asked for while steps wait, it is queued behind them and
        acts on the last of them (nothing to undo then: nothing happens, as when nothing is queued)."""
        page, ws = self.page, self.page.state.workspace
        if ws is not None and page.steps.busy() and page.steps.allowed():
            can, act = (ws.can_undo, ws.undo) if undo else (ws.can_redo, ws.redo)
            page.steps.put(ws, lambda: act() if can() else None)
            return
        op = None if ws is None else ws.undo_target() if undo else ws.redo_target()
        if ws is not None and op is not None:
            page.model.wanted = LabelModel.brought_back(op, undo)
            page.do(ws.undo if undo else ws.redo, large=is_large(len(op.moves)))

    def _after_class_step(self, ws: Any, step: Operation) -> Listing:
        """The loose images as shown and the classes as the engine's shape followed the step; when it could not
        (the layout may have changed) the folder is listed on a worker thread, and meanwhile the classes shown
        follow the step's own folder moves (the list and the status bar said the old names until then)."""
        classes = ws.shape.kept()
        if classes is None:
            self.start()
            return list(self.page.model.queue), classes_after(step, self.page.model.classes)
        return list(self.page.model.queue), classes

    def dataset_read(self) -> None:
        """The open dataset was read again: the page keeps the queue its steps left (the class counts are new)
        and the folder is listed off the UI thread."""
        page = self.page
        if page.model.stale(page.suggest_panel.source()):  # (suggestions of another model go)
            page.refresh((page.model.queue, page.model.classes))
        else:
            page.classes.fill(page.model.classes, page.classes.scanned if self._missed_a_step() else page.state.dataset)
            page.update_buttons()
        self.start()

    def start(self) -> None:
        """List the folder on a worker thread; show what it found when no step came meanwhile and it differs."""
        page, ws = self.page, self.page.state.workspace
        if ws is None or page.tasks is None:
            return
        started = (ws.next_id, page.steps.queue.tickets)  # a step made or asked for after this is newer than it

        def done(listing: tuple[list[str], list[str]]) -> None:
            if (ws is page.state.workspace and (ws.next_id, page.steps.queue.tickets) == started
                    and not page.model.moving and not page.steps.busy() and not page.model.holds(*listing)):
                page.refresh(listing)

        page.run_task("labelListing", lambda progress, cancel: ws.reread(), done, on_error=lambda _m, _d: None)
