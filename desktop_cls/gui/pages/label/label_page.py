"""Label page: sort unlabeled images into classes with the keyboard, organise classes, undo anything.

Unlabeled images are the images lying directly in the dataset folder ("Import images…" copies more
in; the originals are never touched). Every change goes through core.labeling, so it is journaled,
never overwrites and never deletes, and Ctrl+Z works even after a restart. What the page decides (the
queue, which suggestions apply and where they came from) is its model's (label_model).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QLayout, QVBoxLayout, QWidget

from desktop_cls.gui.pages.image_import import ImageImport
from desktop_cls.gui.pages.label.folder_reread import FolderReread
from desktop_cls.gui.pages.label.label_classes import ClassPanel
from desktop_cls.gui.pages.label.label_model import LabelModel
from desktop_cls.gui.pages.label.label_steps import LabelSteps
from desktop_cls.gui.pages.label.label_view import LabelView, keep_focus
from desktop_cls.gui.pages.label.suggestions import SuggestionPanel
from desktop_cls.gui.pages.label.trash_emptying import TrashEmptying
from desktop_cls.gui.pages.labeling_step import BackgroundStep, Listing
from desktop_cls.gui.pages.page import Page, PageAction
from desktop_cls.gui.state import AppState, Badge, PageKey
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.work.tasks import TaskRunner

NAV = ("backButton", "skipButton", "trashImageButton")


class LabelPage(Page):
    retrain_requested = Signal()  # the user wants a model trained on the labels as they are now
    left_changed = Signal()  # the images left to label changed (a key, its failure, an undo): the status bar follows

    def __init__(self, state: AppState, tasks: TaskRunner | None = None) -> None:
        super().__init__(state, tasks, "label")
        self._repairs_told: object = None  # the workspace whose repaired history was already reported
        self.model = LabelModel()
        self._badge = Badge.NONE  # the sidebar's badge for this step, as last said
        self._left = 0  # the images left to label, as last said
        self.reread = FolderReread(self)  # outside changes are read off the UI thread
        self.steps = LabelSteps(self, self.changed)  # key presses filed in order off the UI thread
        self.build()
        self.steps.busy_changed.connect(self.update_buttons)

    def page_actions(self) -> list[PageAction]:
        """Buttons of this page; the keys are bound while the page has the focus (the F1 list names them)."""
        return [PageAction("backAction", self.tr("← Back"), lambda: self.go_to(self.model.position - 1), "Left",
                           self.tr("Previous image"), button="backButton", in_menu=False),
                PageAction("skipAction", self.tr("Skip →"), lambda: self.go_to(self.model.position + 1), "Right",
                           self.tr("Next image"), button="skipButton", in_menu=False),
                PageAction("trashImageAction", self.tr("Trash"), lambda: self.trash_current(), "Delete",
                           self.tr("Move this image to the trash (undoable)"), button="trashImageButton",
                           in_menu=False),
                PageAction("undoLabelAction", self.tr("Undo"), lambda: self.undo(), button="undoButton", in_menu=False),
                PageAction("redoLabelAction", self.tr("Redo"), lambda: self.redo(), button="redoButton", in_menu=False),
                PageAction("suggestAction", self.tr("Suggest labels"), lambda: self.suggest_panel.suggest(),
                           tip=self.tr("Let the current model propose a class for every unlabeled image"),
                           button="suggestButton", in_menu=False),
                PageAction("acceptSuggestionsAction", self.tr("Accept suggestions above"),
                           lambda: self.suggest_panel.accept(), button="acceptSuggestionsButton", in_menu=False),
                PageAction("retrainAction", self.tr("Train"), lambda: self.retrain_requested.emit(),  # (name_training)
                           button="retrainButton", in_menu=False)]

    def build_controls(self) -> QLayout | None:
        b = self.buttons
        self.view = LabelView([b[n] for n in NAV], [b["undoButton"], b["redoButton"]])
        self.view.strip.clicked.connect(lambda idx: self.go_to(idx.row()))
        importer = ImageImport(self, self.step_ended, self._moving)  # (in the background)
        self.mover = BackgroundStep(self, lambda err, got: self.step_ended(err, got or self.model.as_shown()),
                                    lambda: self.step_ended(listing=self.model.as_shown()), self._moving)
        self.trash = TrashEmptying(self, self.mover.refused_while_busy, self._moving)  # (in the background)
        self.classes = ClassPanel(lambda: self.state.workspace, self.do, importer.start, self.trash.start,
                                  lambda: not self.steps.busy() and self.mover.refused_while_busy())  # (queued)
        self.suggest_panel = SuggestionPanel(self, b["suggestButton"], b["acceptSuggestionsButton"])
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        keys: list[tuple[str, Callable[[], object]]] = [(a.shortcut, a.slot) for a in self.page_actions()
                                                        if a.shortcut]
        accept = self.suggest_panel.accept_current
        for key, fn in [*keys, ("Return", accept), ("Enter", accept)]:
            sc = QShortcut(QKeySequence(key), self)  # only while the Label page has the focus; Ctrl+Z is the
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)  # Edit menu's (shell/labeling_undo)
            sc.activated.connect(fn)
        return None

    def build_body(self, top: QLayout | None) -> None:
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.classes, 1)
        rl.addWidget(self.suggest_panel)
        rl.addWidget(self.buttons["retrainButton"])
        empty_text = self.tr("No dataset yet — open a folder on the Data page. Images lying directly in the "
                             "dataset folder (not in a class sub-folder) are listed here for labeling.")
        self.set_body(empty_text, self.view, right, stretch=(3, 1), top=top)

    def connect_state(self) -> None:
        self.state.dataset_changed.connect(self._on_dataset)
        self.state.dataset_opening.connect(self._forget_shown)
        self.state.opening_ended.connect(lambda: self.reading_over(self.state.workspace is not None))
        self.state.run_changed.connect(lambda _run: self._on_run())
        self.state.core_ready.connect(self.suggest_panel.core_ready)  # the engine loads after a restored dataset

    # ---- state ---------------------------------------------------------------------------------
    def _forget_shown(self, folder: str) -> None:
        """Another folder is being read: nothing of the open one (its image, classes, suggestions, history) stays
        on screen, and no step acts on it (`do` refuses) until the new one is in."""
        self.model.clear()
        self.view.clear()
        self.update_buttons()
        self.show_reading(folder)

    def _on_run(self) -> None:
        """Suggestions of another model are not this one's: they go; Train says Retrain once one of this folder's."""
        self.view.name_training(self.buttons["retrainButton"], self.state.has_model_here())
        if self.model.stale(self.suggest_panel.source()):
            self.model.forget_suggestions()
            self.refresh()
        self.update_buttons()

    def _on_dataset(self, _index: object) -> None:
        """A folder just opened is listed as it opens; the open one read again is listed off the UI thread."""
        self.view.name_training(self.buttons["retrainButton"], self.state.has_model_here())
        if self.state.workspace is self._repairs_told:
            self.reread.dataset_read()
            return
        self._repairs_told = self.state.workspace
        self.classes.tell_repairs()
        self.refresh()

    def refresh(self, listing: tuple[list[str], list[str]] | None = None) -> None:
        """Show the folder as it is (its loose images and classes: `listing` when already read)."""
        ws = self.state.workspace
        if ws is None or self.state.opening is not None:  # (a listing of the folder that is going comes late)
            return
        self.show_content()
        if self.model.stale(self.suggest_panel.source()):
            self.model.forget_suggestions()
        m = self.model
        m.show(*(listing or (ws.unlabeled(), ws.classes())))
        self._fill_strip()
        self.view.set_classes(ws, m.classes, self, self.assign_current, self.classes.assign_files,
                              (self.tr("Put this image in '{0}' (key {1}; or drop images here)"),
                               self.tr("Put this image in '{0}' (or drop images here)")))
        self.classes.fill(m.classes, self.state.dataset)
        self.show_current()
        self.update_buttons()

    def _fill_strip(self) -> None:
        if (ws := self.state.workspace) is not None:
            folder = f"{ws.root}{os.sep}"  # not Path: 20,000 Path joins took 0.7 s
            self.view.strip_model.set_items([(folder + n, self.model.caption(n)) for n in self.model.queue])

    def update_buttons(self) -> None:
        ws = self.state.workspace if self.state.opening is None else None  # (another folder is being read)
        badge = Badge.NONE if ws is None else Badge.ATTENTION if self.model.queue else Badge.DONE
        if badge != self._badge:  # the sidebar's "! Label" while loose images wait; redrawn only when it changes
            self._badge = badge
            self.state.set_status(PageKey.LABEL, badge)
        if len(self.model.queue) != self._left:  # (at each key, not only once the folder is read again)
            self._left = len(self.model.queue)
            self.left_changed.emit()
        self.view.show_history(ws, self.steps.busy())
        self.suggest_panel.update_buttons()

    def show_current(self) -> None:
        m, name, ws = self.model, self.model.current(), self.state.workspace
        self.view.set_labeling(name is not None and ws is not None)  # nothing left: what cannot act is greyed
        if name is None or ws is None:
            return
        s = m.suggestion(name)  # (kept its place when the suggestions came: so that no key labels another)
        self.view.show_labeling(ws.root, name, (m.position, len(m.queue)), (s[0], m.sure(name)) if s else None,
                                bool(s) and m.out_of_order())

    # ---- labeling ------------------------------------------------------------------------------
    def go_to(self, row: int) -> None:
        out_of_order = self.model.out_of_order()  # the image left goes to its place in the order
        if self.model.go_to(row):
            if out_of_order:
                self._fill_strip()
            self.show_current()

    def do(self, fn: Any, *args: Any, large: bool = False, images: int = 0) -> None:
        """Apply a labeling step: queued behind those asked for before and carried out off the UI thread, in order
        (label_steps; `images`: how many it files, for the status bar); a large one (thousands of files) with none
        queued moves behind the status line, with progress and Cancel."""
        if not self.steps.allowed():
            return
        if large and not self.steps.busy() and self.mover.can_run():
            self.mover.start(fn, *args)
            return
        self.steps.put(self.state.workspace, functools.partial(fn, *args), images=images)

    def step_ended(self, error: str = "", listing: Listing | None = None) -> None:
        """A step that ran in the background (a large move, an import) is over: say why it failed, show the folder."""
        self.model.moving = self.state.moving_files = False
        if error:
            show_error(self, self.tr("Labeling"), error)
        self.changed(listing=listing)

    def changed(self, step: Any = None, listing: Listing | None = None, shown: bool = False) -> None:
        """After a step: the page follows what it moved (reread.follow: no folder is listed for a step of its own;
        `shown`: it took the image on screen, already gone), the dataset is read again a moment later, and live
        suggestions are made afresh once no step waits."""
        self.reread.follow(step, listing, shown)
        self.reread.timer.start()
        if self.suggest_panel.live_check.isChecked() and not self.steps.busy():
            self.suggest_panel.suggest()  # a new head on cached features: labelling with a model becomes live

    def _moving(self) -> None:
        """A step runs on a worker thread: no other starts, no suggestions while the folder changes under them."""
        self.model.moving = self.state.moving_files = True
        self.suggest_panel.update_buttons()

    def keep_focus_on_image(self) -> None:
        keep_focus(self)

    def assign_current(self, class_name: str) -> None:
        """The image on screen into the class: the next is shown at once, the file moves in the background."""
        self.steps.take_shown(lambda ws, name: ws.assign([name], class_name))

    def trash_current(self) -> None:
        self.steps.take_shown(lambda ws, name: ws.trash([name]))

    def undo(self) -> None:
        self.reread.revisit(undo=True)  # (the image it puts back is shown)

    def redo(self) -> None:
        self.reread.revisit(undo=False)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.setFocus()  # number keys work at once, without clicking into the page first

    def sizeHint(self) -> QSize:
        return QSize(800, 600)

    def shutdown(self) -> None:
        self.state.filing.forget_held()  # (closing: no training or opening starts once the keys are filed...)
        self.steps.flush()  # (...but what the user filed is filed)
        self.view.shutdown()
