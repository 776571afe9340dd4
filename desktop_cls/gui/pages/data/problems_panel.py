"""The Data page's Problems tab: what the scan found, the evidence side by side, and the one-click fixes.

Every fix goes through the dataset's workspace (journaled, undoable) and then announces the changed folder
on AppState.files_changed, so the Data page reads it again; no page reaches into another.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QPoint, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.core.data.leak_words import LABELLED, worded_for_run
from desktop_cls.core.data.problems import problem_name
from desktop_cls.core.i18n import isolated
from desktop_cls.gui.pages.data.data_model import CheckStatus, DataPageModel
from desktop_cls.gui.pages.data.problem_preview import ProblemPreview, confirm_many
from desktop_cls.gui.state import AppState
from desktop_cls.gui.widgets.common import button as _button
from desktop_cls.gui.widgets.common import read_only_table
from desktop_cls.gui.widgets.dialogs import ask_item
from desktop_cls.gui.widgets.image_viewer import MappedItems, open_viewer, reveal_available, reveal_in_folder
from desktop_cls.gui.widgets.literal_text import literal, plain_label
from desktop_cls.gui.widgets.wrapped_column import RowsInSight, WrappingDelegate

SPLIT_NAMES = {"train": QT_TRANSLATE_NOOP("ProblemsPanel", "training"),
               "val": QT_TRANSLATE_NOOP("ProblemsPanel", "validation"),
               "test": QT_TRANSLATE_NOOP("ProblemsPanel", "test")}


def copy_kinds(index: Any) -> tuple[str, ...]:
    """The findings "Trash duplicate copies" thins out. With class folders the validation images are drawn
    at random, and drawn again when files change: a copy across train and validation ('leak') is a
    duplicate like any other (left, it came back as one after the trash)."""
    random_split = index is not None and index.layout == "class_folders"
    return ("duplicate", "near_duplicate", "leak") if random_split else ("duplicate", "near_duplicate")


class ProblemsPanel(QWidget):
    def __init__(self, state: AppState, change: Callable[..., None], viewer_owner: QWidget | None = None) -> None:
        """change(fn, *args, files=n) makes a step of the workspace (the page's: in the background when large);
        viewer_owner: whose image viewer shows the files (the page's, so one viewer serves the whole page)."""
        super().__init__()
        self._change = change
        self.state = state
        self._viewer_owner = viewer_owner or self
        self.index: Any = None
        self.problems: list[Any] = []  # the index's findings, worded for the planned run
        self._final = True
        self.check = CheckLine()
        self.table = read_only_table(QTableWidget(), "problemTable", self.tr("Problems"),
                                     [self.tr("File"), self.tr("Problem"), self.tr("What to do")], stretch=2)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a long file name keeps its end
        self.table.setItemDelegateForColumn(2, WrappingDelegate(self.table))  # what to do: read in full
        self._rows = RowsInSight(self.table)  # ... the rows in sight growing to fit it
        self._names_width = 0  # the file names' column in full, before fitting it to the table
        self.table.activated.connect(lambda idx: self.view_problem(idx.row()))  # double-click or Enter
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        self.table.itemSelectionChanged.connect(self._selected)
        self.preview = ProblemPreview()
        self.none_found = QLabel(self.tr("No problems found: every image opens, and there are no duplicates, "
                                         "label conflicts, leaks between splits or empty classes."))
        self.none_found.setObjectName("noProblemsLabel")
        self.none_found.setWordWrap(True)
        self.none_found.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.none_found.hide()
        self._add_fixes()
        state.dataset_changed.connect(lambda _index: self._update_actions())  # its workspace comes with it
        state.plan_changed.connect(self._plan_changed)  # cross-validating or not words a leak differently
        self._lay_out()

    def _add_fixes(self) -> None:
        """The one-click fixes under the table; each acts on the open dataset's workspace (undoable)."""
        self.fix_duplicates = _button(self.tr("Trash duplicate copies"), "trashDuplicatesButton",
                                      self.tr("Keep one image of each duplicate set; the others go to the trash "
                                              "(undoable)"))
        self.fix_duplicates.clicked.connect(lambda: self._trash_kinds(copy_kinds(self.index)))
        self.fix_unreadable = _button(self.tr("Trash unreadable files"), "trashUnreadableButton",
                                      self.tr("Move corrupt and non-image files to the trash (undoable)"))
        self.fix_unreadable.clicked.connect(lambda: self._trash_kinds(("corrupt", "not_image", "too_large")))
        self.fix_selected = _button(self.tr("Trash selected"), "trashSelectedButton",
                                    self.tr("Move the selected files (e.g. the wrong copy of a label conflict) to "
                                            "the trash"))
        self.fix_selected.clicked.connect(self._trash_selected)
        self.move_selected = _button(self.tr("Move selected to class…"), "moveSelectedButton",
                                     self.tr("Move the selected files (e.g. a label conflict) into the right class"))
        self.move_selected.clicked.connect(self._move_selected)
        self.undo_fix = _button(self.tr("Undo"), "undoFixButton", self.tr("Undo the last change to the dataset"))
        self.undo_fix.clicked.connect(self._undo)

    def _lay_out(self) -> None:
        """The check's line, the table (or "none found"), the evidence, then the fixes in two rows."""
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.check)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.none_found, 1)
        lay.addWidget(self.preview)
        fixes = QGridLayout()  # two rows: one row of five buttons kept the window from fitting 1024 px screens
        for i, b in enumerate((self.fix_duplicates, self.fix_unreadable, self.undo_fix, self.fix_selected,
                               self.move_selected)):
            fixes.addWidget(b, i // 3, i % 3)
        lay.addLayout(fixes)

    def show_model(self, model: DataPageModel) -> None:
        """The problems found so far, and how far the check is; "none found" only once the check has ended."""
        self.check.show_status(model)
        if model.problems_index is not None:
            self.fill(model.problems_index, final=model.status is CheckStatus.DONE)

    def fill(self, index: Any, final: bool = True) -> None:
        self.index, self._final = index, final
        self.problems = probs = self._worded(index)
        self.table.setRowCount(len(probs))
        for row, p in enumerate(probs):
            f = QTableWidgetItem(Path(p.path).name)
            f.setToolTip(literal(p.path))
            self.table.setItem(row, 0, f)
            self.table.setItem(row, 1, QTableWidgetItem(self._kind_name(p.kind)))
            self.table.setItem(row, 2, QTableWidgetItem(p.message))
        self.table.resizeColumnToContents(1)  # the problem's name in full; what to do takes the rest, wrapped
        self.table.resizeColumnToContents(0)
        self._names_width = self.table.columnWidth(0)
        self._fit_names()
        self.preview.clear()
        self.table.setVisible(bool(probs))
        self.preview.setVisible(bool(probs))  # "select a problem" has nothing to select
        self.none_found.setVisible(not probs and final)
        kinds = {p.kind for p in probs}
        self.fix_duplicates.setEnabled(bool(kinds & set(copy_kinds(index))))
        self.fix_unreadable.setEnabled(bool(kinds & {"corrupt", "not_image", "too_large"}))
        self._update_actions()

    def _fit_names(self) -> None:
        """File names in full, as far as two fifths of the table allow (a long one is cut in its middle)."""
        if self._names_width:
            self.table.setColumnWidth(0, min(self._names_width, max(160, self.table.viewport().width() * 2 // 5)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_names()

    def _worded(self, index: Any) -> list[Any]:
        """The findings as the Train page's plan meets them: a leak between training and validation says the
        cross-validated score is inflated when the plan cross-validates over both splits."""
        plan = self.state.plan_for(index.root)
        folds = plan.cv_folds if plan is not None else 0
        if not folds:
            return list(index.problems)
        return worded_for_run(index.problems, {s.path: s.split for s in index.samples}, folds)

    def _plan_changed(self) -> None:
        if self.index is not None:
            self.fill(self.index, self._final)

    def _kind_name(self, kind: str) -> str:
        return problem_name(kind)  # core's names: the CLI's scan says the same words

    def _update_actions(self) -> None:
        """What acts on a selection waits for one; Undo, for something to undo."""
        picked = bool(self.table.selectedIndexes())
        self.fix_selected.setEnabled(picked)
        self.move_selected.setEnabled(picked)
        ws = self.state.workspace
        self.undo_fix.setEnabled(ws is not None and ws.can_undo())

    def _selected(self) -> None:
        self._update_actions()
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        if self.index is None or not rows or rows[0] >= len(self.problems):
            self.preview.clear()
            return
        self.preview.show_problem(self.problems[rows[0]], self._where_is)

    def _where_is(self, path: str) -> str:
        """"class 'cat', training split": worded for the two files a preview shows, not for every sample (found through
        the index's path map, made on the thread that made the index). Where the plan cross-validates, its run learns
        from and scores on every labeled image: no training or validation split is named (test stays apart)."""
        at = self.index.position(path) if self.index is not None else None
        if at is None:
            return ""
        s = self.index.samples[at]
        name = isolated(self.index.classes[s.label])
        plan = self.state.plan_for(self.index.root)
        if plan is not None and plan.cv_folds and s.split in LABELLED:
            return self.tr("class '{0}'").format(name)
        return self.tr("class '{0}', {1} split").format(name, self.tr(str(SPLIT_NAMES.get(s.split, s.split))))

    def _trash_kinds(self, kinds: tuple[str, ...]) -> None:
        ws = self.state.workspace
        if ws is None or self.index is None:
            return
        paths = sorted({p.path for p in self.index.problems if p.kind in kinds and Path(p.path).is_file()})
        if paths and confirm_many(self, paths, len(self.index.samples)):
            self._change(ws.trash, paths, files=len(paths))

    def selected_files(self) -> list[str]:
        paths = []
        for r in sorted({i.row() for i in self.table.selectedIndexes()}):
            item = self.table.item(r, 0)
            if item is not None and Path(item.toolTip()).is_file():
                paths.append(item.toolTip())
        return paths

    def _trash_selected(self) -> None:
        ws = self.state.workspace
        paths = self.selected_files()
        size = len(self.index.samples) if self.index is not None else 0
        if ws is not None and paths and confirm_many(self, paths, size):
            self._change(ws.trash, paths, files=len(paths))

    def _move_selected(self) -> None:
        ws = self.state.workspace
        paths = self.selected_files()
        if ws is None or not paths or self.index is None:
            return
        name, ok = ask_item(self, self.tr("Move to class"), self.tr("Class:"), list(self.index.classes))
        if ok:
            self._change(ws.assign, paths, name, files=len(paths))

    def _undo(self) -> None:
        ws = self.state.workspace
        if ws is not None and (op := ws.undo_target()) is not None:
            self._change(ws.undo, files=len(op.moves))

    def view_problem(self, row: int) -> None:
        """Problem files in the viewer (a file manager may not exist here: nothing is launched), each captioned as the
        viewer shows it: thousands of problems are not read out of the table first."""
        if self.index is not None:
            open_viewer(self._viewer_owner, MappedItems(self.problems, lambda p: (
                p.path, f"{self._kind_name(p.kind)}: {p.message}")), row)

    def _menu(self, pos: QPoint) -> None:
        row = self.table.rowAt(pos.y())
        item = self.table.item(row, 0) if row >= 0 else None
        if item is None:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("View")).triggered.connect(lambda _=False: self.view_problem(row))
        if reveal_available():  # offered only where a file manager can be opened
            menu.addAction(self.tr("Show in folder")).triggered.connect(
                lambda _=False: reveal_in_folder(self, item.toolTip()))
        menu.exec(self.table.viewport().mapToGlobal(pos))


class CheckLine(QWidget):
    """"Still checking: 43 % [=====    ] Stop checking" above the problems while the health check runs; what
    became of the check once it has ended early."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("healthCheckLine")
        self.label = plain_label()  # a failure names the file
        self.label.setObjectName("healthCheckLabel")
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setObjectName("healthCheckProgress")
        self.bar.setRange(0, 100)
        self.bar.setTextVisible(False)
        self.stop_button = _button(self.tr("Stop checking"), "stopCheckButton",
                                   self.tr("Stop looking for unreadable images, duplicates and leaks; training "
                                           "does not need the check"))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.bar)
        lay.addWidget(self.stop_button)

    def show_status(self, model: DataPageModel) -> None:
        running = model.status is CheckStatus.RUNNING
        self.bar.setVisible(running)
        self.stop_button.setVisible(running)
        self.setVisible(model.status in (CheckStatus.RUNNING, CheckStatus.STOPPED, CheckStatus.FAILED))
        if running:
            self.bar.setValue(model.percent)
            self.label.setText(self.tr("Still checking: {0} % ({1}). The classes and counts are ready; training "
                                       "does not wait for the check.").format(model.percent, model.stage or "…"))
        elif model.status is CheckStatus.STOPPED:
            self.label.setText(self.tr("The check for unreadable images, duplicates and leaks was stopped: "
                                       "Rescan to run it again."))
        elif model.status is CheckStatus.FAILED:
            self.label.setText(self.tr("The check for unreadable images, duplicates and leaks failed: {0}").format(
                model.failure))
