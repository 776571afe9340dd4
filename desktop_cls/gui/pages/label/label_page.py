"""Label page: sort unlabeled images into classes with the keyboard, organise classes, undo anything.

Unlabeled images are the images lying directly in the dataset folder ("Import images…" copies more
in; the originals are never touched). Every change goes through core.labeling, so it is journaled,
never overwrites and never deletes, and Ctrl+Z works even after a restart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.gui.pages.label.label_classes import ClassPanel
from desktop_cls.gui.pages.label.label_keys import class_keys, key_of
from desktop_cls.gui.pages.label.suggestions import SuggestionPanel, Suggestions, suggestion_work
from desktop_cls.gui.pages.page import Page
from desktop_cls.gui.state import AppState
from desktop_cls.gui.widgets.common import ClassDropButton, ScaledImageLabel
from desktop_cls.gui.widgets.common import button as _button
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.widgets.image_viewer import open_viewer
from desktop_cls.gui.widgets.thumbnails import ThumbnailModel
from desktop_cls.gui.work.tasks import Task, TaskRunner, user_message

RESCAN_DELAY_MS = 1500

class LabelPage(Page):
    retrain_requested = Signal()  # the user wants a model trained on the labels as they are now

    def __init__(self, state: AppState, tasks: TaskRunner | None = None) -> None:
        super().__init__(state, tasks, "label")
        self.workspace: Any = None
        self.queue: list[str] = []  # unlabeled file names, in labeling order
        self.position = 0
        self.keys: dict[str, str] = {}  # key -> class name, see label_keys
        self.key_shortcuts: list[QShortcut] = []
        self._suggest_task: Task | None = None
        self.rescan_timer = QTimer(self)
        self.rescan_timer.setSingleShot(True)
        self.rescan_timer.setInterval(RESCAN_DELAY_MS)
        self.rescan_timer.timeout.connect(self._rescan)

        self.preview = ScaledImageLabel()
        self.preview.setObjectName("labelPreview")
        # small enough that the window fits a 1024x640 screen with ten class buttons below it
        self.preview.setMinimumSize(self.fontMetrics().height() * 8, self.fontMetrics().height() * 8)
        self.caption = QLabel()
        self.caption.setObjectName("labelCaption")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.suggestion = QLabel()
        self.suggestion.setObjectName("labelSuggestion")
        self.suggestion.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.strip_model = ThumbnailModel(side=64)
        self.strip = QListView()
        self.strip.setObjectName("labelStrip")
        self.strip_model.configure_view(self.strip)
        self.strip.setFlow(QListView.Flow.LeftToRight)
        self.strip.setWrapping(False)
        self.strip.setFixedHeight(64 + self.fontMetrics().height() * 3)
        self.strip.clicked.connect(lambda idx: self.go_to(idx.row()))
        self.strip.activated.connect(lambda idx: open_viewer(self, self.strip_model.items, idx.row()))
        self.preview.double_clicked.connect(
            lambda: open_viewer(self, self.strip_model.items, self.strip.currentIndex().row()))

        self.class_buttons = QGridLayout()
        self.classes = ClassPanel(lambda: self.workspace, self._do, self._imported)
        self.undo_button = _button(self.tr("Undo"), "undoButton", "Ctrl+Z")
        self.undo_button.clicked.connect(self.undo)
        self.redo_button = _button(self.tr("Redo"), "redoButton", "Ctrl+Shift+Z")
        self.redo_button.clicked.connect(self.redo)
        skip = _button(self.tr("Skip →"), "skipButton", self.tr("Next image (Right arrow)"))
        skip.clicked.connect(lambda: self.go_to(self.position + 1))
        back = _button(self.tr("← Back"), "backButton", self.tr("Previous image (Left arrow)"))
        back.clicked.connect(lambda: self.go_to(self.position - 1))
        trash = _button(self.tr("Trash"), "trashImageButton",
                        self.tr("Move this image to the trash (Delete; undoable)"))
        trash.clicked.connect(self.trash_current)
        self.suggest_panel = SuggestionPanel(state)
        self.suggest_panel.suggest_button.clicked.connect(self.suggest)
        self.suggest_panel.accept_button.clicked.connect(self.accept_suggestions)
        self.suggest_panel.live_check.toggled.connect(lambda on: self.suggest() if on else None)
        self.retrain_button = _button(self.tr("Retrain"), "retrainButton", self.tr("Train again on the labeled images"))
        self.retrain_button.clicked.connect(lambda: self.retrain_requested.emit())

        nav = QHBoxLayout()
        nav.addWidget(back)
        nav.addWidget(skip)
        nav.addWidget(trash)
        nav.addStretch(1)
        nav.addWidget(self.undo_button)
        nav.addWidget(self.redo_button)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.addWidget(self.caption)
        ll.addWidget(self.preview, 1)
        ll.addWidget(self.suggestion)
        ll.addLayout(self.class_buttons)
        ll.addLayout(nav)
        ll.addWidget(self.strip)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.classes, 1)
        rl.addWidget(self.suggest_panel)
        rl.addWidget(self.retrain_button)
        empty_text = self.tr("No dataset yet — open a folder on the Data page. Images lying directly in the "
                             "dataset folder (not in a class sub-folder) are listed here for labeling.")
        self.set_body(empty_text, left, right, stretch=(3, 1))

        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        here = Qt.ShortcutContext.WidgetWithChildrenShortcut  # only while the Label page has the focus
        # Undo and redo are the window's Edit menu actions (gui/labeling_undo): a second shortcut on
        # Ctrl+Z here would be ambiguous and fire neither. The F1 list declares these keys (shortcut_list).
        for key, fn in ((QKeySequence(Qt.Key.Key_Right), self._next),
                        (QKeySequence(Qt.Key.Key_Left), self._previous),
                        (QKeySequence(Qt.Key.Key_Delete), self.trash_current),
                        (QKeySequence(Qt.Key.Key_Return), self.accept_current_suggestion),
                        (QKeySequence(Qt.Key.Key_Enter), self.accept_current_suggestion)):
            sc = QShortcut(key, self)
            sc.setContext(here)
            sc.activated.connect(fn)
        state.dataset_changed.connect(self._on_dataset)
        state.dataset_opening.connect(lambda _folder: self._forget_shown())
        state.run_changed.connect(self._on_run)

    # ---- state ---------------------------------------------------------------------------------
    def _forget_shown(self) -> None:
        """Another folder is being read: nothing of the open one (its image, its suggestions) stays on screen."""
        self.queue = []
        self.suggest_panel.forget()
        self.preview.clear_image()
        self.caption.setText("")
        self.suggestion.setText("")
        self.strip_model.set_items([])
        self._update_buttons()

    def _on_run(self, run: str) -> None:
        """Suggestions of another model are not this one's: they go."""
        if self.suggest_panel.of_another_run(run):
            self.suggest_panel.forget()
            self.refresh()
        self._update_buttons()

    def _on_dataset(self, index: Any) -> None:
        if self.state.workspace is not self.workspace:
            self.workspace = self.state.workspace
            ws = self.workspace
            if ws is not None and ws.recovered:
                QMessageBox.information(self, self.tr("Labeling recovered"),
                                        self.tr("The last labeling step was cut short (the app closed); it has "
                                                "been finished, and you can undo it with Ctrl+Z."))
            if ws is not None and ws.notices:
                QMessageBox.information(self, self.tr("Labeling history repaired"), "\n\n".join(ws.notices))
        self.refresh()

    def refresh(self) -> None:
        ws = self.workspace
        if ws is None:
            return
        self.show_content()
        self.queue = ws.unlabeled()
        if self.suggest_panel.suggestions:
            self.queue.sort(key=lambda n: self.suggest_panel.suggestions.get(n, ("", 0.0))[1])  # least confident first
        self.position = min(self.position, max(len(self.queue) - 1, 0))
        self.strip_model.set_items([(str(ws.root / n), self._caption(n)) for n in self.queue])
        classes = ws.classes()
        while self.class_buttons.count():
            item = self.class_buttons.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        self._bind_class_keys(classes)
        names_keys = key_of(self.keys)
        for i, name in enumerate(classes[:18]):
            key = names_keys.get(name)
            text = name if key is None or key == name.lower() else f"{key}  {name}"
            tip = (self.tr("Put this image in '{0}' (key {1}; or drop images here)").format(name, key.upper())
                   if key else self.tr("Put this image in '{0}' (or drop images here)").format(name))
            b = ClassDropButton(text, name, f"classButton{i}", tip)
            b.clicked.connect(lambda _=False, n=name: self.assign_current(n))
            b.files_dropped.connect(self.assign_files)
            self.class_buttons.addWidget(b, i // 3, i % 3)
        self.classes.fill(classes, self.state.dataset.counts() if self.state.dataset is not None else {})
        self._show_current()
        self._update_buttons()

    def _bind_class_keys(self, classes: list[str]) -> None:
        """One shortcut per class key; rebuilt only when the classes change."""
        keys = class_keys(classes)
        if keys == self.keys and self.key_shortcuts:
            return
        for sc in self.key_shortcuts:
            sc.setEnabled(False)
            sc.deleteLater()
        self.keys = keys
        self.key_shortcuts = []
        for key, name in keys.items():
            sc = QShortcut(QKeySequence(key.upper() if key.isalpha() else key), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(lambda n=name: self.assign_current(n))
            self.key_shortcuts.append(sc)

    def _caption(self, name: str) -> str:
        s = self.suggest_panel.suggestions.get(name)
        return f"{s[0]} {s[1]:.0%}" if s else name

    def _update_buttons(self) -> None:
        ws = self.workspace
        self.undo_button.setEnabled(bool(ws and ws.can_undo()))
        self.redo_button.setEnabled(bool(ws and ws.can_redo()))
        if ws is not None:
            self.undo_button.setToolTip(self.tr("Undo {0} (Ctrl+Z)").format(ws.describe_undo()) if ws.can_undo()
                                        else self.tr("Nothing to undo"))
            self.redo_button.setToolTip(self.tr("Redo {0} (Ctrl+Shift+Z)").format(ws.describe_redo())
                                        if ws.can_redo() else "")
        self.suggest_panel.update_buttons(bool(self.queue))

    def _show_current(self) -> None:
        if not self.queue:
            self.preview.clear_image()
            self.caption.setText(self.tr("All images are labeled. Import more with “Import images…”, or retrain."))
            self.suggestion.setText("")
            return
        name = self.queue[self.position]
        path = self.workspace.root / name
        self.caption.setText(self.tr("{0}  ({1} of {2} unlabeled)").format(name, self.position + 1, len(self.queue)))
        self.preview.set_image(QPixmap(str(path)))
        s = self.suggest_panel.suggestions.get(name)
        self.suggestion.setText(self.tr("Suggested: <b>{0}</b> ({1:.0%} sure) — Enter accepts it")
                                .format(s[0], s[1]) if s else "")
        self.strip.setCurrentIndex(self.strip_model.index(self.position))

    def current(self) -> str | None:
        return self.queue[self.position] if 0 <= self.position < len(self.queue) else None

    # ---- actions -------------------------------------------------------------------------------
    def go_to(self, row: int) -> None:
        if self.queue:
            self.position = max(0, min(row, len(self.queue) - 1))
            self._show_current()

    def _next(self) -> None:
        self.go_to(self.position + 1)

    def _previous(self) -> None:
        self.go_to(self.position - 1)

    def _do(self, fn: Any, *args: Any) -> None:
        try:
            fn(*args)
        except Exception as e:  # a user error or a read-only/full disk is said plainly; a bug goes up
            message = user_message(e)
            if message is None:
                raise
            show_error(self, self.tr("Labeling"), message)
        self.refresh()
        self.rescan_timer.start()
        if self.suggest_panel.live_check.isChecked():
            self.suggest()  # a new head on cached features: labelling with a model becomes live

    def accept_current_suggestion(self) -> None:
        """Enter files the current image into its suggested class; one not offered here is said, not made."""
        name = self.current()
        s = self.suggest_panel.suggestions.get(name) if name is not None else None
        if s is not None and self.workspace is not None and s[0] in self.workspace.classes():
            self.assign_current(s[0])
        elif s is not None:
            self.suggestion.setText(self.tr("The suggested class '{0}' is not one of this dataset's classes; "
                                            "press a class key instead.").format(s[0]))

    def _keep_focus_on_image(self) -> None:
        """Class keys must label, never type into a field: take the focus back unless the user put it
        somewhere outside this page meanwhile."""
        focus = QApplication.focusWidget()
        if self.isVisible() and (focus is None or focus is self or self.isAncestorOf(focus)):
            self.setFocus()

    def assign_current(self, class_name: str) -> None:
        name = self.current()
        if name is not None:
            self._do(self.workspace.assign, [name], class_name)

    def assign_files(self, class_name: str, paths: list[str]) -> None:
        """Images dropped on a class button, from the strip, another page's grid or the file manager."""
        if self.workspace is None:
            return
        inside = [p for p in paths if Path(p).resolve().is_relative_to(self.workspace.root)]
        if len(inside) < len(paths):
            show_error(self, self.tr("Only images inside the dataset can be moved"),
                       self.tr("Use “Import images…” to copy images from elsewhere into the dataset first."))
        if inside:
            self._do(self.workspace.assign, inside, class_name)

    def trash_current(self) -> None:
        name = self.current()
        if name is not None:
            self._do(self.workspace.trash, [name])

    def undo(self) -> None:
        if self.workspace is not None and self.workspace.can_undo():
            self._do(self.workspace.undo)

    def redo(self) -> None:
        if self.workspace is not None and self.workspace.can_redo():
            self._do(self.workspace.redo)

    def _imported(self) -> None:
        self.refresh()
        self.rescan_timer.start()

    def suggest(self) -> None:
        panel = self.suggest_panel
        live = panel.live_check.isChecked()
        if not ((self.state.run or live) and self.queue and self.tasks is not None and self.state.core_loaded):
            return
        if panel.refusal() is not None:
            return  # the button says why
        model = None if live else self.state.run
        work = suggestion_work(model, self.workspace.root, list(self.queue))

        # disabling the focused button would hand the focus to the next field (the threshold box),
        # where the next class key would type a threshold instead of labeling
        self._keep_focus_on_image()
        panel.suggest_button.setEnabled(False)
        if self._suggest_task is not None and self._suggest_task.is_running():
            self._suggest_task.cancel()  # a newer labelling state replaces it
        # not on the status line: live suggestions follow every key press, and a line that comes and goes
        # would make the page jump; the window's status bar shows their progress
        self._suggest_task = self.run_task("suggestions", work, lambda result: self._suggested(result, model),
                                           on_error=self._suggest_failed)

    def _suggest_failed(self, message: str, details: str) -> None:
        show_error(self, self.tr("Suggestions failed"), message, details)
        self._update_buttons()
        self._keep_focus_on_image()

    def _suggested(self, result: Suggestions, model: str | None) -> None:
        self.suggest_panel.suggestions, self.suggest_panel.suggested_by = result, model
        self.position = 0
        self.refresh()
        self._keep_focus_on_image()

    def accept_suggestions(self) -> None:
        """Preview how many images would move to each class, then move them (one undo step per class)."""
        limit = self.suggest_panel.accept_spin.value() / 100
        plan = self.suggest_panel.plan(self.queue)
        if not plan:
            QMessageBox.information(self, self.tr("Nothing to accept"),
                                    self.tr("No suggestion is at least {0:.0%} sure.").format(limit))
            return
        line = self.tr("  {0}: {1} image(s)")
        lines = "\n".join(line.format(cls, len(v)) for cls, v in sorted(plan.items()))
        answer = QMessageBox.question(self, self.tr("Accept suggestions?"),
                                      self.tr("Move {0} image(s):\n{1}\n\nEach class can be undone with Ctrl+Z.")
                                      .format(sum(map(len, plan.values())), lines))
        if answer == QMessageBox.StandardButton.Yes:
            for cls, names in plan.items():
                self._do(self.workspace.assign, names, cls)
        self._keep_focus_on_image()

    def _rescan(self) -> None:
        """Have the dataset read again a moment after the last change (not on every key press)."""
        if self.workspace is not None:
            self.state.files_changed.emit(str(self.workspace.root))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.setFocus()  # number keys work at once, without clicking into the page first

    def sizeHint(self) -> QSize:
        return QSize(800, 600)

    def shutdown(self) -> None:
        self.strip_model.shutdown()
