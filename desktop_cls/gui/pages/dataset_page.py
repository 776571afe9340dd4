"""Data page: open a folder, scan it in the background, show classes, thumbnails and problems."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.core.errors import UserError

from ..dialogs import show_error
from ..image_viewer import open_viewer, reveal_available, reveal_in_folder
from ..problem_preview import ProblemPreview, confirm_many
from ..state import AppState
from ..tasks import Task, TaskRunner
from ..thumbnails import ThumbnailModel
from ..widgets import button as _button
from ..widgets import split_with_empty_state

IMBALANCE_RATIO = 3.0
# What the Problems table calls each kind of core.data.health finding (marked here, translated when shown).
PROBLEM_NAMES = {
    "corrupt": QT_TRANSLATE_NOOP("DatasetPage", "corrupt"),
    "not_image": QT_TRANSLATE_NOOP("DatasetPage", "not an image"),
    "too_large": QT_TRANSLATE_NOOP("DatasetPage", "too large"),
    "unreadable": QT_TRANSLATE_NOOP("DatasetPage", "unreadable"),
    "missing": QT_TRANSLATE_NOOP("DatasetPage", "missing"),
    "unsupported_format": QT_TRANSLATE_NOOP("DatasetPage", "unsupported format"),
    "symlink_loop": QT_TRANSLATE_NOOP("DatasetPage", "link loop"),
    "unknown_class": QT_TRANSLATE_NOOP("DatasetPage", "unknown class"),
    "empty_class": QT_TRANSLATE_NOOP("DatasetPage", "empty class"),
    "duplicate": QT_TRANSLATE_NOOP("DatasetPage", "duplicate"),
    "near_duplicate": QT_TRANSLATE_NOOP("DatasetPage", "near duplicate"),
    "label_conflict": QT_TRANSLATE_NOOP("DatasetPage", "label conflict"),
    "leak": QT_TRANSLATE_NOOP("DatasetPage", "leak"),
    "imbalance": QT_TRANSLATE_NOOP("DatasetPage", "imbalance"),
    "too_small": QT_TRANSLATE_NOOP("DatasetPage", "too small"),
}
SPLIT_NAMES = {"train": QT_TRANSLATE_NOOP("DatasetPage", "training"),
               "val": QT_TRANSLATE_NOOP("DatasetPage", "validation"),
               "test": QT_TRANSLATE_NOOP("DatasetPage", "test")}


class ClassTable(QTableWidget):
    """The class list also takes images dropped on a row: they move into that class (undoable)."""

    files_dropped = Signal(int, list)  # row, file paths

    def __init__(self) -> None:
        super().__init__(0, 3)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QTableWidget.DragDropMode.DropOnly)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        row = self.rowAt(event.position().toPoint().y())
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if row >= 0 and paths:
            self.files_dropped.emit(row, paths)
            event.acceptProposedAction()



class DatasetPage(QWidget):
    def __init__(self, state: AppState, tasks: TaskRunner) -> None:
        super().__init__()
        self.state = state
        self.tasks = tasks
        self.scan_task: Task | None = None
        self._scan_generation = 0
        self.index: Any = None
        state.files_changed.connect(self.open_folder)  # the Label page moved files: read the folder again

        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("datasetPathEdit")
        self.path_edit.setAccessibleName(self.tr("Dataset folder"))
        self.path_edit.setPlaceholderText(self.tr("Folder with one sub-folder of images per class"))
        self.path_edit.returnPressed.connect(lambda: self.open_folder(self.path_edit.text()))
        self.open_button = _button(self.tr("&Open folder…"), "openDatasetButton", self.tr("Choose a folder (Ctrl+O)"))
        self.open_button.clicked.connect(self.browse)
        self.demo_button = _button(self.tr("Try the &demo dataset"), "demoDatasetButton",
                                   self.tr("Generate 600 small images of 10 shapes and open them"))
        self.demo_button.clicked.connect(self.open_demo)
        self.rescan_button = _button(self.tr("&Rescan"), "rescanButton", self.tr("Read the folder again"))
        self.rescan_button.clicked.connect(lambda: self.index and self.open_folder(self.index.root))
        self.rescan_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.path_edit, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.demo_button)
        top.addWidget(self.rescan_button)

        self.progress = QProgressBar()
        self.progress.setObjectName("scanProgress")
        self.progress_label = QLabel()
        self.progress_label.setObjectName("scanProgressLabel")
        self.cancel_button = _button(self.tr("Cancel"), "cancelScanButton")
        self.cancel_button.clicked.connect(self.cancel_scan)
        prow = QHBoxLayout()
        prow.addWidget(self.progress_label)
        prow.addWidget(self.progress, 1)
        prow.addWidget(self.cancel_button)
        self.progress_row = QWidget()
        self.progress_row.setLayout(prow)
        self.progress_row.setVisible(False)

        # content
        self.summary = QLabel()
        self.summary.setObjectName("datasetSummary")
        self.summary.setWordWrap(True)
        self.class_table = ClassTable()
        self.class_table.files_dropped.connect(self._dropped_on_class)
        self.class_table.setObjectName("classTable")
        self.class_table.setAccessibleName(self.tr("Classes"))
        self.class_table.setHorizontalHeaderLabels([self.tr("Class"), self.tr("Images"), self.tr("Share")])
        header = self.class_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.class_table.setColumnWidth(2, self.fontMetrics().horizontalAdvance("0000 %") + 24)
        self.class_table.verticalHeader().setVisible(False)
        self.class_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.class_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.class_table.itemSelectionChanged.connect(self._class_selected)

        self.class_filter = QComboBox()
        self.class_filter.setObjectName("thumbnailClassFilter")
        self.class_filter.setAccessibleName(self.tr("Show images of class"))
        self.class_filter.currentIndexChanged.connect(self._fill_thumbnails)
        self.thumb_model = ThumbnailModel(side=96)
        self.thumbs = QListView()
        self.thumbs.setObjectName("thumbnailGrid")
        self.thumbs.setAccessibleName(self.tr("Thumbnails"))
        self.thumb_model.configure_view(self.thumbs)
        self.thumbs.setLayoutMode(QListView.LayoutMode.Batched)
        self.thumbs.setBatchSize(200)
        self.thumbs.activated.connect(lambda idx: self.view_thumbnail(idx.row()))  # double-click or Enter
        thumbs_box = QWidget()
        tl = QVBoxLayout(thumbs_box)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.class_filter)
        tl.addWidget(self.thumbs, 1)

        self.problem_table = QTableWidget(0, 3)
        self.problem_table.setObjectName("problemTable")
        self.problem_table.setAccessibleName(self.tr("Problems"))
        self.problem_table.setHorizontalHeaderLabels([self.tr("File"), self.tr("Problem"), self.tr("What to do")])
        self.problem_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.problem_table.verticalHeader().setVisible(False)
        self.problem_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.problem_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.problem_table.activated.connect(lambda idx: self.view_problem(idx.row()))  # double-click or Enter
        self.problem_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.problem_table.customContextMenuRequested.connect(self._problem_menu)
        self.problem_table.itemSelectionChanged.connect(self._problem_selected)
        self.problem_preview = ProblemPreview()

        self.fix_duplicates = _button(self.tr("Trash duplicate copies"), "trashDuplicatesButton",
                                      self.tr("Keep one image of each duplicate set; the others go to the trash "
                                              "(undoable)"))
        self.fix_duplicates.clicked.connect(lambda: self._trash_kinds(("duplicate", "near_duplicate")))
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
        problems_box = QWidget()
        pl = QVBoxLayout(problems_box)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(self.problem_table, 1)
        pl.addWidget(self.problem_preview)
        fixes = QGridLayout()  # two rows: one row of five buttons kept the window from fitting 1024 px screens
        for i, b in enumerate((self.fix_duplicates, self.fix_unreadable, self.undo_fix, self.fix_selected,
                               self.move_selected)):
            fixes.addWidget(b, i // 3, i % 3)
        pl.addLayout(fixes)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("datasetTabs")
        self.tabs.addTab(thumbs_box, self.tr("Images"))
        self.tabs.addTab(problems_box, self.tr("Problems"))
        self.summary.linkActivated.connect(lambda _: self.tabs.setCurrentIndex(1))
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.tabs)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.summary)
        rl.addWidget(self.class_table, 1)
        right.setMinimumWidth(self.fontMetrics().horizontalAdvance("x" * 44))  # class names stay readable
        empty_text = self.tr("No dataset yet — drop a folder here, open one with Ctrl+O, "
                             "or try the demo dataset (600 small images of 10 shapes).")
        self.content, self.empty = split_with_empty_state(empty_text, left, right)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.progress_row)
        lay.addWidget(self.content, 1)

    # ---- actions -------------------------------------------------------------------------------
    def browse(self) -> None:
        start = self.path_edit.text() or str(Path.home())
        path = QFileDialog.getExistingDirectory(self, self.tr("Open a dataset folder"), start)
        if path:
            self.open_folder(path)

    def open_demo(self) -> None:
        target = Path(tempfile.gettempdir()) / "desktop_cls_demo"

        what = self.tr("Generating the demo dataset")

        def make(progress: Any, cancel: Any) -> str:
            from desktop_cls.core.data.demo_data import make_demo_dataset

            if target.exists() and any(target.iterdir()):
                return str(target)
            progress(0, 1, what)
            return str(make_demo_dataset(target))

        self.tasks.start("demo data", make, on_done=self.open_folder, on_error=self._demo_failed)

    def _demo_failed(self, message: str, details: str) -> None:
        show_error(self, self.tr("Demo dataset"), message, details)

    def open_folder(self, path: str) -> None:
        path = str(Path(path).expanduser())
        self.path_edit.setText(path)
        self.cancel_scan()
        self.progress_row.setVisible(True)
        self.progress.setRange(0, 0)
        self.progress_label.setText(self.tr("Reading folder…"))
        val = float(self.state.settings.last_train_config.get("val_fraction", 0.2))
        seed = int(self.state.settings.last_train_config.get("seed", 0))

        def work(progress: Any, cancel: Any) -> Any:
            from desktop_cls.core.data.dataset import scan
            from desktop_cls.core.data.health import with_health

            index = scan(path, val_fraction=val, seed=seed, verify="header", progress=progress, cancel=cancel)
            return with_health(index, progress=progress, cancel=cancel)

        self._scan_generation += 1
        generation = self._scan_generation
        self.scan_task = self.tasks.start("scan", work, on_done=self._scanned, on_error=self._scan_failed,
                                          on_progress=self._progress,
                                          on_cancelled=lambda: self._scan_cancelled(generation))

    def cancel_scan(self) -> None:
        if self.scan_task is not None and self.scan_task.is_running():
            self.scan_task.cancel()

    # ---- results -------------------------------------------------------------------------------
    def _progress(self, done: int, total: int, what: str) -> None:
        self.progress_label.setText(what.capitalize())
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _restore_path(self) -> None:
        """The field names the dataset that is open, not a folder that failed to open or was cancelled."""
        self.path_edit.setText(self.index.root if self.index is not None else "")

    def _scan_cancelled(self, generation: int) -> None:
        if generation != self._scan_generation:
            return  # an earlier scan, cancelled because another folder is being opened
        self.progress_row.setVisible(False)
        self._restore_path()

    def _scan_failed(self, message: str, details: str) -> None:
        self.progress_row.setVisible(False)
        self._restore_path()
        if self.index is not None:
            message += "\n\n" + self.tr("{0} is still open.").format(self.index.root)
        show_error(self, self.tr("Cannot open this folder"), message, details)

    def _scanned(self, index: Any) -> None:
        self.progress_row.setVisible(False)
        self.index = index
        self.rescan_button.setEnabled(True)
        self.content.setCurrentIndex(1)
        self._fill_classes(index)
        self._fill_problems(index)
        self.class_filter.blockSignals(True)
        self.class_filter.clear()
        self.class_filter.addItem(self.tr("All classes ({0:,} images)").format(len(index.samples)))
        for name, n in index.counts().items():
            self.class_filter.addItem(f"{name} ({n:,})", name)  # data: a class name and its count
        self.class_filter.blockSignals(False)
        self._fill_thumbnails()
        self.state.set_dataset(index)
        self.state.status_changed.emit("data", "attention" if self._serious_problems(index) else "done")

    def _serious_problems(self, index: Any) -> bool:
        return any(p.kind in ("corrupt", "not_image", "empty_class", "too_large", "unreadable") for p in index.problems)

    def _fill_classes(self, index: Any) -> None:
        counts = index.counts()
        total = max(sum(counts.values()), 1)
        biggest = max(counts.values()) if counts else 0
        smallest = min(counts.values()) if counts else 0
        self.class_table.setRowCount(len(counts))
        for row, (name, n) in enumerate(counts.items()):
            self.class_table.setItem(row, 0, QTableWidgetItem(name))
            num = QTableWidgetItem(f"{n:,}")
            num.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.class_table.setItem(row, 1, num)
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setValue(round(1000 * n / total))
            bar.setFormat(f"{n / total:.0%}")
            if biggest and n * IMBALANCE_RATIO < biggest:
                bar.setToolTip(self.tr("Few images compared to the largest class ({0:,}); consider adding images "
                                       "or turning on class weighting").format(biggest))
                num.setText(f"{n:,} ⚠")
            self.class_table.setCellWidget(row, 2, bar)
        splits = {s: len(index.split(s)) for s in ("train", "val", "test")}
        typical = index.typical_size
        size = self.tr(", typically {0}×{1} px").format(*typical) if typical else ""
        split = (self.tr("Split: {0:,} training, {1:,} validation, {2:,} test") if splits["test"]
                 else self.tr("Split: {0:,} training, {1:,} validation"))
        lines = [self.tr("<b>{0:,}</b> images in <b>{1}</b> classes{2}").format(len(index.samples),
                                                                             len(index.classes), size),
                 split.format(splits["train"], splits["val"], splits["test"]) + self._split_source(index)]
        if biggest and smallest * IMBALANCE_RATIO < biggest:
            lines.append(self.tr("⚠ Imbalanced: the largest class has {0:.1f}× the images of the smallest. Class "
                                 "weighting (Train → Advanced) compensates.").format(biggest / max(smallest, 1)))
        if splits["test"]:
            lines.append(self.tr("The test images are kept for the final evaluation: training never sees them."))
        if splits["val"] and splits["val"] < 50:
            lines.append(self.tr("⚠ Only {0} validation images: accuracy will be a rough estimate.")
                         .format(splits["val"]))
        if index.unlabeled:
            lines.append(self.tr("{0:,} unlabeled images lie directly in the folder.").format(len(index.unlabeled)))
        if index.problems:
            lines.append(self.tr("<a href='#problems'>{0} problem(s)</a> — see the Problems tab.")
                         .format(len(index.problems)))
        self.summary.setText("<br>".join(lines))

    def _split_source(self, index: Any) -> str:
        """Where the validation images come from, so a train/ + test/ folder reads as what it is."""
        if index.layout != "split_folders":
            return self.tr(" (random {0:.0%} held out per class)").format(index.val_fraction)
        if index.val_fraction > 0:
            return self.tr(" (no val/ folder: a random {0:.0%} of train/ per class is held out for "
                           "validation)").format(index.val_fraction)
        return self.tr(" (from the train/ and val/ folders)")

    def _fill_problems(self, index: Any) -> None:
        probs = index.problems
        self.problem_table.setRowCount(len(probs))
        for row, p in enumerate(probs):
            f = QTableWidgetItem(Path(p.path).name)
            f.setToolTip(p.path)
            self.problem_table.setItem(row, 0, f)
            kind = PROBLEM_NAMES.get(p.kind)
            shown = self.tr(str(kind)) if kind else p.kind.replace("_", " ")
            self.problem_table.setItem(row, 1, QTableWidgetItem(shown))
            self.problem_table.setItem(row, 2, QTableWidgetItem(p.message))
        self.problem_preview.clear()
        self.tabs.setTabText(1, self.tr("Problems ({0})").format(len(probs)) if probs else self.tr("Problems"))

    def _problem_selected(self) -> None:
        rows = sorted({i.row() for i in self.problem_table.selectedIndexes()})
        if self.index is None or not rows or rows[0] >= len(self.index.problems):
            self.problem_preview.clear()
            return
        index = self.index
        where_text = self.tr("class '{0}', {1} split")
        where = {s.path: where_text.format(index.classes[s.label], self.tr(str(SPLIT_NAMES.get(s.split, s.split))))
                 for s in index.samples}
        self.problem_preview.show_problem(index.problems[rows[0]], lambda path: where.get(path, ""))

    def _fill_thumbnails(self) -> None:
        if self.index is None:
            return
        cls = self.class_filter.currentData()
        names = self.index.classes
        items = [(s.path, names[s.label]) for s in self.index.samples if cls is None or names[s.label] == cls]
        self.thumb_model.set_items(items)

    def _class_selected(self) -> None:
        rows = {i.row() for i in self.class_table.selectedIndexes()}
        if len(rows) == 1:
            self.class_filter.setCurrentIndex(next(iter(rows)) + 1)

    def _workspace_do(self, fn: Any, *args: Any) -> None:
        try:
            fn(*args)
        except UserError as e:
            show_error(self, self.tr("Cannot change the dataset"), e.for_gui())
        if self.index is not None:
            self.open_folder(self.index.root)

    def _trash_kinds(self, kinds: tuple[str, ...]) -> None:
        ws = self.state.workspace
        if ws is None or self.index is None:
            return
        paths = sorted({p.path for p in self.index.problems if p.kind in kinds and Path(p.path).is_file()})
        if paths and confirm_many(self, paths, len(self.index.samples)):
            self._workspace_do(ws.trash, paths)

    def _selected_problem_files(self) -> list[str]:
        paths = []
        for r in sorted({i.row() for i in self.problem_table.selectedIndexes()}):
            item = self.problem_table.item(r, 0)
            if item is not None and Path(item.toolTip()).is_file():
                paths.append(item.toolTip())
        return paths

    def _trash_selected(self) -> None:
        ws = self.state.workspace
        paths = self._selected_problem_files()
        size = len(self.index.samples) if self.index is not None else 0
        if ws is not None and paths and confirm_many(self, paths, size):
            self._workspace_do(ws.trash, paths)

    def _move_selected(self) -> None:
        ws = self.state.workspace
        paths = self._selected_problem_files()
        if ws is None or not paths or self.index is None:
            return
        name, ok = QInputDialog.getItem(self, self.tr("Move to class"), self.tr("Class:"),
                                        list(self.index.classes), 0, False)
        if ok:
            self._workspace_do(ws.assign, paths, name)

    def _dropped_on_class(self, row: int, paths: list[str]) -> None:
        ws = self.state.workspace
        if ws is not None and self.index is not None and row < len(self.index.classes):
            self._workspace_do(ws.assign, paths, self.index.classes[row])

    def _undo(self) -> None:
        ws = self.state.workspace
        if ws is not None and ws.can_undo():
            self._workspace_do(ws.undo)

    def view_thumbnail(self, row: int) -> None:
        items = [(path, self.tr("Class: {0}").format(cls)) for path, cls in self.thumb_model.items]
        open_viewer(self, items, row)

    def view_problem(self, row: int) -> None:
        """Problem files in the viewer (a file manager may not exist here: nothing is launched)."""
        items = []
        for r in range(self.problem_table.rowCount()):
            f, kind, what = (self.problem_table.item(r, c) for c in range(3))
            if f is not None:
                items.append((f.toolTip(), f"{kind.text() if kind else ''}: {what.text() if what else ''}"))
        open_viewer(self, items, row)

    def _problem_menu(self, pos: Any) -> None:
        row = self.problem_table.rowAt(pos.y())
        item = self.problem_table.item(row, 0) if row >= 0 else None
        if item is None:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("View")).triggered.connect(lambda _=False: self.view_problem(row))
        if reveal_available():  # offered only where a file manager can be opened
            menu.addAction(self.tr("Show in folder")).triggered.connect(
                lambda _=False: reveal_in_folder(self, item.toolTip()))
        menu.exec(self.problem_table.viewport().mapToGlobal(pos))
