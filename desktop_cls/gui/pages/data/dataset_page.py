"""Data page: open a folder, show its classes and thumbnails at once, and its problems as the check finds them.

Opening has two stages (see data_model.py): the folder walk sets the dataset in the app state, so Train is
enabled as soon as the classes are known; the health check then runs as a background task whose progress,
findings and Cancel live on the Problems tab.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QListView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.pages.data.background_check import BackgroundCheck
from desktop_cls.gui.pages.data.class_drop import ClassDrop
from desktop_cls.gui.pages.data.class_filter import ClassFilter
from desktop_cls.gui.pages.data.class_table import ClassTable
from desktop_cls.gui.pages.data.data_model import DataPageModel
from desktop_cls.gui.pages.data.dataset_steps import DatasetSteps
from desktop_cls.gui.pages.data.dataset_summary import summary_text
from desktop_cls.gui.pages.data.folder_field import FolderField, failure_text, read_folder
from desktop_cls.gui.pages.data.problems_panel import ProblemsPanel
from desktop_cls.gui.pages.page import Page, PageAction
from desktop_cls.gui.settings import saved_split
from desktop_cls.gui.state import AppState, Badge, PageKey
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.widgets.image_viewer import MappedItems, open_viewer
from desktop_cls.gui.widgets.theme import follow_palette
from desktop_cls.gui.widgets.thumbnails import ThumbnailGrid, ThumbnailModel
from desktop_cls.gui.work.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop_cls.core.data.dataset import DatasetIndex


def _column(*widgets: QWidget) -> QWidget:
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        lay.addWidget(w, 1 if isinstance(w, (QListView, QTabWidget, ClassTable)) else 0)
    return box


class DatasetPage(Page):
    def __init__(self, state: AppState, tasks: TaskRunner) -> None:
        super().__init__(state, tasks, "scan")
        self.model = DataPageModel()  # the dataset shown, its health check and what the page decides
        self.check = BackgroundCheck(tasks, self.model, lambda: self.problems.check.show_status(self.model),
                                     self._show_problems)
        self.empty_text = self.tr("No dataset yet — drop a folder here (one sub-folder per class, or images to "
                                  "label all in one folder), open one with Ctrl+O, or try the demo dataset (600 "
                                  "small images of 10 shapes).")
        self.build()

    def page_actions(self) -> list[PageAction]:
        """Slots look the method up when triggered (a test may replace it)."""
        return [PageAction("openFolderAction", self.tr("&Open folder…"), lambda: self.browse(), "Ctrl+O",
                           self.tr("Choose a folder"), button="openDatasetButton"),
                PageAction("demoAction", self.tr("Try the &demo dataset"), lambda: self.open_demo(),
                           tip=self.tr("Generate 600 small images of 10 shapes and open them"),
                           button="demoDatasetButton"),
                PageAction("rescanAction", self.tr("&Rescan"), lambda: self.rescan(),
                           tip=self.tr("Read the folder again"), button="rescanButton", in_menu=False)]

    # ---- how the page is made ----------------------------------------------------------------------
    def build_controls(self) -> QLayout:
        self.path_edit = FolderField(self.open_folder)  # the folder open, or the one the user is typing
        self.buttons["rescanButton"].setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.path_edit, 1)
        for name in ("openDatasetButton", "demoDatasetButton", "rescanButton"):
            top.addWidget(self.buttons[name])
        self.summary = QLabel()
        self.summary.setObjectName("datasetSummary")
        self.summary.setWordWrap(True)
        follow_palette(self.summary, self._read_summary_again, now=False)
        self.class_table = ClassTable()
        self.steps = DatasetSteps(self)  # its changes to the dataset: many files move in the background
        self.class_drop = ClassDrop(self)  # moved in, or imported from elsewhere
        self.class_table.files_dropped.connect(self.class_drop.dropped)
        self.class_table.itemSelectionChanged.connect(self._class_selected)
        self.class_filter = ClassFilter()
        self.class_filter.currentIndexChanged.connect(self._fill_thumbnails)
        self.thumb_model = ThumbnailModel(side=96)
        self.thumbs = ThumbnailGrid()
        self.thumbs.setObjectName("thumbnailGrid")
        self.thumbs.setAccessibleName(self.tr("Thumbnails"))
        self.thumb_model.configure_view(self.thumbs)
        self.thumbs.setLayoutMode(QListView.LayoutMode.Batched)
        self.thumbs.setBatchSize(200)
        self.thumbs.activated.connect(lambda idx: self.view_thumbnail(idx.row()))  # double-click or Enter
        self.problems = ProblemsPanel(self.state, self.steps.change, viewer_owner=self)
        self.problems.check.stop_button.clicked.connect(self.check.cancel)
        return top

    def build_body(self, top: QLayout | None) -> None:
        self.tabs = QTabWidget()
        self.tabs.setObjectName("datasetTabs")
        self.tabs.addTab(_column(self.class_filter, self.thumbs), self.tr("Images"))
        self.tabs.addTab(self.problems, self.tr("Problems"))
        self.summary.linkActivated.connect(lambda _: self.tabs.setCurrentIndex(1))
        right = _column(self.summary, self.class_table)
        right.setMinimumWidth(self.fontMetrics().horizontalAdvance("x" * 44))  # class names stay readable
        self.set_body(self.empty_text, _column(self.tabs), right, top=top)

    def connect_state(self) -> None:
        self.state.files_changed.connect(functools.partial(self.open_folder, reread=True))  # the Label page's steps
        self.state.dataset_opening.connect(self._forget_shown)
        self.state.dataset_changed.connect(self._show_dataset)
        self.state.plan_changed.connect(lambda: self.summary.setText(self._summary_text()))

    # ---- actions -----------------------------------------------------------------------------------
    def browse(self) -> None:
        start = self.path_edit.text() or str(Path.home())
        path = QFileDialog.getExistingDirectory(self, self.tr("Open a dataset folder"), start)
        if path:
            self.open_folder(path)

    def rescan(self) -> None:
        if self.state.dataset is not None:
            self.open_folder(self.state.dataset.root)

    def open_demo(self) -> None:
        if self.steps.mover.refused_while_busy():  # (its task would take the status line from the step)
            return
        from desktop_cls.core.storage import user_data_dir

        # the user's own data folder, never the shared temp folder: another account could put a folder there
        target = user_data_dir() / "demo-dataset"
        what = self.tr("Generating the demo dataset")

        def make(progress: Any, cancel: Any) -> str:
            from desktop_cls.core.data.demo_data import make_demo_dataset

            if target.exists() and any(target.iterdir()):
                return str(target)
            progress(0, 1, what)
            return str(make_demo_dataset(target))

        self.run_task("demo data", make, self.open_folder, error_title=self.tr("Demo dataset"), status=what)

    def open_folder(self, path: str, reread: bool = False) -> None:
        """Stage one, the folder walk: what training needs. The check of the folder open before stops. Once the
        Label page's keys still being filed are on disk (`reread`: the open folder read again after a step)."""
        if self.steps.holds(path):  # read once the step running is over
            return
        path = str(Path(path).expanduser())
        if self.state.filing.hold_opening(self.open_folder, path, reread):  # (one labeling engine per folder)
            return
        self.path_edit.show_folder(path)
        self.check.cancel()
        self.model.superseded()
        open_root = self.state.dataset.root if self.state.dataset is not None else None
        self.state.begin_opening(path)
        split = saved_split(self.state.settings)
        engine = self.state.workspace
        self.run_task("scan", lambda progress, cancel: read_folder(path, open_root, split, progress, cancel, engine),
                      self.state.set_dataset, status=self.tr("Reading folder…"), on_error=self._scan_failed,
                      on_cancelled=self._restore_path)

    # ---- showing -------------------------------------------------------------------------------------
    def _restore_path(self) -> None:
        """The field names the dataset that is open, not a folder that failed to open or was cancelled."""
        self.path_edit.show_folder(self.state.dataset.root if self.state.dataset is not None else "")
        self.empty.set_text(self.empty_text)
        self.state.opening_failed()  # whoever cleared for the new folder shows the open one again

    def _forget_shown(self, folder: str) -> None:
        """Another folder is being read: the grid, classes and problems of the open one go meanwhile."""
        self.model.forget()
        self.class_table.setRowCount(0)
        self.thumb_model.set_items([])
        self.summary.setText("")
        self.show_content(False)
        self.empty.set_text(self.tr("Reading {0}…").format(isolated(folder)))

    def _scan_failed(self, message: str, details: str) -> None:
        self._restore_path()
        message = failure_text(message, self.state.dataset.root if self.state.dataset is not None else None)
        show_error(self, self.tr("Cannot open this folder"), message, details)

    def _show_dataset(self, index: DatasetIndex) -> None:
        """The walk's dataset: classes, counts and thumbnails now; its check starts (unless it is this one's)."""
        if not self.model.is_current(index):
            self.check.start(index)  # stage two: the model shows it from now on
        self.path_edit.show_folder(index.root)
        self.buttons["rescanButton"].setEnabled(True)
        self.show_content()
        self.class_table.fill(self.model.class_rows())
        self.class_filter.fill(index)
        self._fill_thumbnails()
        self._show_problems()

    def _show_problems(self) -> None:
        """What the check has found so far (the walk's own problems first), the summary and the badge."""
        self.problems.show_model(self.model)
        n = len(self.model.problems)
        self.tabs.setTabText(1, self.tr("Problems ({0})").format(n) if n else self.tr("Problems"))
        self.summary.setText(self._summary_text())
        self.state.set_status(PageKey.DATA, Badge.ATTENTION if self.model.needs_attention() else Badge.DONE)
        if self.model.index is not None and self.model.checked is not None:  # training leaves out what it found
            self.state.set_checked(self.model.index, self.model.checked)

    def _read_summary_again(self) -> None:
        """A link takes its colour when the text is read: after a theme switch it kept the old one (dark blue on
        the dark window). The same text set again is ignored, hence the clear."""
        self.summary.clear()
        self.summary.setText(self._summary_text())

    def _summary_text(self) -> str:
        index = self.model.index  # its validation as the Train page's plan would do it
        return summary_text(self.model, self.state.plan_for(index.root) if index is not None else None)

    def _fill_thumbnails(self) -> None:
        self.thumb_model.set_items(self.model.thumbnails(self.class_filter.currentData(), self.tr("not labeled yet")))

    def _class_selected(self) -> None:
        if len(rows := {i.row() for i in self.class_table.selectedIndexes()}) == 1:
            self.class_filter.setCurrentIndex(next(iter(rows)) + 1)

    def view_thumbnail(self, row: int) -> None:
        """The grid's images in the viewer, captioned one by one as it shows them."""
        caption = self.tr("Class: {0}")
        open_viewer(self, MappedItems(self.thumb_model.items,
                                      lambda item: (item[0], caption.format(isolated(item[1])))), row)

    def shutdown(self) -> None:
        self.check.cancel()
        self.thumb_model.shutdown()
