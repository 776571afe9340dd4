"""Edit → Undo / Redo for the dataset's labeling journal, named after the step they would reverse.

The actions follow the open dataset's Workspace through its listeners, so a step made on any page
(Label, Data, Evaluate, the webcam) shows at once as "Undo move of 3 images to 'cat'". They use the
platform's standard keys; a text field with the focus keeps Ctrl+Z for its own text (gui/shortcuts).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction, QKeySequence

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.state import AppState


def _quoted(name: str) -> str:
    return name.replace("&", "&&")  # a class name's "&" is no mnemonic


def _class_of_file(path: str) -> str:
    """The class an image is in: its folder's name, also under split folders (test/cat/a.png is 'cat'); isolated
    (core.i18n.isolated), as it goes into a sentence."""
    return isolated(path.rsplit("/", 2)[-2]) if "/" in path else ""


def _class_of_folder(path: str) -> str:
    """A class folder's name without its split: train/cat is 'cat'; isolated, as it goes into a sentence."""
    return isolated(path.rsplit("/", 1)[-1])


def describe_step(op: Any) -> str:
    """What an operation did, in words a menu can put after "Undo" (the engine's wording of its facts otherwise)."""
    translate = QCoreApplication.translate
    moves = list(op.moves)
    files = [m for m in moves if m.src is not None and m.dst is not None]
    n = len(files)
    if op.kind == "assign":
        name = _class_of_file(files[0].dst) if files else _class_of_folder(moves[0].dst or "")
        classes = len({_class_of_file(m.dst) for m in files if m.dst is not None})
        if classes > 1:  # accepted suggestions: one step into several classes
            return translate("LabelingUndo", "move of {n} images to {classes} classes").format(n=n, classes=classes)
        if n == 1:
            return translate("LabelingUndo", "move of 1 image to '{name}'").format(name=name)
        return translate("LabelingUndo", "move of {n} images to '{name}'").format(n=n, name=name)
    if op.kind == "import":
        return _describe_import(files)
    if op.kind == "trash":
        if n == 1:
            return translate("LabelingUndo", "move of 1 image to the trash")
        return translate("LabelingUndo", "move of {n} images to the trash").format(n=n)
    if op.kind == "create_class" and moves and moves[0].dst:
        return translate("LabelingUndo", "new class '{name}'").format(name=_class_of_folder(moves[0].dst))
    if op.kind == "rename_class" and files:
        return translate("LabelingUndo", "renaming of '{old}' to '{new}'").format(
            old=_class_of_folder(files[0].src), new=_class_of_folder(files[0].dst))
    if op.kind == "merge_classes" and n > 1:
        return translate("LabelingUndo", "merge of '{source}' into '{target}'").format(
            source=_class_of_folder(files[-1].src), target=_class_of_file(files[0].dst))
    if op.kind == "delete_class" and files:
        return translate("LabelingUndo", "deletion of class '{name}'").format(name=_class_of_folder(files[0].src))
    return str(op.words())  # the engine's words, in the core's (the same) language; an old record's own text


def _describe_import(files: list[Any]) -> str:
    """Images copied in: undoing it puts the copies into the dataset's trash."""
    translate = QCoreApplication.translate
    n, into = len(files), {_class_of_file(m.dst) for m in files if "/" in m.dst}
    if len(into) == 1:
        name = next(iter(into))
        if n == 1:
            return translate("LabelingUndo", "import of 1 image into '{name}'").format(name=name)
        return translate("LabelingUndo", "import of {n} images into '{name}'").format(n=n, name=name)
    if n == 1:
        return translate("LabelingUndo", "import of 1 image")
    return translate("LabelingUndo", "import of {n} images").format(n=n)


def redo_keys() -> list[QKeySequence]:
    """The platform's Redo keys, plus Ctrl+Y where they lack it (Linux desktops): the Label page had it."""
    keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
    extra = QKeySequence("Ctrl+Y")
    if sys.platform != "darwin" and all(k != extra for k in keys):
        keys.append(extra)
    return keys


class LabelingUndo(QObject):
    """The two actions and what keeps them true; `undo`/`redo` are the page's own steps (refresh, rescan)."""

    _history_changed = Signal()  # from the Workspace's listener; queued when a worker thread made the step

    def __init__(self, state: AppState, undo: Callable[[], None], redo: Callable[[], None],
                 parent: QObject, pending: Callable[[], bool] = lambda: False) -> None:
        """pending() says when labeling steps wait to be carried out: Undo and Redo are then queued behind them."""
        super().__init__(parent)
        self.state = state
        self._pending = pending
        self._workspace: Any = None
        self.undo_action = QAction(self.tr("&Undo"), parent)
        self.undo_action.setObjectName("undoAction")
        self.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
        self.undo_action.triggered.connect(undo)
        self.redo_action = QAction(self.tr("&Redo"), parent)
        self.redo_action.setObjectName("redoAction")
        self.redo_action.setShortcuts(redo_keys())
        self.redo_action.triggered.connect(redo)
        self._listener = self._history_changed.emit
        self._history_changed.connect(self.update)
        state.dataset_changed.connect(lambda _index: self._follow())
        state.dataset_opening.connect(lambda _folder: self.update())  # nothing of the folder that is going
        state.opening_ended.connect(self.update)
        self._follow()

    def _follow(self) -> None:
        """Listen to the open dataset's workspace (a new one when another folder was opened)."""
        ws = self.state.workspace
        if ws is not self._workspace:
            if self._workspace is not None and self._listener in self._workspace.listeners:
                self._workspace.listeners.remove(self._listener)
            self._workspace = ws
            if ws is not None:
                ws.listeners.append(self._listener)
        self.update()

    def update(self) -> None:
        """Name the steps of the open dataset's journal; none while another folder is read (a Ctrl+Z then must
        not change the folder the user is leaving)."""
        ws = self._workspace if self.state.opening is None else None
        undo = ws.undo_target() if ws is not None else None
        redo = ws.redo_target() if ws is not None else None
        pending = ws is not None and self._pending()
        self.undo_action.setEnabled(undo is not None or pending)
        self.redo_action.setEnabled(redo is not None or pending)
        self.undo_action.setText(self.tr("&Undo {step}").format(step=_quoted(describe_step(undo))) if undo
                                 else self.tr("&Undo"))
        self.redo_action.setText(self.tr("&Redo {step}").format(step=_quoted(describe_step(redo))) if redo
                                 else self.tr("&Redo"))
