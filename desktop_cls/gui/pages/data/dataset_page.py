"""Data page: open a folder, scan it in the background, show classes, thumbnails and problems."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.gui.pages.data.problems_panel import ProblemsPanel, change_dataset
from desktop_cls.gui.pages.page import Page
from desktop_cls.gui.settings import saved_split
from desktop_cls.gui.state import AppState, Badge, PageKey
from desktop_cls.gui.widgets.common import button as _button
from desktop_cls.gui.widgets.common import read_only_table
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.widgets.image_viewer import open_viewer
from desktop_cls.gui.widgets.thumbnails import ThumbnailModel
from desktop_cls.gui.work.tasks import TaskRunner

IMBALANCE_RATIO = 3.0


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


class DatasetPage(Page):
    def __init__(self, state: AppState, tasks: TaskRunner) -> None:
        super().__init__(state, tasks, "scan")
        self.index: Any = None  # the open dataset (DatasetIndex) as this page last showed it
        state.files_changed.connect(self.open_folder)  # the Label page moved files: read the folder again
        state.dataset_opening.connect(self._forget_shown)
        state.dataset_changed.connect(self._show_dataset)

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

        # content
        self.summary = QLabel()
        self.summary.setObjectName("datasetSummary")
        self.summary.setWordWrap(True)
        self.class_table = read_only_table(ClassTable(), "classTable", self.tr("Classes"),
                                           [self.tr("Class"), self.tr("Images"), self.tr("Share")])
        self.class_table.files_dropped.connect(self._dropped_on_class)
        header = self.class_table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.class_table.setColumnWidth(2, self.fontMetrics().horizontalAdvance("0000 %") + 24)
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

        self.problems = ProblemsPanel(state, viewer_owner=self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("datasetTabs")
        self.tabs.addTab(thumbs_box, self.tr("Images"))
        self.tabs.addTab(self.problems, self.tr("Problems"))
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
        self.empty_text = empty_text
        self.set_body(empty_text, left, right, top=top)

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

        self.run_task("demo data", make, self.open_folder, error_title=self.tr("Demo dataset"), status=what)

    def open_folder(self, path: str) -> None:
        path = str(Path(path).expanduser())
        self.path_edit.setText(path)
        self.state.begin_opening(path)
        val, seed = saved_split(self.state.settings)

        def work(progress: Any, cancel: Any) -> Any:
            from desktop_cls.core.data.dataset import scan
            from desktop_cls.core.data.health import with_health

            index = scan(path, val_fraction=val, seed=seed, verify="header", progress=progress, cancel=cancel)
            return with_health(index, progress=progress, cancel=cancel)

        self.run_task("scan", work, self._scanned, status=self.tr("Reading folder…"), on_error=self._scan_failed,
                      on_cancelled=self._restore_path)

    # ---- results -------------------------------------------------------------------------------
    def _restore_path(self) -> None:
        """The field names the dataset that is open, not a folder that failed to open or was cancelled."""
        self.path_edit.setText(self.index.root if self.index is not None else "")
        self.empty.set_text(self.empty_text)
        self.state.opening_failed()  # whoever cleared for the new folder shows the open one again

    def _forget_shown(self, folder: str) -> None:
        """Another folder is being read: the grid, classes and problems of the open one go meanwhile."""
        self.class_table.setRowCount(0)
        self.thumb_model.set_items([])
        self.summary.setText("")
        self.show_content(False)
        self.empty.set_text(self.tr("Reading {0}…").format(folder))

    def _scan_failed(self, message: str, details: str) -> None:
        self._restore_path()
        if self.index is not None:
            message += "\n\n" + self.tr("{0} is still open.").format(self.index.root)
        show_error(self, self.tr("Cannot open this folder"), message, details)

    def _scanned(self, index: Any) -> None:
        self.state.set_dataset(index)  # the page shows it as every page does: from the state's event
        self.state.set_status(PageKey.DATA, Badge.ATTENTION if self._serious_problems(index) else Badge.DONE)

    def _show_dataset(self, index: Any) -> None:
        self.index = index
        self.path_edit.setText(index.root)
        self.rescan_button.setEnabled(True)
        self.show_content()
        self._fill_classes(index)
        self._fill_problems(index)
        self.class_filter.blockSignals(True)
        self.class_filter.clear()
        self.class_filter.addItem(self.tr("All classes ({0:,} images)").format(len(index.samples)))
        for name, n in index.counts().items():
            self.class_filter.addItem(f"{name} ({n:,})", name)  # data: a class name and its count
        self.class_filter.blockSignals(False)
        self._fill_thumbnails()

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
        self.problems.fill(index)
        probs = index.problems
        self.tabs.setTabText(1, self.tr("Problems ({0})").format(len(probs)) if probs else self.tr("Problems"))

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

    def _dropped_on_class(self, row: int, paths: list[str]) -> None:
        ws = self.state.workspace
        if ws is not None and self.index is not None and row < len(self.index.classes):
            change_dataset(self, self.state, ws.assign, paths, self.index.classes[row])

    def view_thumbnail(self, row: int) -> None:
        items = [(path, self.tr("Class: {0}").format(cls)) for path, cls in self.thumb_model.items]
        open_viewer(self, items, row)

    def shutdown(self) -> None:
        self.thumb_model.shutdown()
